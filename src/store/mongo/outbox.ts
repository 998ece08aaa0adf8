// The merchant webhooks' outbox on MongoDB: one document per event, claimed with a lease on the
// database's clock (like deliveries), so any replica's sender may take it and a restart loses
// nothing. An event is first written inside its address's document, in the same command as the
// change it reports (address.updates.ts, deliveries.ts); the relay here moves it into this
// collection: an upsert by its id, then its removal from the address. A crash between the two
// leaves it in both, and the next relay's upsert finds it already there. Finished events stay
// an hour as markers, so that such a late relay does not send one again; a TTL index removes them.
import { ObjectId, type AnyBulkWriteOperation, type Collection, type Document } from 'mongodb';
import { WEBHOOK_REPLAY_MS, type NewWebhook, type OutboxEvent, type OutboxOutcome, type WebhookOutbox } from '../otp.store.js';
import { WEBHOOK_KEEP_MS, type AddressDocument } from './documents.js';
import { lifetime, withAttached } from './stages.js';

interface OutboxDocument {
  _id: string;
  type: string;
  payload: string;
  createdAt: Date;
  attempts: number;
  /** Not to be tried before this (database clock); the far future once finished. */
  dueAt: Date;
  claim: { by: string; mark: string; until: Date } | null;
  /** Delivered or given up on: kept as a marker until `expiresAt`. */
  done?: boolean;
  /** The traceparent of what made it, when traced. */
  trace?: string;
  /** The merchant whose payment it tells of: only that merchant may replay it. */
  merchant?: string;
  /** A week after it was made, or an hour after it was finished. */
  expiresAt: Date;
}

export const OUTBOX_COLLECTION = 'webhook_outbox';
/**
 * How long a finished event is kept, with its body: to be replayed by its merchant, and as a
 * marker against a relay that crashed between its two writes.
 */
const FINISHED_KEEP_MS = WEBHOOK_REPLAY_MS;
const NEVER = new Date(8.64e15);

export class MongoOutbox implements WebhookOutbox {
  private readonly events: Collection<OutboxDocument>;

  /** `collection` opens a collection by name (the store's: time-bound); `addresses` holds events not yet relayed. */
  constructor(
    collection: (name: string) => Collection<Document>,
    private readonly addresses: Collection<AddressDocument>,
  ) {
    this.events = collection(OUTBOX_COLLECTION) as unknown as Collection<OutboxDocument>;
  }

  async createIndexes(): Promise<void> {
    await this.events.createIndexes([
      { key: { dueAt: 1 }, name: 'due' },
      { key: { expiresAt: 1 }, name: 'ttl_expiresAt', expireAfterSeconds: 0 },
    ]);
    // Only documents with events waiting are in it: the relay's poll reads nothing else.
    await this.addresses.createIndexes([{ key: { 'webhooks.keepUntil': 1 }, name: 'webhooks_waiting', sparse: true }]);
  }

  async enqueueWebhook(event: NewWebhook): Promise<void> {
    await this.events.bulkWrite([this.upsert(event)]);
  }

  async relayWebhooks(limit: number): Promise<number> {
    const docs = await this.addresses.find({ 'webhooks.keepUntil': { $exists: true } }, { projection: { webhooks: 1 }, limit }).toArray();
    const waiting = docs.flatMap((doc) => doc.webhooks ?? []);
    if (waiting.length === 0) return 0;
    await this.events.bulkWrite(waiting.map((event) => this.upsert(withAttached(event))), { ordered: false });
    // Only the events read are removed: one written since then waits for the next relay.
    await this.addresses.bulkWrite(
      docs.map((doc) => {
        const relayed = (doc.webhooks ?? []).map((event) => event.id);
        const left = { $filter: { input: { $ifNull: ['$webhooks', []] }, cond: { $not: [{ $in: ['$$this.id', { $literal: relayed }] }] } } };
        return {
          updateOne: {
            filter: { _id: doc._id },
            update: [{ $set: { webhooks: { $let: { vars: { left }, in: { $cond: [{ $eq: [{ $size: '$$left' }, 0] }, '$$REMOVE', '$$left'] } } } } }, lifetime('$$NOW')],
          },
        };
      }),
      { ordered: false },
    );
    return waiting.length;
  }

  async claimWebhooks(worker: string, leaseMs: number, limit: number): Promise<OutboxEvent[]> {
    const claimed: OutboxEvent[] = [];
    const due = { $expr: { $and: [{ $lte: ['$dueAt', '$$NOW'] }, { $or: [{ $eq: ['$claim', null] }, { $lte: ['$claim.until', '$$NOW'] }] }] } };
    while (claimed.length < limit) {
      const mark = new ObjectId().toHexString();
      const doc = await this.events.findOneAndUpdate(due, [{ $set: { claim: { by: worker, mark, until: { $add: ['$$NOW', leaseMs] } } } }], {
        sort: { dueAt: 1 },
        returnDocument: 'after',
      });
      if (!doc) break;
      claimed.push({ id: doc._id, type: doc.type, payload: doc.payload, createdAt: doc.createdAt, attempts: doc.attempts, ...(doc.trace ? { trace: doc.trace } : {}) });
    }
    return claimed;
  }

  async completeWebhook(id: string, worker: string, outcome: OutboxOutcome): Promise<boolean> {
    const held = { _id: id, 'claim.by': worker, done: { $ne: true } };
    const finished = [{ $set: { done: true, dueAt: NEVER, claim: null, expiresAt: { $add: ['$$NOW', FINISHED_KEEP_MS] } } }];
    const retry = [{ $set: { attempts: { $add: ['$attempts', 1] }, dueAt: { $add: ['$$NOW', outcome.state === 'retry' ? outcome.retryInMs : 0] }, claim: null } }];
    const result = await this.events.updateOne(held, outcome.state === 'retry' ? retry : finished);
    return result.modifiedCount === 1;
  }

  async replayWebhook(id: string, merchant: string): Promise<boolean> {
    // Due again at once, under its own id (a receiver that kept it drops the repeat). A
    // finished one starts a fresh day of tries; one still being tried is only brought forward.
    // (Events finished before bodies were kept have an empty payload: nothing to send.)
    const ifDone = (then: unknown, otherwise: string) => ({ $cond: [{ $eq: ['$done', true] }, then, otherwise] });
    const result = await this.events.updateOne({ _id: id, merchant, payload: { $ne: '' } }, [
      {
        $set: {
          dueAt: '$$NOW',
          attempts: ifDone(0, '$attempts'),
          createdAt: ifDone('$$NOW', '$createdAt'),
          expiresAt: ifDone({ $add: ['$$NOW', WEBHOOK_KEEP_MS] }, '$expiresAt'),
          claim: ifDone(null, '$claim'),
          done: false,
        },
      },
    ]);
    return result.matchedCount === 1;
  }

  /** An upsert, so that a retried or repeated write (a relay after a crash) does not make a second event. */
  private upsert({ id, type, payload, createdAt, trace, merchant }: NewWebhook): AnyBulkWriteOperation<OutboxDocument> {
    return {
      updateOne: {
        filter: { _id: id },
        update: { $setOnInsert: { type, payload, createdAt, attempts: 0, dueAt: new Date(0), claim: null, expiresAt: new Date(createdAt.getTime() + WEBHOOK_KEEP_MS), ...(trace ? { trace } : {}), ...(merchant ? { merchant } : {}) } },
        upsert: true,
      },
    };
  }
}
