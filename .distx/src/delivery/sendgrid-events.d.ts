import type { Logger } from '../logger.js';
import type { DeliveryEventResult, OtpStore } from '../store/otp.store.js';
import { OTP_ID_ARG } from './dispatcher.js';
import { type MerchantEvents } from '../webhooks/merchant-events.js';
/** The events recorded; anything else SendGrid sends (processed, open, click, …) is counted as "other". */
export declare const SENDGRID_EVENTS: readonly ['delivered', 'deferred', 'bounce', 'blocked', 'dropped', 'spamreport'];
export type SendGridEventName = (typeof SENDGRID_EVENTS)[number] | 'other';
export interface EventObserver {
    deliveryEvent(event: SendGridEventName, result: DeliveryEventResult | 'ignored'): void;
}
/** One event as SendGrid posts it (only the fields read here). */
interface SendGridEvent {
    event?: unknown;
    sg_event_id?: unknown;
    type?: unknown;
    [OTP_ID_ARG]?: unknown;
}
export declare function eventName(raw: SendGridEvent): SendGridEventName;
export declare class SendGridEvents {
    private readonly store;
    private readonly logger;
    private readonly observer?;
    private readonly merchant;
    constructor(store: OtpStore, logger: Logger, observer?: EventObserver | undefined, merchant?: MerchantEvents);
    /** Records a batch of events (the webhook's body); returns how many moved a state. */
    record(events: unknown[]): Promise<number>;
    private recordOne;
}
export {};
