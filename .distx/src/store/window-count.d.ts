import type { AttemptBudget, IssueLimit, IssueLimits, SendLimits, WindowLimit } from './otp.store.js';
export interface WindowCount {
    count: number;
    /** When the window closes, in epoch milliseconds. */
    resetAt: number;
}
/** Milliseconds until the window lets one more through, or null when it lets one through now. */
export declare function refusalMs(window: WindowCount | undefined, limit: WindowLimit, now: number): number | null;
/** The window after counting one more at `now`. */
export declare function counted(window: WindowCount | undefined, limit: WindowLimit, now: number): WindowCount;
/**
 * A sliding window, for the guess budget: the times of the last `max` counted events. At most
 * `max` in any `windowSeconds`, wherever the window is laid — a fixed window lets up to twice
 * that through across its edge. Bounded: never more than `max` times are kept.
 */
export type SlidingLog = number[];
/** Milliseconds until the log lets one more through, or null when it lets one through now. */
export declare function slidingRefusalMs(log: SlidingLog | undefined, limit: WindowLimit, now: number): number | null;
/** The log after counting one more at `now`. */
export declare function slidingCounted(log: SlidingLog | undefined, limit: WindowLimit, now: number): SlidingLog;
/** What an address's limits are judged on: epoch milliseconds throughout. */
export interface AddressLimitState {
    /** 0 when no cooldown runs. */
    cooldownUntil: number;
    sends?: WindowCount;
    /** Times of the latest wrong guesses at the address's codes. */
    guesses?: SlidingLog;
    /** The address's codes (expired ones are left out by the judges). */
    codes: readonly {
        expiresAt: number;
        attempts: number;
    }[];
}
export interface Refusal<Limit extends IssueLimit = IssueLimit> {
    limit: Limit;
    retryAfterMs: number;
}
/** The cooldown, then the send window: what every email (a new code or a resend) must pass. */
export declare function sendRefusal(state: AddressLimitState, limits: Omit<SendLimits, 'client'>, now: number): Refusal<'cooldown' | 'sends'> | null;
/**
 * The attempt budget's units still held at `now`: one per wrong guess inside the window, and
 * the attempts each live code has left. A new code needs `maxAttempts` more.
 */
export declare function attemptsHeld(state: AddressLimitState, { maxAttempts, budget }: AttemptBudget, now: number): number;
/**
 * Milliseconds until the budget can cover a new code, or null when it can now: the units free
 * in time order (a guess as it leaves the window, a code's unused attempts when it expires)
 * until enough are free.
 */
export declare function attemptRefusalMs(state: AddressLimitState, attempts: AttemptBudget, now: number): number | null;
/** Which of an address's limits refuses a new code at `now`, in the order they are judged; null: none. */
export declare function issueRefusal(state: AddressLimitState, limits: Omit<IssueLimits, 'client'>, now: number): Refusal | null;
