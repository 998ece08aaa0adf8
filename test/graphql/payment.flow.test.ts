// Payments over real HTTP through the typed client, on both stores: a code bound to its
// transaction verifies only with the same transaction, the token carries it, each locale's
// email is worded for what the code is for with its reference and the amount formatted, and
// hostile payee text stays text.
import { jwtVerify } from 'jose';
import { afterAll, beforeAll, beforeEach, expect, it } from 'vitest';
import { OtpClientError } from '../../packages/client/src/index.js';
import type { ReceivedEmail } from '../support/fake-sendgrid.js';
import { jwksOf, startHarness, wrongCode, type Harness } from '../support/harness.js';
import { describeEachTier } from '../support/stores.js';

const NBSP = '\u00a0';
const REFERENCE = /^[ACDEFGHJKMNPQRTUVWXY345679]{4}$/;
const shop = { amount: '149.9', currency: 'MYR', payee: 'Kedai Runcit Ali' };

describeEachTier('payments over HTTP on the $name store', (tier) => {
  let h: Harness;
  let n = 0;
  const fresh = () => `payer${++n}-${Date.now()}@example.com`;
  const env = tier.env();

  beforeAll(async () => {
    h = await startHarness({ ...env, OTP_RESEND_COOLDOWN_SECONDS: '0', OTP_MAX_ATTEMPTS: '5' });
  });
  afterAll(async () => {
    await h.close();
    await tier.disposeEnv(env);
  });
  beforeEach(() => h.sendgrid.reset());

  /** Requests a code and returns the payload with its email. */
  async function requestAndRead(input: Parameters<Harness['client']['requestOtp']>[0]): Promise<{ reference: string; mail: ReceivedEmail }> {
    const sent = await h.client.requestOtp(input);
    expect(sent).toMatchObject({ status: 'SENT', success: true });
    expect(sent.reference).toMatch(REFERENCE);
    const emails = await h.sendgrid.waitForEmails(1, sent.email);
    return { reference: sent.reference!, mail: emails[emails.length - 1]! };
  }

  it('verifies a payment code only with the same amount, currency and payee; each change is a counted wrong guess', async () => {
    const email = fresh();
    const { mail } = await requestAndRead({ email, purpose: 'payment', transaction: shop });
    const verify = (transaction?: typeof shop) => h.client.verifyOtp({ email, purpose: 'payment', otp: mail.code, transaction });

    expect(await verify({ ...shop, amount: '1499.00' })).toMatchObject({ status: 'MISMATCHED', attemptsRemaining: 4 });
    expect(await verify({ ...shop, currency: 'SGD' })).toMatchObject({ status: 'MISMATCHED', attemptsRemaining: 3 });
    expect(await verify({ ...shop, payee: 'Kedai Runcit Abu' })).toMatchObject({ status: 'MISMATCHED', attemptsRemaining: 2 });
    expect(await verify(undefined)).toMatchObject({ status: 'MISMATCHED', attemptsRemaining: 1 });

    // The same transaction, written as the canonical amount: verified, and the token says what was.
    const before = Math.floor(Date.now() / 1000);
    const verified = await verify({ ...shop, amount: '149.90' });
    expect(verified).toMatchObject({ status: 'VERIFIED', success: true });
    const { payload } = await jwtVerify(verified.verificationToken!, jwksOf(h.url), { issuer: 'otp-graphql', audience: 'merchant-backend' });
    expect(payload).toMatchObject({ sub: email, email, purpose: 'payment', transaction: { amount: '149.90', currency: 'MYR', payee: 'Kedai Runcit Ali' } });
    expect(payload.iat).toBeGreaterThanOrEqual(before);
  });

  it('does not verify a code bound to no transaction when one is given', async () => {
    const email = fresh();
    const { mail } = await requestAndRead({ email, purpose: 'login' });
    expect(await h.client.verifyOtp({ email, purpose: 'login', otp: mail.code, transaction: shop })).toMatchObject({ status: 'MISMATCHED', attemptsRemaining: 4 });
    const verified = await h.client.verifyOtp({ email, purpose: 'login', otp: mail.code });
    expect(verified.status).toBe('VERIFIED');
    const { payload } = await jwtVerify(verified.verificationToken!, jwksOf(h.url));
    expect(payload).not.toHaveProperty('transaction');
  });

  it('writes each locale its own email: wording for the purpose, the reference, the amount in local format, the validity', async () => {
    const cases = [
      {
        locale: 'en',
        subject: 'MyBank2U: your payment code (ref. $REF)',
        text: `Use this code to confirm your payment of MYR${NBSP}149.90 to Kedai Runcit Ali. This code is valid for 5 minutes.`,
      },
      {
        locale: 'ms-MY',
        subject: 'MyBank2U: kod pembayaran anda (ruj. $REF)',
        text: `Gunakan kod ini untuk mengesahkan pembayaran anda sebanyak RM${NBSP}149.90 kepada Kedai Runcit Ali. Kod ini sah selama 5 minit.`,
      },
      {
        locale: 'zh-CN', // falls back to zh-Hans
        subject: 'MyBank2U：您的付款验证码（参考号 $REF）',
        text: `请使用此验证码确认您向 Kedai Runcit Ali 支付 MYR${NBSP}149.90。此验证码在 5 分钟内有效。`,
      },
      {
        locale: 'fr', // no French: English
        subject: 'MyBank2U: your payment code (ref. $REF)',
        text: 'Use this code to confirm your payment of',
      },
    ];
    for (const { locale, subject, text } of cases) {
      const { reference, mail } = await requestAndRead({ email: fresh(), purpose: 'payment', transaction: shop, locale });
      expect(mail.subject).toBe(subject.replace('$REF', reference));
      expect(mail.text).toContain(text);
      expect(mail.text).toContain(reference);
      expect(mail.html).toContain(reference);
      expect(mail.text).toContain(mail.code);
    }
  });

  it('words sign-in and email-verification codes as such, in each language', async () => {
    const cases = [
      { purpose: 'login', locale: 'en', text: 'Use this code to sign in to MyBank2U.' },
      { purpose: 'login', locale: 'ms', text: 'Gunakan kod ini untuk log masuk ke MyBank2U.' },
      { purpose: 'email-verification', locale: 'zh-Hans', text: '请使用此验证码向 MyBank2U 验证您的电子邮件地址。' },
      { purpose: 'default', locale: 'ms', text: 'Gunakan kod ini untuk mengesahkan permintaan anda di Merchant2U.' },
    ];
    for (const { purpose, locale, text } of cases) {
      const { mail } = await requestAndRead({ email: fresh(), purpose, locale });
      expect(mail.text).toContain(text);
      expect(mail.text).not.toMatch(/payment|pembayaran|付款/);
    }
  });

  it('shows a hostile payee as text in the HTML body', async () => {
    const payee = '<img src=x onerror=alert(1)> & "Co"';
    const { mail } = await requestAndRead({ email: fresh(), purpose: 'payment', transaction: { ...shop, payee } });
    expect(mail.html).toContain('&lt;img src=x onerror=alert(1)&gt; &amp; &quot;Co&quot;');
    expect(mail.html).not.toContain('<img');
    expect(mail.text).toContain(payee);
  });

  it('refuses bad amounts and currencies, and a payment without a transaction, storing and sending nothing', async () => {
    const email = fresh();
    const refusals = [
      { input: { transaction: { ...shop, amount: '149.999' } }, field: 'transaction.amount' },
      { input: { transaction: { ...shop, amount: '-5' } }, field: 'transaction.amount' },
      { input: { transaction: { ...shop, currency: 'RM' } }, field: 'transaction.currency' },
      { input: {}, field: 'transaction' },
    ];
    for (const { input, field } of refusals) {
      const error = await h.client.requestOtp({ email, purpose: 'payment', ...input }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(OtpClientError);
      expect(error).toMatchObject({ code: 'BAD_USER_INPUT', field });
    }
    expect(await h.app.store.findLatest(email, 'payment')).toBeNull();
    await h.app.dispatcher!.idle();
    expect(h.sendgrid.requests).toHaveLength(0);
    // Nor was the address's send window touched: a real request goes through at once.
    await requestAndRead({ email, purpose: 'payment', transaction: shop });
  });

  it('tells a frontend, per purpose, whether a transaction is required and which languages there are', async () => {
    expect(await h.client.otpPolicy('payment')).toMatchObject({ purpose: 'payment', transactionRequired: true, locales: ['en', 'ms', 'zh-Hans'] });
    expect(await h.client.otpPolicy()).toMatchObject({ purpose: 'default', transactionRequired: false, codeLength: 6, ttlSeconds: 300 });
  });

  it('gives a new code a reference different from the one it replaces, and a wrong code for the old email is just wrong', async () => {
    const email = fresh();
    const first = await requestAndRead({ email, purpose: 'payment', transaction: shop });
    const second = await h.client.requestOtp({ email, purpose: 'payment', transaction: shop });
    expect(second.reference).toMatch(REFERENCE);
    expect(second.reference).not.toBe(first.reference);
    const [, latest] = await h.sendgrid.waitForEmails(2, email);
    expect(latest!.subject).toContain(second.reference!);
    if (first.mail.code !== latest!.code) {
      expect((await h.client.verifyOtp({ email, purpose: 'payment', otp: first.mail.code, transaction: shop })).status).toBe('MISMATCHED');
    }
    expect((await h.client.verifyOtp({ email, purpose: 'payment', otp: wrongCode(latest!.code), transaction: shop })).status).toBe('MISMATCHED');
    expect((await h.client.verifyOtp({ email, purpose: 'payment', otp: latest!.code, transaction: shop })).status).toBe('VERIFIED');
  });
});
