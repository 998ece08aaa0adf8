export type EmbeddedMongo = {
    ok: true;
    uri: string;
    binary: string;
    stop: () => Promise<void>;
} | {
    ok: false;
    reason: string;
};
/** The binary `npm run mongod:fetch` caches in the project (scripts/mongod-pin.json says which). */
export declare function fetchedMongod(): string | null;
/** Where a mongod binary is, without downloading; null when there is none. */
export declare function locateMongod(): Promise<string | null>;
/** The version a mongod binary reports ("6.0.5"), so mongodb-memory-server needs no guess. */
export declare function mongodVersion(binary: string): Promise<string | undefined>;
export interface EmbeddedMongoOptions {
    /** Extra mongod command-line arguments (the tests turn on a fast TTL monitor). */
    args?: string[];
}
export declare function startEmbeddedMongo(options?: EmbeddedMongoOptions): Promise<EmbeddedMongo>;
