// Delivery status end to end, on both stores: the real SendGrid SDK sends to the fake SendGrid,
// signed Event Webhook posts (a key pair made here, signed with node:crypto) move otpDelivery
// to DELIVERED or BOUNCED, seen over the query and over the subscription in a real graphql-ws
// client; bad signatures, replays and stale timestamps change nothing.
import { generateKeyPairSync, randomUUID, sign } from 'node:crypto';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { watchOtpDelivery, type OtpDeliveryUpdate } from '../../packages/client/src/index.js';
import { loadConfig } from '../../src/config.js';
import { startHarness, type Harness } from '../support/harness.js';
import { describeEachTier } from '../support/stores.js';
import { event, postEvents, privateKey, PUBLIC_KEY, publicKey } from '../support/sendgrid-events.js';
import { collect, eventually, wsClient } from '../support/ws-client.js';

const CHANGES = 'subscription($id: ID!) { otpDeliveryChanged(requestId: $id) { requestId state updatedAt } }';

describeEachTier('delivery status and SendGrid events on the $name store', (tier) => {
  let h: Harness;
  let n = 0;
  const env = tier.env();
  const fresh = () => `status${++n}-${Date.now()}@example.com`;

  beforeAll(async () => {
    h = await startHarness({ ...env, SENDGRID_WEBHOOK_PUBLIC_KEY: PUBLIC_KEY, OTP_RESEND_COOLDOWN_SECONDS: '0', WS_MAX_SUBSCRIPTIONS_PER_CONNECTION: '64' });
  });
  afterAll(async () => {
    await h.close();
    await tier.disposeEnv(env);
  });
  beforeEach(() => h.sendgrid.reset());

  /** Requests a code and waits until its email is SENT; returns its request id. */
  async function sentCode(email = fresh()): Promise<string> {
    const { requestId } = await h.client.requestOtp({ email });
    expect(requestId).toMatch(/^[0-9a-f-]{36}$/);
    await h.sendgrid.waitForEmails(1, email);
    await eventually('SENT', async () => (await h.client.otpDelivery(requestId!))?.state === 'SENT');
    // The email carried the id for SendGrid's events, and its kind for the funnel (never the address).
    expect(h.sendgrid.emailsTo(email)[0]!.customArgs).toEqual({ otp_id: requestId, otp_kind: 'other' });
    return requestId!;
  }

  const metric = async (name: string) => {
    const text = await (await fetch(h.url.replace(/\/graphql$/, '/metrics'))).text();
    return Number(text.split('\n').find((line) => line.startsWith(name))?.split(' ').pop() ?? 0);
  };

  it('moves to DELIVERED on a signed delivered event, over the query and the subscription, which then completes', async () => {
    const requestId = await sentCode();
    const client = wsClient(h.url);
    try {
      const watch = collect<{ otpDeliveryChanged: { state: string } }>(client, CHANGES, { id: requestId });
      await eventually('the current state first', () => watch.values.length === 1);
      expect(watch.values[0]!.otpDeliveryChanged).toMatchObject({ requestId, state: 'SENT' });

      expect((await postEvents(h.url, [event(requestId, 'processed'), event(requestId, 'delivered')])).status).toBe(204);
      await watch.ended;
      expect(watch.errors).toEqual([]);
      expect(watch.values.map((v) => v.otpDeliveryChanged.state)).toEqual(['SENT', 'DELIVERED']);
      const status = await h.client.otpDelivery(requestId);
      expect(status).toMatchObject({ requestId, state: 'DELIVERED' });
      expect(Date.parse(status!.updatedAt)).toBeLessThanOrEqual(Date.now());
    } finally {
      await client.dispose();
    }
    expect(await metric('otp_email_events_total{event="delivered",result="applied"}')).toBeGreaterThanOrEqual(1);
    expect(await metric('otp_email_events_total{event="other",result="ignored"}')).toBeGreaterThanOrEqual(1);
  });

  it('gives the watchers of one code one shared store read per change, however many watch', async () => {
    const WATCHERS = 50;
    const requestId = await sentCode();
    // Counts the real store's status reads (the store itself answers them).
    const store = h.app.store;
    const original = store.deliveryStatus.bind(store);
    let reads = 0;
    store.deliveryStatus = (id) => {
      if (id === requestId) reads++;
      return original(id);
    };
    const client = wsClient(h.url);
    try {
      const watches = Array.from({ length: WATCHERS }, () => collect<{ otpDeliveryChanged: { state: string } }>(client, CHANGES, { id: requestId }));
      await eventually('every watcher has the current state', () => watches.every((w) => w.values.length === 1));
      // Opening: at most one read each (they may share, but must not need more).
      expect(reads).toBeLessThanOrEqual(WATCHERS);
      reads = 0;
      expect((await postEvents(h.url, [event(requestId, 'delivered')])).status).toBe(204);
      await Promise.all(watches.map((w) => w.ended));
      expect(watches.every((w) => w.values.map((v) => v.otpDeliveryChanged.state).join() === 'SENT,DELIVERED')).toBe(true);
      // One change, one read for all fifty (it was fifty, one per watcher).
      expect(reads).toBe(1);
    } finally {
      store.deliveryStatus = original;
      await client.dispose();
    }
  });

  it("follows a code through the typed client's watchOtpDelivery", async () => {
    const requestId = await sentCode();
    const client = wsClient(h.url);
    try {
      const updates: OtpDeliveryUpdate[] = [];
      const ended = new Promise<unknown>((resolve) => watchOtpDelivery(client, requestId, (u) => updates.push(u), resolve));
      await eventually('the current state', () => updates.length === 1);
      expect((await postEvents(h.url, [event(requestId, 'deferred'), event(requestId, 'delivered')])).status).toBe(204);
      expect(await ended).toBeUndefined(); // ended by completion, not an error
      expect(updates.map((u) => u.state)).toContain('DELIVERED');
      expect(updates[updates.length - 1]).toMatchObject({ requestId, state: 'DELIVERED' });
    } finally {
      await client.dispose();
    }
  });

  it('moves to BOUNCED on a bounce, and on a block; later news does not undo it', async () => {
    const bounced = await sentCode();
    const blocked = await sentCode();
    expect((await postEvents(h.url, [event(bounced, 'bounce', { type: 'bounce', reason: '550 no such user' }), event(blocked, 'bounce', { type: 'blocked' })])).status).toBe(204);
    expect((await h.client.otpDelivery(bounced))?.state).toBe('BOUNCED');
    expect((await h.client.otpDelivery(blocked))?.state).toBe('BOUNCED');
    expect((await postEvents(h.url, [event(bounced, 'delivered'), event(bounced, 'deferred')])).status).toBe(204);
    expect((await h.client.otpDelivery(bounced))?.state).toBe('BOUNCED');
    expect(await metric('otp_email_events_total{event="blocked",result="applied"}')).toBeGreaterThanOrEqual(1);
  });

  it('changes nothing for a bad or missing signature, another key, a stale or future timestamp, or a replay', async () => {
    const requestId = await sentCode();
    const delivered = [event(requestId, 'delivered')];
    const otherKey = generateKeyPairSync('ec', { namedCurve: 'prime256v1' }).privateKey;
    const body = JSON.stringify(delivered);
    const tampered = body.replace('"delivered"', '"bounce"');
    const validSignature = (at: number) => sign('sha256', Buffer.from(String(at) + body), { key: privateKey, dsaEncoding: 'der' }).toString('base64');
    const now = Math.floor(Date.now() / 1000);

    expect((await postEvents(h.url, delivered, { signature: null })).status).toBe(403);
    expect((await postEvents(h.url, delivered, { signature: 'not-base64-DER' })).status).toBe(403);
    expect((await postEvents(h.url, delivered, { signature: 'MAYCAQACAQA=' })).status).toBe(403); // r = s = 0
    expect((await postEvents(h.url, delivered, { key: otherKey })).status).toBe(403);
    expect((await postEvents(h.url, delivered, { body: tampered, signature: validSignature(now), timestamp: now })).status).toBe(403);
    expect((await postEvents(h.url, delivered, { timestamp: now - 400 })).status).toBe(403);
    expect((await postEvents(h.url, delivered, { timestamp: now + 400 })).status).toBe(403);
    expect((await h.client.otpDelivery(requestId))?.state).toBe('SENT');

    const before = await metric('otp_email_events_total{event="delivered",result="applied"}');
    expect((await postEvents(h.url, delivered, { timestamp: now, signature: validSignature(now) })).status).toBe(204);
    expect((await postEvents(h.url, delivered, { timestamp: now, signature: validSignature(now) })).status).toBe(204); // the same request again
    expect((await h.client.otpDelivery(requestId))?.state).toBe('DELIVERED');
    expect(await metric('otp_email_events_total{event="delivered",result="applied"}')).toBe(before + 1);
    expect(await metric('otp_email_events_total{event="delivered",result="duplicate"}')).toBeGreaterThanOrEqual(1);
    // A signature header that cannot be one (missing, not base64, far too short) is refused as
    // unsigned before the body is read; well-formed ones that do not verify are bad signatures.
    expect(await metric('otp_webhook_requests_total{outcome="bad_signature"}')).toBeGreaterThanOrEqual(2);
    expect(await metric('otp_webhook_requests_total{outcome="stale"}')).toBeGreaterThanOrEqual(2);
    expect(await metric('otp_webhook_requests_total{outcome="unsigned"}')).toBeGreaterThanOrEqual(3);
  });

  it('ignores and counts events for unknown codes, and never logs an address from them', async () => {
    const unknown = randomUUID();
    const before = await metric('otp_email_events_total{event="delivered",result="unknown"}');
    expect((await postEvents(h.url, [event(unknown, 'delivered', { email: 'leak-check@example.com' }), event('not-an-id', 'dropped')])).status).toBe(204);
    expect(await metric('otp_email_events_total{event="delivered",result="unknown"}')).toBe(before + 1);
    expect(await h.client.otpDelivery(unknown)).toBeNull();
    expect(h.logs.join('\n')).not.toContain('leak-check@example.com');
    expect(h.logs.join('\n')).toContain('"event":"delivered"');
  });

  it('answers an unknown id and a used code alike, refuses a malformed id, and names neither address nor code', async () => {
    const email = fresh();
    const { requestId } = await h.client.requestOtp({ email });
    const code = await h.sendgrid.latestCode(email);
    const status = await h.client.otpDelivery(requestId!);
    expect(Object.keys(status!).sort()).toEqual(['requestId', 'state', 'updatedAt']);
    expect(JSON.stringify(status)).not.toContain(email);
    expect(JSON.stringify(status)).not.toContain(code);
    expect((await h.client.verifyOtp({ email, otp: code })).status).toBe('VERIFIED');
    expect(await h.client.otpDelivery(requestId!)).toBeNull();
    expect(await h.client.otpDelivery(randomUUID())).toBeNull();
    await expect(h.client.otpDelivery('../../etc/passwd')).rejects.toMatchObject({ code: 'BAD_USER_INPUT', field: 'requestId' });

    // A subscription to a gone code ends at once, without a value.
    const client = wsClient(h.url);
    try {
      const watch = collect(client, CHANGES, { id: requestId });
      await watch.ended;
      expect(watch.values).toEqual([]);
    } finally {
      await client.dispose();
    }
  });

  if (tier.name === 'mongodb') {
    it('shows a subscriber on one replica the state set through another', async () => {
      // An API replica: it sends nothing (the first one's dispatcher does), it only watches.
      const other = await startHarness({ ...env, ROLE: 'api', SENDGRID_WEBHOOK_PUBLIC_KEY: PUBLIC_KEY });
      const client = wsClient(other.url);
      try {
        const requestId = await sentCode();
        const watch = collect<{ otpDeliveryChanged: { state: string } }>(client, CHANGES, { id: requestId });
        await eventually('the current state first', () => watch.values.length === 1);
        expect((await postEvents(h.url, [event(requestId, 'dropped', { reason: 'Bounced Address' })])).status).toBe(204);
        await watch.ended;
        expect(watch.values.map((v) => v.otpDeliveryChanged.state)).toEqual(['SENT', 'DROPPED']);
      } finally {
        await client.dispose();
        await other.close();
      }
    });
  }
});

