// The embedded store: the default when no database is configured, and the fast test tier.
// It keeps the same promises as the MongoDB adapter. Each method does its check and its
// write in one synchronous step, which in a single Node process is as atomic as a
// findOneAndUpdate. Expired codes are removed by a timer, as MongoDB's TTL monitor would.
import { RateLimiterMemory, type RateLimiterAbstract } from 'rate-limiter-flexible';
import { systemClock, type Clock } from '../clock.js';
import {
  pendingDelivery,
  ResumePointLostError,
  type DeliveryOutcome,
  type FeedSubscription,
  type InsertEvent,
  type NewOtp,
  type OtpRecord,
  type OtpStore,
  type RateLimitOptions,
} from './otp.store.js';

interface StoredRecord extends OtpRecord {
  /** Insert order: the feed's resume position. */
  seq: number;
}

export interface MemoryStoreOptions {
  clock?: Clock;
  /** How often expired codes are deleted (MongoDB's TTL monitor runs every 60 s). */
  expirySweepMs?: number;
}

const keyOf = (email: string, purpose: string) => `${email}\u0000${purpose}`;

export class MemoryOtpStore implements OtpStore {
  readonly kind = 'memory' as const;
  private readonly records = new Map<string, StoredRecord>();
  private readonly latestByKey = new Map<string, string>();
  /** Ids whose delivery is pending or claimed: what the sweep looks at. */
  private readonly undelivered = new Set<string>();
  private readonly checkpoints = new Map<string, string>();
  private readonly limiters = new Map<string, RateLimiterMemory>();
  private readonly subscribers = new Set<(record: StoredRecord) => void>();
  private seq = 0;
  private closed = false;
  private readonly clock: Clock;
  private readonly expiryTimer: NodeJS.Timeout;

  constructor(options: MemoryStoreOptions = {}) {
    this.clock = options.clock ?? systemClock;
    this.expiryTimer = setInterval(() => this.deleteExpired(), options.expirySweepMs ?? 60_000);
    this.expiryTimer.unref();
  }

  async insert(otp: NewOtp): Promise<void> {
    // The code stored last replaces any earlier one, whatever its createdAt says: the same
    // rule as MongoDB's one document per (email, purpose).
    const key = keyOf(otp.email, otp.purpose);
    const previous = this.latestByKey.get(key);
    if (previous !== undefined) this.remove(previous);
    const record: StoredRecord = { ...otp, attempts: 0, delivery: pendingDelivery(), seq: ++this.seq };
    this.records.set(record.id, record);
    this.latestByKey.set(key, record.id);
    this.undelivered.add(record.id);
    for (const notify of this.subscribers) notify(record);
  }

  async findLatest(email: string, purpose: string): Promise<OtpRecord | null> {
    const id = this.latestByKey.get(keyOf(email, purpose));
    return id === undefined ? null : this.copy(this.records.get(id));
  }

  async addFailedAttempt(id: string, maxAttempts: number): Promise<number | null> {
    const record = this.records.get(id);
    if (!record || record.attempts >= maxAttempts) return null;
    record.attempts += 1;
    return record.attempts;
  }

  async consume(id: string, maxAttempts: number): Promise<boolean> {
    const record = this.records.get(id);
    if (!record || record.attempts >= maxAttempts) return false;
    this.remove(id);
    return true;
  }

  async claimDelivery(id: string, worker: string, leaseMs: number): Promise<OtpRecord | null> {
    const record = this.records.get(id);
    if (!record) return null;
    const { delivery } = record;
    if (delivery.state !== 'pending' && !this.leaseLapsed(record)) return null;
    record.delivery = { ...delivery, state: 'sending', claimedBy: worker, leaseUntil: this.inMs(leaseMs) };
    return this.copy(record);
  }

  async renewLeases(ids: readonly string[], worker: string, leaseMs: number): Promise<number> {
    let held = 0;
    for (const id of ids) {
      const delivery = this.records.get(id)?.delivery;
      if (delivery?.state !== 'sending' || delivery.claimedBy !== worker) continue;
      delivery.leaseUntil = this.inMs(leaseMs);
      held += 1;
    }
    return held;
  }

  async completeDelivery(id: string, worker: string, outcome: DeliveryOutcome): Promise<boolean> {
    const record = this.records.get(id);
    if (!record || record.delivery.state !== 'sending' || record.delivery.claimedBy !== worker) return false;
    record.sealedCode = null;
    record.delivery = {
      state: outcome.state,
      attempts: outcome.attempts,
      claimedBy: null,
      leaseUntil: null,
      sentAt: outcome.state === 'sent' ? outcome.at : null,
      error: outcome.state === 'failed' ? outcome.error : null,
    };
    this.undelivered.delete(id);
    return true;
  }

