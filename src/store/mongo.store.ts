// The MongoDB adapter: queries, indexes and the change stream, no policy. Every method that
// guards a rule is one atomic operation with the guard in its filter, so replicas sharing the
// database cannot race past a limit. Expired codes are deleted by MongoDB's TTL index.
import { MongoClient, MongoServerError, type ChangeStream, type Collection, type Db, type ResumeToken } from 'mongodb';
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

/** A code as stored: OtpRecord with MongoDB's `_id` for `id`. */
export type OtpDocument = Omit<OtpRecord, 'id'> & { _id: string };

interface CheckpointDocument {
  _id: string;
  token: string;
  updatedAt: Date;
}

export const OTP_COLLECTION = 'otps';
export const CHECKPOINT_COLLECTION = 'checkpoints';
export const RATE_LIMIT_COLLECTION = 'rate_limits';

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
  /** How long to look for a server before giving up at start-up. Default 5 s. */
  serverSelectionTimeoutMS?: number;
  /** Called when the store closes: stops an embedded mongod that belongs to it. */
  onClose?: () => Promise<void>;
}

const toRecord = ({ _id, ...rest }: OtpDocument): OtpRecord => ({ id: _id, ...rest });

export class MongoOtpStore implements OtpStore {
  readonly kind = 'mongodb' as const;
  private readonly otps: Collection<OtpDocument>;
  private readonly checkpoints: Collection<CheckpointDocument>;
  private readonly streams = new Set<ChangeStream>();

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
    const client = new MongoClient(options.uri, { serverSelectionTimeoutMS: options.serverSelectionTimeoutMS ?? 5_000 });
    await client.connect();
    try {
      const hello = await client.db('admin').command({ hello: 1 });
      // A sharded cluster's mongos answers "isdbgrid" and supports change streams too.
      if (!hello.setName && hello.msg !== 'isdbgrid') throw new StandaloneServerError();
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
      // The newest code for (email, purpose): findLatest and the replacement on insert.
      { key: { email: 1, purpose: 1, createdAt: -1, _id: -1 }, name: 'latest_by_email_purpose' },
      // The sweep: deliveries still pending or claimed.
      { key: { 'delivery.state': 1, createdAt: 1 }, name: 'delivery_due' },
    ]);
  }

  async insert(otp: NewOtp): Promise<void> {
    const { id, ...fields } = otp;
    await this.otps.insertOne({ _id: id, ...fields, attempts: 0, delivery: pendingDelivery() });
    // Delete only what is older than this code, by (createdAt, _id), so two concurrent
    // requests never delete each other's code: the newest survives.
    await this.otps.deleteMany({
      email: otp.email,
      purpose: otp.purpose,
      $or: [{ createdAt: { $lt: otp.createdAt } }, { createdAt: otp.createdAt, _id: { $lt: id } }],
    });
  }

  async findLatest(email: string, purpose: string): Promise<OtpRecord | null> {
    const doc = await this.otps.findOne({ email, purpose }, { sort: { createdAt: -1, _id: -1 } });
    return doc ? toRecord(doc) : null;
  }

  async addFailedAttempt(id: string, maxAttempts: number): Promise<number | null> {
    const doc = await this.otps.findOneAndUpdate(
      { _id: id, attempts: { $lt: maxAttempts } },
      { $inc: { attempts: 1 } },
      { returnDocument: 'after', projection: { attempts: 1 } },
    );
    return doc ? doc.attempts : null;
  }

  async consume(id: string, maxAttempts: number): Promise<boolean> {
    const doc = await this.otps.findOneAndDelete({ _id: id, attempts: { $lt: maxAttempts } }, { projection: { _id: 1 } });
    return doc !== null;
  }

  async claimDelivery(id: string, worker: string, now: Date, leaseUntil: Date): Promise<OtpRecord | null> {
    const doc = await this.otps.findOneAndUpdate(
      {
        _id: id,
        $or: [{ 'delivery.state': 'pending' }, { 'delivery.state': 'sending', 'delivery.leaseUntil': { $lte: now } }],
      },
      { $set: { 'delivery.state': 'sending', 'delivery.claimedBy': worker, 'delivery.leaseUntil': leaseUntil } },
      { returnDocument: 'after' },
    );
    return doc ? toRecord(doc) : null;
  }

  async completeDelivery(id: string, worker: string, outcome: DeliveryOutcome): Promise<boolean> {
    const result = await this.otps.updateOne(
      { _id: id, 'delivery.state': 'sending', 'delivery.claimedBy': worker },
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
            { 'delivery.state': 'sending', 'delivery.leaseUntil': { $lte: now } },
          ],
        },
        { projection: { _id: 1 }, limit },
      )
      .toArray();
    return docs.map((d) => d._id);
  }

  async oldestPendingDelivery(): Promise<Date | null> {
    const doc = await this.otps.findOne(
      { 'delivery.state': { $in: ['pending', 'sending'] }, expiresAt: { $gt: new Date() } },
      { sort: { createdAt: 1 }, projection: { createdAt: 1 } },
    );
    return doc?.createdAt ?? null;
  }

  async subscribeInserts(
    resumeAfter: string | null,
    onInsert: (event: InsertEvent) => Promise<void>,
    onError: (error: unknown) => void = () => undefined,
  ): Promise<FeedSubscription> {
    const handle = async (change: { _id: ResumeToken; documentKey?: { _id: string } }) => {
      if (change.documentKey) await onInsert({ id: change.documentKey._id, token: JSON.stringify(change._id) });
    };
    let stream: ChangeStream<OtpDocument> | undefined;
    let first;
    try {
      stream = this.otps.watch<OtpDocument>(
        // Only the key: the full document carries the sealed code, which need not travel here.
        [{ $match: { operationType: 'insert' } }, { $project: { documentKey: 1, operationType: 1 } }],
        resumeAfter ? { startAfter: JSON.parse(resumeAfter) as ResumeToken } : {},
      );
      // The stream opens lazily: this first call opens it, and is where the server refuses a
      // token that has fallen out of the oplog (or that it cannot use for any other reason).
      first = await stream.tryNext();
    } catch (error) {
      await stream?.close();
      // With a saved position, any refusal by the server (or an unreadable token) means the
      // same thing: start from now and let the sweep deliver what was missed. Network
      // trouble is not that, and is thrown as it is.
      if (resumeAfter !== null && (error instanceof MongoServerError || error instanceof SyntaxError)) {
        throw new ResumePointLostError(error.message);
      }
      throw error;
    }
    this.streams.add(stream);
    const opened = stream;

    const loop = (async () => {
      if (first) await handle(first as never);
      // The driver resumes by itself after resumable errors (elections, network blips).
      while (!opened.closed) {
        const change = await opened.next().catch((error: unknown) => {
          if (opened.closed) return null;
          throw error;
        });
        if (change) await handle(change as never);
      }
    })().catch((error: unknown) => {
      this.streams.delete(opened);
      void opened.close();
      onError(error);
    });

    return {
      close: async () => {
        this.streams.delete(opened);
        await opened.close();
        await loop;
      },
    };
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
      storeClient: this.client,
      dbName: this.db.databaseName,
      tableName: RATE_LIMIT_COLLECTION,
      keyPrefix: options.keyPrefix,
      points: options.points,
      duration: options.durationSeconds,
    });
  }

  async ping(): Promise<void> {
    await this.db.command({ ping: 1 });
  }

  async close(): Promise<void> {
    await Promise.all([...this.streams].map((s) => s.close()));
    this.streams.clear();
    await this.client.close();
    await this.onClose?.();
  }
}
