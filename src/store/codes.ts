// The codes role of the store: issuing, resending and checking a code, each one atomic step
// on the address's document (its limits and live codes together), so replicas cannot race
// past a limit. The limits are the service's: it passes them in, and the store only counts.
//
// A code belongs to the request that issued it: it is checked and resent by its id (the
// request's id), and a new request never removes an earlier live code.
import type { NewWebhook } from './outbox.js';
import type { NewOtp, OtpRecord } from './record.js';

/** At most `max` per window of `windowSeconds`, the window starting at the first one counted. */
export interface WindowLimit {
  max: number;
  windowSeconds: number;
}

/** A caller's own budget (per client address), counted before anything else. */
export interface ClientLimit {
  /** Names the budget and the caller, e.g. `request|203.0.113.7`. */
  key: string;
  limit: WindowLimit;
  /** The wider network's budget the caller also counts against (an IPv6 /48), right after its own. */
  network?: { key: string; limit: WindowLimit };
}

/**
 * A send budget many mailboxes share: their domain's or everyone's (anonymous requests), or a
 * merchant's (requests its payment intent vouches for). It counts emails queued, nothing else:
 * a request refused by anything (the caller's budget, the address's limits, a used intent, an
 * unknown code) costs it nothing. Its room is checked before the address is judged and its
 * count made after, in the same command: requests in flight at once can overrun it by their
 * number, and a refusal is never charged to it.
 */
export interface SharedBudget {
  name: 'domain' | 'global' | 'merchant';
  /** Names the budget, e.g. `domain|gmail.com`, `global`, `merchant|demo`. */
  key: string;
  limit: WindowLimit;
}

/** What an email costs an address: a cooldown between two, and a window of at most so many. */
export interface SendLimits {
  /** The caller's own budget, counted first: an inbox flood across many addresses stops here. */
  client?: ClientLimit;
  /** The shared send budgets the email counts against, judged after the caller's. */
  shared?: readonly SharedBudget[];
  /** Minimum gap between two emails for one address; 0: none. */
  cooldownSeconds: number;
  /** Emails (new codes and resends) per address per window. A refused request does not count. */
  sends: WindowLimit;
}

/**
 * The attempt budget of an address: every new code takes `maxAttempts` from it, a wrong guess
 * keeps its share for `budget.windowSeconds` after it was made, and the attempts a code did not
 * use come back when it dies (verified, or expired). A request that the budget cannot cover
 * is refused, so in any window at most `budget.max` wrong guesses can be made at the address's
 * codes, by everyone together, however many requests they open (see window-count.ts).
 */
export interface AttemptBudget {
  maxAttempts: number;
  budget: WindowLimit;
}

/** Something used once: recorded with the code it brought, until it would expire anyway. */
export interface SingleUse {
  key: string;
  until: Date;
}

/**
 * A payment intent's single use: "<merchant>|<intent id>", until the intent expires; its marker
 * (which names the mailbox) is kept as long as the code's record (`keepUntil`), so that the
 * merchant API finds the code by its intent.
 */
export type IntentUse = SingleUse & { keepUntil: Date };

export interface IssueLimits extends SendLimits {
  /**
   * The payment intent the code confirms: refused (limit "intent") when a code was issued for
   * it already, for any address.
   */
  intent?: IntentUse;
  /**
   * A solved bot check's single use (ALTCHA's): refused (limit "challenge") when it brought a
   * code already, on any replica. Recorded even when the address then refuses the code.
   */
  challenge?: SingleUse;
  /**
   * Codes live at once per address (unexpired, and not killed by wrong guesses): a request past
   * it waits until one dies, and removes none.
   */
  maxLive: number;
  attempts: AttemptBudget;
}

/** Which limit refused a request: the caller's, a shared send budget's, the cooldown, the send window, the live codes, the attempt budget. */
export type IssueLimit = 'client' | 'domain' | 'global' | 'merchant' | 'challenge' | 'intent' | 'cooldown' | 'sends' | 'live' | 'attempts';

/** `budget`: the key of the shared send budget that refused (see SharedBudget). */
export type IssueOutcome = { issued: true; reference: string } | { issued: false; retryAfterMs: number; limit: IssueLimit; budget?: string };

