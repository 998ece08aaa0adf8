// The payment records role of the store: what the merchant API reads and changes of the codes
// that confirm a payment (found by the request's id or by the intent's, only the merchant's
// own), their cancellation, and the otp.expired events of those that died unused. A payment
// code's record outlives the code until its keepUntil (record.ts).
import type { NewWebhook } from './outbox.js';
import type { OtpRecord } from './record.js';

/** How the merchant names a payment code: the request's id (requestOtp's requestId), or its intent's id (jti). */
export type PaymentLookup = { requestId: string } | { intentId: string };

export interface CancelCommand {
  /** The address's mailbox and the code's id, as findPayment read them. */
  mailbox: string;
  id: string;
  /** Only this merchant's payment is canceled. */
  merchant: string;
  /** The service's time: the code dies at it. */
  now: Date;
  /** A code this many wrong guesses old is dead already. */
  maxAttempts: number;
  /** The otp.canceled event, written in the same step as the cancellation (none: none written). */
  webhook?: NewWebhook;
}

export interface PaymentRecords {
  /** `merchant`'s payment code named by `lookup`, dead or alive, while its record is kept; null otherwise (another merchant's too). */
  findPayment(merchant: string, lookup: PaymentLookup): Promise<OtpRecord | null>;
  /**
   * Kills a live payment code at once, in one atomic step with its event: its expiry becomes
   * `now`, its sealed code goes, an email not yet sent is never sent. True when this call
   * canceled it; false when it was dead already (verified, locked, expired, canceled) or is not
   * the merchant's: nothing changed.
   */
  cancelPayment(command: CancelCommand): Promise<boolean>;
  /**
   * Writes the otp.expired event of each payment code that died unused (its expiryEventAt is
   * past, on the store's clock) beside its address's other waiting events, in one step per
   * address, for the outbox's relay; up to `limit` addresses. Returns how many addresses it wrote for.
   */
  expirePayments(limit: number): Promise<number>;
}
