// `npm run bench`: throughput, latency, email delay and memory of the real service, measured
// against baselines in the same run on the same machine, so the figures are ratios that
// survive a noisy machine. `--quick` runs a short version (under a minute).
//
// The service and the baselines run in one child process (bench/server.ts); this process
// only drives load with autocannon over loopback (32 connections, after a warm-up).
import { fork } from 'node:child_process';
import { mkdir, writeFile } from 'node:fs/promises';
import { cpus } from 'node:os';
import { fileURLToPath } from 'node:url';
import autocannon from 'autocannon';
const quick = process.argv.includes('--quick');
// --store mongodb: the same scenarios against the fetched mongod, plus MongoDB commands per operation.
const storeArg = process.argv.indexOf('--store');
const storeKind = storeArg >= 0 ? (process.argv[storeArg + 1] ?? '') : 'memory';
if (storeKind !== 'memory' && storeKind !== 'mongodb')
    throw new Error('--store takes memory or mongodb');
const onMongo = storeKind === 'mongodb';
const CONNECTIONS = 32;
const WARMUP_S = quick ? 1 : 3;
const DURATION_S = quick ? 3 : 10;
const LIVE_CODES = 100_000;
const SMALL_LIVE = 100;
/** Addresses the wrong-code runs spread over: each stays well inside its 1,000-guess budget. */
const WRONG_TARGETS = 1_000;
// --- talking to the child processes -------------------------------------------------------
/** A child process answering { id, cmd, arg } messages with { id, result | error }. */
class Peer {
    nextId = 1;
    pending = new Map();
    ready;
    child;
    constructor(script, env = {}) {
        this.child = fork(fileURLToPath(new URL(script, import.meta.url)), [], {
            execArgv: ['--expose-gc'],
            env: { ...process.env, ...env },
            stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
        });
        this.ready = new Promise((resolve, reject) => {
            this.child.once('error', reject);
            this.child.on('message', (message) => {
                if (message.id === 0)
                    return resolve(message.result);
                this.pending.get(message.id)?.(message);
                this.pending.delete(message.id);
            });
        });
    }
    call(cmd, arg = {}) {
        const id = this.nextId++;
        return new Promise((resolve, reject) => {
            this.pending.set(id, (m) => (m.error ? reject(new Error(m.error)) : resolve(m.result)));
            this.child.send({ id, cmd, arg, ...arg });
        });
    }
}
let server;
let sendgrid;
const call = (cmd, arg = {}) => server.call(cmd, arg);
let clients = 0;
const clientAddress = () => `198.18.${(clients = (clients + 1) % 1000) >> 8}.${clients & 255}`;
async function load(url, body, options = {}) {
    return autocannon({
        url,
        connections: CONNECTIONS,
        ...(options.amount ? { amount: options.amount } : { duration: options.duration ?? DURATION_S }),
        requests: [
            body
                ? {
                    method: 'POST',
                    headers: { 'content-type': 'application/json' },
                    // Each request from one of 1,000 client addresses (the service trusts the header
                    // here): as in production, where callers are many, not one hot counter.
                    setupRequest: (req) => ({ ...req, body: body(), headers: { ...req.headers, 'x-forwarded-for': clientAddress() } }),
                }
                : { method: 'GET' },
        ],
    });
}
async function measure(name, url, body, options = {}) {
    if (options.warm !== false)
        await load(url, body, { duration: WARMUP_S });
    const r = await load(url, body, options);
    const row = {
        name,
        rps: Math.round(r.requests.total / r.duration),
        p50: r.latency.p50,
        p99: r.latency.p99,
        max: r.latency.max,
        errors: r.errors + r.timeouts,
        non2xx: r.non2xx,
        requests: r.requests.total,
    };
    console.error(`  ${name}: ${row.rps} req/s, p99 ${row.p99} ms`);
    return row;
}
const gql = (query, variables) => JSON.stringify({ query, variables });
const REQUEST = 'mutation RequestOtp($input: RequestOtpInput!) { requestOtp(input: $input) { success status expiresAt } }';
const VERIFY = 'mutation VerifyOtp($input: VerifyOtpInput!) { verifyOtp(input: $input) { success status attemptsRemaining } }';
function percentile(sorted, p) {
    if (sorted.length === 0)
        return NaN;
    return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}
