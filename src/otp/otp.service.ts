// Every rule about codes lives here, and nothing about HTTP, GraphQL or MongoDB: issuing
// (rate limits, generation, hashing), resending, and checking (expiry, attempts, single use).
// A code belongs to the request that issued it: it is checked and resent by that request's
// id, and nothing another caller does to the address can spend, replace or lock it.
// The store gives atomic steps (issue a code under these limits, check one under these); this
// file decides the limits, makes and seals the codes, and tells the caller what happened.
import { randomUUID } from 'node:crypto';
import type { Clock } from '../clock.js';
import { ChallengeFailedError, type Challenge } from '../edge/challenge/challenge.js';
import type { SendBudgets } from '../edge/send-budgets.js';
import { StoreUnavailableError, type CheckOutcome, type IssueLimit, type ResendOutcome } from '../store/otp.store.js';
import { currentTraceparent } from '../telemetry/trace-context.js';
import { NO_MERCHANT_EVENTS, type MerchantEvents } from '../webhooks/merchant-events.js';
import { funnelGroup } from './code-kind.js';
import { CodeHasher, generateCode } from './otp.codes.js';
import {
  RateLimitedError,
  type Caller,
  type OtpObserver,
  type OtpRules,
  type OtpServiceDeps,
  type RequestOtpCommand,
  type RequestOtpResult,
  type ResendOtpCommand,
  type ResendOtpResult,
  type ServiceStore,
  type VerifyOtpCommand,
  type VerifyOtpResult,
} from './otp.commands.js';
import { canonicalLocale, checkRequestId, codeRule, DEFAULT_PURPOSE, InvalidInputError, isValidCode, isValidPurpose, PURPOSE_RULE } from './otp.input.js';
import { ServiceLimits } from './otp.limits.js';
import { OtpStatus } from './otp.status.js';
import { generateReference, MAX_REFERENCE_CANDIDATES, referenceCandidates } from './reference.js';
import { NO_MERCHANTS } from './transaction.js';
import { evidenceIfRight } from './payment-evidence.js';
import { paymentExtras } from './payment-record.js';
import { RequestChecks, toSeconds } from './request-checks.js';
import type { VerificationTokens } from './verification-token.js';

export type * from './otp.commands.js';

/** A resend's answer for a code it cannot send again. */
const DEAD_CODE = { not_found: OtpStatus.NOT_FOUND, expired: OtpStatus.EXPIRED, too_many_attempts: OtpStatus.TOO_MANY_ATTEMPTS } as const;

export class OtpService {
  readonly rules: Readonly<OtpRules>;
  private readonly store: ServiceStore;
  private readonly clock: Clock;
  private readonly hasher: CodeHasher;
  private readonly observer: OtpObserver | undefined;
  private readonly tokens: VerificationTokens;
  private readonly locales: readonly string[];
  private readonly drawReference: () => string;
  private readonly events: MerchantEvents;
  /** Address, purpose, intent and bot check, before the store is asked anything (request-checks.ts). */
  private readonly checks: RequestChecks;
  private readonly sendBudgets: SendBudgets | undefined;
  /** The bot check requestOtp wants, or null; the HTTP layer serves ALTCHA's challenges from it. */
  readonly challenge: Challenge | null;
  /** The rules as the store's limits (otp.limits.ts). */
  private readonly limits: ServiceLimits;

  constructor({ store, clock, secret, rules, clientPolicy, tokens, observer, reference, events, intents, sendBudgets, challenge, locales }: OtpServiceDeps) {
    this.challenge = challenge ?? null;
    this.sendBudgets = sendBudgets;
    this.drawReference = reference ?? generateReference;
    this.events = events ?? NO_MERCHANT_EVENTS;
    this.store = store;
    this.observer = observer;
    this.tokens = tokens;
    this.clock = clock;
    this.hasher = new CodeHasher(secret);
    this.rules = Object.freeze({ ...rules, transactionPurposes: Object.freeze([...rules.transactionPurposes]) });
    this.locales = locales ?? [];
    this.limits = new ServiceLimits(this.rules, clientPolicy, sendBudgets);
    this.checks = new RequestChecks(this.rules, this.limits, intents ?? NO_MERCHANTS, this.challenge);
  }

