// The MongoDB adapter: queries, indexes and the change stream, no policy. Every method that
// guards a rule is one atomic operation with the guard in its filter or pipeline, so replicas
// sharing the database cannot race past a limit. Expired state is deleted by the TTL index.
//
// One document per address holds its limits and its live codes (see mongo/address.updates.ts):
// issuing, resending and checking a code are each one command on it, with the caller's
// budget, when there is one, as a command of its own on a second document of the collection.
// Under load the counters and issues of concurrent requests share commands (mongo/write-batch.ts).
// Deliveries (mongo/deliveries.ts) and the merchant webhooks' outbox (mongo/outbox.ts) have
// files of their own.
import {
  MongoBulkWriteError,
  MongoClient,
  MongoError,
  MongoNetworkError,
  MongoNotConnectedError,
  MongoServerSelectionError,
  MongoTopologyClosedError,
  type Collection,
  type Document,
  type Db,
} from 'mongodb';
import {
  checkStep,
  clientStep,
  intentStep,
  issueStep,
  resendStep,
  type AddressDocument,
  type ClientDocument,
  type IntentDocument,
  type ResendVerdictDocument,
  type VerdictDocument,
} from './mongo/address.updates.js';
import { watchDeliveryChanges } from './mongo/delivery-feed.js';
import { watchIssues } from './mongo/insert-feed.js';
import { MongoDeliveries, toRecord } from './mongo/deliveries.js';
import { beforeDeadline, isTimeBound, timeBound, writeDeadline } from './mongo/time-bound.js';
import { MongoOutbox } from './mongo/outbox.js';
import { firstWriteError, StepWriteError, WriteBatcher } from './mongo/write-batch.js';
import { issueRefusal, refusalMs, sendRefusal, type AddressLimitState, type WindowCount } from './window-count.js';
import {
  type CheckCommand,
  type CheckOutcome,
  type ClientLimit,
  type Completion,
  type DeliveryEvent,
  type DeliveryEventResult,
  type DeliveryOutcome,
  type DeliveryStatus,
  type FeedSubscription,
  type InsertEvent,
  type IntentUse,
  type IssueLimit,
  type IssueLimits,
  type IssueOutcome,
  type NewOtp,
  type NewWebhook,
  type OtpRecord,
  type OtpStore,
  type OutboxEvent,
  type OutboxOutcome,
  type ResendCommand,
  type ResendOutcome,
  type SharedBudget,
} from './otp.store.js';

interface CheckpointDocument {
  _id: string;
  token: string;
  updatedAt: Date;
}

export const STATE_COLLECTION = 'otp_state';
export const CHECKPOINT_COLLECTION = 'checkpoints';

/** Server answers during elections and shutdowns: the operation may succeed on a retry. */
const UNAVAILABLE_CODES = new Set([6, 7, 89, 91, 189, 262, 9001, 10107, 11600, 11602, 13435, 13436]);

/**
 * Writes the server refused as they stand (a validator, a document grown past 16 MB): the
 * change and the event it reports were refused together, nothing was written, and the caller
 * hears "unavailable, try again" rather than an internal error (an operator must act).
 */
const REFUSED_WRITE_CODES = new Set([121, 10334, 17419]);

const DUPLICATE_KEY = 11000;

/** One update of the claims command: refused, `refusal` reads why (null: it was a race, try again). */
interface Claim {
  filter: Document;
  update: Document[];
  /** It may match its document and change nothing (the address's step, refused): see WriteBatcher. */
  mayChangeNothing?: boolean;
  refusal: () => Promise<{ limit: IssueLimit; retryAfterMs: number } | null>;
}

/** How often a refusal that a re-read shows to be a race (two first requests) is retried. */
const RACE_RETRIES = 3;

