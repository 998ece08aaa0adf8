// The bot check's settings (README: "Bot check"), read with the rest of the configuration.
import { z } from 'zod';
import { API, int, optionalString, setting } from '../../env.js';
import { AltchaChallenge, type AltchaPolicy } from './altcha.js';
import type { Challenge } from './challenge.js';
import { SiteVerifyChallenge, VERIFY_URLS, type SiteVerifyPolicy } from './siteverify.js';

export const challengeEnvShape = {
  CHALLENGE: setting(z.enum(['off', 'altcha', 'turnstile', 'hcaptcha'], { message: 'must be off, altcha, turnstile or hcaptcha' }).default('off'), "the bot check in front of requestOtp: off, altcha, turnstile or hcaptcha (see Bot check)", API),
  // Turnstile / hCaptcha: the secret key (server side) and the site key (the widget's).
  CHALLENGE_SECRET: setting(optionalString, "Turnstile's or hCaptcha's secret key and site key", API),
  CHALLENGE_SITE_KEY: setting(optionalString, "Turnstile's or hCaptcha's secret key and site key", API),
  // Turnstile / hCaptcha: where the token is checked; their own siteverify URL by default.
  CHALLENGE_VERIFY_URL: setting(optionalString.refine((v) => v === undefined || URL.canParse(v), { message: 'must be a URL' }), "where Turnstile or hCaptcha tokens are checked (a local fake in tests)", API),
  // ALTCHA: hex digits of work (16^n / 2 hashes on average; 5 is about half a second in a browser).
  ALTCHA_DIFFICULTY: setting(int(1, 8).default(5), "ALTCHA's work (hex digits: 16ⁿ/2 hashes on average) and how long a challenge stays good", API),
  ALTCHA_EXPIRES_SECONDS: setting(int(10, 3_600).default(300), "ALTCHA's work (hex digits: 16ⁿ/2 hashes on average) and how long a challenge stays good", API),
};

type ChallengeEnv = { [K in keyof typeof challengeEnvShape]: z.infer<(typeof challengeEnvShape)[K]> };

export type ChallengeConfig = { kind: 'off' } | { kind: 'altcha'; altcha: AltchaPolicy } | ({ kind: 'turnstile' | 'hcaptcha' } & SiteVerifyPolicy);

/** The bot check's settings, or the problems with them (each naming its variable). */
export function readChallengeConfig(env: ChallengeEnv): { config: ChallengeConfig; problems: string[] } {
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
export function createChallenge(config: ChallengeConfig, otpSecret: string): Challenge | null {
  switch (config.kind) {
    case 'off':
      return null;
    case 'altcha':
      return new AltchaChallenge(otpSecret, config.altcha);
    default:
      return new SiteVerifyChallenge(config);
  }
}
