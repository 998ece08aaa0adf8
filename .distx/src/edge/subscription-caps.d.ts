export interface SubscriptionCapPolicy {
    /** Open WebSocket connections per client network. */
    connectionsPerClient: number;
    /** Live subscriptions on one connection. */
    subscriptionsPerConnection: number;
    /** Live subscriptions per client network, over all its connections. */
    subscriptionsPerClient: number;
    /** Refused subscribes one connection may send before it is closed (its error frames are memory too). */
    refusalsPerConnection: number;
    ipv6PrefixLength: number;
}
export type SubscriptionCap = 'connections_per_client' | 'subscriptions_per_connection' | 'subscriptions_per_client';
/** What a refusal says: the cap, and the number (a caller's own limit, nothing about anyone else). */
export interface CapRefusal {
    cap: SubscriptionCap;
    max: number;
}
export declare class SubscriptionCaps {
    private readonly policy;
    private readonly observer?;
    /** Client network → open connections / live subscriptions; an entry goes when it reaches 0. */
    private readonly connections;
    private readonly subscriptions;
    constructor(policy: SubscriptionCapPolicy, observer?: {
        subscriptionCapRefused?(cap: SubscriptionCap): void;
    } | undefined);
    /** Whether `ip` may open one more connection (checked before the upgrade, so a refusal is a plain 429). */
    mayConnect(ip: string): CapRefusal | null;
    /** Counts a connection that was upgraded; the refusal if the client is (now) at its cap (a burst that passed mayConnect together). */
    connect(ip: string): Connection | CapRefusal;
    /** @internal */
    disconnect(client: string): void;
    /** @internal Starts one subscription for `client` if its connection and it are under their caps. */
    admit(client: string, liveOnConnection: number): CapRefusal | null;
    /** @internal Ends `count` of `client`'s subscriptions. */
    release(client: string, count?: number): void;
    get refusalsPerConnection(): number;
    private connectionsOf;
    private clientOf;
    private refuse;
}
/** One WebSocket connection's live subscriptions, by the ids its client gave them. */
export declare class Connection {
    private readonly client;
    private readonly caps;
    private readonly live;
    private refusals;
    private closed;
    constructor(client: string, caps: SubscriptionCaps);
    /** Admits subscription `id`, or says which cap refused it. */
    start(id: string): CapRefusal | null;
    /** Whether this connection has been refused so often that it should be closed. */
    get exhausted(): boolean;
    /** Ends subscription `id` (completed, failed or stopped by the client); ids never admitted are ignored. */
    end(id: string): void;
    /** The socket closed: every subscription on it ends, and the connection stops counting. */
    close(): void;
}
