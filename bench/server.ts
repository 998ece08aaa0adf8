// The benchmark's server process: the real service (embedded mongod, real SendGrid SDK pointed
// at the fake SendGrid process, which answers 202 at once) and the baselines, all in one
// process that the driver (bench/run.ts) loads over loopback and steers over IPC.
import 'reflect-metadata';
import { generateKeyPairSync, randomUUID } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ApolloServer } from '@apollo/server';
import { startStandaloneServer } from '@apollo/server/standalone';
import { fastifyApolloDrainPlugin, fastifyApolloHandler } from '@as-integrations/fastify';
import Fastify from 'fastify';
import { pino } from 'pino';
import { createApp, type App } from '../src/app.js';
import { startEmbeddedMongo } from '../src/store/embedded-mongo.js';
import { MongoOtpStore, STATE_COLLECTION } from '../src/store/mongo.store.js';
import type { Clock } from '../src/clock.js';
import { loadConfig } from '../src/config.js';
import { createLogger } from '../src/logger.js';
import { BENCH_ENV, TTL_SECONDS } from './settings.js';
import { SignJWT } from 'jose';
import { DEMO_MERCHANT_SECRET } from '../src/merchants/merchants.file.js';

/** A payment intent from the development demo merchant's backend, for `email`. */
const demoIntent = (email: string) =>
  new SignJWT({ amount: '149.90', currency: 'MYR', email })
    .setProtectedHeader({ alg: 'HS256', kid: 'demo' })
    .setIssuer('demo-shop').setAudience('otp-graphql').setJti(`bench-${randomUUID()}`).setIssuedAt().setExpirationTime('10m')
    .sign(new TextEncoder().encode(DEMO_MERCHANT_SECRET));
import { growTo, indexSizes, mongodPid } from './growth.js';

/** The system clock, shiftable forward: lets the bench expire 100,000 codes without waiting. */
class ShiftableClock implements Clock {
  offsetMs = 0;
  now(): Date {
    return new Date(Date.now() + this.offsetMs);
  }
}

/** The driver's own commands (monitoring, sessions): not an operation's. */
const HOUSEKEEPING = new Set(['hello', 'isMaster', 'ping', 'endSessions']);

const TRIVIAL_TYPEDEFS = 'type Query { hello: String }';

