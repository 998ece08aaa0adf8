// A real graphql-ws client (the library Apollo Client and urql use) over the ws package, for
// tests of subscriptions and of operations sent over WebSocket.
import { createClient, type Client } from 'graphql-ws';
import WebSocket from 'ws';

export interface WsResults<T> {
  /** Every `next` payload, in order. */
  values: T[];
  errors: unknown[];
  /** Resolves when the operation completes or errors. */
  ended: Promise<void>;
}

/** A graphql-ws client for `graphqlUrl` (http://… is turned into ws://…), sending `origin` if given. */
export function wsClient(graphqlUrl: string, origin?: string): Client {
  const url = graphqlUrl.replace(/^http/, 'ws');
  class OriginWebSocket extends WebSocket {
    constructor(address: string, protocols?: string | string[]) {
      super(address, protocols, origin ? { origin } : {});
    }
  }
  return createClient({ url, webSocketImpl: OriginWebSocket, retryAttempts: 0, lazy: true });
}

/** Runs one operation over `client` and collects what it sends until it ends. */
export function collect<T = Record<string, any>>(client: Client, query: string, variables: Record<string, unknown> = {}): WsResults<T> {
  const values: T[] = [];
  const errors: unknown[] = [];
  const ended = new Promise<void>((resolve) => {
    client.subscribe<T>(
      { query, variables },
      {
        next: (result) => {
          if (result.errors) errors.push(...result.errors);
          if (result.data) values.push(result.data as T);
        },
        error: (error) => {
          errors.push(error);
          resolve();
        },
        complete: () => resolve(),
      },
    );
  });
  return { values, errors, ended };
}

/** Waits until `check()` holds, polling every 20 ms, for at most `ms`. */
export async function eventually(what: string, check: () => boolean | Promise<boolean>, ms = 10_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}
