/** Ed25519 merchant, named in the merchants file with two keys (rotation). */
export declare const KEDAI: {
    id: string;
    displayName: string;
    current: import("crypto").KeyPairKeyObjectResult;
    previous: import("crypto").KeyPairKeyObjectResult;
};
/** HS256 merchant. */
export declare const TOKO: {
    id: string;
    displayName: string;
    secret: NonSharedBuffer;
};
/** Writes a merchants file for KEDAI and TOKO (and any extra entries) and returns its path. */
export declare function writeMerchantsFile(extra?: unknown[]): Promise<string>;
export interface IntentOptions {
    merchant?: 'kedai' | 'toko' | 'demo';
    amount?: unknown;
    currency?: unknown;
    email?: string;
    jti?: string;
    /** Seconds from now; default 600. */
    expiresIn?: number;
    issuedAgo?: number;
    /** Overrides: another issuer, kid or key than the merchant's own. */
    iss?: string;
    kid?: string;
    key?: 'kedai-previous' | 'toko' | 'kedai';
    audience?: string;
}
/** A payment intent signed as the merchant's backend signs one. */
export declare function makeIntent(o?: IntentOptions): Promise<string>;
