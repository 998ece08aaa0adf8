// What the merchant's backend hears, without trusting the browser: a code verified, a code
// locked by too many wrong attempts, an email that could not be delivered. Each event is made
// here and handed to the store with the change it reports, so that both are written in one
// atomic step (the event cannot be lost after the change, nor recorded without it); sender.ts
// signs and sends it from the outbox. Nothing here ever carries the code.
import { randomUUID } from 'node:crypto';
/** No WEBHOOK_URL: nothing is recorded. */
export const NO_MERCHANT_EVENTS = {
    verified: () => undefined,
    locked: () => undefined,
    deliveryFailed: () => undefined,
};
/** Events in the Standard Webhooks shape: { type, timestamp, data }, each with its own message id. */
export class StandardMerchantEvents {
    clock;
    constructor(clock) {
        this.clock = clock;
    }
    verified({ email, purpose, transaction }) {
        return this.make('otp.verified', { email, purpose, transaction });
    }
    locked({ email, purpose }) {
        return this.make('otp.locked', { email, purpose });
    }
    deliveryFailed({ email, purpose, requestId, reason }) {
        return this.make('otp.delivery_failed', { email, purpose, requestId, reason });
    }
    make(type, data) {
        const createdAt = this.clock.now();
        // The Standard Webhooks message id: the same on every try, so receivers can drop repeats.
        const id = `msg_${randomUUID().replace(/-/g, '')}`;
        return { id, type, payload: JSON.stringify({ type, timestamp: createdAt.toISOString(), data }), createdAt };
    }
}
//# sourceMappingURL=merchant-events.js.map