describeEachTier('delivery status while SendGrid is down, on the $name store', (tier) => {
  const env = tier.env();
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({ ...env, OTP_RESEND_COOLDOWN_SECONDS: '0', DELIVERY_RETRY_MAX_SECONDS: '2', DELIVERY_SWEEP_SECONDS: '1', DELIVERY_GRACE_SECONDS: '1' });
  });
  afterAll(async () => {
    await h.close();
    await tier.disposeEnv(env);
  });

  it('keeps every code deliverable through a 20-s outage (503): all sent after it recovers, none failed', { timeout: 60_000 }, async () => {
    h.sendgrid.downFor(20_000);
    const emails = Array.from({ length: 10 }, (_, i) => `outage${i}-${Date.now()}@example.com`);
    const requestIds: string[] = [];
    for (const email of emails) requestIds.push((await h.client.requestOtp({ email })).requestId!);

    // Down: each one waits (PENDING, between attempts), none FAILED.
    await eventually('a few refused attempts', () => h.sendgrid.requests.filter((r) => r.status === 503).length >= 3, 15_000);
    for (const id of requestIds) expect(['PENDING', 'SENDING']).toContain((await h.client.otpDelivery(id))?.state);

    await h.sendgrid.waitForEmails(10, undefined, 35_000);
    expect(new Set(h.sendgrid.emails.map((e) => e.to))).toEqual(new Set(emails));
    const accepted = h.sendgrid.requests.find((r) => r.status === 202)!;
    const refused = h.sendgrid.requests.filter((r) => r.status === 503);
    expect(accepted.at - refused[0]!.at).toBeGreaterThanOrEqual(19_000);
    await eventually('every code SENT', async () => {
      const states = await Promise.all(requestIds.map(async (id) => (await h.client.otpDelivery(id))?.state));
      return states.every((s) => s === 'SENT');
    });
  });

  it('reports EXPIRED to a subscriber when the code dies before its email could go, and completes', { timeout: 20_000 }, async () => {
    const ownEnv = tier.env(); // its own data: no other dispatcher (with a working SendGrid) shares it
    const short = await startHarness({ ...ownEnv, OTP_TTL_SECONDS: '2', DELIVERY_RETRY_MAX_SECONDS: '1' });
    const client = wsClient(short.url);
    try {
      short.sendgrid.downFor(60_000);
      const { requestId } = await short.client.requestOtp({ email: `dies-${Date.now()}@example.com` });
      const watch = collect<{ otpDeliveryChanged: { state: string } }>(client, CHANGES, { id: requestId });
      await watch.ended;
      const states = watch.values.map((v) => v.otpDeliveryChanged.state);
      expect(['EXPIRED', 'FAILED']).toContain(states[states.length - 1]);
      expect(states).not.toContain('SENT');
      expect(['EXPIRED', 'FAILED']).toContain((await short.client.otpDelivery(requestId!))?.state);
    } finally {
      await client.dispose();
      await short.close();
      await tier.disposeEnv(ownEnv);
    }
  });
});


