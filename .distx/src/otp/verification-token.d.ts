import { type KeyObject } from 'node:crypto';
import { type JWK, type JWTPayload } from 'jose';
import type { Transaction } from './transaction.js';
export declare const TOKEN_ISSUER = "otp-graphql";
/**
 * How the user proved control: a code sent by email. NIST SP 800-63B-4 does not accept email
 * as an out-of-band authenticator, so no backend should read this token as strong authentication.
 */
export declare const OTP_CHANNEL = "email";
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
export declare function algorithmFor(key: KeyObject): 'EdDSA' | 'ES256' | null;
/** A key from configuration: PEM (PKCS#8 private, or SPKI public) or a JWK in JSON. Throws when unreadable. */
export declare function readKey(text: string): KeyObject;
/** Several keys in one variable: a JSON array of JWKs, or PEM blocks one after another. */
export declare function readKeys(text: string): KeyObject[];
/** A fresh Ed25519 key: development and tests without a configured one (tokens die with the process). */
export declare function generateSigningKey(): KeyObject;
export declare class VerificationTokens {
    private readonly keys;
    private readonly ttlSeconds;
    /** The audiences a caller may ask a token for; the first is the default. */
    readonly audiences: readonly string[];
    private readonly algorithm;
    private readonly signingKid;
    private readonly published;
    constructor(keys: TokenKeys, ttlSeconds: number, 
    /** The audiences a caller may ask a token for; the first is the default. */
    audiences: readonly string[]);
    /** The audience a token is made for: the one asked for, if configured; else the default. */
    audienceFor(requested: string | null | undefined): string;
    sign({ email, purpose, transaction }: Verified, verifiedAt: Date, audience: string): Promise<string>;
    /** The JSON Web Key Set served at /.well-known/jwks.json: public halves only. */
    jwks(): Promise<{
        keys: JWK[];
    }>;
    /** What a merchant's backend does; here for tests and for services built on this one. */
    verify(token: string, audience?: string): Promise<VerificationClaims>;
}
