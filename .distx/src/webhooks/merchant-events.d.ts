import type { Clock } from '../clock.js';
import type { Transaction } from '../otp/transaction.js';
import type { NewWebhook } from '../store/otp.store.js';
export type MerchantEventType = 'otp.verified' | 'otp.locked' | 'otp.delivery_failed';
/** Why an email never arrived. */
export type DeliveryFailure = 'refused' | 'expired' | 'bounced' | 'dropped';
/** Makes the events; undefined when no merchant listens (no WEBHOOK_URL). */
export interface MerchantEvents {
    verified(e: {
        email: string;
        purpose: string;
        transaction: Transaction | null;
    }): NewWebhook | undefined;
    locked(e: {
        email: string;
        purpose: string;
    }): NewWebhook | undefined;
    deliveryFailed(e: {
        email: string;
        purpose: string;
        requestId: string;
        reason: DeliveryFailure;
    }): NewWebhook | undefined;
}
/** No WEBHOOK_URL: nothing is recorded. */
export declare const NO_MERCHANT_EVENTS: MerchantEvents;
/** Events in the Standard Webhooks shape: { type, timestamp, data }, each with its own message id. */
export declare class StandardMerchantEvents implements MerchantEvents {
    private readonly clock;
    constructor(clock: Clock);
    verified({ email, purpose, transaction }: {
        email: string;
        purpose: string;
        transaction: Transaction | null;
    }): NewWebhook;
    locked({ email, purpose }: {
        email: string;
        purpose: string;
    }): NewWebhook;
    deliveryFailed({ email, purpose, requestId, reason }: {
        email: string;
        purpose: string;
        requestId: string;
        reason: DeliveryFailure;
    }): NewWebhook;
    private make;
}
