import { MemoryOtpStore } from './memory.store.js';
import { MongoParseError } from 'mongodb';
import { MongoOtpStore, StandaloneServerError } from './mongo.store.js';
/** Start-up could not reach the store: says which, where (never the credentials) and what to do. */
export class StoreStartError extends Error {
    details;
    constructor(message, details) {
        super(message);
        this.details = details;
        this.name = 'StoreStartError';
    }
}
/** The host list of a MongoDB URI, without user name or password. */
export function mongoHosts(uri) {
    const afterScheme = uri.replace(/^[a-z+]+:\/\//i, '');
    const authority = afterScheme.split(/[/?]/, 1)[0] ?? '';
    return authority.slice(authority.lastIndexOf('@') + 1) || '(none)';
}
async function connectFromUri(uri, dbName, timeoutMs) {
    const hosts = mongoHosts(uri);
    try {
        return await MongoOtpStore.connect({ uri, dbName, timeoutMs });
    }
    catch (error) {
        if (error instanceof StandaloneServerError)
            throw new StoreStartError(error.message, { variable: 'MONGODB_URI', hosts });
        // The URI parser (mongodb-connection-string-url) throws its own MongoParseError class.
        if (error instanceof MongoParseError || (error instanceof Error && error.name === 'MongoParseError')) {
            throw new StoreStartError(`MONGODB_URI is not a valid MongoDB connection string (${error.message}); expected mongodb://host:27017/?replicaSet=rs0 or mongodb+srv://…`, { variable: 'MONGODB_URI' });
        }
        const reason = error instanceof Error ? error.message : String(error);
        throw new StoreStartError(`MongoDB at ${hosts} (MONGODB_URI) could not be reached: ${reason}. Check that it is running and reachable from here, and that MONGODB_URI names it.`, { variable: 'MONGODB_URI', hosts });
    }
}
export async function createStore(config, clock, logger) {
    const memory = (reason) => {
        logger.info({ store: 'memory', reason }, 'using the embedded in-process store (codes are lost on restart)');
        return new MemoryOtpStore({ clock });
    };
    if (config.store === 'memory')
        return memory('STORE=memory');
    if (config.mongodb.uri) {
        const store = await connectFromUri(config.mongodb.uri, config.mongodb.db, config.mongodb.timeoutMs);
        logger.info({ store: 'mongodb', db: config.mongodb.db, hosts: mongoHosts(config.mongodb.uri) }, 'using MongoDB from MONGODB_URI');
        return store;
    }
    const embedded = await embeddedMongo();
    if (embedded.ok) {
        const store = await MongoOtpStore.connect({ uri: embedded.uri, dbName: config.mongodb.db, onClose: embedded.stop, timeoutMs: config.mongodb.timeoutMs });
        logger.info({ store: 'mongodb', binary: embedded.binary }, 'using an embedded mongod replica set (data is lost on exit)');
        return store;
    }
    if (config.store === 'mongodb') {
        throw new StoreStartError(`STORE=mongodb but MONGODB_URI is not set and ${embedded.reason}: set MONGODB_URI to a replica set`, {
            variable: 'MONGODB_URI',
        });
    }
    return memory(`MONGODB_URI is not set and ${embedded.reason}`);
}
/**
 * The embedded mongod needs mongodb-memory-server-core, a development dependency: the
 * production image (npm ci --omit=dev) does not carry it, and loads this module only here.
 */
async function embeddedMongo() {
    let start;
    try {
        ({ startEmbeddedMongo: start } = await import('./embedded-mongo.js'));
    }
    catch (error) {
        if (error.code !== 'ERR_MODULE_NOT_FOUND')
            throw error;
        return { ok: false, reason: 'mongodb-memory-server-core (a development dependency) is not installed' };
    }
    return start();
}
//# sourceMappingURL=create-store.js.map