export class StandaloneServerError extends Error {
  constructor() {
    super(
      'MONGODB_URI points at a standalone MongoDB server, but change streams (which trigger the emails) need a replica set. ' +
        'Start mongod with --replSet rs0 and run rs.initiate() once in mongosh (a one-node replica set is enough), ' +
        'or use MongoDB Atlas, whose clusters are replica sets.',
    );
    this.name = 'StandaloneServerError';
  }
}

export interface MongoStoreOptions {
  uri: string;
  dbName: string;
  /**
   * How long start-up looks for a server before giving up. Default 5 s. Later operations use
   * the driver's own serverSelectionTimeoutMS (30 s, or as set in the URI), which must outlast
   * an election (about 10–12 s with default settings).
   */
  startupTimeoutMS?: number;
  /** Called when the store closes: stops an embedded mongod that belongs to it. */
  onClose?: () => Promise<void>;
  /** The driver's command monitoring (the bench counts the commands each operation issues). */
  monitorCommands?: boolean;
  /** Every operation's time bound, and the deadline of a request's writes (mongo/time-bound.ts). Default 5 s. */
  timeoutMs?: number;
}

/** MONGODB_TIMEOUT_MS's default: past an election caused by a step-down (1–3 s), short enough for a person waiting. */
export const DEFAULT_TIMEOUT_MS = 5_000;

/** A stored window as the embedded store's counter, so both judge a refusal with one function. */
const windowCount = (window: { count: number; resetAt: Date } | undefined): WindowCount | undefined =>
  window && { count: window.count, resetAt: window.resetAt.getTime() };

/** What a refused issue reads back: what the shared judges need for the reason and the wait. */
const ISSUE_PROJECTION = { cooldownUntil: 1, sends: 1, guesses: 1, intents: 1, 'slots.codeId': 1, 'slots.expiresAt': 1, 'slots.attempts': 1, 'slots.reference': 1 } as const;

/** An address's document as the shared judges (window-count.ts) read it. */
const limitState = (doc: Partial<AddressDocument>): AddressLimitState => ({
  cooldownUntil: doc.cooldownUntil?.getTime() ?? 0,
  sends: windowCount(doc.sends),
  guesses: doc.guesses?.map((t) => t.getTime()),
  codes: (doc.slots ?? []).map((s) => ({ expiresAt: s.expiresAt.getTime(), attempts: s.attempts })),
});

export class MongoOtpStore implements OtpStore {
  readonly kind = 'mongodb' as const;
  private readonly addresses: Collection<AddressDocument>;
  private readonly clients: Collection<ClientDocument>;
  private readonly intents: Collection<IntentDocument>;
  private readonly checkpoints: Collection<CheckpointDocument>;
  private readonly subscriptions = new Set<FeedSubscription>();
  private readonly outbox: MongoOutbox;
  private readonly deliveries: MongoDeliveries;
  private readonly writes: WriteBatcher;

  private constructor(
    readonly client: MongoClient,
    readonly db: Db,
    private readonly onClose: (() => Promise<void>) | undefined,
    private readonly timeoutMs: number,
  ) {
    // One collection, two kinds of document: so that a request's steps go in one command.
    // Every operation on them is time-bound (the change streams are watched through them too,
    // unbounded: a feed waits by design, and its own errors reopen it).
    const collection = <T extends Document>(name: string) => timeBound(db.collection<T>(name), timeoutMs);
    this.addresses = collection<AddressDocument>(STATE_COLLECTION);
    this.clients = collection<ClientDocument>(STATE_COLLECTION);
    this.intents = collection<IntentDocument>(STATE_COLLECTION);
    this.checkpoints = collection<CheckpointDocument>(CHECKPOINT_COLLECTION);
    this.writes = new WriteBatcher(collection(STATE_COLLECTION));
    this.outbox = new MongoOutbox((name) => collection(name), this.addresses);
    this.deliveries = new MongoDeliveries(this.addresses, (step) => this.retryWhileUnavailable(step));
  }

