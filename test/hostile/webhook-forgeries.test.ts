// Hostile: forged posts to /webhooks/sendgrid with a well-formed signature header (issue 34,
// row 5: ~140 a second took requestOtp's median from 6 to 759 ms: each forged signature cost
// 6.5 ms of event loop in a pure-JS ECDSA, with no per-client limit and a log line each). Now
// each client network's posts are counted before anything else, the signature is checked by
// node:crypto, and refusals are counted, logged at most once a minute. What it costs the
// event loop is measured in `npm run bench` (scenario webhook-forgeries), not here. Real HTTP
// to the real server behind a trusted "proxy"; loopback, bounded in count.
import { describe, expect, it } from 'vitest';
import { withHarness } from '../support/harness.js';
import { event, PUBLIC_KEY, privateKey } from '../support/sendgrid-events.js';
import { sign } from 'node:crypto';

const METRICS_TOKEN = 'Hq7Zt3Lw9Kc2Vx7Nb4Rp1Hs6Jd0Fy5GaXe';

/** A post from `ip`: signed properly, or with a well-formed signature over something else. */
async function post(url: string, ip: string, forged: boolean): Promise<number> {
  const body = JSON.stringify([event('00000000-0000-4000-8000-000000000000', 'delivered')]);
  const timestamp = String(Math.floor(Date.now() / 1000));
  const signature = sign('sha256', Buffer.from(timestamp + (forged ? `${body} ` : body)), { key: privateKey, dsaEncoding: 'der' }).toString('base64');
  const res = await fetch(url.replace('/graphql', '/webhooks/sendgrid'), {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-twilio-email-event-webhook-timestamp': timestamp, 'x-twilio-email-event-webhook-signature': signature, 'x-forwarded-for': ip },
    body,
  });
  await res.arrayBuffer();
  return res.status;
}

describe('forged SendGrid event posts', () => {
  it("meet the client's own count first, are refused by a native check, and are counted, not logged one by one", async () => {
    const env = { SENDGRID_WEBHOOK_PUBLIC_KEY: PUBLIC_KEY, SENDGRID_WEBHOOK_MAX_POSTS_PER_MINUTE: '50', TRUST_PROXY: '1', METRICS_TOKEN };
    await withHarness(env, async (h) => {
      const statuses: number[] = [];
      for (let round = 0; round < 8; round++) statuses.push(...(await Promise.all(Array.from({ length: 10 }, () => post(h.url, '203.0.113.5', true)))));
      expect(statuses.filter((s) => s === 403)).toHaveLength(50);
      expect(statuses.filter((s) => s === 429)).toHaveLength(30);
      // SendGrid, posting from its own address meanwhile, is heard.
      expect(await post(h.url, '198.51.100.9', false)).toBe(204);
      const metrics = await (await fetch(h.url.replace('/graphql', '/metrics'), { headers: { authorization: `Bearer ${METRICS_TOKEN}` } })).text();
      expect(metrics).toMatch(/otp_webhook_requests_total\{outcome="bad_signature"\} 50/);
      expect(metrics).toMatch(/otp_webhook_requests_total\{outcome="limited"\} 30/);
      expect(metrics).toMatch(/otp_webhook_requests_total\{outcome="accepted"\} 1/);
      // Eighty refusals, one log line.
      expect(h.logs.filter((line) => line.includes('SendGrid webhook requests refused'))).toHaveLength(1);
    });
  });
});
