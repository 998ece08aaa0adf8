// `npm run bench -- --store mongodb` (issue 25): the service on the fetched mongod (6.0.5,
// one-node replica set, journaled, default write concern) beside, in the same run and on the
// same mongod:
//   L   the floor: a bare node:http server issuing exactly the service's commands (floor.ts);
//   L0  the same server doing one updateOne upsert by _id;
//   P   better-auth's emailOTP on its MongoDB adapter (peer.ts).
// Each figure is the median of three interleaved runs (ours, L, L0, P, then again), with the
// CPU each operation cost the serving Node process and mongod (from /proc). Then the same two
// operations on the service as the collection grows (1,000, 100,000, 1,000,000 addresses).
import { mkdir, writeFile } from 'node:fs/promises';
import { cpus } from 'node:os';
import { fileURLToPath } from 'node:url';
import { gql, load, measure, median, Peer, percentile, REQUEST, sleep, VERIFY, CONNECTIONS, type RequestFactory, type Row } from './load.js';

interface Target {
  name: string;
  url: string;
  body: RequestFactory;
  pid: number | undefined;
  /** Count the service's MongoDB commands during its runs (commands per operation under load). */
  tally?: boolean;
}

interface Settings {
  warmupS: number;
  durationS: number;
  rounds: number;
  growth: number[];
}

const WRONG_TARGETS = 1_000;

/** Posts `bodies` to `url`, 32 at a time, and returns the answers' JSON. */
async function postAll(url: string, bodies: unknown[]): Promise<unknown[]> {
  const answers: unknown[] = [];
  for (let i = 0; i < bodies.length; i += CONNECTIONS) {
    const chunk = bodies.slice(i, i + CONNECTIONS);
    answers.push(...(await Promise.all(chunk.map((b) => fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(b) }).then((r) => r.json())))));
  }
  return answers;
}

