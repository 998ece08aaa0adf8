// Development mailer: prints the email it would have sent, code included, so the flow can be
// tried without a mail account. The one place a code may reach a log; config refuses it in
// production.
import type { Logger } from '../logger.js';
import { substitute, type Mailer, type MailRecipient, type MailTemplate } from './mailer.js';

export class LogMailer implements Mailer {
  readonly kind = 'log' as const;
  constructor(private readonly logger: Logger) {}

  async send(template: MailTemplate, recipients: MailRecipient[]): Promise<void> {
    for (const recipient of recipients) {
      // The code leads the message, so a person trying the service finds it at a glance.
      const code = recipient.substitutions.otp ?? '(none)';
      this.logger.info(
        { to: recipient.to, subject: substitute(template.subject, recipient.substitutions), text: substitute(template.text, recipient.substitutions) },
        `code ${code} for ${recipient.to} (log mailer, development only: set SENDGRID_API_KEY to send for real)`,
      );
    }
  }
}
