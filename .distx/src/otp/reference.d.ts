/** Upper-case letters and digits without look-alikes (0/O, 1/I/L, 5/S, 2/Z, 8/B). */
export declare const REFERENCE_ALPHABET = "ACDEFGHJKMNPQRTUVWXY345679";
export declare const REFERENCE_LENGTH = 4;
export declare function generateReference(): string;
/**
 * `count` references for one new code, in order of preference, all different: the store takes
 * the first that none of the address's live codes carries, so two emails on one screen never
 * share one. Ask for one more than an address may hold live codes.
 */
export declare function referenceCandidates(count: number, draw?: () => string): [string, ...string[]];
