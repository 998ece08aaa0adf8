// The self-hosted proof of work, with altcha-lib (the ALTCHA widget's own server library).
// The server hands out a challenge signed with a key derived from OTP_SECRET (GET
// /challenge/altcha, the widget's `challengeurl`); the browser searches for a number whose
// SHA-256 key starts with the challenge's prefix (ALTCHA_DIFFICULTY hex digits: 16^n / 2 hashes
// on average, about half a second in a browser at 5); the service checks the signature (an
// HMAC), the expiry and the one hash. Cheap for us, costly to a bot sending thousands.
//
// A solved challenge is single use: its signature is remembered until it expires, in a
// bounded map per process (altcha-lib's CappedMap). With N API processes a solution could be
// used once on each: N emails at most, each still under every send limit.
import { hkdfSync, randomBytes } from 'node:crypto';
import { CappedMap, createChallenge, verifySolution } from 'altcha-lib';
import { deriveKey } from 'altcha-lib/algorithms/sha';
import { ChallengeFailedError, presentToken } from './challenge.js';
export const ALTCHA_PATH = '/challenge/altcha';
/** Solutions remembered for replay: at a few hundred bytes each, about 10 MB at most. */
const MAX_REMEMBERED = 50_000;
export class AltchaChallenge {
    policy;
    now;
    info = { kind: 'altcha', siteKey: null, challengeUrl: ALTCHA_PATH };
    secret;
    used = new CappedMap({ maxSize: MAX_REMEMBERED });
    constructor(otpSecret, policy, now = () => new Date()) {
        this.policy = policy;
        this.now = now;
        // Its own key, so that nothing signed here can be mistaken for anything else OTP_SECRET signs.
        this.secret = Buffer.from(hkdfSync('sha256', otpSecret, Buffer.alloc(0), 'otp-graphql/v1/altcha', 32)).toString('base64url');
    }
    /** A new challenge, as the widget fetches it. */
    issue() {
        return createChallenge({
            algorithm: 'SHA-256',
            cost: 1,
            deriveKey,
            keyPrefix: randomHex(this.policy.difficulty),
            expiresAt: new Date(this.now().getTime() + this.policy.expiresSeconds * 1000),
            hmacSignatureSecret: this.secret,
        });
    }
    async check(token) {
        const payload = decode(presentToken(token));
        const signature = payload?.challenge?.signature;
        if (!payload || typeof signature !== 'string')
            throw new ChallengeFailedError('invalid');
        // Taken before the check, so that a solution sent twice at once is used once.
        if (!this.used.setIfAbsent(signature, this.now().getTime()))
            throw new ChallengeFailedError('invalid');
        const result = await verifySolution({ challenge: payload.challenge, solution: payload.solution, deriveKey, hmacSignatureSecret: this.secret }).catch(() => null);
        if (!result?.verified)
            throw new ChallengeFailedError('invalid');
    }
}
/** The widget's payload: base64 of JSON { challenge, solution }. Anything else is null. */
function decode(token) {
    try {
        const value = JSON.parse(Buffer.from(token, 'base64').toString('utf8'));
        return value && typeof value === 'object' && value.challenge && value.solution ? value : null;
    }
    catch {
        return null;
    }
}
function randomHex(digits) {
    return randomBytes(Math.ceil(digits / 2)).toString('hex').slice(0, digits);
}
//# sourceMappingURL=altcha.js.map