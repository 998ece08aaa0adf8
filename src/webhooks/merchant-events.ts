// What the merchant's backend hears, without trusting the browser: a code verified (with the
// signed evidence of a confirmed payment), a code locked by too many wrong attempts, an email
// that could not be delivered; and for payment codes, what a checkout needs to follow them: its
// email left for SendGrid, it expired unused, its merchant canceled it. Each event is made
// here and handed to the store with the change it reports, so that both are written in one
// atomic step (the event cannot be lost after the change, nor recorded without it); sender.ts
// signs and sends it from the outbox. Nothing here ever carries the code.
import { randomUUID } from 'node:crypto';
import type { Clock } from '../clock.js';
import type { Transaction } from '../store/record.js';
import type { NewWebhook } from '../store/otp.store.js';
import { currentTraceparent } from '../telemetry/trace-context.js';

export type MerchantEventType = 'otp.verified' | 'otp.locked' | 'otp.delivery_failed' | 'otp.requested' | 'otp.expired' | 'otp.canceled' | 'otp.test';

/** Every event type, as the docs list them. */
export const MERCHANT_EVENT_TYPES: readonly MerchantEventType[] = ['otp.requested', 'otp.verified', 'otp.locked', 'otp.expired', 'otp.canceled', 'otp.delivery_failed', 'otp.test'];

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
  /** `evidence`: a payment's signed evidence record (payment codes only). */
  verified(code: CodeFacts & { evidence?: string }): NewWebhook | undefined;
  locked(code: CodeFacts): NewWebhook | undefined;
  deliveryFailed(code: CodeFacts & { reason: DeliveryFailure }): NewWebhook | undefined;
  /** A payment code's email left for SendGrid (`resends`: 0 for the first email). */
  requested(code: CodeFacts & { resends: number }): NewWebhook | undefined;
  /** A payment code died unused: made at the request, dated at its expiry, written if it comes to pass. */
  expired(code: CodeFacts & { expiresAt: Date }): NewWebhook | undefined;
  /** The merchant canceled a payment code. */
  canceled(code: CodeFacts): NewWebhook | undefined;
  /** A signed test event, for a merchant or operator setting up a receiver. */
  test(merchant: string | null): NewWebhook | undefined;
}

/** No WEBHOOK_URL: nothing is recorded. */
export const NO_MERCHANT_EVENTS: MerchantEvents = {
  verified: () => undefined,
  locked: () => undefined,
  deliveryFailed: () => undefined,
  requested: () => undefined,
  expired: () => undefined,
  canceled: () => undefined,
  test: () => undefined,
};

/** Events in the Standard Webhooks shape: { type, timestamp, data }, each with its own message id. */
export class StandardMerchantEvents implements MerchantEvents {
  constructor(private readonly clock: Clock) {}

  verified({ evidence, ...code }: CodeFacts & { evidence?: string }): NewWebhook {
    return this.make('otp.verified', code, evidence ? { evidence } : {});
  }

  locked(code: CodeFacts): NewWebhook {
    return this.make('otp.locked', code);
  }

  deliveryFailed({ reason, ...code }: CodeFacts & { reason: DeliveryFailure }): NewWebhook {
    return this.make('otp.delivery_failed', code, { reason });
  }

  requested({ resends, ...code }: CodeFacts & { resends: number }): NewWebhook {
    return this.make('otp.requested', code, { resends });
  }

  expired({ expiresAt, ...code }: CodeFacts & { expiresAt: Date }): NewWebhook {
    return this.make('otp.expired', code, { expiresAt: expiresAt.toISOString() }, expiresAt);
  }

  canceled(code: CodeFacts): NewWebhook {
    return this.make('otp.canceled', code);
  }

  test(merchant: string | null): NewWebhook {
    return this.event('otp.test', { merchant, note: 'a test event: if its signature checks, your receiver is ready' }, this.clock.now(), merchant);
  }

  /** A code's event: it names the code (and its payment), and belongs to the payment's merchant. */
  private make(type: MerchantEventType, { email, purpose, requestId, transaction }: CodeFacts, extra: Record<string, unknown> = {}, at = this.clock.now()): NewWebhook {
    return this.event(type, { email, purpose, requestId, transaction, ...extra }, at, transaction?.merchant ?? null);
  }

  private event(type: MerchantEventType, data: Record<string, unknown>, createdAt: Date, merchant: string | null): NewWebhook {
    // The Standard Webhooks message id: the same on every try, so receivers can drop repeats.
    const id = `msg_${randomUUID().replace(/-/g, '')}`;
    // Its sending joins the trace of what made it (a verification, an email's outcome).
    const trace = currentTraceparent();
    return {
      id,
      type,
      payload: JSON.stringify({ type, timestamp: createdAt.toISOString(), data }),
      createdAt,
      ...(trace ? { trace } : {}),
      ...(merchant ? { merchant } : {}),
    };
  }
}