  /** Connects, checks for a replica set, and creates the indexes (idempotent). */
  static async connect(options: MongoStoreOptions): Promise<MongoOtpStore> {
    // A short-lived probe with a short server-selection timeout answers "is MongoDB there, and
    // is it a replica set?" quickly at start-up, without shortening every later operation's
    // patience (an election must not fail requests that a few seconds' wait would save).
    const probe = new MongoClient(options.uri, { serverSelectionTimeoutMS: options.startupTimeoutMS ?? 5_000 });
    try {
      const hello = await probe.db('admin').command({ hello: 1 });
      // A sharded cluster's mongos answers "isdbgrid" and supports change streams too.
      if (!hello.setName && hello.msg !== 'isdbgrid') throw new StandaloneServerError();
    } finally {
      await probe.close();
    }
    const client = new MongoClient(options.uri, { monitorCommands: options.monitorCommands ?? false });
    try {
      await client.connect();
      const store = new MongoOtpStore(client, client.db(options.dbName), options.onClose, options.timeoutMs ?? DEFAULT_TIMEOUT_MS);
      await store.createIndexes();
      return store;
    } catch (error) {
      await client.close();
      throw error;
    }
  }

  async createIndexes(): Promise<void> {
    await this.addresses.createIndexes([
      // MongoDB deletes an address's document once its codes have expired and its windows have
      // closed, and a caller's counter once its window has closed (the monitor runs about once
      // a minute; the service refuses expired codes itself before then).
      { key: { expiresAt: 1 }, name: 'ttl_expiresAt', expireAfterSeconds: 0 },
      // Delivery claims address a code by its id.
      { key: { 'slots.codeId': 1 }, name: 'slot_code_id' },
      // The sweep: deliveries still pending or claimed.
      { key: { 'slots.delivery.state': 1, 'slots.createdAt': 1 }, name: 'slot_delivery_due' },
    ]);
    await this.outbox.createIndexes();
  }

  async issue(otp: NewOtp, limits?: IssueLimits): Promise<IssueOutcome> {
    // The caller's budget, the shared send budgets, the payment intent's marker and the
    // mailbox's update as one ordered bulk write: one command when the code is issued. A refused
    // mailbox writes nothing, so fewer changes than steps mean a refusal (or a taken
    // reference): one read then says which.
    let claims = [
      ...(limits?.client ? [this.clientClaim(limits.client, otp.createdAt)] : []),
      ...(limits?.shared ?? []).map((budget) => this.sharedClaim(budget, otp.createdAt)),
      ...(limits?.intent ? [this.intentClaim(limits.intent, otp.mailbox, otp.createdAt)] : []),
    ];
    for (const reference of otp.references) {
      const address: Claim = { ...issueStep(otp, reference, limits), mayChangeNothing: true, refusal: async () => null };
      const outcome = await this.claim([...claims, address]);
      if ('refused' in outcome) return { issued: false, ...outcome.refused };
      // Changed as many documents as it had steps: issued. Fewer (or not known): one read says what happened.
      if (outcome.changed === claims.length + 1) return { issued: true, reference };
      const doc = await this.addresses.findOne({ _id: otp.mailbox }, { projection: ISSUE_PROJECTION });
      const mine = doc?.slots?.find((slot) => slot.codeId === otp.id);
      if (mine) return { issued: true, reference: mine.reference };
      if (limits?.intent && doc?.intents?.some((i) => i.key === limits.intent!.key && i.until > otp.createdAt)) return { issued: false, retryAfterMs: 0, limit: 'intent' };
      const refusal = limits && doc ? issueRefusal(limitState(doc), limits, otp.createdAt.getTime()) : null;
      if (refusal) return { issued: false, ...refusal };
      // The reference was a live code's: the next candidate, the claims already counted.
      claims = [];
    }
    throw new Error('every reference candidate is taken by a live code of the address');
  }

