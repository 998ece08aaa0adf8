// What the store keeps for one code: its record (the request that issued it, the code's hash
// and sealed copy, its life and attempts, its email's delivery) and the payment it confirms.
// Every role of the store reads and writes this shape; it depends on nothing else but the
// shape of a webhook (a payment code carries the event of its own unused expiry).
import type { NewWebhook } from './outbox.js';

/**
 * A payment in canonical form, as the merchant's backend vouched for it in a payment intent:
 * what the code's hash covers, what the email shows, what the token and webhooks carry.
 */
export interface Transaction {
  /** The merchant's id (the intent's issuer). */
  merchant: string;
  /** The intent's id (its jti): single use. */
  intentId: string;
  /** A decimal with exactly the currency's minor digits: "149.90" MYR, "1500" JPY. */
  amount: string;
  /** ISO 4217, upper case. */
  currency: string;
  /** The merchant's display name from the merchants file: never text from a browser. */
  payee: string;
}

/**
 * Where a code's email stands. The dispatcher moves it pending → sending → sent (or failed, or
 * back to pending with a next attempt time after a transient failure); SendGrid's events move
 * a sent email on to delivered, deferred, bounced or dropped.
 */
export type DeliveryState = 'pending' | 'sending' | 'sent' | 'failed' | 'delivered' | 'deferred' | 'bounced' | 'dropped';

/** States no later event changes: the email arrived, or never will. */
export const FINAL_DELIVERY_STATES: readonly DeliveryState[] = ['failed', 'delivered', 'bounced', 'dropped'];

export interface DeliveryInfo {
  state: DeliveryState;
  /** Provider calls that carried this email so far (retries and split calls included). */
  attempts: number;
  /** The dispatcher holding the claim, while `sending`. */
  claimedBy: string | null;
  /** A claim older than this is abandoned and may be taken by another dispatcher. */
  leaseUntil: Date | null;
  /** While pending after a transient failure: not to be tried before this (store's clock). */
  nextAttemptAt: Date | null;
  sentAt: Date | null;
  /** Why the last attempt failed (transient) or delivery failed for good: a status and reason, never the code. */
  error: string | null;
  /** When the state last changed (store's clock). */
  updatedAt: Date;
  /** Ids of the provider's events already recorded (the latest few): a replay changes nothing. */
  events: string[];
}

export interface OtpRecord {
  id: string;
  /** Normalised (trimmed, lower-cased): where the email goes, as the caller wrote it. */
  email: string;
  /**
   * The inbox `email` reaches (src/edge/mailbox.ts): what the address's limits and codes are
   * kept under, so that `a+1@gmail.com` and `a@gmail.com` share one cooldown and send window.
   */
  mailbox: string;
  purpose: string;
  /** HMAC of the code (see CodeHasher.hash); the only form kept for checking. */
  codeHash: string;
  /** The code sealed for the dispatcher, kept while the code lives so that it can be resent. */
  sealedCode: string | null;
  createdAt: Date;
  expiresAt: Date;
  /** Wrong guesses counted against this code. */
  attempts: number;
  /** Printed on the email and returned to the caller; never shared with another live code of the address. */
  reference: string;
  /** How many times the email was sent again (resendOtp): 0 for the first. */
  resends: number;
  /** The BCP 47 tag the email is written for; null: the default language. */
  locale: string | null;
  /** The payment the code confirms (its hash covers it), for the email; null when none. */
  transaction: Transaction | null;
  /**
   * The W3C traceparent of the request that issued it (null when nothing is traced): the
   * worker's spans for its email join that trace (src/telemetry/trace-context.ts).
   */
  trace?: string | null;
  delivery: DeliveryInfo;
  /**
   * A payment code's record (its timeline and evidence for the merchant API) is kept until
   * then, after the code itself has died; absent (other codes): removed when it dies.
   */
  keepUntil?: Date;
  /** When a payment code was verified (its record kept, the code dead). */
  verifiedAt?: Date;
  /** When the wrong guess that used up its attempts was made (payment codes' records). */
  lockedAt?: Date;
  /** When the merchant canceled it (the code died then). */
  canceledAt?: Date;
  /** The signed evidence of the payment it confirmed (a compact JWS), once verified. */
  evidence?: string;
  /** What its last email showed the reader of the payment, recorded when it left for SendGrid. */
  shown?: ShownPayment | null;
  /**
   * The merchant's otp.expired event, made at the request and written to the outbox if the
   * code dies unused (expiryEventAt, a moment after it expires); null once the code was
   * verified, locked or canceled.
   */
  onExpiry?: NewWebhook | null;
  expiryEventAt?: Date | null;
}

/** What a payment email showed its reader: the facts the evidence of a confirmed payment quotes. */
export interface ShownPayment {
  /** The email's language (en, ms, zh-Hans, ta). */
  language: string;
  /** The amount as the email wrote it: "RM 149.90". */
  amount: string;
  payee: string;
  /**
   * The paragraph of the email's text part that names the amount, as the reader saw it; null
   * when SendGrid wrote the email from a Dynamic Template (its words live there).
   */
  sentence: string | null;
}

export type NewOtp = Pick<OtpRecord, 'id' | 'email' | 'mailbox' | 'purpose' | 'codeHash' | 'sealedCode' | 'createdAt' | 'expiresAt' | 'locale' | 'transaction' | 'trace' | 'keepUntil' | 'onExpiry' | 'expiryEventAt'> & {
  /**
   * References to choose from, in order of preference, all different: the first one that no
   * live code of the address carries is stored. Give one more than the address may hold live codes.
   */
  references: readonly [string, ...string[]];
};

/**
 * What a new code holds once stored, in either store: no wrong guesses yet, its email pending.
 * (One literal, field by field: the embedded store keeps it as is, and V8 keeps it compact.)
 */
export function storedCode(otp: NewOtp, reference: string): OtpRecord {
  return {
    id: otp.id,
    email: otp.email,
    mailbox: otp.mailbox,
    purpose: otp.purpose,
    codeHash: otp.codeHash,
    sealedCode: otp.sealedCode,
    createdAt: otp.createdAt,
    expiresAt: otp.expiresAt,
    attempts: 0,
    reference,
    resends: 0,
    locale: otp.locale,
    transaction: otp.transaction,
    ...(otp.trace ? { trace: otp.trace } : {}),
    delivery: pendingDelivery(otp.createdAt),
    ...(otp.keepUntil ? { keepUntil: otp.keepUntil } : {}),
    ...(otp.onExpiry ? { onExpiry: otp.onExpiry, expiryEventAt: otp.expiryEventAt ?? otp.expiresAt } : {}),
  };
}

export function pendingDelivery(createdAt: Date): DeliveryInfo {
  return { state: 'pending', attempts: 0, claimedBy: null, leaseUntil: null, nextAttemptAt: null, sentAt: null, error: null, updatedAt: createdAt, events: [] };
}
