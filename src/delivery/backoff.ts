// The dispatcher's retry timing, in one place: the dispatcher waits by it, and configuration
// checks at start-up that a delivery lease outlasts the longest send it allows.
import { randomInt } from 'node:crypto';

/** The wait after failed attempt `attempt` (1-based): doubling from `baseMs`, plus up to `baseMs` of jitter. */
export function backoffDelayMs(attempt: number, baseMs: number): number {
  return baseMs * 2 ** (attempt - 1) + randomInt(0, baseMs + 1);
}

/** The longest one delivery can take: every attempt timing out, with the longest waits between them. */
export function worstCaseSendMs(o: { maxAttempts: number; retryBaseMs: number; timeoutMs: number }): number {
  let total = o.maxAttempts * o.timeoutMs;
  for (let attempt = 1; attempt < o.maxAttempts; attempt += 1) total += o.retryBaseMs * 2 ** (attempt - 1) + o.retryBaseMs;
  return total;
}
