// The one interface between the rules (OtpService, Dispatcher) and where codes live.
// Every method that guards a rule is a single atomic step in each adapter: the service never
// reads a record and then writes it back, so two replicas cannot race past a limit.
//
// The per-address limits and the address's live codes are one record, so that issuing a code
// (cooldown, send window, live codes, attempt budget), resending one and checking one (expiry,
// attempts, single use) are each one atomic step on it: one MongoDB command each, not one per
// rule. The limits themselves are the service's: it passes them in, and the adapters only count.
//
// A code belongs to the request that issued it: it is checked and resent by its id (the
// request's id), and a new request never removes an earlier live code.
/** States no later event changes: the email arrived, or never will. */
export const FINAL_DELIVERY_STATES = ['failed', 'delivered', 'bounced', 'dropped'];
/** How many provider event ids a code keeps for telling replays apart. */
export const MAX_RECORDED_EVENTS = 20;
export class ResumePointLostError extends Error {
    constructor(reason) {
        super(`The saved feed position can no longer be resumed from: ${reason}`);
        this.name = 'ResumePointLostError';
    }
}
/** The store could not be reached (no primary, network): the caller may retry shortly. */
export class StoreUnavailableError extends Error {
    constructor(cause) {
        super('the store is unavailable', { cause });
        this.name = 'StoreUnavailableError';
    }
}
/**
 * What a new code holds once stored, in either store: no wrong guesses yet, its email pending.
 * (One literal, field by field: the embedded store keeps it as is, and V8 keeps it compact.)
 */
export function storedCode(otp, reference) {
    return {
        id: otp.id,
        email: otp.email,
        mailbox: otp.mailbox,
        purpose: otp.purpose,
        codeHash: otp.codeHash,
        sealedCode: otp.sealedCode,
        createdAt: otp.createdAt,
        expiresAt: otp.expiresAt,
        attempts: 0,
        reference,
        resends: 0,
        locale: otp.locale,
        transaction: otp.transaction,
        delivery: pendingDelivery(otp.createdAt),
    };
}
export function pendingDelivery(createdAt) {
    return { state: 'pending', attempts: 0, claimedBy: null, leaseUntil: null, nextAttemptAt: null, sentAt: null, error: null, updatedAt: createdAt, events: [] };
}
/**
 * The delivery of a code sent again (resendOtp): pending at once, claim and error cleared, its
 * provider calls and event ids kept. Both stores build it here, each with its own clock and
 * its own way of reading what is kept.
 */
export function resentDelivery(now, kept) {
    return { state: 'pending', attempts: kept.attempts, claimedBy: null, leaseUntil: null, nextAttemptAt: null, sentAt: null, error: null, updatedAt: now, events: kept.events };
}
/**
 * The delivery state that records `outcome`, the claim released, `events` carried over. Both
 * stores build it here, each with its own clock: the embedded store's Date, MongoDB's $$NOW.
 */
export function completedDelivery(outcome, clock, events) {
    return {
        state: (outcome.state === 'retry' ? 'pending' : outcome.state),
        attempts: outcome.attempts,
        claimedBy: null,
        leaseUntil: null,
        nextAttemptAt: outcome.state === 'retry' ? clock.after(outcome.retryInMs) : null,
        sentAt: outcome.state === 'sent' ? outcome.at : null,
        error: outcome.state === 'sent' ? null : outcome.error,
        updatedAt: clock.now,
        events,
    };
}
//# sourceMappingURL=otp.store.js.map