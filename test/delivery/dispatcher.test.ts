// The dispatcher on the embedded store, sending through the real SendGrid SDK to a fake
// SendGrid server: retries, permanent failures, several dispatchers, restarts and leases.
import { afterAll, afterEach, beforeAll, beforeEach, expect, it } from 'vitest';
import { ManualClock, systemClock, type Clock } from '../../src/clock.js';
import { Dispatcher, type DeliveryObserver } from '../../src/delivery/dispatcher.js';
import { builtInEmails } from '../support/emails.js';
import { SendGridMailer } from '../../src/mail/sendgrid.mailer.js';
import { loadConfig } from '../../src/config.js';
import { createOtpService } from '../../src/create-service.js';
import type { OtpService } from '../../src/otp/otp.service.js';
import type { OtpStore } from '../../src/store/otp.store.js';
import { FakeSendGrid } from '../support/fake-sendgrid.js';
import { memoryLogger, TEST_SECRET } from '../support/harness.js';
import { describeEachTier } from '../support/stores.js';
import { StandardMerchantEvents } from '../../src/webhooks/merchant-events.js';

const config = loadConfig({ OTP_SECRET: TEST_SECRET, OTP_RESEND_COOLDOWN_SECONDS: '0', OTP_MAX_SENDS_PER_WINDOW: '1000' });