const mb = (bytes) => Math.round(bytes / 1024 / 1024);
/** Codes for fresh records, read from the emails as a user would: (email, code, requestId). */
async function rightCodes(prefix, count) {
    const mark = await sendgrid.call('count');
    const requests = new Map(await call('issue', { prefix, count }));
    let arrivals = [];
    for (let tries = 0; arrivals.length < count && tries < 600; tries++) {
        arrivals = await sendgrid.call('arrivals', { from: mark });
        if (arrivals.length < count)
            await new Promise((resolve) => setTimeout(resolve, 100));
    }
    return arrivals.map(([email, , code]) => [email, code, requests.get(email)]);
}
// --- the run ------------------------------------------------------------------------------
async function main() {
    const started = Date.now();
    sendgrid = new Peer('./fake-sendgrid.js');
    const sendgridUrl = (await sendgrid.ready);
    server = new Peer('./server.js', { FAKE_SENDGRID_URL: sendgridUrl, BENCH_STORE: storeKind });
    await server.ready;
    const urls = await call('urls');
    const rows = [];
    console.error(`otp-graphql bench (${quick ? 'quick' : 'full'}): ${CONNECTIONS} connections, ${WARMUP_S}s warm-up, ${DURATION_S}s runs`);
    const typename = () => gql('{ __typename }');
    rows.push(await measure('A: node:http fixed JSON', urls.baselineA, null));
    const b = await measure('B: Fastify + Apollo, { __typename }', urls.fastifyB, typename);
    rows.push(b);
    rows.push(await measure('B: Apollo standalone, { __typename }', urls.standaloneB, typename));
    let c = 0;
    const ceilingBody = () => gql(VERIFY, { input: { email: `c${c++ % 100}@bench.example`, requestId: '00000000-0000-4000-8000-000000000000', otp: '000000' } });
    rows.push(await measure('C: Fastify + Apollo, verifyOtp-shaped mutation, resolver does nothing', urls.ceilingC, ceilingBody));
    rows.push(await measure('service: { __typename }', urls.service, typename));
    // verifyOtp with wrong codes, spread over 1,000 live codes.
    const targets = await call('issue', { prefix: 'wrong', count: WRONG_TARGETS });
    let w = 0;
    const wrongBody = (list) => () => {
        const [email, requestId] = list[w++ % list.length];
        return gql(VERIFY, { input: { email, requestId, otp: '000000' } });
    };
    const verifyWrongSmall = await measure(`verifyOtp, wrong code (${WRONG_TARGETS} addresses)`, urls.service, wrongBody(targets));
    rows.push(verifyWrongSmall);
    // verifyOtp with right codes, each on a fresh record: as many requests as codes prepared.
    const rightCount = quick ? 10_000 : 40_000;
    const warmPairs = await rightCodes('warm', 2_000);
    let rw = 0;
    await load(urls.service, () => {
        const [email, otp, requestId] = warmPairs[rw++ % warmPairs.length];
        return gql(VERIFY, { input: { email, requestId, otp } });
    }, { amount: warmPairs.length });
    const pairs = await rightCodes('right', rightCount);
    let r = 0;
    const rightBody = () => {
        const [email, otp, requestId] = pairs[r++ % pairs.length];
        return gql(VERIFY, { input: { email, requestId, otp } });
    };
    rows.push(await measure('verifyOtp, right code (fresh records)', urls.service, rightBody, { amount: pairs.length, warm: false }));
    // requestOtp with a fresh address per request; email delay measured at the fake SendGrid.
    let n = 0;
    const requestBody = (tag) => () => gql(REQUEST, { input: { email: `${tag}-${n++}@bench.example` } });
    await load(urls.service, requestBody('warm'), { duration: WARMUP_S });
    const mark = await sendgrid.call('count');
    const requestSmall = await measure('requestOtp, fresh address', urls.service, requestBody('req'), { warm: false });
    rows.push(requestSmall);
    await new Promise((resolve) => setTimeout(resolve, 1_000)); // let the last emails leave
    const arrivals = await sendgrid.call('arrivals', { from: mark });
    const delays = (await call('emailDelays', { arrivals })).sort((x, y) => x - y);
    if (onMongo) {
        const commands = await call('commandCounts');
        // The same API with the mailer apart: a worker process (npm run worker) sends the emails.
        await call('startWorker');
        const splitTargets = await call('issue', { prefix: 'wrong-split', count: WRONG_TARGETS });
        rows.push(await measure(`verifyOtp, wrong code, worker in another process`, urls.service, wrongBody(splitTargets)));
        await load(urls.service, requestBody('warm-split'), { duration: WARMUP_S });
        const splitMark = await sendgrid.call('count');
        rows.push(await measure('requestOtp, fresh address, worker in another process', urls.service, requestBody('req-split'), { warm: false }));
        await new Promise((resolve) => setTimeout(resolve, 1_000));
        const splitArrivals = await sendgrid.call('arrivals', { from: splitMark });
        const splitDelays = (await call('emailDelays', { arrivals: splitArrivals })).sort((x, y) => x - y);
        for (const row of rows)
            row.ratioToB = Math.round((row.rps / b.rps) * 100) / 100;
        const results = {
            date: new Date().toISOString(),
            mode: quick ? 'quick' : 'full',
            store: 'mongodb (one-node replica set, fetched mongod, journaled, default write concern)',
            machine: { cpu: cpus()[0]?.model ?? 'unknown', cores: cpus().length, node: process.version },
            settings: { connections: CONNECTIONS, warmupSeconds: WARMUP_S, durationSeconds: DURATION_S },
            rows,
            emailDelayMs: { count: delays.length, p50: percentile(delays, 50), p99: percentile(delays, 99), max: delays[delays.length - 1] ?? NaN },
            emailDelayWorkerApartMs: { count: splitDelays.length, p50: percentile(splitDelays, 50), p99: percentile(splitDelays, 99), max: splitDelays[splitDelays.length - 1] ?? NaN },
            mongodbCommandsPerOperation: commands,
            seconds: Math.round((Date.now() - started) / 1000),
        };
        await finish(results, `${quick ? 'quick-' : ''}mongodb`);
        const sd = results.emailDelayWorkerApartMs;
        console.log(`with the worker in another process: p50 ${sd.p50} ms, p99 ${sd.p99} ms, max ${sd.max} ms (${sd.count} emails)`);
        console.log('MongoDB commands per operation on its request path, over HTTP (driver command monitoring, mean of 50):');
        for (const [op, n] of Object.entries(commands))
            console.log(`  ${op}: ${n}`);
        return;
    }
    await call('expireAll'); // what the runs above left behind
    await sendgrid.call('reset');
    await call('issue', { prefix: 'small', count: SMALL_LIVE });
    const small = await call('state');
    await call('issue', { prefix: 'live', count: LIVE_CODES });
    await sendgrid.call('reset');
    const large = await call('state'); // (collects garbage first)
    const expired = await call('expireAll');
    // Throughput with 100,000 live codes.
    await call('issue', { prefix: 'live-again', count: LIVE_CODES });
    await sendgrid.call('reset');
    const liveTargets = await call('issue', { prefix: 'wrong-large', count: WRONG_TARGETS });
    const verifyWrongLarge = await measure(`verifyOtp, wrong code (${LIVE_CODES / 1000}k live codes)`, urls.service, wrongBody(liveTargets));
    rows.push(verifyWrongLarge);
    const requestLarge = await measure(`requestOtp, fresh address (${LIVE_CODES / 1000}k live codes)`, urls.service, requestBody('req-large'));
    rows.push(requestLarge);
    // The same expiry after that load too: the process's high-water mark shows here.
    const expiredAfterLoad = await call('expireAll');
    for (const row of rows)
        row.ratioToB = Math.round((row.rps / b.rps) * 100) / 100;
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
        targets: {
            'requestOtp >= 0.6 x B': requestSmall.rps / b.rps >= 0.6,
            'verifyOtp (wrong) >= 0.8 x B': verifyWrongSmall.rps / b.rps >= 0.8,
            'p99 <= 1.5 x B p99 (requestOtp, verifyOtp)': requestSmall.p99 <= 1.5 * b.p99 && verifyWrongSmall.p99 <= 1.5 * b.p99,
            'RSS after expiry and sweep <= 1.3 x before': expired.rss <= 1.3 * small.rss,
            'p99 <= 15 ms (requestOtp, verifyOtp)': requestSmall.p99 <= 15 && verifyWrongSmall.p99 <= 15,
            'email delay p99 <= 50 ms': percentile(delays, 99) <= 50,
            '100k live codes within 10 %': verifyWrongLarge.rps / verifyWrongSmall.rps >= 0.9 && requestLarge.rps / requestSmall.rps >= 0.9,
        },
        seconds: Math.round((Date.now() - started) / 1000),
    };
    await finish(results, quick ? 'quick' : 'latest');
    const m = results.memory;
    console.log(`RSS: ${m.with100LiveCodesMb} MB with 100 live codes, ${m.with100kLiveCodesMb} MB with ${m.liveCodes} live codes, ${m.afterExpiryAndSweepMb} MB after they expired and were swept (${m.deletedBySweep} addresses deleted; held after: ${JSON.stringify(m.heldAfterSweep)}); V8 heap in use ${m.heapUsedMb.with100LiveCodes} → ${m.heapUsedMb.with100kLiveCodes} → ${m.heapUsedMb.afterExpiryAndSweep} MB`);
    console.log(`after the 100k-live-code runs, expired and swept too: RSS ${m.afterLoadWith100kLiveCodesExpiredMb.rss} MB, V8 heap in use ${m.afterLoadWith100kLiveCodesExpiredMb.heapUsed} MB`);
    console.log(`100k live codes vs 100: verifyOtp × ${results.liveCodesEffect.verifyWrong}, requestOtp × ${results.liveCodesEffect.requestOtp}`);
    console.log('\ntargets:');
    for (const [target, met] of Object.entries(results.targets))
        console.log(`  ${met ? 'met   ' : 'MISSED'} ${target}`);
}
/** Writes bench/results/<name>.json, stops the children, prints the table and the email delay. */
async function finish(results, name) {
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
main().catch((error) => {
    console.error(error);
    server?.child.kill();
    sendgrid?.child.kill();
    process.exit(1);
});
//# sourceMappingURL=run.js.map