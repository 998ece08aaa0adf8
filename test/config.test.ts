import { describe, expect, it } from 'vitest';
import { ConfigError, DEV_OTP_SECRET, loadConfig } from '../src/config.js';

describe('config', () => {
  it('has working defaults for development', () => {
    const config = loadConfig({});
    expect(config).toMatchObject({
      nodeEnv: 'development',
      port: 4000,
      host: '0.0.0.0',
      otp: { secret: DEV_OTP_SECRET, ttlSeconds: 300, length: 6, maxAttempts: 5, resendCooldownSeconds: 30, maxSendsPerWindow: 5, sendWindowSeconds: 600 },
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
    const strong = { NODE_ENV: 'production', OTP_SECRET: 'x'.repeat(40), SENDGRID_API_KEY: 'SG.x', MONGODB_URI: 'mongodb://db/?replicaSet=rs0' };
    expect(() => loadConfig(strong)).toThrow(/VERIFICATION_TOKEN_SECRET/);
    expect(() => loadConfig({ ...strong, VERIFICATION_TOKEN_SECRET: 'x'.repeat(40) })).toThrow(/must differ from OTP_SECRET/);
    expect(loadConfig({ ...strong, VERIFICATION_TOKEN_SECRET: 'y'.repeat(40) }).nodeEnv).toBe('production');
  });

  const production = {
    NODE_ENV: 'production',
    OTP_SECRET: 'x'.repeat(40),
    VERIFICATION_TOKEN_SECRET: 'y'.repeat(40),
    SENDGRID_API_KEY: 'SG.x',
  };

  it('refuses production without MONGODB_URI unless the in-process store is chosen explicitly', () => {
    expect(() => loadConfig(production)).toThrow(/MONGODB_URI: must be set in production[\s\S]*STORE=memory/);
    expect(() => loadConfig({ ...production, STORE: 'mongodb' })).toThrow(/MONGODB_URI/);
    expect(loadConfig({ ...production, STORE: 'memory' }).store).toBe('memory');
    expect(loadConfig({ ...production, MONGODB_URI: 'mongodb://db:27017/?replicaSet=rs0' }).mongodb.uri).toContain('db:27017');
  });

  it('refuses a delivery lease shorter than the worst-case send', () => {
    // The defaults fit: 5 × 10 s plus 0.5+1+2+4 s of backoff and 4 × 0.5 s of jitter = 59.5 s ≤ 60 s.
    expect(loadConfig({}).delivery.leaseSeconds).toBe(60);
    // The case that sent two emails: a 5-s lease while SendGrid may take 10 s to answer.
    expect(() => loadConfig({ DELIVERY_LEASE_SECONDS: '5' })).toThrow(/DELIVERY_LEASE_SECONDS: must be at least the worst-case send, 60 s/);
    expect(loadConfig({ DELIVERY_LEASE_SECONDS: '5', DELIVERY_MAX_ATTEMPTS: '1', SENDGRID_TIMEOUT_MS: '4000' }).delivery.leaseSeconds).toBe(5);
  });

  it('runs both roles in one process by default; split roles need a shared MongoDB', () => {
    expect(loadConfig({}).role).toBe('all');
    expect(() => loadConfig({ ROLE: 'worker' })).toThrow(/ROLE: worker needs MONGODB_URI/);
    expect(() => loadConfig({ ROLE: 'api', STORE: 'memory', MONGODB_URI: 'mongodb://db/?replicaSet=rs0' })).toThrow(/ROLE: api needs MONGODB_URI/);
    expect(() => loadConfig({ ROLE: 'mailer' })).toThrow(/ROLE: must be all, api or worker/);
    const production = {
      NODE_ENV: 'production',
      OTP_SECRET: 'a'.repeat(16) + 'b'.repeat(16) + 'c'.repeat(8),
      VERIFICATION_TOKEN_SECRET: 'x'.repeat(20) + 'y'.repeat(20),
      MONGODB_URI: 'mongodb://db/?replicaSet=rs0',
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
});
