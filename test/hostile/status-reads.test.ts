// Hostile: otpDelivery in a loop (issue 22, row 5: ~2,000 reads in 5 s, each a store query,
// never limited). Status reads, queries and subscriptions alike, now count against a per-client
// budget (CLIENT_MAX_STATUS_READS_PER_WINDOW), shared by HTTP and WebSocket; past it, a
// RATE_LIMITED error with the wait, and no store read. Loopback, bounded in count.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHarness, type Harness } from '../support/harness.js';
import { collect, wsClient } from '../support/ws-client.js';

const READ = 'query($id: ID!) { otpDelivery(requestId: $id) { state } }';

describe('delivery-status reads from one client', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({ CLIENT_MAX_STATUS_READS_PER_WINDOW: '20' });
  });
  afterAll(async () => h.close());

  it('stop at the budget, over HTTP and WebSocket together, with the wait', async () => {
    const { requestId } = await h.client.requestOtp({ email: 'watched@example.com' });
    const answers = [];
    for (let i = 0; i < 19; i++) answers.push(await h.gql(READ, { id: requestId }));
    expect(answers.every((a) => a.data?.otpDelivery?.state)).toBe(true);
    // The twentieth is a subscription over WebSocket: it counts in the same budget.
    const client = wsClient(h.url);
    try {
      const first = collect(client, 'subscription($id: ID!) { otpDeliveryChanged(requestId: $id) { state } }', { id: requestId });
      // Its first state is a store read: wait for it (bounded), not for a fixed time.
      for (const deadline = Date.now() + 10_000; first.values.length === 0 && Date.now() < deadline; ) await new Promise((r) => setTimeout(r, 25));
      expect(first.values.length).toBeGreaterThan(0);
      const refused = collect(client, 'subscription($id: ID!) { otpDeliveryChanged(requestId: $id) { state } }', { id: requestId });
      await refused.ended;
      expect(JSON.stringify(refused.errors)).toContain('RATE_LIMITED');
    } finally {
      await client.dispose();
    }
    const over = await h.gql(READ, { id: requestId });
    expect(over.data?.otpDelivery ?? null).toBeNull();
    expect(over.errors?.[0]?.extensions).toMatchObject({ code: 'RATE_LIMITED', retryAfterSeconds: expect.any(Number) });
    expect(over.errors![0]!.extensions!.retryAfterSeconds).toBeGreaterThan(500);
    // A forged X-Forwarded-For does not open a fresh budget (TRUST_PROXY is off: not believed).
    const forged = await h.gql(READ, { id: requestId }, { 'x-forwarded-for': '203.0.113.9' });
    expect(forged.errors?.[0]?.extensions?.code).toBe('RATE_LIMITED');
  });
});
