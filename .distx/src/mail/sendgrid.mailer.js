// Sends through the real SendGrid SDK. The base URL is configurable so tests and proxies can
// stand in for SendGrid's API. One API call carries a batch as personalizations, each with
// its own recipient and substitutions; the SDK wraps substitution keys in {{ }}.
import sgClient from '@sendgrid/client';
import sgMail from '@sendgrid/mail';
// Both packages export a shared instance with its class attached (their typings name only
// the instance); own instances keep two mailers from sharing settings.
const { Client } = sgClient;
const { MailService } = sgMail;
import { MailError } from './mailer.js';
/** SendGrid accepts at most 1000 personalizations per request. */
export const SENDGRID_MAX_BATCH = 1000;
export class SendGridMailer {
    options;
    kind = 'sendgrid';
    mail;
    constructor(options) {
        this.options = options;
        const client = new Client();
        client.setApiKey(options.apiKey); // before baseUrl: setApiKey resets the base URL
        client.setDefaultRequest('baseUrl', options.baseUrl);
        this.mail = new MailService();
        this.mail.setClient(client);
        // The SDK has no timeout by default: a hung connection would hold a claim forever.
        this.mail.setTimeout(options.timeoutMs);
    }
    async send(template, recipients) {
        try {
            await this.mail.send({
                from: this.options.from,
                subject: template.subject,
                text: template.text,
                html: template.html,
                personalizations: recipients.map((r) => ({
                    to: [{ email: r.to }],
                    substitutions: r.substitutions,
                    ...(r.customArgs ? { customArgs: r.customArgs } : {}),
                })),
            });
        }
        catch (error) {
            throw toMailError(error);
        }
    }
}
/** Keeps the status, a short reason and any Retry-After; drops the request, which holds the codes. */
function toMailError(error) {
    const status = typeof error.code === 'number' ? error.code : null;
    if (status !== null) {
        const transient = status === 429 || status >= 500;
        const headers = error.response?.headers;
        return new MailError(`SendGrid answered ${status}`, transient, status, retryAfterMs(headers?.['retry-after'], Date.now()));
    }
    const code = error.code;
    // No HTTP answer at all: a timeout, a refused or reset connection. Worth retrying. A refused
    // connection or an unknown host never carried the request; a timeout or a reset may have
    // come after SendGrid took it.
    const unconfirmed = typeof code !== 'string' || !NEVER_SENT.has(code);
    return new MailError(`SendGrid unreachable (${typeof code === 'string' ? code : 'network error'})`, true, null, null, unconfirmed);
}
/** Network errors that mean the request never reached SendGrid. */
const NEVER_SENT = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH']);
/** Retry-After as delta-seconds or an HTTP date (RFC 9110 §10.2.3); null when absent or unreadable. */
export function retryAfterMs(value, now) {
    if (typeof value !== 'string' || value.trim() === '')
        return null;
    if (/^\d+$/.test(value.trim()))
        return Number(value.trim()) * 1000;
    const at = Date.parse(value);
    return Number.isNaN(at) ? null : Math.max(0, at - now);
}
//# sourceMappingURL=sendgrid.mailer.js.map