import { checkRequestId } from '../otp/otp.input.js';
export var OtpDeliveryState;
(function (OtpDeliveryState) {
    OtpDeliveryState["PENDING"] = "PENDING";
    OtpDeliveryState["SENDING"] = "SENDING";
    OtpDeliveryState["SENT"] = "SENT";
    OtpDeliveryState["DELIVERED"] = "DELIVERED";
    OtpDeliveryState["DEFERRED"] = "DEFERRED";
    OtpDeliveryState["BOUNCED"] = "BOUNCED";
    OtpDeliveryState["DROPPED"] = "DROPPED";
    OtpDeliveryState["FAILED"] = "FAILED";
    OtpDeliveryState["EXPIRED"] = "EXPIRED";
})(OtpDeliveryState || (OtpDeliveryState = {}));
const STATES = {
    pending: OtpDeliveryState.PENDING,
    sending: OtpDeliveryState.SENDING,
    sent: OtpDeliveryState.SENT,
    delivered: OtpDeliveryState.DELIVERED,
    deferred: OtpDeliveryState.DEFERRED,
    bounced: OtpDeliveryState.BOUNCED,
    dropped: OtpDeliveryState.DROPPED,
    failed: OtpDeliveryState.FAILED,
};
/** States after which nothing more will happen: a subscription completes on them. */
const FINAL = new Set([OtpDeliveryState.DELIVERED, OtpDeliveryState.BOUNCED, OtpDeliveryState.DROPPED, OtpDeliveryState.FAILED, OtpDeliveryState.EXPIRED]);
export const isFinal = (state) => FINAL.has(state);
/** The view of a stored status at `now`: a code that died before its email got anywhere final is EXPIRED. */
export function viewOf(requestId, status, now) {
    const state = STATES[status.state];
    if (!isFinal(state) && status.expiresAt <= now)
        return { requestId, state: OtpDeliveryState.EXPIRED, updatedAt: status.expiresAt };
    return { requestId, state, updatedAt: status.updatedAt };
}
export class DeliveryStatuses {
    store;
    clock;
    logger;
    /** Wake-up calls by request id. */
    watchers = new Map();
    /** The store read in flight per watched id, shared by every watcher that wants one; dropped on a change, so a wake-up never joins a read from before it. */
    reads = new Map();
    feed = null;
    closed = false;
    constructor(store, clock, logger) {
        this.store = store;
        this.clock = clock;
        this.logger = logger;
    }
    async get(requestId) {
        checkRequestId(requestId);
        return (await this.read(requestId))?.view ?? null;
    }
    /**
     * The code's delivery now, then each change, until it is final or the code expires (or is
     * gone). Ends at once for an unknown id. Stopping early (`return()`) unhooks it at once.
     */
    watch(requestId) {
        checkRequestId(requestId);
        return new DeliveryWatch(requestId, this);
    }
    /** @internal Reads a status with the expiry a watcher waits for (the id was checked by get or watch). */
    async read(requestId, shared = false) {
        const status = await (shared ? this.sharedRead(requestId) : this.store.deliveryStatus(requestId));
        return status && { view: viewOf(requestId, status, this.clock.now()), expiresAt: status.expiresAt };
    }
    /**
     * A watcher's read: joins the one in flight for the id, if any. Safe because every change
     * drops the id's read before it wakes anyone (see changed): a read joined here started after
     * the last change this process was told of, and any later change wakes the watcher again.
     * (A one-off query does not join: it must not be answered from a read older than itself.)
     */
    sharedRead(requestId) {
        let pending = this.reads.get(requestId);
        if (!pending) {
            const read = this.store.deliveryStatus(requestId).finally(() => {
                if (this.reads.get(requestId) === read)
                    this.reads.delete(requestId);
            });
            this.reads.set(requestId, read);
            pending = read;
        }
        return pending;
    }
    changed(ids) {
        for (const id of ids) {
            this.reads.delete(id);
            this.watchers.get(id)?.forEach((wake) => wake());
        }
    }
    /** @internal */
    async hook(requestId, wake) {
        const set = this.watchers.get(requestId) ?? new Set();
        set.add(wake);
        this.watchers.set(requestId, set);
        await this.openFeed();
    }
    /** @internal */
    unhook(requestId, wake) {
        const set = this.watchers.get(requestId);
        set?.delete(wake);
        if (set?.size === 0)
            this.watchers.delete(requestId);
    }
    async close() {
        this.closed = true;
        const feed = this.feed;
        this.feed = null;
        await (await feed?.catch(() => null))?.close();
    }
    /** One feed for every watcher of this process, opened with the first; reopened a second after a break. */
    async openFeed() {
        if (this.closed)
            return;
        this.feed ??= this.store.subscribeDeliveryChanges((ids) => this.changed(ids), (err) => this.feedBroke(err));
        try {
            await this.feed;
        }
        catch (err) {
            this.feedBroke(err);
        }
    }
    feedBroke(err) {
        this.feed = null;
        if (this.closed)
            return;
        this.logger.warn({ err }, 'delivery status feed failed; reopening in 1 s');
        setTimeout(() => {
            if (this.closed || this.watchers.size === 0)
                return;
            // Whatever changed meanwhile: every watcher reads again.
            void this.openFeed().then(() => this.changed([...this.watchers.keys()]));
        }, 1_000).unref();
    }
}
/** One subscriber's stream of views (see DeliveryStatuses.watch). */
class DeliveryWatch {
    requestId;
    statuses;
    started = false;
    done = false;
    changed = true;
    waiting = null;
    last = null;
    wake = () => {
        this.changed = true;
        this.waiting?.();
    };
    constructor(requestId, statuses) {
        this.requestId = requestId;
        this.statuses = statuses;
    }
    [Symbol.asyncIterator]() {
        return this;
    }
    async next() {
        if (!this.started) {
            this.started = true;
            await this.statuses.hook(this.requestId, this.wake);
        }
        while (!this.done) {
            if (!this.changed)
                await this.sleep();
            if (this.done)
                break;
            this.changed = false;
            const read = await this.statuses.read(this.requestId, true);
            if (!read)
                break; // unknown, or gone (verified, replaced, deleted)
            const { view } = read;
            const key = `${view.state}@${view.updatedAt.getTime()}`;
            if (isFinal(view.state))
                this.done = true; // this view is the last
            else
                this.expiresAt = read.expiresAt;
            if (key !== this.last) {
                this.last = key;
                if (this.done)
                    this.unhook();
                return { value: view, done: false };
            }
        }
        return this.return();
    }
    async return() {
        this.done = true;
        this.unhook();
        this.waiting?.();
        return { value: undefined, done: true };
    }
    expiresAt = null;
    /** Until a wake-up, or the code's expiry (to report EXPIRED). */
    sleep() {
        return new Promise((resolve) => {
            const untilExpiry = this.expiresAt ? Math.max(0, this.expiresAt.getTime() - Date.now()) + 10 : 60_000;
            const timer = setTimeout(() => {
                this.changed = true;
                resolve();
            }, untilExpiry);
            timer.unref();
            this.waiting = () => {
                clearTimeout(timer);
                this.waiting = null;
                resolve();
            };
        });
    }
    unhook() {
        this.statuses.unhook(this.requestId, this.wake);
    }
}
//# sourceMappingURL=delivery-status.js.map