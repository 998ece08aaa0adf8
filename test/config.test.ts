import { generateKeyPairSync } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { ConfigError, DEV_OTP_SECRET, loadConfig } from '../src/config.js';
import { estimatedBits } from '../src/secret-strength.js';

// Random-looking values, as `randomBytes(32).toString('base64url')` makes them.
const SECRET_A = 'kY3vQ9zL0pW7sT2bN8xR4mC6hJ1dF5gE_aU-oIe9Zq';
const TOKEN_KEY = generateKeyPairSync('ed25519').privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
const METRICS = { METRICS_TOKEN: 'Qm8Zt3Lw9Kc2Vx7Nb4Rp1Hs6Jd0Fy5Ga' };
/** A real sender and names: production refuses the placeholders (tested on their own below). */
const MAIL = { MAIL_FROM: 'otp@shop.my', MAIL_BRAND: 'ShopMY', MAIL_MERCHANT: 'ShopMY Online' };

describe('config', () => {
  it('has working defaults for development', () => {
    const config = loadConfig({});
    expect(config).toMatchObject({
      nodeEnv: 'development',
      port: 4000,
      host: '0.0.0.0',
      otp: { secret: DEV_OTP_SECRET, ttlSeconds: 300, codeLength: 6, maxAttempts: 5, resendCooldownSeconds: 30, maxSendsPerWindow: 5, sendWindowSeconds: 600 },
      mail: { sendgridApiKey: undefined, brand: 'MyBank2U', merchant: 'Merchant2U' },
      mongodb: { uri: undefined, db: 'otp' },
    });
  });

  it('names each bad variable and what is allowed', () => {
    try {
      loadConfig({ OTP_LENGTH: '12', PORT: 'abc', SENDGRID_BASE_URL: 'not a url', LOG_LEVEL: 'loud' });
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(ConfigError);
      const problems = (error as ConfigError).problems;
      expect(problems).toContain('OTP_LENGTH: must be a whole number from 4 to 10');
      expect(problems).toContain('PORT: must be a whole number from 0 to 65535');
      expect(problems.some((p) => p.startsWith('SENDGRID_BASE_URL:'))).toBe(true);
      expect(problems.some((p) => p.startsWith('LOG_LEVEL:'))).toBe(true);
      expect(problems).toHaveLength(4);
    }
  });

  it('refuses production without a strong secret and a SendGrid key', () => {
    expect(() => loadConfig({ NODE_ENV: 'production' })).toThrow(/OTP_SECRET[\s\S]*SENDGRID_API_KEY/);
    expect(() => loadConfig({ NODE_ENV: 'production', OTP_SECRET: 'short', SENDGRID_API_KEY: 'SG.x' })).toThrow(/OTP_SECRET/);
    expect(() => loadConfig({ NODE_ENV: 'production', OTP_SECRET: DEV_OTP_SECRET, SENDGRID_API_KEY: 'SG.x' })).toThrow(/OTP_SECRET/);
    const strong = { NODE_ENV: 'production', OTP_SECRET: SECRET_A, SENDGRID_API_KEY: 'SG.x', MONGODB_URI: 'mongodb://db/?replicaSet=rs0', ...METRICS, ...MAIL };
    expect(() => loadConfig(strong)).toThrow(/VERIFICATION_TOKEN_PRIVATE_KEY: must be set in production \(an Ed25519 private key, PKCS#8 PEM or JWK\); generate one with/);
    expect(loadConfig({ ...strong, VERIFICATION_TOKEN_PRIVATE_KEY: TOKEN_KEY }).nodeEnv).toBe('production');
  });

  it('judges production secrets by their randomness, and says the rule', () => {
    const base = { NODE_ENV: 'production', VERIFICATION_TOKEN_PRIVATE_KEY: TOKEN_KEY, SENDGRID_API_KEY: 'SG.x', MONGODB_URI: 'mongodb://db/?replicaSet=rs0', ...METRICS, ...MAIL };
    const problem = (secret: string) => {
      try {
        loadConfig({ ...base, OTP_SECRET: secret });
        return null;
      } catch (error) {
        return (error as ConfigError).problems.find((p) => p.startsWith('OTP_SECRET')) ?? null;
      }
    };
    expect(problem('x'.repeat(40))).toMatch(/OTP_SECRET: must be random: this value is one short pattern repeated; generate one with/);
    expect(problem('0123456789'.repeat(4))).toMatch(/one short pattern repeated/);
    expect(problem('a'.repeat(16) + 'b'.repeat(16) + 'c'.repeat(8))).toMatch(/about 61 bits of randomness by its character frequencies; at least 128/);
    expect(problem('password-password-password-passw0rd!')).toMatch(/bits of randomness/);
    expect(problem('short')).toMatch(/is 5 characters; at least 32/);
    expect(problem(SECRET_A)).toBeNull();
    expect(problem('3f9a1c7e5b2d8046af13c9e7b5d20864fa3c1e9b7d5f20846ac3e1f9b7d5a2c0')).toBeNull(); // openssl rand -hex 32
    expect(estimatedBits(SECRET_A)).toBeGreaterThan(190);
  });

  it('wants METRICS_TOKEN in production', () => {
    const base = { NODE_ENV: 'production', OTP_SECRET: SECRET_A, VERIFICATION_TOKEN_PRIVATE_KEY: TOKEN_KEY, SENDGRID_API_KEY: 'SG.x', MONGODB_URI: 'mongodb://db/?replicaSet=rs0' };
    expect(() => loadConfig(base)).toThrow(/METRICS_TOKEN: must be set in production/);
    expect(loadConfig({ ...base, ...METRICS, ...MAIL }).metricsToken).toBe(METRICS.METRICS_TOKEN);
  });

  it('refuses the placeholder sender, brand and shop in production unless they are meant', () => {
    const base = { NODE_ENV: 'production', OTP_SECRET: SECRET_A, VERIFICATION_TOKEN_PRIVATE_KEY: TOKEN_KEY, SENDGRID_API_KEY: 'SG.x', MONGODB_URI: 'mongodb://db/?replicaSet=rs0', ...METRICS };
    const problems = (env: Record<string, string>) => {
      try {
        loadConfig({ ...base, ...env });
        return [];
      } catch (error) {
        return (error as ConfigError).problems;
      }
    };
    expect(problems({})).toEqual([
      expect.stringMatching(/^MAIL_FROM: must be your own sender address in production \(example\.com is a placeholder domain\), or set MAIL_ALLOW_PLACEHOLDERS=true/),
      expect.stringMatching(/^MAIL_BRAND: must name your brand in production \(MyBank2U is the placeholder\)/),
      expect.stringMatching(/^MAIL_MERCHANT: must name your shop in production \(Merchant2U is the placeholder\)/),
    ]);
    for (const from of ['otp@mail.example.org', 'otp@shop.test', 'otp@example.net']) expect(problems({ ...MAIL, MAIL_FROM: from })).toEqual([expect.stringMatching(/^MAIL_FROM/)]);
    expect(problems(MAIL)).toEqual([]);
    expect(problems({ MAIL_ALLOW_PLACEHOLDERS: 'true' })).toEqual([]);
    // An API process sends no email.
    expect(problems({ ROLE: 'api' })).toEqual([]);
    // Development keeps them, for the quick start.
    expect(loadConfig({}).mail).toMatchObject({ from: { email: 'no-reply@example.com', name: 'MyBank2U' }, brand: 'MyBank2U', merchant: 'Merchant2U' });
  });

  it('reads the token keys as PEM or JWK, Ed25519 or P-256, and refuses anything else', () => {
    const ed = generateKeyPairSync('ed25519');
    const p256 = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
    const jwk = JSON.stringify(ed.privateKey.export({ format: 'jwk' }));
    expect(loadConfig({ VERIFICATION_TOKEN_PRIVATE_KEY: jwk }).verificationToken.signingKey?.asymmetricKeyType).toBe('ed25519');
    expect(loadConfig({ VERIFICATION_TOKEN_PRIVATE_KEY: p256.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString() }).verificationToken.signingKey?.asymmetricKeyType).toBe('ec');
    // One line, as environment files carry it.
    expect(loadConfig({ VERIFICATION_TOKEN_PRIVATE_KEY: TOKEN_KEY.replace(/\n/g, '\\n') }).verificationToken.signingKey).not.toBeNull();
    const rsa = generateKeyPairSync('rsa', { modulusLength: 1024 }).privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
    for (const bad of ['not a key', rsa, ed.publicKey.export({ type: 'spki', format: 'pem' }).toString()]) {
      expect(() => loadConfig({ VERIFICATION_TOKEN_PRIVATE_KEY: bad })).toThrow(/VERIFICATION_TOKEN_PRIVATE_KEY: must be an Ed25519 \(or P-256\) private key/);
    }
    const previous = [ed.publicKey, p256.publicKey].map((k) => k.export({ type: 'spki', format: 'pem' }).toString()).join('\n');
    expect(loadConfig({ VERIFICATION_TOKEN_PREVIOUS_KEYS: previous }).verificationToken.previousKeys).toHaveLength(2);
    expect(() => loadConfig({ VERIFICATION_TOKEN_PREVIOUS_KEYS: 'nope' })).toThrow(/VERIFICATION_TOKEN_PREVIOUS_KEYS/);
    expect(loadConfig({}).verificationToken).toMatchObject({ signingKey: null, audiences: ['merchant-backend'] });
    expect(loadConfig({ VERIFICATION_TOKEN_AUDIENCES: 'shop-api, bank-api' }).verificationToken.audiences).toEqual(['shop-api', 'bank-api']);
  });

  it('takes merchant webhooks as a URL and a Standard Webhooks secret together, or not at all', () => {
    const secret = `whsec_${Buffer.alloc(32, 7).toString('base64')}`;
    expect(loadConfig({}).merchantWebhooks).toBeNull();
    expect(loadConfig({ WEBHOOK_URL: 'https://shop.example/otp-events', WEBHOOK_SECRET: secret }).merchantWebhooks).toMatchObject({ url: 'https://shop.example/otp-events', secret, retryBaseMs: 1000, retryMaxMs: 300_000 });
    expect(() => loadConfig({ WEBHOOK_URL: 'https://shop.example/otp-events' })).toThrow(/WEBHOOK_SECRET: must be set with WEBHOOK_URL/);
    expect(() => loadConfig({ WEBHOOK_SECRET: secret })).toThrow(/WEBHOOK_URL: must be set with WEBHOOK_SECRET/);
    for (const bad of ['plain-secret', 'whsec_c2hvcnQ=', `whsec_${'!'.repeat(40)}`]) {
      expect(() => loadConfig({ WEBHOOK_URL: 'https://shop.example/e', WEBHOOK_SECRET: bad })).toThrow(/WEBHOOK_SECRET: must be a Standard Webhooks secret/);
    }
  });

  it('requires a transaction for payment codes by default; the list is configurable', () => {
    expect(loadConfig({}).otp.transactionPurposes).toEqual(['payment']);
    expect(loadConfig({ OTP_TRANSACTION_PURPOSES: 'payment, transfer' }).otp.transactionPurposes).toEqual(['payment', 'transfer']);
    expect(loadConfig({ OTP_TRANSACTION_PURPOSES: 'none' }).otp.transactionPurposes).toEqual([]);
    expect(() => loadConfig({ OTP_TRANSACTION_PURPOSES: 'pay now' })).toThrow(/OTP_TRANSACTION_PURPOSES: must be a comma list of purposes, or none/);
  });

  const production = {
    NODE_ENV: 'production',
    OTP_SECRET: SECRET_A,
    VERIFICATION_TOKEN_PRIVATE_KEY: TOKEN_KEY,
    SENDGRID_API_KEY: 'SG.x',
    ...METRICS,
    ...MAIL,
  };

  it('refuses production without MONGODB_URI: the embedded mongod is for development only', () => {
    expect(() => loadConfig(production)).toThrow(/MONGODB_URI: must be set in production \(a replica set; the embedded mongod is for development only\)/);
    expect(() => loadConfig({ ...production, STORE: 'memory' })).toThrow(/MONGODB_URI/);
    expect(loadConfig({ ...production, MONGODB_URI: 'mongodb://db:27017/?replicaSet=rs0' }).mongodb.uri).toContain('db:27017');
  });

  it('refuses a delivery lease shorter than the longest SendGrid call', () => {
    // The defaults fit: a 10-s call within a 60-s lease (renewed every 20 s while sending).
    expect(loadConfig({}).delivery.leaseSeconds).toBe(60);
    // The case that sent two emails: a 5-s lease while SendGrid may take 10 s to answer.
    expect(() => loadConfig({ DELIVERY_LEASE_SECONDS: '5' })).toThrow(/DELIVERY_LEASE_SECONDS: must be at least the longest SendGrid call, 10 s/);
    expect(loadConfig({ DELIVERY_LEASE_SECONDS: '5', SENDGRID_TIMEOUT_MS: '4000' }).delivery.leaseSeconds).toBe(5);
    expect(loadConfig({ DELIVERY_RETRY_MAX_SECONDS: '5' }).delivery.retryMaxMs).toBe(5_000);
  });

  it('runs both roles in one process by default; split roles need a shared MongoDB', () => {
    expect(loadConfig({}).role).toBe('all');
    expect(() => loadConfig({ ROLE: 'worker' })).toThrow(/ROLE: worker needs MONGODB_URI/);
    expect(() => loadConfig({ ROLE: 'mailer' })).toThrow(/ROLE: must be all, api or worker/);
    const production = {
      NODE_ENV: 'production',
      OTP_SECRET: SECRET_A,
      VERIFICATION_TOKEN_PRIVATE_KEY: TOKEN_KEY,
      MONGODB_URI: 'mongodb://db/?replicaSet=rs0',
      ...METRICS,
      ...MAIL,
    };
    // An API process sends no email: it needs no SendGrid key; a worker does.
    expect(loadConfig({ ...production, ROLE: 'api' }).role).toBe('api');
    expect(() => loadConfig({ ...production, ROLE: 'worker' })).toThrow(/SENDGRID_API_KEY/);
  });

  it('treats an empty variable as unset, never as 0', () => {
    const config = loadConfig({ OTP_RESEND_COOLDOWN_SECONDS: '', PORT: '', OTP_MAX_ATTEMPTS: '  ', MONGODB_URI: '' });
    expect(config.otp.resendCooldownSeconds).toBe(30);
    expect(config.port).toBe(4000);
    expect(config.otp.maxAttempts).toBe(5);
    expect(config.mongodb.uri).toBeUndefined();
    // An explicit 0 still turns the cooldown off.
    expect(loadConfig({ OTP_RESEND_COOLDOWN_SECONDS: '0' }).otp.resendCooldownSeconds).toBe(0);
  });

  it('fails closed: development (built-in secrets, log mailer) only when chosen, or when nothing is configured', () => {
    expect(loadConfig({})).toMatchObject({ nodeEnv: 'development', developmentByDefault: true });
    expect(loadConfig({ NODE_ENV: 'development', SENDGRID_API_KEY: 'SG.x' })).toMatchObject({ nodeEnv: 'development', developmentByDefault: false });
    // Anything configured for a deployment and NODE_ENV forgotten: refused, not run with public keys.
    expect(() => loadConfig({ MONGODB_URI: 'mongodb://db/?replicaSet=rs0' })).toThrow(/NODE_ENV: must be set when MONGODB_URI or SENDGRID_API_KEY is/);
    expect(() => loadConfig({ SENDGRID_API_KEY: 'SG.x' })).toThrow(/NODE_ENV: must be set/);
    // Tests are not development: they bring their own secrets.
    expect(() => loadConfig({ NODE_ENV: 'test' })).toThrow(/OTP_SECRET: must be set when NODE_ENV=test/);
    expect(loadConfig({ NODE_ENV: 'test', OTP_SECRET: 'a-test-secret' }).nodeEnv).toBe('test');
  });
});