  /** The hasher, shared with the dispatcher so both use keys from the same secret. */
  get codeHasher(): CodeHasher {
    return this.hasher;
  }

  /**
   * Issues a code. Every well-formed address gets the same kind of answer whether or not it
   * has been seen before: there is nothing to look up, so nothing to learn from the reply.
   */
  async requestOtp(command: RequestOtpCommand, caller?: Caller): Promise<RequestOtpResult> {
    const result = await this.issue(command, caller).catch((error: unknown) => this.unavailable(error));
    this.observer?.requested(result.status);
    if (result.status === OtpStatus.SENT) this.observer?.funnel?.('requested', ...funnelGroup(command));
    return result;
  }

  /**
   * Emails a live code again: the same code, expiry, attempts and reference, under the same
   * cooldown and send window as a new code (a resend is an email like any other). For a user
   * whose first email is slow: the first email's code still verifies.
   */
  async resendOtp(command: ResendOtpCommand, caller?: Caller): Promise<ResendOtpResult> {
    const result = await this.resend(command, caller).catch((error: unknown) => this.unavailable(error));
    this.observer?.resent(result.status);
    return result;
  }

  async verifyOtp(command: VerifyOtpCommand, caller?: Caller): Promise<VerifyOtpResult> {
    const result = await this.check(command, caller).catch((error: unknown) => this.unavailable(error));
    this.observer?.verified(result.status);
    if (result.status === OtpStatus.VERIFIED) this.observer?.funnel?.('verified', ...funnelGroup(command));
    return result;
  }

  /**
   * A store that cannot be reached for now (an election outlasting the driver's wait, a network
   * cut) is a retryable condition the client should hear as such, not an internal error.
   * Either nothing was written, or (a write whose answer was lost) the client's retry replaces it.
   */
  private unavailable(error: unknown): never {
    if (this.store.isUnavailable(error)) throw new StoreUnavailableError(error);
    throw error;
  }

  private async issue(command: RequestOtpCommand, caller: Caller | undefined): Promise<RequestOtpResult> {
    const { email, mailbox, purpose } = this.checks.address(command);
    const locale = canonicalLocale(command.locale);
    const createdAt = this.clock.now();
    const intent = await this.checks.intent(command.paymentIntent, purpose, email, createdAt, true);
    const transaction = intent?.transaction ?? null;
    if (!transaction && this.requiresTransaction(purpose)) {
      throw new InvalidInputError('paymentIntent', "is required for this purpose (see otpPolicy(purpose).transactionRequired): the merchant's backend signs the payment the code confirms");
    }
    // The bot check last among the checks (bad input is told as such first) and before
    // anything is counted or stored: a missing or failed one costs the service no write.
    const challengeUse = await this.checks.challenge(command.challenge, caller);
    const id = randomUUID();
    const code = generateCode(this.rules.codeLength);
    // The expiry is computed per request (the old design computed it once, at cold start).
    const expiresAt = new Date(createdAt.getTime() + this.limits.ttlSecondsFor(purpose) * 1000);
    const otp = {
      id,
      email,
      mailbox,
      purpose,
      codeHash: this.hasher.hash(email, purpose, code, transaction),
      sealedCode: this.hasher.seal(code, id),
      createdAt,
      expiresAt,
      references: referenceCandidates(Math.min(this.limits.issue.maxLive, MAX_REFERENCE_CANDIDATES - 1) + 1, this.drawReference),
      locale,
      transaction,
      // The request's trace, for the worker's spans of this code's email to join.
      trace: currentTraceparent(),
      // A payment code's record outlives it, and it carries its otp.expired (payment-record.ts).
      ...paymentExtras(this.events, this.rules.paymentRecordSeconds, { email, purpose, requestId: id, transaction, expiresAt }),
    };
    // The caller's budget first (an inbox flood across many addresses stops here), then the
    // shared send budgets' room (the merchant's when its intent vouches, else the domain's and
    // the global one), then the mailbox's cooldown, send window, live codes and attempt budget;
    // the shared budgets count the email last, only if it is queued: one atomic step in the store. The mailbox, not the spelling:
    // `a+1@gmail.com` and `a@gmail.com` share those limits (the email goes as written).
    // No earlier live code is removed: a stranger's request cannot cut the owner's.
    // A payment intent is single use: its id is recorded with the code, until the intent expires.
    const intentUse = intent && { key: `${intent.transaction.merchant}|${intent.transaction.intentId}`, until: intent.expiresAt, keepUntil: otp.keepUntil ?? expiresAt };
    const outcome = await this.store.issue(otp, {
      ...this.limits.send(caller, mailbox, transaction?.merchant ?? null),
      ...this.limits.issue,
      ...(intentUse ? { intent: intentUse } : {}),
      ...(challengeUse ? { challenge: challengeUse } : {}),
    });
    if (!outcome.issued && outcome.limit === 'intent') throw new InvalidInputError('paymentIntent', 'has been used already: ask the merchant for a new one');
    if (!outcome.issued && outcome.limit === 'challenge') throw new ChallengeFailedError('invalid');
    if (!outcome.issued) return this.rateLimited(email, outcome, createdAt);
    // The code's id is the request's handle for its delivery status: 122 random bits, unguessable.
    return { status: OtpStatus.SENT, email, expiresAt, reference: outcome.reference, requestId: id };
  }

