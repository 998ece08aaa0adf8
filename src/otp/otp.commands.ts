// The service's vocabulary: the rules it enforces, the commands it takes and the results it
// gives, and what its observer hears. otp.service.ts holds the rules' logic; these are the
// shapes, so a reader (or a resolver) finds them without reading the logic.
import type { MailProvider } from '../edge/mailbox.js';
import type { EmailKind } from './code-kind.js';
import type { Clock } from '../clock.js';
import type { Challenge } from '../edge/challenge/challenge.js';
import type { SendBudgets } from '../edge/send-budgets.js';
import type { CodeStore } from '../store/codes.js';
import type { StoreHealth } from '../store/health.js';
import type { MerchantEvents } from '../webhooks/merchant-events.js';
import type { OtpStatus } from './otp.status.js';
import type { IntentChecker } from './transaction.js';
import type { VerificationTokens } from './verification-token.js';

/** What the service needs of the store: the codes role, and to tell an outage from a failure. */
export type ServiceStore = CodeStore & Pick<StoreHealth, 'isUnavailable'>;

/**
 * The rules a code lives by (the service's; `otpPolicy(purpose)` shows a frontend the part it
 * needs, as the GraphQL type OtpPolicy).
 */
export interface OtpRules {
  /** Life of a code, counted from each request. Default 300. */
  ttlSeconds: number;
  /** Life of a code for particular purposes (OTP_TTL_SECONDS_BY_PURPOSE); others live ttlSeconds. */
  ttlSecondsByPurpose?: Readonly<Record<string, number>>;
  /** Digits per code, 4–10. Default 6. */
  codeLength: number;
  /** Wrong guesses before a code is dead. Default 5. */
  maxAttempts: number;
  /** Minimum gap between two codes for one address. Default 30; 0 turns it off. */
  resendCooldownSeconds: number;
  /**
   * Emails (new codes and resends) per address per window. Default 5. It also bounds the
   * codes an address holds live at once: a request past that waits until one dies.
   */
  maxSendsPerWindow: number;
  /** The window for maxSendsPerWindow. Default 600. */
  sendWindowSeconds: number;
  /**
   * The address's attempt budget: wrong guesses at all its codes per guess window, by anyone.
   * Each new code takes its maxAttempts from it when issued and gives back what it did not
   * use when it dies, so opening requests adds no guesses. Default 25 (per 21,600 s): at most
   * 100 wrong guesses a day, 1 in 10,000 for 6 digits.
   */
  maxGuessesPerWindow: number;
  /** The window for maxGuessesPerWindow. Default 21600. */
  guessWindowSeconds: number;
  /**
   * Purposes whose codes must confirm a transaction: requestOtp refuses them without one.
   * Default ["payment"].
   */
  transactionPurposes: readonly string[];
  /**
   * How long a payment code's record (its timeline and signed evidence, for the merchant API)
   * is kept after the code expires. Default 86400.
   */
  paymentRecordSeconds: number;
}

/** Limits per caller (client IP), on top of the per-address ones. */
export interface ClientPolicy {
  /** requestOtp calls per client per window. Default 30. */
  maxRequestsPerWindow: number;
  /** verifyOtp calls per client per window. Default 100. */
  maxVerificationsPerWindow: number;
  /** otpDelivery reads and otpDeliveryChanged subscriptions per client per window. Default 300. */
  maxStatusReadsPerWindow: number;
  /** Default 600. */
  windowSeconds: number;
  /** IPv6 callers are counted per network of this prefix length. Default 64. */
  ipv6PrefixLength: number;
  /**
   * IPv6 callers are also counted per /48 (a site: what one customer or one attacker is
   * usually given), against this many times each per-client budget. Default 8.
   */
  ipv6SiteFactor: number;
}

/** Who is calling: the key the per-client limits count against. */
export interface Caller {
  clientIp: string;
}

export interface RequestOtpCommand {
  email: string;
  purpose?: string | null;
  /** The payment intent the merchant's backend signed: it must be given again, unchanged, to verify. */
  paymentIntent?: string | null;
  /** BCP 47: the language of the email. */
  locale?: string | null;
  /** The bot check's token, when one is on (otpPolicy.challenge). */
  challenge?: string | null;
}

export interface VerifyOtpCommand {
  email: string;
  /** requestOtp's requestId: only the code that request issued is checked. */
  requestId: string;
  purpose?: string | null;
  otp: string;
  paymentIntent?: string | null;
  /** Who the verification token is for: one of the configured audiences (default: the first). */
  audience?: string | null;
}

export interface ResendOtpCommand {
  email: string;
  /** requestOtp's requestId: the code to send again. */
  requestId: string;
}

export type RequestOtpResult =
  | { status: OtpStatus.SENT; email: string; expiresAt: Date; reference: string; requestId: string }
  | { status: OtpStatus.RATE_LIMITED; email: string; retryAfterSeconds: number };

/** SENT: the same code is on its way again, with its own expiry and reference. */
export type ResendOtpResult =
  | (Extract<RequestOtpResult, { status: OtpStatus.SENT }> & { resent: boolean })
  | { status: OtpStatus.RATE_LIMITED; email: string; retryAfterSeconds: number }
  | { status: OtpStatus.NOT_FOUND | OtpStatus.EXPIRED | OtpStatus.TOO_MANY_ATTEMPTS; email: string };

export interface VerifyOtpResult {
  status: Exclude<OtpStatus, OtpStatus.SENT>;
  attemptsRemaining?: number;
  retryAfterSeconds?: number;
  /** On VERIFIED: the signed proof for the merchant's backend. */
  verificationToken?: string;
}

/** Hears every outcome, for metrics. Never given the email or the code. */
/** The steps of a code's life the business watches, requested to verified (docs/operators.md, the funnel). */
export type FunnelStage = 'requested' | 'sent' | 'delivered' | 'bounced' | 'verified';
export const FUNNEL_STAGES: readonly FunnelStage[] = ['requested', 'sent', 'delivered', 'bounced', 'verified'];

export interface OtpObserver {
  requested(status: OtpStatus): void;
  /** A code reached a stage of the funnel: its kind, and the provider of its address (bounded groups). */
  funnel?(stage: FunnelStage, kind: EmailKind, provider: MailProvider): void;
  resent(status: OtpStatus): void;
  verified(status: OtpStatus): void;
  /** A request refused because a shared send budget (a domain's, or the global one) is spent. */
  sendBudgetRefused?(budget: 'domain' | 'global' | 'merchant'): void;
}

export interface OtpServiceDeps {
  store: ServiceStore;
  clock: Clock;
  secret: string;
  rules: OtpRules;
  clientPolicy: ClientPolicy;
  tokens: VerificationTokens;
  observer?: OtpObserver;
  /** Draws a reference (tests give a predictable one). */
  reference?: () => string;
  /** Tells the merchant's backend of verifications and locked codes (signed webhooks). */
  events?: MerchantEvents;
  /** Checks the payment intents merchants' backends sign (default: none is known). */
  intents?: IntentChecker;
  /** The per-domain and global send budgets (default: none). */
  sendBudgets?: SendBudgets;
  /** The bot check requestOtp wants (default: none). */
  challenge?: Challenge | null;
  /** The languages an email can be written in, for otpPolicy (default: none listed). */
  locales?: readonly string[];
}

/** A caller's budget is spent: a GraphQL error with code RATE_LIMITED and the wait. */
export class RateLimitedError extends Error {
  constructor(readonly retryAfterSeconds: number) {
    super('Too many requests from this client. Try again later.');
    this.name = 'RateLimitedError';
  }
}
