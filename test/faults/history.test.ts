// Tier 3, all faults at once: a seeded random schedule, for a bounded time, of concurrent
// requestOtp / resendOtp / verifyOtp (right, wrong, replayed) from many addresses against two
// API processes and a worker on a 3-member replica set, while one lane of faults SIGKILLs and
// restarts service processes, steps the primary down or kills it, and another has the fake
// SendGrid and the fake merchant answer 429, 500, slowly, or not at all. Every call, answer,
// email and webhook try is recorded; history/checker.ts (which shares no code with src/) then
// checks the whole history against the promises. On a failure it prints the seed and, per
// broken promise, the slice of history that shows it.
//
//   HISTORY_SEED=1234 HISTORY_SECONDS=600 npx vitest run test/faults/history.test.ts
//
// runs one seed for ten minutes (default: a random seed, 75 s of load).
import { randomBytes, randomInt } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { MongoClient } from 'mongodb';
import { afterAll, expect, it } from 'vitest';
import { locateMongod } from '../../src/store/embedded-mongo.js';
import { FakeSendGrid } from '../support/fake-sendgrid.js';
import { TEST_SECRET } from '../support/harness.js';
import { ReplicaSet, waitFor } from '../support/mongod-processes.js';
import { serve, stopService, type ServiceProcess } from '../support/service-process.js';
import { describeOnTier, mongoTier } from '../support/stores.js';
import { makeIntent } from '../support/intents.js';
import { callToken } from '../support/merchant-api.js';
import { checkHistory, sliceOf, type Call, type Fault, type HistoryEvent, type Operation, type Promises, type WebhookTry } from './history/checker.js';

const binary = await locateMongod();
const tier = { ...mongoTier, skip: mongoTier.skip ?? (binary ? null : 'the history test starts its own replica set: no mongod binary here') };

const SEED = process.env.HISTORY_SEED ? Number(process.env.HISTORY_SEED) : randomInt(2 ** 31);
const LOAD_MS = Number(process.env.HISTORY_SECONDS ?? 75) * 1000;
const CLIENTS = 6;
const ADDRESSES = 24;
const MAX_ATTEMPTS = 3;
/** Payment codes live this long: several die unused within a run, and their otp.expired is heard. */
const PAYMENT_TTL_SECONDS = 15;
const LEASE_SECONDS = 5;
const SENDGRID_TIMEOUT_MS = 2_000;
/** The fake merchant's "no answer": longer than the sender's 10-s timeout. */
const MERCHANT_HANG_MS = 11_000;
const PROMISES: Promises = {
  maxAttempts: MAX_ATTEMPTS,
  // An unanswered call is retried after its timeout and a backoff; a dead worker's claim after its lease and a sweep.
  emailRepeatWindowMs: LEASE_SECONDS * 1000 + SENDGRID_TIMEOUT_MS + 10_000,
  // An unanswered try after the sender's 10-s timeout; a dead worker's claim after its 30-s lease.
  webhookRepeatWindowMs: 40_000,
  // The replica set's TTL monitor runs every second (ttlMonitorSleepSecs=1); slack for a pass and an election.
  ttlGraceMs: 1_000 + 15_000,
  paymentTtlMs: PAYMENT_TTL_SECONDS * 1000,
};

/** A seeded generator (mulberry32): the schedule and the choices come back with the seed. */
function generator(seed: number) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 2 ** 32;
  };
  return {
    next,
    int: (min: number, max: number) => min + Math.floor(next() * (max - min + 1)),
    pick: <T>(items: readonly T[]): T => items[Math.floor(next() * items.length)]!,
  };
}
type Random = ReturnType<typeof generator>;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

type MerchantMode = 'ok' | '429' | '500' | 'slow' | 'hang';

