// A bot check in front of requestOtp, where the operator wants one (CHALLENGE, off by
// default): a self-hosted proof of work (ALTCHA, no outside service at all), or Cloudflare
// Turnstile or hCaptcha through their server-side verify calls. The frontend learns which is on
// from otpPolicy.challenge and sends the widget's token as requestOtp's `challenge`. A missing
// or failed check is refused before anything is counted, stored or sent. The service counts
// each caller's checks before any runs (otp.service.ts, a ClientGate): a check costs a
// provider's call or a hash, and one client sending garbage must meet a limit of its own.
import type { SingleUse } from '../../store/otp.store.js';

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
  /**
   * Throws ChallengeFailedError (missing, invalid, used) or ChallengeUnavailableError (the
   * provider could not answer). Passed, it may name the solution's single use, for the store
   * to record with the code it brings (a solution used already is refused there); null when
   * the provider keeps tokens single use itself.
   */
  check(token: string | null | undefined, clientIp: string | undefined): Promise<SingleUse | null>;
}

/** The most a token may be: Turnstile's are up to 2,048 characters, an ALTCHA payload a few hundred. */
export const MAX_TOKEN_LENGTH = 4_096;

export class ChallengeFailedError extends Error {
  constructor(readonly reason: 'missing' | 'invalid') {
    super(reason === 'missing' ? 'A bot check is required: complete it and send its token as challenge.' : 'The bot check failed or was already used: complete it again.');
    this.name = 'ChallengeFailedError';
  }
}

/** The provider's verify call failed (down, slow, or too many checks in flight): retryable. */
export class ChallengeUnavailableError extends Error {
  constructor() {
    super('The bot check could not be verified just now.');
    this.name = 'ChallengeUnavailableError';
  }
}

/** The token's basic shape, common to every kind: present, and not absurdly long. */
export function presentToken(token: string | null | undefined): string {
  if (!token) throw new ChallengeFailedError('missing');
  if (token.length > MAX_TOKEN_LENGTH) throw new ChallengeFailedError('invalid');
  return token;
}
