import type { Clock } from '../clock.js';
import type { Logger } from '../logger.js';
import { type Mailer } from '../mail/mailer.js';
import type { OtpEmails } from '../mail/otp.template.js';
import { type MerchantEvents } from '../webhooks/merchant-events.js';
import type { CodeHasher } from '../otp/otp.codes.js';
import { type DeliveryOutcome, type OtpRecord, type OtpStore } from '../store/otp.store.js';
export interface DispatcherOptions {
    store: OtpStore;
    mailer: Mailer;
    hasher: CodeHasher;
    /** Writes each code's email (language and wording per record). */
    emails: OtpEmails;
    clock: Clock;
    logger: Logger;
    /** First retry delay; doubles each retry, plus jitter. Default 500 ms. */
    retryBaseMs?: number;
    /** Longest wait between two tries (unless the provider's Retry-After says longer). Default 30 s. */
    retryMaxMs?: number;
    /** How long a claim holds before another dispatcher may take it over. Default 60 s; renewed every third of it while sending. */
    leaseSeconds?: number;
    /** How often the sweep runs. Default 30 s; 0 turns the timer off (tests call sweep()). */
    sweepSeconds?: number;
    /** How long a record may stay pending before the sweep sends it. Default 10 s. */
    graceSeconds?: number;
    /** Most recipients in one provider call. Default 500 (SendGrid allows 1000). */
    batchSize?: number;
    /** Provider calls under way at once. Default 4. */
    maxInFlight?: number;
    /** How long a new email waits for others to share its provider call. Default 5 ms. */
    lingerMs?: number;
    /** Names this dispatcher in claims; unique per process by default. */
    worker?: string;
    /** Names the saved feed position; dispatchers sharing a store share it. */
    checkpointName?: string;
    /** Hears of every finished delivery and every retry: for metrics. */
    observer?: DeliveryObserver;
    /** Tells the merchant's backend of emails that failed for good. */
    events?: MerchantEvents;
}
export interface DeliveryObserver {
    /** A delivery ended: sent, or failed for good. */
    delivered(record: OtpRecord, outcome: DeliveryOutcome): void;
    /** Emails put back to wait for another attempt. */
    retried(recipients: number): void;
    /**
     * Of those, the ones whose call got no answer after it may have reached the provider (a
     * timeout): the retry sends the same code, and the user may receive it twice.
     */
    retriedUnconfirmed(recipients: number): void;
}
/** The SendGrid custom argument that names the code on its events. */
export declare const OTP_ID_ARG = "otp_id";
export declare class Dispatcher {
    readonly worker: string;
    private readonly o;
    private subscription;
    private sweepTimer;
    private readonly queue;
    private readonly inFlight;
    private checkpoints;
    private scheduled;
    private stopping;
    /** Codes waiting for their next attempt in this process. */
    private readonly retryTimers;
    constructor(options: DispatcherOptions);
    get running(): boolean;
    start(): Promise<void>;
    /** Subscribes from the saved position; returns whether there was one. */
    private listen;
    private subscribe;
    /**
     * The saved position can no longer be resumed from (it fell out of the oplog): listen from
     * now. Inserts made since the saved position are still in the store: the sweep sends them.
     * Only the store's "position lost" answer leads here; any other failure retries from the
     * same position, so nothing is skipped for a passing error.
     */
    private positionLost;
    /** A feed that failed after starting, or could not start: report it, and listen again. */
    private feedBroke;
    /** Stops listening and finishes what it has claimed; the feed position is saved on the way. */
    stop(): Promise<void>;
    /** Resolves when everything queued so far has been handled and its position saved. */
    idle(): Promise<void>;
    /**
     * Queues records whose delivery is overdue. `all` ignores the grace period (used when the
     * feed position was lost and every pending record may have been missed).
     */
    sweep(all?: boolean): Promise<number>;
    private enqueue;
    /**
     * Starts batches while there is work and room: up to `maxInFlight` provider calls at once,
     * so one slow answer does not hold every email behind it.
     */
    private pump;
    private deliver;
    /** Sends one template's emails and records each one's outcome. */
    private sendGroup;
    /**
     * One provider call for `items`. When SendGrid refuses a call of several recipients as a bad
     * request (400: one address it will not take), the call is split in halves and each resent,
     * down to the recipients it refuses alone: the others go out, only those fail. A bad batch of
     * n with k refused addresses costs at most about 2k·log2(n) calls.
     */
    private sendSplitting;
    /**
     * Sent; failed for good (a refusal, or no time left before the code expires); or back to
     * pending after the provider's Retry-After or a backoff: a code stays deliverable until it expires.
     */
    private outcomeOf;
    /**
     * Renews the claims on `ids` every third of the lease while `work` runs: a provider call
     * slower than the lease must not let another dispatcher take the claim and send again.
     */
    private whileHoldingClaims;
    private finish;
    private openSealedCode;
}
