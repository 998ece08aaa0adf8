// What the dispatcher needs from an email provider. One call carries many recipients of the
// same template, each with its own substitutions: a provider call per code is what limits
// throughput, so the dispatcher sends whatever has queued up together.
export interface MailTemplate {
  subject: string;
  /** Plain-text body; `{{key}}` marks a substitution. */
  text: string;
  /** HTML body; `{{key}}` marks a substitution. */
  html: string;
  /** Images the HTML shows by `cid:` (the operator's logo): sent inside the email, never fetched. */
  inlineImages: InlineImage[];
  /**
   * A SendGrid Dynamic Template (SENDGRID_TEMPLATE_IDS) to send instead of the parts above, with
   * `values` and each recipient's own `values` as its dynamic_template_data. Other mailers
   * render the parts above.
   */
  dynamicTemplate?: { id: string; values: Record<string, unknown> };
}

export interface InlineImage {
  /** What the HTML names it by: `cid:<contentId>`. */
  contentId: string;
  filename: string;
  type: string;
  content: Buffer;
}

export interface MailRecipient {
  to: string;
  substitutions: Record<string, string>;
  /** This email's own values by their template names (code, reference, …), for a Dynamic Template. */
  values?: Record<string, string>;
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
export class MailError extends Error {
  constructor(
    message: string,
    readonly transient: boolean,
    readonly status: number | null = null,
    /** When the provider said when to come back (a 429's Retry-After). */
    readonly retryAfterMs: number | null = null,
    /**
     * No answer, but the request may have reached the provider (a timeout or a reset after it
     * was sent): it may have been accepted, so a retry may deliver the email a second time.
     */
    readonly unconfirmed = false,
  ) {
    super(message);
    this.name = 'MailError';
  }
}

/** Fills `{{key}}` placeholders; used by mailers that render locally. */
export function substitute(body: string, substitutions: Record<string, string>): string {
  return body.replace(/\{\{(\w+)\}\}/g, (whole, key: string) => substitutions[key] ?? whole);
}
