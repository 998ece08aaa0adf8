// Every rule about codes lives here, and nothing about HTTP, GraphQL or MongoDB: issuing
// (rate limits, generation, hashing, replacement) and checking (expiry, attempts, single use).
// The store gives atomic steps; this file decides which to take.
import { randomUUID } from 'node:crypto';
import { RateLimiterRes, type RateLimiterAbstract } from 'rate-limiter-flexible';
import type { Clock } from '../clock.js';
import { StoreUnavailableError, type OtpStore } from '../store/otp.store.js';
import { CodeHasher, generateCode } from './otp.codes.js';
import {
  codeRule,
  DEFAULT_PURPOSE,
  EMAIL_RULE,
  InvalidInputError,
  isValidCode,
  isValidEmail,
  isValidPurpose,
  normaliseEmail,
  PURPOSE_RULE,
} from './otp.input.js';
import { OtpStatus } from './otp.status.js';
import type { VerificationTokens } from './verification-token.js';

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
}

/** Limits per caller (client IP), on top of the per-address ones. */
export interface ClientPolicy {
  /** requestOtp calls per client per window. Default 30. */
  maxRequestsPerWindow: number;
  /** verifyOtp calls per client per window. Default 100. */
  maxVerificationsPerWindow: number;
  /** Default 600. */
  windowSeconds: number;
}

/** Who is calling: the key the per-client limits count against. */
export interface Caller {
  clientIp: string;
}

export interface RequestOtpCommand {
  email: string;
  purpose?: string | null;
}

export interface VerifyOtpCommand extends RequestOtpCommand {
  otp: string;
}

export type RequestOtpResult =
  | { status: OtpStatus.SENT; email: string; expiresAt: Date }
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
}

export class OtpService {
  readonly policy: Readonly<OtpPolicy>;
  private readonly store: OtpStore;
  private readonly clock: Clock;
  private readonly hasher: CodeHasher;
  private readonly observer: OtpObserver | undefined;
  private readonly tokens: VerificationTokens;
  private readonly limiters: Record<'sends' | 'guesses' | 'clientRequests' | 'clientVerifications', RateLimiterAbstract> & {
    /** null when OTP_RESEND_COOLDOWN_SECONDS is 0. */
    cooldown: RateLimiterAbstract | null;
  };

