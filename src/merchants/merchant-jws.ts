// A JWS a merchant's backend signs with one of its keys from MERCHANTS_FILE: payment intents
// (aud "otp-graphql") and the merchant API's call tokens (aud "otp-graphql-merchant-api") are
// checked by the same rules here: the issuer names a known merchant, the header's kid and alg
// one of that merchant's keys (never another's), the signature, the audience, iat and exp
// present, at most 15 minutes apart. Each caller words its refusals for its own reader.
import { decodeJwt, decodeProtectedHeader, errors, jwtVerify, type JWTPayload } from 'jose';
import type { Merchant, MerchantDirectory } from './merchant.js';

/** The longest a merchant-signed token may live, from iat to exp. */
export const MAX_MERCHANT_JWS_SECONDS = 15 * 60;
/** A signed intent or call token is a few hundred bytes; anything far longer is not one. */
export const MAX_MERCHANT_JWS_LENGTH = 4096;
/** Clocks of the merchant's backend and this service may disagree by this much. */
const CLOCK_TOLERANCE_SECONDS = 30;

/** Why a merchant-signed token was refused. */
export type MerchantJwsRefusal = 'malformed' | 'unknown_merchant' | 'wrong_key' | 'expired' | 'bad_signature' | 'too_long_lived' | { claim: string } | 'invalid';

export type MerchantJwsResult = { merchant: Merchant; payload: JWTPayload } | { refused: MerchantJwsRefusal };

/**
 * Checks `token` as signed by the merchant its `iss` names, for `audience`, at `currentDate`
 * (a payment intent at verification is judged as of its own issue: `asOfIssue`).
 */
export async function verifyMerchantJws(
  token: unknown,
  merchants: MerchantDirectory,
  { audience, now, asOfIssue = false }: { audience: string; now: Date; asOfIssue?: boolean },
): Promise<MerchantJwsResult> {
  if (typeof token !== 'string' || token.length > MAX_MERCHANT_JWS_LENGTH) return { refused: 'malformed' };
  let unverified: JWTPayload;
  let kid: string | undefined;
  let alg: string | undefined;
  try {
    unverified = decodeJwt(token);
    ({ kid, alg } = decodeProtectedHeader(token));
  } catch {
    return { refused: 'malformed' };
  }
  const merchant = typeof unverified.iss === 'string' ? merchants.get(unverified.iss) : undefined;
  if (!merchant) return { refused: 'unknown_merchant' };
  // Only the named merchant's keys: a token signed with another merchant's key fails here.
  const key = merchant.keys.find((k) => k.kid === kid && k.alg === alg);
  if (!key) return { refused: 'wrong_key' };
  let payload: JWTPayload;
  try {
    ({ payload } = await jwtVerify(token, key.key, {
      algorithms: [key.alg],
      issuer: merchant.id,
      audience,
      requiredClaims: ['jti', 'iat', 'exp'],
      clockTolerance: CLOCK_TOLERANCE_SECONDS,
      currentDate: asOfIssue ? new Date((unverified.iat ?? 0) * 1000) : now,
    }));
  } catch (error) {
    if (error instanceof errors.JWTExpired) return { refused: 'expired' };
    if (error instanceof errors.JWSSignatureVerificationFailed) return { refused: 'bad_signature' };
    if (error instanceof errors.JWTClaimValidationFailed) return { refused: { claim: error.claim } };
    return { refused: 'invalid' };
  }
  if (payload.exp! - payload.iat! > MAX_MERCHANT_JWS_SECONDS) return { refused: 'too_long_lived' };
  return { merchant, payload };
}
