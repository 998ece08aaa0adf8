import { type Challenge as AltchaParameters } from 'altcha-lib';
import { type Challenge, type ChallengeInfo } from './challenge.js';
export declare const ALTCHA_PATH = "/challenge/altcha";
export interface AltchaPolicy {
    /** Hex digits the derived key must start with: the work is 16^difficulty / 2 hashes on average. */
    difficulty: number;
    expiresSeconds: number;
}
export declare class AltchaChallenge implements Challenge {
    private readonly policy;
    private readonly now;
    readonly info: ChallengeInfo;
    private readonly secret;
    private readonly used;
    constructor(otpSecret: string, policy: AltchaPolicy, now?: () => Date);
    /** A new challenge, as the widget fetches it. */
    issue(): Promise<AltchaParameters>;
    check(token: string | null | undefined): Promise<void>;
}
