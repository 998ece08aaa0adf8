// What the merchant API refuses, and that a refusal reads and changes nothing: no header, an
// expired, forged or wrongly addressed token (each 401 with one line, and not one MongoDB
// command issued); another merchant's requestId or intent (answered as none, its code
// untouched); malformed arguments (BAD_USER_INPUT, no budget spent); each merchant's own budget
// of calls; webhook tools without WEBHOOK_URL. Commands are counted with the driver's command
// monitoring against the real mongod, over real HTTP.
import { generateKeyPairSync, randomUUID } from 'node:crypto';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { MongoOtpStore, STATE_COLLECTION } from '../../src/store/mongo.store.js';
import { startHarness, type Harness } from '../support/harness.js';
import { makeIntent, writeMerchantsFile } from '../support/intents.js';
import { callToken, CANCEL, LOOK_UP, merchantCall } from '../support/merchant-api.js';
import { describeOnTier, mongoTier as tier, mongoUri } from '../support/stores.js';

const HOUSEKEEPING = new Set(['hello', 'isMaster', 'ping', 'endSessions']);

describeOnTier(tier, 'the merchant API refuses, and a refusal reads and changes nothing', () => {
  let h: Harness;
  let store: MongoOtpStore;
  let commands: string[] = [];
  const budgetOf = async (merchant: string) => (await store.db.collection(STATE_COLLECTION).findOne({ _id: { client: `merchant-api|${merchant}` } as never }))?.window?.count ?? 0;
  const paymentFor = async (email: string, intentId: string) => {
    const sent = await h.client.requestOtp({ email, purpose: 'payment', paymentIntent: await makeIntent({ jti: intentId }) });
    return { requestId: sent.requestId!, code: await h.sendgrid.latestCode(email) };
  };

  beforeAll(async () => {
    store = await MongoOtpStore.connect({ uri: mongoUri!, dbName: `otp_mapi_${randomUUID().slice(0, 8)}`, monitorCommands: true });
    h = await startHarness({ MERCHANTS_FILE: await writeMerchantsFile(), MERCHANT_API_MAX_CALLS_PER_MINUTE: '5' }, { store });
    // Commands on the service's collections (the driver's own monitoring and a closing feed's cursor are not the calls').
    store.client.on('commandStarted', (event) => {
      const collection = (event.command as Record<string, unknown>)[event.commandName];
      if (!HOUSEKEEPING.has(event.commandName) && typeof collection === 'string' && collection !== '1') commands.push(`${event.commandName} ${collection}`);
    });
  });
  afterAll(async () => {
    await store?.db.dropDatabase().catch(() => undefined);
    await h?.close();
  });

  it('refuses a missing, expired, forged or misaddressed token with 401 and one line, issuing no MongoDB command', async () => {
    const { requestId } = await paymentFor('token-case@example.com', 'order-token-1');
    await h.app.dispatcher!.stop(); // its claims and sweeps are not the calls' commands
    const stranger = generateKeyPairSync('ed25519').privateKey;
    const cases: Array<[string | null, RegExp]> = [
      [null, /send "Authorization: Bearer <token>"/],
      ['Basic a2VkYWk6YWxp', /send "Authorization: Bearer <token>"/],
      [`Bearer ${await callToken({ expiresIn: -60 })}`, /it has expired: sign a new one/],
      [`Bearer ${await callToken({ forgedWith: stranger })}`, /signature is not its merchant key's/],
      // A payment intent is not a call token: its audience is the public API's.
      [`Bearer ${await makeIntent({ jti: 'order-token-2' })}`, /aud claim is wrong or missing/],
      [`Bearer ${await callToken({ audience: 'otp-graphql' })}`, /aud claim is wrong or missing/],
    ];
    for (const [authorization, reason] of cases) {
      commands = [];
      const answer = await merchantCall(h.url, LOOK_UP, { requestId }, authorization);
      expect(answer.status).toBe(401);
      expect(answer.errors).toHaveLength(1);
      expect(answer.errors![0]!.extensions?.code).toBe('UNAUTHENTICATED');
      expect(answer.errors![0]!.message).toMatch(/^merchant API token refused: /);
      expect(answer.errors![0]!.message).toMatch(reason);
      expect(answer.errors![0]!.message).not.toContain('\n');
      expect(answer.data).toBeUndefined();
      expect(commands).toEqual([]);
    }
    expect(await budgetOf('kedai-ali')).toBe(0);
    // The same call with a good token counts and reads: the monitor sees its commands.
    commands = [];
    const good = await merchantCall(h.url, LOOK_UP, { requestId }, `Bearer ${await callToken()}`);
    expect(good.data?.verification).toMatchObject({ requestId, status: 'PENDING' });
    expect(commands).toEqual(['update otp_state', 'find otp_state']);
    await h.app.dispatcher!.start();
  });

  it("answers another merchant's requestId or intent as none, and leaves its code as it was", async () => {
    const email = 'kedai-shopper@example.com';
    const { requestId, code } = await paymentFor(email, 'order-other-1');
    const toko = `Bearer ${await callToken({ merchant: 'toko' })}`;
    expect((await merchantCall(h.url, LOOK_UP, { requestId }, toko)).data).toEqual({ verification: null });
    expect((await merchantCall(h.url, LOOK_UP, { intentId: 'order-other-1' }, toko)).data).toEqual({ verification: null });
    const cancel = await merchantCall(h.url, CANCEL, { requestId }, toko);
    expect(cancel.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
    // The same answer as for a requestId nobody issued.
    const unknown = await merchantCall(h.url, CANCEL, { requestId: randomUUID() }, toko);
    expect(unknown.errors?.[0]?.message).toBe(cancel.errors?.[0]?.message);
    // kedai's code still lives and verifies.
    expect((await h.client.verifyOtp({ email, purpose: 'payment', requestId, otp: code, paymentIntent: await makeIntent({ jti: 'order-other-1' }) })).status).toBe('VERIFIED');
  });

  it('finds a payment by its intent after the intent was sent again (refused as used): its one code', async () => {
    const email = 'double-click@example.com';
    const intent = await makeIntent({ jti: 'order-twice-1' });
    const first = await h.client.requestOtp({ email, purpose: 'payment', paymentIntent: intent });
    await expect(h.client.requestOtp({ email, purpose: 'payment', paymentIntent: intent })).rejects.toMatchObject({ field: 'paymentIntent' });
    const found = await merchantCall(h.url, LOOK_UP, { intentId: 'order-twice-1' }, `Bearer ${await callToken()}`);
    expect(found.data?.verification).toMatchObject({ requestId: first.requestId, status: 'PENDING' });
  });

  it('refuses malformed arguments with BAD_USER_INPUT, spending no call of the budget', async () => {
    const before = await budgetOf('toko-abu');
    const token = `Bearer ${await callToken({ merchant: 'toko' })}`;
    for (const variables of [{}, { requestId: randomUUID(), intentId: 'order-x' }, { requestId: 'not-a-request' }, { intentId: 'has spaces' }]) {
      const answer = await merchantCall(h.url, LOOK_UP, variables, token);
      expect(answer.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    }
    const replay = await merchantCall(h.url, 'mutation { replayWebhook(id: "msg_123") }', {}, token);
    expect(replay.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    expect(await budgetOf('toko-abu')).toBe(before);
  });

  it('says so when no webhooks are sent (no WEBHOOK_URL)', async () => {
    const answer = await merchantCall(h.url, 'mutation { sendTestWebhook }', {}, `Bearer ${await callToken()}`);
    expect(answer.errors?.[0]?.message).toMatch(/WEBHOOK_URL is not set/);
  });

  it("holds each merchant to its own budget of calls a minute; another merchant's is untouched", async () => {
    const ask = async (merchant: 'kedai' | 'toko') => merchantCall(h.url, LOOK_UP, { requestId: randomUUID() }, `Bearer ${await callToken({ merchant })}`);
    const answers = [];
    for (let i = 0; i < 8; i += 1) answers.push(await ask('toko'));
    const limited = answers.filter((a) => a.errors?.[0]?.extensions?.code === 'RATE_LIMITED');
    // Five a minute (the earlier cases spent some of toko's already): the rest refused, with the wait.
    expect(answers.filter((a) => !a.errors).length).toBeLessThanOrEqual(5);
    expect(limited.length).toBeGreaterThanOrEqual(3);
    expect(limited[0]!.errors![0]!.extensions?.retryAfterSeconds).toBeGreaterThan(0);
    expect(limited[0]!.errors![0]!.extensions?.retryAfterSeconds).toBeLessThanOrEqual(60);
    expect(await budgetOf('toko-abu')).toBe(5);
    expect((await ask('kedai')).data).toEqual({ verification: null });
  });
});
