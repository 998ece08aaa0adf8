// The payment records role on a real mongod: a payment code's end is one atomic step whatever
// the clocks of the services that race for it (a cancel and a check; a verify and a cancel),
// its record stays after it dies, and its otp.expired is written only for a code that died
// unused, once. Concurrency and clock skew are made explicit here: the end-to-end flows are
// test/merchant-api/, the randomized history test/faults/history.test.ts.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { MongoOtpStore, STATE_COLLECTION } from '../../src/store/mongo.store.js';
import type { NewWebhook, Transaction } from '../../src/store/otp.store.js';
import { describeOnTier, mongoTier as tier } from '../support/stores.js';
import { newOtp } from './store.contract.js';

const payment = (intentId: string): Transaction => ({ merchant: 'kedai-ali', intentId, amount: '149.90', currency: 'MYR', payee: 'Kedai Runcit Ali' });
const event = (type: string, createdAt = new Date()): NewWebhook => ({ id: `msg_${randomUUID().replace(/-/g, '')}`, type, payload: JSON.stringify({ type }), createdAt, merchant: 'kedai-ali' });
const guesses = { max: 25, windowSeconds: 600 };

describeOnTier(tier, 'payment records (MongoDB)', () => {
  let store: MongoOtpStore;
  beforeAll(async () => {
    store = (await tier.create()) as MongoOtpStore;
  });
  afterAll(async () => tier.dispose(store));

  const issuePayment = async (now: Date, expiry?: { onExpiry: NewWebhook; expiryEventAt: Date }) => {
    const otp = newOtp({ purpose: 'payment', transaction: payment(`order-${randomUUID()}`), keepUntil: new Date(now.getTime() + 86_400_000), ...expiry }, now);
    await store.issue(otp);
    return otp;
  };
  const waiting = async (mailbox: string) => ((await store.db.collection(STATE_COLLECTION).findOne({ _id: mailbox as never }))?.webhooks ?? []).map((w: { type: string }) => w.type);

  it('a canceled code is dead to a check or a resend whose clock is behind the cancel', async () => {
    const now = new Date();
    const otp = await issuePayment(now);
    expect(await store.cancelPayment({ mailbox: otp.mailbox, id: otp.id, merchant: 'kedai-ali', now, maxAttempts: 5, webhook: event('otp.canceled') })).toBe(true);
    const behind = new Date(now.getTime() - 2_000);
    expect(await store.check({ mailbox: otp.mailbox, purpose: 'payment', id: otp.id, codeHash: otp.codeHash, now: behind, maxAttempts: 5, guesses })).toEqual({ result: 'expired' });
    const resend = await store.resend({ mailbox: otp.mailbox, id: otp.id, now: behind, maxAttempts: 5, limits: { cooldownSeconds: 0, sends: { max: 10, windowSeconds: 600 } }, sharedFor: () => [] });
    expect(resend).toEqual({ result: 'expired' });
    expect(await waiting(otp.mailbox)).toEqual(['otp.canceled']);
    // Canceled again: nothing changes, no second event.
    expect(await store.cancelPayment({ mailbox: otp.mailbox, id: otp.id, merchant: 'kedai-ali', now, maxAttempts: 5, webhook: event('otp.canceled') })).toBe(false);
    expect(await waiting(otp.mailbox)).toEqual(['otp.canceled']);
    // Its record stays, without its hash's use: found by its merchant only.
    expect(await store.findPayment('kedai-ali', { requestId: otp.id })).toMatchObject({ id: otp.id, canceledAt: now, sealedCode: null });
    expect(await store.findPayment('toko-abu', { requestId: otp.id })).toBeNull();
  });

  it('a verified code cannot be canceled after, even by a cancel whose clock is behind', async () => {
    const now = new Date();
    const otp = await issuePayment(now);
    expect(await store.check({ mailbox: otp.mailbox, purpose: 'payment', id: otp.id, codeHash: otp.codeHash, now, maxAttempts: 5, guesses, evidence: 'eyJ.evidence.sig', webhooks: { verified: event('otp.verified') } })).toEqual({ result: 'verified' });
    expect(await store.cancelPayment({ mailbox: otp.mailbox, id: otp.id, merchant: 'kedai-ali', now: new Date(now.getTime() - 2_000), maxAttempts: 5, webhook: event('otp.canceled') })).toBe(false);
    expect(await waiting(otp.mailbox)).toEqual(['otp.verified']);
    expect(await store.findPayment('kedai-ali', { requestId: otp.id })).toMatchObject({ verifiedAt: now, evidence: 'eyJ.evidence.sig', codeHash: '' });
    // A replay of the right code: unknown, as a verified code has always answered.
    expect(await store.check({ mailbox: otp.mailbox, purpose: 'payment', id: otp.id, codeHash: otp.codeHash, now, maxAttempts: 5, guesses })).toEqual({ result: 'not_found' });
  });

  it('writes a code\'s otp.expired once, when it died unused; never for one verified, locked or canceled', async () => {
    const past = new Date(Date.now() - 60_000);
    const expiring = () => ({ onExpiry: event('otp.expired', past), expiryEventAt: new Date(Date.now() + 1_500) });
    const [idle, used, locked, canceled] = [await issuePayment(new Date(), expiring()), await issuePayment(new Date(), expiring()), await issuePayment(new Date(), expiring()), await issuePayment(new Date(), expiring())];
    const now = new Date();
    await store.check({ mailbox: used.mailbox, purpose: 'payment', id: used.id, codeHash: used.codeHash, now, maxAttempts: 1, guesses });
    await store.check({ mailbox: locked.mailbox, purpose: 'payment', id: locked.id, codeHash: 'wrong', now, maxAttempts: 1, guesses });
    await store.cancelPayment({ mailbox: canceled.mailbox, id: canceled.id, merchant: 'kedai-ali', now, maxAttempts: 1 });
    // Not due yet: nothing written.
    await store.expirePayments(100);
    expect(await waiting(idle.mailbox)).toEqual([]);
    await new Promise((r) => setTimeout(r, 1_600));
    expect(await store.expirePayments(100)).toBeGreaterThanOrEqual(1);
    expect(await store.expirePayments(100)).toBe(0);
    expect(await waiting(idle.mailbox)).toEqual(['otp.expired']);
    for (const other of [used, locked, canceled]) expect(await waiting(other.mailbox)).toEqual([]);
    expect(await store.findPayment('kedai-ali', { requestId: locked.id })).toMatchObject({ attempts: 1, lockedAt: now });
  });
});
