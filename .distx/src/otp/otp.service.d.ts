import type { Clock } from '../clock.js';
import { type OtpStore } from '../store/otp.store.js';
import { CodeHasher } from './otp.codes.js';
import { OtpStatus } from './otp.status.js';
import { type IntentChecker } from './transaction.js';
import type { VerificationTokens } from './verification-token.js';
import { type MerchantEvents } from '../webhooks/merchant-events.js';
import type { Challenge } from '../edge/challenge/challenge.js';
import type { SendBudgets } from '../edge/send-budgets.js';
export interface OtpPolicy {
    /** Life of a code, counted from each request. Default 300. */
    ttlSeconds: number;
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
export type RequestOtpResult = {
    status: OtpStatus.SENT;
    email: string;
    expiresAt: Date;
    reference: string;
    requestId: string;
} | {
    status: OtpStatus.RATE_LIMITED;
    email: string;
    retryAfterSeconds: number;
};
/** SENT: the same code is on its way again, with its own expiry and reference. */
export type ResendOtpResult = (Extract<RequestOtpResult, {
    status: OtpStatus.SENT;
}> & {
    resent: boolean;
}) | {
    status: OtpStatus.RATE_LIMITED;
    email: string;
    retryAfterSeconds: number;
} | {
    status: OtpStatus.NOT_FOUND | OtpStatus.EXPIRED | OtpStatus.TOO_MANY_ATTEMPTS;
    email: string;
};
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
    resent(status: OtpStatus): void;
    verified(status: OtpStatus): void;
    /** A request refused because a shared send budget (a domain's, or the global one) is spent. */
    sendBudgetRefused?(budget: 'domain' | 'global'): void;
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
    /** Checks the payment intents merchants' backends sign (default: none is known). */
    intents?: IntentChecker;
    /** The per-domain and global send budgets (default: none). */
    sendBudgets?: SendBudgets;
    /** The bot check requestOtp wants (default: none). */
    challenge?: Challenge | null;
}
export declare class OtpService {
    readonly policy: Readonly<OtpPolicy>;
    private readonly store;
    private readonly clock;
    private readonly hasher;
    private readonly observer;
    private readonly tokens;
    private readonly ipv6PrefixLength;
    private readonly drawReference;
    private readonly events;
    private readonly intents;
    private readonly sendBudgets;
    /** The bot check requestOtp wants, or null; the HTTP layer serves ALTCHA's challenges from it. */
    readonly challenge: Challenge | null;
    private readonly limits;
    constructor({ store, clock, secret, policy, clientPolicy, tokens, observer, reference, events, intents, sendBudgets, challenge }: OtpServiceDeps);
    /** The hasher, shared with the dispatcher so both use keys from the same secret. */
    get codeHasher(): CodeHasher;
    /**
     * Issues a code. Every well-formed address gets the same kind of answer whether or not it
     * has been seen before: there is nothing to look up, so nothing to learn from the reply.
     */
    requestOtp(command: RequestOtpCommand, caller?: Caller): Promise<RequestOtpResult>;
    /**
     * Emails a live code again: the same code, expiry, attempts and reference, under the same
     * cooldown and send window as a new code (a resend is an email like any other). For a user
     * whose first email is slow: the first email's code still verifies.
     */
    resendOtp(command: ResendOtpCommand, caller?: Caller): Promise<ResendOtpResult>;
    verifyOtp(command: VerifyOtpCommand, caller?: Caller): Promise<VerifyOtpResult>;
    /**
     * A store that cannot be reached for now (an election outlasting the driver's wait, a network
     * cut) is a retryable condition the client should hear as such, not an internal error.
     * Either nothing was written, or (a write whose answer was lost) the client's retry replaces it.
     */
    private unavailable;
    private issue;
    private resend;
    private check;
    private verdict;
    /**
     * Counts a delivery-status read (a query or a subscription) against the caller's budget:
     * each costs a store read, so a loop of them must stop somewhere. Refused: RateLimitedError.
     */
    checkStatusRead(caller?: Caller): Promise<void>;
    /** The caller's request budget and the shared send budgets an email to `mailbox` counts against. */
    private sendLimits;
    /** RATE_LIMITED with the wait; a shared budget's refusal is also told to the budgets (metric, log line). */
    private rateLimited;
    private clientLimit;
    /** What a frontend should expect for `purpose`: sizes, times, and whether a transaction is required. */
    policyFor(purpose: string | null | undefined): {
        ttlSeconds: number;
        codeLength: number;
        maxAttempts: number;
        resendCooldownSeconds: number;
        purpose: string;
        transactionRequired: boolean;
        locales: string[];
        challenge: import("../edge/challenge/challenge.js").ChallengeInfo | null;
    };
    /** Whether a code for `purpose` must confirm a transaction. */
    requiresTransaction(purpose: string): boolean;
    /** The intent's payment, checked (see PaymentIntents.check); null when none was given. */
    private checkIntent;
    private checkAddress;
}
/** A caller's budget is spent: a GraphQL error with code RATE_LIMITED and the wait. */
export declare class RateLimitedError extends Error {
    readonly retryAfterSeconds: number;
    constructor(retryAfterSeconds: number);
}
