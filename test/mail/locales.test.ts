// The locale files a translator edits: every locale has every message, each one is valid ICU
// MessageFormat that formats with the values the template gives it, and the messages that must
// name a value (the reference in a subject, the amount and payee of a payment) do.
import { IntlMessageFormat } from 'intl-messageformat';
import { describe, expect, it } from 'vitest';
import { DEFAULT_LOCALE, LOCALES, SUPPORTED_LOCALES } from '../../src/mail/locales/index.js';

/** A code stored with a 5-minute life. */
const LIFE_300 = { createdAt: new Date('2026-01-01T00:00:00Z'), expiresAt: new Date('2026-01-01T00:05:00Z') };
import { emailKind, emailLanguage, OtpEmails, renderTemplate } from '../../src/mail/otp.template.js';

/** Every message's path ("subject.payment") and text. */
const messages = (tree: object, prefix = ''): [string, string][] =>
  Object.entries(tree).flatMap(([key, value]) => (typeof value === 'string' ? [[`${prefix}${key}`, value] as [string, string]] : messages(value as object, `${prefix}${key}.`)));

const values = { brand: 'B', merchant: 'M', reference: 'K7QM', amount: 'RM 1.00', payee: 'P', minutes: 5, seconds: 90, first: 'one.', second: 'two.', subject: 'S' };

describe('locale files', () => {
  const english = messages(LOCALES[DEFAULT_LOCALE]!).map(([path]) => path).sort();

  it('lists en, ms and zh-Hans, English first', () => {
    expect(SUPPORTED_LOCALES).toEqual(['en', 'ms', 'zh-Hans']);
  });

  it.each(SUPPORTED_LOCALES)('%s has every message and no other, each one formats', (locale) => {
    const own = messages(LOCALES[locale]!);
    expect(own.map(([path]) => path).sort()).toEqual(english);
    for (const [path, text] of own) {
      const formatted = String(new IntlMessageFormat(text, locale).format(values));
      expect(formatted, path).not.toMatch(/[{}]/); // no value left unfilled
      expect(formatted.trim().length, path).toBeGreaterThan(0);
    }
  });

  it.each(SUPPORTED_LOCALES)('%s names the reference in every subject, and the amount and payee in a payment', (locale) => {
    const own = LOCALES[locale]!;
    for (const subject of Object.values(own.subject)) expect(subject).toContain('{reference}');
    expect(own.intro.payment).toContain('{amount}');
    expect(own.intro.payment).toContain('{payee}');
    expect(own.reference).toContain('{reference}');
    for (const kind of ['signIn', 'emailVerification', 'other'] as const) expect(own.intro[kind]).not.toContain('{amount}');
  });

  it.each(SUPPORTED_LOCALES)('%s: a template carries the code, the reference and (for a payment) amount and payee as substitutions', (locale) => {
    const template = renderTemplate(LOCALES[locale]!, locale, 'payment', { brand: 'B', merchant: 'M' }, 300);
    expect(template.subject).toContain('{{reference}}');
    for (const mark of ['{{otp}}', '{{reference}}', '{{amount}}', '{{payee}}']) expect(template.text).toContain(mark);
    for (const mark of ['{{otp}}', '{{reference}}', '{{amount_html}}', '{{payee_html}}']) expect(template.html).toContain(mark);
    expect(template.html).not.toContain('{{payee}}'); // the unescaped value never reaches HTML
  });

  it.each(SUPPORTED_LOCALES)('%s: a resent email keeps the subject and reference, says it is sent again, and gives no fresh validity', (locale) => {
    const options = { brand: 'B', merchant: 'M' };
    const first = renderTemplate(LOCALES[locale]!, locale, 'signIn', options, 300);
    const resent = renderTemplate(LOCALES[locale]!, locale, 'signIn', options, 300, true);
    expect(resent.subject).toContain(first.subject);
    expect(resent.subject).not.toBe(first.subject);
    const validity = String(new IntlMessageFormat(LOCALES[locale]!.validityMinutes, locale).format({ minutes: 5 }));
    expect(first.text).toContain(validity);
    expect(resent.text).not.toContain(validity);
    expect(resent.text).toContain(String(new IntlMessageFormat(LOCALES[locale]!.resent, locale).format(values)));
    for (const mark of ['{{otp}}', '{{reference}}']) expect(resent.text).toContain(mark);
  });
});

