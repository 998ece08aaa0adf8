// The service as `npm start` runs it (dist/src/main.js, compiled by `npm test`'s tsc step), as a
// child process: its log lines collected, its URL read from the "serving" line, and stopped
// with SIGTERM or killed with SIGKILL. Runs outside the repository so a .env cannot interfere.
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { once } from 'node:events';
import { tmpdir } from 'node:os';
import { fileURLToPath } from 'node:url';
import { mongoTier } from './stores.js';

const main = fileURLToPath(new URL('../../dist/src/main.js', import.meta.url));

export interface ServiceProcess {
  child: ChildProcessWithoutNullStreams;
  /** stdout lines (pino's JSON). */
  lines: string[];
  stderr: string[];
}

/**
 * `env` over this process's environment (NODE_ENV development unless given); a name given as
 * undefined is left out. With NODE_ENV set and no MONGODB_URI given, the process gets a
 * database of its own on the suite's mongod; with NODE_ENV unset (the quick start) it starts
 * its own embedded mongod, as `npm start` does.
 */
export function startService(env: Record<string, string | undefined>, cwd = tmpdir()): ServiceProcess {
  const { MONGODB_URI: _m, SENDGRID_API_KEY: _s, ...inherited } = process.env;
  const quickStart = env.NODE_ENV === '' || ('NODE_ENV' in env && env.NODE_ENV === undefined);
  const store = quickStart || 'MONGODB_URI' in env || mongoTier.skip ? {} : mongoTier.env();
  const merged = Object.entries({ ...inherited, NODE_ENV: 'development', ...store, ...env }).filter((entry): entry is [string, string] => entry[1] !== undefined);
  const child = spawn(process.execPath, [main], { cwd, env: Object.fromEntries(merged) });
  const lines: string[] = [];
  const stderr: string[] = [];
  child.stdout.on('data', (chunk: Buffer) => lines.push(...chunk.toString().split('\n').filter(Boolean)));
  child.stderr.on('data', (chunk: Buffer) => stderr.push(...chunk.toString().split('\n').filter(Boolean)));
  return { child, lines, stderr };
}

export async function waitForLine(lines: string[], pattern: RegExp, timeoutMs = 10_000): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const found = lines.find((l) => pattern.test(l));
    if (found) return found;
    if (Date.now() > deadline) throw new Error(`no line matching ${pattern} in:\n${lines.join('\n')}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

/** Starts the service and waits until it serves; resolves to it with its GraphQL URL. */
export async function serve(env: Record<string, string>): Promise<ServiceProcess & { url: string }> {
  const service = startService({ PORT: '0', HOST: '127.0.0.1', ...env });
  try {
    const serving = JSON.parse(await waitForLine(service.lines, /otp-graphql is serving/, 60_000)) as { url: string };
    return { ...service, url: serving.url };
  } catch (error) {
    service.child.kill('SIGKILL');
    throw new Error(`${(error as Error).message}\nstderr:\n${service.stderr.join('\n')}`);
  }
}

/** Ends the process (SIGTERM: a clean shutdown; SIGKILL: a crash) and waits for it. */
export async function stopService(service: ServiceProcess, signal: 'SIGTERM' | 'SIGKILL' = 'SIGTERM'): Promise<number | null> {
  if (service.child.exitCode !== null || service.child.signalCode !== null) return service.child.exitCode;
  const exited = once(service.child, 'exit');
  service.child.kill(signal);
  const [code] = (await exited) as [number | null];
  return code;
}
