import type { MerchantDirectory } from './merchant.js';
/** The development demo merchant (see DEMO_MERCHANT_SECRET): never present in production. */
export declare const DEMO_MERCHANT_ID = "demo-shop";
/**
 * Its HS256 key: public on purpose, like the development OTP_SECRET, so the quick start can make
 * an intent (scripts/demo-intent.mjs). Production has no demo merchant.
 */
export declare const DEMO_MERCHANT_SECRET = "otp-graphql-demo-merchant-key-for-development-only";
/** Reads and checks the file; a problem is one line naming the merchant and the field. */
export declare function readMerchantsFile(path: string): MerchantDirectory;
/** The development directory: the demo merchant alone. */
export declare function demoMerchants(): MerchantDirectory;
export declare class MerchantsFileError extends Error {
    constructor(detail: string);
}