  private async resend(command: ResendOtpCommand, caller: Caller | undefined): Promise<ResendOtpResult> {
    const { email, mailbox } = this.checks.address({ email: command.email });
    checkRequestId(command.requestId);
    const { cooldownSeconds, sends } = this.limits.issue;
    const now = this.clock.now();
    // The store reads the code before anything is counted: its budgets follow its payment's merchant.
    const outcome: ResendOutcome = await this.store.resend({
      mailbox,
      id: command.requestId,
      now,
      maxAttempts: this.rules.maxAttempts,
      limits: { client: this.limits.client('request', caller), cooldownSeconds, sends },
      sharedFor: (merchant) => this.limits.sharedFor(mailbox, merchant),
    });
    switch (outcome.result) {
      case 'resent':
        return { status: OtpStatus.SENT, email, expiresAt: outcome.expiresAt, reference: outcome.reference, requestId: command.requestId, resent: outcome.queued };
      case 'limited':
        return this.rateLimited(email, outcome, now);
      default:
        return { status: DEAD_CODE[outcome.result], email };
    }
  }

  private async check(command: VerifyOtpCommand, caller: Caller | undefined): Promise<VerifyOtpResult> {
    const { email, mailbox, purpose } = this.checks.address(command);
    checkRequestId(command.requestId);
    if (!isValidCode(command.otp, this.rules.codeLength)) throw new InvalidInputError('otp', codeRule(this.rules.codeLength));
    const transaction = (await this.checks.intent(command.paymentIntent, purpose, email, this.clock.now(), false))?.transaction ?? null;
    const audience = this.tokens.audienceFor(command.audience);
    const codeHash = this.hasher.hash(email, purpose, command.otp, transaction);
    const now = this.clock.now();
    // A payment's evidence is signed before the step that consumes the code, to be written with it.
    const evidence = transaction ? await evidenceIfRight(this.store, this.tokens, { mailbox, id: command.requestId, codeHash, now }) : undefined;
    // One atomic step in the store: the caller's budget, then the request's own code: expiry,
    // the attempt cap and the comparison. Only that code is looked at, so guesses sent with
    // another request's id (or none of the address's) cannot spend it. The hash covers the
    // transaction: one changed, added or left out is a wrong guess like any other.
    const outcome = await this.store.check({
      mailbox,
      purpose,
      id: command.requestId,
      codeHash,
      now,
      maxAttempts: this.rules.maxAttempts,
      guesses: this.limits.guesses,
      ...(evidence ? { evidence } : {}),
      client: this.limits.client('verify', caller),
      // The merchant's events are written in the same step as what they report: the consume
      // (verified), or the guess that uses up the code's attempts (locked). Either is made
      // beforehand, and only the one that happens is kept.
      // The lock's transaction is the code's own, which the store attaches (the guess's may differ).
      webhooks: { verified: this.events.verified({ email, purpose, requestId: command.requestId, transaction, ...(evidence ? { evidence } : {}) }), locked: this.events.locked({ email, purpose, requestId: command.requestId, transaction: null }) },
    });
    const result = this.verdict(outcome);
    if (result.status === OtpStatus.VERIFIED) {
      return { ...result, verificationToken: await this.tokens.sign({ email, purpose, transaction }, this.clock.now(), audience) };
    }
    return result;
  }

