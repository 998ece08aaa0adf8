import { z } from 'zod';
import { type AltchaPolicy } from './altcha.js';
import type { Challenge } from './challenge.js';
import { type SiteVerifyPolicy } from './siteverify.js';
export declare const challengeEnvShape: {
    CHALLENGE: z.ZodDefault<z.ZodEnum<{
        altcha: "altcha";
        hcaptcha: "hcaptcha";
        off: "off";
        turnstile: "turnstile";
    }>>;
    CHALLENGE_SECRET: z.ZodPipe<z.ZodOptional<z.ZodString>, z.ZodTransform<string | undefined, string | undefined>>;
    CHALLENGE_SITE_KEY: z.ZodPipe<z.ZodOptional<z.ZodString>, z.ZodTransform<string | undefined, string | undefined>>;
    CHALLENGE_VERIFY_URL: z.ZodPipe<z.ZodOptional<z.ZodString>, z.ZodTransform<string | undefined, string | undefined>>;
    ALTCHA_DIFFICULTY: z.ZodDefault<z.ZodCoercedNumber<unknown>>;
    ALTCHA_EXPIRES_SECONDS: z.ZodDefault<z.ZodCoercedNumber<unknown>>;
};
type ChallengeEnv = {
    [K in keyof typeof challengeEnvShape]: z.infer<(typeof challengeEnvShape)[K]>;
};
export type ChallengeConfig = {
    kind: 'off';
} | {
    kind: 'altcha';
    altcha: AltchaPolicy;
} | ({
    kind: 'turnstile' | 'hcaptcha';
} & SiteVerifyPolicy);
/** The bot check's settings, or the problems with them (each naming its variable). */
export declare function readChallengeConfig(env: ChallengeEnv): {
    config: ChallengeConfig;
    problems: string[];
};
/** The configured bot check, or null when it is off. */
export declare function createChallenge(config: ChallengeConfig, otpSecret: string): Challenge | null;
export {};
