// Caps on what one caller may hold open over WebSocket: connections per client, live
// subscriptions per connection and per client. Each live subscription is a watcher (a timer, a
// hook on the store feed, a store read per change), so without caps one socket sending
// 100,000 `subscribe` messages held 100,000 of them (issue 22, row 1: RSS 405 → 947 MB, the
// event loop stalled ~20 s). Clients are counted by network, as the per-client limits are
// (IPv6 per /64). The counts are per process: behind a balancer with N API processes, one
// client can hold at most N times these.
import { clientNetwork } from './client-network.js';

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

export class SubscriptionCaps {
  /** Client network → open connections / live subscriptions; an entry goes when it reaches 0. */
  private readonly connections = new Map<string, number>();
  private readonly subscriptions = new Map<string, number>();

  constructor(
    private readonly policy: SubscriptionCapPolicy,
    private readonly observer?: { subscriptionCapRefused?(cap: SubscriptionCap): void },
  ) {}

  /** Whether `ip` may open one more connection (checked before the upgrade, so a refusal is a plain 429). */
  mayConnect(ip: string): CapRefusal | null {
    return this.connectionsOf(this.clientOf(ip)) >= this.policy.connectionsPerClient ? this.refuse('connections_per_client', this.policy.connectionsPerClient) : null;
  }

  /** Counts a connection that was upgraded; the refusal if the client is (now) at its cap (a burst that passed mayConnect together). */
  connect(ip: string): Connection | CapRefusal {
    const refused = this.mayConnect(ip);
    if (refused) return refused;
    const client = this.clientOf(ip);
    bump(this.connections, client, 1);
    return new Connection(client, this);
  }

  /** @internal */
  disconnect(client: string): void {
    bump(this.connections, client, -1);
  }

  /** @internal Starts one subscription for `client` if its connection and it are under their caps. */
  admit(client: string, liveOnConnection: number): CapRefusal | null {
    if (liveOnConnection >= this.policy.subscriptionsPerConnection) return this.refuse('subscriptions_per_connection', this.policy.subscriptionsPerConnection);
    if ((this.subscriptions.get(client) ?? 0) >= this.policy.subscriptionsPerClient) return this.refuse('subscriptions_per_client', this.policy.subscriptionsPerClient);
    bump(this.subscriptions, client, 1);
    return null;
  }

  /** @internal Ends `count` of `client`'s subscriptions. */
  release(client: string, count = 1): void {
    bump(this.subscriptions, client, -count);
  }

  get refusalsPerConnection(): number {
    return this.policy.refusalsPerConnection;
  }

  private connectionsOf(client: string): number {
    return this.connections.get(client) ?? 0;
  }

  private clientOf(ip: string): string {
    return clientNetwork(ip, this.policy.ipv6PrefixLength);
  }

  private refuse(cap: SubscriptionCap, max: number): CapRefusal {
    this.observer?.subscriptionCapRefused?.(cap);
    return { cap, max };
  }
}

/** One WebSocket connection's live subscriptions, by the ids its client gave them. */
export class Connection {
  private readonly live = new Set<string>();
  private refusals = 0;
  private closed = false;

  constructor(
    private readonly client: string,
    private readonly caps: SubscriptionCaps,
  ) {}

  /** Admits subscription `id`, or says which cap refused it. */
  start(id: string): CapRefusal | null {
    if (this.closed) return { cap: 'subscriptions_per_connection', max: 0 };
    const refused = this.caps.admit(this.client, this.live.size);
    if (refused) {
      this.refusals++;
      return refused;
    }
    this.live.add(id);
    return null;
  }

  /** Whether this connection has been refused so often that it should be closed. */
  get exhausted(): boolean {
    return this.refusals >= this.caps.refusalsPerConnection;
  }

  /** Ends subscription `id` (completed, failed or stopped by the client); ids never admitted are ignored. */
  end(id: string): void {
    if (this.live.delete(id)) this.caps.release(this.client);
  }

  /** The socket closed: every subscription on it ends, and the connection stops counting. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.caps.release(this.client, this.live.size);
    this.live.clear();
    this.caps.disconnect(this.client);
  }
}

function bump(counts: Map<string, number>, key: string, by: number): void {
  const next = (counts.get(key) ?? 0) + by;
  if (next > 0) counts.set(key, next);
  else counts.delete(key);
}
