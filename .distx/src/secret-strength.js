// How random a configured secret looks. Length alone let 'x'.repeat(40) pass as strong; a
// secret is now judged by an estimate of its entropy (its length times the Shannon entropy of
// its own character frequencies) and refused if it is one short pattern repeated. A random
// 32-byte base64url string (what the README's command makes) scores about 200 bits.
//
// Frequency alone passed a phrase: 'please-change-this-otp-secret-in-production' scores 163 bits
// (issue 22, row 7). So a secret is also read by zxcvbn-ts, the maintained TypeScript port of
// Dropbox's estimator, with its common and English dictionaries: one that is mostly words,
// names, keyboard walks, sequences, dates or repeats is guessable, however long it is.
import { createHash } from 'node:crypto';
import { ZxcvbnFactory } from '@zxcvbn-ts/core';
import * as common from '@zxcvbn-ts/language-common';
import * as en from '@zxcvbn-ts/language-en';
export const MIN_SECRET_BITS = 128;
/** The share of a secret that zxcvbn-ts may explain as guessable parts before it is refused. */
export const MAX_GUESSABLE_SHARE = 0.5;
/** Parts shorter than this are what random text contains by chance ('ab', 'the'). */
const MIN_GUESSABLE_PART = 4;
export const MIN_SECRET_LENGTH = 32;
/** Bits of entropy by character frequency: 0 for 'xxxx', about 6 per character for random base64. */
export function estimatedBits(secret) {
    const counts = new Map();
    for (const ch of secret)
        counts.set(ch, (counts.get(ch) ?? 0) + 1);
    const length = [...secret].length;
    let perCharacter = 0;
    for (const count of counts.values())
        perCharacter -= (count / length) * Math.log2(count / length);
    return Math.round(perCharacter * length);
}
/** True when `secret` is a shorter string said again and again ('0123456789' four times). */
function isRepeatedPattern(secret) {
    for (let size = 1; size <= secret.length / 2; size++) {
        if (secret.length % size === 0 && secret.slice(0, size).repeat(secret.length / size) === secret)
            return true;
    }
    return false;
}
// Built on first use (about 0.4 s: the dictionaries), and each verdict remembered by the
// secret's hash: a check of a random secret takes about 0.2 s, and tests load many configurations.
let estimator = null;
const guessable = new Map();
/** The share of `secret` that zxcvbn-ts matches as words, names, walks, sequences, dates or repeats. */
export function guessableShare(secret) {
    const key = createHash('sha256').update(secret).digest('hex');
    let share = guessable.get(key);
    if (share === undefined) {
        estimator ??= new ZxcvbnFactory({ dictionary: { ...common.dictionary, ...en.dictionary }, graphs: common.adjacencyGraphs });
        const parts = estimator.check(secret).sequence.filter((match) => match.pattern !== 'bruteforce' && match.token.length >= MIN_GUESSABLE_PART);
        share = parts.reduce((sum, match) => sum + match.token.length, 0) / secret.length;
        guessable.set(key, share);
    }
    return share;
}
/** Why `secret` is too weak to use, or null when it looks random enough. */
export function secretWeakness(secret) {
    if (secret.length < MIN_SECRET_LENGTH)
        return `is ${secret.length} characters; at least ${MIN_SECRET_LENGTH} are needed`;
    if (isRepeatedPattern(secret))
        return 'is one short pattern repeated';
    const bits = estimatedBits(secret);
    if (bits < MIN_SECRET_BITS)
        return `looks like about ${bits} bits of randomness by its character frequencies; at least ${MIN_SECRET_BITS} are needed`;
    const share = guessableShare(secret);
    if (share >= MAX_GUESSABLE_SHARE)
        return `is ${Math.round(share * 100)}% dictionary words, names, keyboard patterns or sequences (by zxcvbn-ts): guessable, however long`;
    return null;
}
//# sourceMappingURL=secret-strength.js.map