export declare const MIN_SECRET_BITS = 128;
/** The share of a secret that zxcvbn-ts may explain as guessable parts before it is refused. */
export declare const MAX_GUESSABLE_SHARE = 0.5;
export declare const MIN_SECRET_LENGTH = 32;
/** Bits of entropy by character frequency: 0 for 'xxxx', about 6 per character for random base64. */
export declare function estimatedBits(secret: string): number;
/** The share of `secret` that zxcvbn-ts matches as words, names, walks, sequences, dates or repeats. */
export declare function guessableShare(secret: string): number;
/** Why `secret` is too weak to use, or null when it looks random enough. */
export declare function secretWeakness(secret: string): string | null;
