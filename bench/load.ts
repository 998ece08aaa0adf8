// What every bench run shares: the child processes it steers over IPC, the load (autocannon
// over loopback, 32 connections, each request from one of 1,000 client addresses), and the
// CPU each process spent, read from /proc.
import { fork, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import autocannon from 'autocannon';

export const CONNECTIONS = 32;

export interface Row {
  name: string;
  rps: number;
  p50: number;
  p99: number;
  max: number;
  errors: number;
  non2xx: number;
  requests: number;
  ratioToB?: number;
  /** CPU per operation, µs: the serving Node process's and mongod's (MongoDB runs). */
  cpuUs?: { node: number; mongod: number | null };
  /** MongoDB commands per operation under the load, by name (the service's runs on MongoDB). */
  commandsPerOp?: Record<string, number>;
}

/** A child process answering { id, cmd, arg } messages with { id, result | error }. */
export class Peer {
  private nextId = 1;
  private readonly pending = new Map<number, (message: { result?: unknown; error?: string }) => void>();
  readonly ready: Promise<unknown>;
  readonly child: ChildProcess;

  constructor(script: string, env: Record<string, string> = {}) {
    this.child = fork(fileURLToPath(new URL(script, import.meta.url)), [], {
      execArgv: ['--expose-gc'],
      env: { ...process.env, ...env },
      stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
    });
    this.ready = new Promise((resolve, reject) => {
      this.child.once('error', reject);
      this.child.once('exit', (code) => reject(new Error(`${script} exited (${code})`)));
      this.child.on('message', (message: { id: number; result?: unknown; error?: string }) => {
        if (message.id === 0) return resolve(message.result);
        this.pending.get(message.id)?.(message);
        this.pending.delete(message.id);
      });
    });
  }

  call<T>(cmd: string, arg: Record<string, unknown> = {}): Promise<T> {
    const id = this.nextId++;
    return new Promise<T>((resolve, reject) => {
      this.pending.set(id, (m) => (m.error ? reject(new Error(m.error)) : resolve(m.result as T)));
      this.child.send({ id, cmd, arg, ...arg });
    });
  }
}

/** Makes one request's body; null: a GET. */
export type RequestFactory = (() => string) | null;

let clients = 0;
const clientAddress = () => `198.18.${(clients = (clients + 1) % 1000) >> 8}.${clients & 255}`;

export async function load(url: string, body: RequestFactory, options: { duration: number } | { amount: number }): Promise<autocannon.Result> {
  return autocannon({
    url,
    connections: CONNECTIONS,
    ...options,
    requests: [
      body
        ? {
            method: 'POST',
            headers: { 'content-type': 'application/json' },
            // Each request from one of 1,000 client addresses (the service trusts the header
            // here): as in production, where callers are many, not one hot counter.
            setupRequest: (req: autocannon.Request) => ({ ...req, body: body(), headers: { ...req.headers, 'x-forwarded-for': clientAddress() } }),
          }
        : { method: 'GET' },
    ],
  });
}

/** CPU time a process has used so far, in µs (utime + stime from /proc/<pid>/stat). */
const TICK_US = 10_000; // CLK_TCK is 100 on Linux
export function cpuUs(pid: number | null | undefined): number | null {
  if (!pid) return null;
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
    return (Number(fields[11]) + Number(fields[12])) * TICK_US;
  } catch {
    return null;
  }
}

export interface Measured {
  /** The process that serves the URL, and mongod: their CPU per operation is in the row. */
  pids?: { node: number | undefined; mongod: number | null };
}

/** One run of `seconds` (or `amount` requests), with its CPU per operation when pids are given. */
export async function measure(name: string, url: string, body: RequestFactory, options: Measured & ({ duration: number } | { amount: number })): Promise<Row> {
  const node0 = cpuUs(options.pids?.node);
  const mongod0 = cpuUs(options.pids?.mongod);
  const r = await load(url, body, 'amount' in options ? { amount: options.amount } : { duration: options.duration });
  const node1 = cpuUs(options.pids?.node);
  const mongod1 = cpuUs(options.pids?.mongod);
  const requests = r.requests.total;
  const perOp = (a: number | null, b: number | null) => (a === null || b === null || requests === 0 ? null : Math.round((b - a) / requests));
  const row: Row = {
    name,
    rps: Math.round(requests / r.duration),
    p50: r.latency.p50,
    p99: r.latency.p99,
    max: r.latency.max,
    errors: r.errors + r.timeouts,
    non2xx: r.non2xx,
    requests,
    ...(options.pids ? { cpuUs: { node: perOp(node0, node1) ?? 0, mongod: perOp(mongod0, mongod1) } } : {}),
  };
  console.error(`  ${name}: ${row.rps} req/s, p50 ${row.p50} ms, p99 ${row.p99} ms${row.cpuUs ? `, CPU/op ${row.cpuUs.node} µs node + ${row.cpuUs.mongod} µs mongod` : ''}`);
  return row;
}

/** The run of median throughput among runs of one target (its latencies and CPU with it). */
export function median(rows: Row[]): Row {
  const sorted = [...rows].sort((a, b) => a.rps - b.rps);
  const middle = sorted[Math.floor(sorted.length / 2)]!;
  return { ...middle, errors: rows.reduce((s, r) => s + r.errors, 0), non2xx: rows.reduce((s, r) => s + r.non2xx, 0), requests: rows.reduce((s, r) => s + r.requests, 0) };
}

export const gql = (query: string, variables?: unknown) => JSON.stringify({ query, variables });
export const REQUEST = 'mutation RequestOtp($input: RequestOtpInput!) { requestOtp(input: $input) { success status expiresAt } }';
export const VERIFY = 'mutation VerifyOtp($input: VerifyOtpInput!) { verifyOtp(input: $input) { success status attemptsRemaining } }';

export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
