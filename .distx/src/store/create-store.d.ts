import type { Clock } from '../clock.js';
import type { Config } from '../config.js';
import type { Logger } from '../logger.js';
import type { OtpStore } from './otp.store.js';
/** Start-up could not reach the store: says which, where (never the credentials) and what to do. */
export declare class StoreStartError extends Error {
    readonly details: {
        variable: string;
        hosts?: string;
    };
    constructor(message: string, details: {
        variable: string;
        hosts?: string;
    });
}
/** The host list of a MongoDB URI, without user name or password. */
export declare function mongoHosts(uri: string): string;
export declare function createStore(config: Config, clock: Clock, logger: Logger): Promise<OtpStore>;
