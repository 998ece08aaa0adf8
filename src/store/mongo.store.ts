// The MongoDB store: connects, checks for a replica set, creates the indexes, and plays every
// role of the store (otp.store.ts) through one file per role, each queries and atomic steps,
// no policy:
//   mongo/codes.ts       issue, resend, check (pipelines in mongo/address.updates.ts; under
//                        load, concurrent requests share commands: mongo/write-batch.ts)
//   mongo/deliveries.ts  the delivery queue (feeds: mongo/insert-feed.ts, mongo/delivery-feed.ts)
//   mongo/outbox.ts      the merchant webhooks' outbox
//   mongo/payment-records.ts payment codes for the merchant API: look up, cancel, expiry events
//   mongo/checkpoints.ts feed positions
// and health (ping, availability, close) here. Expired state is deleted by the TTL index.
import { MongoClient, type Collection, type Db, type Document } from 'mongodb';
import type { AddressDocument, ClientDocument, IntentDocument } from './mongo/documents.js';
import { MongoCheckpoints } from './mongo/checkpoints.js';
import { isUnavailable } from './mongo/availability.js';
import { MongoCodes } from './mongo/codes.js';
import { watchDeliveryChanges } from './mongo/delivery-feed.js';
import { watchIssues } from './mongo/insert-feed.js';
import { MongoDeliveries } from './mongo/deliveries.js';
import { timeBound } from './mongo/time-bound.js';
import { MongoOutbox } from './mongo/outbox.js';
import { MongoPaymentRecords } from './mongo/payment-records.js';
import { WriteBatcher } from './mongo/write-batch.js';
import type {
  CancelCommand, CheckCommand, CheckOutcome, ClientLimit, Completion, DeliveryMove, DeliveryMoveResult,
  DeliveryOutcome, DeliveryStatus, FeedItem, FeedSubscription, IssueLimits, IssueOutcome, NewOtp, NewWebhook,
  OtpRecord, OtpStore, OutboxEvent, OutboxOutcome, PaymentLookup, ResendCommand, ResendOutcome
} from './otp.store.js';

export const STATE_COLLECTION = 'otp_state';
export const CHECKPOINT_COLLECTION = 'checkpoints';

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

export class MongoOtpStore implements OtpStore {
  readonly kind = 'mongodb' as const;
  private readonly addresses: Collection<AddressDocument>;
  private readonly subscriptions = new Set<FeedSubscription>();
  private readonly codes: MongoCodes;
  private readonly outbox: MongoOutbox;
  private readonly deliveries: MongoDeliveries;
  private readonly checkpoints: MongoCheckpoints;
  private readonly payments: MongoPaymentRecords;

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
    const writes = new WriteBatcher(collection(STATE_COLLECTION));
    this.codes = new MongoCodes(this.addresses, collection<ClientDocument>(STATE_COLLECTION), collection<IntentDocument>(STATE_COLLECTION), writes, timeoutMs);
    this.checkpoints = new MongoCheckpoints(collection(CHECKPOINT_COLLECTION));
    this.outbox = new MongoOutbox((name) => collection(name), this.addresses);
    this.deliveries = new MongoDeliveries(this.addresses, (step) => this.retryWhileUnavailable(step));
    this.payments = new MongoPaymentRecords(this.addresses, collection<IntentDocument>(STATE_COLLECTION));
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
    await this.payments.createIndexes();
  }

  issue(otp: NewOtp, limits?: IssueLimits): Promise<IssueOutcome> {
    return this.codes.issue(otp, limits);
  }

  resend(command: ResendCommand): Promise<ResendOutcome> {
    return this.codes.resend(command);
  }

  countClient(client: ClientLimit, now: Date): Promise<number | null> {
    return this.codes.countClient(client, now);
  }

  check(command: CheckCommand): Promise<CheckOutcome> {
    return this.codes.check(command);
  }

  findLatest(mailbox: string, purpose: string): Promise<OtpRecord | null> {
    return this.codes.findLatest(mailbox, purpose);
  }

  findCode(mailbox: string, id: string): Promise<OtpRecord | null> {
    return this.codes.findCode(mailbox, id);
  }

  findPayment(merchant: string, lookup: PaymentLookup): Promise<OtpRecord | null> {
    return this.payments.findPayment(merchant, lookup);
  }

  cancelPayment(command: CancelCommand): Promise<boolean> {
    return this.payments.cancelPayment(command);
  }

  expirePayments(limit: number): Promise<number> {
    return this.payments.expirePayments(limit);
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

  recordDeliveryMove(id: string, event: DeliveryMove, webhook?: NewWebhook): Promise<DeliveryMoveResult> {
    return this.deliveries.recordDeliveryMove(id, event, webhook);
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

  replayWebhook(id: string, merchant: string): Promise<boolean> {
    return this.outbox.replayWebhook(id, merchant);
  }

  subscribeDeliveryChanges(onChange: (ids: string[]) => void, onError: (error: unknown) => void = () => undefined): Promise<FeedSubscription> {
    return this.tracked((failed) => watchDeliveryChanges(this.addresses, onChange, failed), onError);
  }

  subscribeInserts(
    resumeAfter: string | null,
    onInsert: (event: FeedItem) => Promise<void>,
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

  loadCheckpoint(name: string): Promise<string | null> {
    return this.checkpoints.loadCheckpoint(name);
  }

  saveCheckpoint(name: string, token: string): Promise<void> {
    return this.checkpoints.saveCheckpoint(name, token);
  }

  isUnavailable(error: unknown): boolean {
    return isUnavailable(error);
  }

  async ping(): Promise<void> {
    await this.db.command({ ping: 1 }, { signal: AbortSignal.timeout(this.timeoutMs) });
  }

  async close(): Promise<void> {
    await Promise.all([...this.subscriptions].map((s) => s.close()));
    await this.client.close();
    await this.onClose?.();
  }
}
