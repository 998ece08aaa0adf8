// The built-in emails as the service renders them: every language shows the code, the
// reference and (for a payment) the amount and payee, each escaped in HTML; the language is
// matched from the caller's locale; the expiry is a clock time in MAIL_TIME_ZONE that follows
// the code's own life; a resend states the same deadline; the README's Malay example is what
// the templates write.
import { describe, expect, it } from 'vitest';
import { emailLanguage, SUPPORTED_LOCALES } from '../../src/mail/email-values.js';
import { emailKind } from '../../src/otp/code-kind.js';
import { substitute } from '../../src/mail/mailer.js';
import { builtInEmails } from '../support/emails.js';

const CREATED = new Date('2026-12-07T02:30:00Z'); // 10:30 in Kuala Lumpur
const at = (seconds: number) => ({ createdAt: CREATED, expiresAt: new Date(CREATED.getTime() + seconds * 1000) });
const PAYMENT = { merchant: 'kedai-ali', intentId: 'order-1', amount: '149.90', currency: 'MYR', payee: 'Kedai <Ali> & "Co"' };

/** The email as its reader gets it: the substitutions filled in. */
function read(email: ReturnType<ReturnType<typeof builtInEmails>['for']>) {
  const fill = (s: string) => substitute(s, email.substitutions);
  return { subject: fill(email.template.subject), text: fill(email.template.text), html: fill(email.template.html) };
}

