// `npm run bench`: throughput, latency, email delay and memory of the real service, measured
// against baselines in the same run on the same machine, so the figures are ratios that
// survive a noisy machine. `--quick` runs a short version (about three minutes: 10,000 live codes, not 100,000).
//
// The service and the baselines run in one child process (bench/server.ts); this process
// only drives load with autocannon over loopback (32 connections, after a warm-up).
// `--store mongodb` is its own run (bench/mongodb.ts): the service on the fetched mongod
// beside the floor and better-auth.
import { generateKeyPairSync, sign } from 'node:crypto';
import { mkdir, writeFile } from 'node:fs/promises';
import { cpus } from 'node:os';
import { fileURLToPath } from 'node:url';
import { CONNECTIONS, gql, load, measure as measureOnce, Peer, percentile, REQUEST, VERIFY, type RequestFactory, type Row } from './load.js';
import { runMongo } from './mongodb.js';

const quick = process.argv.includes('--quick');
// --store mongodb: the service on the fetched mongod beside the floor and the peer (bench/mongodb.ts).
const storeArg = process.argv.indexOf('--store');
// Without it: the service alone against its baselines (also on the embedded mongod: the one store).
const storeKind = storeArg >= 0 ? (process.argv[storeArg + 1] ?? '') : 'service';
if (storeKind !== 'service' && storeKind !== 'mongodb') throw new Error('--store takes mongodb');
const WARMUP_S = quick ? 1 : 3;
const DURATION_S = quick ? 3 : 10;
// Codes held live for the memory and large-store rows: fewer in --quick, which issues them one by one.
const LIVE_CODES = quick ? 10_000 : 100_000;
const SMALL_LIVE = 100;
/** Addresses the wrong-code runs spread over: each stays well inside its 1,000-guess budget. */
const WRONG_TARGETS = 1_000;

let server: Peer;
let sendgrid: Peer;
const call = <T>(cmd: string, arg: Record<string, unknown> = {}) => server.call<T>(cmd, arg);

/** A warm-up (unless `warm` is false), then one run of DURATION_S or `amount` requests. */
async function measure(name: string, url: string, body: RequestFactory, options: { amount?: number; warm?: boolean } = {}): Promise<Row> {
  if (options.warm !== false) await load(url, body, { duration: WARMUP_S });
  return measureOnce(name, url, body, options.amount ? { amount: options.amount } : { duration: DURATION_S });
}

const mb = (bytes: number) => Math.round(bytes / 1024 / 1024);

/**
 * Runs `during` while posting forged SendGrid events to `url` at 200 a second (ten every 50
 * ms), each from `ip(i)`, with a well-formed signature (DER, P-256, but not SendGrid's key) and
 * a fresh timestamp; returns its row and the forged posts' answers by status.
 */
async function underForgeries(url: string, ip: (i: number) => string, during: () => Promise<Row>): Promise<{ row: Row; statuses: Record<number, number> }> {
  const forger = generateKeyPairSync('ec', { namedCurve: 'prime256v1' }).privateKey;
  const body = JSON.stringify([{ event: 'delivered', sg_event_id: 'forged', otp_id: '00000000-0000-4000-8000-000000000000', timestamp: 0 }]);
  const statuses: Record<number, number> = {};
  let sent = 0;
  const post = async () => {
    const timestamp = String(Math.floor(Date.now() / 1000));
    const signature = sign('sha256', Buffer.from(timestamp + body), { key: forger, dsaEncoding: 'der' }).toString('base64');
    const headers = { 'content-type': 'application/json', 'x-twilio-email-event-webhook-timestamp': timestamp, 'x-twilio-email-event-webhook-signature': signature, 'x-forwarded-for': ip(sent++) };
    const res = await fetch(url, { method: 'POST', headers, body }).catch(() => null);
    if (res) {
      statuses[res.status] = (statuses[res.status] ?? 0) + 1;
      await res.arrayBuffer().catch(() => undefined);
    }
  };
  const timer = setInterval(() => {
    for (let k = 0; k < 10; k++) void post();
  }, 50);
  try {
    const row = await during();
    console.error(`  (forged posts answered: ${JSON.stringify(statuses)})`);
    return { row, statuses };
  } finally {
    clearInterval(timer);
  }
}

