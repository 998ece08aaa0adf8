// Cloudflare Turnstile and hCaptcha: the widget gives the browser a token, and the service asks
// the provider whether it is good with their documented server-side call (a form POST of
// secret, response and remoteip to the siteverify URL; JSON { success, "error-codes" } back).
// The URL is configurable (CHALLENGE_VERIFY_URL) so tests use a local fake. Each token is
// single use at the provider. Every call is bounded: 5 s (on any failure to get an answer, the
// request is told to retry); the service bounds the calls in flight, per client and in all.
import { ChallengeFailedError, ChallengeUnavailableError, presentToken, type Challenge, type ChallengeInfo } from './challenge.js';

export const VERIFY_URLS = {
  turnstile: 'https://challenges.cloudflare.com/turnstile/v0/siteverify',
  hcaptcha: 'https://api.hcaptcha.com/siteverify',
} as const;

export interface SiteVerifyPolicy {
  kind: keyof typeof VERIFY_URLS;
  secret: string;
  siteKey: string;
  verifyUrl: string;
}

const TIMEOUT_MS = 5_000;

export class SiteVerifyChallenge implements Challenge {
  readonly info: ChallengeInfo;

  constructor(private readonly policy: SiteVerifyPolicy) {
    this.info = { kind: policy.kind, siteKey: policy.siteKey, challengeUrl: null };
  }

  async check(token: string | null | undefined, clientIp: string | undefined): Promise<null> {
    const response = presentToken(token);
    let answer: { success?: unknown };
    try {
      const form = new URLSearchParams({ secret: this.policy.secret, response, ...(clientIp ? { remoteip: clientIp } : {}) });
      const res = await fetch(this.policy.verifyUrl, { method: 'POST', body: form, redirect: 'error', signal: AbortSignal.timeout(TIMEOUT_MS) });
      if (!res.ok) throw new Error(`siteverify answered ${res.status}`);
      answer = (await res.json()) as { success?: unknown };
    } catch {
      throw new ChallengeUnavailableError();
    }
    if (answer.success !== true) throw new ChallengeFailedError('invalid');
    return null;
  }
}
