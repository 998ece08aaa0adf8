import type { Clock } from '../clock.js';
import type { Logger } from '../logger.js';
import type { DeliveryStatus, OtpStore } from '../store/otp.store.js';
export declare enum OtpDeliveryState {
    PENDING = "PENDING",
    SENDING = "SENDING",
    SENT = "SENT",
    DELIVERED = "DELIVERED",
    DEFERRED = "DEFERRED",
    BOUNCED = "BOUNCED",
    DROPPED = "DROPPED",
    FAILED = "FAILED",
    EXPIRED = "EXPIRED"
}
export interface OtpDeliveryView {
    requestId: string;
    state: OtpDeliveryState;
    updatedAt: Date;
}
export declare const isFinal: (state: OtpDeliveryState) => boolean;
/** The view of a stored status at `now`: a code that died before its email got anywhere final is EXPIRED. */
export declare function viewOf(requestId: string, status: DeliveryStatus, now: Date): OtpDeliveryView;
export declare class DeliveryStatuses {
    private readonly store;
    private readonly clock;
    private readonly logger;
    /** Wake-up calls by request id. */
    private readonly watchers;
    /** The store read in flight per watched id, shared by every watcher that wants one; dropped on a change, so a wake-up never joins a read from before it. */
    private readonly reads;
    private feed;
    private closed;
    constructor(store: OtpStore, clock: Clock, logger: Logger);
    get(requestId: string): Promise<OtpDeliveryView | null>;
    /**
     * The code's delivery now, then each change, until it is final or the code expires (or is
     * gone). Ends at once for an unknown id. Stopping early (`return()`) unhooks it at once.
     */
    watch(requestId: string): AsyncIterableIterator<OtpDeliveryView>;
    /** @internal Reads a status with the expiry a watcher waits for (the id was checked by get or watch). */
    read(requestId: string, shared?: boolean): Promise<{
        view: OtpDeliveryView;
        expiresAt: Date;
    } | null>;
    /**
     * A watcher's read: joins the one in flight for the id, if any. Safe because every change
     * drops the id's read before it wakes anyone (see changed): a read joined here started after
     * the last change this process was told of, and any later change wakes the watcher again.
     * (A one-off query does not join: it must not be answered from a read older than itself.)
     */
    private sharedRead;
    private changed;
    /** @internal */
    hook(requestId: string, wake: () => void): Promise<void>;
    /** @internal */
    unhook(requestId: string, wake: () => void): void;
    close(): Promise<void>;
    /** One feed for every watcher of this process, opened with the first; reopened a second after a break. */
    private openFeed;
    private feedBroke;
}
