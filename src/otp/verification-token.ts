// The proof of a successful verification: a short-lived HS256 JWT (via jose) that a
// merchant's backend can check with the shared VERIFICATION_TOKEN_SECRET, so it need not
// trust a frontend's word that the user typed the right code.
import { randomUUID } from 'node:crypto';
import { jwtVerify, SignJWT, type JWTPayload } from 'jose';
import type { Transaction } from './transaction.js';

export const TOKEN_ISSUER = 'otp-graphql';

export interface VerificationClaims extends JWTPayload {
  /** The verified address (also in `sub`). */
  email: string;
  purpose: string;
  /** The payment the code confirmed (canonical amount, currency, payee); absent when none was bound. */
  transaction?: Transaction;
}

/** What was verified. */
export interface Verified {
  email: string;
  purpose: string;
  transaction: Transaction | null;
}

export class VerificationTokens {
  /** Imported once: importing the raw key on every signature was the costliest step of VERIFIED. */
  private readonly key: Promise<CryptoKey>;

  constructor(
    secret: string,
    private readonly ttlSeconds: number,
  ) {
    this.key = crypto.subtle.importKey('raw', new TextEncoder().encode(secret), { name: 'HMAC', hash: 'SHA-256' }, false, ['sign', 'verify']);
  }

  async sign({ email, purpose, transaction }: Verified, verifiedAt: Date): Promise<string> {
    const iat = Math.floor(verifiedAt.getTime() / 1000);
    // The merchant's backend compares `transaction` with what it is about to charge.
    return new SignJWT(transaction ? { email, purpose, transaction: { ...transaction } } : { email, purpose })
      .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
      .setIssuer(TOKEN_ISSUER)
      .setSubject(email)
      .setIssuedAt(iat)
      .setExpirationTime(iat + this.ttlSeconds)
      .setJti(randomUUID())
      .sign(await this.key);
  }

  /** What a merchant's backend does; here for tests and for services built on this one. */
  async verify(token: string): Promise<VerificationClaims> {
    const { payload } = await jwtVerify<VerificationClaims>(token, await this.key, { issuer: TOKEN_ISSUER, algorithms: ['HS256'] });
    return payload;
  }
}