  constructor({ store, clock, secret, policy, clientPolicy, tokens, observer }: OtpServiceDeps) {
    this.store = store;
    this.observer = observer;
    this.tokens = tokens;
    this.clock = clock;
    this.hasher = new CodeHasher(secret);
    this.policy = Object.freeze({ ...policy });
    const limiter = (keyPrefix: string, points: number, durationSeconds: number) =>
      store.createRateLimiter({ keyPrefix, points, durationSeconds });
    this.limiters = {
      cooldown: policy.resendCooldownSeconds > 0 ? limiter('otp_cooldown', 1, policy.resendCooldownSeconds) : null,
      sends: limiter('otp_window', policy.maxSendsPerWindow, policy.sendWindowSeconds),
      guesses: limiter('otp_guesses', policy.maxGuessesPerWindow, policy.guessWindowSeconds),
      clientRequests: limiter('client_requests', clientPolicy.maxRequestsPerWindow, clientPolicy.windowSeconds),
      clientVerifications: limiter('client_verifications', clientPolicy.maxVerificationsPerWindow, clientPolicy.windowSeconds),
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

    // The caller's budget first (an inbox flood across many addresses stops here), then the
    // address's; the cooldown before the window so that refused requests do not eat the window.
    const retryAfterSeconds = await this.take([
      ...(caller ? [[this.limiters.clientRequests, caller.clientIp] as const] : []),
      [this.limiters.cooldown, email],
      [this.limiters.sends, email],
    ]);
    if (retryAfterSeconds !== null) return { status: OtpStatus.RATE_LIMITED, email, retryAfterSeconds };

    const id = randomUUID();
    const code = generateCode(this.policy.codeLength);
    const createdAt = this.clock.now();
    // The expiry is computed per request (the old design computed it once, at cold start).
    const expiresAt = new Date(createdAt.getTime() + this.policy.ttlSeconds * 1000);
    await this.store.insert({
      id,
      email,
      purpose,
      codeHash: this.hasher.hash(email, purpose, code),
      sealedCode: this.hasher.seal(code, id),
      createdAt,
      expiresAt,
    });
    return { status: OtpStatus.SENT, email, expiresAt };
  }

  private async check(command: VerifyOtpCommand, caller: Caller | undefined): Promise<VerifyOtpResult> {
    const { email, purpose } = this.checkAddress(command);
    if (!isValidCode(command.otp, this.policy.codeLength)) {
      throw new InvalidInputError('otp', codeRule(this.policy.codeLength));
    }
    // Every verification takes a guess from the address's budget before the code is compared,
    // so concurrent guesses cannot overrun it; only a wrong guess keeps it taken.
    const retryAfterSeconds = await this.take([
      ...(caller ? [[this.limiters.clientVerifications, caller.clientIp] as const] : []),
      [this.limiters.guesses, email],
    ]);
    if (retryAfterSeconds !== null) return { status: OtpStatus.RATE_LIMITED, retryAfterSeconds };

    const result = await this.compare(email, purpose, command.otp);
    if (result.status !== OtpStatus.MISMATCHED) await this.limiters.guesses.reward(email, 1);
    if (result.status === OtpStatus.VERIFIED) {
      return { ...result, verificationToken: await this.tokens.sign(email, purpose, this.clock.now()) };
    }
    return result;
  }

  /** The check itself: expiry, attempts, constant-time comparison, atomic count or consume. */
  private async compare(email: string, purpose: string, otp: string): Promise<VerifyOtpResult> {
    const { maxAttempts } = this.policy;

    const record = await this.store.findLatest(email, purpose);
    if (!record) return { status: OtpStatus.NOT_FOUND };
    // Checked here, not left to the TTL index: MongoDB deletes expired documents only about
    // once a minute, and a code must die at its second.
    if (record.expiresAt <= this.clock.now()) return { status: OtpStatus.EXPIRED };
    if (record.attempts >= maxAttempts) return { status: OtpStatus.TOO_MANY_ATTEMPTS, attemptsRemaining: 0 };

    if (this.hasher.matches(email, purpose, otp, record.codeHash)) {
      // Consume only the record that was read, and only below the cap: of two concurrent
      // right answers one wins; a right answer racing the last wrong guess can lose to it.
      if (await this.store.consume(record.id, maxAttempts)) return { status: OtpStatus.VERIFIED };
      return this.afterLostRace(email, purpose, record.id);
    }

    const attempts = await this.store.addFailedAttempt(record.id, maxAttempts);
    if (attempts === null) return this.afterLostRace(email, purpose, record.id);
    return { status: OtpStatus.MISMATCHED, attemptsRemaining: maxAttempts - attempts };
  }

  /** What to say when a concurrent request changed the record between our read and write. */
  private async afterLostRace(email: string, purpose: string, id: string): Promise<VerifyOtpResult> {
    const current = await this.store.findLatest(email, purpose);
    if (current?.id === id && current.attempts >= this.policy.maxAttempts) {
      return { status: OtpStatus.TOO_MANY_ATTEMPTS, attemptsRemaining: 0 };
    }
    return { status: OtpStatus.NOT_FOUND };
  }

  /**
   * Takes one point from each limit in order; returns null when all allow it, or the seconds
   * to wait. A refusal by an earlier limit leaves the later ones untouched.
   */
  private async take(limits: ReadonlyArray<readonly [RateLimiterAbstract | null, string]>): Promise<number | null> {
    for (const [limiter, key] of limits) {
      if (!limiter) continue;
      try {
        await limiter.consume(key);
      } catch (refusal) {
        // rate-limiter-flexible rejects with a RateLimiterRes when limited, an Error when broken.
        if (refusal instanceof RateLimiterRes) return Math.max(1, Math.ceil(refusal.msBeforeNext / 1000));
        throw refusal;
      }
    }
    return null;
  }

  private checkAddress(command: RequestOtpCommand): { email: string; purpose: string } {
    if (!isValidEmail(command.email)) throw new InvalidInputError('email', EMAIL_RULE);
    if (!isValidPurpose(command.purpose)) throw new InvalidInputError('purpose', PURPOSE_RULE);
    return { email: normaliseEmail(command.email), purpose: command.purpose ?? DEFAULT_PURPOSE };
  }
}
