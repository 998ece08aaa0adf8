// Before the run: holds the quick start's port 4000 (so no test may need it free), and finds a
// mongod for the MongoDB tier: MONGODB_URI if set, else an embedded replica set through
// mongodb-memory-server-core when a binary can be had (MONGOMS_SYSTEM_BINARY, the one `npm run
// mongod:fetch` put in .cache/, or mongod on PATH). Under CI=true the tier is required: no
// mongod fails the run with one line. Elsewhere it is skipped out loud; never faked.
import { createServer, type Server } from 'node:net';
import type { TestProject } from 'vitest/node';
import { startEmbeddedMongo } from '../../src/store/embedded-mongo.js';

declare module 'vitest' {
  export interface ProvidedContext {
    mongo: { uri: string; source: string } | { skip: string };
  }
}

/**
 * The embedded replica set's server settings: the TTL monitor every second (instead of 60) so
 * its deletions can be observed, test commands so fault tests can use fail points, and the
 * journal committed every 5 ms instead of 100: a majority write on a one-node set waits for its
 * journal commit (about a third of the interval), and the suite makes thousands of writes one
 * after another. Writes are still journaled before they are acknowledged.
 */
export const TEST_MONGOD_ARGS = ['--setParameter', 'ttlMonitorSleepSecs=1', '--setParameter', 'enableTestCommands=1', '--journalCommitInterval', '5'];

/** The quick start's port: `npm test` must pass while `npm start` serves on it. */
const QUICK_START_PORT = 4000;

/**
 * Holds the quick start's port for the whole run when it is free, so that no test can come to
 * depend on it being free: the README runs `npm start` and `npm test` side by side. Null when
 * something (the quick start itself, say) already holds it: busy either way.
 */
async function holdQuickStartPort(): Promise<Server | null> {
  const server = createServer();
  return new Promise((resolve) => {
    server.once('error', () => resolve(null));
    server.listen(QUICK_START_PORT, '0.0.0.0', () => resolve(server));
  });
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const held = await holdQuickStartPort();
  const release = async () => void (held && (await new Promise((resolve) => held.close(resolve))));
  const stopMongo = await startMongoTier(project);
  return async () => {
    await stopMongo();
    await release();
  };
}

async function startMongoTier(project: TestProject): Promise<() => Promise<void>> {
  if (process.env.MONGODB_URI) {
    project.provide('mongo', { uri: process.env.MONGODB_URI, source: 'MONGODB_URI' });
    console.log('MongoDB tier: running against MONGODB_URI');
    return async () => undefined;
  }
  const embedded = await startEmbeddedMongo({ args: TEST_MONGOD_ARGS });
  if (!embedded.ok) {
    if (process.env.CI === 'true') {
      throw new Error(`MongoDB tier: REQUIRED under CI=true, but ${embedded.reason} (run \`npm run mongod:fetch\` first, as .ci/run does)`);
    }
    const skip = `${embedded.reason}; run \`npm run mongod:fetch\` or set MONGODB_URI to a replica set`;
    project.provide('mongo', { skip });
    console.log(`MongoDB tier: SKIPPED — ${skip}`);
    return async () => undefined;
  }
  project.provide('mongo', { uri: embedded.uri, source: `embedded mongod (${embedded.binary})` });
  console.log(`MongoDB tier: running against an embedded replica set (${embedded.binary})`);
  return embedded.stop;
}
