// The self-hosted proof of work, with altcha-lib (the ALTCHA widget's own server library).
// The server hands out a challenge signed with a key derived from OTP_SECRET (GET
// /challenge/altcha, the widget's `challengeurl`); the browser searches for a number whose
// SHA-256 key starts with the challenge's prefix (ALTCHA_DIFFICULTY hex digits: 16^n / 2 hashes
// on average, about half a second in a browser at 5); the service checks the signature (an
// HMAC), the expiry and the one hash. Cheap for us, costly to a bot sending thousands.
//
// A solved challenge is single use, across every API process: verified first (so garbage
// costs a hash and remembers nothing), its signature is then recorded in MongoDB with the code
// it brings, in the same command, until the challenge expires (a TTL index forgets it then).
// A second use, on any replica, collides there and is refused.
import { hkdfSync, randomBytes } from 'node:crypto';
import { createChallenge, verifySolution, type Challenge as AltchaParameters, type Payload } from 'altcha-lib';
import { deriveKey } from 'altcha-lib/algorithms/sha';
import type { SingleUse } from '../../store/otp.store.js';
import { ChallengeFailedError, presentToken, type Challenge, type ChallengeInfo } from './challenge.js';

export const ALTCHA_PATH = '/challenge/altcha';

export interface AltchaPolicy {
  /** Hex digits the derived key must start with: the work is 16^difficulty / 2 hashes on average. */
  difficulty: number;
  expiresSeconds: number;
}

export class AltchaChallenge implements Challenge {
  readonly info: ChallengeInfo = { kind: 'altcha', siteKey: null, challengeUrl: ALTCHA_PATH };
  private readonly secret: string;

  constructor(
    otpSecret: string,
    private readonly policy: AltchaPolicy,
    private readonly now: () => Date = () => new Date(),
  ) {
    // Its own key, so that nothing signed here can be mistaken for anything else OTP_SECRET signs.
    this.secret = Buffer.from(hkdfSync('sha256', otpSecret, Buffer.alloc(0), 'otp-graphql/v1/altcha', 32)).toString('base64url');
  }

  /** A new challenge, as the widget fetches it. */
  issue(): Promise<AltchaParameters> {
    return createChallenge({
      algorithm: 'SHA-256',
      cost: 1,
      deriveKey,
      keyPrefix: randomHex(this.policy.difficulty),
      expiresAt: new Date(this.now().getTime() + this.policy.expiresSeconds * 1000),
      hmacSignatureSecret: this.secret,
    });
  }

  /** Verifies the solution (the signature's HMAC, the expiry, one hash); its single use is the store's to record. */
  async check(token: string | null | undefined): Promise<SingleUse> {
    const payload = decode(presentToken(token));
    const signature = payload?.challenge?.signature;
    if (!payload || typeof signature !== 'string') throw new ChallengeFailedError('invalid');
    const result = await verifySolution({ challenge: payload.challenge, solution: payload.solution, deriveKey, hmacSignatureSecret: this.secret }).catch(() => null);
    if (!result?.verified) throw new ChallengeFailedError('invalid');
    // Verified, so the expiry is the one this service signed (seconds), and in the future.
    const expiresAt = payload.challenge.parameters.expiresAt;
    const until = expiresAt ? new Date(expiresAt * 1000) : new Date(this.now().getTime() + this.policy.expiresSeconds * 1000);
    return { key: `altcha|${signature}`, until };
  }
}

/** The widget's payload: base64 of JSON { challenge, solution }. Anything else is null. */
function decode(token: string): Payload | null {
  try {
    const value = JSON.parse(Buffer.from(token, 'base64').toString('utf8')) as Payload;
    return value && typeof value === 'object' && value.challenge && value.solution ? value : null;
  } catch {
    return null;
  }
}

function randomHex(digits: number): string {
  return randomBytes(Math.ceil(digits / 2)).toString('hex').slice(0, digits);
}