describeEachTier('dispatcher on the $name store', (tier) => {
  const sendgrid = new FakeSendGrid();
  const logs: string[] = [];
  let store: OtpStore;
  let clock: ManualClock;
  let service: OtpService;
  const running: Dispatcher[] = [];
  const siblings: OtpStore[] = [];
  let n = 0;

  const dispatcher = (options: { clock?: Clock; timeoutMs?: number; worker?: string; on?: OtpStore; leaseSeconds?: number; observer?: DeliveryObserver; events?: StandardMerchantEvents } = {}) => {
    const d = new Dispatcher({
      store: options.on ?? store,
      mailer: new SendGridMailer({ apiKey: 'SG.test', baseUrl: sendgrid.baseUrl, timeoutMs: options.timeoutMs ?? 2000, from: { email: 'otp@example.com', name: 'Test Bank' } }),
      hasher: service.codeHasher,
      emails: builtInEmails({ brand: 'MyBank2U', merchant: 'Merchant2U' }),
      clock: options.clock ?? clock,
      logger: memoryLogger(logs),
      retryBaseMs: 10,
      sweepSeconds: 0,
      ...(options.worker ? { worker: options.worker } : {}),
      ...(options.leaseSeconds ? { leaseSeconds: options.leaseSeconds } : {}),
      ...(options.observer ? { observer: options.observer } : {}),
      ...(options.events ? { events: options.events } : {}),
    });
    running.push(d);
    return d;
  };
  const request = async (email = `d${++n}@example.com`) => {
    await service.requestOtp({ email });
    return email;
  };
  /** Retries wait on the store's clock: tests of them run on real time, not the manual clock. */
  const onRealTime = async () => {
    await tier.dispose(store);
    store = await tier.create();
    clock = systemClock as ManualClock;
    service = createOtpService(config, { store, clock: systemClock });
  };

  beforeAll(async () => {
    await sendgrid.start();
  });
  afterAll(async () => sendgrid.close());
  beforeEach(async () => {
    sendgrid.reset();
    clock = new ManualClock();
    store = await tier.create(clock);
    service = createOtpService(config, { store, clock });
  });
  afterEach(async () => {
    await Promise.all(running.splice(0).map((d) => d.stop()));
    await Promise.all(siblings.splice(0).map((s) => s.close()));
    await tier.dispose(store);
  });

  it('retries a 429 and sends exactly one email', async () => {
    await onRealTime();
    sendgrid.answer({ status: 429 });
    await dispatcher().start();
    const email = await request();
    await sendgrid.waitForEmails(1, email);
    await running[0]!.idle();
    expect(sendgrid.requests.map((r) => r.status)).toEqual([429, 202]);
    expect(sendgrid.emailsTo(email)).toHaveLength(1);
    const record = await store.findLatest(email, 'default');
    expect(record?.delivery).toMatchObject({ state: 'sent', attempts: 2 });
    expect(record?.sealedCode).not.toBeNull(); // kept while the code lives, for a resend
  });

  it('decides which outcome tells the merchant: otp.delivery_failed for an email refused for good, nothing for one retried and then sent', async () => {
    await onRealTime();
    const d = dispatcher({ events: new StandardMerchantEvents(systemClock) });
    await d.start();
    sendgrid.answer({ status: 429 });
    const retried = await request();
    await sendgrid.waitForEmails(1, retried);
    await d.idle();
    sendgrid.answer({ status: 400 });
    const refused = await request();
    while (sendgrid.requests.length < 3) await new Promise((r) => setTimeout(r, 20));
    await d.idle();
    const refusedId = (await store.findLatest(refused, 'default'))!.id;
    await store.relayWebhooks(100);
    const told = await store.claimWebhooks('reader', 60_000, 100);
    expect(told.map((e) => [e.type, (JSON.parse(e.payload) as { data: { requestId: string } }).data.requestId])).toEqual([['otp.delivery_failed', refusedId]]);
  });

  it('retries 5xx and timeouts', async () => {
    await onRealTime();
    sendgrid.answer({ status: 503 }, { status: 202, delayMs: 400 });
    await dispatcher({ timeoutMs: 150 }).start();
    const email = await request();
    await sendgrid.waitForEmails(1, email);
    // The timed-out call's retry waits on a timer (its backoff), which idle() does not cover:
    // poll for it, bounded, rather than guess how long a loaded machine takes.
    await expect.poll(() => sendgrid.requests.map((r) => r.status), { timeout: 5_000 }).toEqual([503, 202, 202]);
    // The outcome of the third call is recorded a moment after its answer, later under load.
    await expect.poll(async () => (await store.findLatest(email, 'default'))?.delivery.state, { timeout: 5_000 }).toBe('sent');
    expect((await store.findLatest(email, 'default'))?.delivery).toMatchObject({ state: 'sent', attempts: 3 });
  });

  it('sends a timed-out call again with the same code, counted as unconfirmed; a 503 is an answer, not counted so', async () => {
    await onRealTime();
    const counted = { retried: 0, unconfirmed: 0 };
    const observer: DeliveryObserver = {
      delivered: () => undefined,
      retried: (n) => void (counted.retried += n),
      retriedUnconfirmed: (n) => void (counted.unconfirmed += n),
    };
    // SendGrid takes the first call and answers after the mailer has given up on it.
    sendgrid.answer({ status: 202, delayMs: 600 });
    await dispatcher({ timeoutMs: 150, observer }).start();
    const state = (email: string) => async () => (await store.findLatest(email, 'default'))?.delivery.state;
    const email = await request();
    await expect.poll(() => sendgrid.emailsTo(email).length, { timeout: 5_000 }).toBe(2);
    const [first, second] = sendgrid.emailsTo(email);
    expect(second!.code).toBe(first!.code); // at least once, with the same code
    await expect.poll(state(email), { timeout: 5_000 }).toBe('sent');
    expect(counted).toEqual({ retried: 1, unconfirmed: 1 });

    sendgrid.answer({ status: 503 });
    const other = await request();
    await sendgrid.waitForEmails(1, other);
    await expect.poll(state(other), { timeout: 5_000 }).toBe('sent');
    expect(sendgrid.emailsTo(other)).toHaveLength(1);
    expect(counted).toEqual({ retried: 2, unconfirmed: 1 });
  });

  it("waits as long as a 429's Retry-After says before trying again", async () => {
    await onRealTime();
    sendgrid.answer({ status: 429, headers: { 'retry-after': '1' } });
    await dispatcher().start();
    const email = await request();
    await sendgrid.waitForEmails(1, email);
    const [refused, accepted] = sendgrid.requests;
    expect([refused!.status, accepted!.status]).toEqual([429, 202]);
    expect(accepted!.at - refused!.at).toBeGreaterThanOrEqual(950); // not the 10-ms backoff
    await running[0]!.idle();
    expect((await store.findLatest(email, 'default'))?.delivery).toMatchObject({ state: 'sent', attempts: 2 });
  });

  it('sends the other nine of a batch of ten when SendGrid refuses one address, and fails only that one', async () => {
    await onRealTime();
    sendgrid.refuse('bad@example.com');
    const emails = [...Array.from({ length: 4 }, () => `d${++n}@example.com`), 'bad@example.com', ...Array.from({ length: 5 }, () => `d${++n}@example.com`)];
    for (const email of emails) await request(email); // all stored before the dispatcher runs: one batch
    const d = dispatcher();
    await d.start();
    await new Promise((r) => setTimeout(r, 20)); // the sweep takes codes stored before its now
    expect(await d.sweep(true)).toBe(10);
    await d.idle();
    expect(new Set(sendgrid.emails.map((e) => e.to))).toEqual(new Set(emails.filter((e) => e !== 'bad@example.com')));
    expect(sendgrid.emails).toHaveLength(9);
    expect((await store.findLatest('bad@example.com', 'default'))?.delivery).toMatchObject({ state: 'failed', error: 'SendGrid answered 400' });
    for (const email of emails.filter((e) => e !== 'bad@example.com')) {
      expect((await store.findLatest(email, 'default'))?.delivery.state).toBe('sent');
    }
    // Halving finds one bad address in a batch of ten within 2·⌈log2 10⌉ + 1 = 9 calls.
    expect(sendgrid.requests[0]!.body.personalizations).toHaveLength(10);
    expect(sendgrid.requests.length).toBeLessThanOrEqual(9);
  });

  it('records a 400 as a failure without a retry storm, and logs no code', async () => {
    sendgrid.answer({ status: 400 });
    const d = dispatcher();
    await d.start();
    const email = await request();
    await new Promise((r) => setTimeout(r, 100));
    await d.idle();
    clock.advance(60);
    expect(await d.sweep()).toBe(0);
    await d.idle();
    expect(sendgrid.requests).toHaveLength(1);
    expect(sendgrid.emails).toHaveLength(0);
    const record = await store.findLatest(email, 'default');
    expect(record?.delivery).toMatchObject({ state: 'failed', attempts: 1, error: 'SendGrid answered 400' });
    const code = sendgrid.requests[0]!.body.personalizations[0]!.substitutions!['{{otp}}']!;
    expect(code).toMatch(/^\d{6}$/);
    expect(logs.join('\n')).not.toContain(code);
    expect(logs.join('\n')).toContain('email delivery failed for good');
  });

  it('sends codes that arrive together as one SendGrid call', async () => {
    await dispatcher().start();
    const emails = await Promise.all(Array.from({ length: 5 }, () => request()));
    await sendgrid.waitForEmails(5);
    // MongoDB's change stream hands them over in getMore batches: fewer calls than emails.
    expect(sendgrid.requests.length).toBeLessThan(5);
    expect(new Set(sendgrid.emails.map((e) => e.to))).toEqual(new Set(emails));
    // Each recipient gets their own code.
    expect(new Set(sendgrid.emails.map((e) => e.code)).size).toBe(5);
  });

  it('does not hold new emails behind a slow SendGrid call, and saves the feed position in order', async () => {
    sendgrid.answer({ status: 202, delayMs: 800 });
    const d = dispatcher();
    await d.start();
    const slow = await request();
    while (sendgrid.requests.length === 0) await new Promise((r) => setTimeout(r, 5));
    const fast = await request();
    // The second email leaves while the first call is still waiting for its answer.
    await sendgrid.waitForEmails(1, fast, 500);
    expect(sendgrid.requests).toHaveLength(2);
    await d.idle();
    expect(sendgrid.emails.map((e) => e.to).sort()).toEqual([fast, slow].sort());
    // The saved position is past both inserts, although the later one finished first: a feed
    // resumed from it hands over only what comes next.
    await d.stop();
    const checkpoint = await store.loadCheckpoint('otp-mailer');
    expect(checkpoint).not.toBeNull();
    const replayed: string[] = [];
    const sub = await store.subscribeInserts(checkpoint, async (e) => {
      replayed.push(e.id);
    });
    const next = await request();
    const nextId = (await store.findLatest(next, 'default'))!.id;
    while (!replayed.includes(nextId)) await new Promise((r) => setTimeout(r, 5));
    await sub.close();
    expect(replayed).toEqual([nextId]);
  });

  it('sends each email once with three dispatchers (replicas) on one store', async () => {
    for (const worker of ['one', 'two', 'three']) {
      const replica = await tier.sibling(store);
      if (replica !== store) siblings.push(replica);
      await dispatcher({ worker, on: replica }).start();
    }
    const emails: string[] = [];
    for (let i = 0; i < 20; i++) emails.push(await request());
    await sendgrid.waitForEmails(20);
    await Promise.all(running.map((d) => d.idle()));
    await new Promise((r) => setTimeout(r, 100));
    expect(sendgrid.emails).toHaveLength(20);
    expect(new Set(sendgrid.emails.map((e) => e.to))).toEqual(new Set(emails));
  });

  it('resumes from its checkpoint after a restart: an insert made while stopped is sent once', async () => {
    const first = dispatcher();
    await first.start();
    const before = await request();
    await sendgrid.waitForEmails(1, before);
    await first.stop();

    const whileDown = await request();
    await new Promise((r) => setTimeout(r, 50));
    expect(sendgrid.emailsTo(whileDown)).toHaveLength(0);

    await dispatcher().start();
    await sendgrid.waitForEmails(1, whileDown);
    await running[1]!.idle();
    expect(sendgrid.emails.map((e) => e.to)).toEqual([before, whileDown]);
  });

  it('recovers a send whose dispatcher died after claiming, once its lease runs out', async () => {
    const email = await request();
    const record = (await store.findLatest(email, 'default'))!;
    // A sender that claimed and then died: its claim never completes. Leases run on the
    // store's clock (the manual clock here, the database's on MongoDB): move both past it.
    const rescuer = dispatcher({ worker: 'rescuer' });
    await rescuer.start();
    expect(await store.claimDelivery(record.id, 'dead-worker', 400)).not.toBeNull();
    expect(await rescuer.sweep()).toBe(0); // lease still held
    clock.advance(1);
    await new Promise((r) => setTimeout(r, 500));
    expect(await rescuer.sweep()).toBe(1);
    await sendgrid.waitForEmails(1, email);
    await rescuer.idle();
    expect(sendgrid.emails).toHaveLength(1);
    expect((await store.findLatest(email, 'default'))?.delivery.state).toBe('sent');
  });

  it('keeps its claim while a SendGrid answer outlasts the lease: a rival sweeping all along sends nothing', async () => {
    // Real time on both stores: the lease runs on the store's clock (the database's on MongoDB).
    const realStore = await tier.create(systemClock);
    siblings.push(realStore);
    const realService = createOtpService(config, { store: realStore, clock: systemClock });
    sendgrid.answer({ status: 202, delayMs: 2_500 });
    const sender = dispatcher({ on: realStore, clock: systemClock, worker: 'sender', leaseSeconds: 1, timeoutMs: 5_000 });
    const rival = dispatcher({ on: realStore, clock: systemClock, worker: 'rival', leaseSeconds: 1 });
    await sender.start();
    await realService.requestOtp({ email: 'slow-answer@example.com' });
    while (sendgrid.requests.length === 0) await new Promise((r) => setTimeout(r, 10));
    // For 3 s the rival looks for lapsed claims, as the periodic sweep would.
    for (const end = Date.now() + 3_000; Date.now() < end; ) {
      await rival.sweep();
      await new Promise((r) => setTimeout(r, 100));
    }
    await Promise.all([sender.idle(), rival.idle()]);
    expect(sendgrid.requests).toHaveLength(1);
    expect(sendgrid.emailsTo('slow-answer@example.com')).toHaveLength(1);
    expect((await realStore.findLatest('slow-answer@example.com', 'default'))?.delivery).toMatchObject({ state: 'sent', attempts: 1 });
  });

  it("sends each of an address's live codes once, and a resend of the first as the same code marked as sent again", async () => {
    const d = dispatcher();
    await d.start();
    const email = `two-${++n}@example.com`;
    const first = await service.requestOtp({ email, purpose: 'login' });
    const second = await service.requestOtp({ email, purpose: 'login' });
    if (first.status !== 'SENT' || second.status !== 'SENT') throw new Error('not sent');
    const [a, b] = await sendgrid.waitForEmails(2, email);
    expect(new Set([a!.customArgs.otp_id, b!.customArgs.otp_id])).toEqual(new Set([first.requestId, second.requestId]));
    await d.idle();
    const original = sendgrid.emailsTo(email).find((e) => e.customArgs.otp_id === first.requestId)!;
    expect(await service.resendOtp({ email, requestId: first.requestId })).toMatchObject({ status: 'SENT', reference: first.reference, resent: true });
    const [, , again] = await sendgrid.waitForEmails(3, email);
    expect(again).toMatchObject({ code: original.code, customArgs: { otp_id: first.requestId } });
    expect(again!.subject).toBe(`${original.subject} (sent again)`);
    expect(again!.text).toContain(`Reference: ${first.reference}`);
    expect(again!.text).toContain('it is the same code as in our earlier email');
    expect(again!.text).not.toContain('This code is valid for');
    await d.idle();
    clock.advance(60);
    await d.sweep();
    await d.idle();
    expect(sendgrid.emailsTo(email)).toHaveLength(3);
    expect((await store.findById(first.requestId))?.delivery).toMatchObject({ state: 'sent', attempts: 2 });
  });
});
