// The OTP email: its language picked from the request's locale, its wording from what the code
// is for, its texts from the locale files (locales/*.ts). One template per (language, kind) is
// built once and shared by every email of that kind in a provider call; what differs per
// email (the code, the reference, the amount and payee) goes in as substitutions, escaped for
// HTML in the HTML body.
import { match } from '@formatjs/intl-localematcher';
import { IntlMessageFormat } from 'intl-messageformat';
import type { OtpRecord } from '../store/otp.store.js';
import { currencyDigits, type Transaction } from '../otp/transaction.js';
import { DEFAULT_LOCALE, LOCALES, SUPPORTED_LOCALES, type EmailKind, type OtpMessages } from './locales/index.js';
import type { MailTemplate } from './mailer.js';

export interface TemplateOptions {
  brand: string;
  merchant: string;
}

/** Purposes worded as a sign-in, and as an email check; a code with a transaction is a payment. */
export const SIGN_IN_PURPOSES: readonly string[] = ['login', 'signin', 'sign-in', 'sign_in'];
export const EMAIL_VERIFICATION_PURPOSES: readonly string[] = ['email-verification', 'email_verification', 'verify-email', 'signup', 'sign-up'];

/** What the email the record's code goes out in needs to know of it. */
export type EmailSubject = Pick<OtpRecord, 'purpose' | 'transaction' | 'locale' | 'reference' | 'resends' | 'createdAt' | 'expiresAt'>;

/** A code's whole life, in seconds, as it was stored: the one source of what the email says. */
export const lifeSeconds = ({ createdAt, expiresAt }: Pick<EmailSubject, 'createdAt' | 'expiresAt'>) => Math.round((expiresAt.getTime() - createdAt.getTime()) / 1000);

export interface OtpEmail {
  /** Emails with the same key share `template`: they may go out in one provider call. */
  key: string;
  template: MailTemplate;
  substitutions: Record<string, string>;
}

export function emailKind({ purpose, transaction }: Pick<EmailSubject, 'purpose' | 'transaction'>): EmailKind {
  if (transaction) return 'payment';
  if (SIGN_IN_PURPOSES.includes(purpose)) return 'signIn';
  if (EMAIL_VERIFICATION_PURPOSES.includes(purpose)) return 'emailVerification';
  return 'other';
}

/**
 * The supported language closest to `tag` (CLDR's matching: zh-CN → zh-Hans, ms-MY → ms,
 * id → ms), English when none is close.
 */
export function emailLanguage(tag: string | null): string {
  return tag ? match([tag], SUPPORTED_LOCALES, DEFAULT_LOCALE, { algorithm: 'best fit' }) : DEFAULT_LOCALE;
}

export const escapeHtml = (s: string) =>
  s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] ?? c);

/**
 * The amount as the email's language writes it: "RM 1,234.50" in ms, "MYR 1,234.50" in en,
 * "BHD 1,234.500" (the currency's ISO digits), exactly, in Latin digits. Fixed per language
 * and currency: the caller's locale picks the language and nothing else, so no region a
 * caller names (en-DK's "1.234,50") changes how the bank writes a sum.
 */
export function formatAmount({ amount, currency }: Transaction, language: string): string {
  const digits = currencyDigits(currency) ?? 2;
  // A decimal string is formatted exactly (no float rounding) by Intl.NumberFormat.
  const format = new Intl.NumberFormat(language, { style: 'currency', currency, minimumFractionDigits: digits, maximumFractionDigits: digits, numberingSystem: 'latn' });
  return format.format(amount as unknown as number);
}

export class OtpEmails {
  private readonly templates = new Map<string, MailTemplate>();

  constructor(private readonly options: TemplateOptions) {}

  /** The email that carries `code` for `record`. */
  for(record: EmailSubject, code: string): OtpEmail {
    const language = emailLanguage(record.locale);
    const kind = emailKind(record);
    const resent = record.resends > 0;
    // The words say the code's own life (its purpose's, as the service stored it): one
    // template per life in use, a handful at most.
    const life = lifeSeconds(record);
    const key = `${language}|${kind}|${resent ? 'resent' : `first|${life}`}`;
    let template = this.templates.get(key);
    if (!template) {
      template = renderTemplate(LOCALES[language]!, language, kind, this.options, life, resent);
      this.templates.set(key, template);
    }
    const substitutions: Record<string, string> = { otp: code, reference: record.reference };
    if (record.transaction) {
      const amount = formatAmount(record.transaction, language);
      Object.assign(substitutions, {
        amount,
        amount_html: escapeHtml(amount),
        payee: record.transaction.payee,
        payee_html: escapeHtml(record.transaction.payee),
      });
    }
    return { key, template, substitutions };
  }
}

/** The template for one language and kind; `{{name}}` marks a substitution. */
export function renderTemplate(messages: OtpMessages, language: string, kind: EmailKind, { brand, merchant }: TemplateOptions, ttlSeconds: number, resent = false): MailTemplate {
  const format = (message: string, values: Record<string, string | number>) => String(new IntlMessageFormat(message, language).format(values));
  const common = { brand, merchant, reference: '{{reference}}' };
  // A resent code has less life left than the TTL: its email says so instead of a figure.
  const validity = resent
    ? format(messages.resent, common)
    : ttlSeconds % 60 === 0
      ? format(messages.validityMinutes, { minutes: ttlSeconds / 60 })
      : format(messages.validitySeconds, { seconds: ttlSeconds });
  const introText = format(messages.intro[kind], { ...common, amount: '{{amount}}', payee: '{{payee}}' });
  // Escaped after formatting: brand and merchant are configuration, but still text; the
  // {{...}} marks survive escaping and are filled with values escaped per email.
  const introHtml = escapeHtml(format(messages.intro[kind], { ...common, amount: '{{amount_html}}', payee: '{{payee_html}}' }));
  const reference = format(messages.reference, common);
  const both = (first: string, second: string) => format(messages.sentences, { first, second });
  const closing = both(format(messages.warning, common), format(messages.notYou, common));
  return {
    subject: resent ? format(messages.resentSubject, { subject: format(messages.subject[kind], common) }) : format(messages.subject[kind], common),
    text: `${both(introText, validity)}\n\n{{otp}}\n\n${reference}\n\n${closing}\n`,
    html:
      `<div lang="${language}">` +
      `<p>${both(introHtml, escapeHtml(validity))}</p>` +
      `<p style="font-size:24px;font-weight:bold;letter-spacing:4px">{{otp}}</p>` +
      `<p>${escapeHtml(reference)}</p>` +
      `<p>${escapeHtml(closing)}</p>` +
      `</div>`,
  };
}
