import { type CheckedIntent, type IntentChecker } from '../otp/transaction.js';
import type { MerchantDirectory } from './merchant.js';
/** The audience every intent must name: this service. */
export declare const INTENT_AUDIENCE = "otp-graphql";
/** The longest an intent may live, from iat to exp. */
export declare const MAX_INTENT_SECONDS: number;
export declare class PaymentIntents implements IntentChecker {
    private readonly merchants;
    constructor(merchants: MerchantDirectory);
    /**
     * Checks a payment intent for a code for `email`: its merchant, signature (with that
     * merchant's keys only), audience, claims, and, when `fresh`, its expiry. verifyOtp checks it
     * with `fresh` false: the code's own life bounds it then, and its single use was recorded at
     * the request. Every refusal is BAD_USER_INPUT naming paymentIntent, and never echoes it.
     */
    check(token: unknown, { email, now, fresh }: {
        email: string;
        now: Date;
        fresh: boolean;
    }): Promise<CheckedIntent>;
}
