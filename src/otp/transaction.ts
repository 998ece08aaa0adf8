// The payment a code confirms ("dynamic linking", PSD2 RTS Art. 5): the merchant, the amount,
// the currency and the intent's id, as the merchant's backend signed them (merchants/), brought
// to one canonical form, which the code's hash covers. Nothing else verifies the code.
import currencyCodes from 'currency-codes';
import { InvalidInputError } from './otp.input.js';
import type { Transaction } from '../store/record.js';

export type { Transaction } from '../store/record.js';

/** A payment intent, checked: its payment, and until when it may bring a new code. */
export interface CheckedIntent {
  transaction: Transaction;
  /** When the intent stops being accepted for a new code: its single-use record lasts until then. */
  expiresAt: Date;
}

/**
 * What the rules need of payment intents (merchants/payment-intent.ts checks them against the
 * configured merchants): a checked payment, or BAD_USER_INPUT naming paymentIntent.
 */
export interface IntentChecker {
  check(token: unknown, context: { email: string; now: Date; fresh: boolean }): Promise<CheckedIntent>;
}

/** No merchants configured: every intent names no merchant this service knows. */
export const NO_MERCHANTS: IntentChecker = {
  check: async () => {
    throw new InvalidInputError('paymentIntent', 'names no merchant this service knows (iss)');
  },
};

export const MAX_AMOUNT_DIGITS = 15;

/**
 * ISO 4217 codes whose minor unit is "N.A.": precious metals, bond-market units, special
 * drawing rights, the testing code and "no currency". Nothing a customer pays in.
 */
const NOT_CURRENCIES = new Set(['XAG', 'XAU', 'XBA', 'XBB', 'XBC', 'XBD', 'XDR', 'XPD', 'XPT', 'XSU', 'XTS', 'XUA', 'XXX']);

/** Unsigned decimal, no leading zeros, no exponent: what a payment page shows. */
const DECIMAL = /^(0|[1-9][0-9]*)(?:\.([0-9]+))?$/;

export const PAYMENT_RULES = {
  amount: `must be a positive decimal such as "149.90", with no more fraction digits than the currency has and at most ${MAX_AMOUNT_DIGITS} digits`,
  currency: 'must be an ISO 4217 currency code in upper case, such as "MYR"',
} as const;

/** The currency's minor digits (2 for MYR, 0 for JPY, 3 for BHD), or null if it is not an ISO 4217 currency. */
export function currencyDigits(code: string): number | null {
  if (!/^[A-Z]{3}$/.test(code) || NOT_CURRENCIES.has(code)) return null;
  return currencyCodes.code(code)?.digits ?? null;
}

/** The most minor digits any currency has (CLF, UYW): an amount beyond them is wrong in every currency. */
const MOST_DIGITS = 4;

/**
 * The canonical amount in `currency`, or what is wrong: the currency, the amount, or both (an
 * amount wrong in every currency is named beside a wrong currency, so one fix is not followed
 * by a second refusal).
 */
export function canonicalPayment(amount: unknown, currency: unknown): { amount: string; currency: string } | { problems: ('amount' | 'currency')[] } {
  const digits = typeof currency === 'string' ? currencyDigits(currency) : null;
  const canonical = typeof amount === 'string' ? canonicalAmount(amount, digits ?? MOST_DIGITS) : null;
  if (digits === null) return { problems: canonical === null ? ['currency', 'amount'] : ['currency'] };
  return canonical === null ? { problems: ['amount'] } : { amount: canonical, currency: currency as string };
}

/** "149.9" → "149.90" for 2 digits; null when not a positive amount in that currency. */
function canonicalAmount(raw: string, digits: number): string | null {
  const match = DECIMAL.exec(raw);
  if (!match) return null;
  const [, whole = '', fraction = ''] = match;
  if (fraction.length > digits) return null;
  const padded = fraction.padEnd(digits, '0');
  if (/^0*$/.test(whole + padded)) return null; // zero is not a payment
  if (whole.replace(/^0$/, '').length + padded.length > MAX_AMOUNT_DIGITS) return null;
  return digits === 0 ? whole : `${whole}.${padded}`;
}

/** The bytes the code's hash covers for a transaction; unambiguous, as no field holds a control character. */
export function transactionBinding({ merchant, intentId, amount, currency, payee }: Transaction): string {
  return [merchant, intentId, amount, currency, payee].join('\u0000');
}
