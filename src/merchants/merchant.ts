// A merchant as the operator configured it: the shops and billers whose backends vouch for
// payments. The display name is what every email calls the payee; nothing a browser sends is
// ever printed in its place.
import type { KeyObject } from 'node:crypto';

/** A key a merchant's backend signs its payment intents with, named by `kid`. */
export type MerchantKey =
  | { kid: string; alg: 'EdDSA'; key: KeyObject }
  | { kid: string; alg: 'HS256'; key: Uint8Array };

export interface Merchant {
  /** The merchant's id: the intent's `iss`, and what the token and webhooks name. */
  id: string;
  /** The name the bank knows it by, shown as the payee in every locale. */
  displayName: string;
  /** One key, or two while one is being rotated out. */
  keys: readonly MerchantKey[];
  /**
   * Emails per send-budget window that its payment intents may bring (its own send budget,
   * apart from the anonymous ones); unset: SEND_BUDGET_PER_MERCHANT.
   */
  maxEmailsPerWindow?: number;
}

/** The merchants by id. */
export type MerchantDirectory = ReadonlyMap<string, Merchant>;
