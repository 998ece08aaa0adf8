/**
 * A provider failure, stripped to what is safe to log and store: the status and a reason.
 * Never the request (it carries the codes). `transient` says whether a retry may succeed.
 */
export class MailError extends Error {
    transient;
    status;
    retryAfterMs;
    unconfirmed;
    constructor(message, transient, status = null, 
    /** When the provider said when to come back (a 429's Retry-After). */
    retryAfterMs = null, 
    /**
     * No answer, but the request may have reached the provider (a timeout or a reset after it
     * was sent): it may have been accepted, so a retry may deliver the email a second time.
     */
    unconfirmed = false) {
        super(message);
        this.transient = transient;
        this.status = status;
        this.retryAfterMs = retryAfterMs;
        this.unconfirmed = unconfirmed;
        this.name = 'MailError';
    }
}
/** Fills `{{key}}` placeholders; used by mailers that render locally. */
export function substitute(body, substitutions) {
    return body.replace(/\{\{(\w+)\}\}/g, (whole, key) => substitutions[key] ?? whole);
}
//# sourceMappingURL=mailer.js.map