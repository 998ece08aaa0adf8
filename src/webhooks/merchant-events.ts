// What the merchant's backend hears, without trusting the browser: a code verified, a code
// locked by too many wrong attempts, an email that could not be delivered. Each event is made
// here and handed to the store with the change it reports, so that both are written in one
// atomic step (the event cannot be lost after the change, nor recorded without it); sender.ts
// signs and sends it from the outbox. Nothing here ever carries the code.
import { randomUUID } from 'node:crypto';
import type { Clock } from '../clock.js';
import type { Transaction } from '../store/record.js';
import type { NewWebhook } from '../store/otp.store.js';
import { currentTraceparent } from '../telemetry/trace-context.js';

export type MerchantEventType = 'otp.verified' | 'otp.locked' | 'otp.delivery_failed';

/** Why an email never arrived. */
export type DeliveryFailure = 'refused' | 'expired' | 'bounced' | 'dropped';

/** Makes the events; undefined when no merchant listens (no WEBHOOK_URL). */
export interface MerchantEvents {
  verified(e: { email: string; purpose: string; transaction: Transaction | null }): NewWebhook | undefined;
  locked(e: { email: string; purpose: string }): NewWebhook | undefined;
  deliveryFailed(e: { email: string; purpose: string; requestId: string; reason: DeliveryFailure }): NewWebhook | undefined;
}

/** No WEBHOOK_URL: nothing is recorded. */
export const NO_MERCHANT_EVENTS: MerchantEvents = {
  verified: () => undefined,
  locked: () => undefined,
  deliveryFailed: () => undefined,
};

/** Events in the Standard Webhooks shape: { type, timestamp, data }, each with its own message id. */
export class StandardMerchantEvents implements MerchantEvents {
  constructor(private readonly clock: Clock) {}

  verified({ email, purpose, transaction }: { email: string; purpose: string; transaction: Transaction | null }): NewWebhook {
    return this.make('otp.verified', { email, purpose, transaction });
  }

  locked({ email, purpose }: { email: string; purpose: string }): NewWebhook {
    return this.make('otp.locked', { email, purpose });
  }

  deliveryFailed({ email, purpose, requestId, reason }: { email: string; purpose: string; requestId: string; reason: DeliveryFailure }): NewWebhook {
    return this.make('otp.delivery_failed', { email, purpose, requestId, reason });
  }

  private make(type: MerchantEventType, data: Record<string, unknown>): NewWebhook {
    const createdAt = this.clock.now();
    // The Standard Webhooks message id: the same on every try, so receivers can drop repeats.
    const id = `msg_${randomUUID().replace(/-/g, '')}`;
    // Its sending joins the trace of what made it (a verification, an email's outcome).
    const trace = currentTraceparent();
    return { id, type, payload: JSON.stringify({ type, timestamp: createdAt.toISOString(), data }), createdAt, ...(trace ? { trace } : {}) };
  }
}
