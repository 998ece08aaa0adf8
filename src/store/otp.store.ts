// The one interface between the rules (OtpService, Dispatcher) and where codes live.
// Every method that guards a rule is a single atomic step in each adapter: the service never
// reads a record and then writes it back, so two replicas cannot race past a limit.
//
// The per-address limits and the address's live codes are one record, so that issuing a code
// (cooldown, send window, live codes, attempt budget), resending one and checking one (expiry,
// attempts, single use) are each one atomic step on it: one MongoDB command each, not one per
// rule. The limits themselves are the service's: it passes them in, and the adapters only count.
//
// A code belongs to the request that issued it: it is checked and resent by its id (the
// request's id), and a new request never removes an earlier live code.

import type { Transaction } from '../otp/transaction.js';

/**
 * Where a code's email stands. The dispatcher moves it pending → sending → sent (or failed, or
 * back to pending with a next attempt time after a transient failure); SendGrid's events move
 * a sent email on to delivered, deferred, bounced or dropped.
 */
export type DeliveryState = 'pending' | 'sending' | 'sent' | 'failed' | 'delivered' | 'deferred' | 'bounced' | 'dropped';

/** States no later event changes: the email arrived, or never will. */
export const FINAL_DELIVERY_STATES: readonly DeliveryState[] = ['failed', 'delivered', 'bounced', 'dropped'];

export interface DeliveryInfo {
  state: DeliveryState;
  /** Provider calls that carried this email so far (retries and split calls included). */
  attempts: number;
  /** The dispatcher holding the claim, while `sending`. */
  claimedBy: string | null;
  /** A claim older than this is abandoned and may be taken by another dispatcher. */
  leaseUntil: Date | null;
  /** While pending after a transient failure: not to be tried before this (store's clock). */
  nextAttemptAt: Date | null;
  sentAt: Date | null;
  /** Why the last attempt failed (transient) or delivery failed for good: a status and reason, never the code. */
  error: string | null;
  /** When the state last changed (store's clock). */
  updatedAt: Date;
  /** Ids of the provider's events already recorded (the latest few): a replay changes nothing. */
  events: string[];
}

export interface OtpRecord {
  id: string;
  /** Normalised (trimmed, lower-cased): where the email goes, as the caller wrote it. */
  email: string;
  /**
   * The inbox `email` reaches (src/edge/mailbox.ts): what the address's limits and codes are
   * kept under, so that `a+1@gmail.com` and `a@gmail.com` share one cooldown and send window.
   */
  mailbox: string;
  purpose: string;
  /** HMAC of the code (see CodeHasher.hash); the only form kept for checking. */
  codeHash: string;
  /** The code sealed for the dispatcher, kept while the code lives so that it can be resent. */
  sealedCode: string | null;
  createdAt: Date;
  expiresAt: Date;
  /** Wrong guesses counted against this code. */
  attempts: number;
  /** Printed on the email and returned to the caller; never shared with another live code of the address. */
  reference: string;
  /** How many times the email was sent again (resendOtp): 0 for the first. */
  resends: number;
  /** The BCP 47 tag the email is written for; null: the default language. */
  locale: string | null;
  /** The payment the code confirms (its hash covers it), for the email; null when none. */
  transaction: Transaction | null;
  /**
   * The W3C traceparent of the request that issued it (null when nothing is traced): the
   * worker's spans for its email join that trace (src/telemetry/trace-context.ts).
   */
  trace?: string | null;
  delivery: DeliveryInfo;
}

export type NewOtp = Pick<OtpRecord, 'id' | 'email' | 'mailbox' | 'purpose' | 'codeHash' | 'sealedCode' | 'createdAt' | 'expiresAt' | 'locale' | 'transaction' | 'trace'> & {
  /**
   * References to choose from, in order of preference, all different: the first one that no
   * live code of the address carries is stored. Give one more than the address may hold live codes.
   */
  references: readonly [string, ...string[]];
};

export type DeliveryOutcome =
  | { state: 'sent'; at: Date; attempts: number }
  | { state: 'failed'; at: Date; attempts: number; error: string; /** refused by the provider, or out of time */ cause?: 'refused' | 'expired' }
  /** A transient failure: pending again, claimable `retryInMs` from now (store's clock), sealed code kept. */
  | { state: 'retry'; attempts: number; error: string; retryInMs: number };