  async resend(command: ResendCommand): Promise<ResendOutcome> {
    // The caller's budget and the shared send budgets first, in one command.
    const first = [...(command.limits.client ? [this.clientClaim(command.limits.client, command.now)] : []), ...(command.limits.shared ?? []).map((budget) => this.sharedClaim(budget, command.now))];
    if (first.length > 0) {
      const claimed = await this.claim(first);
      if ('refused' in claimed) {
        const { limit, retryAfterMs } = claimed.refused;
        return { result: 'limited', retryAfterMs, limit: limit === 'domain' || limit === 'global' ? limit : 'client' };
      }
    }
    const { filter, update } = resendStep(command);
    const doc = await this.addresses.findOneAndUpdate(filter, this.beforeDeadline(update), {
      returnDocument: 'after',
      projection: { verdict: 1, cooldownUntil: 1, sends: 1, slots: { $elemMatch: { codeId: command.id } } },
    });
    const verdict = doc?.verdict as ResendVerdictDocument | undefined;
    const slot = doc?.slots?.[0];
    if (!verdict || !slot) return { result: 'not_found' };
    switch (verdict.result) {
      case 'expired':
      case 'too_many_attempts':
        return { result: verdict.result };
      case 'refused': {
        const refusal = sendRefusal(limitState(doc), command.limits, command.now.getTime());
        return { result: 'limited', ...(refusal ?? { limit: 'sends', retryAfterMs: 1_000 }) };
      }
      default:
        return { result: 'resent', queued: verdict.result === 'queued', expiresAt: slot.expiresAt, reference: slot.reference };
    }
  }

  async countClient(client: ClientLimit, now: Date): Promise<number | null> {
    const claimed = await this.claim([this.clientClaim(client, now)]);
    return 'refused' in claimed ? claimed.refused.retryAfterMs : null;
  }

  async check(command: CheckCommand): Promise<CheckOutcome> {
    // As for issue: the caller's budget first, in its own command.
    if (command.client) {
      const claimed = await this.claim([this.clientClaim(command.client, command.now)]);
      if ('refused' in claimed) return { result: 'limited', retryAfterMs: claimed.refused.retryAfterMs };
    }
    const { filter, update } = checkStep(command);
    // No upsert: a code that is not this address's matches nothing, and nothing is written.
    const doc = await this.addresses.findOneAndUpdate(filter, this.beforeDeadline(update), { returnDocument: 'after', projection: { verdict: 1 } });
    const verdict = doc?.verdict as VerdictDocument | undefined;
    if (!verdict) return { result: 'not_found' };
    switch (verdict.result) {
      case 'mismatched':
        return { result: 'mismatched', attempts: verdict.attempts! };
      case 'verified':
      case 'expired':
      case 'too_many_attempts':
        return { result: verdict.result };
      default:
        return { result: 'not_found' };
    }
  }

  async findLatest(mailbox: string, purpose: string): Promise<OtpRecord | null> {
    const doc = await this.addresses.findOne({ _id: mailbox }, { projection: { slots: 1 } });
    // Slots are kept in issue order: the last is the newest.
    const slot = doc?.slots?.findLast((s) => s.purpose === purpose);
    return slot ? toRecord(mailbox, slot) : null;
  }

  claimDelivery(id: string, worker: string, leaseMs: number): Promise<OtpRecord | null> {
    return this.deliveries.claimDelivery(id, worker, leaseMs);
  }

  claimDeliveries(ids: readonly string[], worker: string, leaseMs: number): Promise<OtpRecord[]> {
    return this.deliveries.claimDeliveries(ids, worker, leaseMs);
  }

  renewLeases(ids: readonly string[], worker: string, leaseMs: number): Promise<number> {
    return this.deliveries.renewLeases(ids, worker, leaseMs);
  }

  completeDelivery(id: string, worker: string, outcome: DeliveryOutcome, webhook?: NewWebhook): Promise<boolean> {
    return this.deliveries.completeDelivery(id, worker, outcome, webhook);
  }

