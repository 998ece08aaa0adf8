import type { Dispatcher } from '../delivery/dispatcher.js';
import type { Mailer } from '../mail/mailer.js';
import type { OtpStore } from '../store/otp.store.js';
export interface ReadinessReport {
    ready: boolean;
    checks: Partial<Record<'store' | 'listener' | 'mailer' | 'shutdown', string>>;
}
export declare class Readiness {
    private readonly store;
    /** Null in an API-only process. */
    private readonly delivery;
    private readonly production;
    /** Set first thing on shutdown, so load balancers stop sending before the server closes. */
    draining: boolean;
    constructor(store: OtpStore, 
    /** Null in an API-only process. */
    delivery: {
        dispatcher: Dispatcher;
        mailer: Mailer;
    } | null, production: boolean);
    report(): Promise<ReadinessReport>;
    private pingStore;
}