  async findDueDeliveries(now: Date, pendingBefore: Date, limit: number): Promise<string[]> {
    const due: string[] = [];
    for (const id of this.undelivered) {
      const record = this.records.get(id);
      if (!record || record.expiresAt <= now) continue;
      const isDue = (record.delivery.state === 'pending' && record.createdAt < pendingBefore) || this.leaseLapsed(record);
      if (isDue) due.push(id);
      if (due.length >= limit) break;
    }
    return due;
  }

  async oldestPendingDelivery(now: Date): Promise<Date | null> {
    let oldest: Date | null = null;
    for (const id of this.undelivered) {
      const record = this.records.get(id);
      if (record && record.expiresAt > now && (!oldest || record.createdAt < oldest)) oldest = record.createdAt;
    }
    return oldest;
  }

  async subscribeInserts(
    resumeAfter: string | null,
    onInsert: (event: InsertEvent) => Promise<void>,
  ): Promise<FeedSubscription> {
    let from = this.seq;
    if (resumeAfter !== null) {
      from = Number(resumeAfter);
      if (!Number.isSafeInteger(from) || from < 0 || from > this.seq) {
        throw new ResumePointLostError(`position ${resumeAfter} is not from this process`);
      }
    }
    // One handler call at a time, in insert order: a chain of promises.
    let chain = Promise.resolve();
    let open = true;
    const deliver = (record: StoredRecord) => {
      chain = chain.then(() => (open ? onInsert({ id: record.id, token: String(record.seq) }) : undefined));
    };
    // Replay what was inserted after the saved position, then go live.
    [...this.records.values()].filter((r) => r.seq > from).sort((a, b) => a.seq - b.seq).forEach(deliver);
    this.subscribers.add(deliver);
    return {
      close: async () => {
        open = false;
        this.subscribers.delete(deliver);
        await chain;
      },
    };
  }

  async loadCheckpoint(name: string): Promise<string | null> {
    return this.checkpoints.get(name) ?? null;
  }

  async saveCheckpoint(name: string, token: string): Promise<void> {
    this.checkpoints.set(name, token);
  }

  createRateLimiter(options: RateLimitOptions): RateLimiterAbstract {
    // RateLimiterMemory keeps its counters per instance: hand out one instance per prefix so
    // that, as with a shared database, everyone asking for the same limiter shares its state.
    const key = `${options.keyPrefix}/${options.points}/${options.durationSeconds}`;
    let limiter = this.limiters.get(key);
    if (!limiter) {
      limiter = new RateLimiterMemory({ keyPrefix: options.keyPrefix, points: options.points, duration: options.durationSeconds });
      this.limiters.set(key, limiter);
    }
    return limiter;
  }

  isUnavailable(): boolean {
    return false; // in-process: nothing to wait for
  }

  async ping(): Promise<void> {
    if (this.closed) throw new Error('the store is closed');
  }

  async close(): Promise<void> {
    this.closed = true;
    clearInterval(this.expiryTimer);
    this.subscribers.clear();
  }

  /** How many codes are held: for the benchmark's memory figures. */
  get size(): number {
    return this.records.size;
  }

  /** Deletes every expired code, as MongoDB's TTL monitor does. */
  deleteExpired(): number {
    const now = this.clock.now();
    let deleted = 0;
    for (const record of this.records.values()) {
      if (record.expiresAt <= now) {
        this.remove(record.id);
        deleted += 1;
      }
    }
    return deleted;
  }

  private remove(id: string): void {
    const record = this.records.get(id);
    if (!record) return;
    this.records.delete(id);
    this.undelivered.delete(id);
    const key = keyOf(record.email, record.purpose);
    if (this.latestByKey.get(key) === id) this.latestByKey.delete(key);
  }

  /** A claim whose lease has run out: leases are on this store's clock, like MongoDB's $$NOW. */
  private leaseLapsed({ delivery }: StoredRecord): boolean {
    return delivery.state === 'sending' && delivery.leaseUntil !== null && delivery.leaseUntil <= this.clock.now();
  }

  private inMs(ms: number): Date {
    return new Date(this.clock.now().getTime() + ms);
  }

  private copy(record: StoredRecord | undefined): OtpRecord | null {
    if (!record) return null;
    const { seq: _seq, ...rest } = record;
    return { ...rest, delivery: { ...rest.delivery } };
  }
}
