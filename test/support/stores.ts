// The stores every store-agnostic suite runs on: the embedded store always, MongoDB when the
// global setup found a mongod. Each MongoDB use gets its own database, dropped afterwards.
import { randomUUID } from 'node:crypto';
import { inject } from 'vitest';
import { MongoClient } from 'mongodb';
import type { Clock } from '../../src/clock.js';
import { MemoryOtpStore } from '../../src/store/memory.store.js';
import { MongoOtpStore } from '../../src/store/mongo.store.js';
import type { OtpStore } from '../../src/store/otp.store.js';

export interface StoreTier {
  name: 'embedded' | 'mongodb';
  /** A fresh, empty store. */
  create(clock?: Clock): Promise<OtpStore>;
  /** Another connection to the same data: what a second replica would hold. */
  sibling(store: OtpStore): Promise<OtpStore>;
  /** Environment for createApp that selects this store. */
  env(): Record<string, string>;
  /** Closes the store and deletes its data. */
  dispose(store: OtpStore): Promise<void>;
  /** Deletes the data of an app started with env() (after the app has closed). */
  disposeEnv(env: Record<string, string>): Promise<void>;
}

const mongo = inject('mongo');
export const mongoUri: string | null = 'uri' in mongo ? mongo.uri : null;
export const mongoSkipReason: string | null = 'skip' in mongo ? mongo.skip : null;

const embedded: StoreTier = {
  name: 'embedded',
  create: async (clock) => new MemoryOtpStore(clock ? { clock } : {}),
  sibling: async (store) => store, // one process, one store: siblings share it by construction
  env: () => ({ STORE: 'memory' }),
  dispose: (store) => store.close(),
  disposeEnv: async () => undefined,
};

const mongodb = (uri: string): StoreTier => ({
  name: 'mongodb',
  create: async () => MongoOtpStore.connect({ uri, dbName: `otp_test_${randomUUID().slice(0, 8)}` }),
  sibling: async (store) => MongoOtpStore.connect({ uri, dbName: (store as MongoOtpStore).db.databaseName }),
  env: () => ({ STORE: 'mongodb', MONGODB_URI: uri, MONGODB_DB: `otp_test_${randomUUID().slice(0, 8)}` }),
  dispose: async (store) => {
    const mongoStore = store as MongoOtpStore;
    await mongoStore.db.dropDatabase().catch(() => undefined);
    await mongoStore.close();
  },
  disposeEnv: async (env) => {
    const client = await MongoClient.connect(uri);
    await client.db(env.MONGODB_DB).dropDatabase();
    await client.close();
  },
});

export const storeTiers: StoreTier[] = mongoUri ? [embedded, mongodb(mongoUri)] : [embedded];
