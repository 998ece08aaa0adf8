import type { KeyObject } from 'node:crypto';
/** A key a merchant's backend signs its payment intents with, named by `kid`. */
export type MerchantKey = {
    kid: string;
    alg: 'EdDSA';
    key: KeyObject;
} | {
    kid: string;
    alg: 'HS256';
    key: Uint8Array;
};
export interface Merchant {
    /** The merchant's id: the intent's `iss`, and what the token and webhooks name. */
    id: string;
    /** The name the bank knows it by, shown as the payee in every locale. */
    displayName: string;
    /** One key, or two while one is being rotated out. */
    keys: readonly MerchantKey[];
}
/** The merchants by id. */
export type MerchantDirectory = ReadonlyMap<string, Merchant>;
