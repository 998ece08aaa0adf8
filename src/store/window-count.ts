// Explains a refusal the pipelines already made (mongo/address.updates.ts, mongo/stages.ts):
// from the address's document read back after a refused step, which limit refused (in the
// order the pipelines judge them) and how long the caller must wait. It decides nothing: the
// counters are a fixed window (sends, callers) and a sliding log (wrong guesses), as stored.
import type { AttemptBudget, IssueLimit, IssueLimits, ResendOutcome, SendLimits, WindowLimit } from './otp.store.js';

export interface WindowCount {
  count: number;
  /** When the window closes, in epoch milliseconds. */
  resetAt: number;
}

const isOpen = (window: WindowCount | undefined, now: number): window is WindowCount =>
  window !== undefined && window.resetAt > now;

/** Milliseconds until the window lets one more through, or null when it lets one through now. */
export function refusalMs(window: WindowCount | undefined, limit: WindowLimit, now: number): number | null {
  return isOpen(window, now) && window.count >= limit.max ? window.resetAt - now : null;
}

/** The window after counting one more at `now`. */
export function counted(window: WindowCount | undefined, limit: WindowLimit, now: number): WindowCount {
  return isOpen(window, now)
    ? { count: window.count + 1, resetAt: window.resetAt }
    : { count: 1, resetAt: now + limit.windowSeconds * 1000 };
}

/**
 * A sliding window, for the guess budget: the times of the last `max` counted events. At most
 * `max` in any `windowSeconds`, wherever the window is laid — a fixed window lets up to twice
 * that through across its edge. Bounded: never more than `max` times are kept.
 */
export type SlidingLog = number[];

const within = (log: SlidingLog | undefined, limit: WindowLimit, now: number) => (log ?? []).filter((t) => t > now - limit.windowSeconds * 1000);

/** Milliseconds until the log lets one more through, or null when it lets one through now. */
export function slidingRefusalMs(log: SlidingLog | undefined, limit: WindowLimit, now: number): number | null {
  const live = within(log, limit, now);
  return live.length >= limit.max ? live[live.length - limit.max]! + limit.windowSeconds * 1000 - now : null;
}

/** The log after counting one more at `now`. */
export function slidingCounted(log: SlidingLog | undefined, limit: WindowLimit, now: number): SlidingLog {
  return [...within(log, limit, now), now].slice(-limit.max);
}

/** What an address's limits are judged on: epoch milliseconds throughout. */
export interface AddressLimitState {
  /** 0 when no cooldown runs. */
  cooldownUntil: number;
  sends?: WindowCount;
  /** Times of the latest wrong guesses at the address's codes. */
  guesses?: SlidingLog;
  /** The address's codes (expired ones are left out by the judges). */
  codes: readonly { expiresAt: number; attempts: number }[];
}

export interface Refusal<Limit extends IssueLimit = IssueLimit> {
  limit: Limit;
  retryAfterMs: number;
}

/** The cooldown, then the send window: what every email (a new code or a resend) must pass. */
export function sendRefusal(state: AddressLimitState, limits: Omit<SendLimits, 'client'>, now: number): Refusal<'cooldown' | 'sends'> | null {
  if (state.cooldownUntil > now) return { limit: 'cooldown', retryAfterMs: state.cooldownUntil - now };
  const sends = refusalMs(state.sends, limits.sends, now);
  return sends === null ? null : { limit: 'sends', retryAfterMs: sends };
}

/**
 * The attempt budget's units still held at `now`: one per wrong guess inside the window, and
 * the attempts each live code has left. A new code needs `maxAttempts` more.
 */
export function attemptsHeld(state: AddressLimitState, { maxAttempts, budget }: AttemptBudget, now: number): number {
  const reserved = state.codes.filter((c) => c.expiresAt > now).reduce((sum, c) => sum + Math.max(0, maxAttempts - c.attempts), 0);
  return within(state.guesses, budget, now).length + reserved;
}

/**
 * Milliseconds until the budget can cover a new code, or null when it can now: the units free
 * in time order (a guess as it leaves the window, a code's unused attempts when it expires)
 * until enough are free.
 */
export function attemptRefusalMs(state: AddressLimitState, attempts: AttemptBudget, now: number): number | null {
  let short = attemptsHeld(state, attempts, now) + attempts.maxAttempts - attempts.budget.max;
  if (short <= 0) return null;
  const frees = [
    ...within(state.guesses, attempts.budget, now).map((t) => ({ at: t + attempts.budget.windowSeconds * 1000, units: 1 })),
    ...state.codes.filter((c) => c.expiresAt > now).map((c) => ({ at: c.expiresAt, units: Math.max(0, attempts.maxAttempts - c.attempts) })),
  ].sort((a, b) => a.at - b.at);
  for (const free of frees) {
    short -= free.units;
    if (short <= 0) return free.at - now;
  }
  // Only when the budget is smaller than one code's attempts, which the configuration refuses.
  return attempts.budget.windowSeconds * 1000;
}

/** Which of an address's limits refuses a new code at `now`, in the order they are judged; null: none. */
export function issueRefusal(state: AddressLimitState, limits: Omit<IssueLimits, 'client'>, now: number): Refusal | null {
  const send = sendRefusal(state, limits, now);
  if (send) return send;
  // A code its wrong guesses have killed holds no place: it can never be verified.
  const live = state.codes.filter((c) => c.expiresAt > now && c.attempts < limits.attempts.maxAttempts);
  if (live.length >= limits.maxLive) return { limit: 'live', retryAfterMs: Math.min(...live.map((c) => c.expiresAt)) - now };
  const attempts = attemptRefusalMs(state, limits.attempts, now);
  return attempts === null ? null : { limit: 'attempts', retryAfterMs: attempts };
}

/**
 * Why a resend queued nothing, in the order the pipeline judges (resendStep): the code dead
 * (expired, then killed by its wrong guesses), then the cooldown and send window. Null when
 * none of these holds: its email was still on its way (or the code changed since), so there
 * was nothing to queue.
 */
export function resendRefusal(
  state: AddressLimitState,
  code: { expiresAt: number; attempts: number },
  { maxAttempts, limits }: { maxAttempts: number; limits: Omit<SendLimits, 'client'> },
  now: number,
): Exclude<ResendOutcome, { result: 'resent' | 'not_found' }> | null {
  if (code.expiresAt <= now) return { result: 'expired' };
  if (code.attempts >= maxAttempts) return { result: 'too_many_attempts' };
  const refusal = sendRefusal(state, limits, now);
  return refusal && { result: 'limited', ...refusal };
}