/** Codes for fresh records, read from the emails as a user would: (email, code, requestId[, paymentIntent]). */
async function rightCodes(prefix: string, count: number, payment = false): Promise<[string, string, string, string?][]> {
  const mark = await sendgrid.call<number>('count');
  const issued = await call<string[][]>('issue', { prefix, count, payment });
  const requests = new Map(issued.map(([email, requestId]) => [email!, requestId!]));
  const intents = new Map(issued.map(([email, , intent]) => [email!, intent]));
  let arrivals: [string, number, string][] = [];
  for (let tries = 0; arrivals.length < count && tries < 600; tries++) {
    arrivals = await sendgrid.call<[string, number, string][]>('arrivals', { from: mark });
    if (arrivals.length < count) await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return arrivals.map(([email, , code]) => [email, code, requests.get(email)!, intents.get(email)]);
}

// --- the run ------------------------------------------------------------------------------

async function main(): Promise<void> {
  const started = Date.now();
  sendgrid = new Peer('./fake-sendgrid.js');
  const sendgridUrl = (await sendgrid.ready) as string;
  server = new Peer('./server.js', { FAKE_SENDGRID_URL: sendgridUrl, BENCH_STORE: storeKind });
  await server.ready;
  if (storeKind === 'mongodb') {
    await runMongo(quick, server, sendgrid, started);
    server.child.kill();
    sendgrid.child.kill();
    return;
  }
  const urls = await call<{ service: string; baselineA: string; fastifyB: string; standaloneB: string; ceilingC: string }>('urls');
  const rows: Row[] = [];
  console.error(`otp-graphql bench (${quick ? 'quick' : 'full'}): ${CONNECTIONS} connections, ${WARMUP_S}s warm-up, ${DURATION_S}s runs`);

  const typename = () => gql('{ __typename }');
  rows.push(await measure('A: node:http fixed JSON', urls.baselineA, null));
  const b = await measure('B: Fastify + Apollo, { __typename }', urls.fastifyB, typename);
  rows.push(b);
  rows.push(await measure('B: Apollo standalone, { __typename }', urls.standaloneB, typename));
  let c = 0;
  const ceilingBody = () => gql(VERIFY, { input: { email: `c${c++ % 100}@bench.example`, requestId: '00000000-0000-4000-8000-000000000000', otp: '000000' } });
  const ceiling = await measure('C: Fastify + Apollo, verifyOtp-shaped mutation, resolver does nothing', urls.ceilingC, ceilingBody);
  rows.push(ceiling);
  rows.push(await measure('service: { __typename }', urls.service, typename));

  // verifyOtp with wrong codes, spread over 1,000 live codes.
  const targets = await call<[string, string][]>('issue', { prefix: 'wrong', count: WRONG_TARGETS });
  let w = 0;
  const wrongBody = (list: [string, string][]) => () => {
    const [email, requestId] = list[w++ % list.length]!;
    return gql(VERIFY, { input: { email, requestId, otp: '000000' } });
  };
  const verifyWrongSmall = await measure(`verifyOtp, wrong code (${WRONG_TARGETS} addresses)`, urls.service, wrongBody(targets));
  rows.push(verifyWrongSmall);

  // verifyOtp with right codes, each on a fresh record: as many requests as codes prepared.
  const rightCount = quick ? 10_000 : 40_000;
  const warmPairs = await rightCodes('warm', 2_000);
  let rw = 0;
  await load(
    urls.service,
    () => {
      const [email, otp, requestId] = warmPairs[rw++ % warmPairs.length]!;
      return gql(VERIFY, { input: { email, requestId, otp } });
    },
    { amount: warmPairs.length },
  );
  const pairs = await rightCodes('right', rightCount);
  let r = 0;
  const rightBody = () => {
    const [email, otp, requestId] = pairs[r++ % pairs.length]!;
    return gql(VERIFY, { input: { email, requestId, otp } });
  };
  rows.push(await measure('verifyOtp, right code (fresh records)', urls.service, rightBody, { amount: pairs.length, warm: false }));
  // The same for payment codes: each reads its code first and signs the evidence of the payment.
  const payments = await rightCodes('pay', quick ? 5_000 : 20_000, true);
  let p = 0;
  const paymentBody = () => {
    const [email, otp, requestId, paymentIntent] = payments[p++ % payments.length]!;
    return gql(VERIFY, { input: { email, requestId, otp, purpose: 'payment', paymentIntent } });
  };
  // One first, to be sure the row measures verifications, not refusals.
  const first = (await (await fetch(urls.service, { method: 'POST', headers: { 'content-type': 'application/json' }, body: paymentBody() })).json()) as { data?: { verifyOtp?: { status?: string } } };
  if (first.data?.verifyOtp?.status !== 'VERIFIED') throw new Error(`a payment verification answered ${JSON.stringify(first)}`);
  rows.push(await measure('verifyOtp, right code, payment (fresh records; reads the code, signs the evidence)', urls.service, paymentBody, { amount: payments.length, warm: false }));

  // requestOtp with a fresh address per request; email delay measured at the fake SendGrid.
  let n = 0;
  const requestBody = (tag: string) => () => gql(REQUEST, { input: { email: `${tag}-${n++}@bench.example` } });
  await load(urls.service, requestBody('warm'), { duration: WARMUP_S });
  const mark = await sendgrid.call<number>('count');
  const requestSmall = await measure('requestOtp, fresh address', urls.service, requestBody('req'), { warm: false });
  rows.push(requestSmall);
  await new Promise((resolve) => setTimeout(resolve, 1_000)); // let the last emails leave
  const arrivals = await sendgrid.call<[string, number, string][]>('arrivals', { from: mark });
  const delays = (await call<number[]>('emailDelays', { arrivals })).sort((x, y) => x - y);

  // requestOtp while forged SendGrid event posts arrive at 200 a second (issue 34, row 5): from
  // one client (its own count refuses most, 429), then from 1,000 (each forgery's signature checked).
  const webhook = urls.service.replace('/graphql', '/webhooks/sendgrid');
  const forgedOne = await underForgeries(webhook, () => '203.0.113.200', () => measure('requestOtp, 200 forged webhook posts/s from one client', urls.service, requestBody('req-forged')));
  rows.push(forgedOne.row);
  const forgedMany = await underForgeries(webhook, (i) => `198.18.${i % 4}.${(i % 250) + 1}`, () => measure('requestOtp, 200 forged webhook posts/s from 1,000 clients', urls.service, requestBody('req-forged-many')));
  rows.push(forgedMany.row);

  // Memory: LIVE_CODES codes created, then expired and swept (time moved past every window).
  type State = { rss: number; heapUsed: number; liveCodes: number; held: Record<string, number> };
  await call<State>('expireAll'); // what the runs above left behind
  await sendgrid.call('reset');
  await call('issue', { prefix: 'small', count: SMALL_LIVE });
  const small = await call<State>('state');
  await call('issue', { prefix: 'live', count: LIVE_CODES });
  await sendgrid.call('reset');
  const large = await call<State>('state'); // (collects garbage first)
  const expired = await call<State & { deleted: number }>('expireAll');

  // Throughput with LIVE_CODES live codes.
  await call('issue', { prefix: 'live-again', count: LIVE_CODES });
  await sendgrid.call('reset');
  const liveTargets = await call<[string, string][]>('issue', { prefix: 'wrong-large', count: WRONG_TARGETS });
  const verifyWrongLarge = await measure(`verifyOtp, wrong code (${LIVE_CODES / 1000}k live codes)`, urls.service, wrongBody(liveTargets));
  rows.push(verifyWrongLarge);
  const requestLarge = await measure(`requestOtp, fresh address (${LIVE_CODES / 1000}k live codes)`, urls.service, requestBody('req-large'));
  rows.push(requestLarge);
  // The same expiry after that load too: the process's high-water mark shows here.
  const expiredAfterLoad = await call<State & { deleted: number }>('expireAll');

  for (const row of rows) row.ratioToB = Math.round((row.rps / b.rps) * 100) / 100;
  const results = {
    date: new Date().toISOString(),
    mode: quick ? 'quick' : 'full',
    machine: { cpu: cpus()[0]?.model ?? 'unknown', cores: cpus().length, node: process.version },
    settings: { connections: CONNECTIONS, warmupSeconds: WARMUP_S, durationSeconds: DURATION_S },
    rows,
    emailDelayMs: { count: delays.length, p50: percentile(delays, 50), p99: percentile(delays, 99), max: delays[delays.length - 1] ?? NaN },
    memory: {
      with100LiveCodesMb: mb(small.rss),
      with100kLiveCodesMb: mb(large.rss),
      liveCodes: large.liveCodes,
      afterExpiryAndSweepMb: mb(expired.rss),
      heapUsedMb: { with100LiveCodes: mb(small.heapUsed), with100kLiveCodes: mb(large.heapUsed), afterExpiryAndSweep: mb(expired.heapUsed) },
      afterLoadWith100kLiveCodesExpiredMb: { rss: mb(expiredAfterLoad.rss), heapUsed: mb(expiredAfterLoad.heapUsed) },
      deletedBySweep: expired.deleted,
      heldWith100kLiveCodes: large.held,
      heldAfterSweep: expired.held,
      'afterExpiryAndSweep / with100LiveCodes': Math.round((expired.rss / small.rss) * 100) / 100,
    },
    liveCodesEffect: {
      verifyWrong: Math.round((verifyWrongLarge.rps / verifyWrongSmall.rps) * 100) / 100,
      requestOtp: Math.round((requestLarge.rps / requestSmall.rps) * 100) / 100,
    },
    forgedWebhookPosts: {
      'requestOtp p50 with 200/s from one client / idle': Math.round((forgedOne.row.p50 / Math.max(1, requestSmall.p50)) * 100) / 100,
      'requestOtp p50 with 200/s from 1,000 clients / idle': Math.round((forgedMany.row.p50 / Math.max(1, requestSmall.p50)) * 100) / 100,
      answeredFromOne: forgedOne.statuses,
      answeredFromMany: forgedMany.statuses,
    },
    ratioToCeilingC: { verifyOtpWrong: Math.round((verifyWrongSmall.rps / ceiling.rps) * 100) / 100, requestOtp: Math.round((requestSmall.rps / ceiling.rps) * 100) / 100 },
    targets: {
      'verifyOtp (wrong) >= 0.8 x C': verifyWrongSmall.rps / ceiling.rps >= 0.8,
      'requestOtp >= 0.6 x C': requestSmall.rps / ceiling.rps >= 0.6,
      'requestOtp >= 0.6 x B': requestSmall.rps / b.rps >= 0.6,
      'verifyOtp (wrong) >= 0.8 x B': verifyWrongSmall.rps / b.rps >= 0.8,
      'p99 <= 1.5 x B p99 (requestOtp, verifyOtp)': requestSmall.p99 <= 1.5 * b.p99 && verifyWrongSmall.p99 <= 1.5 * b.p99,
      'RSS after expiry and sweep <= 1.3 x before': expired.rss <= 1.3 * small.rss,
      'p99 <= 15 ms (requestOtp, verifyOtp)': requestSmall.p99 <= 15 && verifyWrongSmall.p99 <= 15,
      'email delay p99 <= 50 ms': percentile(delays, 99) <= 50,
      [`${LIVE_CODES / 1000}k live codes within 10 %`]: verifyWrongLarge.rps / verifyWrongSmall.rps >= 0.9 && requestLarge.rps / requestSmall.rps >= 0.9,
      'requestOtp p50 within 2 x idle under 200 forged webhook posts/s from one client': forgedOne.row.p50 <= 2 * Math.max(1, requestSmall.p50),
    },
    seconds: Math.round((Date.now() - started) / 1000),
  };

  await finish(results, quick ? 'quick' : 'latest');
  const m = results.memory;
  console.log(`RSS: ${m.with100LiveCodesMb} MB with 100 live codes, ${m.with100kLiveCodesMb} MB with ${m.liveCodes} live codes, ${m.afterExpiryAndSweepMb} MB after they expired and were swept (${m.deletedBySweep} addresses deleted; held after: ${JSON.stringify(m.heldAfterSweep)}); V8 heap in use ${m.heapUsedMb.with100LiveCodes} → ${m.heapUsedMb.with100kLiveCodes} → ${m.heapUsedMb.afterExpiryAndSweep} MB`);
  console.log(`after the ${LIVE_CODES / 1000}k-live-code runs, expired and swept too: RSS ${m.afterLoadWith100kLiveCodesExpiredMb.rss} MB, V8 heap in use ${m.afterLoadWith100kLiveCodesExpiredMb.heapUsed} MB`);
  console.log(`${LIVE_CODES / 1000}k live codes vs 100: verifyOtp × ${results.liveCodesEffect.verifyWrong}, requestOtp × ${results.liveCodesEffect.requestOtp}`);
  console.log(`forged webhook posts at 200/s: ${JSON.stringify(results.forgedWebhookPosts)}`);
  console.log('\ntargets:');
  for (const [target, met] of Object.entries(results.targets)) console.log(`  ${met ? 'met   ' : 'MISSED'} ${target}`);
}

/** Writes bench/results/<name>.json, stops the children, prints the table and the email delay. */
async function finish(results: { machine: { cpu: string; cores: number; node: string }; mode: string; rows: Row[]; emailDelayMs: Record<string, number>; seconds: number }, name: string): Promise<void> {
  await mkdir(new URL('./results/', import.meta.url.replace('/dist/bench/', '/bench/')), { recursive: true });
  const out = new URL(`./results/${name}.json`, import.meta.url.replace('/dist/bench/', '/bench/'));
  await writeFile(out, `${JSON.stringify(results, null, 2)}\n`);
  server.child.kill();
  sendgrid.child.kill();

  console.log(`\n${results.machine.cpu} × ${results.machine.cores}, Node ${results.machine.node}, ${results.mode} run, ${storeKind} store\n`);
  console.log('| scenario | req/s | × B | p50 ms | p99 ms | max ms | errors | non-2xx |');
  console.log('|---|---:|---:|---:|---:|---:|---:|---:|');
  for (const row of results.rows) {
    console.log(`| ${row.name} | ${row.rps} | ${row.ratioToB} | ${row.p50} | ${row.p99} | ${row.max} | ${row.errors} | ${row.non2xx} |`);
  }
  const d = results.emailDelayMs;
  console.log(`\ninsert-to-email delay at the fake SendGrid, under requestOtp load: p50 ${d.p50} ms, p99 ${d.p99} ms, max ${d.max} ms (${d.count} emails)`);
  console.log(`wrote ${fileURLToPath(out)} in ${results.seconds} s`);
  const errors = results.rows.reduce((sum, row) => sum + row.errors + row.non2xx, 0);
  if (errors > 0) {
    console.error(`${errors} errors or non-2xx answers: the run is not valid`);
    process.exitCode = 1;
  }
}

main().catch((error: unknown) => {
  console.error(error);
  server?.child.kill();
  sendgrid?.child.kill();
  process.exit(1);
});
