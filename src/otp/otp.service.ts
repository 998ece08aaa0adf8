// Every rule about codes lives here, and nothing about HTTP, GraphQL or MongoDB: issuing
// (rate limits, generation, hashing, replacement) and checking (expiry, attempts, single use).
// The store gives atomic steps (issue a code under these limits, check one under these); this
// file decides the limits, makes and seals the codes, and tells the caller what happened.
import { randomUUID } from 'node:crypto';
import type { Clock } from '../clock.js';
import { StoreUnavailableError, type CheckOutcome, type ClientLimit, type OtpStore, type WindowLimit } from '../store/otp.store.js';
import { clientNetwork } from './client-network.js';
import { CodeHasher, generateCode } from './otp.codes.js';
import {
  canonicalLocale,
  codeRule,
  DEFAULT_PURPOSE,
  EMAIL_RULE,
  InvalidInputError,
  isValidCode,
  isValidPurpose,
  normaliseEmail,
  PURPOSE_RULE,
} from './otp.input.js';
import { OtpStatus } from './otp.status.js';
import { SUPPORTED_LOCALES } from '../mail/locales/index.js';
import { generateReference, referenceCandidates } from './reference.js';
import { parseTransaction, type Transaction, type TransactionInput } from './transaction.js';
import type { VerificationTokens } from './verification-token.js';
import { NO_MERCHANT_EVENTS, type MerchantEvents } from '../webhooks/merchant-events.js';

export interface OtpPolicy {
  /** Life of a code, counted from each request. Default 300. */
  ttlSeconds: number;
  /** Digits per code, 4–10. Default 6. */
  codeLength: number;
  /** Wrong guesses before a code is dead. Default 5. */
  maxAttempts: number;
  /** Minimum gap between two codes for one address. Default 30; 0 turns it off. */
  resendCooldownSeconds: number;
  /** Codes per address per window. Default 5. */
  maxSendsPerWindow: number;
  /** The window for maxSendsPerWindow. Default 600. */
  sendWindowSeconds: number;
  /**
   * Wrong guesses per address per guess window, across all its codes, so that requesting new
   * codes cannot reset the guessing budget. Default 10 (per 3600 s).
   */
  maxGuessesPerWindow: number;
  /** The window for maxGuessesPerWindow. Default 3600. */
  guessWindowSeconds: number;
  /**
   * Purposes whose codes must confirm a transaction: requestOtp refuses them without one.
   * Default ["payment"].
   */
  transactionPurposes: readonly string[];
}

/** Limits per caller (client IP), on top of the per-address ones. */
export interface ClientPolicy {
  /** requestOtp calls per client per window. Default 30. */
  maxRequestsPerWindow: number;
  /** verifyOtp calls per client per window. Default 100. */
  maxVerificationsPerWindow: number;
  /** Default 600. */
  windowSeconds: number;
  /** IPv6 callers are counted per network of this prefix length. Default 64. */
  ipv6PrefixLength: number;
}

/** Who is calling: the key the per-client limits count against. */
export interface Caller {
  clientIp: string;
}

export interface RequestOtpCommand {
  email: string;
  purpose?: string | null;
  /** The payment the code confirms: it must be given again, unchanged, to verify. */
  transaction?: TransactionInput | null;
  /** BCP 47: the language of the email. */
  locale?: string | null;
}

export interface VerifyOtpCommand {
  email: string;
  purpose?: string | null;
  otp: string;
  transaction?: TransactionInput | null;
  /** Who the verification token is for: one of the configured audiences (default: the first). */
  audience?: string | null;
}

export type RequestOtpResult =
  | { status: OtpStatus.SENT; email: string; expiresAt: Date; reference: string; requestId: string }
  | { status: OtpStatus.RATE_LIMITED; email: string; retryAfterSeconds: number };

export interface VerifyOtpResult {
  status: Exclude<OtpStatus, OtpStatus.SENT>;
  attemptsRemaining?: number;
  retryAfterSeconds?: number;
  /** On VERIFIED: the signed proof for the merchant's backend. */
  verificationToken?: string;
}