  completeDeliveries(worker: string, completions: readonly Completion[]): Promise<boolean[]> {
    return this.deliveries.completeDeliveries(worker, completions);
  }

  recordDeliveryEvent(id: string, event: DeliveryEvent, webhook?: NewWebhook): Promise<DeliveryEventResult> {
    return this.deliveries.recordDeliveryEvent(id, event, webhook);
  }

  findById(id: string): Promise<OtpRecord | null> {
    return this.deliveries.findById(id);
  }

  deliveryStatus(id: string): Promise<DeliveryStatus | null> {
    return this.deliveries.deliveryStatus(id);
  }

  findDueDeliveries(now: Date, pendingBefore: Date, limit: number): Promise<string[]> {
    return this.deliveries.findDueDeliveries(now, pendingBefore, limit);
  }

  oldestPendingDelivery(now: Date): Promise<Date | null> {
    return this.deliveries.oldestPendingDelivery(now);
  }

  /** Runs `step` again (up to 3 times, 0.5 s apart) while the store is unreachable for now. */
  private async retryWhileUnavailable<T>(step: () => Promise<T>): Promise<T> {
    for (let attempt = 1; ; attempt += 1) {
      try {
        return await step();
      } catch (error) {
        if (attempt >= 3 || !this.isUnavailable(error)) throw error;
        await new Promise((resolve) => setTimeout(resolve, 500));
      }
    }
  }

  enqueueWebhook(event: NewWebhook): Promise<void> {
    return this.outbox.enqueueWebhook(event);
  }

  relayWebhooks(limit: number): Promise<number> {
    return this.outbox.relayWebhooks(limit);
  }

  claimWebhooks(worker: string, leaseMs: number, limit: number): Promise<OutboxEvent[]> {
    return this.outbox.claimWebhooks(worker, leaseMs, limit);
  }

  completeWebhook(id: string, worker: string, outcome: OutboxOutcome): Promise<boolean> {
    return this.outbox.completeWebhook(id, worker, outcome);
  }

  subscribeDeliveryChanges(onChange: (ids: string[]) => void, onError: (error: unknown) => void = () => undefined): Promise<FeedSubscription> {
    return this.tracked((failed) => watchDeliveryChanges(this.addresses, onChange, failed), onError);
  }

  subscribeInserts(
    resumeAfter: string | null,
    onInsert: (event: InsertEvent) => Promise<void>,
    onError: (error: unknown) => void = () => undefined,
  ): Promise<FeedSubscription> {
    return this.tracked((failed) => watchIssues(this.addresses, resumeAfter, onInsert, failed), onError);
  }

  /** Opens a feed that close() will close too; one that fails is forgotten before `onError` hears of it. */
  private async tracked(open: (failed: (error: unknown) => void) => Promise<FeedSubscription>, onError: (error: unknown) => void): Promise<FeedSubscription> {
    const subscription = await open((error) => {
      this.subscriptions.delete(tracked);
      onError(error);
    });
    const tracked: FeedSubscription = {
      close: async () => {
        this.subscriptions.delete(tracked);
        await subscription.close();
      },
    };
    this.subscriptions.add(tracked);
    return tracked;
  }

  async loadCheckpoint(name: string): Promise<string | null> {
    return (await this.checkpoints.findOne({ _id: name }))?.token ?? null;
  }

  async saveCheckpoint(name: string, token: string): Promise<void> {
    // $max keeps the furthest position when several replicas save under one name: resume
    // tokens compare in stream order as strings.
    await this.checkpoints.updateOne({ _id: name }, { $max: { token }, $set: { updatedAt: new Date() } }, { upsert: true });
  }