async function baselineA(): Promise<string> {
  const body = JSON.stringify({ data: { __typename: 'Query' } });
  const server = createServer((_req, res) => {
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
}

/** Baseline B on the service's own stack: Fastify 5 + Apollo Server 5, a trivial schema. */
async function baselineFastify(): Promise<string> {
  const fastify = Fastify({ logger: false });
  const apollo = new ApolloServer({ typeDefs: TRIVIAL_TYPEDEFS, plugins: [fastifyApolloDrainPlugin(fastify)] });
  await apollo.start();
  fastify.route({ url: '/graphql', method: ['GET', 'POST'], handler: fastifyApolloHandler(apollo) });
  return `${await fastify.listen({ port: 0, host: '127.0.0.1' })}/graphql`;
}

/**
 * Ceiling C: the same stack answering a verifyOtp-shaped mutation (same input, same selection)
 * whose resolver does nothing: what Apollo alone costs for the operation, before any of ours.
 */
async function ceilingMutation(): Promise<string> {
  const typeDefs = `${TRIVIAL_TYPEDEFS}
    input VerifyOtpInput { email: String! requestId: ID! purpose: String otp: String! }
    type VerifyOtpPayload { success: Boolean! status: String! attemptsRemaining: Int }
    type Mutation { verifyOtp(input: VerifyOtpInput!): VerifyOtpPayload! }`;
  const resolvers = { Mutation: { verifyOtp: async () => ({ success: false, status: 'MISMATCHED', attemptsRemaining: 4 }) } };
  const fastify = Fastify({ logger: false });
  const apollo = new ApolloServer({ typeDefs, resolvers, plugins: [fastifyApolloDrainPlugin(fastify)] });
  await apollo.start();
  fastify.route({ url: '/graphql', method: ['GET', 'POST'], handler: fastifyApolloHandler(apollo) });
  return `${await fastify.listen({ port: 0, host: '127.0.0.1' })}/graphql`;
}

/** Baseline B on Apollo's standalone server (node:http + its own body parsing), for the choice of stack. */
async function baselineStandalone(): Promise<string> {
  const apollo = new ApolloServer({ typeDefs: TRIVIAL_TYPEDEFS });
  const { url } = await startStandaloneServer(apollo, { listen: { port: 0, host: '127.0.0.1' } });
  return url;
}

/**
 * MongoDB commands issued on each operation's request path, counted exactly with the driver's
 * command monitoring while the dispatcher (whose change stream and claims are not on the
 * request path) is paused: the mean over 50 operations of each kind, over HTTP, so the
 * per-client limits are counted too.
 */
async function countCommands(app: App, store: MongoOtpStore, url: string): Promise<Record<string, number>> {
  const N = 50;
  await app.dispatcher!.stop();
  let count = 0;
  const onCommand = (event: { commandName: string }) => {
    if (!HOUSEKEEPING.has(event.commandName)) count += 1;
  };
  const post = (query: string, input: Record<string, string>) =>
    fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query, variables: { input } }) }).then((r) => r.json());
  const counted = async (run: (i: number) => Promise<unknown>) => {
    count = 0;
    store.client.on('commandStarted', onCommand);
    for (let i = 0; i < N; i++) await run(i);
    store.client.off('commandStarted', onCommand);
    return count / N;
  };
  const REQUEST = 'mutation ($input: RequestOtpInput!) { requestOtp(input: $input) { status } }';
  const VERIFY = 'mutation ($input: VerifyOtpInput!) { verifyOtp(input: $input) { status } }';
  const email = (i: number) => `count-${i}@bench.example`;
  const requestOtp = await counted((i) => post(REQUEST, { email: email(i) }));
  const codes: string[] = [];
  const ids: string[] = [];
  for (let i = 0; i < N; i++) {
    const record = (await store.findLatest(email(i), 'default'))!;
    codes.push(app.service.codeHasher.unseal(record.sealedCode!, record.id));
    ids.push(record.id);
  }
  const verifyOtpWrong = await counted((i) => post(VERIFY, { email: email(i), requestId: ids[i]!, otp: codes[i] === '000000' ? '111111' : '000000' }));
  const verifyOtpRight = await counted((i) => post(VERIFY, { email: email(i), requestId: ids[i]!, otp: codes[i]! }));
  await app.dispatcher!.start();
  return { requestOtp, verifyOtpWrong, verifyOtpRight };
}