/** Hears every outcome, for metrics. Never given the email or the code. */
export interface OtpObserver {
  requested(status: OtpStatus): void;
  verified(status: OtpStatus): void;
}

export interface OtpServiceDeps {
  store: OtpStore;
  clock: Clock;
  secret: string;
  policy: OtpPolicy;
  clientPolicy: ClientPolicy;
  tokens: VerificationTokens;
  observer?: OtpObserver;
  /** Draws a reference (tests give a predictable one). */
  reference?: () => string;
  /** Tells the merchant's backend of verifications and locked codes (signed webhooks). */
  events?: MerchantEvents;
}

export class OtpService {
  readonly policy: Readonly<OtpPolicy>;
  private readonly store: OtpStore;
  private readonly clock: Clock;
  private readonly hasher: CodeHasher;
  private readonly observer: OtpObserver | undefined;
  private readonly tokens: VerificationTokens;
  private readonly ipv6PrefixLength: number;
  private readonly drawReference: () => string;
  private readonly events: MerchantEvents;
  private readonly limits: {
    sends: WindowLimit;
    guesses: WindowLimit;
    clientRequests: WindowLimit;
    clientVerifications: WindowLimit;
  };

  constructor({ store, clock, secret, policy, clientPolicy, tokens, observer, reference, events }: OtpServiceDeps) {
    this.drawReference = reference ?? generateReference;
    this.events = events ?? NO_MERCHANT_EVENTS;
    this.store = store;
    this.observer = observer;
    this.tokens = tokens;
    this.clock = clock;
    this.hasher = new CodeHasher(secret);
    this.policy = Object.freeze({ ...policy, transactionPurposes: Object.freeze([...policy.transactionPurposes]) });
    this.ipv6PrefixLength = clientPolicy.ipv6PrefixLength;
    this.limits = {
      sends: { max: policy.maxSendsPerWindow, windowSeconds: policy.sendWindowSeconds },
      guesses: { max: policy.maxGuessesPerWindow, windowSeconds: policy.guessWindowSeconds },
      clientRequests: { max: clientPolicy.maxRequestsPerWindow, windowSeconds: clientPolicy.windowSeconds },
      clientVerifications: { max: clientPolicy.maxVerificationsPerWindow, windowSeconds: clientPolicy.windowSeconds },
    };
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
    return result;
  }

  async verifyOtp(command: VerifyOtpCommand, caller?: Caller): Promise<VerifyOtpResult> {
    const result = await this.check(command, caller).catch((error: unknown) => this.unavailable(error));
    this.observer?.verified(result.status);
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
    const { email, purpose } = this.checkAddress(command);
    const transaction = this.checkTransaction(command.transaction);
    if (!transaction && this.requiresTransaction(purpose)) {
      throw new InvalidInputError('transaction', 'is required for this purpose (see otpPolicy(purpose).transactionRequired): its code must confirm an amount and payee');
    }
    const locale = canonicalLocale(command.locale);
    const id = randomUUID();
    const code = generateCode(this.policy.codeLength);
    const createdAt = this.clock.now();
    // The expiry is computed per request (the old design computed it once, at cold start).
    const expiresAt = new Date(createdAt.getTime() + this.policy.ttlSeconds * 1000);
    const otp = {
      id,
      email,
      purpose,
      codeHash: this.hasher.hash(email, purpose, code, transaction),
      sealedCode: this.hasher.seal(code, id),
      createdAt,
      expiresAt,
      references: referenceCandidates(this.drawReference),
      locale,
      transaction,
    };
    // The caller's budget first (an inbox flood across many addresses stops here), then the
    // address's cooldown, then its send window: one atomic step in the store.
    const outcome = await this.store.issue(otp, {
      client: this.clientLimit('request', caller, this.limits.clientRequests),
      cooldownSeconds: this.policy.resendCooldownSeconds,
      sends: this.limits.sends,
    });
    if (!outcome.issued) return { status: OtpStatus.RATE_LIMITED, email, retryAfterSeconds: toSeconds(outcome.retryAfterMs) };
    // The code's id is the request's handle for its delivery status: 122 random bits, unguessable.
    return { status: OtpStatus.SENT, email, expiresAt, reference: outcome.reference, requestId: id };
  }

