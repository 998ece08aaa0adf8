// Chooses the store at start-up and says which and why:
//   MONGODB_URI set → that MongoDB (a replica set)
//   otherwise       → an embedded real mongod replica set, started by this process (development
//                     only: production refuses to start without MONGODB_URI, see config)
// There is no other store: every rule is written once, as MongoDB steps (store/mongo/).
import type { Logger } from '../logger.js';
import type { EmbeddedMongo } from './embedded-mongo.js';
import { MongoParseError } from 'mongodb';
import { MongoOtpStore, StandaloneServerError } from './mongo.store.js';
import type { OtpStore } from './otp.store.js';

/** Start-up could not reach the store: says which, where (never the credentials) and what to do. */
export class StoreStartError extends Error {
  constructor(
    message: string,
    readonly details: { variable: string; hosts?: string },
  ) {
    super(message);
    this.name = 'StoreStartError';
  }
}

/** The host list of a MongoDB URI, without user name or password. */
export function mongoHosts(uri: string): string {
  const afterScheme = uri.replace(/^[a-z+]+:\/\//i, '');
  const authority = afterScheme.split(/[/?]/, 1)[0] ?? '';
  return authority.slice(authority.lastIndexOf('@') + 1) || '(none)';
}

async function connectFromUri(uri: string, dbName: string, timeoutMs: number): Promise<MongoOtpStore> {
  const hosts = mongoHosts(uri);
  try {
    return await MongoOtpStore.connect({ uri, dbName, timeoutMs });
  } catch (error) {
    if (error instanceof StandaloneServerError) throw new StoreStartError(error.message, { variable: 'MONGODB_URI', hosts });
    // The URI parser (mongodb-connection-string-url) throws its own MongoParseError class.
    if (error instanceof MongoParseError || (error instanceof Error && error.name === 'MongoParseError')) {
      throw new StoreStartError(
        `MONGODB_URI is not a valid MongoDB connection string (${(error as Error).message}); expected mongodb://host:27017/?replicaSet=rs0 or mongodb+srv://…`,
        { variable: 'MONGODB_URI' },
      );
    }
    const reason = error instanceof Error ? error.message : String(error);
    throw new StoreStartError(
      `MongoDB at ${hosts} (MONGODB_URI) could not be reached: ${reason}. Check that it is running and reachable from here, and that MONGODB_URI names it.`,
      { variable: 'MONGODB_URI', hosts },
    );
  }
}

/** Where the store is: MONGODB_URI (unset: the embedded mongod), MONGODB_DB, MONGODB_TIMEOUT_MS. */
export interface StoreSettings {
  uri: string | undefined;
  db: string;
  timeoutMs: number;
}

export async function createStore(mongodb: StoreSettings, logger: Logger): Promise<OtpStore> {
  if (mongodb.uri) {
    const store = await connectFromUri(mongodb.uri, mongodb.db, mongodb.timeoutMs);
    logger.info({ store: 'mongodb', db: mongodb.db, hosts: mongoHosts(mongodb.uri) }, 'using MongoDB from MONGODB_URI');
    return store;
  }
  logger.info('MONGODB_URI is not set: starting an embedded mongod replica set (development only; data is lost on exit)');
  const embedded = await embeddedMongo();
  if (!embedded.ok) {
    throw new StoreStartError(`MONGODB_URI is not set and ${embedded.reason}: set MONGODB_URI to a replica set, or run \`npm run mongod:fetch\``, {
      variable: 'MONGODB_URI',
    });
  }
  const store = await MongoOtpStore.connect({ uri: embedded.uri, dbName: mongodb.db, onClose: embedded.stop, timeoutMs: mongodb.timeoutMs });
  logger.info({ store: 'mongodb', binary: embedded.binary }, 'using an embedded mongod replica set (data is lost on exit)');
  return store;
}

/**
 * The embedded mongod needs mongodb-memory-server-core, a development dependency: the
 * production image (npm ci --omit=dev) does not carry it, and loads this module only here.
 */
async function embeddedMongo(): Promise<EmbeddedMongo> {
  let start: () => Promise<EmbeddedMongo>;
  try {
    ({ startEmbeddedMongo: start } = await import('./embedded-mongo.js'));
  } catch (error) {
    if ((error as { code?: string }).code !== 'ERR_MODULE_NOT_FOUND') throw error;
    return { ok: false, reason: 'mongodb-memory-server-core (a development dependency) is not installed' };
  }
  return start();
}
