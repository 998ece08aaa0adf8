// The funnel a business watches (otp_funnel_total): a code counted once at each stage it
// reaches — requested, sent (its first email), delivered or bounced (SendGrid's signed events,
// duplicates counted once), verified — by its kind and its address's provider group.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mailProvider } from '../../src/edge/mailbox.js';
import { startHarness, wrongCode, type Harness } from '../support/harness.js';
import { event, postEvents, PUBLIC_KEY } from '../support/sendgrid-events.js';
import { makeIntent, writeMerchantsFile } from '../support/intents.js';

describe('mailbox provider groups', () => {
  it.each([
    ['a@gmail.com', 'gmail'],
    ['a@googlemail.com', 'gmail'],
    ['a@hotmail.co.uk', 'outlook'],
    ['a@outlook.com', 'outlook'],
    ['a@live.com.my', 'outlook'],
    ['a@yahoo.com.my', 'yahoo'],
    ['a@ymail.com', 'yahoo'],
    ['a@me.com', 'icloud'],
    ['a@proton.me', 'proton'],
    ['a@bank.com.my', 'other'],
    ['a@gmail.com.evil.example', 'other'],
  ])('%s → %s', (address, provider) => {
    expect(mailProvider(address)).toBe(provider);
  });
});

describe('the funnel, counted as codes move', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({ SENDGRID_WEBHOOK_PUBLIC_KEY: PUBLIC_KEY, OTP_RESEND_COOLDOWN_SECONDS: '0', MERCHANTS_FILE: await writeMerchantsFile() });
  });
  afterAll(async () => h?.close());

  const scrape = async () => (await (await fetch(h.url.replace('/graphql', '/metrics'))).text());
  const count = (text: string, stage: string, kind: string, provider: string) =>
    Number(new RegExp(`^otp_funnel_total\\{stage="${stage}",kind="${kind}",provider="${provider}"\\} (\\S+)$`, 'm').exec(text)?.[1] ?? NaN);

  it('counts each stage once per code, by kind and provider', async () => {
    const before = await scrape();
    const delta = (after: string, stage: string, kind: string, provider: string) => count(after, stage, kind, provider) - count(before, stage, kind, provider);

    // A sign-in at gmail: requested, sent, delivered (the event posted twice), verified after a wrong guess; resent once.
    const email = `funnel.${Date.now()}@gmail.com`;
    const sent = await h.client.requestOtp({ email, purpose: 'login' });
    const code = await h.sendgrid.latestCode(email);
    await h.app.dispatcher!.idle();
    expect(await h.client.resendOtp({ email, purpose: 'login', requestId: sent.requestId! })).toMatchObject({ status: 'SENT' });
    await h.sendgrid.waitForEmails(2, email);
    await h.app.dispatcher!.idle();
    const mail = h.sendgrid.emailsTo(email)[0]!;
    expect(mail.customArgs.otp_kind).toBe('signIn');
    const delivered = event(mail.customArgs.otp_id!, 'delivered', { email, ...mail.customArgs });
    await postEvents(h.url, [delivered]);
    await postEvents(h.url, [delivered]); // SendGrid retries: a duplicate
    await h.client.verifyOtp({ email, purpose: 'login', requestId: sent.requestId!, otp: wrongCode(code) });
    await h.client.verifyOtp({ email, purpose: 'login', requestId: sent.requestId!, otp: code });

    // A payment to an address elsewhere that bounces.
    const payer = `payer${Date.now()}@bank.com.my`;
    await h.client.requestOtp({ email: payer, purpose: 'payment', paymentIntent: await makeIntent({ email: payer }) });
    await h.sendgrid.waitForEmails(1, payer);
    await h.app.dispatcher!.idle();
    const payment = h.sendgrid.emailsTo(payer)[0]!;
    await postEvents(h.url, [event(payment.customArgs.otp_id!, 'bounce', { email: payer, ...payment.customArgs })]);

    const after = await scrape();
    expect(['requested', 'sent', 'delivered', 'bounced', 'verified'].map((stage) => delta(after, stage, 'signIn', 'gmail'))).toEqual([1, 1, 1, 0, 1]);
    expect(['requested', 'sent', 'delivered', 'bounced', 'verified'].map((stage) => delta(after, stage, 'payment', 'other'))).toEqual([1, 1, 0, 1, 0]);
    // Nothing of the address in the series: its provider group only.
    expect(after).not.toContain(email);
    expect(after).not.toContain('bank.com.my');
  });
});
