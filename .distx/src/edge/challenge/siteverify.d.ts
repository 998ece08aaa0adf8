import { type Challenge, type ChallengeInfo } from './challenge.js';
export declare const VERIFY_URLS: {
    readonly turnstile: 'https://challenges.cloudflare.com/turnstile/v0/siteverify';
    readonly hcaptcha: 'https://api.hcaptcha.com/siteverify';
};
export interface SiteVerifyPolicy {
    kind: keyof typeof VERIFY_URLS;
    secret: string;
    siteKey: string;
    verifyUrl: string;
}
export declare class SiteVerifyChallenge implements Challenge {
    private readonly policy;
    readonly info: ChallengeInfo;
    private inFlight;
    constructor(policy: SiteVerifyPolicy);
    check(token: string | null | undefined, clientIp: string | undefined): Promise<void>;
}
