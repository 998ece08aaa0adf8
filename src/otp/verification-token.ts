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
  private readonly key: Uint8Array;

  constructor(
    secret: string,
    private readonly ttlSeconds: number,
  ) {
    this.key = new TextEncoder().encode(secret);
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
      .sign(this.key);
  }

  /** What a merchant's backend does; here for tests and for services built on this one. */
  async verify(token: string): Promise<VerificationClaims> {
    const { payload } = await jwtVerify<VerificationClaims>(token, this.key, { issuer: TOKEN_ISSUER, algorithms: ['HS256'] });
    return payload;
  }
}
