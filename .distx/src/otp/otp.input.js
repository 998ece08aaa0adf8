// The rules for input shape, shared by the GraphQL input classes and the service, so a
// caller that skips GraphQL still cannot store a malformed record.
import { domainToASCII } from 'node:url';
import validator from 'validator';
export const DEFAULT_PURPOSE = 'default';
export const MAX_EMAIL_LENGTH = 254;
export const MAX_PURPOSE_LENGTH = 64;
const PURPOSE_PATTERN = /^[A-Za-z0-9_.:-]+$/;
/**
 * What SendGrid accepts as a local part: RFC 5322's dot-atom in ASCII. A quoted local part
 * ("a b"@x) or a non-ASCII one is valid to validator.isEmail and refused by SendGrid, which
 * would fail every code sharing its provider call.
 */
const DOT_ATOM = /^[a-z0-9!#$%&'*+/=?^_`{|}~-]+(\.[a-z0-9!#$%&'*+/=?^_`{|}~-]+)*$/;
/** Invisible or control characters anywhere (a trailing zero-width space, say): refused, not stripped. */
const INVISIBLE = /[\p{C}\p{Z}\s]/u;
/**
 * One mailbox, one key, however the user typed it: trimmed, lower-cased, and an
 * internationalised domain in its ASCII (punycode) form, which is what is stored, hashed and
 * emailed (x@münchen.de → x@xn--mnchen-3ya.de). Null when it is not an address SendGrid takes.
 */
export function normaliseEmail(raw) {
    if (typeof raw !== 'string')
        return null;
    const trimmed = raw.trim();
    if (trimmed.length > MAX_EMAIL_LENGTH * 4 || INVISIBLE.test(trimmed))
        return null;
    const at = trimmed.lastIndexOf('@');
    if (at <= 0)
        return null;
    const local = trimmed.slice(0, at).toLowerCase();
    // domainToASCII applies IDNA (lower-casing, NFC mapping) and answers '' when it cannot.
    const domain = domainToASCII(trimmed.slice(at + 1));
    if (!DOT_ATOM.test(local) || domain === '')
        return null;
    const email = `${local}@${domain}`;
    const valid = email.length <= MAX_EMAIL_LENGTH &&
        validator.isEmail(email, { allow_display_name: false, allow_ip_domain: false, allow_utf8_local_part: false, require_tld: true });
    return valid ? email : null;
}
export function isValidEmail(raw) {
    return normaliseEmail(raw) !== null;
}
export function isValidPurpose(raw) {
    return (raw === undefined ||
        raw === null ||
        (typeof raw === 'string' && raw.length >= 1 && raw.length <= MAX_PURPOSE_LENGTH && PURPOSE_PATTERN.test(raw)));
}
export function isValidCode(raw, length) {
    return typeof raw === 'string' && raw.length === length && /^[0-9]+$/.test(raw);
}
/** BCP 47 tags are rarely longer; a bound keeps a hostile one out of the store. */
export const MAX_LOCALE_LENGTH = 35;
/**
 * A BCP 47 tag in canonical form ("zh-hans-cn" → "zh-Hans-CN"), without its -u- and -x-
 * extensions (a caller's "ms-u-nu-tibt" must not choose how our emails write amounts); null
 * when none was given.
 */
export function canonicalLocale(raw) {
    if (raw === undefined || raw === null)
        return null;
    if (typeof raw !== 'string' || raw.length === 0 || raw.length > MAX_LOCALE_LENGTH)
        throw new InvalidInputError('locale', LOCALE_RULE);
    try {
        return new Intl.Locale(Intl.getCanonicalLocales(raw)[0]).baseName;
    }
    catch {
        throw new InvalidInputError('locale', LOCALE_RULE);
    }
}
export const EMAIL_RULE = `must be an email address of at most ${MAX_EMAIL_LENGTH} characters, with a plain ASCII local part (no quotes, no invisible characters)`;
export const PURPOSE_RULE = `must be 1 to ${MAX_PURPOSE_LENGTH} characters of letters, digits, _ . : -`;
export const LOCALE_RULE = `must be a BCP 47 language tag such as "en", "ms" or "zh-Hans", at most ${MAX_LOCALE_LENGTH} characters`;
export const codeRule = (length) => `must be exactly ${length} digits`;
/** Request ids are the codes' UUIDs (lower-case, as randomUUID makes them); anything else cannot name one. */
export const REQUEST_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
/** A malformed id names no code: said plainly, as for any malformed input. */
export function checkRequestId(requestId) {
    if (typeof requestId !== 'string' || !REQUEST_ID.test(requestId)) {
        throw new InvalidInputError('requestId', 'must be a requestId returned by requestOtp');
    }
}
/** Malformed input. Carries the field so the API can name it; never carries the value. */
export class InvalidInputError extends Error {
    field;
    rule;
    constructor(field, rule) {
        super(`${field} ${rule}`);
        this.field = field;
        this.rule = rule;
        this.name = 'InvalidInputError';
    }
}
//# sourceMappingURL=otp.input.js.map