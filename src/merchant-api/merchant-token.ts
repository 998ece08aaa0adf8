// The merchant API's call token: a short-lived JWS the merchant's backend signs per call (or per
// few minutes) with one of its keys from MERCHANTS_FILE, by the same rules as its payment
// intents (merchants/merchant-jws.ts) but for its own audience, so an intent is never a call
// token nor a call token an intent. Checked before anything is read; a refusal says why in one line.
import type { MerchantDirectory } from '../merchants/merchant.js';
import { MAX_MERCHANT_JWS_SECONDS, verifyMerchantJws, type MerchantJwsRefusal } from '../merchants/merchant-jws.js';

/** The audience a call token must name. */
export const MERCHANT_API_AUDIENCE = 'otp-graphql-merchant-api';

/** A call the merchant API refuses before reading anything: 401 with this one line. */
export class MerchantTokenRefusedError extends Error {
  constructor(reason: string) {
    super(`merchant API token refused: ${reason}`);
    this.name = 'MerchantTokenRefusedError';
  }
}

function reason(refusal: MerchantJwsRefusal): string {
  if (typeof refusal === 'object') return `its ${refusal.claim} claim is wrong or missing (aud must be "${MERCHANT_API_AUDIENCE}"; iss, jti, iat and exp are required)`;
  return {
    malformed: 'send "Authorization: Bearer <token>", a JWS your backend signs with its key',
    unknown_merchant: 'its iss names no merchant this service knows',
    wrong_key: "its header's kid and alg name no key of its merchant",
    expired: 'it has expired: sign a new one',
    bad_signature: 'its signature is not its merchant key\'s',
    too_long_lived: `it must expire within ${MAX_MERCHANT_JWS_SECONDS / 60} minutes of being made (exp - iat)`,
    invalid: 'it is not a valid signed token',
  }[refusal];
}

/** The merchant the `Authorization` header's token speaks for; MerchantTokenRefusedError otherwise. */
export async function authenticateMerchant(authorization: string | undefined, merchants: MerchantDirectory, now: Date): Promise<string> {
  const token = /^Bearer ([A-Za-z0-9_.-]+)$/.exec(authorization ?? '')?.[1];
  const checked = await verifyMerchantJws(token, merchants, { audience: MERCHANT_API_AUDIENCE, now });
  if ('refused' in checked) throw new MerchantTokenRefusedError(reason(checked.refused));
  return checked.merchant.id;
}