export interface ResendCommand {
  /** The address's mailbox (OtpRecord.mailbox). */
  mailbox: string;
  /** The id of the code to send again (the request's id). */
  id: string;
  now: Date;
  /** A code this many wrong guesses old is dead: nothing to resend. */
  maxAttempts: number;
  limits: Omit<SendLimits, 'shared'>;
  /** The shared send budgets the email counts against, by the merchant the code's payment names (null: none). */
  sharedFor: (merchant: string | null) => readonly SharedBudget[];
}

/**
 * What one resend did. `resent` with `queued`: a new email was put on its way, counted under
 * the limits; `queued: false`: one was still on its way (pending or being sent), and nothing
 * was counted or changed. The others changed nothing either.
 */
export type ResendOutcome =
  | { result: 'resent'; queued: boolean; expiresAt: Date; reference: string }
  | { result: 'not_found' }
  | { result: 'expired' }
  | { result: 'too_many_attempts' }
  | { result: 'limited'; retryAfterMs: number; limit: Exclude<IssueLimit, 'challenge' | 'intent' | 'live' | 'attempts'>; budget?: string };

export interface CheckCommand {
  /** The address's mailbox (OtpRecord.mailbox). */
  mailbox: string;
  purpose: string;
  /** The id of the code to check (the request's id): no other code of the address is looked at. */
  id: string;
  /** The hash of the code the caller typed (CodeHasher.hash), compared with the stored one. */
  codeHash: string;
  /** The time the service reads: expiry and windows are judged at it. */
  now: Date;
  maxAttempts: number;
  /** The address's attempt budget's window: how long a wrong guess keeps its share. */
  guesses: WindowLimit;
  client?: ClientLimit;
  /**
   * The merchant's webhooks this check may make, written in the same atomic step as the
   * change they report: `verified` when the code is consumed, `locked` when the wrong guess
   * uses up its attempts. None given: none written.
   */
  webhooks?: { verified?: NewWebhook; locked?: NewWebhook };
  /** A payment code's signed evidence, kept on its record when this check verifies it. */
  evidence?: string;
}

/**
 * What one check did. `mismatched` counted a wrong guess against the code (`attempts` is the
 * new count) and logged it in the address's attempt budget; `verified` consumed the code; the
 * others changed nothing (`limited` is the caller's budget: no code was looked at).
 */
export type CheckOutcome =
  | { result: 'verified' }
  | { result: 'mismatched'; attempts: number }
  | { result: 'not_found' }
  | { result: 'expired' }
  | { result: 'too_many_attempts' }
  | { result: 'limited'; retryAfterMs: number };

export interface CodeStore {
  /**
   * Stores a new code beside the address's other live codes, if `limits` allow it, all in one
   * atomic step: the caller's budget first, then the address's cooldown, send window, live
   * codes and attempt budget (judged at `otp.createdAt`). Expired codes are dropped on the way;
   * a live one never is. Without `limits`, nothing is counted.
   */
  issue(otp: NewOtp, limits?: IssueLimits): Promise<IssueOutcome>;

  /**
   * Sends a live code's email again, same code and expiry, in one atomic step: the caller's
   * budget, the shared budgets' room, then the code's life and attempts, the address's cooldown
   * and send window; the shared budgets count the email only once it is queued.
   */
  resend(command: ResendCommand): Promise<ResendOutcome>;

  /**
   * Counts one against a caller's budget on its own (a status read, say): the wait in ms when
   * the budget is spent (nothing counted then), else null.
   */
  countClient(client: ClientLimit, now: Date): Promise<number | null>;

  /**
   * Checks one code, by its id, in one atomic step: the caller's budget, then the code's
   * existence for (email, purpose), expiry, attempt cap and hash. A wrong guess is counted on
   * the code and logged in the address's attempt budget; a right one consumes the code.
   */
  check(command: CheckCommand): Promise<CheckOutcome>;

  /** The code `id` of the mailbox, dead or alive, while its record is kept; null otherwise. */
  findCode(mailbox: string, id: string): Promise<OtpRecord | null>;

  /** The newest live code for (mailbox, purpose), expired or not; null if there is none. */
  findLatest(mailbox: string, purpose: string): Promise<OtpRecord | null>;
}
