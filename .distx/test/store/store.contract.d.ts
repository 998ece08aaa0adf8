import type { NewOtp } from '../../src/store/otp.store.js';
import { type StoreTier } from '../support/stores.js';
export declare function newOtp(overrides?: Partial<NewOtp>, now?: Date): NewOtp;
export declare const until: (check: () => boolean, ms?: number) => Promise<void>;
export declare function describeStoreContract(tier: StoreTier): void;
