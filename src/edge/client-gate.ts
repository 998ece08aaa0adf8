// A per-client count in front of a costly step, kept in the process: a bot check's verification
// (a provider's siteverify call, ALTCHA's hash), a SendGrid signature's ECDSA check. Each costs
// CPU or a provider's answer before the request reaches MongoDB's per-client budget, so one
// client sending garbage must meet a limit of its own first, and must not hold all of what the
// process shares (the provider calls in flight) while everyone else waits.
//
// In memory, per process: the cost it guards is the process's own (its event loop, its
// connections). A fixed window per client network; the map of clients is bounded, the oldest
// forgotten first, so an attacker with many addresses costs memory only up to the bound.

export interface ClientGatePolicy {
  /** Passes per client per window. */
  perWindow: number;
  windowMs: number;
  /** Steps in flight at once per client (Infinity: no bound). */
  inFlightPerClient: number;
  /** Steps in flight at once in the process (Infinity: no bound). */
  inFlight: number;
}

/** Clients remembered at most: a few hundred bytes each. */
const MAX_CLIENTS = 50_000;

interface ClientState {
  count: number;
  resetAt: number;
  inFlight: number;
}

/** Why a pass was refused: the client's own count (with its wait), or what is in flight. */
export type GateRefusal = { reason: 'rate'; retryAfterMs: number } | { reason: 'busy' };

export class ClientGate {
  private readonly clients = new Map<string, ClientState>();
  private inFlight = 0;

  constructor(
    private readonly policy: ClientGatePolicy,
    private readonly now: () => number = Date.now,
  ) {}

  /**
   * Counts one step for `client` (its network's key) and holds its in-flight place until
   * `step` settles; refused, `step` does not run.
   */
  async run<T>(client: string, step: () => Promise<T>, refused: (refusal: GateRefusal) => never): Promise<T> {
    const refusal = this.take(client);
    if (refusal) refused(refusal);
    const state = this.stateOf(client);
    state.inFlight += 1;
    this.inFlight += 1;
    try {
      return await step();
    } finally {
      state.inFlight -= 1;
      this.inFlight -= 1;
    }
  }

  /** Counts one pass for `client`, nothing held in flight: the refusal, or null when it passes. */
  take(client: string): GateRefusal | null {
    const state = this.stateOf(client);
    const now = this.now();
    if (state.resetAt <= now) {
      state.count = 0;
      state.resetAt = now + this.policy.windowMs;
    }
    if (state.count >= this.policy.perWindow) return { reason: 'rate', retryAfterMs: state.resetAt - now };
    if (state.inFlight >= this.policy.inFlightPerClient || this.inFlight >= this.policy.inFlight) return { reason: 'busy' };
    state.count += 1;
    return null;
  }

  private stateOf(client: string): ClientState {
    let state = this.clients.get(client);
    if (state) {
      // Most recently seen last: the map's order is the eviction order.
      this.clients.delete(client);
    } else {
      state = { count: 0, resetAt: 0, inFlight: 0 };
      if (this.clients.size >= MAX_CLIENTS) this.evictOldest();
    }
    this.clients.set(client, state);
    return state;
  }

  private evictOldest(): void {
    for (const [key, state] of this.clients) {
      // A client with a step in flight keeps its place: its count would go wrong without it.
      if (state.inFlight > 0) continue;
      this.clients.delete(key);
      return;
    }
  }
}
