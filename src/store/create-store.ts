// Chooses the store at start-up and says which and why:
//   STORE=memory            → the embedded in-process store
//   MONGODB_URI set         → that MongoDB (a replica set)
//   otherwise               → an embedded real mongod replica set if a binary can be had,
//                             else the in-process store (STORE=mongodb makes that an error)
import type { Clock } from '../clock.js';
import type { Config } from '../config.js';
import type { Logger } from '../logger.js';
import { startEmbeddedMongo } from './embedded-mongo.js';
import { MemoryOtpStore } from './memory.store.js';
import { MongoOtpStore } from './mongo.store.js';
import type { OtpStore } from './otp.store.js';

export async function createStore(config: Config, clock: Clock, logger: Logger): Promise<OtpStore> {
  const memory = (reason: string) => {
    logger.info({ store: 'memory', reason }, 'using the embedded in-process store (codes are lost on restart)');
    return new MemoryOtpStore({ clock });
  };
  if (config.store === 'memory') return memory('STORE=memory');

  if (config.mongodb.uri) {
    const store = await MongoOtpStore.connect({ uri: config.mongodb.uri, dbName: config.mongodb.db });
    logger.info({ store: 'mongodb', db: config.mongodb.db }, 'using MongoDB from MONGODB_URI');
    return store;
  }

  const embedded = await startEmbeddedMongo();
  if (embedded.ok) {
    const store = await MongoOtpStore.connect({ uri: embedded.uri, dbName: config.mongodb.db, onClose: embedded.stop });
    logger.info({ store: 'mongodb', binary: embedded.binary }, 'using an embedded mongod replica set (data is lost on exit)');
    return store;
  }
  if (config.store === 'mongodb') {
    throw new Error(`STORE=mongodb but MONGODB_URI is not set and ${embedded.reason}`);
  }
  return memory(`MONGODB_URI is not set and ${embedded.reason}`);
}
