import { type Collection, type Document } from 'mongodb';
import type { NewWebhook, OutboxEvent, OutboxOutcome, WebhookOutbox } from '../otp.store.js';
import { type AddressDocument } from './address.updates.js';
export declare const OUTBOX_COLLECTION = "webhook_outbox";
export declare class MongoOutbox implements WebhookOutbox {
    private readonly addresses;
    private readonly events;
    /** `collection` opens a collection by name (the store's: time-bound); `addresses` holds events not yet relayed. */
    constructor(collection: (name: string) => Collection<Document>, addresses: Collection<AddressDocument>);
    createIndexes(): Promise<void>;
    enqueueWebhook(event: NewWebhook): Promise<void>;
    relayWebhooks(limit: number): Promise<number>;
    claimWebhooks(worker: string, leaseMs: number, limit: number): Promise<OutboxEvent[]>;
    completeWebhook(id: string, worker: string, outcome: OutboxOutcome): Promise<boolean>;
    /** An upsert, so that a retried or repeated write (a relay after a crash) does not make a second event. */
    private upsert;
}
