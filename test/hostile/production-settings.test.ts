// Hostile configuration, or a careless one (issue 22, row 7): production accepted
// TRUST_PROXY=true (a rotating X-Forwarded-For then walked past every per-client limit), a
// one-letter METRICS_TOKEN, and plain http:// for SendGrid and the merchant's webhook. Each is
// now refused at start-up with a line naming the variable.
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/config.js';
import { TEST_TOKEN_KEY } from '../support/harness.js';

const PRODUCTION = {
  NODE_ENV: 'production',
  MONGODB_URI: 'mongodb://db:27017/?replicaSet=rs0',
  OTP_SECRET: 'kY3vQ9zL0pW7sT2bN8xR4mC6hJ1dF5gE_aU-oIe9Zq',
  SENDGRID_API_KEY: 'SG.x',
  METRICS_TOKEN: 'Qm8Zt3Lw9Kc2Vx7Nb4Rp1Hs6Jd0Fy5Ga',
  VERIFICATION_TOKEN_PRIVATE_KEY: TEST_TOKEN_KEY,
  MAIL_FROM: 'otp@shop.my',
  MAIL_BRAND: 'ShopMY',
  MAIL_MERCHANT: 'ShopMY Online',
};
const WEBHOOK_SECRET = `whsec_${Buffer.alloc(32, 7).toString('base64')}`;

const problems = (env: Record<string, string>): string[] => {
  try {
    loadConfig({ ...PRODUCTION, ...env });
    return [];
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
};

describe('production refuses weak settings', () => {
  it('starts with strong ones, loopback http:// included (a local proxy or test double)', () => {
    expect(problems({ SENDGRID_BASE_URL: 'http://127.0.0.1:9000', TRUST_PROXY: '1' })).toEqual([]);
    expect(problems({ TRUST_PROXY: '10.0.0.0/8,192.168.1.7', WEBHOOK_URL: 'https://shop.example/hooks', WEBHOOK_SECRET })).toEqual([]);
  });

  it.each([
    ['TRUST_PROXY=true', { TRUST_PROXY: 'true' }, /^TRUST_PROXY: must not be true in production/],
    ['a one-letter METRICS_TOKEN', { METRICS_TOKEN: 'a' }, /^METRICS_TOKEN: must be random in production: this value is 1 characters/],
    ['a patterned METRICS_TOKEN', { METRICS_TOKEN: 'ab'.repeat(20) }, /^METRICS_TOKEN: must be random in production: this value is one short pattern repeated/],
    // Long and varied enough for the frequency rule (163 bits), but words: zxcvbn-ts reads them.
    ['the phrase the review tried as OTP_SECRET', { OTP_SECRET: 'please-change-this-otp-secret-in-production' }, /^OTP_SECRET: must be random: this value is 77% dictionary words, names, keyboard patterns or sequences \(by zxcvbn-ts\)/],
    ['a passphrase as OTP_SECRET', { OTP_SECRET: 'correct-horse-battery-staple-correct-horse' }, /^OTP_SECRET: must be random: this value is \d+% dictionary words/],
    ['a keyboard walk and a sequence as METRICS_TOKEN', { METRICS_TOKEN: 'qwertyuiopasdfghjklzxcvbnm1234567890QWE' }, /^METRICS_TOKEN: must be random in production: this value is 100% dictionary words/],
    ['http:// for SendGrid', { SENDGRID_BASE_URL: 'http://api.sendgrid.com' }, /^SENDGRID_BASE_URL: must be an https:\/\/ URL in production/],
    ['http:// for the merchant webhook', { WEBHOOK_URL: 'http://shop.example/hooks', WEBHOOK_SECRET }, /^WEBHOOK_URL: must be an https:\/\/ URL in production/],
  ])('refuses %s', (_name, env, line) => {
    const refused = problems(env);
    expect(refused).toHaveLength(1);
    expect(refused[0]).toMatch(line);
  });

  it('leaves development as it was', () => {
    expect(() => loadConfig({ TRUST_PROXY: 'true', SENDGRID_BASE_URL: 'http://sendgrid.local' })).not.toThrow();
  });
});
