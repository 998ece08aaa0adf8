import type { Clock } from '../../src/clock.js';
import type { OtpStore } from '../../src/store/otp.store.js';
export interface StoreTier {
    name: 'embedded' | 'mongodb';
    /** Why this tier cannot run here; null when it runs. */
    skip: string | null;
    /** A fresh, empty store. */
    create(clock?: Clock): Promise<OtpStore>;
    /** Another connection to the same data: what a second replica would hold. */
    sibling(store: OtpStore): Promise<OtpStore>;
    /** Environment for createApp that selects this store. */
    env(): Record<string, string>;
    /** Closes the store and deletes its data. */
    dispose(store: OtpStore): Promise<void>;
    /** Deletes the data of an app started with env() (after the app has closed). */
    disposeEnv(env: Record<string, string>): Promise<void>;
}
export declare const mongoUri: string | null;
export declare const storeTiers: StoreTier[];
export declare const mongoTier: StoreTier;
/**
 * Declares `body` once per tier; `$name` in the title becomes the tier's name. A tier that
 * cannot run here is declared skipped, with its reason in the title, so its tests are counted.
 */
export declare function describeEachTier(title: string, body: (tier: StoreTier) => void): void;
/** One suite on one tier, skipped out loud when that tier cannot run here. */
export declare function describeOnTier(tier: StoreTier, title: string, body: () => void): void;
