// The MongoDB adapter: queries, indexes and the change stream, no policy. Every method that
// guards a rule is one atomic operation with the guard in its filter, so replicas sharing the
// database cannot race past a limit. Expired codes are deleted by MongoDB's TTL index.
//
// One document per (email, purpose) holds the live code: a new code replaces the old one in a
// single upsert, so "the newest code is the only live one" holds after any single failure, and
// "newest" is the order in which the server applied the writes, not any app server's clock.
import {
  MongoClient,
  MongoError,
  MongoNetworkError,
  MongoNotConnectedError,
  MongoServerError,
  MongoServerSelectionError,
  MongoTopologyClosedError,
  type ChangeStream,
  type Collection,
  type Db,
  type ResumeToken,
} from 'mongodb';
import { RateLimiterMongo, type RateLimiterAbstract } from 'rate-limiter-flexible';
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

/** A code as stored: OtpRecord with `codeId` for `id`, under its (email, purpose) slot. */
export type OtpDocument = Omit<OtpRecord, 'id'> & { _id: string; codeId: string };

interface CheckpointDocument {
  _id: string;
  token: string;
  updatedAt: Date;
}

export const OTP_COLLECTION = 'otps';
export const CHECKPOINT_COLLECTION = 'checkpoints';
export const RATE_LIMIT_COLLECTION = 'rate_limits';

/** The slot of (email, purpose). Purposes never contain "|", so the last one separates them. */
export const slotKey = (email: string, purpose: string) => `${email}|${purpose}`;

/**
 * The server's answers that mean a resume position is gone for good: ChangeStreamFatalError
 * (280, "the resume token was not found"), InvalidResumeToken (260), ChangeStreamHistoryLost
 * (286). Anything else (an election, a network error) is worth retrying from the same place.
 */
const LOST_POSITION_CODES = new Set([260, 280, 286]);

/** A claim whose lease has run out, on the database's clock. */
const leaseLapsed = { $expr: { $lte: ['$delivery.leaseUntil', '$$NOW'] } };

/** Server answers during elections and shutdowns: the operation may succeed on a retry. */
const UNAVAILABLE_CODES = new Set([6, 7, 89, 91, 189, 262, 9001, 10107, 11600, 11602, 13435, 13436]);

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
}

const toRecord = ({ _id: _slot, codeId, ...rest }: OtpDocument): OtpRecord => ({ id: codeId, ...rest });

export class MongoOtpStore implements OtpStore {
  readonly kind = 'mongodb' as const;
  private readonly otps: Collection<OtpDocument>;
  private readonly checkpoints: Collection<CheckpointDocument>;
  private readonly subscriptions = new Set<FeedSubscription>();

