// The proof of a successful verification: a short-lived JWT signed with an asymmetric key
// (Ed25519, "EdDSA", by default; P-256 "ES256" also taken), via jose. A merchant's backend
// checks it with the public keys published at /.well-known/jwks.json, so checking a token
// never gives the power to mint one (with HS256 every checker could forge).
//
// Rotation: the signing key is VERIFICATION_TOKEN_PRIVATE_KEY; keys in
// VERIFICATION_TOKEN_PREVIOUS_KEYS are still published (never used to sign) until the last
// token they signed has expired. Each key is named by its RFC 7638 thumbprint (`kid`).
import { createPrivateKey, createPublicKey, generateKeyPairSync, randomUUID, type KeyObject } from 'node:crypto';
import { calculateJwkThumbprint, createLocalJWKSet, exportJWK, jwtVerify, SignJWT, type JWK, type JWTPayload } from 'jose';
import { InvalidInputError } from './otp.input.js';
import type { Transaction } from './transaction.js';

export const TOKEN_ISSUER = 'otp-graphql';

/**
 * How the user proved control: a code sent by email. NIST SP 800-63B-4 does not accept email
 * as an out-of-band authenticator, so no backend should read this token as strong authentication.
 */
export const OTP_CHANNEL = 'email';

export interface VerificationClaims extends JWTPayload {
  /** The verified address (also in `sub`). */
  email: string;
  purpose: string;
  /** The payment the code confirmed (canonical amount, currency, payee); absent when none was bound. */
  transaction?: Transaction;
  /** RFC 8176: a one-time password. */
  amr: string[];
  /** Always "email": see OTP_CHANNEL. */
  otp_channel: string;
}

/** What was verified. */
export interface Verified {
  email: string;
  purpose: string;
  transaction: Transaction | null;
}

export interface TokenKeys {
  /** Signs every new token. */
  signing: KeyObject;
  /** Earlier signing keys (their public halves), still published. */
  previous: KeyObject[];
}

/** The JWS algorithm a key signs with; null for a kind of key not taken. */
export function algorithmFor(key: KeyObject): 'EdDSA' | 'ES256' | null {
  if (key.asymmetricKeyType === 'ed25519') return 'EdDSA';
  if (key.asymmetricKeyType === 'ec' && key.asymmetricKeyDetails?.namedCurve === 'prime256v1') return 'ES256';
  return null;
}

/** A key from configuration: PEM (PKCS#8 private, or SPKI public) or a JWK in JSON. Throws when unreadable. */
export function readKey(text: string): KeyObject {
  const trimmed = text.trim();
  if (trimmed.startsWith('{')) {
    const jwk = JSON.parse(trimmed) as JWK;
    return 'd' in jwk ? createPrivateKey({ key: jwk as never, format: 'jwk' }) : createPublicKey({ key: jwk as never, format: 'jwk' });
  }
  // Environment files often carry PEMs on one line with literal "\n".
  const pem = trimmed.replace(/\\n/g, '\n');
  return pem.includes('PRIVATE KEY') ? createPrivateKey(pem) : createPublicKey(pem);
}

/** Several keys in one variable: a JSON array of JWKs, or PEM blocks one after another. */
export function readKeys(text: string): KeyObject[] {
  const trimmed = text.trim();
  if (trimmed.startsWith('[')) return (JSON.parse(trimmed) as unknown[]).map((jwk) => readKey(JSON.stringify(jwk)));
  const blocks = trimmed.replace(/\\n/g, '\n').match(/-----BEGIN [A-Z ]+-----[\s\S]+?-----END [A-Z ]+-----/g) ?? [];
  if (blocks.length === 0) throw new Error('no PEM block or JSON array of JWKs');
  return blocks.map(readKey);
}

/** A fresh Ed25519 key: development and tests without a configured one (tokens die with the process). */
export function generateSigningKey(): KeyObject {
  return generateKeyPairSync('ed25519').privateKey;
}

export class VerificationTokens {
  private readonly algorithm: 'EdDSA' | 'ES256';
  private readonly signingKid: Promise<string>;
  private readonly published: Promise<{ keys: JWK[] }>;

  constructor(
    private readonly keys: TokenKeys,
    private readonly ttlSeconds: number,
    /** The audiences a caller may ask a token for; the first is the default. */
    readonly audiences: readonly string[],
  ) {
    const algorithm = algorithmFor(keys.signing);
    if (!algorithm || keys.signing.type !== 'private') throw new Error('the signing key must be an Ed25519 or P-256 private key');
    this.algorithm = algorithm;
    const publicKeys = [createPublicKey(keys.signing), ...keys.previous.map((k) => (k.type === 'private' ? createPublicKey(k) : k))];
    const jwks = Promise.all(publicKeys.map(publicJwk));
    this.published = jwks.then((keys) => ({ keys }));
    this.signingKid = jwks.then((keys) => keys[0]!.kid!);
  }

  /** The audience a token is made for: the one asked for, if configured; else the default. */
  audienceFor(requested: string | null | undefined): string {
    if (requested === undefined || requested === null) return this.audiences[0]!;
    if (!this.audiences.includes(requested)) throw new InvalidInputError('audience', 'must be one of the audiences this service is configured for (VERIFICATION_TOKEN_AUDIENCES)');
    return requested;
  }

  async sign({ email, purpose, transaction }: Verified, verifiedAt: Date, audience: string): Promise<string> {
    const iat = Math.floor(verifiedAt.getTime() / 1000);
    const claims = { email, purpose, ...(transaction ? { transaction: { ...transaction } } : {}), amr: ['otp'], otp_channel: OTP_CHANNEL };
    return new SignJWT(claims)
      .setProtectedHeader({ alg: this.algorithm, typ: 'JWT', kid: await this.signingKid })
      .setIssuer(TOKEN_ISSUER)
      .setSubject(email)
      .setAudience(audience)
      .setIssuedAt(iat)
      .setExpirationTime(iat + this.ttlSeconds)
      .setJti(randomUUID())
      .sign(this.keys.signing);
  }

  /**
   * Signs another kind of record with the same key (the evidence of a confirmed payment): its
   * own `typ`, no expiry (a record is checked later, against a JWKS the merchant keeps).
   */
  async signRecord(claims: JWTPayload, { type, audience, subject, at }: { type: string; audience: string; subject: string; at: Date }): Promise<string> {
    return new SignJWT(claims)
      .setProtectedHeader({ alg: this.algorithm, typ: type, kid: await this.signingKid })
      .setIssuer(TOKEN_ISSUER)
      .setSubject(subject)
      .setAudience(audience)
      .setIssuedAt(Math.floor(at.getTime() / 1000))
      .setJti(randomUUID())
      .sign(this.keys.signing);
  }

  /** The JSON Web Key Set served at /.well-known/jwks.json: public halves only. */
  async jwks(): Promise<{ keys: JWK[] }> {
    return this.published;
  }

  /** What a merchant's backend does; here for tests and for services built on this one. */
  async verify(token: string, audience = this.audiences[0]!): Promise<VerificationClaims> {
    const { payload } = await jwtVerify<VerificationClaims>(token, createLocalJWKSet(await this.jwks()), { issuer: TOKEN_ISSUER, audience });
    return payload;
  }
}

async function publicJwk(key: KeyObject): Promise<JWK> {
  const jwk = await exportJWK(key);
  return { ...jwk, kid: await calculateJwkThumbprint(jwk), alg: algorithmFor(key) ?? undefined, use: 'sig' };
}
