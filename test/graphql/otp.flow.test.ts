// The whole flow over real HTTP against the started server, driven through the shipped typed
// client (so a schema change that breaks clients breaks this), reading codes from the emails
// the real SendGrid SDK delivered to the fake SendGrid server.
import { afterAll, beforeAll, beforeEach, expect, it } from 'vitest';
import { OtpClientError } from '../../packages/client/src/index.js';
import { startHarness, TEST_API_KEY, wrongCode, type Harness } from '../support/harness.js';
import { describeEachTier } from '../support/stores.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describeEachTier('OTP flow over HTTP on the $name store', (tier) => {
  let h: Harness;
  let n = 0;
  const fresh = () => `user${++n}-${Date.now()}@example.com`;
  const request = (email: string, purpose?: string) => h.client.requestOtp({ email, purpose });
  // The typed client remembers each SENT request's id for its (email, purpose); `requestId` overrides it.
  const verify = (email: string, otp: string, purpose?: string, requestId?: string | null) => h.client.verifyOtp({ email, otp, purpose, requestId });
  const env = tier.env();

  beforeAll(async () => {
    h = await startHarness({
      ...env,
      OTP_TTL_SECONDS: '2',
      OTP_RESEND_COOLDOWN_SECONDS: '1',
      OTP_MAX_SENDS_PER_WINDOW: '3',
      OTP_SEND_WINDOW_SECONDS: '60',
      OTP_MAX_ATTEMPTS: '3',
    });
  });
  afterAll(async () => {
    await h.close();
    await tier.disposeEnv(env);
  });
  beforeEach(() => h.sendgrid.reset());

  it('requests a code, emails it, refuses a wrong one, accepts the right one once', async () => {
    const email = fresh();
    const before = Date.now();
    const sent = await request(`  ${email.toUpperCase()} `);
    expect(sent).toMatchObject({ success: true, status: 'SENT', email, retryAfterSeconds: null });
    const expiresAt = Date.parse(sent.expiresAt!);
    expect(expiresAt).toBeGreaterThanOrEqual(before + 2000 - 50);
    expect(expiresAt).toBeLessThanOrEqual(Date.now() + 2000 + 50);

    const [mail] = await h.sendgrid.waitForEmails(1, email);
    expect(sent.reference).toMatch(/^[ACDEFGHJKMNPQRTUVWXY345679]{4}$/);
    expect(mail!.subject).toBe(`MyBank2U: your verification code (ref. ${sent.reference})`);
    expect(mail!.text).toContain('Use this code to confirm your request at Merchant2U. This code is valid for 2 seconds, until ');
    expect(mail!.text).toContain(`Reference: ${sent.reference}`);
    expect(mail!.html).toContain(mail!.code);
    expect(mail!.code).toMatch(/^\d{6}$/);
    expect(h.sendgrid.requests[0]!.authorization).toBe(`Bearer ${TEST_API_KEY}`);
    // The code is in the email and nowhere in the API's answer.
    expect(JSON.stringify(sent)).not.toContain(mail!.code);

    expect(await verify(email, wrongCode(mail!.code))).toMatchObject({
      success: false,
      status: 'MISMATCHED',
      errorCode: 'OTP_MISMATCHED',
      attemptsRemaining: 2,
    });
    expect(await verify(email, mail!.code)).toMatchObject({ success: true, status: 'VERIFIED', errorCode: null });
    expect(await verify(email, mail!.code, undefined, sent.requestId)).toMatchObject({ success: false, status: 'NOT_FOUND', errorCode: 'OTP_NOT_FOUND' });
  });

  it('says EXPIRED after the TTL, computed per request', async () => {
    const email = fresh();
    await request(email);
    const code = await h.sendgrid.latestCode(email);
    await sleep(2100);
    expect(await verify(email, code)).toMatchObject({ status: 'EXPIRED', errorCode: 'OTP_EXPIRED' });
  });

  it('kills a code after the attempt cap, even for the right code', async () => {
    const email = fresh();
    await request(email);
    const code = await h.sendgrid.latestCode(email);
    const remaining = [];
    for (let i = 0; i < 3; i++) remaining.push((await verify(email, wrongCode(code))).attemptsRemaining);
    expect(remaining).toEqual([2, 1, 0]);
    expect(await verify(email, code)).toMatchObject({ status: 'TOO_MANY_ATTEMPTS', errorCode: 'OTP_TOO_MANY_ATTEMPTS' });
  });

  it('stores, hashes and emails an internationalised domain in its ASCII form, and verifies it typed either way', async () => {
    const local = `idn${++n}`;
    const sent = await request(`${local}@MÜNCHEN.de`);
    expect(sent).toMatchObject({ status: 'SENT', email: `${local}@xn--mnchen-3ya.de` });
    const code = await h.sendgrid.latestCode(`${local}@xn--mnchen-3ya.de`);
    expect(h.sendgrid.emails.map((e) => e.to)).toEqual([`${local}@xn--mnchen-3ya.de`]);
    expect((await verify(`${local}@münchen.de`, code)).status).toBe('VERIFIED');
  });

  it('binds a code to its purpose', async () => {
    const email = fresh();
    const { requestId } = await request(email, 'checkout');
    const code = await h.sendgrid.latestCode(email);
    expect((await verify(email, code, 'login', requestId)).status).toBe('NOT_FOUND');
    expect((await verify(email, code, undefined, requestId)).status).toBe('NOT_FOUND');
    expect((await verify(email, code, 'checkout')).status).toBe('VERIFIED');
  });

  it('keeps two live requests for one address apart: each verifies with its own code and id, and not with the other\'s', async () => {
    const email = fresh();
    const first = await request(email);
    await sleep(1100); // past the cooldown
    const second = await request(email);
    expect(second.requestId).not.toBe(first.requestId);
    expect(second.reference).not.toBe(first.reference);
    const mails = await h.sendgrid.waitForEmails(2, email);
    const codeOf = (requestId: string | null | undefined) => mails.find((m) => m.customArgs.otp_id === requestId)!.code;
    const [a, b] = [codeOf(first.requestId), codeOf(second.requestId)];
    if (a !== b) {
      expect((await verify(email, b, undefined, first.requestId)).status).toBe('MISMATCHED');
      expect((await verify(email, a, undefined, second.requestId)).status).toBe('MISMATCHED');
    }
    expect((await verify(email, a, undefined, first.requestId)).status).toBe('VERIFIED');
    expect((await verify(email, b, undefined, second.requestId)).status).toBe('VERIFIED');
  });

  it('resends the same code under the cooldown, marked as sent again, and the first email\'s code still verifies', async () => {
    const email = fresh();
    const sent = await request(email, 'login');
    const [first] = await h.sendgrid.waitForEmails(1, email);
    await h.app.dispatcher!.idle();
    expect(await h.client.resendOtp({ email, purpose: 'login' })).toMatchObject({ success: false, status: 'RATE_LIMITED', retryAfterSeconds: 1 });
    await sleep(1100);
    const again = await h.client.resendOtp({ email, purpose: 'login' });
    expect(again).toEqual({
      success: true,
      status: 'SENT',
      message: 'The same code has been sent to the email address again.',
      errorCode: null,
      email,
      expiresAt: sent.expiresAt,
      retryAfterSeconds: null,
      reference: sent.reference,
      requestId: sent.requestId,
    });
    const [, second] = await h.sendgrid.waitForEmails(2, email);
    expect(second!.code).toBe(first!.code);
    expect(second!.subject).toBe(`${first!.subject} (sent again)`);
    expect((await verify(email, first!.code, 'login')).status).toBe('VERIFIED');
    expect((await h.client.resendOtp({ email, requestId: sent.requestId })).status).toBe('NOT_FOUND');
  });

  it('lets one of 10 parallel right answers for one request through, and 10 parallel resends send one email within the window', async () => {
    const email = fresh();
    const sent = await request(email);
    const code = await h.sendgrid.latestCode(email);
    await h.app.dispatcher!.idle();
    await sleep(1100);
    const resends = await Promise.all(Array.from({ length: 10 }, () => h.client.resendOtp({ email, requestId: sent.requestId })));
    // The window (3) has room for two more emails; the cooldown lets one of the ten through.
    expect(resends.filter((r) => r.status === 'SENT')).toHaveLength(1);
    expect(resends.filter((r) => r.status === 'RATE_LIMITED')).toHaveLength(9);
    await h.sendgrid.waitForEmails(2, email);
    const results = await Promise.all(Array.from({ length: 10 }, () => verify(email, code, undefined, sent.requestId)));
    expect(results.filter((r) => r.status === 'VERIFIED')).toHaveLength(1);
    expect(results.filter((r) => r.status === 'NOT_FOUND')).toHaveLength(9);
    await h.app.dispatcher!.idle();
    expect(h.sendgrid.emailsTo(email)).toHaveLength(2);
  });

  it('enforces the cooldown and caps sends per window, keeping every earlier code live', async () => {
    const email = fresh();
    const one = await request(email);
    expect(one.status).toBe('SENT');
    const first = await h.sendgrid.latestCode(email, 1);

    expect(await request(email)).toMatchObject({ success: false, status: 'RATE_LIMITED', message: 'Too many codes requested. Try again later.', expiresAt: null, retryAfterSeconds: 1 });

    await sleep(1100);
    expect((await request(email)).status).toBe('SENT');
    await h.sendgrid.waitForEmails(2, email);
    expect(h.sendgrid.emailsTo(email)).toHaveLength(2); // the refused request sent nothing

    // No replacement: the first code still verifies, with its own request.
    expect((await verify(email, first, undefined, one.requestId)).status).toBe('VERIFIED');

    await sleep(1100);
    expect((await request(email)).status).toBe('SENT');
    await sleep(1100);
    const capped = await request(email);
    expect(capped.status).toBe('RATE_LIMITED');
    expect(capped.retryAfterSeconds).toBeGreaterThan(50);
    await h.sendgrid.waitForEmails(3, email);
    await sleep(200);
    expect(h.sendgrid.emailsTo(email)).toHaveLength(3);
    expect((await verify(email, await h.sendgrid.latestCode(email, 3))).status).toBe('VERIFIED');
  });

  it('counts 20 concurrent wrong guesses atomically: exactly the cap', async () => {
    const email = fresh();
    await request(email);
    const code = await h.sendgrid.latestCode(email);
    const statuses = (await Promise.all(Array.from({ length: 20 }, () => verify(email, wrongCode(code))))).map((r) => r.status);
    expect(statuses.filter((s) => s === 'MISMATCHED')).toHaveLength(3);
    expect(statuses.filter((s) => s === 'TOO_MANY_ATTEMPTS')).toHaveLength(17);
    expect((await h.app.store.findLatest(email, 'default'))?.attempts).toBe(3);
  });

  it('publishes the policy', async () => {
    expect(await h.client.otpPolicy()).toEqual({
      ttlSeconds: 2,
      codeLength: 6,
      maxAttempts: 3,
      resendCooldownSeconds: 1,
      purpose: 'default',
      transactionRequired: false,
      locales: ['en', 'ms', 'zh-Hans', 'ta'],
      challenge: null, // no bot check unless CHALLENGE turns one on
    });
  });

  it('surfaces malformed input as a typed client error naming the field', async () => {
    const error = await h.client.verifyOtp({ email: fresh(), otp: '12', requestId: '0b6f5c1e-4e1a-4f63-9a1d-7c2b8e5d3a90' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OtpClientError);
    expect(error).toMatchObject({ code: 'BAD_USER_INPUT', field: 'otp', status: 200 });
    // With no requestId given or remembered, the client says so without asking the server.
    const missing = await h.client.verifyOtp({ email: fresh(), otp: '123456' }).catch((e: unknown) => e);
    expect(missing).toMatchObject({ code: 'BAD_USER_INPUT', field: 'requestId', status: 0 });
  });

  it('keeps codes out of the logs', async () => {
    const email = fresh();
    await request(email);
    const code = await h.sendgrid.latestCode(email);
    await verify(email, wrongCode(code));
    await verify(email, code);
    expect(h.logs.length).toBeGreaterThan(3);
    expect(h.logs.join('\n')).not.toContain(code);
  });
});
