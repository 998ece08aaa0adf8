// Finds a mongod for the MongoDB tier once per run: MONGODB_URI if set, else an embedded
// replica set through mongodb-memory-server-core when a binary can be had (MONGOMS_SYSTEM_BINARY,
// the one `npm run mongod:fetch` put in .cache/, or mongod on PATH). Under CI=true the tier is
// required: no mongod fails the run with one line. Elsewhere it is skipped out loud; never faked.
import type { TestProject } from 'vitest/node';
import { startEmbeddedMongo } from '../../src/store/embedded-mongo.js';

declare module 'vitest' {
  export interface ProvidedContext {
    mongo: { uri: string; source: string } | { skip: string };
  }
}

/**
 * The embedded replica set's server settings: the TTL monitor every second (instead of 60) so
 * its deletions can be observed, and test commands so fault tests can use fail points.
 */
export const TEST_MONGOD_ARGS = ['--setParameter', 'ttlMonitorSleepSecs=1', '--setParameter', 'enableTestCommands=1'];

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
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
