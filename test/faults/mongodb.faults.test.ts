// Tier 3: the delivery promises on real servers under faults. The service runs as a child
// process (dist/src/main.js); mongod processes are started, stopped, killed and stepped down
// by the tests themselves, on 127.0.0.1 only; SendGrid is the local fake. Every loop is bounded
// in count and time, and everything started here is stopped here.
import { randomUUID } from 'node:crypto';
import { afterAll, afterEach, beforeAll, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.js';
import { createOtpService } from '../../src/create-service.js';
import { locateMongod } from '../../src/store/embedded-mongo.js';
import { MongoOtpStore } from '../../src/store/mongo.store.js';
import { FakeSendGrid } from '../support/fake-sendgrid.js';
import { TEST_SECRET } from '../support/harness.js';
import { makeIntent, writeMerchantsFile } from '../support/intents.js';
import { ReplicaSet, waitFor } from '../support/mongod-processes.js';
import { serve, stopService, type ServiceProcess } from '../support/service-process.js';
import { describeOnTier, mongoTier, mongoUri } from '../support/stores.js';

const binary = await locateMongod();
const faultTier = { ...mongoTier, skip: mongoTier.skip ?? (binary ? null : 'fault tests start their own mongod: no binary here') };

const REQUEST = 'mutation R($email: String!) { requestOtp(input: { email: $email }) { status requestId retryAfterSeconds } }';
const VERIFY = 'mutation V($email: String!, $requestId: ID!, $otp: String!) { verifyOtp(input: { email: $email, requestId: $requestId, otp: $otp }) { status } }';

interface Answer {
  data?: Record<string, { status: string } | null> | null;
  errors?: { message: string; extensions?: { code?: string; retryable?: boolean } }[];
}

/** One GraphQL call; a call that takes longer than `timeoutMs` is a hang and fails the test. */
async function call(url: string, query: string, variables: Record<string, string>, headers: Record<string, string> = {}, timeoutMs = 30_000): Promise<Answer> {
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify({ query, variables }),
    signal: AbortSignal.timeout(timeoutMs),
  });
  return (await res.json()) as Answer;
}
const statusOf = (answer: Answer) => Object.values(answer.data ?? {})[0]?.status ?? answer.errors?.[0]?.extensions?.code;
const readyz = (url: string) => fetch(url.replace('/graphql', '/readyz')).then(async (r) => ({ status: r.status, body: (await r.json()) as { checks: Record<string, string> } }));
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describeOnTier(faultTier, 'MongoDB under faults (real mongod processes, the service as a child process)', () => {
  const sendgrid = new FakeSendGrid();
  const services: ServiceProcess[] = [];
  const sets: ReplicaSet[] = [];

  /** The service's environment: its own database, the fake SendGrid, a sweep that stays out of the way. */
  const serviceEnv = (uri: string, db: string, extra: Record<string, string> = {}) => ({
    MONGODB_URI: uri,
    MONGODB_DB: db,
    OTP_SECRET: TEST_SECRET,
    SENDGRID_API_KEY: 'SG.test',
    SENDGRID_BASE_URL: sendgrid.baseUrl,
    CLIENT_MAX_REQUESTS_PER_WINDOW: '100000',
    CLIENT_MAX_VERIFICATIONS_PER_WINDOW: '100000',
    SEND_BUDGET_PER_DOMAIN: '0',
    SEND_BUDGET_TOTAL: '0',
    // Deliveries in these tests come from the change stream; the sweep only when a test says so.
    DELIVERY_SWEEP_SECONDS: '3600',
    DELIVERY_GRACE_SECONDS: '3600',
    LOG_LEVEL: 'info',
    ...extra,
  });
  const start = async (env: Record<string, string>) => {
    const service = await serve(env);
    services.push(service);
    return service;
  };

  beforeAll(async () => {
    await sendgrid.start();
  });
  afterEach(async () => {
    await Promise.all(services.splice(0).map((s) => stopService(s, 'SIGKILL')));
    await Promise.all(sets.splice(0).map((s) => s.close()));
    sendgrid.reset();
  });
  afterAll(async () => sendgrid.close());

  it('emails a code stored while no dispatcher ran exactly once, from the saved resume position', { timeout: 60_000 }, async () => {
    const db = `otp_fault_${randomUUID().slice(0, 8)}`;
    const env = serviceEnv(mongoUri!, db);
    const first = await start(env);
    await call(first.url, REQUEST, { email: 'before@example.com' });
    await sendgrid.waitForEmails(1, 'before@example.com');
    expect(await stopService(first)).toBe(0); // SIGTERM: saves its feed position on the way out

    // Stored while no dispatcher runs anywhere: straight into the database by the same rules.
    const store = await MongoOtpStore.connect({ uri: mongoUri!, dbName: db });
    await createOtpService(loadConfig({ OTP_SECRET: TEST_SECRET }), { store, clock: { now: () => new Date() } }).requestOtp({ email: 'while-down@example.com' });
    await store.close();
    await sleep(300);
    expect(sendgrid.emailsTo('while-down@example.com')).toHaveLength(0);

    const second = await start(env);
    await sendgrid.waitForEmails(1, 'while-down@example.com', 10_000);
    await sleep(1_000); // room for a duplicate to show up, if there were one
    expect(sendgrid.emailsTo('while-down@example.com')).toHaveLength(1);
    expect(sendgrid.emailsTo('before@example.com')).toHaveLength(1);
    const listening = second.lines.map((l) => JSON.parse(l) as { msg: string; resumed?: boolean }).find((l) => l.msg === 'dispatcher listening for new codes');
    expect(listening?.resumed).toBe(true);
  });

  it('after a SIGKILL while SendGrid holds its answer, sends that code at most once more, after the lease', { timeout: 60_000 }, async () => {
    const db = `otp_fault_${randomUUID().slice(0, 8)}`;
    // A call of at most 4 s fits the 5-s lease; the sweep looks every second for lapsed leases.
    const env = serviceEnv(mongoUri!, db, {
      DELIVERY_LEASE_SECONDS: '5',
      SENDGRID_TIMEOUT_MS: '4000',
      DELIVERY_SWEEP_SECONDS: '1',
      DELIVERY_GRACE_SECONDS: '1',
    });
    sendgrid.answer({ status: 202, delayMs: 3_000 });
    const doomed = await start(env);
    expect(statusOf(await call(doomed.url, REQUEST, { email: 'killed@example.com' }))).toBe('SENT');
    await waitFor('the SendGrid call', async () => sendgrid.requests.length > 0, 10_000);
    await stopService(doomed, 'SIGKILL'); // SendGrid has accepted it, the outcome is never recorded

    const store = await MongoOtpStore.connect({ uri: mongoUri!, dbName: db });
    try {
      const successor = await start(env);
      await waitFor('the delivery recorded as sent', async () => (await store.findLatest('killed@example.com', 'default'))?.delivery.state === 'sent', 20_000);
      await sleep(2_000); // several more sweeps: nothing further may go out
      const emails = sendgrid.emailsTo('killed@example.com');
      // The one duplicate the design allows: SendGrid accepted a call whose sender died before
      // recording it; the successor re-sent it once the dead sender's lease ran out.
      expect(emails).toHaveLength(2);
      expect(new Set(emails.map((e) => e.code)).size).toBe(1);
      expect(successor.lines.join('\n')).not.toContain(emails[0]!.code);
    } finally {
      await store.close();
    }
  });

  it('during a primary step-down under load, answers SENT (one email each) or a retryable error, never hangs; the feed resumes', { timeout: 120_000 }, async () => {
    const set = await ReplicaSet.start(binary!, 3);
    sets.push(set);
    const service = await start(serviceEnv(set.uri(), 'otp'));
    const outcomes: { email: string; status: string | undefined; at: number }[] = [];
    let steppedDownAt = Number.POSITIVE_INFINITY;
    const worker = async (w: number) => {
      // Steady, not flat out: about 40 requests a second in all, for 8 s, at most 100 each.
      for (let i = 0; i < 100 && Date.now() < stopAt; i++) {
        const email = `load-${w}-${i}@example.com`;
        const answer = await call(service.url, REQUEST, { email });
        outcomes.push({ email, status: statusOf(answer), at: Date.now() });
        await sleep(100);
      }
    };
    const stopAt = Date.now() + 8_000;
    const load = Promise.all([0, 1, 2, 3].map(worker));
    await sleep(2_000);
    const old = await set.stepDown();
    steppedDownAt = Date.now();
    await load;
    const now = await set.primary();
    expect(now.port).not.toBe(old.port);

    const sent = outcomes.filter((o) => o.status === 'SENT');
    const others = outcomes.filter((o) => o.status !== 'SENT');
    expect(others.every((o) => o.status === 'SERVICE_UNAVAILABLE')).toBe(true);
    expect(sent.some((o) => o.at > steppedDownAt)).toBe(true); // served again after the step-down
    for (const o of sent) await sendgrid.waitForEmails(1, o.email, 20_000);
    await sleep(1_000);
    for (const o of sent) expect(sendgrid.emailsTo(o.email)).toHaveLength(1);
    expect(sendgrid.emails).toHaveLength(sent.length);
    // The insert feed resumed by itself: a new code after the election is emailed through it.
    expect(statusOf(await call(service.url, REQUEST, { email: 'after-election@example.com' }))).toBe('SENT');
    await sendgrid.waitForEmails(1, 'after-election@example.com', 10_000);
    expect((await readyz(service.url)).status).toBe(200);
  });

  it('with the primary down past server selection: /readyz says not ready, requests fail fast and retryably, and the feed comes back by itself', { timeout: 120_000 }, async () => {
    const set = await ReplicaSet.start(binary!, 1);
    sets.push(set);
    const service = await start(serviceEnv(set.uri('serverSelectionTimeoutMS=2000'), 'otp'));
    expect(statusOf(await call(service.url, REQUEST, { email: 'up@example.com' }))).toBe('SENT');
    await sendgrid.waitForEmails(1, 'up@example.com');

    const node = set.nodes[0]!;
    await node.stop();
    const down = await waitFor('/readyz to say not ready', async () => {
      const r = await readyz(service.url);
      return r.status === 503 && r.body.checks.listener === 'not running' ? r : undefined;
    }, 20_000);
    expect(down.body.checks.store).not.toBe('ok');
    const whileDown = await call(service.url, REQUEST, { email: 'down@example.com' }, {}, 10_000);
    expect(whileDown.errors?.[0]?.extensions).toMatchObject({ code: 'SERVICE_UNAVAILABLE', retryable: true });
    // The scrape still answers, quickly, and says the store is down.
    const metrics = await fetch(service.url.replace('/graphql', '/metrics'), { signal: AbortSignal.timeout(8_000) });
    expect(metrics.status).toBe(200);
    const text = await metrics.text();
    expect(text).toMatch(/^otp_store_up 0$/m);
    expect(text).toMatch(/^otp_delivery_oldest_pending_seconds nan$/im); // prom-client writes "Nan"; Prometheus reads any case
    await sleep(3_000); // well past the 2-s server selection timeout

    await node.start();
    await waitFor('/readyz to say ready again', async () => (await readyz(service.url)).status === 200, 60_000);
    expect(statusOf(await call(service.url, REQUEST, { email: 'back@example.com' }))).toBe('SENT');
    await sendgrid.waitForEmails(1, 'back@example.com', 10_000); // through the feed: the sweep is an hour away
    expect(sendgrid.emailsTo('down@example.com')).toHaveLength(0); // refused, so nothing was stored
  });

  it('when the saved position has left the oplog: logs "position lost" and the sweep sends every pending code', { timeout: 90_000 }, async () => {
    // A real resume token from the shared replica set...
    const old = await MongoOtpStore.connect({ uri: mongoUri!, dbName: `otp_fault_${randomUUID().slice(0, 8)}` });
    const tokens: string[] = [];
    const sub = await old.subscribeInserts(null, async (e) => void tokens.push(e.token!));
    await createOtpService(loadConfig({ OTP_SECRET: TEST_SECRET }), { store: old, clock: { now: () => new Date() } }).requestOtp({ email: 'old@example.com' });
    await waitFor('a token', async () => tokens.length > 0, 10_000);
    await sub.close();
    await old.db.dropDatabase();
    await old.close();

    // ...saved as the position of a replica set started after it: not in its oplog.
    const set = await ReplicaSet.start(binary!, 1);
    sets.push(set);
    const store = await MongoOtpStore.connect({ uri: set.uri(), dbName: 'otp' });
    const service0 = createOtpService(loadConfig({ OTP_SECRET: TEST_SECRET }), { store, clock: { now: () => new Date() } });
    const pending = ['p1@example.com', 'p2@example.com', 'p3@example.com'];
    for (const email of pending) await service0.requestOtp({ email });
    await store.saveCheckpoint('otp-mailer', tokens[0]!);
    await store.close();

    const service = await start(serviceEnv(set.uri(), 'otp'));
    await waitFor('"feed position lost" in the log', async () => service.lines.some((l) => l.includes('feed position lost')), 20_000);
    for (const email of pending) await sendgrid.waitForEmails(1, email, 10_000);
    await sleep(500);
    for (const email of pending) expect(sendgrid.emailsTo(email)).toHaveLength(1);
    // And it listens from now on: a new code goes out through the feed.
    expect(statusOf(await call(service.url, REQUEST, { email: 'next@example.com' }))).toBe('SENT');
    await sendgrid.waitForEmails(1, 'next@example.com', 10_000);
  });

  it('a worker and two API processes on one replica set: only the worker sends, exactly one email per code', { timeout: 90_000 }, async () => {
    const env = serviceEnv(mongoUri!, `otp_roles_${randomUUID().slice(0, 8)}`);
    const apis = await Promise.all([0, 1].map(() => start({ ...env, ROLE: 'api' })));
    const on = (i: number) => apis[i % 2]!.url;

    // API processes store codes and send nothing, and are ready without a listener or mailer.
    const early = Array.from({ length: 10 }, (_, i) => `early-${i}@example.com`);
    expect((await Promise.all(early.map((email, i) => call(on(i), REQUEST, { email })))).map(statusOf)).toEqual(early.map(() => 'SENT'));
    const apiReady = await readyz(on(0));
    expect(apiReady).toEqual({ status: 200, body: expect.objectContaining({ checks: { store: 'ok', shutdown: 'ok' } }) });
    await sleep(1_500);
    expect(sendgrid.emails).toHaveLength(0);

    // The worker sweeps up what was stored before it ran, then follows the change stream.
    const worker = await start({ ...env, ROLE: 'worker', DELIVERY_SWEEP_SECONDS: '1', DELIVERY_GRACE_SECONDS: '1' });
    expect(worker.url).not.toContain('/graphql');
    const late = Array.from({ length: 20 }, (_, i) => `late-${i}@example.com`);
    expect((await Promise.all(late.map((email, i) => call(on(i), REQUEST, { email })))).map(statusOf)).toEqual(late.map(() => 'SENT'));
    for (const email of [...early, ...late]) await sendgrid.waitForEmails(1, email, 15_000);
    await sleep(1_500);
    for (const email of [...early, ...late]) expect(sendgrid.emailsTo(email)).toHaveLength(1);
    expect(sendgrid.emails).toHaveLength(30);

    // The worker serves the operational routes on its own port, and no GraphQL.
    const ready = await fetch(`${worker.url}/readyz`).then(async (r) => ({ status: r.status, body: (await r.json()) as { checks: Record<string, string> } }));
    expect(ready.status).toBe(200);
    expect(ready.body.checks).toMatchObject({ store: 'ok', listener: 'ok' });
    expect((await fetch(`${worker.url}/healthz`)).status).toBe(200);
    expect(await (await fetch(`${worker.url}/metrics`)).text()).toMatch(/otp_emails_total\{outcome="sent"\} 30/);
    expect((await fetch(`${worker.url}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"query":"{__typename}"}' })).status).toBe(404);
  });

  it('two API processes on one replica set, the same payment intent sent to both at once: exactly one SENT, one email', { timeout: 90_000 }, async () => {
    const db = `otp_fault_${randomUUID().slice(0, 8)}`;
    const env = serviceEnv(mongoUri!, db, { MERCHANTS_FILE: await writeMerchantsFile(), OTP_RESEND_COOLDOWN_SECONDS: '0', OTP_MAX_SENDS_PER_WINDOW: '100' });
    const [a, b] = await Promise.all([start(env), start(env)]);
    const PAY = 'mutation P($email: String!, $intent: String!) { requestOtp(input: { email: $email, purpose: "payment", paymentIntent: $intent }) { status } }';
    const outcomes: string[][] = [];
    for (let round = 0; round < 10; round++) {
      const email = `intent-${round}@example.com`;
      const intent = await makeIntent({ email });
      const answers = await Promise.all([call(a!.url, PAY, { email, intent }), call(b!.url, PAY, { email, intent })]);
      outcomes.push(answers.map((answer) => String(statusOf(answer))).sort());
    }
    for (const pair of outcomes) expect(pair).toEqual(['BAD_USER_INPUT', 'SENT']);
    // And an intent without an email claim, sent for two addresses at once: one of them only.
    const shared = await makeIntent();
    const both = await Promise.all([call(a!.url, PAY, { email: 'first@example.com', intent: shared }), call(b!.url, PAY, { email: 'second@example.com', intent: shared })]);
    expect(both.map(statusOf).sort()).toEqual(['BAD_USER_INPUT', 'SENT']);
    for (let round = 0; round < 10; round++) await sendgrid.waitForEmails(1, `intent-${round}@example.com`, 15_000);
    await sleep(1_000);
    for (let round = 0; round < 10; round++) expect(sendgrid.emailsTo(`intent-${round}@example.com`)).toHaveLength(1);
  });

  it('three service processes on one replica set: one email per code, and every limit counted once across them', { timeout: 90_000 }, async () => {
    const db = `otp_fault_${randomUUID().slice(0, 8)}`;
    // Client addresses come from X-Forwarded-For (trusted here), so each check has its own client.
    const env = serviceEnv(mongoUri!, db, {
      TRUST_PROXY: 'true',
      CLIENT_MAX_REQUESTS_PER_WINDOW: '6',
      OTP_RESEND_COOLDOWN_SECONDS: '1',
      OTP_MAX_SENDS_PER_WINDOW: '3',
      OTP_SEND_WINDOW_SECONDS: '8',
      OTP_MAX_GUESSES_PER_WINDOW: '6',
      OTP_MAX_ATTEMPTS: '2',
    });
    const replicas = await Promise.all([0, 1, 2].map(() => start(env)));
    const on = (i: number) => replicas[i % 3]!.url;
    const from = (ip: string) => ({ 'x-forwarded-for': ip });

    // Exactly one email per code, whichever replica stored it and whichever sent it.
    const emails = Array.from({ length: 30 }, (_, i) => `spread-${i}@example.com`);
    const answers = await Promise.all(emails.map((email, i) => call(on(i), REQUEST, { email }, from(`198.51.100.${Math.floor(i / 5)}`))));
    expect(answers.map(statusOf)).toEqual(emails.map(() => 'SENT'));
    for (const email of emails) await sendgrid.waitForEmails(1, email, 15_000);
    await sleep(1_000);
    for (const email of emails) expect(sendgrid.emailsTo(email)).toHaveLength(1);

    // Cooldown: asked on one replica, refused on another.
    expect(statusOf(await call(on(0), REQUEST, { email: 'cool@example.com' }, from('203.0.113.1')))).toBe('SENT');
    expect(statusOf(await call(on(1), REQUEST, { email: 'cool@example.com' }, from('203.0.113.1')))).toBe('RATE_LIMITED');

    // Send window: three codes across three replicas, the fourth refused.
    for (let i = 0; i < 3; i++) {
      expect(statusOf(await call(on(i), REQUEST, { email: 'window@example.com' }, from('203.0.113.2')))).toBe('SENT');
      await sleep(1_100); // past the 1-s cooldown
    }
    expect(statusOf(await call(on(0), REQUEST, { email: 'window@example.com' }, from('203.0.113.2')))).toBe('RATE_LIMITED');

    // Per-client cap: six requests from one client across the replicas, the seventh refused.
    const capped = [];
    for (let i = 0; i < 7; i++) capped.push(statusOf(await call(on(i), REQUEST, { email: `client-${i}@example.com` }, from('203.0.113.3'))));
    expect(capped).toEqual(['SENT', 'SENT', 'SENT', 'SENT', 'SENT', 'SENT', 'RATE_LIMITED']);

    // Attempt budget (6, two a code): three requests' wrong guesses spread over the replicas;
    // once the send window (8 s) has passed, no fourth request on any of them.
    const guesses = [];
    for (let round = 1; round <= 3; round++) {
      const sent = await call(on(round), REQUEST, { email: 'guess@example.com' }, from(`203.0.113.${3 + round}`));
      expect(statusOf(sent)).toBe('SENT');
      const requestId = (sent.data?.requestOtp as unknown as { requestId: string }).requestId;
      const code = await sendgrid.latestCode('guess@example.com', round);
      const wrong = code === '000000' ? '111111' : '000000';
      for (let i = 0; i < 3; i++) guesses.push(statusOf(await call(on(i), VERIFY, { email: 'guess@example.com', requestId, otp: wrong }, from('203.0.113.4'))));
      await sleep(1_100); // past the 1-s cooldown
    }
    expect(guesses).toEqual(Array.from({ length: 3 }, () => ['MISMATCHED', 'MISMATCHED', 'TOO_MANY_ATTEMPTS']).flat());
    await sleep(8_000);
    const refused = await call(on(0), REQUEST, { email: 'guess@example.com' }, from('203.0.113.9'));
    expect(statusOf(refused)).toBe('RATE_LIMITED');
    // The attempt budget's wait (the guesses' window, hours), not the send window's seconds.
    expect((refused.data?.requestOtp as unknown as { retryAfterSeconds: number }).retryAfterSeconds).toBeGreaterThan(3600);
  });
});
