// The documents of the state collection, as MongoDB keeps them: one per address (its limits,
// its live codes as slots, the events waiting to be relayed), one per caller's budget, one per
// payment intent in use. All three share the collection so that a request's steps go in one
// command; each keeps itself alive through `expiresAt`, under the TTL index.
import type { CheckOutcome, DeliveryInfo, NewWebhook, OtpRecord } from '../otp.store.js';

/**
 * A code as kept in its address's document, beside its other live codes: an OtpRecord without the
 * mailbox (the document's _id), its id as `codeId`, and a `claim` mark that tells a
 * dispatcher whether the claim it asked for is the one that was taken.
 */
export type SlotDocument = Omit<OtpRecord, 'id' | 'email' | 'mailbox' | 'delivery' | 'onExpiry'> & {
  /** Kept in the document as a webhook waiting to be relayed (alive until its keepUntil). */
  onExpiry?: EmbeddedWebhook | null;
  codeId: string;
  /** The address as written, when it is not the mailbox itself (`a+1@gmail.com`). */
  email?: string;
  delivery: DeliveryInfo & { claim?: string };
};

interface WindowDocument {
  count: number;
  resetAt: Date;
}

/** Verdicts as the check pipeline writes them (`until` for `limited`, `attempts` for `mismatched`). */
export interface VerdictDocument {
  result: CheckOutcome['result'];
  attempts?: number;
  until?: Date;
}

/**
 * One per mailbox (src/edge/mailbox.ts), whatever spellings of it callers used: its limits and
 * its live codes. Deleted by the TTL index at `expiresAt`.
 */
export interface AddressDocument {
  _id: string;
  cooldownUntil?: Date | null;
  sends?: WindowDocument;
  /** Times of the latest wrong guesses, at most the budget's size: a sliding window. */
  guesses?: Date[];
  /** When the last of them leaves the window. */
  guessesUntil?: Date;
  /** The live codes (and expired ones until the next issue drops them). */
  slots?: SlotDocument[];
  /** Id of the code issued last ("<codeId>|<resends>" for a resend): the change stream's trigger for an email. */
  lastIssued?: string;
  /**
   * "<nonce>|<codeId>[|<codeId>…]", new on every delivery state change: the change stream's
   * trigger for status subscribers (a scalar that always changes, so it is always in the
   * change event's updatedFields).
   */
  deliveryChange?: string;
  /** Payment intents a code was issued for, until each intent expires: single use within the address. */
  intents?: { key: string; until: Date }[];
  /**
   * Merchant webhooks written with the change they report, until the outbox's relay moves them
   * to the outbox collection (mongo/outbox.ts): the address's own small outbox.
   */
  webhooks?: EmbeddedWebhook[];
  /** What the last check decided, read back by the same command. */
  verdict?: VerdictDocument;
  /** When every code has expired and every window has closed. */
  expiresAt: Date;
}

/**
 * A webhook waiting in its address's document; it keeps the document alive until `keepUntil`.
 * `attach`: fields of its `data` that only the pipeline that wrote it knew (the code's own
 * payment, for `otp.locked`), merged into the payload when it moves to the outbox.
 */
export type EmbeddedWebhook = NewWebhook & { keepUntil: Date; attach?: Record<string, unknown> };

/** How long a webhook waiting to be relayed keeps its address's document (the outbox keeps events as long). */
export const WEBHOOK_KEEP_MS = 7 * 24 * 3600 * 1000;

/**
 * One per payment intent: the address that claimed it, until it expires. Another address's
 * request with it collides (single use across addresses); the address's own document says
 * whether a code was issued for it. An object id: never equal to an email.
 */
export interface IntentDocument {
  _id: { intent: string };
  /** The mailbox that claimed it (named `email` before mailboxes were keyed apart). */
  email: string;
  expiresAt: Date;
}

/**
 * One per caller's budget (`request|ip`, `verify|ip`) and per shared send budget (`domain|gmail.com`,
 * `global`, `merchant|demo`). An object id: never equal to an email.
 */
export interface ClientDocument {
  _id: { client: string };
  /** Missing on a shared budget a gate has seen but nothing has counted yet. */
  window?: WindowDocument;
  expiresAt: Date;
}
