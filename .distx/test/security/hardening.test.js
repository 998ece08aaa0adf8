// The signed verification proof, CORS, uniform answers, and secrets kept out of logs.
import { makeIntent } from '../support/intents.js';
import { Writable } from 'node:stream';
import { jwtVerify, SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.js';
import { createLogger } from '../../src/logger.js';
import { jwksOf, startHarness, TEST_API_KEY, TEST_SECRET, TEST_TOKEN_KEY, withHarness, wrongCode } from '../support/harness.js';
describe('verification token', () => {
    let h;
    beforeAll(async () => {
        h = await startHarness({ VERIFICATION_TOKEN_TTL_SECONDS: '120' });
    });
    afterAll(async () => h.close());
    it('comes with VERIFIED only, and a backend can check it in five lines', async () => {
        const email = 'proof@example.com';
        // The demo merchant (development and tests, without MERCHANTS_FILE) signs the intent.
        const paymentIntent = await makeIntent({ merchant: 'demo', amount: '149.9' });
        const transaction = { merchant: 'demo-shop', intentId: expect.any(String), amount: '149.90', currency: 'MYR', payee: 'Demo Shop' };
        await h.client.requestOtp({ email, purpose: 'payment', paymentIntent });
        const code = await h.sendgrid.latestCode(email);
        expect((await h.client.verifyOtp({ email, otp: wrongCode(code), purpose: 'payment', paymentIntent })).verificationToken).toBeNull();
        const before = Math.floor(Date.now() / 1000);
        const { verificationToken } = await h.client.verifyOtp({ email, otp: code, purpose: 'payment', paymentIntent });
        const keys = jwksOf(h.url);
        const { payload, protectedHeader } = await jwtVerify(verificationToken, keys, { issuer: 'otp-graphql', audience: 'merchant-backend' });
        expect(protectedHeader).toMatchObject({ alg: 'EdDSA', typ: 'JWT', kid: expect.any(String) });
        expect(payload).toMatchObject({ iss: 'otp-graphql', sub: email, aud: 'merchant-backend', email, purpose: 'payment', transaction, amr: ['otp'], otp_channel: 'email' });
        expect(payload.iat).toBeGreaterThanOrEqual(before);
        expect(payload.exp - payload.iat).toBe(120);
        expect(payload.jti).toMatch(/^[0-9a-f-]{36}$/);
        // Not forgeable by whoever can check it: a changed payload, or an HS256 token made with any
        // secret (the old scheme), is refused.
        const tampered = verificationToken.replace(/\.([^.]+)\./, () => `.${Buffer.from(JSON.stringify({ ...payload, email: 'eve@example.com' })).toString('base64url')}.`);
        await expect(jwtVerify(tampered, keys)).rejects.toThrow(/signature/i);
        const hs256 = await new SignJWT({ ...payload }).setProtectedHeader({ alg: 'HS256' }).sign(new TextEncoder().encode('any-secret'));
        await expect(jwtVerify(hs256, keys)).rejects.toThrow();
    });
});
describe('verification token audiences', () => {
    it('makes a token for the audience asked for, refuses one not configured (consuming nothing), and publishes old keys', async () => {
        const { generateKeyPairSync } = await import('node:crypto');
        const old = generateKeyPairSync('ed25519').publicKey.export({ type: 'spki', format: 'pem' }).toString();
        await withHarness({ VERIFICATION_TOKEN_AUDIENCES: 'shop-api, bank-api', VERIFICATION_TOKEN_PREVIOUS_KEYS: old }, async (h) => {
            const email = 'audience@example.com';
            await h.client.requestOtp({ email });
            const code = await h.sendgrid.latestCode(email);
            await expect(h.client.verifyOtp({ email, otp: code, audience: 'elsewhere' })).rejects.toMatchObject({ code: 'BAD_USER_INPUT', field: 'audience' });
            const { status, verificationToken } = await h.client.verifyOtp({ email, otp: code, audience: 'bank-api' });
            expect(status).toBe('VERIFIED'); // the refused call did not touch the code
            const keys = jwksOf(h.url);
            expect((await jwtVerify(verificationToken, keys, { audience: 'bank-api' })).payload.aud).toBe('bank-api');
            await expect(jwtVerify(verificationToken, keys, { audience: 'shop-api' })).rejects.toThrow(/aud/);
            // The JWKS: the signing key and the previous one, public halves only, each with a kid.
            const jwks = (await (await fetch(h.url.replace('/graphql', '/.well-known/jwks.json'))).json());
            expect(jwks.keys).toHaveLength(2);
            for (const key of jwks.keys) {
                expect(key).toMatchObject({ kty: 'OKP', crv: 'Ed25519', alg: 'EdDSA', use: 'sig', kid: expect.any(String) });
                expect(key).not.toHaveProperty('d');
            }
            expect(new Set(jwks.keys.map((k) => k.kid)).size).toBe(2);
        });
    });
});
describe('CORS', () => {
    const preflight = (url, origin) => fetch(url, { method: 'OPTIONS', headers: { origin, 'access-control-request-method': 'POST', 'access-control-request-headers': 'content-type' } });
    it('development: any origin, no credentials', () => withHarness({ NODE_ENV: 'development' }, async (h) => {
        const res = await preflight(h.url, 'https://shop.example');
        expect(res.headers.get('access-control-allow-origin')).toBe('https://shop.example');
        expect(res.headers.get('access-control-allow-credentials')).toBeNull();
    }));
    it('production: none unless listed in CORS_ORIGINS', async () => {
        await withHarness({ NODE_ENV: 'production' }, async (strict) => {
            expect((await preflight(strict.url, 'https://shop.example')).headers.get('access-control-allow-origin')).toBeNull();
        });
        await withHarness({ NODE_ENV: 'production', CORS_ORIGINS: 'https://shop.example, https://bank.example' }, async (listed) => {
            expect((await preflight(listed.url, 'https://bank.example')).headers.get('access-control-allow-origin')).toBe('https://bank.example');
            expect((await preflight(listed.url, 'https://evil.example')).headers.get('access-control-allow-origin')).toBeNull();
        });
    });
});
describe('uniform answers and clean logs', () => {
    let h;
    beforeAll(async () => {
        h = await startHarness({ METRICS_TOKEN: 'metrics-secret-value-123', OTP_RESEND_COOLDOWN_SECONDS: '0' });
    });
    afterAll(async () => h.close());
    it('answers requestOtp alike for an address with history and one never seen', async () => {
        await h.client.requestOtp({ email: 'known@example.com' });
        const code = await h.sendgrid.latestCode('known@example.com');
        await h.client.verifyOtp({ email: 'known@example.com', otp: code });
        // The reference and request id are drawn afresh each time: shaped alike, compared apart.
        const strip = ({ email: _e, expiresAt: _x, reference, requestId, ...rest }) => ({
            ...rest,
            reference: typeof reference === 'string' && reference.length === 4,
            requestId: typeof requestId === 'string' && /^[0-9a-f-]{36}$/.test(requestId),
        });
        const known = await h.client.requestOtp({ email: 'known@example.com' });
        const fresh = await h.client.requestOtp({ email: 'never-seen@example.com' });
        expect(strip(fresh)).toEqual({ success: true, status: 'SENT', message: 'A code has been sent to the email address.', retryAfterSeconds: null, reference: true, requestId: true });
        expect(strip(known)).toEqual(strip(fresh));
    });
    it('writes no code, secret or token to the logs of a full flow', async () => {
        const email = 'scan@example.com';
        await h.client.requestOtp({ email });
        const code = await h.sendgrid.latestCode(email);
        await h.client.verifyOtp({ email, otp: wrongCode(code) });
        const { verificationToken } = await h.client.verifyOtp({ email, otp: code });
        const logs = h.logs.join('\n');
        expect(logs).toContain('graphql operation');
        for (const secret of [code, wrongCode(code), TEST_SECRET, TEST_API_KEY, 'metrics-secret-value-123', verificationToken]) {
            expect(logs).not.toContain(secret);
        }
    });
    it('redacts secrets even if the configuration itself is logged', () => {
        const lines = [];
        const sink = new Writable({ write: (chunk, _e, done) => (lines.push(chunk.toString()), done()) });
        const config = loadConfig({ NODE_ENV: 'development', OTP_SECRET: TEST_SECRET, VERIFICATION_TOKEN_PRIVATE_KEY: TEST_TOKEN_KEY, SENDGRID_API_KEY: TEST_API_KEY, METRICS_TOKEN: 'metrics-secret-value-123' });
        createLogger(config, sink).info({ config }, 'configuration');
        const out = lines.join('');
        expect(out).toContain('[redacted]');
        const keyBody = TEST_TOKEN_KEY.split('\n')[1];
        const jwkD = config.verificationToken.signingKey.export({ format: 'jwk' }).d;
        for (const secret of [TEST_SECRET, keyBody, jwkD, TEST_API_KEY, 'metrics-secret-value-123'])
            expect(out).not.toContain(secret);
    });
});
//# sourceMappingURL=hardening.test.js.map