/** The merchant's backend: records every try, answers as its mode says. */
class Merchant {
  mode: MerchantMode = 'ok';
  readonly tries: WebhookTry[] = [];
  private readonly server: Server = createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const event = JSON.parse(Buffer.concat(chunks).toString('utf8')) as { type: string; data: { email: string; requestId?: string } };
    const mode = this.mode;
    const accepted = mode === 'ok' || mode === 'slow' || mode === 'hang';
    this.tries.push({ kind: 'webhook', id: String(req.headers['webhook-id']), type: event.type, email: event.data.email, requestId: event.data.requestId, at: Date.now(), accepted });
    const answer = () => res.writeHead(accepted ? 204 : Number(mode)).end();
    if (mode === 'slow') setTimeout(answer, 2_000);
    else if (mode === 'hang') setTimeout(answer, MERCHANT_HANG_MS);
    else answer();
  });

  async start(): Promise<string> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/otp-events`;
  }

  close(): Promise<void> {
    this.server.closeAllConnections();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}

const QUERIES = {
  request: 'mutation R($email: String!, $purpose: String, $paymentIntent: String) { requestOtp(input: { email: $email, purpose: $purpose, paymentIntent: $paymentIntent }) { status requestId } }',
  resend: 'mutation S($email: String!, $requestId: ID!) { resendOtp(input: { email: $email, requestId: $requestId }) { status requestId } }',
  verify: 'mutation V($email: String!, $requestId: ID!, $otp: String!, $purpose: String, $paymentIntent: String) { verifyOtp(input: { email: $email, requestId: $requestId, otp: $otp, purpose: $purpose, paymentIntent: $paymentIntent }) { status attemptsRemaining } }',
  // The merchant API (the demo merchant's backend).
  cancel: 'mutation C($requestId: ID) { cancelVerification(requestId: $requestId) { canceled } }',
};

describeOnTier(tier, 'a randomized history of load and faults, checked whole', () => {
  const sendgrid = new FakeSendGrid();
  const merchant = new Merchant();
  let set: ReplicaSet | undefined;
  const services = new Map<string, ServiceProcess & { url: string }>();

  afterAll(async () => {
    await Promise.all([...services.values()].map((s) => stopService(s, 'SIGKILL')));
    await set?.close();
    await merchant.close();
    await sendgrid.close();
  });

  it(`keeps every promise under a random schedule (seed ${SEED}, ${LOAD_MS / 1000} s of load)`, { timeout: LOAD_MS + 300_000 }, async () => {
    const random = generator(SEED);
    const history: HistoryEvent[] = [];
    await sendgrid.start();
    const merchantUrl = await merchant.start();
    set = await ReplicaSet.start(binary!, 3);
    const env = (role: 'api' | 'worker') => ({
      ROLE: role,
      MONGODB_URI: set!.uri(),
      MONGODB_DB: 'otp',
      OTP_SECRET: TEST_SECRET,
      OTP_TTL_SECONDS: '60',
      OTP_TTL_SECONDS_BY_PURPOSE: `payment=${PAYMENT_TTL_SECONDS}`,
      OTP_MAX_ATTEMPTS: String(MAX_ATTEMPTS),
      OTP_RESEND_COOLDOWN_SECONDS: '1',
      OTP_MAX_SENDS_PER_WINDOW: '1000',
      SENDGRID_API_KEY: 'SG.test',
      SENDGRID_BASE_URL: sendgrid.baseUrl,
      SENDGRID_TIMEOUT_MS: String(SENDGRID_TIMEOUT_MS),
      WEBHOOK_URL: merchantUrl,
      WEBHOOK_SECRET: `whsec_${randomBytes(32).toString('base64')}`,
      WEBHOOK_POLL_MS: '200',
      WEBHOOK_RETRY_BASE_MS: '200',
      WEBHOOK_RETRY_MAX_SECONDS: '2',
      CLIENT_MAX_REQUESTS_PER_WINDOW: '1000000',
      CLIENT_MAX_VERIFICATIONS_PER_WINDOW: '1000000',
      CLIENT_MAX_STATUS_READS_PER_WINDOW: '1000000',
      SEND_BUDGET_PER_DOMAIN: '0',
      SEND_BUDGET_TOTAL: '0',
      DELIVERY_LEASE_SECONDS: String(LEASE_SECONDS),
      DELIVERY_SWEEP_SECONDS: '1',
      DELIVERY_GRACE_SECONDS: '2',
      DELIVERY_RETRY_MAX_SECONDS: '2',
      LOG_LEVEL: 'info', // the "serving" line is info
    });
    /** Starts a process (again), a few tries while an election leaves no primary. */
    const launch = async (name: string) => {
      for (let attempt = 1; ; attempt += 1) {
        try {
          services.set(name, await serve(env(name === 'worker' ? 'worker' : 'api')));
          return;
        } catch (error) {
          if (attempt >= 5) throw error;
          await sleep(1_000);
        }
      }
    };
    await Promise.all(['api-1', 'api-2', 'worker'].map(launch));
    const fault = (what: string, at: number, durationMs: number) => history.push({ kind: 'fault', what, at, durationMs } satisfies Fault);

    const startedAt = Date.now();
    const running = () => Date.now() - startedAt < LOAD_MS;

    // The clients: the addresses' handles and the codes their emails carried, as a user knows them.
    const handles = new Map<string, string[]>();
    const verified = new Map<string, string>();
    const codeOf = (requestId: string) => sendgrid.emails.findLast((e) => e.customArgs.otp_id === requestId)?.code;
    /** The payment intent each payment code was requested with (verifies carry it again). */
    const intents = new Map<string, string>();
    const call = async (op: Operation, email: string, requestId: string | null, otp?: string, paymentIntent?: string) => {
      const apis = [...services.entries()].filter(([name]) => name !== 'worker').map(([, s]) => s.url);
      const intent = paymentIntent ?? (requestId ? intents.get(requestId) : undefined);
      const entry: Call = { kind: 'call', op, email, requestId, ...(otp ? { otp } : {}), ...(op === 'request' && intent ? { payment: true } : {}), start: Date.now(), end: 0, status: null };
      if (op === 'cancel') entry.canceled = null;
      try {
        const query = QUERIES[op === 'request' ? 'request' : op === 'resend' ? 'resend' : op === 'cancel' ? 'cancel' : 'verify'];
        const payment = intent && op !== 'resend' && op !== 'cancel' ? { purpose: 'payment', paymentIntent: intent } : {};
        const api = random.pick(apis);
        const res = await fetch(op === 'cancel' ? api.replace(/\/graphql$/, '/merchant/graphql') : api, {
          method: 'POST',
          headers: { 'content-type': 'application/json', ...(op === 'cancel' ? { authorization: `Bearer ${await callToken({ merchant: 'demo' })}` } : {}) },
          body: JSON.stringify({ query, variables: { ...(op === 'cancel' ? {} : { email }), ...(requestId ? { requestId } : {}), ...(otp ? { otp } : {}), ...payment } }),
          signal: AbortSignal.timeout(15_000),
        });
        const body = (await res.json()) as { data?: Record<string, { status: string; requestId?: string; attemptsRemaining?: number | null; canceled?: boolean }> };
        const payload = Object.values(body.data ?? {})[0];
        // An error (SERVICE_UNAVAILABLE, say) leaves the outcome unknown to the caller: null.
        entry.status = payload?.status ?? null;
        if (op === 'cancel' && payload) {
          entry.canceled = payload.canceled ?? null;
          entry.status = payload.canceled ? 'CANCELED' : 'ALREADY_DEAD';
        }
        if (payload?.requestId) entry.requestId = payload.requestId;
        if (payload && 'attemptsRemaining' in payload) entry.attemptsRemaining = payload.attemptsRemaining;
      } catch {
        entry.status = null; // no answer: the process died, or the call timed out
      }
      entry.end = Date.now();
      history.push(entry);
      return entry;
    };
    const client = async (rng: Random) => {
      while (running()) {
        const email = `h${SEED}-${rng.int(1, ADDRESSES)}@example.com`;
        const mine = handles.get(email) ?? [];
        const withCode = mine.filter((id) => codeOf(id) && !verified.has(id));
        const roll = rng.next();
        if (roll < 0.35 || mine.length === 0) {
          // Two in five are payments, each with an intent of its own from the demo merchant's backend.
          const intent = rng.next() < 0.4 ? await makeIntent({ merchant: 'demo', jti: `h${SEED}-${randomBytes(6).toString('hex')}` }) : undefined;
          const answer = await call('request', email, null, undefined, intent);
          if (answer.status === 'SENT' && answer.requestId) {
            handles.set(email, [...mine, answer.requestId].slice(-6));
            if (intent) intents.set(answer.requestId, intent);
          }
        } else if (roll < 0.4) {
          // The shopper left: the merchant's backend cancels one of the address's payment codes.
          const payments = mine.filter((id) => intents.has(id));
          if (payments.length > 0) await call('cancel', email, rng.pick(payments));
        } else if (roll < 0.45) {
          await call('resend', email, rng.pick(mine));
        } else if (roll < 0.75 && withCode.length > 0) {
          const requestId = rng.pick(withCode);
          const otp = codeOf(requestId)!;
          if ((await call('verify-right', email, requestId, otp)).status === 'VERIFIED') verified.set(requestId, otp);
        } else if (roll < 0.9 && withCode.length > 0) {
          const requestId = rng.pick(withCode);
          const otp = codeOf(requestId)!;
          const wrong = String((Number(otp) + rng.int(1, 999_998)) % 1_000_000).padStart(6, '0');
          await call('verify-wrong', email, requestId, wrong);
        } else if (verified.size > 0) {
          const [requestId, otp] = rng.pick([...verified.entries()]);
          const owner = [...handles.entries()].find(([, ids]) => ids.includes(requestId))?.[0] ?? email;
          await call('verify-replay', owner, requestId, otp);
        }
        await sleep(rng.int(5, 60));
      }
    };

    // The faults: one lane for processes and the replica set, one for the providers.
    const processLane = async (rng: Random) => {
      while (running()) {
        await sleep(rng.int(5_000, 10_000));
        if (!running()) break;
        const kind = rng.pick(['kill:api', 'kill:worker', 'stepdown', 'kill:primary'] as const);
        const at = Date.now();
        if (kind === 'kill:api' || kind === 'kill:worker') {
          const name = kind === 'kill:worker' ? 'worker' : rng.pick(['api-1', 'api-2']);
          const victim = services.get(name)!;
          services.delete(name);
          await stopService(victim, 'SIGKILL');
          await sleep(rng.int(500, 3_000));
          await launch(name);
          fault(kind, at, Date.now() - at);
        } else if (kind === 'stepdown') {
          await set!.stepDown();
          fault(kind, at, 0);
        } else {
          const primary = await set!.primary();
          await primary.stop('SIGKILL');
          await sleep(rng.int(2_000, 5_000));
          await primary.start();
          fault(kind, at, Date.now() - at);
        }
      }
    };
    const providerLane = async (rng: Random) => {
      while (running()) {
        await sleep(rng.int(3_000, 7_000));
        if (!running()) break;
        const [who, mode] = rng.pick([
          ['sendgrid', '429'], ['sendgrid', '500'], ['sendgrid', 'slow'], ['sendgrid', 'hang'],
          ['merchant', '429'], ['merchant', '500'], ['merchant', 'slow'], ['merchant', 'hang'],
        ] as const);
        const ms = rng.int(2_000, 6_000);
        const at = Date.now();
        if (who === 'sendgrid') {
          if (mode === 'slow') sendgrid.delayAll(SENDGRID_TIMEOUT_MS / 2);
          else if (mode === 'hang') sendgrid.delayAll(SENDGRID_TIMEOUT_MS + 1_000); // taken, answered too late
          else sendgrid.downFor(ms, Number(mode));
        } else merchant.mode = mode;
        await sleep(ms);
        sendgrid.delayAll(0);
        merchant.mode = 'ok';
        fault(`${who}:${mode}`, at, Date.now() - at);
      }
    };
    const lanes = [processLane(generator(SEED + 1)), providerLane(generator(SEED + 2))];
    await Promise.all([...Array.from({ length: CLIENTS }, (_, i) => client(generator(SEED + 10 + i))), ...lanes]);

    // Healed: every node and process up, both fakes answering. Then wait (bounded) until nothing
    // is left to do: no email on its way, no webhook waiting.
    for (const node of set.nodes) if (!node.running) await node.start();
    const admin = await MongoClient.connect(set.uri());
    try {
      const db = admin.db('otp');
      const settled = async () => {
        const now = new Date();
        const [pending, outbox, waiting, expiring] = await Promise.all([
          db.collection('otp_state').countDocuments({ slots: { $elemMatch: { 'delivery.state': { $in: ['pending', 'sending'] }, expiresAt: { $gt: now } } } }),
          db.collection('webhook_outbox').countDocuments({ done: { $ne: true } }),
          db.collection('otp_state').countDocuments({ webhooks: { $exists: true } }),
          // Payment codes whose otp.expired is still to come (the last live ones die within PAYMENT_TTL_SECONDS).
          db.collection('otp_state').countDocuments({ 'slots.expiryEventAt': { $type: 'date' } }),
        ]);
        return pending + outbox + waiting + expiring === 0;
      };
      await waitFor('deliveries and webhooks to settle', settled, 60_000);
      await sleep(1_500);
      // The TTL promise needs time to have passed: the monitor has had its chance at everything expired.
      const checkedAt = Date.now();
      const stored = (
        await Promise.all(['otp_state', 'webhook_outbox'].map(async (collection) => (await db.collection(collection).find({}, { projection: { expiresAt: 1 } }).toArray()).map((d) => ({ collection, expiresAt: d.expiresAt as Date }))))
      ).flat();

      for (const e of sendgrid.emails) history.push({ kind: 'email', to: e.to, requestId: e.customArgs.otp_id ?? '', code: e.code, at: e.receivedAt });
      history.push(...merchant.tries);
      const report = checkHistory(history, stored, checkedAt, PROMISES);
      console.info(`history seed ${SEED}: ${JSON.stringify(report.counts)} in ${Math.round((Date.now() - startedAt) / 1000)} s`);
      if (report.violations.length > 0) {
        const shown = report.violations.slice(0, 5).map((v) => `${v.promise} (${v.key}): ${v.detail}\n${sliceOf(history, v.key).map((e) => `  ${JSON.stringify(e)}`).join('\n')}`);
        console.error(`history seed ${SEED} broke ${report.violations.length} promise(s); rerun with HISTORY_SEED=${SEED}\n${shown.join('\n')}`);
      }
      expect(report.violations).toEqual([]);
      // The run did what it is for: codes verified, emails sent, events heard, faults run.
      expect(report.counts.verified).toBeGreaterThan(10);
      expect(report.counts.webhooksAccepted).toBeGreaterThan(10);
      expect(report.counts.faults).toBeGreaterThan(3);
      // Payment codes ended every way a checkout sees: verified, canceled, expired unused.
      expect(report.counts['payments:otp.verified']).toBeGreaterThan(3);
      expect(report.counts['payments:otp.expired']).toBeGreaterThan(0);
      expect(report.counts['payments:otp.canceled']).toBeGreaterThan(0);
    } finally {
      await admin.close();
    }
  });
});
