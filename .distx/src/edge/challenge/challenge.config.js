// The bot check's settings (README: "Bot check"), read with the rest of the configuration.
import { z } from 'zod';
import { int, optionalString } from '../../env.js';
import { AltchaChallenge } from './altcha.js';
import { SiteVerifyChallenge, VERIFY_URLS } from './siteverify.js';
export const challengeEnvShape = {
    CHALLENGE: z.enum(['off', 'altcha', 'turnstile', 'hcaptcha'], { message: 'must be off, altcha, turnstile or hcaptcha' }).default('off'),
    // Turnstile / hCaptcha: the secret key (server side) and the site key (the widget's).
    CHALLENGE_SECRET: optionalString,
    CHALLENGE_SITE_KEY: optionalString,
    // Turnstile / hCaptcha: where the token is checked; their own siteverify URL by default.
    CHALLENGE_VERIFY_URL: optionalString.refine((v) => v === undefined || URL.canParse(v), { message: 'must be a URL' }),
    // ALTCHA: hex digits of work (16^n / 2 hashes on average; 5 is about half a second in a browser).
    ALTCHA_DIFFICULTY: int(1, 8).default(5),
    ALTCHA_EXPIRES_SECONDS: int(10, 3_600).default(300),
};
/** The bot check's settings, or the problems with them (each naming its variable). */
export function readChallengeConfig(env) {
    switch (env.CHALLENGE) {
        case 'off':
            return { config: { kind: 'off' }, problems: [] };
        case 'altcha':
            return { config: { kind: 'altcha', altcha: { difficulty: env.ALTCHA_DIFFICULTY, expiresSeconds: env.ALTCHA_EXPIRES_SECONDS } }, problems: [] };
        default: {
            const kind = env.CHALLENGE;
            const problems = [
                ...(env.CHALLENGE_SECRET ? [] : [`CHALLENGE_SECRET: must be set when CHALLENGE=${kind} (the secret key from the ${kind} dashboard)`]),
                ...(env.CHALLENGE_SITE_KEY ? [] : [`CHALLENGE_SITE_KEY: must be set when CHALLENGE=${kind} (the site key the widget shows)`]),
            ];
            return {
                config: { kind, secret: env.CHALLENGE_SECRET ?? '', siteKey: env.CHALLENGE_SITE_KEY ?? '', verifyUrl: env.CHALLENGE_VERIFY_URL ?? VERIFY_URLS[kind] },
                problems,
            };
        }
    }
}
/** The configured bot check, or null when it is off. */
export function createChallenge(config, otpSecret) {
    switch (config.kind) {
        case 'off':
            return null;
        case 'altcha':
            return new AltchaChallenge(otpSecret, config.altcha);
        default:
            return new SiteVerifyChallenge(config);
    }
}
//# sourceMappingURL=challenge.config.js.map