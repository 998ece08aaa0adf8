// The stores every store-agnostic suite runs on: the embedded store always, MongoDB when the
// global setup found a mongod. Where it found none (outside CI only), the MongoDB suites are
// still declared, as skipped, so every one of their tests counts as skipped in the summary.
// Each MongoDB use gets its own database, dropped afterwards.
import { randomUUID } from 'node:crypto';
import { describe, inject } from 'vitest';
import { MongoClient } from 'mongodb';
import { MemoryOtpStore } from '../../src/store/memory.store.js';
import { MongoOtpStore } from '../../src/store/mongo.store.js';
const mongo = inject('mongo');
export const mongoUri = 'uri' in mongo ? mongo.uri : null;
const embedded = {
    name: 'embedded',
    skip: null,
    create: async (clock) => new MemoryOtpStore(clock ? { clock } : {}),
    sibling: async (store) => store, // one process, one store: siblings share it by construction
    env: () => ({ STORE: 'memory' }),
    dispose: (store) => store.close(),
    disposeEnv: async () => undefined,
};
const testDb = () => `otp_test_${randomUUID().slice(0, 8)}`;
const mongodb = {
    name: 'mongodb',
    skip: 'skip' in mongo ? mongo.skip : null,
    create: async () => MongoOtpStore.connect({ uri: mongoUri, dbName: testDb() }),
    sibling: async (store) => MongoOtpStore.connect({ uri: mongoUri, dbName: store.db.databaseName }),
    env: () => ({ STORE: 'mongodb', MONGODB_URI: mongoUri ?? '', MONGODB_DB: testDb() }),
    dispose: async (store) => {
        const mongoStore = store;
        await mongoStore.db.dropDatabase().catch(() => undefined);
        await mongoStore.close();
    },
    disposeEnv: async (env) => {
        const client = await MongoClient.connect(mongoUri);
        await client.db(env.MONGODB_DB).dropDatabase();
        await client.close();
    },
};
export const storeTiers = [embedded, mongodb];
export const mongoTier = mongodb;
/**
 * Declares `body` once per tier; `$name` in the title becomes the tier's name. A tier that
 * cannot run here is declared skipped, with its reason in the title, so its tests are counted.
 */
export function describeEachTier(title, body) {
    for (const tier of storeTiers)
        describeOnTier(tier, title.replace('$name', tier.name), () => body(tier));
}
/** One suite on one tier, skipped out loud when that tier cannot run here. */
export function describeOnTier(tier, title, body) {
    if (tier.skip)
        describe.skip(`${title} [SKIPPED: ${tier.skip}]`, body);
    else
        describe(title, body);
}
//# sourceMappingURL=stores.js.map