// Every rule about codes lives here, and nothing about HTTP, GraphQL or MongoDB: issuing
// (rate limits, generation, hashing, replacement) and checking (expiry, attempts, single use).
// The store gives atomic steps; this file decides which to take.
import { randomUUID } from 'node:crypto';
import { RateLimiterRes, type RateLimiterAbstract } from 'rate-limiter-flexible';
import type { Clock } from '../clock.js';
import type { OtpStore } from '../store/otp.store.js';
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
  observer?: OtpObserver;
}

export class OtpService {
  readonly policy: Readonly<OtpPolicy>;
  private readonly store: OtpStore;
  private readonly clock: Clock;
  private readonly hasher: CodeHasher;
  private readonly sendLimiters: RateLimiterAbstract[];
  private readonly observer: OtpObserver | undefined;

  constructor({ store, clock, secret, policy, observer }: OtpServiceDeps) {
    this.store = store;
    this.observer = observer;
    this.clock = clock;
    this.hasher = new CodeHasher(secret);
    this.policy = Object.freeze({ ...policy });
    // The cooldown is checked first so that requests refused by it do not eat the window's budget.
    this.sendLimiters = [
      ...(policy.resendCooldownSeconds > 0
        ? [store.createRateLimiter({ keyPrefix: 'otp_cooldown', points: 1, durationSeconds: policy.resendCooldownSeconds })]
        : []),
      store.createRateLimiter({ keyPrefix: 'otp_window', points: policy.maxSendsPerWindow, durationSeconds: policy.sendWindowSeconds }),
    ];
  }

  /** The hasher, shared with the dispatcher so both use keys from the same secret. */
  get codeHasher(): CodeHasher {
    return this.hasher;
  }

  async requestOtp(command: RequestOtpCommand): Promise<RequestOtpResult> {
    const result = await this.issue(command);
    this.observer?.requested(result.status);
    return result;
  }

  async verifyOtp(command: VerifyOtpCommand): Promise<VerifyOtpResult> {
    const result = await this.check(command);
    this.observer?.verified(result.status);
    return result;
  }

  private async issue(command: RequestOtpCommand): Promise<RequestOtpResult> {
    const { email, purpose } = this.checkAddress(command);

    const retryAfterSeconds = await this.takeSendAllowance(email);
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

  private async check(command: VerifyOtpCommand): Promise<VerifyOtpResult> {
    const { email, purpose } = this.checkAddress(command);
    if (!isValidCode(command.otp, this.policy.codeLength)) {
      throw new InvalidInputError('otp', codeRule(this.policy.codeLength));
    }
    const { maxAttempts } = this.policy;

    const record = await this.store.findLatest(email, purpose);
    if (!record) return { status: OtpStatus.NOT_FOUND };
    // Checked here, not left to the TTL index: MongoDB deletes expired documents only about
    // once a minute, and a code must die at its second.
    if (record.expiresAt <= this.clock.now()) return { status: OtpStatus.EXPIRED };
    if (record.attempts >= maxAttempts) return { status: OtpStatus.TOO_MANY_ATTEMPTS, attemptsRemaining: 0 };

    if (this.hasher.matches(email, purpose, command.otp, record.codeHash)) {
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
   * Takes one send from each limiter for the address; returns null when allowed, or the
   * seconds to wait. A refusal by an earlier limiter leaves the later ones untouched.
   */
  private async takeSendAllowance(email: string): Promise<number | null> {
    for (const limiter of this.sendLimiters) {
      try {
        await limiter.consume(email);
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
