import type { OtpRecord } from '../store/otp.store.js';
import { type Transaction } from '../otp/transaction.js';
import { type EmailKind, type OtpMessages } from './locales/index.js';
import type { MailTemplate } from './mailer.js';
export interface TemplateOptions {
    brand: string;
    merchant: string;
    ttlSeconds: number;
}
/** Purposes worded as a sign-in, and as an email check; a code with a transaction is a payment. */
export declare const SIGN_IN_PURPOSES: readonly string[];
export declare const EMAIL_VERIFICATION_PURPOSES: readonly string[];
/** What the email the record's code goes out in needs to know of it. */
export type EmailSubject = Pick<OtpRecord, 'purpose' | 'transaction' | 'locale' | 'reference' | 'resends'>;
export interface OtpEmail {
    /** Emails with the same key share `template`: they may go out in one provider call. */
    key: string;
    template: MailTemplate;
    substitutions: Record<string, string>;
}
export declare function emailKind({ purpose, transaction }: Pick<EmailSubject, 'purpose' | 'transaction'>): EmailKind;
/**
 * The supported language closest to `tag` (CLDR's matching: zh-CN → zh-Hans, ms-MY → ms,
 * id → ms), English when none is close.
 */
export declare function emailLanguage(tag: string | null): string;
export declare const escapeHtml: (s: string) => string;
/** "RM 149.90" for ms-MY, "MYR 149.90" for en: the amount exactly, with the currency's ISO digits. */
export declare function formatAmount({ amount, currency }: Transaction, locale: string): string;
export declare class OtpEmails {
    private readonly options;
    private readonly templates;
    constructor(options: TemplateOptions);
    /** The email that carries `code` for `record`. */
    for(record: EmailSubject, code: string): OtpEmail;
}
/** The template for one language and kind; `{{name}}` marks a substitution. */
export declare function renderTemplate(messages: OtpMessages, language: string, kind: EmailKind, { brand, merchant, ttlSeconds }: TemplateOptions, resent?: boolean): MailTemplate;
