// Retry timing shared by the dispatcher and the merchant webhook sender, in one place: both
// wait by it, and configuration checks at start-up that a delivery lease outlasts the longest
// call it covers.
import { randomInt } from 'node:crypto';

/** The wait after failed attempt `attempt` (1-based): doubling from `baseMs`, plus up to `baseMs` of jitter. */
export function backoffDelayMs(attempt: number, baseMs: number): number {
  return baseMs * 2 ** (attempt - 1) + randomInt(0, baseMs + 1);
}

/**
 * The longest a claim must cover without a renewal: one provider call timing out. (Failed
 * attempts go back to the store to wait; split calls run while the claim is being renewed.)
 */
export function worstCaseSendMs(o: { timeoutMs: number }): number {
  return o.timeoutMs;
}
