// Starts a real one-node mongod replica set through mongodb-memory-server-core, when a
// binary can be had: MONGOMS_SYSTEM_BINARY (mongodb-memory-server's own setting), the binary
// `npm run mongod:fetch` put in this project's .cache/, one in mongodb-memory-server's cache,
// `mongod` on PATH, or a download. Without any of them it answers quickly with the reason,
// instead of spending seconds on download attempts that cannot succeed.
import { execFile } from 'node:child_process';
import { lookup } from 'node:dns/promises';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { DryMongoBinary, MongoMemoryReplSet } from 'mongodb-memory-server-core';

export type EmbeddedMongo =
  | { ok: true; uri: string; binary: string; stop: () => Promise<void> }
  | { ok: false; reason: string };

const DOWNLOAD_HOST = new URL(process.env.MONGOMS_DOWNLOAD_MIRROR ?? 'https://fastdl.mongodb.org').hostname;

async function mongodOnPath(): Promise<string | null> {
  try {
    const { stdout } = await promisify(execFile)('which', ['mongod']);
    return stdout.trim() || null;
  } catch {
    return null;
  }
}

async function canReach(host: string, timeoutMs: number): Promise<boolean> {
  const timeout = new Promise<false>((resolve) => setTimeout(() => resolve(false), timeoutMs).unref());
  return Promise.race([lookup(host).then(() => true, () => false), timeout]);
}

/** The binary `npm run mongod:fetch` caches in the project (scripts/mongod-pin.json says which). */
export function fetchedMongod(): string | null {
  // Walk up from this file (src/store under vitest, dist/src/store when built) to the project.
  for (let dir = dirname(fileURLToPath(import.meta.url)); dir !== dirname(dir); dir = dirname(dir)) {
    const pinFile = join(dir, 'scripts', 'mongod-pin.json');
    if (!existsSync(pinFile)) continue;
    const { mongodVersion } = JSON.parse(readFileSync(pinFile, 'utf8')) as { mongodVersion: string };
    const binary = join(dir, '.cache', 'mongod', mongodVersion, 'mongod');
    return existsSync(binary) ? binary : null;
  }
  return null;
}

/** Where a mongod binary is, without downloading; null when there is none. */
export async function locateMongod(): Promise<string | null> {
  if (process.env.MONGOMS_SYSTEM_BINARY) {
    return existsSync(process.env.MONGOMS_SYSTEM_BINARY) ? process.env.MONGOMS_SYSTEM_BINARY : null;
  }
  const fetched = fetchedMongod();
  if (fetched) return fetched;
  try {
    const cached = await DryMongoBinary.locateBinary({ version: process.env.MONGOMS_VERSION ?? '8.2.6' });
    if (cached) return cached;
  } catch {
    // nothing in mongodb-memory-server's cache: fall through to PATH
  }
  return mongodOnPath();
}

/** The version a mongod binary reports ("6.0.5"), so mongodb-memory-server needs no guess. */
export async function mongodVersion(binary: string): Promise<string | undefined> {
  try {
    const { stdout } = await promisify(execFile)(binary, ['--version']);
    return /db version v(\d+\.\d+\.\d+)/.exec(stdout)?.[1];
  } catch {
    return undefined;
  }
}

export interface EmbeddedMongoOptions {
  /** Extra mongod command-line arguments (the tests turn on a fast TTL monitor). */
  args?: string[];
}

export async function startEmbeddedMongo(options: EmbeddedMongoOptions = {}): Promise<EmbeddedMongo> {
  const binary = await locateMongod();
  if (!binary && !(await canReach(DOWNLOAD_HOST, 1_500))) {
    const why = process.env.MONGOMS_SYSTEM_BINARY ? `MONGOMS_SYSTEM_BINARY (${process.env.MONGOMS_SYSTEM_BINARY}) does not exist` : 'no mongod binary on this machine';
    return { ok: false, reason: why };
  }
  try {
    const replSet = await MongoMemoryReplSet.create({
      replSet: { count: 1, storageEngine: 'wiredTiger', args: options.args ?? [] },
      // With the binary's own version, mongodb-memory-server neither warns of a mismatch nor
      // picks settings meant for another version.
      ...(binary ? { binary: { systemBinary: binary, version: await mongodVersion(binary) } } : {}),
    });
    return {
      ok: true,
      uri: replSet.getUri(),
      binary: binary ?? 'downloaded',
      stop: async () => {
        await replSet.stop();
      },
    };
  } catch (error) {
    return { ok: false, reason: `could not start an embedded mongod: ${error instanceof Error ? error.message : String(error)}` };
  }
}
