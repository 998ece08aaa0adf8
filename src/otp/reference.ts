// The short reference printed on each code's email and returned by requestOtp, so a page can
// say "enter the code from the email marked K7QM". Not a secret: it is drawn independently of
// the code, so it tells nothing about it.
import { randomInt } from 'node:crypto';

/** Upper-case letters and digits without look-alikes (0/O, 1/I/L, 5/S, 2/Z, 8/B). */
export const REFERENCE_ALPHABET = 'ACDEFGHJKMNPQRTUVWXY345679';
export const REFERENCE_LENGTH = 4;

export function generateReference(): string {
  let reference = '';
  for (let i = 0; i < REFERENCE_LENGTH; i += 1) reference += REFERENCE_ALPHABET[randomInt(REFERENCE_ALPHABET.length)];
  return reference;
}

/**
 * `count` references for one new code, in order of preference, all different: the store takes
 * the first that none of the address's live codes carries, so two emails on one screen never
 * share one. Ask for one more than an address may hold live codes.
 */
export function referenceCandidates(count: number, draw: () => string = generateReference): [string, ...string[]] {
  const candidates = new Set<string>();
  for (let tries = 0; candidates.size < count; tries += 1) {
    if (tries > count * 100) throw new Error('reference generator keeps repeating itself');
    candidates.add(draw());
  }
  return [...candidates] as [string, ...string[]];
}

/**
 * One more candidate than the live codes an address may hold guarantees a free reference; past
 * a few, a random one is free anyway (a clash with 8 live codes is 1 in 57,000 per candidate),
 * and drawing thousands per request would cost more than it buys.
 */
export const MAX_REFERENCE_CANDIDATES = 8;
