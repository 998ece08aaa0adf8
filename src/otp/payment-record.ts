// What a payment code carries beyond its code, decided when it is issued: how long its record
// (timeline and evidence, for the merchant API) outlives it, and the merchant's otp.expired
// event, written only if it dies unused (the steps that verify, lock or cancel it clear it).
import type { NewOtp } from '../store/record.js';
import type { MerchantEvents } from '../webhooks/merchant-events.js';
import type { Transaction } from './transaction.js';

/**
 * otp.expired is written this long after the expiry: a check judged on a service's clock a
 * little behind the database's still finds the code live, and is not told of twice.
 */
export const EXPIRY_EVENT_DELAY_MS = 5_000;

type Extras = Pick<NewOtp, 'keepUntil' | 'onExpiry' | 'expiryEventAt'>;

/** The record's keep and the expiry event of a payment code; nothing for another code. */
export function paymentExtras(
  events: MerchantEvents,
  recordSeconds: number,
  code: { email: string; purpose: string; requestId: string; transaction: Transaction | null; expiresAt: Date },
): Extras {
  const { transaction, expiresAt } = code;
  if (!transaction) return {};
  const keepUntil = new Date(expiresAt.getTime() + recordSeconds * 1000);
  const onExpiry = events.expired({ ...code, transaction });
  return { keepUntil, ...(onExpiry ? { onExpiry, expiryEventAt: new Date(expiresAt.getTime() + EXPIRY_EVENT_DELAY_MS) } : {}) };
}