describe('the SendGrid webhook setting', () => {
  it('is off unless SENDGRID_WEBHOOK_PUBLIC_KEY is set: the route does not exist', async () => {
    const h = await startHarness();
    try {
      expect((await postEvents(h.url, [event(randomUUID(), 'delivered')])).status).toBe(404);
    } finally {
      await h.close();
    }
  });

  it('takes the key as SendGrid shows it (base64) or as PEM, and refuses anything that is not an EC public key', () => {
    const pem = publicKey.export({ format: 'pem', type: 'spki' }).toString();
    expect(loadConfig({ SENDGRID_WEBHOOK_PUBLIC_KEY: PUBLIC_KEY }).mail.sendgridEvents).toEqual({ publicKey: PUBLIC_KEY, maxAgeSeconds: 300, maxPostsPerMinute: 300 });
    expect(loadConfig({ SENDGRID_WEBHOOK_PUBLIC_KEY: pem }).mail.sendgridEvents?.publicKey).toBe(pem);
    const rsa = generateKeyPairSync('rsa', { modulusLength: 1024 }).publicKey.export({ format: 'der', type: 'spki' }).toString('base64');
    for (const bad of ['not a key', rsa]) {
      expect(() => loadConfig({ SENDGRID_WEBHOOK_PUBLIC_KEY: bad })).toThrow(/SENDGRID_WEBHOOK_PUBLIC_KEY: must be the Signed Event Webhook's verification key/);
    }
    expect(loadConfig({}).mail.sendgridEvents).toBeNull();
  });
});
