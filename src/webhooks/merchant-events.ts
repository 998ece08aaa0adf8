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

/**
 * The code an event is about, as every event names it: the request's id (so the merchant can
 * tell one code of an address from another: a stranger's request from the owner's), and the
 * payment it confirms, when it confirms one.
 */
export interface CodeFacts {
  email: string;
  purpose: string;
  requestId: string;
  transaction: Transaction | null;
}

/** Makes the events; undefined when no merchant listens (no WEBHOOK_URL). */
export interface MerchantEvents {
  verified(code: CodeFacts): NewWebhook | undefined;
  locked(code: CodeFacts): NewWebhook | undefined;
  deliveryFailed(code: CodeFacts & { reason: DeliveryFailure }): NewWebhook | undefined;
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

  verified({ email, purpose, requestId, transaction }: CodeFacts): NewWebhook {
    return this.make('otp.verified', { email, purpose, requestId, transaction });
  }

  locked({ email, purpose, requestId, transaction }: CodeFacts): NewWebhook {
    return this.make('otp.locked', { email, purpose, requestId, transaction });
  }

  deliveryFailed({ email, purpose, requestId, transaction, reason }: CodeFacts & { reason: DeliveryFailure }): NewWebhook {
    return this.make('otp.delivery_failed', { email, purpose, requestId, transaction, reason });
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