describe('the built-in emails', () => {
  const emails = builtInEmails({ brand: 'MyBank2U', merchant: 'Merchant2U' });

  it('are written in en, ms, zh-Hans and ta, English first', () => {
    expect(SUPPORTED_LOCALES).toEqual(['en', 'ms', 'zh-Hans', 'ta']);
  });

  it.each(SUPPORTED_LOCALES)('%s: a payment shows the code, reference, amount and payee in both parts, escaped in HTML, never raw', (locale) => {
    const email = emails.for({ purpose: 'checkout', transaction: PAYMENT, locale, reference: 'K7QM', resends: 0, ...at(300) }, '042917');
    const { subject, text, html } = read(email);
    expect(subject).toContain('K7QM');
    for (const part of [text, html]) for (const value of ['042917', 'K7QM', '149.90']) expect(part).toContain(value);
    expect(text).toContain(PAYMENT.payee);
    expect(html).toContain('Kedai &lt;Ali&gt; &amp; &quot;Co&quot;');
    expect(html).not.toContain('<Ali>');
    // A whole document, the code in one selectable run of its own.
    expect(html).toMatch(new RegExp(`^<!DOCTYPE html>\\s*<html lang="${locale}">`));
    expect(html).toMatch(/<meta charset="utf-8">/);
    expect(html).toMatch(/<meta name="color-scheme" content="light dark">/);
    expect(html).toMatch(/<title>[^<]*K7QM[^<]*<\/title>/);
    expect(html).toMatch(/<p [^>]*>042917<\/p>/);
    expect(html).not.toMatch(/<a\b|https?:\/\//);
  });

  it.each(SUPPORTED_LOCALES)('%s: every kind and a resend has its own words; the resend is marked in the subject', (locale) => {
    const texts = (['login', 'verify-email', 'newsletter'] as const).map((purpose) => read(emails.for({ purpose, transaction: null, locale, reference: 'K7QM', resends: 0, ...at(300) }, '1')).text);
    expect(new Set(texts).size).toBe(3);
    const first = read(emails.for({ purpose: 'login', transaction: null, locale, reference: 'K7QM', resends: 0, ...at(300) }, '1'));
    const resent = read(emails.for({ purpose: 'login', transaction: null, locale, reference: 'K7QM', resends: 1, ...at(300) }, '1'));
    expect(resent.subject.startsWith(first.subject)).toBe(true);
    expect(resent.subject.length).toBeGreaterThan(first.subject.length);
    expect(resent.text).not.toBe(first.text);
  });
});

describe("the expiry, in the reader's time", () => {
  it('states the clock time the code dies in MAIL_TIME_ZONE, first and resent, and follows the code\'s life', () => {
    const emails = builtInEmails({ brand: 'B', merchant: 'M' });
    const text = (seconds: number, resends = 0, locale = 'en') => read(emails.for({ purpose: 'login', transaction: null, locale, reference: 'K7QM', resends, ...at(seconds) }, '1')).text;
    expect(text(300)).toContain('valid for 5 minutes, until 10:35 AM GMT+8');
    expect(text(120)).toContain('valid for 2 minutes, until 10:32 AM GMT+8');
    expect(text(90)).toContain('valid for 90 seconds, until 10:31 AM GMT+8');
    expect(text(60)).toContain('valid for 1 minute, until');
    // The resend names the same deadline instead of "when that one said".
    expect(text(300, 1)).toContain('valid until 10:35 AM GMT+8');
    expect(text(300, 0, 'ms')).toContain('sehingga 10:35 PG MYT');
    expect(text(300, 0, 'ta')).toContain('5 நிமிடங்கள், 10:35 AM GMT+8 வரை');
    expect(text(300, 0, 'zh-Hans')).toContain('有效期至 GMT+8 10:35');
    // A long life gets the date too.
    expect(text(86_400)).toMatch(/until Dec 8, 10:30 AM GMT\+8/);
  });

  it('is written in the zone the operator names', () => {
    const london = builtInEmails({ brand: 'B', merchant: 'M' }, { timeZone: 'Europe/London' });
    const email = read(london.for({ purpose: 'login', transaction: null, locale: 'en', reference: 'K7QM', resends: 0, ...at(300) }, '1'));
    expect(email.text).toContain('until 2:35 AM GMT');
  });
});

describe('choosing the language and the wording', () => {
  it.each([
    ['en-GB', 'en'],
    ['ms-MY', 'ms'],
    ['zh', 'zh-Hans'],
    ['zh-CN', 'zh-Hans'],
    ['zh-Hans-MY', 'zh-Hans'],
    ['ta', 'ta'],
    ['ta-MY', 'ta'],
    ['ta-IN', 'ta'],
    ['fr-FR', 'en'],
  ])('%s → %s', (tag, language) => {
    expect(emailLanguage(tag)).toBe(language);
  });

  it('defaults to English without a locale', () => {
    expect(emailLanguage(null)).toBe('en');
  });

  it('words a code with a transaction as a payment, whatever its purpose; others by purpose', () => {
    expect(emailKind({ purpose: 'checkout', transaction: PAYMENT })).toBe('payment');
    expect(emailKind({ purpose: 'login', transaction: null })).toBe('signIn');
    expect(emailKind({ purpose: 'verify-email', transaction: null })).toBe('emailVerification');
    expect(emailKind({ purpose: 'payment', transaction: null })).toBe('other');
  });

  it('formats amounts exactly with the currency ISO digits, as the language writes them, whatever region the caller names', () => {
    const emails = builtInEmails({ brand: 'B', merchant: 'M' });
    const amount = (locale: string | null, currency: string, value: string) =>
      emails.for({ purpose: 'payment', reference: 'K7QM', resends: 0, ...at(300), locale, transaction: { ...PAYMENT, amount: value, currency } }, '123456').substitutions.amount;
    expect(amount('ms-MY', 'MYR', '999999999999.99')).toBe('RM\u00a0999,999,999,999.99');
    expect(amount(null, 'JPY', '1500')).toBe('¥1,500');
    expect(amount('en', 'BHD', '1.250')).toBe('BHD\u00a01.250');
    expect(amount('id-ID', 'IDR', '15000.00')).toBe('IDR\u00a015,000.00');
    expect(amount('en-DK', 'BHD', '1234.500')).toBe('BHD\u00a01,234.500');
    expect(amount('ms-BN', 'MYR', '1234.50')).toBe('RM\u00a01,234.50');
    expect(amount('zh-Hans-CN-u-nu-hanidec', 'MYR', '1234.50')).toBe(amount('zh-Hans', 'MYR', '1234.50'));
    expect(amount('ta-MY', 'MYR', '1234.50')).toBe('MYR\u00a01,234.50');
    expect(amount('en-IN', 'INR', '1234567.00')).toBe('₹1,234,567.00');
  });
});

describe("the docs' Malay payment email", () => {
  it('is what the templates write with the default brand, word for word', async () => {
    const { readFile } = await import('node:fs/promises');
    const { loadConfig } = await import('../../src/config.js');
    const doc = await readFile(new URL('../../docs/merchant-backend.md', import.meta.url), 'utf8');
    const shown = /The email \(Malay, as asked[\s\S]*?```text\n([\s\S]*?)```/.exec(doc)![1]!.trim();
    const { brand, merchant } = loadConfig({}).mail;
    const emails = builtInEmails({ brand, merchant });
    const email = read(emails.for({ purpose: 'payment', transaction: { ...PAYMENT, payee: 'Kedai Runcit Ali' }, locale: 'ms-MY', reference: 'K7QM', resends: 0, ...at(300) }, '042917'));
    // Intl puts a no-break space between "RM" and the amount; the docs show a plain one.
    expect(`Subject: ${email.subject}\n\n${email.text}`.trim().replace(/\u00a0/g, ' ')).toBe(shown);
  });
});
