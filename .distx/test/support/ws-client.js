// A real graphql-ws client (the library Apollo Client and urql use) over the ws package, for
// tests of subscriptions and of operations sent over WebSocket.
import { createClient } from 'graphql-ws';
import WebSocket from 'ws';
/** A graphql-ws client for `graphqlUrl` (http://… is turned into ws://…), sending `origin` if given. */
export function wsClient(graphqlUrl, origin) {
    const url = graphqlUrl.replace(/^http/, 'ws');
    class OriginWebSocket extends WebSocket {
        constructor(address, protocols) {
            super(address, protocols, origin ? { origin } : {});
        }
    }
    return createClient({ url, webSocketImpl: OriginWebSocket, retryAttempts: 0, lazy: true });
}
/** Runs one operation over `client` and collects what it sends until it ends. */
export function collect(client, query, variables = {}) {
    const values = [];
    const errors = [];
    const ended = new Promise((resolve) => {
        client.subscribe({ query, variables }, {
            next: (result) => {
                if (result.errors)
                    errors.push(...result.errors);
                if (result.data)
                    values.push(result.data);
            },
            error: (error) => {
                errors.push(error);
                resolve();
            },
            complete: () => resolve(),
        });
    });
    return { values, errors, ended };
}
/** Waits until `check()` holds, polling every 20 ms, for at most `ms`. */
export async function eventually(what, check, ms = 10_000) {
    const deadline = Date.now() + ms;
    while (!(await check())) {
        if (Date.now() > deadline)
            throw new Error(`timed out waiting for ${what}`);
        await new Promise((r) => setTimeout(r, 20));
    }
}
//# sourceMappingURL=ws-client.js.map