  private verdict(outcome: CheckOutcome): VerifyOtpResult {
    switch (outcome.result) {
      case 'verified':
        return { status: OtpStatus.VERIFIED };
      case 'mismatched':
        return { status: OtpStatus.MISMATCHED, attemptsRemaining: Math.max(0, this.rules.maxAttempts - outcome.attempts) };
      case 'not_found':
        return { status: OtpStatus.NOT_FOUND };
      case 'expired':
        return { status: OtpStatus.EXPIRED };
      case 'too_many_attempts':
        return { status: OtpStatus.TOO_MANY_ATTEMPTS, attemptsRemaining: 0 };
      case 'limited':
        return { status: OtpStatus.RATE_LIMITED, retryAfterSeconds: toSeconds(outcome.retryAfterMs) };
    }
  }

  /**
   * Counts a delivery-status read (a query or a subscription) against the caller's budget:
   * each costs a store read, so a loop of them must stop somewhere. Refused: RateLimitedError.
   */
  async checkStatusRead(caller?: Caller): Promise<void> {
    const limit = this.limits.client('status', caller);
    if (!limit) return;
    const refused = await this.store.countClient(limit, this.clock.now()).catch((error: unknown) => this.unavailable(error));
    if (refused !== null) throw new RateLimitedError(toSeconds(refused));
  }

  /** RATE_LIMITED with the wait; a shared budget's refusal is also told to the budgets (metric, log line). */
  private rateLimited(email: string, refusal: { limit: IssueLimit; retryAfterMs: number; budget?: string }, now: Date) {
    if (refusal.budget && (refusal.limit === 'domain' || refusal.limit === 'global' || refusal.limit === 'merchant')) this.sendBudgets?.refused(refusal.limit, refusal.budget, refusal.retryAfterMs, now);
    return { status: OtpStatus.RATE_LIMITED as const, email, retryAfterSeconds: toSeconds(refusal.retryAfterMs) };
  }

  /** What a frontend should expect for `purpose`: sizes, times, and whether a transaction is required. */
  policyFor(purpose: string | null | undefined) {
    if (!isValidPurpose(purpose)) throw new InvalidInputError('purpose', PURPOSE_RULE);
    const forPurpose = purpose ?? DEFAULT_PURPOSE;
    const { codeLength, maxAttempts, resendCooldownSeconds } = this.rules;
    return {
      ttlSeconds: this.limits.ttlSecondsFor(forPurpose),
      codeLength,
      maxAttempts,
      resendCooldownSeconds,
      purpose: forPurpose,
      transactionRequired: this.requiresTransaction(forPurpose),
      locales: [...this.locales],
      challenge: this.challenge?.info ?? null,
    };
  }

  /** Whether a code for `purpose` must confirm a transaction. */
  requiresTransaction(purpose: string): boolean {
    return this.checks.requiresTransaction(purpose);
  }
}
