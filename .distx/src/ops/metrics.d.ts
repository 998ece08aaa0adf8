import { Registry } from 'prom-client';
import type { SubscriptionCap } from '../edge/subscription-caps.js';
import type { DeliveryOutcome, OtpRecord, OtpStore } from '../store/otp.store.js';
import type { OtpObserver } from '../otp/otp.service.js';
import type { EventObserver, SendGridEventName } from '../delivery/sendgrid-events.js';
import type { DeliveryEventResult } from '../store/otp.store.js';
export declare class Metrics implements OtpObserver, EventObserver {
    readonly registry: Registry<"text/plain; version=0.0.4; charset=utf-8">;
    private readonly requests;
    private readonly resends;
    private readonly verifications;
    private readonly emails;
    private readonly unconfirmedRetries;
    private readonly emailDelay;
    private readonly operationDuration;
    private readonly events;
    private readonly webhooks;
    private readonly merchantWebhooks;
    private readonly sendBudgetRefusals;
    private readonly subscriptionCapRefusals;
    constructor(store: OtpStore, now: () => Date);
    /**
     * Exports otp_listener_up from `running` (the dispatcher's change-stream listener), in the
     * processes that send emails: 0 while it is down and reconnecting.
     */
    watchListener(running: () => boolean): void;
    requested(status: string): void;
    resent(status: string): void;
    verified(status: string): void;
    sendBudgetRefused(budget: 'domain' | 'global'): void;
    subscriptionCapRefused(cap: SubscriptionCap): void;
    delivered(record: OtpRecord, outcome: DeliveryOutcome): void;
    deliveryEvent(event: SendGridEventName, result: DeliveryEventResult | 'ignored'): void;
    webhook(outcome: 'accepted' | 'unsigned' | 'bad_signature' | 'stale' | 'malformed'): void;
    merchantWebhook(outcome: 'delivered' | 'retry' | 'abandoned'): void;
    retried(recipients: number): void;
    retriedUnconfirmed(recipients: number): void;
    operation(name: string | null | undefined, seconds: number): void;
}
