// The delivery queue role of the store: each code's email, claimed by one dispatcher at a
// time (leases on the store's clock), its outcome recorded, SendGrid's events applied, and
// the feeds that wake the dispatcher (inserts) and the status watchers (delivery changes).
import type { NewWebhook } from './outbox.js';
import type { DeliveryState, OtpRecord, ShownPayment } from './record.js';

export type DeliveryOutcome =
  /** `shown`: what a payment email showed its reader, kept on the code's record (its evidence quotes it). */
  | { state: 'sent'; at: Date; attempts: number; shown?: ShownPayment | null }
  | { state: 'failed'; at: Date; attempts: number; error: string; /** refused by the provider, or out of time */ cause?: 'refused' | 'expired' }
  /** A transient failure: pending again, claimable `retryInMs` from now (store's clock), sealed code kept. */
  | { state: 'retry'; attempts: number; error: string; retryInMs: number };

/** What the provider said happened to a sent email, as a move of its state. */
export interface DeliveryMove {
  /** The provider's event id: recorded once, a replay changes nothing. */
  eventId: string;
  /** The state it moves to; null records the event without a move (a spam report). */
  to: DeliveryState | null;
  /** The states it may move from (later news does not undo earlier final news). */
  from: readonly DeliveryState[];
}

/**
 * `applied`: the state moved; `recorded`: the event was new but moved nothing; `duplicate`:
 * seen before; `unknown`: no such code, or it has expired.
 */
export type DeliveryMoveResult = 'applied' | 'recorded' | 'duplicate' | 'unknown';

/** A code's delivery as the frontend may see it. */
export interface DeliveryStatus {
  state: DeliveryState;
  updatedAt: Date;
  expiresAt: Date;
}

/** How many provider event ids a code keeps for telling replays apart. */
export const MAX_RECORDED_EVENTS = 20;

/** One insert seen on the feed. `token` is where to resume after it; null for sweep finds. */
export interface FeedItem {
  id: string;
  token: string | null;
}

export interface FeedSubscription {
  /** Stops the feed; events already handed over are still the handler's to finish. */
  close(): Promise<void>;
}

export interface DeliveryQueue {
  /** A live code by its id, expired or not; null once it is gone. */
  findById(id: string): Promise<OtpRecord | null>;

  /**
   * Claims a code's email for one dispatcher for `leaseMs`: succeeds when delivery is pending,
   * or when another dispatcher's lease ran out. Leases are set and compared on the store's
   * clock (the database's, for MongoDB), so app servers' clocks never decide a takeover.
   * Returns the claimed record (with the sealed code).
   */
  claimDelivery(id: string, worker: string, leaseMs: number): Promise<OtpRecord | null>;

  /**
   * claimDelivery for many codes at once (on MongoDB two commands, whatever their number);
   * returns the records this call claimed, in no particular order.
   */
  claimDeliveries(ids: readonly string[], worker: string, leaseMs: number): Promise<OtpRecord[]>;

  /**
   * Extends `worker`'s claims on `ids` by `leaseMs` from now; returns for how many addresses it
   * still held one (one address rarely has two codes in flight at once).
   */
  renewLeases(ids: readonly string[], worker: string, leaseMs: number): Promise<number>;

  /**
   * Records the outcome if `worker` still holds the claim; a retry makes the code pending again
   * from `retryInMs` on. The sealed code stays either way: a resend needs it. `webhook`, when
   * given, is written in the same step (the dispatcher decides which outcomes carry one).
   */
  completeDelivery(id: string, worker: string, outcome: DeliveryOutcome, webhook?: NewWebhook): Promise<boolean>;

  /**
   * completeDelivery for a batch of codes (on MongoDB one command, whatever their number, and
   * one read more only when some claim was no longer held): for each completion, in order,
   * whether `worker` still held its claim and the outcome was recorded.
   */
  completeDeliveries(worker: string, completions: readonly Completion[]): Promise<boolean[]>;

  /**
   * Ids of codes unexpired at `now` and pending since before `pendingBefore` (and past their
   * next attempt time, on the store's clock), or whose lease ran out.
   */
  findDueDeliveries(now: Date, pendingBefore: Date, limit: number): Promise<string[]>;

  /**
   * Records a provider event on a live code's delivery, in one atomic step; `webhook` is
   * written in that step when the event moves the state (`applied`), and only then.
   */
  recordDeliveryMove(id: string, event: DeliveryMove, webhook?: NewWebhook): Promise<DeliveryMoveResult>;

  /** A code's delivery, expired or not; null when the code is gone (verified, replaced, deleted) or never was. */
  deliveryStatus(id: string): Promise<DeliveryStatus | null>;

  /**
   * Tells `onChange` the ids of codes whose delivery state changed, on any replica, from now
   * on (MongoDB: from the change stream). `onError` hears of a feed that broke.
   */
  subscribeDeliveryChanges(onChange: (ids: string[]) => void, onError?: (error: unknown) => void): Promise<FeedSubscription>;

  /** When the oldest code unexpired at `now` and still waiting for its email was stored; null if none. */
  oldestPendingDelivery(now: Date): Promise<Date | null>;

  /**
   * Feeds every insert after `resumeAfter` (null: from now on) to `onInsert`, in order, one at
   * a time. When `resumeAfter` can no longer be resumed from, it throws ResumePointLostError,
   * or (MongoDB finds out only at the first event after it) reports one through `onError`.
   * `onError` hears of a feed that broke after it started (it delivers nothing more).
   */
  subscribeInserts(
    resumeAfter: string | null,
    onInsert: (event: FeedItem) => Promise<void>,
    onError?: (error: unknown) => void,
  ): Promise<FeedSubscription>;
}

export class ResumePointLostError extends Error {
  constructor(reason: string) {
    super(`The saved feed position can no longer be resumed from: ${reason}`);
    this.name = 'ResumePointLostError';
  }
}


/**
 * The delivery of a code sent again (resendOtp): pending at once, claim and error cleared, its
 * provider calls and event ids kept. Both stores build it here, each with its own clock and
 * its own way of reading what is kept.
 */
export function resentDelivery<Time, Attempts, Events>(now: Time, kept: { attempts: Attempts; events: Events }) {
  return { state: 'pending' as DeliveryState, attempts: kept.attempts, claimedBy: null, leaseUntil: null, nextAttemptAt: null, sentAt: null, error: null, updatedAt: now, events: kept.events };
}

/** One code's delivery outcome, for completeDeliveries; `webhook` as in completeDelivery. */
export interface Completion {
  id: string;
  /**
   * The code's mailbox (OtpRecord.mailbox), when known: MongoDB then finds its document by
   * _id, the key a sharded cluster routes single-document writes by.
   */
  mailbox?: string;
  outcome: DeliveryOutcome;
  webhook?: NewWebhook;
}

/**
 * The delivery state that records `outcome`, the claim released, `events` carried over. Both
 * stores build it here, each with its own clock: the embedded store's Date, MongoDB's $$NOW.
 */
export function completedDelivery<Time, Events>(outcome: DeliveryOutcome, clock: { now: Time; after: (ms: number) => Time }, events: Events) {
  return {
    state: (outcome.state === 'retry' ? 'pending' : outcome.state) as DeliveryState,
    attempts: outcome.attempts,
    claimedBy: null,
    leaseUntil: null,
    nextAttemptAt: outcome.state === 'retry' ? clock.after(outcome.retryInMs) : null,
    sentAt: outcome.state === 'sent' ? outcome.at : null,
    error: outcome.state === 'sent' ? null : outcome.error,
    updatedAt: clock.now,
    events,
  };
}