  private constructor(
    readonly client: MongoClient,
    readonly db: Db,
    private readonly onClose?: () => Promise<void>,
  ) {
    this.otps = db.collection<OtpDocument>(OTP_COLLECTION);
    this.checkpoints = db.collection<CheckpointDocument>(CHECKPOINT_COLLECTION);
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
      const store = new MongoOtpStore(client, client.db(options.dbName), options.onClose);
      await store.createIndexes();
      return store;
    } catch (error) {
      await client.close();
      throw error;
    }
  }

  async createIndexes(): Promise<void> {
    await this.otps.createIndexes([
      // MongoDB deletes a code once expiresAt has passed (its monitor runs about once a minute;
      // the service refuses expired codes itself before then).
      { key: { expiresAt: 1 }, name: 'ttl_expiresAt', expireAfterSeconds: 0 },
      // Attempts, consumption and delivery claims address a code by its id.
      { key: { codeId: 1 }, name: 'code_id', unique: true },
      // The sweep: deliveries still pending or claimed.
      { key: { 'delivery.state': 1, createdAt: 1 }, name: 'delivery_due' },
    ]);
    // rate-limiter-flexible would create its own indexes in the background, unawaited, with
    // failures only on the console: create them here, with the others, and wait for them.
    await new RateLimiterMongo({ ...this.limiterBase(), points: 1, duration: 1 }).createIndexes();
  }

  async insert(otp: NewOtp): Promise<void> {
    const { id, ...fields } = otp;
    // One retryable write: it either replaced the previous code or changed nothing.
    await this.otps.replaceOne(
      { _id: slotKey(otp.email, otp.purpose) },
      { codeId: id, ...fields, attempts: 0, delivery: pendingDelivery() },
      { upsert: true },
    );
  }

  async findLatest(email: string, purpose: string): Promise<OtpRecord | null> {
    const doc = await this.otps.findOne({ _id: slotKey(email, purpose) });
    return doc ? toRecord(doc) : null;
  }

  async addFailedAttempt(id: string, maxAttempts: number): Promise<number | null> {
    const doc = await this.otps.findOneAndUpdate(
      { codeId: id, attempts: { $lt: maxAttempts } },
      { $inc: { attempts: 1 } },
      { returnDocument: 'after', projection: { attempts: 1 } },
    );
    return doc ? doc.attempts : null;
  }

  async consume(id: string, maxAttempts: number): Promise<boolean> {
    const doc = await this.otps.findOneAndDelete({ codeId: id, attempts: { $lt: maxAttempts } }, { projection: { _id: 1 } });
    return doc !== null;
  }

  async claimDelivery(id: string, worker: string, leaseMs: number): Promise<OtpRecord | null> {
    // $$NOW is the server's clock: every replica compares leases on the same time.
    const doc = await this.otps.findOneAndUpdate(
      { codeId: id, $or: [{ 'delivery.state': 'pending' }, { 'delivery.state': 'sending', ...leaseLapsed }] },
      [{ $set: { 'delivery.state': 'sending', 'delivery.claimedBy': worker, 'delivery.leaseUntil': { $add: ['$$NOW', leaseMs] } } }],
      { returnDocument: 'after' },
    );
    return doc ? toRecord(doc) : null;
  }

  async renewLeases(ids: readonly string[], worker: string, leaseMs: number): Promise<number> {
    const result = await this.otps.updateMany(
      { codeId: { $in: [...ids] }, 'delivery.state': 'sending', 'delivery.claimedBy': worker },
      [{ $set: { 'delivery.leaseUntil': { $add: ['$$NOW', leaseMs] } } }],
    );
    return result.matchedCount;
  }

  async completeDelivery(id: string, worker: string, outcome: DeliveryOutcome): Promise<boolean> {
    const result = await this.otps.updateOne(
      { codeId: id, 'delivery.state': 'sending', 'delivery.claimedBy': worker },
      {
        $set: {
          sealedCode: null,
          delivery: {
            state: outcome.state,
            attempts: outcome.attempts,
            claimedBy: null,
            leaseUntil: null,
            sentAt: outcome.state === 'sent' ? outcome.at : null,
            error: outcome.state === 'failed' ? outcome.error : null,
          },
        },
      },
    );
    return result.modifiedCount === 1;
  }

  async findDueDeliveries(now: Date, pendingBefore: Date, limit: number): Promise<string[]> {
    const docs = await this.otps
      .find(
        {
          expiresAt: { $gt: now },
          $or: [
            { 'delivery.state': 'pending', createdAt: { $lt: pendingBefore } },
            { 'delivery.state': 'sending', ...leaseLapsed },
          ],
        },
        { projection: { codeId: 1 }, limit },
      )
      .toArray();
    return docs.map((d) => d.codeId);
  }

  async oldestPendingDelivery(now: Date): Promise<Date | null> {
    const doc = await this.otps.findOne(
      { 'delivery.state': { $in: ['pending', 'sending'] }, expiresAt: { $gt: now } },
      { sort: { createdAt: 1 }, projection: { createdAt: 1 } },
    );
    return doc?.createdAt ?? null;
  }

  async subscribeInserts(
    resumeAfter: string | null,
    onInsert: (event: InsertEvent) => Promise<void>,
    onError: (error: unknown) => void = () => undefined,
  ): Promise<FeedSubscription> {
    let startAfter: ResumeToken | undefined;
    try {
      startAfter = resumeAfter === null ? undefined : (JSON.parse(resumeAfter) as ResumeToken);
    } catch (error) {
      throw new ResumePointLostError(`unreadable position: ${(error as Error).message}`);
    }
    const stream: ChangeStream<OtpDocument> = this.otps.watch<OtpDocument>(
      // A new code is an insert (first code for its slot) or a replace (a later one). Only its
      // id travels: the full document carries the sealed code, which need not travel here.
      [{ $match: { operationType: { $in: ['insert', 'replace'] } } }, { $project: { 'fullDocument.codeId': 1 } }],
      startAfter ? { startAfter } : {},
    );
    // Our own flag: on an error it cannot resume from, the driver closes the stream before it
    // rejects next(), so `stream.closed` cannot tell a deliberate close from a failure.
    let closing = false;
    let delivered = false;
    const failed = (error: unknown) => {
      // MongoDB accepts a lost position when the stream opens and refuses it at the first event.
      const lost = startAfter && !delivered && error instanceof MongoServerError && LOST_POSITION_CODES.has(Number(error.code));
      return lost ? new ResumePointLostError(error.message) : error;
    };

    let first;
    try {
      // The stream opens lazily: this first call opens it, and is where the server may refuse.
      first = await stream.tryNext();
    } catch (error) {
      closing = true;
      await stream.close();
      throw failed(error);
    }

    const loop = (async () => {
      let change = first;
      // The driver resumes by itself after resumable errors (elections, network blips); what
      // reaches us here is an error it could not resume from, or server selection timing out.
      while (!closing) {
        const fullDocument = (change as { fullDocument?: { codeId?: string } } | null)?.fullDocument;
        if (change && fullDocument?.codeId) {
          delivered = true;
          await onInsert({ id: fullDocument.codeId, token: JSON.stringify(change._id) });
        }
        change = await stream.next().catch((error: unknown) => {
          if (closing) return null;
          throw error;
        });
      }
    })().catch(async (error: unknown) => {
      this.subscriptions.delete(subscription);
      closing = true;
      await stream.close().catch(() => undefined);
      onError(failed(error));
    });

    const subscription: FeedSubscription = {
      close: async () => {
        closing = true;
        this.subscriptions.delete(subscription);
        await stream.close();
        await loop;
      },
    };
    this.subscriptions.add(subscription);
    return subscription;
  }

  async loadCheckpoint(name: string): Promise<string | null> {
    return (await this.checkpoints.findOne({ _id: name }))?.token ?? null;
  }

  async saveCheckpoint(name: string, token: string): Promise<void> {
    // $max keeps the furthest position when several replicas save under one name: resume
    // tokens compare in stream order as strings.
    await this.checkpoints.updateOne({ _id: name }, { $max: { token }, $set: { updatedAt: new Date() } }, { upsert: true });
  }

  createRateLimiter(options: RateLimitOptions): RateLimiterAbstract {
    return new RateLimiterMongo({
      ...this.limiterBase(),
      keyPrefix: options.keyPrefix,
      points: options.points,
      duration: options.durationSeconds,
    });
  }

  isUnavailable(error: unknown): boolean {
    return (
      error instanceof MongoNetworkError ||
      error instanceof MongoServerSelectionError ||
      error instanceof MongoNotConnectedError ||
      error instanceof MongoTopologyClosedError ||
      (error instanceof MongoError && (error.hasErrorLabel('RetryableWriteError') || UNAVAILABLE_CODES.has(Number(error.code))))
    );
  }

  async ping(): Promise<void> {
    await this.db.command({ ping: 1 });
  }

  async close(): Promise<void> {
    await Promise.all([...this.subscriptions].map((s) => s.close()));
    await this.client.close();
    await this.onClose?.();
  }

  private limiterBase() {
    return {
      storeClient: this.client,
      dbName: this.db.databaseName,
      tableName: RATE_LIMIT_COLLECTION,
      disableIndexesCreation: true,
    };
  }
}
