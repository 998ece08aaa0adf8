// Chooses the mailer: SendGrid when a key is set, the development log mailer otherwise
// (config refuses the latter in production).
import type { Logger } from '../logger.js';
import { LogMailer, type PlayedEvents } from './log.mailer.js';
import type { MailFrom } from './mail-from.js';
import type { Mailer } from './mailer.js';
import { SendGridMailer } from './sendgrid.mailer.js';

/** What choosing a mailer reads of the configuration (config.mail). */
export interface MailerSettings {
  sendgridApiKey: string | undefined;
  sendgridBaseUrl: string;
  sendgridTimeoutMs: number;
  from: MailFrom;
}

/** `play` records the log mailer's played provider events (the SendGrid webhook's own path). */
export function createMailer(mail: MailerSettings, logger: Logger, play?: PlayedEvents): Mailer {
  const { sendgridApiKey, sendgridBaseUrl, sendgridTimeoutMs, from } = mail;
  if (sendgridApiKey) {
    return new SendGridMailer({ apiKey: sendgridApiKey, baseUrl: sendgridBaseUrl, timeoutMs: sendgridTimeoutMs, from });
  }
  logger.warn('SENDGRID_API_KEY is not set: emails are printed to this log instead of sent (development only)');
  return new LogMailer(logger, play);
}
