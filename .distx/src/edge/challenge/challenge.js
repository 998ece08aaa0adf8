// A bot check in front of requestOtp, where the operator wants one (CHALLENGE, off by
// default): a self-hosted proof of work (ALTCHA, no outside service at all), or Cloudflare
// Turnstile or hCaptcha through their server-side verify calls. The frontend learns which is on
// from otpPolicy.challenge and sends the widget's token as requestOtp's `challenge`. A missing
// or failed check is refused before anything is counted, stored or sent.
/** The most a token may be: Turnstile's are up to 2,048 characters, an ALTCHA payload a few hundred. */
export const MAX_TOKEN_LENGTH = 4_096;
export class ChallengeFailedError extends Error {
    reason;
    constructor(reason) {
        super(reason === 'missing' ? 'A bot check is required: complete it and send its token as challenge.' : 'The bot check failed or was already used: complete it again.');
        this.reason = reason;
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
export function presentToken(token) {
    if (!token)
        throw new ChallengeFailedError('missing');
    if (token.length > MAX_TOKEN_LENGTH)
        throw new ChallengeFailedError('invalid');
    return token;
}
//# sourceMappingURL=challenge.js.map