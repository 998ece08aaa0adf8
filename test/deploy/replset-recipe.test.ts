// The README's replica-set recipe, run as written: `npm run mongod:replset` starts a one-node
// set from the fetched mongod, prints the MONGODB_URI to use, and stops mongod cleanly on
// SIGTERM (Ctrl-C sends SIGINT, handled the same way). Its port and data folder are the test's own.
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { readdirSync, readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MongoClient } from 'mongodb';
import { expect, it } from 'vitest';
import { loadConfig } from '../../src/config.js';
import { createOtpService } from '../../src/create-service.js';
import { locateMongod } from '../../src/store/embedded-mongo.js';
import { MongoOtpStore } from '../../src/store/mongo.store.js';
import { TEST_SECRET } from '../support/harness.js';
import { freePort, waitFor } from '../support/mongod-processes.js';
import { describeOnTier, mongoTier } from '../support/stores.js';

const binary = await locateMongod();
const tier = { ...mongoTier, skip: mongoTier.skip ?? (binary ? null : 'the recipe runs the fetched mongod: none here') };

describeOnTier(tier, 'npm run mongod:replset (scripts/replset.mjs)', () => {
  it('prints a MONGODB_URI the service runs on, and stops mongod on SIGTERM', { timeout: 60_000 }, async () => {
    const dbpath = await mkdtemp(join(tmpdir(), 'otp-replset-'));
    const port = await freePort();
    const script = new URL('../../scripts/replset.mjs', import.meta.url).pathname;
    const child = spawn(process.execPath, [script, '--port', String(port), '--dbpath', dbpath], { env: { ...process.env, MONGOMS_SYSTEM_BINARY: binary! } });
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => void (out += chunk.toString()));
    try {
      const uri = await waitFor('the printed MONGODB_URI', async () => /^MONGODB_URI=(\S+)$/m.exec(out)?.[1], 45_000);
      expect(uri).toBe(`mongodb://127.0.0.1:${port}/?replicaSet=rs0`);
      // The service's own store takes it (a replica set: change streams work) and issues a code.
      const store = await MongoOtpStore.connect({ uri, dbName: 'recipe' });
      try {
        const answer = await createOtpService(loadConfig({ OTP_SECRET: TEST_SECRET }), { store, clock: { now: () => new Date() } }).requestOtp({ email: 'recipe@example.com' });
        expect(answer.status).toBe('SENT');
      } finally {
        await store.close();
      }
      const exited = once(child, 'exit');
      child.kill('SIGTERM');
      expect((await exited)[0]).toBe(0);
      // mongod is gone with it: nothing answers on the port.
      await expect(MongoClient.connect(`mongodb://127.0.0.1:${port}/?directConnection=true`, { serverSelectionTimeoutMS: 1_000 })).rejects.toThrow();
    } finally {
      if (child.exitCode === null) child.kill('SIGKILL');
      await rm(dbpath, { recursive: true, force: true });
    }
  });

  it('says so, on its first line, when its mongod dies while serving, and exits 1', { timeout: 60_000 }, async () => {
    const dbpath = await mkdtemp(join(tmpdir(), 'otp-replset-'));
    const port = await freePort();
    const script = new URL('../../scripts/replset.mjs', import.meta.url).pathname;
    const child = spawn(process.execPath, [script, '--port', String(port), '--dbpath', dbpath], { env: { ...process.env, MONGOMS_SYSTEM_BINARY: binary! } });
    let out = '';
    let err = '';
    child.stdout.on('data', (chunk: Buffer) => void (out += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => void (err += chunk.toString()));
    try {
      const uri = await waitFor('the printed MONGODB_URI', async () => /^MONGODB_URI=(\S+)$/m.exec(out)?.[1], 45_000);
      const exited = once(child, 'exit');
      process.kill(mongodOn(port), 'SIGKILL'); // mongod dies; the script is left running
      expect((await exited)[0]).toBe(1);
      expect(err.split('\n')[0]).toBe(`mongod:replset: mongod exited (SIGKILL) while serving MONGODB_URI=${uri}: services using it have lost their database; its last log lines:`);
    } finally {
      if (child.exitCode === null) child.kill('SIGKILL');
      await rm(dbpath, { recursive: true, force: true });
    }
  });
});

/** The pid of the mongod serving `port` (its command line, read from /proc). */
function mongodOn(port: number): number {
  for (const pid of readdirSync('/proc').filter((name) => /^\d+$/.test(name))) {
    const args = (() => {
      try {
        return readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0');
      } catch {
        return [];
      }
    })();
    if (args[0]?.endsWith('mongod') && args.includes('--replSet') && args[args.indexOf('--port') + 1] === String(port)) return Number(pid);
  }
  throw new Error(`no mongod on port ${port}`);
}