  private async check(command: VerifyOtpCommand, caller: Caller | undefined): Promise<VerifyOtpResult> {
    const { email, purpose } = this.checkAddress(command);
    if (!isValidCode(command.otp, this.policy.codeLength)) {
      throw new InvalidInputError('otp', codeRule(this.policy.codeLength));
    }
    const transaction = this.checkTransaction(command.transaction);
    const audience = this.tokens.audienceFor(command.audience);
    // One atomic step in the store: the caller's budget, the address's guess budget (so that
    // concurrent guesses cannot overrun it, and requesting new codes cannot reset it), then
    // expiry, the attempt cap and the comparison. Only a right guess is free. The hash covers
    // the transaction: one changed, added or left out is a wrong guess like any other.
    const outcome = await this.store.check({
      email,
      purpose,
      codeHash: this.hasher.hash(email, purpose, command.otp, transaction),
      now: this.clock.now(),
      maxAttempts: this.policy.maxAttempts,
      guesses: this.limits.guesses,
      client: this.clientLimit('verify', caller, this.limits.clientVerifications),
    });
    const result = this.verdict(outcome);
    if (result.status === OtpStatus.VERIFIED) {
      await this.events.verified({ email, purpose, transaction });
      return { ...result, verificationToken: await this.tokens.sign({ email, purpose, transaction }, this.clock.now(), audience) };
    }
    // The guess that used up the code's attempts: the code is now locked.
    if (outcome.result === 'mismatched' && outcome.attempts === this.policy.maxAttempts) await this.events.locked({ email, purpose });
    return result;
  }

  private verdict(outcome: CheckOutcome): VerifyOtpResult {
    switch (outcome.result) {
      case 'verified':
        return { status: OtpStatus.VERIFIED };
      case 'mismatched':
        return { status: OtpStatus.MISMATCHED, attemptsRemaining: Math.max(0, this.policy.maxAttempts - outcome.attempts) };
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

  private clientLimit(action: 'request' | 'verify', caller: Caller | undefined, limit: WindowLimit): ClientLimit | undefined {
    return caller ? { key: `${action}|${clientNetwork(caller.clientIp, this.ipv6PrefixLength)}`, limit } : undefined;
  }

  /** What a frontend should expect for `purpose`: sizes, times, and whether a transaction is required. */
  policyFor(purpose: string | null | undefined) {
    if (!isValidPurpose(purpose)) throw new InvalidInputError('purpose', PURPOSE_RULE);
    const forPurpose = purpose ?? DEFAULT_PURPOSE;
    const { ttlSeconds, codeLength, maxAttempts, resendCooldownSeconds } = this.policy;
    return {
      ttlSeconds,
      codeLength,
      maxAttempts,
      resendCooldownSeconds,
      purpose: forPurpose,
      transactionRequired: this.requiresTransaction(forPurpose),
      locales: [...SUPPORTED_LOCALES],
    };
  }

  /** Whether a code for `purpose` must confirm a transaction. */
  requiresTransaction(purpose: string): boolean {
    return this.policy.transactionPurposes.includes(purpose);
  }

  private checkTransaction(raw: TransactionInput | null | undefined): Transaction | null {
    return raw === undefined || raw === null ? null : parseTransaction(raw);
  }

  private checkAddress(command: { email: string; purpose?: string | null }): { email: string; purpose: string } {
    const email = normaliseEmail(command.email);
    if (email === null) throw new InvalidInputError('email', EMAIL_RULE);
    if (!isValidPurpose(command.purpose)) throw new InvalidInputError('purpose', PURPOSE_RULE);
    return { email, purpose: command.purpose ?? DEFAULT_PURPOSE };
  }
}

/** A wait in whole seconds, at least one: what Retry-After and retryAfterSeconds carry. */
const toSeconds = (ms: number) => Math.max(1, Math.ceil(ms / 1000));
