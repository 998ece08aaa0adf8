import { type Mailer, type MailRecipient, type MailTemplate } from './mailer.js';
export interface SendGridOptions {
    apiKey: string;
    baseUrl: string;
    timeoutMs: number;
    from: string;
}
/** SendGrid accepts at most 1000 personalizations per request. */
export declare const SENDGRID_MAX_BATCH = 1000;
export declare class SendGridMailer implements Mailer {
    private readonly options;
    readonly kind: 'sendgrid';
    private readonly mail;
    constructor(options: SendGridOptions);
    send(template: MailTemplate, recipients: MailRecipient[]): Promise<void>;
}
/** Retry-After as delta-seconds or an HTTP date (RFC 9110 §10.2.3); null when absent or unreadable. */
export declare function retryAfterMs(value: unknown, now: number): number | null;
