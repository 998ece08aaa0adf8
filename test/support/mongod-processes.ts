// Real mongod processes for the fault tests: each node on 127.0.0.1 with its own data folder,
// started, stopped, killed and restarted on the same port, and replica sets of them with real
// elections. Everything is removed by close(); every wait is bounded.
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** How long one mongod start may take: journal recovery after SIGKILL on a busy 2-core machine. */
const START_TIMEOUT_MS = 120_000;

/** A step of the test harness (a process it starts, a port it needs) failed: not the code under test. */
export class HarnessError extends Error {
  constructor(message: string) {
    super(`test harness: ${message}`);
    this.name = 'HarnessError';
  }
}
import { MongoClient } from 'mongodb';

/** A port free on 127.0.0.1 now: taken, then let go (nothing listens on it afterwards). */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

export async function waitFor<T>(what: string, check: () => Promise<T | undefined | null | false>, timeoutMs: number): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check().catch(() => undefined);
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

export class MongodNode {
  private process: ChildProcess | null = null;

  constructor(
    readonly binary: string,
    readonly setName: string,
    readonly port: number,
    readonly dbPath: string,
  ) {}

  get host(): string {
    return `127.0.0.1:${this.port}`;
  }

  get running(): boolean {
    return this.process !== null;
  }

  /**
   * Starts (or restarts, on the same port and data) and waits until it takes connections. A
   * restart after SIGKILL recovers its journal first, which on a busy 2-core machine has taken
   * past 30 s: the wait is sized for that, and a start that still hangs or dies is ended and
   * tried once more (the data directory is the same, so the retry starts the same node). What
   * fails after that is the harness's failure, and says so: never a verdict on the service.
   */
  async start(): Promise<void> {
    try {
      await this.startOnce();
    } catch (first) {
      await this.stop('SIGKILL');
      try {
        await this.startOnce();
      } catch (second) {
        await this.stop('SIGKILL');
        throw new HarnessError(`mongod on ${this.port} could not be started (twice): ${(first as Error).message}; then: ${(second as Error).message}`);
      }
    }
  }

  private async startOnce(): Promise<void> {
    const child = spawn(this.binary, [
      '--replSet', this.setName, '--port', String(this.port), '--bind_ip', '127.0.0.1', '--dbpath', this.dbPath,
      '--wiredTigerCacheSizeGB', '0.25', '--setParameter', 'ttlMonitorSleepSecs=1', '--setParameter', 'enableTestCommands=1',
    ], { stdio: ['ignore', 'pipe', 'pipe'] });
    this.process = child;
    let output = '';
    let timer: NodeJS.Timeout | undefined;
    const ready = new Promise<void>((resolve, reject) => {
      child.stdout!.on('data', (chunk: Buffer) => {
        output = (output + chunk.toString()).slice(-20_000);
        if (output.includes('Waiting for connections')) resolve();
      });
      child.once('exit', (code) => reject(new Error(`mongod on ${this.port} exited with ${code}: ${output.slice(-2000)}`)));
    });
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`mongod on ${this.port} did not take connections within ${START_TIMEOUT_MS / 1000} s`)), START_TIMEOUT_MS);
    });
    try {
      await Promise.race([ready, timeout]);
    } finally {
      clearTimeout(timer);
    }
    child.stdout!.resume();
  }

  /** SIGSTOP: the process is frozen (its sockets stay open, nothing answers); SIGCONT thaws it. */
  freeze(): void {
    this.process?.kill('SIGSTOP');
  }

  thaw(): void {
    this.process?.kill('SIGCONT');
  }

  /** SIGTERM (a clean shutdown) or SIGKILL; waits for the process to end. */
  async stop(signal: 'SIGTERM' | 'SIGKILL' = 'SIGTERM'): Promise<void> {
    const child = this.process;
    if (!child) return;
    this.process = null;
    if (child.exitCode !== null || child.signalCode !== null) return;
    const exited = once(child, 'exit');
    child.kill(signal);
    const timer = setTimeout(() => child.kill('SIGKILL'), 20_000);
    await exited;
    clearTimeout(timer);
  }
}

export class ReplicaSet {
  private constructor(
    readonly name: string,
    readonly nodes: MongodNode[],
    private readonly root: string,
  ) {}

  /** Starts `size` nodes and initiates them as one set (fast elections: 2-s timeout). */
  static async start(binary: string, size: number): Promise<ReplicaSet> {
    const root = await mkdtemp(join(tmpdir(), 'otp-rs-'));
    const name = `rs${Math.floor(Date.now() % 1e6)}`;
    const nodes: MongodNode[] = [];
    const set = new ReplicaSet(name, nodes, root);
    try {
      for (let i = 0; i < size; i++) {
        const dbPath = await mkdtemp(join(root, `n${i}-`));
        nodes.push(new MongodNode(binary, name, await freePort(), dbPath));
      }
      await Promise.all(nodes.map((n) => n.start()));
      const first = await MongoClient.connect(`mongodb://${nodes[0]!.host}/?directConnection=true`);
      try {
        await first.db('admin').command({
          replSetInitiate: {
            _id: name,
            members: nodes.map((n, i) => ({ _id: i, host: n.host, priority: i === 0 ? 2 : 1 })),
            settings: { electionTimeoutMillis: 2_000, heartbeatIntervalMillis: 500 },
          },
        });
      } finally {
        await first.close();
      }
      await set.primary(60_000);
      return set;
    } catch (error) {
      await set.close();
      throw error;
    }
  }

  /** The connection string; `options` are added to it (e.g. serverSelectionTimeoutMS=2000). */
  uri(options = ''): string {
    return `mongodb://${this.nodes.map((n) => n.host).join(',')}/?replicaSet=${this.name}${options ? `&${options}` : ''}`;
  }

  /** The node that is primary now, waiting for an election if needed. */
  async primary(timeoutMs = 60_000): Promise<MongodNode> {
    return waitFor(
      'a primary',
      async () => {
        for (const node of this.nodes.filter((n) => n.running)) {
          const client = await MongoClient.connect(`mongodb://${node.host}/?directConnection=true`, { serverSelectionTimeoutMS: 1_000 });
          try {
            const hello = await client.db('admin').command({ hello: 1 });
            if (hello.isWritablePrimary) return node;
          } finally {
            await client.close();
          }
        }
        return undefined;
      },
      timeoutMs,
    );
  }

  /** Asks the primary to step down (an election follows); returns the node that stepped down. */
  async stepDown(): Promise<MongodNode> {
    const primary = await this.primary();
    const client = await MongoClient.connect(`mongodb://${primary.host}/?directConnection=true`);
    try {
      await client.db('admin').command({ replSetStepDown: 30, secondaryCatchUpPeriodSecs: 5 });
    } catch {
      // Older servers close the connection as they step down: that is the expected answer.
    } finally {
      await client.close().catch(() => undefined);
    }
    return primary;
  }

  async close(): Promise<void> {
    await Promise.all(this.nodes.map((n) => n.stop('SIGKILL')));
    await rm(this.root, { recursive: true, force: true });
  }
}
