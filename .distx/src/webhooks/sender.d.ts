import type { Clock } from '../clock.js';
import type { Logger } from '../logger.js';
import type { OutboxOutcome, WebhookOutbox } from '../store/otp.store.js';
export interface WebhookSenderOptions {
    outbox: WebhookOutbox;
    url: string;
    /** The shared secret, `whsec_…` (base64 after the prefix). */
    secret: string;
    clock: Clock;
    logger: Logger;
    /** How often the outbox is looked at. Default 1 s. */
    pollMs?: number;
    /** First wait after a failed try; doubles, plus jitter. Default 1 s. */
    retryBaseMs?: number;
    /** Longest wait between tries. Default 5 min. */
    retryMaxMs?: number;
    /** After this long an event is given up on (logged). Default 24 h. */
    giveUpAfterMs?: number;
    /** Per request. Default 10 s. */
    timeoutMs?: number;
    observer?: {
        merchantWebhook(outcome: OutboxOutcome['state']): void;
    };
}
export declare class WebhookSender {
    private readonly signer;
    private readonly worker;
    private timer;
    private running;
    private readonly o;
    constructor(options: WebhookSenderOptions);
    start(): void;
    /** Stops looking; a try under way finishes (its event stays claimed until the lease lapses if not). */
    stop(): Promise<void>;
    /**
     * Sends what is due now; resolves when those tries are done. A full batch is followed by
     * another at once (a few rounds per poll), so a burst of events does not wait a second per 20.
     */
    sendDue(): Promise<void>;
    private send;
    private finish;
}