export async function runMongo(quick: boolean, server: Peer, sendgrid: Peer, started: number): Promise<void> {
  const s: Settings = quick ? { warmupS: 1, durationS: 3, rounds: 3, growth: [1_000, 100_000] } : { warmupS: 3, durationS: 8, rounds: 3, growth: [1_000, 100_000, 1_000_000] };
  const urls = await server.call<{ service: string }>('urls');
  const mongo = await server.call<{ uri: string; pid: number | null }>('mongo');
  const peers = new Peer('./peers.js', { BENCH_MONGODB_URI: mongo.uri });
  await peers.ready;
  const { l, l0, peer } = await peers.call<{ l: string; l0: string; peer: string }>('urls');
  const ours = server.child.pid;
  const theirs = peers.child.pid;
  console.error(`otp-graphql bench, MongoDB (${quick ? 'quick' : 'full'}): ${CONNECTIONS} connections, median of ${s.rounds} interleaved ${s.durationS}s runs after a ${s.warmupS}s warm-up`);

  // Live codes to guess wrong at, 1,000 addresses for each contender.
  const issueTargets = () => server.call<[string, string][]>('issue', { prefix: `wrong-${Date.now()}`, count: WRONG_TARGETS });
  let oursTargets = await issueTargets();
  const floorEmails = Array.from({ length: WRONG_TARGETS }, (_, i) => `wrong-${i}@floor.example`);
  const floorIds = ((await postAll(`${l}/request`, floorEmails.map((email) => ({ email })))) as { requestId: string }[]).map((a) => a.requestId);
  const peerEmails = Array.from({ length: WRONG_TARGETS }, (_, i) => `wrong-${i}@peer.example`);
  await postAll(`${peer}/email-otp/send-verification-otp`, peerEmails.map((email) => ({ email, type: 'sign-in' })));
  // Each answers a wrong code as it should before it is timed.
  const [peerAnswer] = (await postAll(`${peer}/email-otp/check-verification-otp`, [{ email: peerEmails[0], type: 'sign-in', otp: '000000' }])) as { code?: string }[];
  const [floorAnswer] = (await postAll(`${l}/verify`, [{ email: floorEmails[0], requestId: floorIds[0], otp: '000000' }])) as { status?: string }[];
  if (peerAnswer?.code !== 'INVALID_OTP' || floorAnswer?.status !== 'MISMATCHED') throw new Error(`unexpected answers: ${JSON.stringify({ peerAnswer, floorAnswer })}`);

  let w = 0;
  const oursWrong = () => {
    const [email, requestId] = oursTargets[w++ % oursTargets.length]!;
    return gql(VERIFY, { input: { email, requestId, otp: '000000' } });
  };
  let n = 0;
  const fresh = (tag: string) => `${tag}-${n++}@bench.example`;
  const verify: Target[] = [
    { name: 'ours', url: urls.service, body: oursWrong, pid: ours, tally: true },
    { name: 'L', url: `${l}/verify`, body: () => { const i = w++ % WRONG_TARGETS; return JSON.stringify({ email: floorEmails[i], requestId: floorIds[i], otp: '000000' }); }, pid: theirs },
    { name: 'L0', url: l0, body: () => JSON.stringify({ email: floorEmails[w++ % WRONG_TARGETS] }), pid: theirs },
    { name: 'better-auth', url: `${peer}/email-otp/check-verification-otp`, body: () => JSON.stringify({ email: peerEmails[w++ % WRONG_TARGETS], type: 'sign-in', otp: '000000' }), pid: theirs },
  ];
  const request: Target[] = [
    { name: 'ours', url: urls.service, body: () => gql(REQUEST, { input: { email: fresh('req') } }), pid: ours, tally: true },
    { name: 'L', url: `${l}/request`, body: () => JSON.stringify({ email: fresh('floor') }), pid: theirs },
    { name: 'L0', url: l0, body: () => JSON.stringify({ email: fresh('l0') }), pid: theirs },
    { name: 'better-auth', url: `${peer}/email-otp/send-verification-otp`, body: () => JSON.stringify({ email: fresh('peer'), type: 'sign-in' }), pid: theirs },
  ];

  /** Warm-up, then `rounds` runs of each target in turn; the median run of each. */
  const interleaved = async (label: string, targets: Target[]): Promise<Record<string, Row>> => {
    for (const t of targets) await load(t.url, t.body, { duration: s.warmupS });
    const runs: Record<string, Row[]> = {};
    for (let round = 0; round < s.rounds; round++) {
      for (const t of targets) {
        if (t.tally) await server.call('tallyStart');
        const row = await measure(`${label}: ${t.name}`, t.url, t.body, { duration: s.durationS, pids: { node: t.pid, mongod: mongo.pid } });
        if (t.tally) {
          const counts = await server.call<Record<string, number>>('tallyStop');
          row.commandsPerOp = Object.fromEntries(Object.entries(counts).map(([name, count]) => [name, Math.round((count / row.requests) * 100) / 100]));
        }
        (runs[t.name] ??= []).push(row);
      }
    }
    return Object.fromEntries(Object.entries(runs).map(([name, rows]) => [name, { ...median(rows), name: `${label}: ${name}` }]));
  };

  // Cost as the data grows, on the service: verifyOtp (wrong code) and requestOtp at each size.
  const growth: Array<{ addresses: number; verify: Row; request: Row; indexes: unknown }> = [];
  const growthStep = async (size: number) => {
    const grown = await server.call<{ addresses: number; seconds: number }>('grow', { count: size });
    if (growth.length > 0) oursTargets = await issueTargets(); // fresh codes: the earlier ones may be near their expiry
    console.error(`${grown.addresses} addresses stored (filled in ${grown.seconds} s)`);
    const at = await interleaved(`${size} stored, verifyOtp wrong code`, [verify[0]!]);
    const indexes = await server.call('indexSizes');
    const req = await interleaved(`${size} stored, requestOtp`, [request[0]!]);
    growth.push({ addresses: grown.addresses, verify: at.ours!, request: req.ours!, indexes });
  };
  await growthStep(s.growth[0]!);

  const verifyRows = await interleaved('verifyOtp, wrong code', verify);
  const mark = await sendgrid.call<number>('count');
  const requestRows = await interleaved('requestOtp, fresh address', request);
  await sleep(1_000); // let the last emails leave
  const arrivals = await sendgrid.call<[string, number, string][]>('arrivals', { from: mark });
  const delays = (await server.call<number[]>('emailDelays', { arrivals })).sort((x, y) => x - y);

  for (const size of s.growth.slice(1)) await growthStep(size);
  const commands = await server.call<Record<string, number>>('commandCounts');

  const ratio = (a: Row | undefined, b: Row | undefined) => (a && b ? Math.round((a.rps / b.rps) * 100) / 100 : NaN);
  const table = [
    { operation: 'verifyOtp, wrong code', rows: verifyRows },
    { operation: 'requestOtp, fresh address (ours: and its email, in process)', rows: requestRows },
  ].map(({ operation, rows }) => ({
    operation,
    ours: rows.ours!,
    L: rows.L!,
    L0: rows.L0!,
    betterAuth: rows['better-auth']!,
    oursToL: ratio(rows.ours, rows.L),
    oursToBetterAuth: ratio(rows.ours, rows['better-auth']),
  }));
  const [v, r] = table;
  const first = growth[0]!;
  const last = growth[growth.length - 1]!;
  const results = {
    date: new Date().toISOString(),
    mode: quick ? 'quick' : 'full',
    store: 'mongodb 6.0.5 (one-node replica set, fetched mongod, journaled, default write concern)',
    machine: { cpu: cpus()[0]?.model ?? 'unknown', cores: cpus().length, node: process.version },
    settings: { connections: CONNECTIONS, warmupSeconds: s.warmupS, durationSeconds: s.durationS, rounds: s.rounds },
    table,
    emailDelayMs: { count: delays.length, p50: percentile(delays, 50), p99: percentile(delays, 99), max: delays[delays.length - 1] ?? NaN },
    growth: growth.map((g) => ({ addresses: g.addresses, verifyOtp: { rps: g.verify.rps, p99: g.verify.p99 }, requestOtp: { rps: g.request.rps, p99: g.request.p99 }, indexes: g.indexes })),
    mongodbCommandsPerOperation: commands,
    targets: {
      'verifyOtp >= 0.9 x L': v!.oursToL >= 0.9,
      'verifyOtp >= 3 x better-auth': v!.oursToBetterAuth >= 3,
      'requestOtp (with its email) >= 0.6 x L': r!.oursToL >= 0.6,
      'requestOtp (with its email) >= 1.5 x better-auth': r!.oursToBetterAuth >= 1.5,
      [`${first.addresses} -> ${last.addresses} stored: verifyOtp loses <= 20 %`]: last.verify.rps >= 0.8 * first.verify.rps,
      [`${first.addresses} -> ${last.addresses} stored: requestOtp loses <= 20 %`]: last.request.rps >= 0.8 * first.request.rps,
    },
    seconds: Math.round((Date.now() - started) / 1000),
  };
  const out = new URL(`./results/${quick ? 'quick-' : ''}mongodb.json`, import.meta.url.replace('/dist/bench/', '/bench/'));
  await mkdir(new URL('./', out), { recursive: true });
  await writeFile(out, `${JSON.stringify(results, null, 2)}\n`);
  peers.child.kill();

  const cpu = (row: Row) => (row.cpuUs ? `${row.cpuUs.node} + ${row.cpuUs.mongod ?? '?'}` : '');
  console.log(`\n${results.machine.cpu} × ${results.machine.cores}, Node ${results.machine.node}, ${results.mode} run, ${results.store}\n`);
  console.log('| operation | ours | L | L0 | better-auth | ours/L | ours/better-auth |');
  console.log('|---|---:|---:|---:|---:|---:|---:|');
  for (const t of table) console.log(`| ${t.operation} | ${t.ours.rps} req/s, p99 ${t.ours.p99} ms | ${t.L.rps} | ${t.L0.rps} | ${t.betterAuth.rps} | ${t.oursToL} | ${t.oursToBetterAuth} |`);
  console.log('\nCPU per operation, µs (the serving Node process + mongod):\n');
  console.log('| operation | ours | L | L0 | better-auth |');
  console.log('|---|---:|---:|---:|---:|');
  for (const t of table) console.log(`| ${t.operation} | ${cpu(t.ours)} | ${cpu(t.L)} | ${cpu(t.L0)} | ${cpu(t.betterAuth)} |`);
  console.log('\nMongoDB commands per operation under that load (the service, all its processes\' work: batching shows here):\n');
  for (const t of table) console.log(`  ${t.operation}: ${JSON.stringify(t.ours.commandsPerOp)}`);
  console.log('\nas the data grows (the service; index sizes in MB):\n');
  console.log('| addresses stored | verifyOtp req/s | p99 ms | requestOtp req/s | p99 ms | indexes |');
  console.log('|---:|---:|---:|---:|---:|---|');
  for (const g of growth) {
    const ix = g.indexes as { totalIndexMb: number; indexesMb: Record<string, number> };
    console.log(`| ${g.addresses} | ${g.verify.rps} | ${g.verify.p99} | ${g.request.rps} | ${g.request.p99} | ${ix.totalIndexMb} (${Object.entries(ix.indexesMb).map(([k, mb]) => `${k} ${mb}`).join(', ')}) |`);
  }
  const d = results.emailDelayMs;
  console.log(`\ninsert-to-email delay at the fake SendGrid, under requestOtp load: p50 ${d.p50} ms, p99 ${d.p99} ms, max ${d.max} ms (${d.count} emails)`);
  console.log('MongoDB commands per operation on its request path, over HTTP (driver command monitoring, mean of 50, one at a time):');
  for (const [op, count] of Object.entries(commands)) console.log(`  ${op}: ${count}`);
  console.log('\ntargets:');
  for (const [target, met] of Object.entries(results.targets)) console.log(`  ${met ? 'met   ' : 'MISSED'} ${target}`);
  console.log(`wrote ${fileURLToPath(out)} in ${results.seconds} s`);
  // Wrong codes answer 400 at better-auth by design; anything else not 2xx spoils the run.
  const spoiled = [...table.flatMap((t) => [t.ours, t.L, t.L0, ...(t === v ? [] : [t.betterAuth])]), ...growth.flatMap((g) => [g.verify, g.request])].reduce((sum, row) => sum + row.errors + row.non2xx, 0) + v!.betterAuth.errors;
  if (spoiled > 0) {
    console.error(`${spoiled} errors or non-2xx answers: the run is not valid`);
    process.exitCode = 1;
  }
}
