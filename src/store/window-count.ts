// A fixed-window counter, as the embedded store keeps it (the MongoDB adapter computes the
// same thing inside its pipeline updates, see mongo/address.updates.ts, and judges a refusal
// it has read back with refusalMs): at most `max` counted
// per window, the window opening at the first one counted and closing `windowSeconds` later.
import type { WindowLimit } from './otp.store.js';

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
