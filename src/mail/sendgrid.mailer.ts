// Sends through the real SendGrid SDK. The base URL is configurable so tests and proxies can
// stand in for SendGrid's API. One API call carries a batch as personalizations, each with
// its own recipient and substitutions; the SDK wraps substitution keys in {{ }}.
import sgClient from '@sendgrid/client';
import sgMail from '@sendgrid/mail';

// Both packages export a shared instance with its class attached (their typings name only
// the instance); own instances keep two mailers from sharing settings.
const { Client } = sgClient as unknown as { Client: new () => typeof sgClient };
const { MailService } = sgMail as unknown as { MailService: new () => typeof sgMail };
import type { MailFrom } from './mail-from.js';
import { MailError, type Mailer, type MailRecipient, type MailTemplate } from './mailer.js';

export interface SendGridOptions {
  apiKey: string;
  baseUrl: string;
  timeoutMs: number;
  from: MailFrom;
}

/**
 * Tracking pinned off in every call, whatever the account's defaults: open tracking adds a
 * remote pixel and click tracking rewrites links through SendGrid's domain; an OTP email has
 * neither, and its reader's opening it is nobody's business.
 */
export const NO_TRACKING = {
  clickTracking: { enable: false, enableText: false },
  openTracking: { enable: false },
  subscriptionTracking: { enable: false },
  ganalytics: { enable: false },
};

/** SendGrid accepts at most 1000 personalizations per request. */
export const SENDGRID_MAX_BATCH = 1000;

export class SendGridMailer implements Mailer {
  readonly kind = 'sendgrid' as const;
  private readonly mail: typeof sgMail;

  constructor(private readonly options: SendGridOptions) {
    const client = new Client();
    client.setApiKey(options.apiKey); // before baseUrl: setApiKey resets the base URL
    client.setDefaultRequest('baseUrl', options.baseUrl);
    this.mail = new MailService();
    this.mail.setClient(client);
    // The SDK has no timeout by default: a hung connection would hold a claim forever.
    this.mail.setTimeout(options.timeoutMs);
  }

  async send(template: MailTemplate, recipients: MailRecipient[]): Promise<void> {
    try {
      const dynamic = template.dynamicTemplate;
      await this.mail.send({
        from: this.options.from,
        // A Dynamic Template brings its own subject and content; ours are sent otherwise.
        ...(dynamic
          ? { templateId: dynamic.id, dynamicTemplateData: dynamic.values }
          : {
              subject: template.subject,
              text: template.text,
              html: template.html,
              ...(template.inlineImages.length === 0 ? {} : { attachments: template.inlineImages.map(inlineAttachment) }),
            }),
        trackingSettings: NO_TRACKING,
        personalizations: recipients.map((r) => ({
          to: [{ email: r.to }],
          ...(dynamic ? { dynamicTemplateData: r.values ?? {} } : { substitutions: r.substitutions }),
          ...(r.customArgs ? { customArgs: r.customArgs } : {}),
        })),
      });
    } catch (error) {
      throw toMailError(error);
    }
  }
}

/**
 * An inline image in Mail Send's own words. The SDK passes attachment objects through as
 * given (its `contentId` would reach SendGrid camel-cased, which its schema refuses), so the
 * body's field names are written here.
 */
function inlineAttachment(image: MailTemplate['inlineImages'][number]) {
  return { content: image.content.toString('base64'), filename: image.filename, type: image.type, disposition: 'inline', content_id: image.contentId } as unknown as { content: string; filename: string };
}

/** Keeps the status, a short reason and any Retry-After; drops the request, which holds the codes. */
function toMailError(error: unknown): MailError {
  const status = typeof (error as { code?: unknown }).code === 'number' ? (error as { code: number }).code : null;
  if (status !== null) {
    const transient = status === 429 || status >= 500;
    const headers = (error as { response?: { headers?: Record<string, unknown> } }).response?.headers;
    return new MailError(`SendGrid answered ${status}`, transient, status, retryAfterMs(headers?.['retry-after'], Date.now()));
  }
  const code = (error as { code?: unknown }).code;
  // No HTTP answer at all: a timeout, a refused or reset connection. Worth retrying. A refused
  // connection or an unknown host never carried the request; a timeout or a reset may have
  // come after SendGrid took it.
  const unconfirmed = typeof code !== 'string' || !NEVER_SENT.has(code);
  return new MailError(`SendGrid unreachable (${typeof code === 'string' ? code : 'network error'})`, true, null, null, unconfirmed);
}

/** Network errors that mean the request never reached SendGrid. */
const NEVER_SENT = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH']);

/** Retry-After as delta-seconds or an HTTP date (RFC 9110 §10.2.3); null when absent or unreadable. */
export function retryAfterMs(value: unknown, now: number): number | null {
  if (typeof value !== 'string' || value.trim() === '') return null;
  if (/^\d+$/.test(value.trim())) return Number(value.trim()) * 1000;
  const at = Date.parse(value);
  return Number.isNaN(at) ? null : Math.max(0, at - now);
}
