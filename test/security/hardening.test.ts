// The signed verification proof, CORS, uniform answers, and secrets kept out of logs.
import { Writable } from 'node:stream';
import { jwtVerify } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.js';
import { createLogger } from '../../src/logger.js';
import { startHarness, TEST_API_KEY, TEST_SECRET, TEST_TOKEN_SECRET, withHarness, wrongCode, type Harness } from '../support/harness.js';

describe('verification token', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({ VERIFICATION_TOKEN_TTL_SECONDS: '120' });
  });
  afterAll(async () => h.close());

  it('comes with VERIFIED only, and a backend can check it in five lines', async () => {
    const email = 'proof@example.com';
    const transaction = { amount: '149.90', currency: 'MYR', payee: 'Merchant2U' };
    await h.client.requestOtp({ email, purpose: 'payment', transaction });
    const code = await h.sendgrid.latestCode(email);
    expect((await h.client.verifyOtp({ email, otp: wrongCode(code), purpose: 'payment', transaction })).verificationToken).toBeNull();
    const before = Math.floor(Date.now() / 1000);
    const { verificationToken } = await h.client.verifyOtp({ email, otp: code, purpose: 'payment', transaction });

    // The README's five lines:
    const key = new TextEncoder().encode(TEST_TOKEN_SECRET);
    const { payload } = await jwtVerify(verificationToken!, key, { issuer: 'otp-graphql', algorithms: ['HS256'] });
    expect(payload).toMatchObject({ iss: 'otp-graphql', sub: email, email, purpose: 'payment', transaction });
    expect(payload.iat).toBeGreaterThanOrEqual(before);
    expect(payload.exp! - payload.iat!).toBe(120);
    expect(payload.jti).toMatch(/^[0-9a-f-]{36}$/);

    await expect(jwtVerify(verificationToken!, new TextEncoder().encode(TEST_SECRET))).rejects.toThrow(/signature/i);
    const tampered = verificationToken!.replace(/\.([^.]+)\./, () => `.${Buffer.from(JSON.stringify({ ...payload, email: 'eve@example.com' })).toString('base64url')}.`);
    await expect(jwtVerify(tampered, key)).rejects.toThrow(/signature/i);
  });
});

describe('CORS', () => {
  const preflight = (url: string, origin: string) =>
    fetch(url, { method: 'OPTIONS', headers: { origin, 'access-control-request-method': 'POST', 'access-control-request-headers': 'content-type' } });

  it('development: any origin, no credentials', () =>
    withHarness({ NODE_ENV: 'development' }, async (h) => {
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
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({ METRICS_TOKEN: 'metrics-secret-value-123', OTP_RESEND_COOLDOWN_SECONDS: '0' });
  });
  afterAll(async () => h.close());

  it('answers requestOtp alike for an address with history and one never seen', async () => {
    await h.client.requestOtp({ email: 'known@example.com' });
    const code = await h.sendgrid.latestCode('known@example.com');
    await h.client.verifyOtp({ email: 'known@example.com', otp: code });

    // The reference and request id are drawn afresh each time: shaped alike, compared apart.
    const strip = ({ email: _e, expiresAt: _x, reference, requestId, ...rest }: Record<string, unknown>) => ({
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
    for (const secret of [code, wrongCode(code), TEST_SECRET, TEST_TOKEN_SECRET, TEST_API_KEY, 'metrics-secret-value-123', verificationToken!]) {
      expect(logs).not.toContain(secret);
    }
  });

  it('redacts secrets even if the configuration itself is logged', () => {
    const lines: string[] = [];
    const sink = new Writable({ write: (chunk: Buffer, _e, done) => (lines.push(chunk.toString()), done()) });
    const config = loadConfig({ NODE_ENV: 'development', OTP_SECRET: TEST_SECRET, VERIFICATION_TOKEN_SECRET: TEST_TOKEN_SECRET, SENDGRID_API_KEY: TEST_API_KEY, METRICS_TOKEN: 'metrics-secret-value-123' });
    createLogger(config, sink).info({ config }, 'configuration');
    const out = lines.join('');
    expect(out).toContain('[redacted]');
    for (const secret of [TEST_SECRET, TEST_TOKEN_SECRET, TEST_API_KEY, 'metrics-secret-value-123']) expect(out).not.toContain(secret);
  });
});
