// The OTP email: its language picked from the request's locale, its wording from what the code
// is for, its texts from the locale files (locales/*.ts). One template per (language, kind) is
// built once and shared by every email of that kind in a provider call; what differs per
// email (the code, the reference, the amount and payee) goes in as substitutions, escaped for
// HTML in the HTML body.
import { match } from '@formatjs/intl-localematcher';
import { IntlMessageFormat } from 'intl-messageformat';
import { currencyDigits } from '../otp/transaction.js';
import { DEFAULT_LOCALE, LOCALES, SUPPORTED_LOCALES } from './locales/index.js';
/** Purposes worded as a sign-in, and as an email check; a code with a transaction is a payment. */
export const SIGN_IN_PURPOSES = ['login', 'signin', 'sign-in', 'sign_in'];
export const EMAIL_VERIFICATION_PURPOSES = ['email-verification', 'email_verification', 'verify-email', 'signup', 'sign-up'];
export function emailKind({ purpose, transaction }) {
    if (transaction)
        return 'payment';
    if (SIGN_IN_PURPOSES.includes(purpose))
        return 'signIn';
    if (EMAIL_VERIFICATION_PURPOSES.includes(purpose))
        return 'emailVerification';
    return 'other';
}
/**
 * The supported language closest to `tag` (CLDR's matching: zh-CN → zh-Hans, ms-MY → ms,
 * id → ms), English when none is close.
 */
export function emailLanguage(tag) {
    return tag ? match([tag], SUPPORTED_LOCALES, DEFAULT_LOCALE, { algorithm: 'best fit' }) : DEFAULT_LOCALE;
}
export const escapeHtml = (s) => s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] ?? c);
/** "RM 149.90" for ms-MY, "MYR 149.90" for en: the amount exactly, with the currency's ISO digits. */
export function formatAmount({ amount, currency }, locale) {
    const digits = currencyDigits(currency) ?? 2;
    // A decimal string is formatted exactly (no float rounding) by Intl.NumberFormat.
    const format = new Intl.NumberFormat(locale, { style: 'currency', currency, minimumFractionDigits: digits, maximumFractionDigits: digits });
    return format.format(amount);
}
export class OtpEmails {
    options;
    templates = new Map();
    constructor(options) {
        this.options = options;
    }
    /** The email that carries `code` for `record`. */
    for(record, code) {
        const language = emailLanguage(record.locale);
        const kind = emailKind(record);
        const resent = record.resends > 0;
        const key = `${language}|${kind}|${resent ? 'resent' : 'first'}`;
        let template = this.templates.get(key);
        if (!template) {
            template = renderTemplate(LOCALES[language], language, kind, this.options, resent);
            this.templates.set(key, template);
        }
        const substitutions = { otp: code, reference: record.reference };
        if (record.transaction) {
            // Formatted for the reader's own region when the language is theirs (ms-MY: "RM"),
            // else for the language the email is in.
            const locale = record.locale && new Intl.Locale(record.locale).language === new Intl.Locale(language).language ? record.locale : language;
            const amount = formatAmount(record.transaction, locale);
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
export function renderTemplate(messages, language, kind, { brand, merchant, ttlSeconds }, resent = false) {
    const format = (message, values) => String(new IntlMessageFormat(message, language).format(values));
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
    const both = (first, second) => format(messages.sentences, { first, second });
    const closing = both(format(messages.warning, common), format(messages.notYou, common));
    return {
        subject: resent ? format(messages.resentSubject, { subject: format(messages.subject[kind], common) }) : format(messages.subject[kind], common),
        text: `${both(introText, validity)}\n\n{{otp}}\n\n${reference}\n\n${closing}\n`,
        html: `<div lang="${language}">` +
            `<p>${both(introHtml, escapeHtml(validity))}</p>` +
            `<p style="font-size:24px;font-weight:bold;letter-spacing:4px">{{otp}}</p>` +
            `<p>${escapeHtml(reference)}</p>` +
            `<p>${escapeHtml(closing)}</p>` +
            `</div>`,
    };
}
//# sourceMappingURL=otp.template.js.map