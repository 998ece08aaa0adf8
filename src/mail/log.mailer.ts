// Development mailer: prints the email it would have sent, code included, so the flow can be
// tried without a mail account. The one place a code may reach a log; config refuses it in
// production. It also plays the provider's part: a second after each email it reports the
// event SendGrid's Event Webhook would (delivered; or bounced, or dropped, for a test address
// that asks for it), so a frontend can see every delivery state without SendGrid. And it keeps
// the last emails for /dev/mailbox.
import { randomUUID } from 'node:crypto';
import type { Logger } from '../logger.js';
import { DevMailbox } from './dev-mailbox.js';
import { substitute, type Mailer, type MailRecipient, type MailTemplate } from './mailer.js';

/** Events in the Event Webhook's shape: { event, sg_event_id, timestamp, …custom args }. */
export type PlayedEvents = (events: Record<string, string | number>[]) => Promise<unknown>;

/** How long after "sending" the played event comes: after the dispatcher has recorded the send. */
const PLAYED_AFTER_MS = 1_000;

/** `you+bounce@…` bounces, `you+drop@…` is dropped, any other address is delivered. */
export function playedEvent(address: string): 'delivered' | 'bounce' | 'dropped' {
  const local = address.slice(0, address.lastIndexOf('@'));
  if (/\+bounce$/i.test(local)) return 'bounce';
  if (/\+drop$/i.test(local)) return 'dropped';
  return 'delivered';
}

export class LogMailer implements Mailer {
  readonly kind = 'log' as const;
  /** The last emails, for /dev/mailbox. */
  readonly mailbox = new DevMailbox();

  constructor(
    private readonly logger: Logger,
    private readonly play?: PlayedEvents,
  ) {}

  async send(template: MailTemplate, recipients: MailRecipient[]): Promise<void> {
    for (const recipient of recipients) {
      // The code leads the message, so a person trying the service finds it at a glance.
      const code = recipient.substitutions.otp ?? '(none)';
      const fill = (body: string) => substitute(body, recipient.substitutions);
      this.mailbox.keep({ to: recipient.to, code, subject: fill(template.subject), text: fill(template.text), html: fill(template.html) });
      this.logger.info(
        { to: recipient.to, subject: substitute(template.subject, recipient.substitutions), text: substitute(template.text, recipient.substitutions) },
        `code ${code} for ${recipient.to} (log mailer, development only: set SENDGRID_API_KEY to send for real)`,
      );
    }
    const play = this.play;
    if (!play) return;
    const events = recipients.map((r) => ({ email: r.to, event: playedEvent(r.to), sg_event_id: `dev-${randomUUID()}`, timestamp: Math.floor(Date.now() / 1000), ...r.customArgs }));
    setTimeout(() => {
      play(events).catch((err: unknown) => this.logger.warn({ err }, 'the log mailer could not record its played delivery events'));
    }, PLAYED_AFTER_MS).unref();
  }
}
