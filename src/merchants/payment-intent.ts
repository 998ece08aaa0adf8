// Payment intents: what a merchant's backend signs (a compact JWS, EdDSA or HS256, checked with
// jose) so that the amount, the currency and the payee of a payment code come from the
// merchant, never from the browser that carries the intent. Chosen over a server-to-server
// call that returns an opaque id: the browser carries the proof, and checking it costs the
// request path no database read (only its single use is recorded, with the code).
//
// Claims: iss (the merchant's id), aud "otp-graphql", jti (the intent's id), amount and
// currency (strings), iat and exp (at most 15 minutes apart), optionally email (the shopper's).
import { InvalidInputError, normaliseEmail } from '../otp/otp.input.js';
import { canonicalPayment, PAYMENT_RULES, type CheckedIntent, type IntentChecker } from '../otp/transaction.js';
import type { MerchantDirectory } from './merchant.js';
import { MAX_MERCHANT_JWS_SECONDS, verifyMerchantJws, type MerchantJwsRefusal } from './merchant-jws.js';

/** The audience every intent must name: this service. */
export const INTENT_AUDIENCE = 'otp-graphql';
/** The longest an intent may live, from iat to exp. */
export const MAX_INTENT_SECONDS = MAX_MERCHANT_JWS_SECONDS;
const INTENT_ID = /^[A-Za-z0-9_.:-]{1,128}$/;

const refuse = (rule: string): never => {
  throw new InvalidInputError('paymentIntent', rule);
};

/** Each refusal of merchant-jws.ts, as a payment page's developer reads it. */
function intentRule(refusal: MerchantJwsRefusal): string {
  if (typeof refusal === 'object') return `is not valid: its ${refusal.claim} claim is wrong or missing`;
  return {
    malformed: 'must be a payment intent: the signed token your merchant backend made',
    unknown_merchant: 'names no merchant this service knows (iss)',
    wrong_key: "is not signed with a key of its merchant (kid and alg must name one of the merchant's keys)",
    expired: 'has expired: ask the merchant for a new one',
    bad_signature: 'is not signed by its merchant',
    too_long_lived: `must expire within ${MAX_INTENT_SECONDS / 60} minutes of being made (exp - iat)`,
    invalid: 'is not a valid signed token',
  }[refusal];
}

export class PaymentIntents implements IntentChecker {
  constructor(private readonly merchants: MerchantDirectory) {}

  /**
   * Checks a payment intent for a code for `email`: its merchant, signature (with that
   * merchant's keys only), audience, claims, and, when `fresh`, its expiry. verifyOtp checks it
   * with `fresh` false: the code's own life bounds it then, and its single use was recorded at
   * the request. Every refusal is BAD_USER_INPUT naming paymentIntent, and never echoes it.
   */
  async check(token: unknown, { email, now, fresh }: { email: string; now: Date; fresh: boolean }): Promise<CheckedIntent> {
    // At verification the intent may have expired since the request: judged as of its issue.
    const checked = await verifyMerchantJws(token, this.merchants, { audience: INTENT_AUDIENCE, now, asOfIssue: !fresh });
    if ('refused' in checked) return refuse(intentRule(checked.refused));
    const { merchant, payload } = checked;
    if (typeof payload.jti !== 'string' || !INTENT_ID.test(payload.jti)) return refuse('must carry an id (jti) of 1 to 128 letters, digits or _ . : -');
    const payment = canonicalPayment(payload.amount, payload.currency);
    if ('problems' in payment) return refuse(payment.problems.map((problem) => `${problem}: ${PAYMENT_RULES[problem]}`).join('; '));
    if (payload.email !== undefined && normaliseEmail(payload.email) !== email) return refuse('is for another email address');
    return {
      transaction: { merchant: merchant.id, intentId: payload.jti, amount: payment.amount, currency: payment.currency, payee: merchant.displayName },
      expiresAt: new Date(payload.exp! * 1000),
    };
  }
}
