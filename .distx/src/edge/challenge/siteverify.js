// Cloudflare Turnstile and hCaptcha: the widget gives the browser a token, and the service asks
// the provider whether it is good with their documented server-side call (a form POST of
// secret, response and remoteip to the siteverify URL; JSON { success, "error-codes" } back).
// The URL is configurable (CHALLENGE_VERIFY_URL) so tests use a local fake. Each token is
// single use at the provider. Every call is bounded: 5 s, and at most 32 in flight per process
// (past that, or on any failure to get an answer, the request is told to retry).
import { ChallengeFailedError, ChallengeUnavailableError, presentToken } from './challenge.js';
export const VERIFY_URLS = {
    turnstile: 'https://challenges.cloudflare.com/turnstile/v0/siteverify',
    hcaptcha: 'https://api.hcaptcha.com/siteverify',
};
const TIMEOUT_MS = 5_000;
const MAX_IN_FLIGHT = 32;
export class SiteVerifyChallenge {
    policy;
    info;
    inFlight = 0;
    constructor(policy) {
        this.policy = policy;
        this.info = { kind: policy.kind, siteKey: policy.siteKey, challengeUrl: null };
    }
    async check(token, clientIp) {
        const response = presentToken(token);
        if (this.inFlight >= MAX_IN_FLIGHT)
            throw new ChallengeUnavailableError();
        this.inFlight++;
        let answer;
        try {
            const form = new URLSearchParams({ secret: this.policy.secret, response, ...(clientIp ? { remoteip: clientIp } : {}) });
            const res = await fetch(this.policy.verifyUrl, { method: 'POST', body: form, redirect: 'error', signal: AbortSignal.timeout(TIMEOUT_MS) });
            if (!res.ok)
                throw new Error(`siteverify answered ${res.status}`);
            answer = (await res.json());
        }
        catch {
            throw new ChallengeUnavailableError();
        }
        finally {
            this.inFlight--;
        }
        if (answer.success !== true)
            throw new ChallengeFailedError('invalid');
    }
}
//# sourceMappingURL=siteverify.js.map