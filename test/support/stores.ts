// The store every suite that stores runs on: MongoDB, the one store (the global setup starts
// a mongod, or uses MONGODB_URI). Where it found none (outside CI only), those suites are
// still declared, as skipped, so every one of their tests counts as skipped in the summary.
// Each use gets its own database, dropped afterwards.
import { randomUUID } from 'node:crypto';
import { describe, inject } from 'vitest';
import { MongoClient } from 'mongodb';
import type { Clock } from '../../src/clock.js';
import { MongoOtpStore, STATE_COLLECTION } from '../../src/store/mongo.store.js';
import type { OtpStore } from '../../src/store/otp.store.js';

export interface StoreTier {
  name: 'mongodb';
  /** Why this tier cannot run here; null when it runs. */
  skip: string | null;
  /** A fresh, empty store (MongoDB keeps its own clock: `clock` is the caller's, for symmetry with the service). */
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

const testDb = () => `otp_test_${randomUUID().slice(0, 8)}`;

const mongodb: StoreTier = {
  name: 'mongodb',
  skip: 'skip' in mongo ? mongo.skip : null,
  create: async () => MongoOtpStore.connect({ uri: mongoUri!, dbName: testDb() }),
  sibling: async (store) => MongoOtpStore.connect({ uri: mongoUri!, dbName: (store as MongoOtpStore).db.databaseName }),
  env: () => ({ MONGODB_URI: mongoUri ?? '', MONGODB_DB: testDb() }),
  dispose: async (store) => {
    const mongoStore = store as MongoOtpStore;
    await mongoStore.db.dropDatabase().catch(() => undefined);
    await mongoStore.close();
  },
  disposeEnv: async (env) => {
    const client = await MongoClient.connect(mongoUri!);
    await client.db(env.MONGODB_DB).dropDatabase();
    await client.close();
  },
};

export const storeTiers: StoreTier[] = [mongodb];
export const mongoTier = mongodb;

/**
 * Declares `body` once per tier; `$name` in the title becomes the tier's name. A tier that
 * cannot run here is declared skipped, with its reason in the title, so its tests are counted.
 */
export function describeEachTier(title: string, body: (tier: StoreTier) => void): void {
  for (const tier of storeTiers) describeOnTier(tier, title.replace('$name', tier.name), () => body(tier));
}

/** One suite on one tier, skipped out loud when that tier cannot run here. */
export function describeOnTier(tier: StoreTier, title: string, body: () => void): void {
  if (tier.skip) describe.skip(`${title} [SKIPPED: ${tier.skip}]`, body);
  else describe(title, body);
}

/** Every document the store holds for addresses, callers and budgets: what "nothing stored" counts. */
export const storedDocuments = (store: OtpStore): Promise<number> => (store as MongoOtpStore).db.collection(STATE_COLLECTION).countDocuments();

/** The addresses' documents only (an address's limits and live codes; their _id is the mailbox). */
export const storedAddresses = (store: OtpStore): Promise<number> => (store as MongoOtpStore).db.collection(STATE_COLLECTION).countDocuments({ _id: { $type: 'string' } });