/** What the provider said happened to a sent email, as a move of its state. */
export interface DeliveryEvent {
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
export type DeliveryEventResult = 'applied' | 'recorded' | 'duplicate' | 'unknown';

/** A code's delivery as the frontend may see it. */
export interface DeliveryStatus {
  state: DeliveryState;
  updatedAt: Date;
  expiresAt: Date;
}

/** How many provider event ids a code keeps for telling replays apart. */
export const MAX_RECORDED_EVENTS = 20;

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

/**
 * A send budget many mailboxes share (their domain's, or everyone's). It counts the requests
 * that may send an email (past the caller's budget, before the mailbox's limits), not only the
 * emails sent: counting after the mailbox's verdict would cost MongoDB a second command on a
 * refusal, and a caller's refused requests are bounded by its own budget anyway.
 */
export interface SharedBudget {
  name: 'domain' | 'global';
  /** Names the budget, e.g. `domain|gmail.com`, `global`. */
  key: string;
  limit: WindowLimit;
}

/** What an email costs an address: a cooldown between two, and a window of at most so many. */
export interface SendLimits {
  /** The caller's own budget, counted first: an inbox flood across many addresses stops here. */
  client?: ClientLimit;
  /** The domain's and the global send budgets, judged after the caller's. */
  shared?: readonly SharedBudget[];
  /** Minimum gap between two emails for one address; 0: none. */
  cooldownSeconds: number;
  /** Emails (new codes and resends) per address per window. A refused request does not count. */
  sends: WindowLimit;
}

/**
 * The attempt budget of an address: every new code takes `maxAttempts` from it, a wrong guess
 * keeps its share for `budget.windowSeconds` after it was made, and the attempts a code did not
 * use come back when it dies (verified, or expired). A request that the budget cannot cover
 * is refused, so in any window at most `budget.max` wrong guesses can be made at the address's
 * codes, by everyone together, however many requests they open (see window-count.ts).
 */
export interface AttemptBudget {
  maxAttempts: number;
  budget: WindowLimit;
}

/** A payment intent's single use: recorded with the code it issued, until the intent expires. */
export interface IntentUse {
  /** "<merchant>|<intent id>". */
  key: string;
  until: Date;
}

export interface IssueLimits extends SendLimits {
  /**
   * The payment intent the code confirms: refused (limit "intent") when a code was issued for
   * it already, for any address.
   */
  intent?: IntentUse;
  /**
   * Codes live at once per address (unexpired, and not killed by wrong guesses): a request past
   * it waits until one dies, and removes none.
   */
  maxLive: number;
  attempts: AttemptBudget;
}

/** Which limit refused a request: the caller's, a shared send budget's, the cooldown, the send window, the live codes, the attempt budget. */
export type IssueLimit = 'client' | 'domain' | 'global' | 'intent' | 'cooldown' | 'sends' | 'live' | 'attempts';

export type IssueOutcome = { issued: true; reference: string } | { issued: false; retryAfterMs: number; limit: IssueLimit };

export interface ResendCommand {
  /** The address's mailbox (OtpRecord.mailbox). */
  mailbox: string;
  /** The id of the code to send again (the request's id). */
  id: string;
  now: Date;
  /** A code this many wrong guesses old is dead: nothing to resend. */
  maxAttempts: number;
  limits: SendLimits;
}

/**
 * What one resend did. `resent`: counted under the limits; `queued` says whether a new email
 * was put on its way (false when one was still on its way, pending or being sent). The others
 * changed nothing.
 */
export type ResendOutcome =
  | { result: 'resent'; queued: boolean; expiresAt: Date; reference: string }
  | { result: 'not_found' }
  | { result: 'expired' }
  | { result: 'too_many_attempts' }
  | { result: 'limited'; retryAfterMs: number; limit: Exclude<IssueLimit, 'intent' | 'live' | 'attempts'> };

export interface CheckCommand {
  /** The address's mailbox (OtpRecord.mailbox). */
  mailbox: string;
  purpose: string;
  /** The id of the code to check (the request's id): no other code of the address is looked at. */
  id: string;
  /** The hash of the code the caller typed (CodeHasher.hash), compared with the stored one. */
  codeHash: string;
  /** The time the service reads: expiry and windows are judged at it. */
  now: Date;
  maxAttempts: number;
  /** The address's attempt budget's window: how long a wrong guess keeps its share. */
  guesses: WindowLimit;
  client?: ClientLimit;
  /**
   * The merchant's webhooks this check may make, written in the same atomic step as the
   * change they report: `verified` when the code is consumed, `locked` when the wrong guess
   * uses up its attempts. None given: none written.
   */
  webhooks?: { verified?: NewWebhook; locked?: NewWebhook };
}

/**
 * What one check did. `mismatched` counted a wrong guess against the code (`attempts` is the
 * new count) and logged it in the address's attempt budget; `verified` consumed the code; the
 * others changed nothing (`limited` is the caller's budget: no code was looked at).
 */
export type CheckOutcome =
  | { result: 'verified' }
  | { result: 'mismatched'; attempts: number }
  | { result: 'not_found' }
  | { result: 'expired' }
  | { result: 'too_many_attempts' }
  | { result: 'limited'; retryAfterMs: number };

/** A signed webhook to the merchant's backend, waiting in the store until it is delivered. */
export interface OutboxEvent {
  /** The Standard Webhooks message id: the same on every try. */
  id: string;
  type: string;
  /** The JSON body, exactly as signed and sent. */
  payload: string;
  createdAt: Date;
  /** Tries so far. */
  attempts: number;
  /** The W3C traceparent of what made it (null or absent when nothing is traced). */
  trace?: string | null;
}

/**
 * A webhook as the service makes it, handed to the store with the change it reports (a check,
 * a delivery outcome, a provider event) so that both are written in one atomic step: if the
 * event cannot be recorded, the change does not happen either.
 */
export type NewWebhook = Pick<OutboxEvent, 'id' | 'type' | 'payload' | 'createdAt' | 'trace'>;

/** What became of one try: delivered (removed), given up on (removed), or due again later. */
export type OutboxOutcome =
  | { state: 'delivered' }
  | { state: 'abandoned'; error: string }
  | { state: 'retry'; retryInMs: number; error: string };

/** The outbox of merchant webhooks: kept in the store so a restart or another replica still sends them. */
export interface WebhookOutbox {
  /** Puts an event in the outbox; an id already there is left as it is. */
  enqueueWebhook(event: NewWebhook): Promise<void>;
  /**
   * Moves up to `limit` events written beside their change (MongoDB keeps them in the
   * address's document until then) into the outbox; returns how many it moved. The embedded
   * store writes them into its outbox at once: nothing to move.
   */
  relayWebhooks(limit: number): Promise<number>;
  /** Claims up to `limit` events that are due (store's clock) for `worker`, for `leaseMs`. */
  claimWebhooks(worker: string, leaseMs: number, limit: number): Promise<OutboxEvent[]>;
  /** Records a try's outcome if `worker` still holds the claim. */
  completeWebhook(id: string, worker: string, outcome: OutboxOutcome): Promise<boolean>;
}

export interface OtpStore extends WebhookOutbox {
  /** Which adapter this is, for logs and readiness. */
  readonly kind: 'memory' | 'mongodb';

