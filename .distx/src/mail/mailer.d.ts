export interface MailTemplate {
    subject: string;
    /** Plain-text body; `{{key}}` marks a substitution. */
    text: string;
    /** HTML body; `{{key}}` marks a substitution. */
    html: string;
}
export interface MailRecipient {
    to: string;
    substitutions: Record<string, string>;
    /** Travels with the email and comes back on the provider's events (SendGrid custom_args). */
    customArgs?: Record<string, string>;
}
export interface Mailer {
    readonly kind: 'sendgrid' | 'log';
    /** Sends the template to every recipient; throws MailError when the provider refuses. */
    send(template: MailTemplate, recipients: MailRecipient[]): Promise<void>;
}
/**
 * A provider failure, stripped to what is safe to log and store: the status and a reason.
 * Never the request (it carries the codes). `transient` says whether a retry may succeed.
 */
export declare class MailError extends Error {
    readonly transient: boolean;
    readonly status: number | null;
    /** When the provider said when to come back (a 429's Retry-After). */
    readonly retryAfterMs: number | null;
    /**
     * No answer, but the request may have reached the provider (a timeout or a reset after it
     * was sent): it may have been accepted, so a retry may deliver the email a second time.
     */
    readonly unconfirmed: boolean;
    constructor(message: string, transient: boolean, status?: number | null, 
    /** When the provider said when to come back (a 429's Retry-After). */
    retryAfterMs?: number | null, 
    /**
     * No answer, but the request may have reached the provider (a timeout or a reset after it
     * was sent): it may have been accepted, so a retry may deliver the email a second time.
     */
    unconfirmed?: boolean);
}
/** Fills `{{key}}` placeholders; used by mailers that render locally. */
export declare function substitute(body: string, substitutions: Record<string, string>): string;
