import { type Clock } from '../clock.js';
import { type CheckCommand, type CheckOutcome, type ClientLimit, type DeliveryEvent, type DeliveryEventResult, type DeliveryOutcome, type DeliveryStatus, type FeedSubscription, type InsertEvent, type IssueLimits, type IssueOutcome, type NewOtp, type NewWebhook, type OtpRecord, type OtpStore, type OutboxEvent, type OutboxOutcome, type ResendCommand, type ResendOutcome } from './otp.store.js';
export interface MemoryStoreOptions {
    clock?: Clock;
    /** How often expired codes are deleted (MongoDB's TTL monitor runs every 60 s). */
    expirySweepMs?: number;
}
export declare class MemoryOtpStore implements OtpStore {
    readonly kind: 'memory';
    private readonly records;
    private readonly addresses;
    private readonly clients;
    /** Payment intents claimed by an address (MongoDB's intent markers), until each expires. */
    private readonly intentClaims;
    /** Ids whose delivery is pending or claimed: what the sweep looks at. */
    private readonly undelivered;
    private readonly checkpoints;
    /** Merchant webhooks waiting to be sent, by id. */
    private readonly outbox;
    /** Listeners for delivery state changes. */
    private readonly deliveryListeners;
    private readonly subscribers;
    private seq;
    private closed;
    private readonly clock;
    private readonly expiryTimer;
    constructor(options?: MemoryStoreOptions);
    issue(otp: NewOtp, limits?: IssueLimits): Promise<IssueOutcome>;
    resend({ mailbox, id, now: at, maxAttempts, limits }: ResendCommand): Promise<ResendOutcome>;
    check(command: CheckCommand): Promise<CheckOutcome>;
    /**
     * Claims a payment intent for `mailbox`, as MongoDB's marker does: another address's live claim
     * refuses it; the same address may come back (after a refused request, say), and only a code
     * issued for it (the address's own record) makes it used.
     */
    private claimIntent;
    countClient(client: ClientLimit, at: Date): Promise<number | null>;
    /** The address as the shared judges read it. */
    private limitState;
    private countSend;
    findLatest(mailbox: string, purpose: string): Promise<OtpRecord | null>;
    claimDelivery(id: string, worker: string, leaseMs: number): Promise<OtpRecord | null>;
    claimDeliveries(ids: readonly string[], worker: string, leaseMs: number): Promise<OtpRecord[]>;
    renewLeases(ids: readonly string[], worker: string, leaseMs: number): Promise<number>;
    completeDelivery(id: string, worker: string, outcome: DeliveryOutcome, webhook?: NewWebhook): Promise<boolean>;
    recordDeliveryEvent(id: string, event: DeliveryEvent, webhook?: NewWebhook): Promise<DeliveryEventResult>;
    findById(id: string): Promise<OtpRecord | null>;
    enqueueWebhook(event: NewWebhook): Promise<void>;
    /** Webhooks go into the outbox in the step that makes them: nothing waits to be moved. */
    relayWebhooks(): Promise<number>;
    /** Synchronous, so that it is part of the step that calls it (no await in between). */
    private putWebhook;
    claimWebhooks(worker: string, leaseMs: number, limit: number): Promise<OutboxEvent[]>;
    completeWebhook(id: string, worker: string, outcome: OutboxOutcome): Promise<boolean>;
    deliveryStatus(id: string): Promise<DeliveryStatus | null>;
    subscribeDeliveryChanges(onChange: (ids: string[]) => void): Promise<FeedSubscription>;
    findDueDeliveries(now: Date, pendingBefore: Date, limit: number): Promise<string[]>;
    oldestPendingDelivery(now: Date): Promise<Date | null>;
    subscribeInserts(resumeAfter: string | null, onInsert: (event: InsertEvent) => Promise<void>): Promise<FeedSubscription>;
    loadCheckpoint(name: string): Promise<string | null>;
    saveCheckpoint(name: string, token: string): Promise<void>;
    isUnavailable(): boolean;
    ping(): Promise<void>;
    close(): Promise<void>;
    /** How many codes are held. */
    get size(): number;
    /** How many codes, addresses and caller counters are held: for the benchmark's memory figures. */
    get held(): {
        codes: number;
        addresses: number;
        clients: number;
    };
    /**
     * Deletes what MongoDB's TTL monitor would: an address once its codes have expired and its
     * windows have closed, and a caller's counter once its window has closed.
     */
    deleteExpired(): number;
    private refuseClient;
    private bumpClient;
    /**
     * Counts one in each shared send budget, in order, as MongoDB's ordered bulk write does: the
     * first that is spent stops there (those before it counted), with its wait.
     */
    private countShared;
    private remove;
    /** A claim whose lease has run out: leases are on this store's clock, like MongoDB's $$NOW. */
    private leaseLapsed;
    /** Tells delivery listeners, after the current step (as a change stream would, a moment later). */
    private changed;
    private inMs;
    private copy;
}
