// The rules for input shape, shared by the GraphQL input classes and the service, so a
// caller that skips GraphQL still cannot store a malformed record.
import validator from 'validator';

export const DEFAULT_PURPOSE = 'default';
export const MAX_EMAIL_LENGTH = 254;
export const MAX_PURPOSE_LENGTH = 64;
const PURPOSE_PATTERN = /^[A-Za-z0-9_.:-]+$/;

/** Trimmed and lower-cased: one mailbox, one key, however the user typed it. */
export function normaliseEmail(raw: string): string {
  return raw.trim().toLowerCase();
}

export function isValidEmail(raw: unknown): boolean {
  if (typeof raw !== 'string') return false;
  const email = normaliseEmail(raw);
  return email.length <= MAX_EMAIL_LENGTH && validator.isEmail(email, { allow_display_name: false, allow_ip_domain: false });
}

export function isValidPurpose(raw: unknown): boolean {
  return (
    raw === undefined ||
    raw === null ||
    (typeof raw === 'string' && raw.length >= 1 && raw.length <= MAX_PURPOSE_LENGTH && PURPOSE_PATTERN.test(raw))
  );
}

export function isValidCode(raw: unknown, length: number): boolean {
  return typeof raw === 'string' && raw.length === length && /^[0-9]+$/.test(raw);
}

/** BCP 47 tags are rarely longer; a bound keeps a hostile one out of the store. */
export const MAX_LOCALE_LENGTH = 35;

/** A BCP 47 tag in canonical form ("zh-hans-cn" → "zh-Hans-CN"); null when none was given. */
export function canonicalLocale(raw: unknown): string | null {
  if (raw === undefined || raw === null) return null;
  if (typeof raw !== 'string' || raw.length === 0 || raw.length > MAX_LOCALE_LENGTH) throw new InvalidInputError('locale', LOCALE_RULE);
  try {
    return Intl.getCanonicalLocales(raw)[0]!;
  } catch {
    throw new InvalidInputError('locale', LOCALE_RULE);
  }
}

export const EMAIL_RULE = `must be a valid email address of at most ${MAX_EMAIL_LENGTH} characters`;
export const PURPOSE_RULE = `must be 1 to ${MAX_PURPOSE_LENGTH} characters of letters, digits, _ . : -`;
export const LOCALE_RULE = `must be a BCP 47 language tag such as "en", "ms" or "zh-Hans", at most ${MAX_LOCALE_LENGTH} characters`;
export const codeRule = (length: number) => `must be exactly ${length} digits`;

/** Malformed input. Carries the field so the API can name it; never carries the value. */
export class InvalidInputError extends Error {
  constructor(readonly field: string, readonly rule: string) {
    super(`${field} ${rule}`);
    this.name = 'InvalidInputError';
  }
}
