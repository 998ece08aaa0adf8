// The bot check in front of requestOtp, for each kind an operator can turn on: ALTCHA (solved
// here with altcha-lib's own solver, as the widget does in a browser), and Turnstile and
// hCaptcha against a local fake of their siteverify endpoint (real HTTP, on 127.0.0.1). A
// missing, forged, replayed or refused token stores nothing and sends nothing; a provider that
// cannot answer is SERVICE_UNAVAILABLE (retryable), and stores nothing either.
import { createServer } from 'node:http';
import { solveChallenge } from 'altcha-lib';
import { deriveKey } from 'altcha-lib/algorithms/sha';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/config.js';
import { REQUEST_OTP, startHarness, TEST_SECRET } from '../support/harness.js';
const POLICY = '{ otpPolicy { challenge { kind siteKey challengeUrl } } }';
/** Asks for a code with `challenge`; returns the answer's status or error code, and its error's extensions. */
async function request(h, email, challenge) {
    const res = await h.gql(REQUEST_OTP, { input: { email, ...(challenge === undefined ? {} : { challenge }) } });
    return { status: res.data?.requestOtp?.status ?? res.errors?.[0]?.extensions?.code, extensions: res.errors?.[0]?.extensions, message: res.errors?.[0]?.message };
}
/** Nothing for `email`: no code stored, no email sent (waited for a moment, as the dispatcher would have sent by then). */
async function expectNothingFor(h, email) {
    await new Promise((r) => setTimeout(r, 300));
    expect(await h.app.store.findLatest(email, 'default')).toBeNull();
    expect(h.sendgrid.emailsTo(email)).toHaveLength(0);
}
describe('ALTCHA (self-hosted proof of work)', () => {
    let h;
    beforeAll(async () => {
        h = await startHarness({ CHALLENGE: 'altcha', ALTCHA_DIFFICULTY: '3' });
    });
    afterAll(async () => h.close());
    const challengeUrl = () => h.url.replace('/graphql', '/challenge/altcha');
    /** What the widget does: fetch a challenge, solve it, and send base64 of { challenge, solution }. */
    async function solved() {
        const res = await fetch(challengeUrl());
        expect(res.headers.get('cache-control')).toBe('no-store');
        const challenge = (await res.json());
        const solution = await solveChallenge({ challenge, deriveKey, timeout: 20_000 });
        expect(solution).not.toBeNull();
        return Buffer.from(JSON.stringify({ challenge, solution })).toString('base64');
    }
    it('tells the frontend which check is on, and where the widget gets its challenge', async () => {
        expect((await h.gql(POLICY)).data.otpPolicy.challenge).toEqual({ kind: 'ALTCHA', siteKey: null, challengeUrl: '/challenge/altcha' });
    });
    it('sends a code for a solved challenge, once: the same solution again is refused', async () => {
        const token = await solved();
        expect((await request(h, 'solved@example.com', token)).status).toBe('SENT');
        await h.sendgrid.waitForEmails(1, 'solved@example.com');
        const again = await request(h, 'replayed@example.com', token);
        expect(again.extensions).toEqual({ code: 'CHALLENGE_FAILED', reason: 'invalid' });
        await expectNothingFor(h, 'replayed@example.com');
    });
    it('stores and sends nothing without a token, or with a forged, tampered or wrong one', async () => {
        const missing = await request(h, 'missing@example.com');
        expect(missing.extensions).toEqual({ code: 'CHALLENGE_FAILED', reason: 'missing' });
        expect(missing.message).toBe('A bot check is required: complete it and send its token as challenge.');
        const token = await solved();
        const payload = JSON.parse(Buffer.from(token, 'base64').toString());
        const forged = [
            'not base64 json',
            Buffer.from('{"challenge":1}').toString('base64'),
            // An easier challenge made by the caller: its signature is not ours.
            Buffer.from(JSON.stringify({ ...payload, challenge: { ...payload.challenge, parameters: { ...payload.challenge.parameters, keyPrefix: '0' } } })).toString('base64'),
            // Our challenge with a made-up answer.
            Buffer.from(JSON.stringify({ ...payload, solution: { counter: payload.solution.counter + 1, derivedKey: '00'.repeat(32) } })).toString('base64'),
            'A'.repeat(5_000),
        ];
        for (const [i, challenge] of forged.entries()) {
            const answer = await request(h, `forged${i}@example.com`, challenge);
            expect(answer.extensions).toEqual({ code: 'CHALLENGE_FAILED', reason: 'invalid' });
            await expectNothingFor(h, `forged${i}@example.com`);
        }
        await expectNothingFor(h, 'missing@example.com');
    });
    it('still tells bad input first, naming the field', async () => {
        expect((await request(h, 'not an address')).extensions?.code).toBe('BAD_USER_INPUT');
    });
});
/** A local siteverify endpoint, as Turnstile's and hCaptcha's answer: 'good-token' passes. */
class FakeSiteVerify {
    posts = [];
    server = null;
    url = '';
    async start() {
        this.server = createServer((req, res) => {
            let body = '';
            req.on('data', (chunk) => (body += chunk.toString()));
            req.on('end', () => {
                const form = new URLSearchParams(body);
                this.posts.push(form);
                const success = form.get('secret') === 'the-secret-key' && form.get('response') === 'good-token';
                res.setHeader('content-type', 'application/json');
                res.end(JSON.stringify(success ? { success: true } : { success: false, 'error-codes': ['invalid-input-response'] }));
            });
        });
        await new Promise((resolve) => this.server.listen(0, '127.0.0.1', resolve));
        this.url = `http://127.0.0.1:${this.server.address().port}/siteverify`;
    }
    async close() {
        await new Promise((resolve) => this.server?.close(resolve));
    }
}
describe.each(['turnstile', 'hcaptcha'])('%s (the provider verify call, against a local fake)', (kind) => {
    let h;
    const fake = new FakeSiteVerify();
    beforeAll(async () => {
        await fake.start();
        h = await startHarness({ CHALLENGE: kind, CHALLENGE_SECRET: 'the-secret-key', CHALLENGE_SITE_KEY: 'the-site-key', CHALLENGE_VERIFY_URL: fake.url });
    });
    afterAll(async () => {
        await h.close();
        await fake.close();
    });
    it('tells the frontend which check is on, with its site key', async () => {
        expect((await h.gql(POLICY)).data.otpPolicy.challenge).toEqual({ kind: kind.toUpperCase(), siteKey: 'the-site-key', challengeUrl: null });
    });
    it("sends a code for a token the provider accepts, posting the secret, the token and the caller's address", async () => {
        expect((await request(h, `good-${kind}@example.com`, 'good-token')).status).toBe('SENT');
        await h.sendgrid.waitForEmails(1, `good-${kind}@example.com`);
        const post = fake.posts.at(-1);
        expect(Object.fromEntries(post)).toEqual({ secret: 'the-secret-key', response: 'good-token', remoteip: '127.0.0.1' });
    });
    it('stores and sends nothing for a missing or refused token', async () => {
        const before = fake.posts.length;
        expect((await request(h, `none-${kind}@example.com`)).extensions).toEqual({ code: 'CHALLENGE_FAILED', reason: 'missing' });
        expect(fake.posts.length).toBe(before); // a missing token is not worth a call
        expect((await request(h, `bad-${kind}@example.com`, 'bot-token')).extensions).toEqual({ code: 'CHALLENGE_FAILED', reason: 'invalid' });
        await expectNothingFor(h, `none-${kind}@example.com`);
        await expectNothingFor(h, `bad-${kind}@example.com`);
    });
    it('answers SERVICE_UNAVAILABLE (retryable) when the provider cannot be reached, and stores nothing', async () => {
        await fake.close();
        try {
            const answer = await request(h, `down-${kind}@example.com`, 'good-token');
            expect(answer.extensions).toMatchObject({ code: 'SERVICE_UNAVAILABLE', retryable: true });
            await expectNothingFor(h, `down-${kind}@example.com`);
        }
        finally {
            await fake.start(); // on another port: the remaining tests do not use it
        }
    });
});
describe('the bot check settings', () => {
    const problems = (env) => {
        try {
            loadConfig({ NODE_ENV: 'test', OTP_SECRET: TEST_SECRET, ...env });
            return [];
        }
        catch (error) {
            if (error instanceof ConfigError)
                return error.problems;
            throw error;
        }
    };
    it('is off by default, and otpPolicy says so', async () => {
        expect(loadConfig({ NODE_ENV: 'test', OTP_SECRET: TEST_SECRET }).edge.challenge).toEqual({ kind: 'off' });
        const h = await startHarness();
        try {
            expect((await h.gql(POLICY)).data.otpPolicy.challenge).toBeNull();
            expect((await fetch(h.url.replace('/graphql', '/challenge/altcha'))).status).toBe(404);
        }
        finally {
            await h.close();
        }
    });
    it('names what Turnstile or hCaptcha needs, and refuses an unknown kind', () => {
        expect(problems({ CHALLENGE: 'turnstile' })).toEqual([
            'CHALLENGE_SECRET: must be set when CHALLENGE=turnstile (the secret key from the turnstile dashboard)',
            'CHALLENGE_SITE_KEY: must be set when CHALLENGE=turnstile (the site key the widget shows)',
        ]);
        expect(problems({ CHALLENGE: 'recaptcha' })).toEqual(['CHALLENGE: must be off, altcha, turnstile or hcaptcha']);
    });
});
//# sourceMappingURL=bot-challenge.test.js.map