// Starts a real one-node mongod replica set through mongodb-memory-server-core, when a
// binary can be had: a system binary (MONGOMS_SYSTEM_BINARY or `mongod` on PATH), one in its
// cache, or a download. Without any of them it answers quickly with the reason, instead of
// spending seconds on download attempts that cannot succeed.
import { execFile } from 'node:child_process';
import { lookup } from 'node:dns/promises';
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

/** Where a mongod binary is, without downloading; null when there is none. */
export async function locateMongod(): Promise<string | null> {
  try {
    const located = await DryMongoBinary.locateBinary({ version: process.env.MONGOMS_VERSION ?? '8.2.6' });
    if (located) return located;
  } catch {
    // MONGOMS_SYSTEM_BINARY pointing nowhere: fall through to PATH.
  }
  return mongodOnPath();
}

export async function startEmbeddedMongo(): Promise<EmbeddedMongo> {
  const binary = await locateMongod();
  if (!binary && !(await canReach(DOWNLOAD_HOST, 1_500))) {
    return { ok: false, reason: `no mongod binary on this machine and ${DOWNLOAD_HOST} is unreachable to download one` };
  }
  try {
    const replSet = await MongoMemoryReplSet.create({
      replSet: { count: 1, storageEngine: 'wiredTiger' },
      ...(binary ? { binary: { systemBinary: binary } } : {}),
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
