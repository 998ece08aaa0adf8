/**
 * A payment in canonical form, as the merchant's backend vouched for it in a payment intent:
 * what the code's hash covers, what the email shows, what the token and webhooks carry.
 */
export interface Transaction {
    /** The merchant's id (the intent's issuer). */
    merchant: string;
    /** The intent's id (its jti): single use. */
    intentId: string;
    /** A decimal with exactly the currency's minor digits: "149.90" MYR, "1500" JPY. */
    amount: string;
    /** ISO 4217, upper case. */
    currency: string;
    /** The merchant's display name from the merchants file: never text from a browser. */
    payee: string;
}
/** A payment intent, checked: its payment, and until when it may bring a new code. */
export interface CheckedIntent {
    transaction: Transaction;
    /** When the intent stops being accepted for a new code: its single-use record lasts until then. */
    expiresAt: Date;
}
/**
 * What the rules need of payment intents (merchants/payment-intent.ts checks them against the
 * configured merchants): a checked payment, or BAD_USER_INPUT naming paymentIntent.
 */
export interface IntentChecker {
    check(token: unknown, context: {
        email: string;
        now: Date;
        fresh: boolean;
    }): Promise<CheckedIntent>;
}
/** No merchants configured: every intent names no merchant this service knows. */
export declare const NO_MERCHANTS: IntentChecker;
export declare const MAX_AMOUNT_DIGITS = 15;
export declare const PAYMENT_RULES: {
    readonly amount: "must be a positive decimal such as \"149.90\", with no more fraction digits than the currency has and at most 15 digits";
    readonly currency: 'must be an ISO 4217 currency code in upper case, such as "MYR"';
};
/** The currency's minor digits (2 for MYR, 0 for JPY, 3 for BHD), or null if it is not an ISO 4217 currency. */
export declare function currencyDigits(code: string): number | null;
/**
 * The canonical amount in `currency`, or what is wrong: the currency, the amount, or both (an
 * amount wrong in every currency is named beside a wrong currency, so one fix is not followed
 * by a second refusal).
 */
export declare function canonicalPayment(amount: unknown, currency: unknown): {
    amount: string;
    currency: string;
} | {
    problems: ('amount' | 'currency')[];
};
/** The bytes the code's hash covers for a transaction; unambiguous, as no field holds a control character. */
export declare function transactionBinding({ merchant, intentId, amount, currency, payee }: Transaction): string;
