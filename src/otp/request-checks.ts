// What a request must pass before the store is asked anything: a well-formed address and
// purpose, a payment intent that fits the purpose and is signed by its merchant, and the bot
// check. Each refusal is told as bad input (or a failed check) and changes nothing: nothing is
// counted, stored or sent. The checks run cheapest first, the bot check last.
import { ChallengeUnavailableError, type Challenge } from '../edge/challenge/challenge.js';
import { canonicalMailbox } from '../edge/mailbox.js';
import { RateLimitedError, type Caller, type OtpRules } from './otp.commands.js';
import { DEFAULT_PURPOSE, EMAIL_RULE, InvalidInputError, isValidPurpose, normaliseEmail, PURPOSE_RULE } from './otp.input.js';
import type { ServiceLimits } from './otp.limits.js';
import type { IntentChecker } from './transaction.js';

/** A wait in whole seconds, at least one: what Retry-After and retryAfterSeconds carry. */
export const toSeconds = (ms: number) => Math.max(1, Math.ceil(ms / 1000));

export class RequestChecks {
  constructor(
    private readonly rules: Readonly<OtpRules>,
    private readonly limits: ServiceLimits,
    private readonly intents: IntentChecker,
    private readonly bot: Challenge | null,
  ) {}

  /** The address as written, its mailbox (what the limits count) and the purpose. */
  address(command: { email: string; purpose?: string | null }): { email: string; mailbox: string; purpose: string } {
    const email = normaliseEmail(command.email);
    if (email === null) throw new InvalidInputError('email', EMAIL_RULE);
    if (!isValidPurpose(command.purpose)) throw new InvalidInputError('purpose', PURPOSE_RULE);
    return { email, mailbox: canonicalMailbox(email), purpose: command.purpose ?? DEFAULT_PURPOSE };
  }

  /** Whether a code for `purpose` must confirm a transaction. */
  requiresTransaction(purpose: string): boolean {
    return this.rules.transactionPurposes.includes(purpose);
  }

  /**
   * The intent's payment, checked (see PaymentIntents.check); null when none was given. One
   * meaning per code: an intent is taken only for a payment purpose (as a payment purpose
   * needs one), so no email says "confirm your payment" for a code that signs someone in.
   */
  intent(raw: string | null | undefined, purpose: string, email: string, now: Date, fresh: boolean) {
    if (raw === undefined || raw === null) return Promise.resolve(null);
    if (!this.requiresTransaction(purpose)) {
      const payment = this.rules.transactionPurposes.map((p) => `"${p}"`).join(', ') || 'none is configured';
      throw new InvalidInputError('paymentIntent', `is taken only with a payment purpose (OTP_TRANSACTION_PURPOSES: ${payment}): a code that confirms a payment must not sign anyone in`);
    }
    return this.intents.check(raw, { email, now, fresh });
  }

  /**
   * The bot check, behind the caller's own count (ServiceLimits.challengeGate): each check
   * costs a provider's call or a hash, so a client sending garbage meets its own limit, and
   * holds few of the calls in flight, before it can cost anyone else. Passed, the solution's
   * single use (for the store to record), if the check has one; null when none is on.
   */
  async challenge(token: string | null | undefined, caller: Caller | undefined) {
    const bot = this.bot;
    if (!bot) return null;
    return this.limits.challengeGate.run(this.limits.clientKey(caller), () => bot.check(token, caller?.clientIp), (refusal) => {
      throw refusal.reason === 'rate' ? new RateLimitedError(toSeconds(refusal.retryAfterMs)) : new ChallengeUnavailableError();
    });
  }
}
