// Signed webhooks to the merchant's backend, on both stores: a receiver that checks every
// signature with the standardwebhooks library hears otp.verified, otp.locked and
// otp.delivery_failed, never the code; after a receiver outage and a restart (MongoDB) or a
// second instance taking over (the embedded store lives in its process), each event arrives
// once per id, under the same id on every try.
import { makeIntent } from '../support/intents.js';
import { randomBytes } from 'node:crypto';
import { jwtVerify } from 'jose';
import { afterAll, beforeAll, beforeEach, expect, it } from 'vitest';
import { jwksOf, startHarness, wrongCode, type Harness } from '../support/harness.js';
import { WebhookReceiver } from '../support/webhook-receiver.js';
import { describeEachTier } from '../support/stores.js';
import { eventually } from '../support/ws-client.js';

const SECRET = `whsec_${randomBytes(32).toString('base64')}`;

describeEachTier('signed merchant webhooks on the $name store', (tier) => {
  const receiver = new WebhookReceiver(SECRET);
  let env: Record<string, string>;
  let h: Harness;
  const start = () => startHarness({ ...env, OTP_RESEND_COOLDOWN_SECONDS: '0' });

  beforeAll(async () => {
    const url = await receiver.start();
    env = { ...tier.env(), WEBHOOK_URL: url, WEBHOOK_SECRET: SECRET, WEBHOOK_RETRY_BASE_MS: '100', WEBHOOK_RETRY_MAX_SECONDS: '1', WEBHOOK_POLL_MS: '100' };
    h = await start();
  });
  afterAll(async () => {
    await h.close();
    await receiver.close();
    await tier.disposeEnv(env);
  });
  beforeEach(() => {
    receiver.down = false;
  });

  it('tells of a verification, with the transaction, and never the code', async () => {
    const email = `verified-${tier.name}@example.com`;
    const intentId = `order-${tier.name}-${Date.now()}`;
    const paymentIntent = await makeIntent({ merchant: 'demo', amount: '149.90', jti: intentId });
    const transaction = { merchant: 'demo-shop', intentId, amount: '149.90', currency: 'MYR', payee: 'Demo Shop' };
    const { requestId } = await h.client.requestOtp({ email, purpose: 'payment', paymentIntent });
    const code = await h.sendgrid.latestCode(email);
    // otp.requested is written with the email's outcome, and what it showed with it: then the payer reads.
    await eventually('otp.requested', () => receiver.of('otp.requested', email).length === 1);
    expect(receiver.of('otp.requested', email)[0]!.data).toEqual({ email, purpose: 'payment', requestId, transaction, resends: 0 });
    expect((await h.client.verifyOtp({ email, purpose: 'payment', otp: code, paymentIntent })).status).toBe('VERIFIED');
    await eventually('otp.verified', () => receiver.of('otp.verified', email).length === 1);
    const [event] = receiver.of('otp.verified', email);
    expect(event!.id).toMatch(/^msg_[0-9a-f]{32}$/);
    expect(event!.data).toEqual({ email, purpose: 'payment', requestId, transaction, evidence: expect.any(String) });
    expect(event!.body).not.toContain(code);
    // The evidence of what was confirmed, signed with the service's key, for the merchant.
    const { payload } = await jwtVerify(event!.data.evidence as string, jwksOf(h.url), { issuer: 'otp-graphql', audience: 'demo-shop', typ: 'otp-evidence+jwt' });
    expect(payload).toMatchObject({ requestId, email, transaction, shown: { language: 'en', amount: 'MYR\u00a0149.90', payee: 'Demo Shop' }, otp_channel: 'email' });
    expect((payload.shown as { sentence: string }).sentence).toMatch(/^Use this code to confirm your payment of MYR\u00a0149\.90 to Demo Shop\. /);
    expect(payload.sentAt).toEqual(expect.any(String));
    expect(JSON.stringify(payload)).not.toContain(code);
    expect(receiver.rejected).toBe(0);
  });

  it("tells of a code locked by too many wrong attempts, once, naming its request and its own payment (issue 34, row 8)", async () => {
    const email = `locked-${tier.name}@example.com`;
    const intentId = `lock-${tier.name}-${Date.now()}`;
    const { requestId } = await h.client.requestOtp({ email, purpose: 'payment', paymentIntent: await makeIntent({ merchant: 'demo', amount: '10.00', jti: intentId }) });
    const code = await h.sendgrid.latestCode(email);
    // A stranger's guesses, with no intent at all: the event still names the code's payment.
    for (let i = 0; i < 6; i += 1) await h.client.verifyOtp({ email, purpose: 'payment', otp: wrongCode(code) });
    await eventually('otp.locked', () => receiver.of('otp.locked', email).length === 1);
    await new Promise((r) => setTimeout(r, 300));
    expect(receiver.of('otp.locked', email)).toHaveLength(1);
    expect(receiver.of('otp.locked', email)[0]!.data).toEqual({
      email,
      purpose: 'payment',
      requestId,
      transaction: { merchant: 'demo-shop', intentId, amount: '10.00', currency: 'MYR', payee: 'Demo Shop' },
    });
    expect(receiver.accepted.map((e) => e.body).join('')).not.toContain(code);
  });

  it('tells of an email SendGrid refused', async () => {
    const email = `refused-${tier.name}@example.com`;
    h.sendgrid.refuse(email);
    const { requestId } = await h.client.requestOtp({ email });
    await eventually('otp.delivery_failed', () => receiver.of('otp.delivery_failed', email).length === 1);
    expect(receiver.of('otp.delivery_failed', email)[0]!.data).toEqual({ email, purpose: 'default', requestId, transaction: null, reason: 'refused' });
  });

  it('delivers each event once per id after a receiver outage and a restart, under the same id on every try', { timeout: 40_000 }, async () => {
    receiver.down = true;
    const emails = [1, 2, 3].map((n) => `outage${n}-${tier.name}@example.com`);
    for (const email of emails) {
      await h.client.requestOtp({ email });
      const code = await h.sendgrid.latestCode(email);
      expect((await h.client.verifyOtp({ email, otp: code })).status).toBe('VERIFIED');
    }
    await eventually('a few refused tries', () => receiver.tries.length >= 6, 10_000);
    // The service stops (MongoDB: all of it; the embedded store stays, as a replica's would) ...
    await h.close();
    const triesBefore = receiver.tries.length;
    receiver.down = false;
    await new Promise((r) => setTimeout(r, 300));
    expect(receiver.tries.length).toBe(triesBefore); // nobody is sending now
    // ... and another instance starts: it finds the events in the store and delivers them.
    h = await start();
    await eventually('every event delivered', () => emails.every((email) => receiver.of('otp.verified', email).length >= 1), 15_000);
    await new Promise((r) => setTimeout(r, 500));
    for (const email of emails) {
      const [event, ...again] = receiver.of('otp.verified', email);
      expect(again).toEqual([]);
      // Every try of this event carried its one id.
      expect(receiver.tries.filter((id) => id === event!.id).length).toBeGreaterThanOrEqual(2);
    }
    expect(new Set(receiver.accepted.map((e) => e.id)).size).toBe(receiver.accepted.length);
  });
});
