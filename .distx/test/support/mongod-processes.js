// Real mongod processes for the fault tests: each node on 127.0.0.1 with its own data folder,
// started, stopped, killed and restarted on the same port, and replica sets of them with real
// elections. Everything is removed by close(); every wait is bounded.
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MongoClient } from 'mongodb';
/** A port free on 127.0.0.1 now: taken, then let go (nothing listens on it afterwards). */
export async function freePort() {
    const server = createServer();
    await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address();
    await new Promise((resolve) => server.close(resolve));
    return port;
}
export async function waitFor(what, check, timeoutMs) {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
        const value = await check().catch(() => undefined);
        if (value)
            return value;
        if (Date.now() > deadline)
            throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
        await new Promise((r) => setTimeout(r, 100));
    }
}
export class MongodNode {
    binary;
    setName;
    port;
    dbPath;
    process = null;
    constructor(binary, setName, port, dbPath) {
        this.binary = binary;
        this.setName = setName;
        this.port = port;
        this.dbPath = dbPath;
    }
    get host() {
        return `127.0.0.1:${this.port}`;
    }
    get running() {
        return this.process !== null;
    }
    /** Starts (or restarts, on the same port and data) and waits until it takes connections. */
    async start() {
        const child = spawn(this.binary, [
            '--replSet', this.setName, '--port', String(this.port), '--bind_ip', '127.0.0.1', '--dbpath', this.dbPath,
            '--wiredTigerCacheSizeGB', '0.25', '--setParameter', 'ttlMonitorSleepSecs=1', '--setParameter', 'enableTestCommands=1',
        ], { stdio: ['ignore', 'pipe', 'pipe'] });
        this.process = child;
        let output = '';
        const ready = new Promise((resolve, reject) => {
            child.stdout.on('data', (chunk) => {
                output = (output + chunk.toString()).slice(-20_000);
                if (output.includes('Waiting for connections'))
                    resolve();
            });
            child.once('exit', (code) => reject(new Error(`mongod on ${this.port} exited with ${code}: ${output.slice(-2000)}`)));
        });
        const timeout = new Promise((_, reject) => setTimeout(() => reject(new Error(`mongod on ${this.port} did not start in 30 s`)), 30_000).unref());
        await Promise.race([ready, timeout]);
        child.stdout.resume();
    }
    /** SIGSTOP: the process is frozen (its sockets stay open, nothing answers); SIGCONT thaws it. */
    freeze() {
        this.process?.kill('SIGSTOP');
    }
    thaw() {
        this.process?.kill('SIGCONT');
    }
    /** SIGTERM (a clean shutdown) or SIGKILL; waits for the process to end. */
    async stop(signal = 'SIGTERM') {
        const child = this.process;
        if (!child)
            return;
        this.process = null;
        if (child.exitCode !== null || child.signalCode !== null)
            return;
        const exited = once(child, 'exit');
        child.kill(signal);
        const timer = setTimeout(() => child.kill('SIGKILL'), 20_000);
        await exited;
        clearTimeout(timer);
    }
}
export class ReplicaSet {
    name;
    nodes;
    root;
    constructor(name, nodes, root) {
        this.name = name;
        this.nodes = nodes;
        this.root = root;
    }
    /** Starts `size` nodes and initiates them as one set (fast elections: 2-s timeout). */
    static async start(binary, size) {
        const root = await mkdtemp(join(tmpdir(), 'otp-rs-'));
        const name = `rs${Math.floor(Date.now() % 1e6)}`;
        const nodes = [];
        const set = new ReplicaSet(name, nodes, root);
        try {
            for (let i = 0; i < size; i++) {
                const dbPath = await mkdtemp(join(root, `n${i}-`));
                nodes.push(new MongodNode(binary, name, await freePort(), dbPath));
            }
            await Promise.all(nodes.map((n) => n.start()));
            const first = await MongoClient.connect(`mongodb://${nodes[0].host}/?directConnection=true`);
            try {
                await first.db('admin').command({
                    replSetInitiate: {
                        _id: name,
                        members: nodes.map((n, i) => ({ _id: i, host: n.host, priority: i === 0 ? 2 : 1 })),
                        settings: { electionTimeoutMillis: 2_000, heartbeatIntervalMillis: 500 },
                    },
                });
            }
            finally {
                await first.close();
            }
            await set.primary(30_000);
            return set;
        }
        catch (error) {
            await set.close();
            throw error;
        }
    }
    /** The connection string; `options` are added to it (e.g. serverSelectionTimeoutMS=2000). */
    uri(options = '') {
        return `mongodb://${this.nodes.map((n) => n.host).join(',')}/?replicaSet=${this.name}${options ? `&${options}` : ''}`;
    }
    /** The node that is primary now, waiting for an election if needed. */
    async primary(timeoutMs = 30_000) {
        return waitFor('a primary', async () => {
            for (const node of this.nodes.filter((n) => n.running)) {
                const client = await MongoClient.connect(`mongodb://${node.host}/?directConnection=true`, { serverSelectionTimeoutMS: 1_000 });
                try {
                    const hello = await client.db('admin').command({ hello: 1 });
                    if (hello.isWritablePrimary)
                        return node;
                }
                finally {
                    await client.close();
                }
            }
            return undefined;
        }, timeoutMs);
    }
    /** Asks the primary to step down (an election follows); returns the node that stepped down. */
    async stepDown() {
        const primary = await this.primary();
        const client = await MongoClient.connect(`mongodb://${primary.host}/?directConnection=true`);
        try {
            await client.db('admin').command({ replSetStepDown: 30, secondaryCatchUpPeriodSecs: 5 });
        }
        catch {
            // Older servers close the connection as they step down: that is the expected answer.
        }
        finally {
            await client.close().catch(() => undefined);
        }
        return primary;
    }
    async close() {
        await Promise.all(this.nodes.map((n) => n.stop('SIGKILL')));
        await rm(this.root, { recursive: true, force: true });
    }
}
//# sourceMappingURL=mongod-processes.js.map