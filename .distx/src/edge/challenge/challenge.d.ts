export type ChallengeKind = 'altcha' | 'turnstile' | 'hcaptcha';
/** What a frontend needs to show the widget (otpPolicy.challenge). */
export interface ChallengeInfo {
    kind: ChallengeKind;
    /** Turnstile's and hCaptcha's public site key. */
    siteKey: string | null;
    /** ALTCHA: where the widget fetches a challenge (its `challengeurl`). */
    challengeUrl: string | null;
}
export interface Challenge {
    readonly info: ChallengeInfo;
    /** Throws ChallengeFailedError (missing, invalid, used) or ChallengeUnavailableError (the provider could not answer). */
    check(token: string | null | undefined, clientIp: string | undefined): Promise<void>;
}
/** The most a token may be: Turnstile's are up to 2,048 characters, an ALTCHA payload a few hundred. */
export declare const MAX_TOKEN_LENGTH = 4096;
export declare class ChallengeFailedError extends Error {
    readonly reason: 'missing' | 'invalid';
    constructor(reason: 'missing' | 'invalid');
}
/** The provider's verify call failed (down, slow, or too many checks in flight): retryable. */
export declare class ChallengeUnavailableError extends Error {
    constructor();
}
/** The token's basic shape, common to every kind: present, and not absurdly long. */
export declare function presentToken(token: string | null | undefined): string;
