// Finds a mongod for the MongoDB tier once per run: MONGODB_URI if set, else an embedded
// replica set through mongodb-memory-server-core when a binary can be had. Where neither
// exists the tier is skipped, and this says so in one line; it is never faked.
import type { TestProject } from 'vitest/node';
import { startEmbeddedMongo } from '../../src/store/embedded-mongo.js';

declare module 'vitest' {
  export interface ProvidedContext {
    mongo: { uri: string; source: string } | { skip: string };
  }
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  if (process.env.MONGODB_URI) {
    project.provide('mongo', { uri: process.env.MONGODB_URI, source: 'MONGODB_URI' });
    console.log('MongoDB tier: running against MONGODB_URI');
    return async () => undefined;
  }
  const embedded = await startEmbeddedMongo();
  if (!embedded.ok) {
    const skip = `${embedded.reason}; set MONGODB_URI to a replica set to run it`;
    project.provide('mongo', { skip });
    console.log(`MongoDB tier: SKIPPED — ${skip}`);
    return async () => undefined;
  }
  project.provide('mongo', { uri: embedded.uri, source: `embedded mongod (${embedded.binary})` });
  console.log(`MongoDB tier: running against an embedded replica set (${embedded.binary})`);
  return embedded.stop;
}