describe('choosing the language and the wording', () => {
  it.each([
    ['en-GB', 'en'],
    ['ms-MY', 'ms'],
    ['zh', 'zh-Hans'],
    ['zh-CN', 'zh-Hans'],
    ['zh-SG', 'zh-Hans'],
    ['zh-Hans-MY', 'zh-Hans'],
    ['fr-FR', 'en'],
  ])('%s → %s', (tag, language) => {
    expect(emailLanguage(tag)).toBe(language);
  });

  it('defaults to English without a locale', () => {
    expect(emailLanguage(null)).toBe('en');
  });

  it('words a code with a transaction as a payment, whatever its purpose; others by purpose', () => {
    const transaction = { merchant: 'm', intentId: 'i', amount: '1.00', currency: 'MYR', payee: 'P' };
    expect(emailKind({ purpose: 'checkout', transaction })).toBe('payment');
    expect(emailKind({ purpose: 'login', transaction: null })).toBe('signIn');
    expect(emailKind({ purpose: 'verify-email', transaction: null })).toBe('emailVerification');
    expect(emailKind({ purpose: 'payment', transaction: null })).toBe('other');
  });

  it('formats amounts exactly with the currency ISO digits, as the language writes them, whatever region the caller names', () => {
    const emails = new OtpEmails({ brand: 'B', merchant: 'M' });
    const amount = (locale: string | null, currency: string, value: string) =>
      emails.for({ purpose: 'payment', reference: 'K7QM', resends: 0, ...LIFE_300, locale, transaction: { merchant: 'm', intentId: 'i', amount: value, currency, payee: 'P' } }, '123456').substitutions.amount;
    expect(amount('ms-MY', 'MYR', '999999999999.99')).toBe('RM\u00a0999,999,999,999.99');
    expect(amount(null, 'JPY', '1500')).toBe('¥1,500');
    expect(amount('en', 'BHD', '1.250')).toBe('BHD\u00a01.250');
    // Indonesian reads the Malay email, with the amount as Malay writes it (not id-ID's "Rp 15.000,00").
    expect(amount('id-ID', 'IDR', '15000.00')).toBe('IDR\u00a015,000.00');
    // Issue 34, row 9: the caller's region changed the bank's sum ("1.234,500 BHD", "RM 1.234,50").
    expect(amount('en-DK', 'BHD', '1234.500')).toBe('BHD\u00a01,234.500');
    expect(amount('ms-BN', 'MYR', '1234.50')).toBe('RM\u00a01,234.50');
    expect(amount('zh-Hans-CN-u-nu-hanidec', 'MYR', '1234.50')).toBe(amount('zh-Hans', 'MYR', '1234.50'));
    expect(amount('en-IN', 'INR', '1234567.00')).toBe('₹1,234,567.00');
  });
});

describe("the README's Malay payment email", () => {
  it('is what the template writes with the default brand, word for word', async () => {
    const { readFile } = await import('node:fs/promises');
    const { loadConfig } = await import('../../src/config.js');
    const readme = await readFile(new URL('../../docs/merchant-backend.md', import.meta.url), 'utf8');
    const shown = /The email \(Malay, as asked[\s\S]*?```text\n([\s\S]*?)```/.exec(readme)![1]!.trim();
    // The default configuration, as the README's example runs it: the brand of a fresh clone.
    const { brand, merchant } = loadConfig({}).mail;
    const emails = new OtpEmails({ brand, merchant });
    const transaction = { merchant: 'kedai-ali', intentId: 'order-1', amount: '149.90', currency: 'MYR', payee: 'Kedai Runcit Ali' };
    const { template, substitutions } = emails.for({ purpose: 'payment', transaction, locale: 'ms-MY', reference: 'K7QM', resends: 0, ...LIFE_300 }, '042917');
    const fill = (s: string) => Object.entries(substitutions).reduce((acc, [k, v]) => acc.split(`{{${k}}}`).join(v), s);
    // Intl puts a no-break space between "RM" and the amount; the README shows a plain one.
    expect(`Subject: ${fill(template.subject)}\n\n${fill(template.text)}`.trim().replace(/\u00a0/g, ' ')).toBe(shown);
  });
});

describe("the email states the code's own life", () => {
  it('says what the stored code lives, so a purpose with its own life reads its own figure', () => {
    const emails = new OtpEmails({ brand: 'B', merchant: 'M' });
    const createdAt = new Date('2026-01-01T00:00:00Z');
    const textFor = (seconds: number) =>
      emails.for({ purpose: 'login', transaction: null, locale: 'en', reference: 'K7QM', resends: 0, createdAt, expiresAt: new Date(createdAt.getTime() + seconds * 1000) }, '123456').template.text;
    expect(textFor(300)).toMatch(/\b5 minutes\b/);
    expect(textFor(120)).toMatch(/\b2 minutes\b/);
    expect(textFor(120)).not.toMatch(/\b5 minutes\b/);
    expect(textFor(90)).toMatch(/\b90 seconds\b/);
  });
});
