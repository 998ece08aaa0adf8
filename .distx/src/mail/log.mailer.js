// Development mailer: prints the email it would have sent, code included, so the flow can be
// tried without a mail account. The one place a code may reach a log; config refuses it in
// production. It also plays the provider's part: a second after each email it reports the
// event SendGrid's Event Webhook would (delivered; or bounced, or dropped, for a test address
// that asks for it), so a frontend can see every delivery state without SendGrid.
import { randomUUID } from 'node:crypto';
import { substitute } from './mailer.js';
/** How long after "sending" the played event comes: after the dispatcher has recorded the send. */
const PLAYED_AFTER_MS = 1_000;
/** `you+bounce@…` bounces, `you+drop@…` is dropped, any other address is delivered. */
export function playedEvent(address) {
    const local = address.slice(0, address.lastIndexOf('@'));
    if (/\+bounce$/i.test(local))
        return 'bounce';
    if (/\+drop$/i.test(local))
        return 'dropped';
    return 'delivered';
}
export class LogMailer {
    logger;
    play;
    kind = 'log';
    constructor(logger, play) {
        this.logger = logger;
        this.play = play;
    }
    async send(template, recipients) {
        for (const recipient of recipients) {
            // The code leads the message, so a person trying the service finds it at a glance.
            const code = recipient.substitutions.otp ?? '(none)';
            this.logger.info({ to: recipient.to, subject: substitute(template.subject, recipient.substitutions), text: substitute(template.text, recipient.substitutions) }, `code ${code} for ${recipient.to} (log mailer, development only: set SENDGRID_API_KEY to send for real)`);
        }
        const play = this.play;
        if (!play)
            return;
        const events = recipients.map((r) => ({ event: playedEvent(r.to), sg_event_id: `dev-${randomUUID()}`, timestamp: Math.floor(Date.now() / 1000), ...r.customArgs }));
        setTimeout(() => {
            play(events).catch((err) => this.logger.warn({ err }, 'the log mailer could not record its played delivery events'));
        }, PLAYED_AFTER_MS).unref();
    }
}
//# sourceMappingURL=log.mailer.js.map