// What the merchant's backend hears, without trusting the browser: a code verified, a code
// locked by too many wrong attempts, an email that could not be delivered. Each event is put in
// the store's outbox (sender.ts signs and sends it); nothing here ever carries the code.
import { randomUUID } from 'node:crypto';
import type { Clock } from '../clock.js';
import type { Logger } from '../logger.js';
import type { Transaction } from '../otp/transaction.js';
import type { WebhookOutbox } from '../store/otp.store.js';

export type MerchantEventType = 'otp.verified' | 'otp.locked' | 'otp.delivery_failed';

/** Why an email never arrived. */
export type DeliveryFailure = 'refused' | 'expired' | 'bounced' | 'dropped';

export interface MerchantEvents {
  verified(e: { email: string; purpose: string; transaction: Transaction | null }): Promise<void>;
  locked(e: { email: string; purpose: string }): Promise<void>;
  deliveryFailed(e: { email: string; purpose: string; requestId: string; reason: DeliveryFailure }): Promise<void>;
}

/** No WEBHOOK_URL: nothing is recorded. */
export const NO_MERCHANT_EVENTS: MerchantEvents = {
  verified: async () => undefined,
  locked: async () => undefined,
  deliveryFailed: async () => undefined,
};

/** Events into the outbox, in the Standard Webhooks shape: { type, timestamp, data }. */
export class OutboxMerchantEvents implements MerchantEvents {
  constructor(
    private readonly outbox: WebhookOutbox,
    private readonly clock: Clock,
    private readonly logger: Logger,
  ) {}

  verified({ email, purpose, transaction }: { email: string; purpose: string; transaction: Transaction | null }): Promise<void> {
    return this.record('otp.verified', { email, purpose, transaction });
  }

  locked({ email, purpose }: { email: string; purpose: string }): Promise<void> {
    return this.record('otp.locked', { email, purpose });
  }

  deliveryFailed({ email, purpose, requestId, reason }: { email: string; purpose: string; requestId: string; reason: DeliveryFailure }): Promise<void> {
    return this.record('otp.delivery_failed', { email, purpose, requestId, reason });
  }

  /**
   * A failure to record is logged, not thrown: the user's verification (or the email) has
   * happened either way, and its answer must not turn into an error.
   */
  private async record(type: MerchantEventType, data: Record<string, unknown>): Promise<void> {
    const createdAt = this.clock.now();
    const id = `msg_${randomUUID().replace(/-/g, '')}`;
    const payload = JSON.stringify({ type, timestamp: createdAt.toISOString(), data });
    try {
      await this.outbox.enqueueWebhook({ id, type, payload, createdAt });
    } catch (err) {
      this.logger.error({ err, type, webhookId: id }, 'could not record a merchant webhook');
    }
  }
}
