// The merchant webhooks' outbox on MongoDB: one document per event, claimed with a lease on the
// database's clock (like deliveries), so any replica's sender may take it and a restart loses
// nothing. Removed once delivered or given up on; a TTL index is the backstop.
import { ObjectId, type Collection, type Document } from 'mongodb';
import type { OutboxEvent, OutboxOutcome, WebhookOutbox } from '../otp.store.js';

interface OutboxDocument {
  _id: string;
  type: string;
  payload: string;
  createdAt: Date;
  attempts: number;
  /** Not to be tried before this (database clock). */
  dueAt: Date;
  claim: { by: string; mark: string; until: Date } | null;
  /** A week after it was made, whatever became of it. */
  expiresAt: Date;
}

export const OUTBOX_COLLECTION = 'webhook_outbox';
const KEEP_MS = 7 * 24 * 3600 * 1000;

export class MongoOutbox implements WebhookOutbox {
  private readonly events: Collection<OutboxDocument>;

  /** `collection` opens a collection by name (the store's: time-bound). */
  constructor(collection: (name: string) => Collection<Document>) {
    this.events = collection(OUTBOX_COLLECTION) as unknown as Collection<OutboxDocument>;
  }

  async createIndexes(): Promise<void> {
    await this.events.createIndexes([
      { key: { dueAt: 1 }, name: 'due' },
      { key: { expiresAt: 1 }, name: 'ttl_expiresAt', expireAfterSeconds: 0 },
    ]);
  }

  async enqueueWebhook({ id, type, payload, createdAt }: Pick<OutboxEvent, 'id' | 'type' | 'payload' | 'createdAt'>): Promise<void> {
    // An upsert, so that a retried write after a lost answer does not make a second event.
    await this.events.updateOne(
      { _id: id },
      { $setOnInsert: { type, payload, createdAt, attempts: 0, dueAt: new Date(0), claim: null, expiresAt: new Date(createdAt.getTime() + KEEP_MS) } },
      { upsert: true },
    );
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
      claimed.push({ id: doc._id, type: doc.type, payload: doc.payload, createdAt: doc.createdAt, attempts: doc.attempts });
    }
    return claimed;
  }

  async completeWebhook(id: string, worker: string, outcome: OutboxOutcome): Promise<boolean> {
    const held = { _id: id, 'claim.by': worker };
    if (outcome.state !== 'retry') return (await this.events.deleteOne(held)).deletedCount === 1;
    const result = await this.events.updateOne(held, [
      { $set: { attempts: { $add: ['$attempts', 1] }, dueAt: { $add: ['$$NOW', outcome.retryInMs] }, claim: null } },
    ]);
    return result.modifiedCount === 1;
  }
}
