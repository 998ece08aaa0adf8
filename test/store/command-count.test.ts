// How many MongoDB commands each mutation costs on its request path, counted with the
// driver's command monitoring over real HTTP to the real service (so the per-client limits
// are on). Counts are exact, not timings: each outcome's count is asserted, and none may
// exceed two (three to verify a payment code: its evidence reads the code first). The dispatcher and the webhook sender are stopped while counting: their change
// stream, claims and relays are the mailer's work, not the request's; the last test counts that
// work too, for a batch of emails sent by one sweep.
import { makeIntent } from '../support/intents.js';
import { randomUUID } from 'node:crypto';
import type { CommandStartedEvent } from 'mongodb';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { MongoOtpStore, STATE_COLLECTION } from '../../src/store/mongo.store.js';
import { REQUEST_OTP, RESEND_OTP, startHarness, VERIFY_OTP, wrongCode, type Harness } from '../support/harness.js';
import { describeOnTier, mongoTier as tier, mongoUri } from '../support/stores.js';

/** The most commands either mutation may issue on its request path. */
const MAX_COMMANDS = 2;
const HOUSEKEEPING = new Set(['hello', 'isMaster', 'ping', 'endSessions']);

describeOnTier(tier, 'MongoDB commands per operation (command monitoring, over HTTP)', () => {
  let h: Harness;
  let store: MongoOtpStore;
  let commands: string[] = [];
  const record = (event: CommandStartedEvent) => {
    if (!HOUSEKEEPING.has(event.commandName)) commands.push(event.commandName);
  };

  beforeAll(async () => {
    store = await MongoOtpStore.connect({ uri: mongoUri!, dbName: `otp_count_${randomUUID().slice(0, 8)}`, monitorCommands: true });
    h = await startHarness(
      // The defaults for every per-address rule, and a per-client budget that is on but roomy.
      {
        CLIENT_MAX_REQUESTS_PER_WINDOW: '1000',
        CLIENT_MAX_VERIFICATIONS_PER_WINDOW: '1000',
        OTP_MAX_SENDS_PER_WINDOW: '2',
        OTP_MAX_ATTEMPTS: '2',
        // Merchant webhooks on: otp.verified and otp.locked are written in the same commands.
        WEBHOOK_URL: 'http://127.0.0.1:9/otp-events',
        WEBHOOK_SECRET: `whsec_${Buffer.alloc(32, 7).toString('base64')}`,
      },
      { store },
    );
    await h.app.dispatcher!.stop();
    await h.app.webhookSender?.stop();
    store.client.on('commandStarted', record);
  });
  afterAll(async () => {
    store?.client.off('commandStarted', record);
    await store?.db.dropDatabase().catch(() => undefined);
    await h?.close(); // closes the store too
  });

  /** Runs one mutation and returns its status and the commands it issued. */
  const counted = async (query: string, input: Record<string, unknown>) => {
    commands = [];
    const res = await h.gql(query, { input });
    const payload = (res.data?.requestOtp ?? res.data?.resendOtp ?? res.data?.verifyOtp) as { status: string; requestId?: string } | undefined;
    return { status: payload?.status ?? res.errors?.[0]?.extensions?.code, commands: [...commands], requestId: payload?.requestId };
  };
  const only = ({ status, commands: issued }: { status?: string; commands: string[] }) => ({ status, commands: issued });
  /** Ends the address's cooldown, as if its 30 s had passed (not counted: commands is reset per mutation). */
  const expireCooldown = (email: string) => store.db.collection(STATE_COLLECTION).updateOne({ _id: email as never }, { $set: { cooldownUntil: null } });
  const codeOf = async (requestId: string) => {
    const otp = (await store.findById(requestId))!;
    return h.app.service.codeHasher.unseal(otp.sealedCode!, otp.id);
  };
  /** The caller's counter, then one findAndModify of the address's document that says what it decided. */
  const TWO = ['update', 'findAndModify'];

  it('requestOtp: one command when it issues a code, two when a limit of the address refuses it', async () => {
    const email = `count-${randomUUID()}@example.com`;
    // The caller's counter and the address's document in one ordered bulk write.
    expect(only(await counted(REQUEST_OTP, { email }))).toEqual({ status: 'SENT', commands: ['update'] });
    // The cooldown refuses the second request: the refused update changed nothing, a find says why.
    expect(only(await counted(REQUEST_OTP, { email }))).toEqual({ status: 'RATE_LIMITED', commands: ['update', 'find'] });
    // So does the send window (two per window here), once the cooldown has passed.
    await expireCooldown(email);
    expect(only(await counted(REQUEST_OTP, { email }))).toEqual({ status: 'SENT', commands: ['update'] });
    await expireCooldown(email);
    expect(only(await counted(REQUEST_OTP, { email }))).toEqual({ status: 'RATE_LIMITED', commands: ['update', 'find'] });
  });

  it('requestOtp with a payment intent: still one command, the intent marked in the same bulk write', async () => {
    const email = `count-${randomUUID()}@example.com`;
    const paymentIntent = await makeIntent({ merchant: 'demo' });
    expect(only(await counted(REQUEST_OTP, { email, purpose: 'payment', paymentIntent }))).toEqual({ status: 'SENT', commands: ['update'] });
    // Used: another address collides on the marker, and one read says it is another's.
    expect(only(await counted(REQUEST_OTP, { email: `other-${email}`, purpose: 'payment', paymentIntent }))).toEqual({ status: 'BAD_USER_INPUT', commands: ['update', 'find'] });
  });

  it('resendOtp: two commands whatever the outcome, the code read before anything is counted', async () => {
    const email = `count-${randomUUID()}@example.com`;
    const { requestId } = await counted(REQUEST_OTP, { email });
    /** Its email sent, as the stopped dispatcher would have (not counted: commands is reset per mutation). */
    const markSent = async () => {
      await store.claimDelivery(requestId!, 'count', 60_000);
      await store.completeDelivery(requestId!, 'count', { state: 'sent', at: new Date(), attempts: 1 });
    };
    const outcomes = [
      await counted(RESEND_OTP, { email, requestId: randomUUID() }),
      await counted(RESEND_OTP, { email, requestId }), // within the cooldown
    ];
    await expireCooldown(email);
    outcomes.push(await counted(RESEND_OTP, { email, requestId })); // its first email is still pending: nothing queued, nothing counted
    await markSent();
    outcomes.push(await counted(RESEND_OTP, { email, requestId })); // queued: the second email of the window
    await expireCooldown(email);
    await markSent();
    outcomes.push(await counted(RESEND_OTP, { email, requestId })); // the send window (two) is spent
    expect(outcomes.map((o) => o.status)).toEqual(['NOT_FOUND', 'RATE_LIMITED', 'SENT', 'SENT', 'RATE_LIMITED']);
    // One read (the code and the caller's counter), then one bulk write (the caller's budget, and for a code to queue its budgets and the resend).
    for (const o of outcomes) expect(o.commands).toEqual(['find', 'update']);
  });

  it('verifyOtp: two commands whatever the outcome', async () => {
    const email = `count-${randomUUID()}@example.com`;
    const { requestId } = await counted(REQUEST_OTP, { email });
    const code = await codeOf(requestId!);
    const outcomes = [
      await counted(VERIFY_OTP, { email: `nobody-${email}`, requestId, otp: code }),
      await counted(VERIFY_OTP, { email, requestId: randomUUID(), otp: code }),
      await counted(VERIFY_OTP, { email, requestId, otp: wrongCode(code) }),
      await counted(VERIFY_OTP, { email, requestId, otp: wrongCode(code) }),
      await counted(VERIFY_OTP, { email, requestId, otp: code }), // the code's two attempts are spent
    ];
    const fresh = `count-${randomUUID()}@example.com`;
    const next = await counted(REQUEST_OTP, { email: fresh });
    outcomes.push(await counted(VERIFY_OTP, { email: fresh, requestId: next.requestId, otp: await codeOf(next.requestId!) }));
    expect(outcomes.map((o) => o.status)).toEqual(['NOT_FOUND', 'NOT_FOUND', 'MISMATCHED', 'MISMATCHED', 'TOO_MANY_ATTEMPTS', 'VERIFIED']);
    for (const o of outcomes) expect(o.commands).toEqual(TWO);
    // The lock and the verification each left their event in the address's document, in those commands.
    const waiting = async (mailbox: string) => ((await store.db.collection(STATE_COLLECTION).findOne({ _id: mailbox as never }))?.webhooks ?? []).map((w: { type: string }) => w.type);
    expect(await waiting(email)).toEqual(['otp.locked']);
    expect(await waiting(fresh)).toEqual(['otp.verified']);
  });

  it('verifyOtp of a payment code: three, its record read first for the evidence, only when the code is right; the evidence is written in the consuming command', async () => {
    const email = `count-pay-${randomUUID()}@example.com`;
    const paymentIntent = await makeIntent({ merchant: 'demo', jti: `count-${randomUUID()}` });
    const { requestId } = await counted(REQUEST_OTP, { email, purpose: 'payment', paymentIntent });
    const code = await codeOf(requestId!);
    const wrong = await counted(VERIFY_OTP, { email, purpose: 'payment', paymentIntent, requestId, otp: wrongCode(code) });
    const right = await counted(VERIFY_OTP, { email, purpose: 'payment', paymentIntent, requestId, otp: code });
    expect(only(wrong)).toEqual({ status: 'MISMATCHED', commands: ['find', ...TWO] });
    expect(only(right)).toEqual({ status: 'VERIFIED', commands: ['find', ...TWO] });
    const doc = await store.db.collection(STATE_COLLECTION).findOne({ _id: email as never });
    const slot = doc?.slots?.find((s: { codeId: string }) => s.codeId === requestId);
    expect(slot).toMatchObject({ evidence: expect.any(String), codeHash: '', sealedCode: null });
    expect(doc?.webhooks?.map((w: { type: string }) => w.type)).toEqual(['otp.verified']);
  });

  it('a refused caller costs two commands and touches no address', async () => {
    // Its own database and service (the app closes its store), with budgets of one.
    const own = await MongoOtpStore.connect({ uri: mongoUri!, dbName: `otp_count_${randomUUID().slice(0, 8)}`, monitorCommands: true });
    const limited = await startHarness({ CLIENT_MAX_VERIFICATIONS_PER_WINDOW: '1', CLIENT_MAX_REQUESTS_PER_WINDOW: '1' }, { store: own });
    let issued: string[] = [];
    own.client.on('commandStarted', (event) => void (HOUSEKEEPING.has(event.commandName) || issued.push(event.commandName)));
    try {
      await limited.app.dispatcher!.stop();
      const run = async (query: string, input: Record<string, unknown>) => {
        issued = [];
        const res = await limited.gql(query, { input });
        return { status: (res.data?.verifyOtp ?? res.data?.resendOtp ?? res.data?.requestOtp).status, commands: [...issued] };
      };
      const verify = { email: 'someone@example.com', requestId: randomUUID(), otp: '123456' };
      expect(await run(VERIFY_OTP, verify)).toEqual({ status: 'NOT_FOUND', commands: TWO });
      expect(await run(VERIFY_OTP, verify)).toEqual({ status: 'RATE_LIMITED', commands: ['update', 'find'] });
      expect(await run(REQUEST_OTP, { email: 'someone@example.com' })).toEqual({ status: 'SENT', commands: ['update'] });
      expect(await run(REQUEST_OTP, { email: 'other@example.com' })).toEqual({ status: 'RATE_LIMITED', commands: ['update', 'find'] });
      // A resend reads the code and the caller's counter first: the refusal's wait needs no second read.
      expect(await run(RESEND_OTP, { email: 'someone@example.com', requestId: randomUUID() })).toEqual({ status: 'RATE_LIMITED', commands: ['find', 'update'] });
    } finally {
      await own.db.dropDatabase().catch(() => undefined);
      await limited.close();
    }
  });

  it(`never more than ${MAX_COMMANDS}`, async () => {
    // A burst of mixed traffic, every response's commands counted on their own.
    const email = `count-${randomUUID()}@example.com`;
    let requestId: string = randomUUID();
    for (let i = 0; i < 5; i++) {
      for (const [query, input] of [
        [REQUEST_OTP, { email }],
        [RESEND_OTP, { email, requestId }],
        [VERIFY_OTP, { email, requestId, otp: '000000' }],
      ] as const) {
        const { commands: issued, requestId: given } = await counted(query, input);
        if (given) requestId = given;
        expect(issued.length).toBeGreaterThan(0);
        expect(issued.length).toBeLessThanOrEqual(MAX_COMMANDS);
      }
    }
  });

  it('the emails of a batch of codes: their outcomes are recorded in one command, whatever their number', async () => {
    // Issued while the dispatcher is stopped, then sent by one sweep: what the dispatcher
    // issues for them is the sweep's read, the claim (an update and a read of what it took)
    // and one bulk write of every outcome.
    await h.app.dispatcher!.sweep(true); // the earlier tests' codes first
    await h.app.dispatcher!.idle();
    const emails = Array.from({ length: 20 }, () => `count-batch-${randomUUID()}@example.com`);
    for (const email of emails) expect((await counted(REQUEST_OTP, { email })).status).toBe('SENT');
    const before = h.sendgrid.emails.length;
    commands = [];
    expect(await h.app.dispatcher!.sweep(true)).toBe(emails.length);
    await h.app.dispatcher!.idle();
    expect(commands).toEqual(['aggregate', 'update', 'find', 'update']);
    expect(h.sendgrid.emails.slice(before).map((e) => e.to).sort()).toEqual([...emails].sort());
    // Each code's outcome is its own: all 20 recorded as sent.
    const states = await Promise.all(emails.map(async (email) => (await store.findLatest(email, 'default'))!.delivery.state));
    expect(states).toEqual(emails.map(() => 'sent'));
  });
});
