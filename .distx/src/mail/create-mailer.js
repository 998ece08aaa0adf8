import { LogMailer } from './log.mailer.js';
import { SendGridMailer } from './sendgrid.mailer.js';
/** `play` records the log mailer's played provider events (the SendGrid webhook's own path). */
export function createMailer(config, logger, play) {
    const { sendgridApiKey, sendgridBaseUrl, sendgridTimeoutMs, from } = config.mail;
    if (sendgridApiKey) {
        return new SendGridMailer({ apiKey: sendgridApiKey, baseUrl: sendgridBaseUrl, timeoutMs: sendgridTimeoutMs, from });
    }
    logger.warn('SENDGRID_API_KEY is not set: emails are printed to this log instead of sent (development only)');
    return new LogMailer(logger, play);
}
//# sourceMappingURL=create-mailer.js.map