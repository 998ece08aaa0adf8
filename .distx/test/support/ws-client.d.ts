import { type Client } from 'graphql-ws';
export interface WsResults<T> {
    /** Every `next` payload, in order. */
    values: T[];
    errors: unknown[];
    /** Resolves when the operation completes or errors. */
    ended: Promise<void>;
}
/** A graphql-ws client for `graphqlUrl` (http://… is turned into ws://…), sending `origin` if given. */
export declare function wsClient(graphqlUrl: string, origin?: string): Client;
/** Runs one operation over `client` and collects what it sends until it ends. */
export declare function collect<T = Record<string, any>>(client: Client, query: string, variables?: Record<string, unknown>): WsResults<T>;
/** Waits until `check()` holds, polling every 20 ms, for at most `ms`. */
export declare function eventually(what: string, check: () => boolean | Promise<boolean>, ms?: number): Promise<void>;
