// The service's own values an email shows, as the email's language writes them: which words
// (the kind), which language, the amount, and the clock time the code dies. Nothing here comes
// from a caller's text: the payee is the merchants file's, the amount the signed intent's.
import { match } from '@formatjs/intl-localematcher';
import { currencyDigits, type Transaction } from '../otp/transaction.js';
import type { OtpRecord } from '../store/otp.store.js';

/** The languages an email can be written in: a folder each in templates/email/. The first is the default. */
export const SUPPORTED_LOCALES: readonly string[] = ['en', 'ms', 'zh-Hans', 'ta'];
export const DEFAULT_LOCALE = 'en';

/** What the email the record's code goes out in needs to know of it. */
export type EmailSubject = Pick<OtpRecord, 'purpose' | 'transaction' | 'locale' | 'reference' | 'resends' | 'createdAt' | 'expiresAt'>;

/** A code's whole life, in seconds, as it was stored: the one source of what the email says. */
export const lifeSeconds = ({ createdAt, expiresAt }: Pick<EmailSubject, 'createdAt' | 'expiresAt'>) => Math.round((expiresAt.getTime() - createdAt.getTime()) / 1000);

/**
 * The supported language closest to `tag` (CLDR's matching: zh-CN → zh-Hans, ms-MY → ms,
 * id → ms, ta-MY → ta), English when none is close.
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
  const format = memo(`${language}|${currency}`, () => {
    const digits = currencyDigits(currency) ?? 2;
    return new Intl.NumberFormat(language, { style: 'currency', currency, minimumFractionDigits: digits, maximumFractionDigits: digits, numberingSystem: 'latn' });
  });
  // A decimal string is formatted exactly (no float rounding) by Intl.NumberFormat.
  return format.format(amount as unknown as number);
}

/**
 * Formatters are costly to make and the same for every email of a language: made once each.
 * Bounded by languages × currencies × zones in use (a few hundred at most).
 */
const formatters = new Map<string, Intl.NumberFormat | Intl.DateTimeFormat>();
function memo<T extends Intl.NumberFormat | Intl.DateTimeFormat>(key: string, make: () => T): T {
  let format = formatters.get(key) as T | undefined;
  if (!format) {
    format = make();
    formatters.set(key, format);
  }
  return format;
}

/** A code living this long or more, or dying on another day, is given its date as well as its time. */
const DATED_FROM_SECONDS = 6 * 3_600;

/**
 * When the code dies, as a reader in `timeZone` (MAIL_TIME_ZONE) reads a clock: "10:35 AM GMT+8"
 * in en, "10:35 PG MYT" in ms; with the day ("7 Dis, 10:35 PG MYT") when the code lives long
 * or dies on another day than it was made. Latin digits, like the amount.
 */
export function formatExpiry({ createdAt, expiresAt }: Pick<EmailSubject, 'createdAt' | 'expiresAt'>, language: string, timeZone: string): string {
  const days = memo(`day|${timeZone}`, () => new Intl.DateTimeFormat('en-CA', { timeZone, dateStyle: 'short' }));
  const dated = lifeSeconds({ createdAt, expiresAt }) >= DATED_FROM_SECONDS || days.format(createdAt) !== days.format(expiresAt);
  const clock = memo(`clock|${language}|${timeZone}|${dated}`, () =>
    new Intl.DateTimeFormat(language, {
      ...(dated ? { day: 'numeric', month: 'short' } : {}),
      hour: 'numeric',
      minute: '2-digit',
      timeZone,
      timeZoneName: 'short',
      numberingSystem: 'latn',
    }),
  );
  return clock.format(expiresAt);
}

/** Whether `zone` is an IANA time zone this runtime knows (MAIL_TIME_ZONE's check). */
export function isTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat('en', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}
