// How many MongoDB commands each mutation costs on its request path, counted with the
// driver's command monitoring over real HTTP to the real service (so the per-client limits
// are on). Counts are exact, not timings: each outcome's count is asserted, and none may
// exceed two. The dispatcher is stopped while counting: its change stream and claims are the
// mailer's work, not the request's.
import { randomUUID } from 'node:crypto';
import type { CommandStartedEvent } from 'mongodb';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { MongoOtpStore, STATE_COLLECTION } from '../../src/store/mongo.store.js';
import { REQUEST_OTP, startHarness, VERIFY_OTP, wrongCode, type Harness } from '../support/harness.js';
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
        OTP_MAX_GUESSES_PER_WINDOW: '4',
        OTP_MAX_ATTEMPTS: '2',
      },
      { store },
    );
    await h.app.dispatcher!.stop();
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
    const payload = (res.data?.requestOtp ?? res.data?.verifyOtp) as { status: string } | undefined;
    return { status: payload?.status ?? res.errors?.[0]?.extensions?.code, commands: [...commands] };
  };
  /** Ends the address's cooldown, as if its 30 s had passed (not counted: commands is reset per mutation). */
  const expireCooldown = (email: string) => store.db.collection(STATE_COLLECTION).updateOne({ _id: email as never }, { $set: { cooldownUntil: null } });
  const codeOf = async (email: string) => {
    const otp = (await store.findLatest(email, 'default'))!;
    return h.app.service.codeHasher.unseal(otp.sealedCode!, otp.id);
  };

  it('requestOtp: one command when it issues a code, two when a limit refuses it', async () => {
    const email = `count-${randomUUID()}@example.com`;
    expect(await counted(REQUEST_OTP, { email })).toEqual({ status: 'SENT', commands: ['update'] });
    // The cooldown refuses the second request: the refused update, then the read of the wait.
    expect(await counted(REQUEST_OTP, { email })).toEqual({ status: 'RATE_LIMITED', commands: ['update', 'find'] });
    // So does the send window (two per window here), once the cooldown has passed.
    await expireCooldown(email);
    expect(await counted(REQUEST_OTP, { email })).toEqual({ status: 'SENT', commands: ['update'] });
    await expireCooldown(email);
    expect(await counted(REQUEST_OTP, { email })).toEqual({ status: 'RATE_LIMITED', commands: ['update', 'find'] });
  });

  it('verifyOtp: two commands whatever the outcome', async () => {
    const email = `count-${randomUUID()}@example.com`;
    await h.gql(REQUEST_OTP, { input: { email } });
    const code = await codeOf(email);
    const outcomes = [
      await counted(VERIFY_OTP, { email: `nobody-${email}`, otp: code }),
      await counted(VERIFY_OTP, { email, otp: wrongCode(code) }),
      await counted(VERIFY_OTP, { email, otp: wrongCode(code) }),
      await counted(VERIFY_OTP, { email, otp: code }), // the code's two attempts are spent
    ];
    await expireCooldown(email);
    await h.gql(REQUEST_OTP, { input: { email } });
    const next = await codeOf(email);
    outcomes.push(
      await counted(VERIFY_OTP, { email, otp: wrongCode(next) }),
      await counted(VERIFY_OTP, { email, otp: next }), // the address's four guesses are spent (TOO_MANY_ATTEMPTS cost one)
    );
    expect(outcomes.map((o) => o.status)).toEqual(['NOT_FOUND', 'MISMATCHED', 'MISMATCHED', 'TOO_MANY_ATTEMPTS', 'MISMATCHED', 'RATE_LIMITED']);
    for (const o of outcomes) expect(o.commands).toEqual(['update', 'findAndModify']);

    const fresh = `count-${randomUUID()}@example.com`;
    await h.gql(REQUEST_OTP, { input: { email: fresh } });
    expect(await counted(VERIFY_OTP, { email: fresh, otp: await codeOf(fresh) })).toEqual({ status: 'VERIFIED', commands: ['update', 'findAndModify'] });
  });

  it('a refused caller costs two commands and touches no address', async () => {
    // Its own database and service (the app closes its store), with a budget of one.
    const own = await MongoOtpStore.connect({ uri: mongoUri!, dbName: `otp_count_${randomUUID().slice(0, 8)}`, monitorCommands: true });
    const limited = await startHarness({ CLIENT_MAX_VERIFICATIONS_PER_WINDOW: '1' }, { store: own });
    let issued: string[] = [];
    own.client.on('commandStarted', (event) => void (HOUSEKEEPING.has(event.commandName) || issued.push(event.commandName)));
    try {
      await limited.app.dispatcher!.stop();
      const run = async () => {
        issued = [];
        const res = await limited.gql(VERIFY_OTP, { input: { email: 'someone@example.com', otp: '123456' } });
        return { status: res.data?.verifyOtp.status, commands: [...issued] };
      };
      expect(await run()).toEqual({ status: 'NOT_FOUND', commands: ['update', 'findAndModify'] });
      expect(await run()).toEqual({ status: 'RATE_LIMITED', commands: ['update', 'find'] });
    } finally {
      await own.db.dropDatabase().catch(() => undefined);
      await limited.close();
    }
  });

  it(`never more than ${MAX_COMMANDS}`, async () => {
    // A burst of mixed traffic, every response's commands counted on their own.
    const email = `count-${randomUUID()}@example.com`;
    for (let i = 0; i < 5; i++) {
      for (const [query, input] of [
        [REQUEST_OTP, { email }],
        [VERIFY_OTP, { email, otp: '000000' }],
      ] as const) {
        const { commands: issued } = await counted(query, input);
        expect(issued.length).toBeGreaterThan(0);
        expect(issued.length).toBeLessThanOrEqual(MAX_COMMANDS);
      }
    }
  });
});
