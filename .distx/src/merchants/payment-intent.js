// Payment intents: what a merchant's backend signs (a compact JWS, EdDSA or HS256, checked with
// jose) so that the amount, the currency and the payee of a payment code come from the
// merchant, never from the browser that carries the intent. Chosen over a server-to-server
// call that returns an opaque id: the browser carries the proof, and checking it costs the
// request path no database read (only its single use is recorded, with the code).
//
// Claims: iss (the merchant's id), aud "otp-graphql", jti (the intent's id), amount and
// currency (strings), iat and exp (at most 15 minutes apart), optionally email (the shopper's).
import { decodeJwt, decodeProtectedHeader, errors, jwtVerify } from 'jose';
import { InvalidInputError, normaliseEmail } from '../otp/otp.input.js';
import { canonicalPayment, PAYMENT_RULES } from '../otp/transaction.js';
/** The audience every intent must name: this service. */
export const INTENT_AUDIENCE = 'otp-graphql';
/** The longest an intent may live, from iat to exp. */
export const MAX_INTENT_SECONDS = 15 * 60;
/** A signed intent is a few hundred bytes; anything far longer is not one. */
const MAX_INTENT_LENGTH = 4096;
const INTENT_ID = /^[A-Za-z0-9_.:-]{1,128}$/;
/** Clocks of the merchant's backend and this service may disagree by this much. */
const CLOCK_TOLERANCE_SECONDS = 30;
const refuse = (rule) => {
    throw new InvalidInputError('paymentIntent', rule);
};
export class PaymentIntents {
    merchants;
    constructor(merchants) {
        this.merchants = merchants;
    }
    /**
     * Checks a payment intent for a code for `email`: its merchant, signature (with that
     * merchant's keys only), audience, claims, and, when `fresh`, its expiry. verifyOtp checks it
     * with `fresh` false: the code's own life bounds it then, and its single use was recorded at
     * the request. Every refusal is BAD_USER_INPUT naming paymentIntent, and never echoes it.
     */
    async check(token, { email, now, fresh }) {
        if (typeof token !== 'string' || token.length > MAX_INTENT_LENGTH)
            return refuse('must be a payment intent: the signed token your merchant backend made');
        let unverified;
        let kid;
        let alg;
        try {
            unverified = decodeJwt(token);
            ({ kid, alg } = decodeProtectedHeader(token));
        }
        catch {
            return refuse('must be a payment intent: the signed token your merchant backend made');
        }
        const merchant = typeof unverified.iss === 'string' ? this.merchants.get(unverified.iss) : undefined;
        if (!merchant)
            return refuse('names no merchant this service knows (iss)');
        // Only the named merchant's keys: an intent signed with another merchant's key fails here.
        const key = merchant.keys.find((k) => k.kid === kid && k.alg === alg);
        if (!key)
            return refuse("is not signed with a key of its merchant (kid and alg must name one of the merchant's keys)");
        let payload;
        try {
            ({ payload } = await jwtVerify(token, key.key, {
                algorithms: [key.alg],
                issuer: merchant.id,
                audience: INTENT_AUDIENCE,
                requiredClaims: ['jti', 'iat', 'exp'],
                clockTolerance: CLOCK_TOLERANCE_SECONDS,
                // At verification the intent may have expired since the request: judged as of its issue.
                currentDate: fresh ? now : new Date((unverified.iat ?? 0) * 1000),
            }));
        }
        catch (error) {
            if (error instanceof errors.JWTExpired)
                return refuse('has expired: ask the merchant for a new one');
            if (error instanceof errors.JWSSignatureVerificationFailed)
                return refuse('is not signed by its merchant');
            if (error instanceof errors.JWTClaimValidationFailed)
                return refuse(`is not valid: its ${error.claim} claim is wrong or missing`);
            return refuse('is not a valid signed token');
        }
        if (payload.exp - payload.iat > MAX_INTENT_SECONDS)
            return refuse(`must expire within ${MAX_INTENT_SECONDS / 60} minutes of being made (exp - iat)`);
        if (typeof payload.jti !== 'string' || !INTENT_ID.test(payload.jti))
            return refuse('must carry an id (jti) of 1 to 128 letters, digits or _ . : -');
        const payment = canonicalPayment(payload.amount, payload.currency);
        if ('problems' in payment)
            return refuse(payment.problems.map((problem) => `${problem}: ${PAYMENT_RULES[problem]}`).join('; '));
        if (payload.email !== undefined && normaliseEmail(payload.email) !== email)
            return refuse('is for another email address');
        return {
            transaction: { merchant: merchant.id, intentId: payload.jti, amount: payment.amount, currency: payment.currency, payee: merchant.displayName },
            expiresAt: new Date(payload.exp * 1000),
        };
    }
}
//# sourceMappingURL=payment-intent.js.map