// Caps on what one caller may hold open over WebSocket: connections per client, live
// subscriptions per connection and per client. Each live subscription is a watcher (a timer, a
// hook on the store feed, a store read per change), so without caps one socket sending
// 100,000 `subscribe` messages held 100,000 of them (issue 22, row 1: RSS 405 → 947 MB, the
// event loop stalled ~20 s). Clients are counted by network, as the per-client limits are
// (IPv6 per /64). The counts are per process: behind a balancer with N API processes, one
// client can hold at most N times these.
import { clientNetwork } from './client-network.js';
export class SubscriptionCaps {
    policy;
    observer;
    /** Client network → open connections / live subscriptions; an entry goes when it reaches 0. */
    connections = new Map();
    subscriptions = new Map();
    constructor(policy, observer) {
        this.policy = policy;
        this.observer = observer;
    }
    /** Whether `ip` may open one more connection (checked before the upgrade, so a refusal is a plain 429). */
    mayConnect(ip) {
        return this.connectionsOf(this.clientOf(ip)) >= this.policy.connectionsPerClient ? this.refuse('connections_per_client', this.policy.connectionsPerClient) : null;
    }
    /** Counts a connection that was upgraded; the refusal if the client is (now) at its cap (a burst that passed mayConnect together). */
    connect(ip) {
        const refused = this.mayConnect(ip);
        if (refused)
            return refused;
        const client = this.clientOf(ip);
        bump(this.connections, client, 1);
        return new Connection(client, this);
    }
    /** @internal */
    disconnect(client) {
        bump(this.connections, client, -1);
    }
    /** @internal Starts one subscription for `client` if its connection and it are under their caps. */
    admit(client, liveOnConnection) {
        if (liveOnConnection >= this.policy.subscriptionsPerConnection)
            return this.refuse('subscriptions_per_connection', this.policy.subscriptionsPerConnection);
        if ((this.subscriptions.get(client) ?? 0) >= this.policy.subscriptionsPerClient)
            return this.refuse('subscriptions_per_client', this.policy.subscriptionsPerClient);
        bump(this.subscriptions, client, 1);
        return null;
    }
    /** @internal Ends `count` of `client`'s subscriptions. */
    release(client, count = 1) {
        bump(this.subscriptions, client, -count);
    }
    get refusalsPerConnection() {
        return this.policy.refusalsPerConnection;
    }
    connectionsOf(client) {
        return this.connections.get(client) ?? 0;
    }
    clientOf(ip) {
        return clientNetwork(ip, this.policy.ipv6PrefixLength);
    }
    refuse(cap, max) {
        this.observer?.subscriptionCapRefused?.(cap);
        return { cap, max };
    }
}
/** One WebSocket connection's live subscriptions, by the ids its client gave them. */
export class Connection {
    client;
    caps;
    live = new Set();
    refusals = 0;
    closed = false;
    constructor(client, caps) {
        this.client = client;
        this.caps = caps;
    }
    /** Admits subscription `id`, or says which cap refused it. */
    start(id) {
        if (this.closed)
            return { cap: 'subscriptions_per_connection', max: 0 };
        const refused = this.caps.admit(this.client, this.live.size);
        if (refused) {
            this.refusals++;
            return refused;
        }
        this.live.add(id);
        return null;
    }
    /** Whether this connection has been refused so often that it should be closed. */
    get exhausted() {
        return this.refusals >= this.caps.refusalsPerConnection;
    }
    /** Ends subscription `id` (completed, failed or stopped by the client); ids never admitted are ignored. */
    end(id) {
        if (this.live.delete(id))
            this.caps.release(this.client);
    }
    /** The socket closed: every subscription on it ends, and the connection stops counting. */
    close() {
        if (this.closed)
            return;
        this.closed = true;
        this.caps.release(this.client, this.live.size);
        this.live.clear();
        this.caps.disconnect(this.client);
    }
}
function bump(counts, key, by) {
    const next = (counts.get(key) ?? 0) + by;
    if (next > 0)
        counts.set(key, next);
    else
        counts.delete(key);
}
//# sourceMappingURL=subscription-caps.js.map