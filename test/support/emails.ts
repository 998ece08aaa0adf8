// The service's emails as a default configuration makes them (the built-in templates, the
// default time zone), with the brand and shop names a test gives.
import { loadConfig } from '../../src/config.js';
import { OtpEmails, type EmailOptions } from '../../src/mail/otp-emails.js';

export function builtInEmails(names: { brand: string; merchant: string }, more: Partial<EmailOptions> = {}): OtpEmails {
  const { mail } = loadConfig({});
  return new OtpEmails({ ...mail, templates: mail.templates!, ...names, ...more });
}
