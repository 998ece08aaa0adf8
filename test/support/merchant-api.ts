// The merchant API as a test calls it directly (raw HTTP, any token): what a merchant's backend,
// or a stranger pretending to be one, can send to /merchant/graphql.
import { randomUUID, type KeyObject } from 'node:crypto';
import { SignJWT } from 'jose';
import { DEMO_MERCHANT_SECRET } from '../../src/merchants/merchants.file.js';
import { KEDAI, TOKO } from './intents.js';

export const MERCHANT_API_AUDIENCE = 'otp-graphql-merchant-api';

export interface CallTokenOptions {
  merchant?: 'kedai' | 'toko' | 'demo';
  audience?: string;
  /** Seconds from now (negative: already expired). Default 120. */
  expiresIn?: number;
  /** Sign with this key instead of the merchant's (a forgery), under the merchant's kid. */
  forgedWith?: KeyObject;
}

/** A call token as a merchant's backend signs one. */
export async function callToken(o: CallTokenOptions = {}): Promise<string> {
  const now = Math.floor(Date.now() / 1000);
  const signer = {
    kedai: { header: { alg: 'EdDSA', kid: '2026-12' }, iss: KEDAI.id, key: KEDAI.current.privateKey as KeyObject | Uint8Array },
    toko: { header: { alg: 'HS256', kid: 'k1' }, iss: TOKO.id, key: new Uint8Array(TOKO.secret) },
    demo: { header: { alg: 'HS256', kid: 'demo' }, iss: 'demo-shop', key: new TextEncoder().encode(DEMO_MERCHANT_SECRET) },
  }[o.merchant ?? 'kedai'];
  const expiresIn = o.expiresIn ?? 120;
  return new SignJWT({})
    .setProtectedHeader(signer.header)
    .setIssuer(signer.iss)
    .setAudience(o.audience ?? MERCHANT_API_AUDIENCE)
    .setJti(randomUUID())
    .setIssuedAt(now - (expiresIn < 0 ? 300 : 0))
    .setExpirationTime(now + expiresIn)
    .sign(o.forgedWith ?? signer.key);
}

/** POSTs a GraphQL call to the merchant API at the service whose public API is `graphqlUrl`. */
export async function merchantCall(graphqlUrl: string, query: string, variables: Record<string, unknown>, authorization: string | null) {
  const response = await fetch(graphqlUrl.replace(/\/graphql$/, '/merchant/graphql'), {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(authorization === null ? {} : { authorization }) },
    body: JSON.stringify({ query, variables }),
  });
  const body = (await response.json()) as { data?: Record<string, any> | null; errors?: { message: string; extensions?: Record<string, unknown> }[] };
  return { status: response.status, ...body };
}

export const LOOK_UP = /* GraphQL */ `query L($requestId: ID, $intentId: String) { verification(requestId: $requestId, intentId: $intentId) { requestId status attemptsUsed evidence timeline { step at } } }`;
export const CANCEL = /* GraphQL */ `mutation C($requestId: ID, $intentId: String) { cancelVerification(requestId: $requestId, intentId: $intentId) { canceled verification { status } } }`;
