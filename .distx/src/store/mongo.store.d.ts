import { MongoClient, type Db } from 'mongodb';
import { type CheckCommand, type CheckOutcome, type ClientLimit, type DeliveryEvent, type DeliveryEventResult, type DeliveryOutcome, type DeliveryStatus, type FeedSubscription, type InsertEvent, type IssueLimits, type IssueOutcome, type NewOtp, type NewWebhook, type OtpRecord, type OtpStore, type OutboxEvent, type OutboxOutcome, type ResendCommand, type ResendOutcome } from './otp.store.js';
export declare const STATE_COLLECTION = "otp_state";
export declare const CHECKPOINT_COLLECTION = "checkpoints";
export declare class StandaloneServerError extends Error {
    constructor();
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
export declare const DEFAULT_TIMEOUT_MS = 5000;
export declare class MongoOtpStore implements OtpStore {
    readonly client: MongoClient;
    readonly db: Db;
    private readonly onClose;
    private readonly timeoutMs;
    readonly kind: 'mongodb';
    private readonly addresses;
    private readonly clients;
    private readonly intents;
    private readonly checkpoints;
    private readonly subscriptions;
    private readonly outbox;
    private readonly deliveries;
    private constructor();
    /** Connects, checks for a replica set, and creates the indexes (idempotent). */
    static connect(options: MongoStoreOptions): Promise<MongoOtpStore>;
    createIndexes(): Promise<void>;
    issue(otp: NewOtp, limits?: IssueLimits): Promise<IssueOutcome>;
    resend(command: ResendCommand): Promise<ResendOutcome>;
    countClient(client: ClientLimit, now: Date): Promise<number | null>;
    check(command: CheckCommand): Promise<CheckOutcome>;
    findLatest(mailbox: string, purpose: string): Promise<OtpRecord | null>;
    claimDelivery(id: string, worker: string, leaseMs: number): Promise<OtpRecord | null>;
    claimDeliveries(ids: readonly string[], worker: string, leaseMs: number): Promise<OtpRecord[]>;
    renewLeases(ids: readonly string[], worker: string, leaseMs: number): Promise<number>;
    completeDelivery(id: string, worker: string, outcome: DeliveryOutcome, webhook?: NewWebhook): Promise<boolean>;
    recordDeliveryEvent(id: string, event: DeliveryEvent, webhook?: NewWebhook): Promise<DeliveryEventResult>;
    findById(id: string): Promise<OtpRecord | null>;
    deliveryStatus(id: string): Promise<DeliveryStatus | null>;
    findDueDeliveries(now: Date, pendingBefore: Date, limit: number): Promise<string[]>;
    oldestPendingDelivery(now: Date): Promise<Date | null>;
    /** Runs `step` again (up to 3 times, 0.5 s apart) while the store is unreachable for now. */
    private retryWhileUnavailable;
    enqueueWebhook(event: NewWebhook): Promise<void>;
    relayWebhooks(limit: number): Promise<number>;
    claimWebhooks(worker: string, leaseMs: number, limit: number): Promise<OutboxEvent[]>;
    completeWebhook(id: string, worker: string, outcome: OutboxOutcome): Promise<boolean>;
    subscribeDeliveryChanges(onChange: (ids: string[]) => void, onError?: (error: unknown) => void): Promise<FeedSubscription>;
    subscribeInserts(resumeAfter: string | null, onInsert: (event: InsertEvent) => Promise<void>, onError?: (error: unknown) => void): Promise<FeedSubscription>;
    /** Opens a feed that close() will close too; one that fails is forgotten before `onError` hears of it. */
    private tracked;
    loadCheckpoint(name: string): Promise<string | null>;
    saveCheckpoint(name: string, token: string): Promise<void>;
    isUnavailable(error: unknown): boolean;
    ping(): Promise<void>;
    close(): Promise<void>;
    /** A caller's budget as a claim: refused, it reads back how long to wait. */
    private clientClaim;
    /** A shared send budget as a claim: counted like a caller's, refused under its own name. */
    private sharedClaim;
    /** A payment intent's marker as a claim: refused when another mailbox holds it. */
    private intentClaim;
    /**
     * Sends the claims as one ordered bulk write (one command). A refused claim collides on its
     * _id and stops the rest; one more read says why (and how long to wait). When the read shows
     * no refusal after all (two first requests raced to create the same document), the claims
     * from there on are tried again. Returns null when every claim went through.
     */
    /** A request's write, refused by mongod itself if it runs after the request has given up. */
    private beforeDeadline;
    private claim;
}
