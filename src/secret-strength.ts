// How random a configured secret looks. Length alone let 'x'.repeat(40) pass as strong; a
// secret is now judged by an estimate of its entropy (its length times the Shannon entropy of
// its own character frequencies) and refused if it is one short pattern repeated. A random
// 32-byte base64url string (what the README's command makes) scores about 200 bits.
export const MIN_SECRET_BITS = 128;
export const MIN_SECRET_LENGTH = 32;

/** Bits of entropy by character frequency: 0 for 'xxxx', about 6 per character for random base64. */
export function estimatedBits(secret: string): number {
  const counts = new Map<string, number>();
  for (const ch of secret) counts.set(ch, (counts.get(ch) ?? 0) + 1);
  const length = [...secret].length;
  let perCharacter = 0;
  for (const count of counts.values()) perCharacter -= (count / length) * Math.log2(count / length);
  return Math.round(perCharacter * length);
}

/** True when `secret` is a shorter string said again and again ('0123456789' four times). */
function isRepeatedPattern(secret: string): boolean {
  for (let size = 1; size <= secret.length / 2; size++) {
    if (secret.length % size === 0 && secret.slice(0, size).repeat(secret.length / size) === secret) return true;
  }
  return false;
}

/** Why `secret` is too weak to use, or null when it looks random enough. */
export function secretWeakness(secret: string): string | null {
  if (secret.length < MIN_SECRET_LENGTH) return `is ${secret.length} characters; at least ${MIN_SECRET_LENGTH} are needed`;
  if (isRepeatedPattern(secret)) return 'is one short pattern repeated';
  const bits = estimatedBits(secret);
  if (bits < MIN_SECRET_BITS) return `looks like about ${bits} bits of randomness by its character frequencies; at least ${MIN_SECRET_BITS} are needed`;
  return null;
}
