// The one interface between the rules (OtpService, Dispatcher) and where codes live.
// Every method that guards a rule is a single atomic step in each adapter: the service never
// reads a record and then writes it back, so two replicas cannot race past a limit.
//
// The per-address limits and the address's live codes are one record, so that issuing a code
// (cooldown, send window, replacement) and checking one (guess budget, expiry, attempts,
// single use, and giving back a guess that was right) are each one atomic step on it: one
// MongoDB command each, not one per rule. The limits themselves are the service's: it passes
// them in, and the adapters only count.

import type { Transaction } from '../otp/transaction.js';

export type DeliveryState = 'pending' | 'sending' | 'sent' | 'failed';

export interface DeliveryInfo {
  state: DeliveryState;
  /** Send calls made so far (retries included). */
  attempts: number;
  /** The dispatcher holding the claim, while `sending`. */
  claimedBy: string | null;
  /** A claim older than this is abandoned and may be taken by another dispatcher. */
  leaseUntil: Date | null;
  sentAt: Date | null;
  /** Why delivery failed for good: an HTTP status and reason, never the code. */
  error: string | null;
}

export interface OtpRecord {
  id: string;
  /** Normalised (trimmed, lower-cased). */
  email: string;
  purpose: string;
  /** HMAC of the code (see CodeHasher.hash); the only form kept for checking. */
  codeHash: string;
  /** The code sealed for the dispatcher; null once the email is sent or has failed. */
  sealedCode: string | null;
  createdAt: Date;
  expiresAt: Date;
  /** Wrong guesses counted against this code. */
  attempts: number;
  /** Printed on the email and returned to the caller; never shared with the code it replaced. */
  reference: string;
  /** The BCP 47 tag the email is written for; null: the default language. */
  locale: string | null;
  /** The payment the code confirms (its hash covers it), for the email; null when none. */
  transaction: Transaction | null;
  delivery: DeliveryInfo;
}

export type NewOtp = Pick<OtpRecord, 'id' | 'email' | 'purpose' | 'codeHash' | 'sealedCode' | 'createdAt' | 'expiresAt' | 'locale' | 'transaction'> & {
  /**
   * References to choose from, in order of preference, at least two and all different: the
   * first one the replaced code does not carry is stored.
   */
  references: readonly [string, string, ...string[]];
};

export type DeliveryOutcome =
  | { state: 'sent'; at: Date; attempts: number }
  | { state: 'failed'; at: Date; attempts: number; error: string };

/** One insert seen on the feed. `token` is where to resume after it; null for sweep finds. */
export interface InsertEvent {
  id: string;
  token: string | null;
}

export interface FeedSubscription {
  /** Stops the feed; events already handed over are still the handler's to finish. */
  close(): Promise<void>;
}

/** At most `max` per window of `windowSeconds`, the window starting at the first one counted. */
export interface WindowLimit {
  max: number;
  windowSeconds: number;
}

/** A caller's own budget (per client address), counted before anything else. */
export interface ClientLimit {
  /** Names the budget and the caller, e.g. `request|203.0.113.7`. */
  key: string;
  limit: WindowLimit;
}

export interface IssueLimits {
  /** The caller's own budget, counted first: an inbox flood across many addresses stops here. */
  client?: ClientLimit;
  /** Minimum gap between two codes for one address; 0: none. */
  cooldownSeconds: number;
  /** Codes per address per window. A request refused by the cooldown does not count. */
  sends: WindowLimit;
}

export type IssueOutcome = { issued: true; reference: string } | { issued: false; retryAfterMs: number };

export interface CheckCommand {
  email: string;
  purpose: string;
  /** The hash of the code the caller typed (CodeHasher.hash), compared with the stored one. */
  codeHash: string;
  /** The time the service reads: expiry and windows are judged at it. */
  now: Date;
  maxAttempts: number;
  /** Wrong guesses per address per window, across all its codes. */
  guesses: WindowLimit;
  client?: ClientLimit;
}

/**
 * What one check did. `mismatched` counted a wrong guess against the code (`attempts` is the
 * new count) and against the address's guess budget; `verified` consumed the code; the others
 * changed nothing.
 */
export type CheckOutcome =
  | { result: 'verified' }
  | { result: 'mismatched'; attempts: number }
  | { result: 'not_found' }
  | { result: 'expired' }
  | { result: 'too_many_attempts' }
  | { result: 'limited'; retryAfterMs: number };

export interface OtpStore {
  /** Which adapter this is, for logs and readiness. */
  readonly kind: 'memory' | 'mongodb';

  /**
   * Stores a new code in place of any earlier one for the same (email, purpose), if `limits`
   * allow it, all in one atomic step: the caller's budget first, then the address's cooldown
   * and send window (judged at `otp.createdAt`). The code stored last is the only one that can
   * be verified, whatever the `createdAt` times say (app servers' clocks may disagree), and a
   * replaced code's email is never sent. Without `limits`, nothing is counted.
   */
  issue(otp: NewOtp, limits?: IssueLimits): Promise<IssueOutcome>;

  /**
   * Checks a code in one atomic step: the caller's budget, then the address's guess budget,
   * then the live code's existence, expiry, attempt cap and hash. A wrong guess is counted on
   * the code and the budget; a right one consumes the code and costs no guess.
   */
  check(command: CheckCommand): Promise<CheckOutcome>;

  /** The live code for (email, purpose), expired or not; null if there is none. */
  findLatest(email: string, purpose: string): Promise<OtpRecord | null>;

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

  /** Records the outcome and erases the sealed code, if `worker` still holds the claim. */
  completeDelivery(id: string, worker: string, outcome: DeliveryOutcome): Promise<boolean>;

  /**
   * Ids of codes unexpired at `now` and pending since before `pendingBefore`, or whose lease
   * ran out (on the store's clock).
   */
  findDueDeliveries(now: Date, pendingBefore: Date, limit: number): Promise<string[]>;

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
    onInsert: (event: InsertEvent) => Promise<void>,
    onError?: (error: unknown) => void,
  ): Promise<FeedSubscription>;

  loadCheckpoint(name: string): Promise<string | null>;
  saveCheckpoint(name: string, token: string): Promise<void>;

  /** Whether `error` (from this store) means "unreachable for now": worth a retry. */
  isUnavailable(error: unknown): boolean;

  /** Answers when the store is reachable. */
  ping(): Promise<void>;

  close(): Promise<void>;
}

export class ResumePointLostError extends Error {
  constructor(reason: string) {
    super(`The saved feed position can no longer be resumed from: ${reason}`);
    this.name = 'ResumePointLostError';
  }
}

/** The store could not be reached (no primary, network): the caller may retry shortly. */
export class StoreUnavailableError extends Error {
  constructor(cause: unknown) {
    super('the store is unavailable', { cause });
    this.name = 'StoreUnavailableError';
  }
}

export function pendingDelivery(): DeliveryInfo {
  return { state: 'pending', attempts: 0, claimedBy: null, leaseUntil: null, sentAt: null, error: null };
}

/** The delivery state that records `outcome`, the claim released. */
export function completedDelivery(outcome: DeliveryOutcome): DeliveryInfo {
  return {
    state: outcome.state,
    attempts: outcome.attempts,
    claimedBy: null,
    leaseUntil: null,
    sentAt: outcome.state === 'sent' ? outcome.at : null,
    error: outcome.state === 'failed' ? outcome.error : null,
  };
}