async function main(): Promise<void> {
  const sendgridUrl = process.env.FAKE_SENDGRID_URL;
  if (!sendgridUrl) throw new Error('FAKE_SENDGRID_URL is not set');
  const clock = new ShiftableClock();
  // The fetched mongod as a one-node replica set (journaled, default write concern): the one store.
  const mongo = await startEmbeddedMongo();
  if (!mongo.ok) throw new Error(`bench: ${mongo.reason}`);
  // BENCH_MONGODB_OPTIONS (e.g. w=1&journal=false) adds driver options: for comparing write concerns.
  const options = process.env.BENCH_MONGODB_OPTIONS;
  const mongoUri = `${mongo.uri}${options ? `${mongo.uri.includes('?') ? '&' : '?'}${options}` : ''}`;
  const store = await MongoOtpStore.connect({ uri: mongoUri, dbName: 'otp_bench', monitorCommands: true, onClose: mongo.stop });
  // The Event Webhook on, with a key of the run's own: the forged posts of bench/run.ts are refused by it.
  const webhookKey = generateKeyPairSync('ec', { namedCurve: 'prime256v1' }).publicKey.export({ format: 'der', type: 'spki' }).toString('base64');
  const env = { ...BENCH_ENV, SENDGRID_BASE_URL: sendgridUrl, SENDGRID_WEBHOOK_PUBLIC_KEY: webhookKey };
  const addresses = store.db.collection(STATE_COLLECTION);
  /** Stored documents (addresses with live codes or open windows, callers' counters): what the database holds. */
  const stored = async () => ({ liveCodes: await addresses.countDocuments(), held: {} as Record<string, number> });

  const config = loadConfig(env);
  // Log lines are written as in production (JSON, one per operation), to /dev/null.
  const logger = createLogger(config, pino.destination({ dest: '/dev/null', sync: false }));
  const app = await createApp(config, { clock, store, logger });
  const service = await app.start();
  const urls = { service, baselineA: await baselineA(), fastifyB: await baselineFastify(), standaloneB: await baselineStandalone(), ceilingC: await ceilingMutation() };

  /**
   * Resident memory of the idle process: after a full collection, V8 and the allocator hand
   * freed pages back to the system over a second or two, so RSS read at once overstates it.
   */
  const settled = async () => {
    const gc = (globalThis as { gc?: () => void }).gc;
    gc?.();
    await new Promise((resolve) => setTimeout(resolve, 2_000));
    gc?.();
    const { rss, heapUsed } = process.memoryUsage();
    return { rss, heapUsed };
  };

  /**
   * Stores `count` codes for fresh addresses through the service, and lets their emails go:
   * (email, requestId) pairs; with `payment`, each confirms a payment the demo merchant's backend
   * signed (its intent third in each entry).
   */
  async function issue(prefix: string, count: number, payment = false): Promise<string[][]> {
    const emails: string[][] = [];
    for (let i = 0; i < count; i++) {
      const email = `${prefix}-${i}@bench.example`;
      const paymentIntent = payment ? await demoIntent(email) : undefined;
      const sent = await app.service.requestOtp({ email, ...(paymentIntent ? { purpose: 'payment', paymentIntent } : {}) });
      emails.push([email, sent.status === 'SENT' ? sent.requestId : '00000000-0000-4000-8000-000000000000', ...(paymentIntent ? [paymentIntent] : [])]);
    }
    await new Promise((resolve) => setImmediate(resolve));
    await app.dispatcher!.idle();
    return emails;
  }

  const tally = new Map<string, number>();
  const onTally = (event: { commandName: string }) => void (HOUSEKEEPING.has(event.commandName) || tally.set(event.commandName, (tally.get(event.commandName) ?? 0) + 1));

  const handlers: Record<string, (arg: Record<string, unknown>) => Promise<unknown>> = {
    urls: async () => urls,
    issue: async ({ prefix, count, payment }) => issue(String(prefix), Number(count), payment === true),
    /** Insert-to-email delays, from arrival times at the fake SendGrid and the stored creation times. */
    emailDelays: async ({ arrivals }) => {
      const delays: number[] = [];
      for (const [email, receivedAt] of arrivals as [string, number][]) {
        const record = await store.findLatest(email, 'default');
        if (record) delays.push(receivedAt - (record.createdAt.getTime() - clock.offsetMs));
      }
      return delays;
    },
    state: async () => ({ ...(await settled()), ...(await stored()) }),
    /**
     * Moves time past every code's expiry and every limit's window (an address's state is kept
     * while its windows are open: the guess budget must outlive its codes), and runs the expiry
     * sweep, as the TTL monitor would (its one-minute period is not waited for).
     */
    expireAll: async () => {
      const { otp, client } = config;
      clock.offsetMs += (Math.max(TTL_SECONDS, otp.sendWindowSeconds, otp.guessWindowSeconds, client.windowSeconds) + 1) * 1000;
      const { deletedCount: deleted } = await addresses.deleteMany({ expiresAt: { $lt: clock.now() } });
      return { deleted, ...(await settled()), ...(await stored()) };
    },
    commandCounts: async () => countCommands(app, store, service),
    /** Counts the MongoDB commands the service sends, by name, from now until tallyStop (under load: batching shows). */
    tallyStart: async () => {
      tally.clear();
      store.client.on('commandStarted', onTally);
      return true;
    },
    tallyStop: async () => {
      store.client.off('commandStarted', onTally);
      return Object.fromEntries(tally);
    },
    /** Where the peers find the database, and which process is mongod (for /proc). */
    mongo: async () => ({ uri: mongoUri, pid: mongodPid(mongoUri) }),
    /** Fills the collection with stored addresses up to `count` (see growth.ts). */
    grow: async ({ count }) => growTo(store.db, Number(count)),
    indexSizes: async () => indexSizes(store.db),
  };

  process.on('message', (message: { id: number; cmd: string; arg?: Record<string, unknown> }) => {
    const handler = handlers[message.cmd];
    if (!handler) return process.send?.({ id: message.id, error: `unknown command ${message.cmd}` });
    handler(message.arg ?? {}).then(
      (result) => process.send?.({ id: message.id, result }),
      (error: unknown) => process.send?.({ id: message.id, error: String(error) }),
    );
  });
  process.send?.({ id: 0, result: 'ready' });
}

void main();
