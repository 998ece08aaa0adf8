// The proof of a successful verification: a short-lived HS256 JWT (via jose) that a
// merchant's backend can check with the shared VERIFICATION_TOKEN_SECRET, so it need not
// trust a frontend's word that the user typed the right code.
import { randomUUID } from 'node:crypto';
import { jwtVerify, SignJWT, type JWTPayload } from 'jose';

export const TOKEN_ISSUER = 'otp-graphql';

export interface VerificationClaims extends JWTPayload {
  /** The verified address (also in `sub`). */
  email: string;
  purpose: string;
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

  async sign(email: string, purpose: string, verifiedAt: Date): Promise<string> {
    const iat = Math.floor(verifiedAt.getTime() / 1000);
    return new SignJWT({ email, purpose })
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