  /**
   * Stores a new code beside the address's other live codes, if `limits` allow it, all in one
   * atomic step: the caller's budget first, then the address's cooldown, send window, live
   * codes and attempt budget (judged at `otp.createdAt`). Expired codes are dropped on the way;
   * a live one never is. Without `limits`, nothing is counted.
   */
  issue(otp: NewOtp, limits?: IssueLimits): Promise<IssueOutcome>;

  /**
   * Sends a live code's email again, same code and expiry, in one atomic step: the caller's
   * budget, then the code's life and attempts, then the address's cooldown and send window.
   */
  resend(command: ResendCommand): Promise<ResendOutcome>;

  /**
   * Counts one against a caller's budget on its own (a status read, say): the wait in ms when
   * the budget is spent (nothing counted then), else null.
   */
  countClient(client: ClientLimit, now: Date): Promise<number | null>;

  /**
   * Checks one code, by its id, in one atomic step: the caller's budget, then the code's
   * existence for (email, purpose), expiry, attempt cap and hash. A wrong guess is counted on
   * the code and logged in the address's attempt budget; a right one consumes the code.
   */
  check(command: CheckCommand): Promise<CheckOutcome>;

  /** The newest live code for (mailbox, purpose), expired or not; null if there is none. */
  findLatest(mailbox: string, purpose: string): Promise<OtpRecord | null>;

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
   * from `retryInMs` on. The sealed code stays either way: a resend needs it. `webhook`, for a
   * failed outcome, is written in the same step.
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
  recordDeliveryEvent(id: string, event: DeliveryEvent, webhook?: NewWebhook): Promise<DeliveryEventResult>;

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

/**
 * What a new code holds once stored, in either store: no wrong guesses yet, its email pending.
 * (One literal, field by field: the embedded store keeps it as is, and V8 keeps it compact.)
 */
export function storedCode(otp: NewOtp, reference: string): OtpRecord {
  return {
    id: otp.id,
    email: otp.email,
    mailbox: otp.mailbox,
    purpose: otp.purpose,
    codeHash: otp.codeHash,
    sealedCode: otp.sealedCode,
    createdAt: otp.createdAt,
    expiresAt: otp.expiresAt,
    attempts: 0,
    reference,
    resends: 0,
    locale: otp.locale,
    transaction: otp.transaction,
    ...(otp.trace ? { trace: otp.trace } : {}),
    delivery: pendingDelivery(otp.createdAt),
  };
}

export function pendingDelivery(createdAt: Date): DeliveryInfo {
  return { state: 'pending', attempts: 0, claimedBy: null, leaseUntil: null, nextAttemptAt: null, sentAt: null, error: null, updatedAt: createdAt, events: [] };
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