  isUnavailable(error: unknown): boolean {
    // A bulk write wraps a driver error (server selection, network) and keeps it as errorResponse.
    const wrapped: unknown = error instanceof MongoBulkWriteError ? error.errorResponse : undefined;
    if (wrapped instanceof Error) return this.isUnavailable(wrapped);
    return (
      isTimeBound(error, firstWriteError) ||
      error instanceof MongoNetworkError ||
      error instanceof MongoServerSelectionError ||
      error instanceof MongoNotConnectedError ||
      error instanceof MongoTopologyClosedError ||
      (error instanceof StepWriteError && REFUSED_WRITE_CODES.has(Number(error.code))) ||
      (error instanceof MongoError && (error.hasErrorLabel('RetryableWriteError') || UNAVAILABLE_CODES.has(Number(error.code)) || REFUSED_WRITE_CODES.has(Number(error.code))))
    );
  }

  async ping(): Promise<void> {
    await this.db.command({ ping: 1 }, { signal: AbortSignal.timeout(this.timeoutMs) });
  }

  async close(): Promise<void> {
    await Promise.all([...this.subscriptions].map((s) => s.close()));
    await this.client.close();
    await this.onClose?.();
  }

  /** A caller's budget as a claim: refused, it reads back how long to wait. */
  private clientClaim({ key, limit }: ClientLimit, now: Date): Claim {
    return {
      ...clientStep(key, limit, now),
      refusal: async () => {
        const doc = await this.clients.findOne({ _id: { client: key } });
        const wait = refusalMs(windowCount(doc?.window), limit, now.getTime());
        return wait === null ? null : { limit: 'client', retryAfterMs: wait };
      },
    };
  }

  /** A shared send budget as a claim: counted like a caller's, refused under its own name. */
  private sharedClaim(budget: SharedBudget, now: Date): Claim {
    const claim = this.clientClaim(budget, now);
    return { ...claim, refusal: async () => {
      const refusal = await claim.refusal();
      return refusal && { limit: budget.name, retryAfterMs: refusal.retryAfterMs };
    } };
  }

  /** A payment intent's marker as a claim: refused when another mailbox holds it. */
  private intentClaim(intent: IntentUse, mailbox: string, now: Date): Claim {
    return {
      ...intentStep(intent, mailbox, now),
      refusal: async () => {
        const doc = await this.intents.findOne({ _id: { intent: intent.key } });
        return doc && doc.email !== mailbox ? { limit: 'intent', retryAfterMs: 0 } : null;
      },
    };
  }

  /** A request's write, refused by mongod itself if it runs after the request has given up. */
  private beforeDeadline(update: Document[]): Document[] {
    return beforeDeadline(update, writeDeadline(this.timeoutMs));
  }

  /**
   * Sends the claims as one ordered sequence, in one bulk write with those of the requests of
   * the same turn. A refused claim collides on its _id and stops the rest; one more read says
   * why (and how long to wait). When the read shows no refusal after all (two first requests
   * raced to create the same document), the claims from there on are tried again. Otherwise
   * returns how many documents the claims changed (null: not known, see WriteBatcher).
   */
  private async claim(claims: Claim[]): Promise<{ refused: { limit: IssueLimit; retryAfterMs: number } } | { changed: number | null }> {
    let remaining = claims;
    let changed = 0;
    for (let attempt = 0; remaining.length > 0; attempt += 1) {
      const deadline = writeDeadline(this.timeoutMs);
      const operations = remaining.map(({ filter, update }) => ({ updateOne: { filter, update: beforeDeadline(update, deadline), upsert: true } }));
      // With the claims of the other requests of this turn, in one command (mongo/write-batch.ts).
      const result = await this.writes.write(operations, remaining.some((c) => c.mayChangeNothing));
      if ('changed' in result) return { changed: result.changed === null ? null : changed + result.changed };
      if (result.code !== DUPLICATE_KEY) throw result.error;
      const refused = remaining[result.failedAt]!;
      const refusal = await refused.refusal();
      if (refusal) return { refused: refusal };
      if (attempt >= RACE_RETRIES) throw result.error;
      // The steps before the collision went through: counted, and not sent again.
      changed += result.failedAt;
      remaining = remaining.slice(result.failedAt);
    }
    return { changed };
  }
}
