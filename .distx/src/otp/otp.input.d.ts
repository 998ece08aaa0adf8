export declare const DEFAULT_PURPOSE = "default";
export declare const MAX_EMAIL_LENGTH = 254;
export declare const MAX_PURPOSE_LENGTH = 64;
/**
 * One mailbox, one key, however the user typed it: trimmed, lower-cased, and an
 * internationalised domain in its ASCII (punycode) form, which is what is stored, hashed and
 * emailed (x@münchen.de → x@xn--mnchen-3ya.de). Null when it is not an address SendGrid takes.
 */
export declare function normaliseEmail(raw: unknown): string | null;
export declare function isValidEmail(raw: unknown): boolean;
export declare function isValidPurpose(raw: unknown): boolean;
export declare function isValidCode(raw: unknown, length: number): boolean;
/** BCP 47 tags are rarely longer; a bound keeps a hostile one out of the store. */
export declare const MAX_LOCALE_LENGTH = 35;
/**
 * A BCP 47 tag in canonical form ("zh-hans-cn" → "zh-Hans-CN"), without its -u- and -x-
 * extensions (a caller's "ms-u-nu-tibt" must not choose how our emails write amounts); null
 * when none was given.
 */
export declare function canonicalLocale(raw: unknown): string | null;
export declare const EMAIL_RULE = "must be an email address of at most 254 characters, with a plain ASCII local part (no quotes, no invisible characters)";
export declare const PURPOSE_RULE = "must be 1 to 64 characters of letters, digits, _ . : -";
export declare const LOCALE_RULE = "must be a BCP 47 language tag such as \"en\", \"ms\" or \"zh-Hans\", at most 35 characters";
export declare const codeRule: (length: number) => string;
/** Request ids are the codes' UUIDs (lower-case, as randomUUID makes them); anything else cannot name one. */
export declare const REQUEST_ID: RegExp;
/** A malformed id names no code: said plainly, as for any malformed input. */
export declare function checkRequestId(requestId: unknown): asserts requestId is string;
/** Malformed input. Carries the field so the API can name it; never carries the value. */
export declare class InvalidInputError extends Error {
    readonly field: string;
    readonly rule: string;
    constructor(field: string, rule: string);
}
