// Payments over real HTTP through the typed client, on both stores: the amount, the currency
// and the payee come from a payment intent the merchant's backend signed, never from the
// browser. A valid intent is SENT with the merchant's display name as the payee in every
// locale; the token carries the intent; every refusal stores and sends nothing; an intent is
// single use; the code verifies only with its own intent.
import { jwtVerify } from 'jose';
import { afterAll, beforeAll, beforeEach, expect, it } from 'vitest';
import { OtpClientError } from '../../packages/client/src/index.js';
import type { ReceivedEmail } from '../support/fake-sendgrid.js';
import { jwksOf, startHarness, wrongCode, type Harness } from '../support/harness.js';
import { makeIntent, TOKO, writeMerchantsFile } from '../support/intents.js';
import { describeEachTier } from '../support/stores.js';

const NBSP = '\u00a0';
const REFERENCE = /^[ACDEFGHJKMNPQRTUVWXY345679]{4}$/;

describeEachTier('payments over HTTP on the $name store', (tier) => {
  let h: Harness;
  let n = 0;
  const fresh = () => `payer${++n}-${Date.now()}@example.com`;
  const env = tier.env();

  beforeAll(async () => {
    h = await startHarness({ ...env, OTP_RESEND_COOLDOWN_SECONDS: '0', OTP_MAX_ATTEMPTS: '5', MERCHANTS_FILE: await writeMerchantsFile() });
  });
  afterAll(async () => {
    await h.close();
    await tier.disposeEnv(env);
  });
  beforeEach(() => h.sendgrid.reset());

  /** Requests a code and returns the payload with its email. */
  async function requestAndRead(input: Parameters<Harness['client']['requestOtp']>[0]): Promise<{ reference: string; requestId: string; mail: ReceivedEmail }> {
    const sent = await h.client.requestOtp(input);
    expect(sent).toMatchObject({ status: 'SENT', success: true });
    expect(sent.reference).toMatch(REFERENCE);
    const emails = await h.sendgrid.waitForEmails(1, sent.email);
    return { reference: sent.reference!, requestId: sent.requestId!, mail: emails[emails.length - 1]! };
  }

  it("verifies a payment code only with its own intent, and the token carries the merchant's payment", async () => {
    const email = fresh();
    const paymentIntent = await makeIntent({ amount: '149.9', email });
    const { mail } = await requestAndRead({ email, purpose: 'payment', paymentIntent });
    const verify = (intent?: string) => h.client.verifyOtp({ email, purpose: 'payment', otp: mail.code, paymentIntent: intent });

    // Another intent for the same amount, another merchant's, or none: each a counted wrong guess.
    expect(await verify(await makeIntent({ amount: '149.90', email }))).toMatchObject({ status: 'MISMATCHED', attemptsRemaining: 4 });
    expect(await verify(await makeIntent({ merchant: 'toko', amount: '149.90' }))).toMatchObject({ status: 'MISMATCHED', attemptsRemaining: 3 });
    expect(await verify(undefined)).toMatchObject({ status: 'MISMATCHED', attemptsRemaining: 2 });

    const before = Math.floor(Date.now() / 1000);
    const verified = await verify(paymentIntent);
    expect(verified).toMatchObject({ status: 'VERIFIED', success: true });
    const { payload } = await jwtVerify(verified.verificationToken!, jwksOf(h.url), { issuer: 'otp-graphql', audience: 'merchant-backend' });
    const jti = JSON.parse(Buffer.from(paymentIntent.split('.')[1]!, 'base64url').toString()).jti as string;
    expect(payload).toMatchObject({
      sub: email,
      email,
      purpose: 'payment',
      transaction: { merchant: 'kedai-ali', intentId: jti, amount: '149.90', currency: 'MYR', payee: 'Kedai Runcit Ali' },
    });
    expect(payload.iat).toBeGreaterThanOrEqual(before);
  });

  it('takes an intent only with a payment purpose: no email says "payment" for a code that signs someone in (issue 34, row 6)', async () => {
    const email = fresh();
    const paymentIntent = await makeIntent({ amount: '1.00' });
    const refused = await h.client.requestOtp({ email, purpose: 'login', paymentIntent }).catch((e: unknown) => e);
    expect(refused).toMatchObject({ code: 'BAD_USER_INPUT', field: 'paymentIntent', message: expect.stringMatching(/only with a payment purpose \(OTP_TRANSACTION_PURPOSES: "payment"\)/) });
    expect(await h.app.store.findLatest(email, 'login')).toBeNull();
    await h.app.dispatcher!.idle();
    expect(h.sendgrid.requests).toHaveLength(0);
    // Nothing was spent: the intent still brings its payment code, and a login code is still had without one.
    await requestAndRead({ email, purpose: 'payment', paymentIntent });
  });

  it('does not verify a code bound to no payment when an intent is given', async () => {
    const email = fresh();
    const { mail } = await requestAndRead({ email, purpose: 'login' });
    const mixed = await h.client.verifyOtp({ email, purpose: 'login', otp: mail.code, paymentIntent: await makeIntent() }).catch((e: unknown) => e);
    expect(mixed).toMatchObject({ code: 'BAD_USER_INPUT', field: 'paymentIntent' });
    const verified = await h.client.verifyOtp({ email, purpose: 'login', otp: mail.code });
    expect(verified.status).toBe('VERIFIED');
    const { payload } = await jwtVerify(verified.verificationToken!, jwksOf(h.url));
    expect(payload).not.toHaveProperty('transaction');
  });

  it("writes each locale its own email with the merchant's display name as the payee, the amount in local format", async () => {
    const cases = [
      {
        locale: 'en',
        subject: 'MyBank2U: your payment code (ref. $REF)',
        text: `Use this code to confirm your payment of MYR${NBSP}149.90 to Kedai Runcit Ali. This code is valid for 5 minutes, until `,
      },
      {
        locale: 'ms-MY',
        subject: 'MyBank2U: kod pembayaran anda (ruj. $REF)',
        text: `Gunakan kod ini untuk mengesahkan pembayaran anda sebanyak RM${NBSP}149.90 kepada Kedai Runcit Ali. Kod ini sah selama 5 minit, sehingga `,
      },
      {
        // A caller's -u- extension does not choose our digits: Latin, not Tibetan.
        locale: 'ms-u-nu-tibt',
        subject: 'MyBank2U: kod pembayaran anda (ruj. $REF)',
        text: `sebanyak RM${NBSP}149.90 kepada Kedai Runcit Ali.`,
      },
      {
        locale: 'zh-CN', // falls back to zh-Hans
        subject: 'MyBank2U：您的付款验证码（参考号 $REF）',
        text: `请使用此验证码确认您向 Kedai Runcit Ali 支付 MYR${NBSP}149.90。此验证码在 5 分钟内有效，有效期至 `,
      },
      {
        locale: 'ta-MY', // falls back to ta
        subject: 'MyBank2U: உங்கள் கட்டணக் குறியீடு (குறிப்பு $REF)',
        text: `Kedai Runcit Ali நிறுவனத்திற்கு MYR${NBSP}149.90 செலுத்துவதை உறுதிப்படுத்த இந்தக் குறியீட்டைப் பயன்படுத்தவும். இந்தக் குறியீடு 5 நிமிடங்கள், `,
      },
    ];
    for (const { locale, subject, text } of cases) {
      const email = fresh();
      const { reference, mail } = await requestAndRead({ email, purpose: 'payment', paymentIntent: await makeIntent(), locale });
      expect(mail.subject).toBe(subject.replace('$REF', reference));
      expect(mail.text).toContain(text);
      expect(mail.html).toContain('Kedai Runcit Ali');
      expect(mail.text).toContain(mail.code);
    }
    // The HS256 merchant's name, likewise.
    const { mail } = await requestAndRead({ email: fresh(), purpose: 'payment', paymentIntent: await makeIntent({ merchant: 'toko', amount: '1500', currency: 'JPY' }) });
    expect(mail.text).toContain(`¥1,500 to ${TOKO.displayName}`);
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

  it('refuses every intent that is not a valid, unused, unexpired one of its merchant, for this address: nothing stored or sent', async () => {
    const email = fresh();
    const valid = await makeIntent({ email });
    const [header, body, signature] = valid.split('.');
    const claims = JSON.parse(Buffer.from(body!, 'base64url').toString()) as Record<string, unknown>;
    const forged = [header, Buffer.from(JSON.stringify({ ...claims, amount: '1.00' })).toString('base64url'), signature].join('.');
    const refusals: [string, string | undefined, RegExp][] = [
      ['none for a payment', undefined, /is required for this purpose/],
      ['not a token', 'not-a-token', /must be a payment intent/],
      ['a forged amount', forged, /not signed by its merchant/],
      ['expired', await makeIntent({ issuedAgo: 700, expiresIn: 600 }), /has expired/],
      ['living longer than 15 minutes', await makeIntent({ expiresIn: 3600 }), /within 15 minutes/],
      ["signed with another merchant's key", await makeIntent({ key: 'toko', kid: '2026-12' }), /not signed/],
      ["another merchant's kid", await makeIntent({ key: 'toko' }), /not signed with a key of its merchant/],
      ['an unknown merchant', await makeIntent({ iss: 'nobody-shop' }), /names no merchant/],
      ['for another service', await makeIntent({ audience: 'someone-else' }), /aud claim/],
      ['for another email', await makeIntent({ email: 'someone-else@example.com' }), /another email address/],
      ['a bad amount', await makeIntent({ amount: '149.999' }), /amount: must be a positive decimal/],
      ['an amount as a number', await makeIntent({ amount: 149.9 }), /amount/],
      ['a lower-case currency', await makeIntent({ currency: 'myr' }), /currency: must be an ISO 4217/],
      // Both named at once: fixing the currency alone would only meet a second refusal.
      ['a bad amount with a lower-case currency', await makeIntent({ currency: 'myr', amount: '1,5' }), /currency: must be an ISO 4217.*; amount: must be a positive decimal/],
    ];
    for (const [name, paymentIntent, rule] of refusals) {
      const error = await h.client.requestOtp({ email, purpose: 'payment', paymentIntent }).catch((e: unknown) => e);
      expect(error, name).toBeInstanceOf(OtpClientError);
      expect(error, name).toMatchObject({ code: 'BAD_USER_INPUT', field: 'paymentIntent' });
      expect((error as Error).message, name).toMatch(rule);
      if (paymentIntent) expect(JSON.stringify((error as OtpClientError).errors), name).not.toContain(paymentIntent.slice(-20));
    }
    expect(await h.app.store.findLatest(email, 'payment')).toBeNull();
    await h.app.dispatcher!.idle();
    expect(h.sendgrid.requests).toHaveLength(0);
    // Nor was the address's send window touched: a real request goes through at once, with an
    // intent signed with the merchant's previous key (rotation).
    await requestAndRead({ email, purpose: 'payment', paymentIntent: await makeIntent({ key: 'kedai-previous' }) });
  });

  it('takes an intent once: the same intent again, for any address, is refused and sends nothing', async () => {
    const paymentIntent = await makeIntent();
    const first = fresh();
    await requestAndRead({ email: first, purpose: 'payment', paymentIntent });
    for (const email of [first, fresh()]) {
      const error = await h.client.requestOtp({ email, purpose: 'payment', paymentIntent }).catch((e: unknown) => e);
      expect(error).toMatchObject({ code: 'BAD_USER_INPUT', field: 'paymentIntent', message: expect.stringMatching(/used already/) });
    }
    await h.app.dispatcher!.idle();
    expect(h.sendgrid.emails).toHaveLength(1);
  });

  it('keeps an intent for its first address after a refused request, so the shopper can try again later', async () => {
    const email = fresh();
    const limited = await startHarness({ ...env, OTP_RESEND_COOLDOWN_SECONDS: '60', MERCHANTS_FILE: await writeMerchantsFile() });
    try {
      await limited.client.requestOtp({ email, purpose: 'login' });
      const paymentIntent = await makeIntent();
      expect((await limited.client.requestOtp({ email, purpose: 'payment', paymentIntent })).status).toBe('RATE_LIMITED');
      // Another address cannot take it meanwhile; the first still may (refused only by its cooldown).
      await expect(limited.client.requestOtp({ email: fresh(), purpose: 'payment', paymentIntent })).rejects.toMatchObject({ field: 'paymentIntent' });
      expect((await limited.client.requestOtp({ email, purpose: 'payment', paymentIntent })).status).toBe('RATE_LIMITED');
    } finally {
      await limited.close();
    }
  });

  it('has no way to give a payee, amount or currency from the browser', async () => {
    const res = await h.gql('mutation { requestOtp(input: { email: "x@example.com", purpose: "payment", transaction: { amount: "1.00", currency: "MYR", payee: "Call +60 3-1234 5678" } }) { status } }');
    // The input has no such field: GraphQL's own validation refuses the document (as it would a variable, with BAD_USER_INPUT).
    expect(res.status).toBe(400);
    expect(res.errors?.[0]?.extensions?.code).toBe('GRAPHQL_VALIDATION_FAILED');
    expect(JSON.stringify(res)).not.toContain('Call +60');
    expect(await h.app.store.findLatest('x@example.com', 'payment')).toBeNull();
  });

  it('tells a frontend, per purpose, whether a payment intent is required and which languages there are', async () => {
    expect(await h.client.otpPolicy('payment')).toMatchObject({ purpose: 'payment', transactionRequired: true, locales: ['en', 'ms', 'zh-Hans', 'ta'] });
    expect(await h.client.otpPolicy()).toMatchObject({ purpose: 'default', transactionRequired: false, codeLength: 6, ttlSeconds: 300 });
  });

  it('gives a second payment code of the address another reference, and each verifies with its own request', async () => {
    const email = fresh();
    const firstIntent = await makeIntent();
    const first = await requestAndRead({ email, purpose: 'payment', paymentIntent: firstIntent });
    const secondIntent = await makeIntent();
    const second = await h.client.requestOtp({ email, purpose: 'payment', paymentIntent: secondIntent });
    expect(second.reference).not.toBe(first.reference);
    const [, latest] = await h.sendgrid.waitForEmails(2, email);
    expect((await h.client.verifyOtp({ email, purpose: 'payment', otp: wrongCode(latest!.code), paymentIntent: secondIntent })).status).toBe('MISMATCHED');
    expect((await h.client.verifyOtp({ email, purpose: 'payment', otp: latest!.code, paymentIntent: secondIntent })).status).toBe('VERIFIED');
    expect((await h.client.verifyOtp({ email, purpose: 'payment', otp: first.mail.code, paymentIntent: firstIntent, requestId: first.requestId })).status).toBe('VERIFIED');
  });
});


