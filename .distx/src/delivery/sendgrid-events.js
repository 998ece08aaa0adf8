import { OTP_ID_ARG } from './dispatcher.js';
import { NO_MERCHANT_EVENTS } from '../webhooks/merchant-events.js';
/** The events recorded; anything else SendGrid sends (processed, open, click, …) is counted as "other". */
export const SENDGRID_EVENTS = ['delivered', 'deferred', 'bounce', 'blocked', 'dropped', 'spamreport'];
/** Until the email is delivered, bounced or dropped, news can still move it. */
const OPEN = ['sent', 'deferred'];
const MOVES = {
    delivered: { to: 'delivered', from: OPEN },
    // SendGrid keeps trying a deferred email for up to 72 hours; the code dies long before.
    deferred: { to: 'deferred', from: OPEN },
    bounce: { to: 'bounced', from: OPEN },
    // A bounce of type "blocked" (the receiving server refused the sender), reported on its own by older accounts.
    blocked: { to: 'bounced', from: OPEN },
    dropped: { to: 'dropped', from: OPEN },
    // The user marked it as spam: it was delivered; recorded and counted, the state kept.
    spamreport: { to: null, from: [] },
};
export function eventName(raw) {
    if (raw.event === 'bounce' && raw.type === 'blocked')
        return 'blocked';
    return SENDGRID_EVENTS.includes(raw.event) ? raw.event : 'other';
}
export class SendGridEvents {
    store;
    logger;
    observer;
    merchant;
    constructor(store, logger, observer, merchant = NO_MERCHANT_EVENTS) {
        this.store = store;
        this.logger = logger;
        this.observer = observer;
        this.merchant = merchant;
    }
    /** Records a batch of events (the webhook's body); returns how many moved a state. */
    async record(events) {
        let applied = 0;
        for (const raw of events) {
            const result = await this.recordOne((raw ?? {}));
            if (result === 'applied')
                applied += 1;
        }
        return applied;
    }
    async recordOne(raw) {
        const name = eventName(raw);
        const id = raw[OTP_ID_ARG];
        const eventId = raw.sg_event_id;
        // Not ours (no otp_id: another sender on the account), not one we record, or malformed.
        if (name === 'other' || typeof id !== 'string' || typeof eventId !== 'string' || eventId.length > 200) {
            this.observer?.deliveryEvent(name, 'ignored');
            return 'ignored';
        }
        const { to, from } = MOVES[name];
        const event = { eventId, to, from };
        // A bounce or a drop: the merchant's backend hears of it too, with the address the code was
        // for, written in the step that moves the state (so a replay, seen as a duplicate, never
        // finds the event missing). The address is read first; it never changes.
        const failed = (to === 'bounced' || to === 'dropped') && this.merchant !== NO_MERCHANT_EVENTS ? to : null;
        const record = failed && (await this.store.findById(id));
        const webhook = failed && record ? this.merchant.deliveryFailed({ email: record.email, purpose: record.purpose, requestId: id, reason: failed }) : undefined;
        const result = await this.store.recordDeliveryEvent(id, event, webhook);
        this.observer?.deliveryEvent(name, result);
        this.logger.info({ event: name, requestId: id, result }, 'email event');
        return result;
    }
}
//# sourceMappingURL=sendgrid-events.js.map