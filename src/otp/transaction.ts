// The payment a code confirms ("dynamic linking", PSD2 RTS Art. 5): amount, currency and payee,
// checked here and brought to one canonical form, which the code's hash covers. Any change to
// the transaction between request and verification then makes the code not match.
import currencyCodes from 'currency-codes';
import { InvalidInputError } from './otp.input.js';

export interface TransactionInput {
  amount: string;
  currency: string;
  payee: string;
}

/** A transaction in canonical form: what is hashed, emailed and put in the token. */
export interface Transaction {
  /** A decimal with exactly the currency's minor digits: "149.90" MYR, "1500" JPY. */
  amount: string;
  /** ISO 4217, upper case. */
  currency: string;
  /** Unicode NFC. */
  payee: string;
}

export const MAX_AMOUNT_DIGITS = 15;
export const MAX_PAYEE_LENGTH = 70;

/**
 * ISO 4217 codes whose minor unit is "N.A.": precious metals, bond-market units, special
 * drawing rights, the testing code and "no currency". Nothing a customer pays in.
 */
const NOT_CURRENCIES = new Set(['XAG', 'XAU', 'XBA', 'XBB', 'XBC', 'XBD', 'XDR', 'XPD', 'XPT', 'XSU', 'XTS', 'XUA', 'XXX']);

/** Unsigned decimal, no leading zeros, no exponent: what a payment page shows. */
const DECIMAL = /^(0|[1-9][0-9]*)(?:\.([0-9]+))?$/;

/**
 * Not printable: controls, format characters (zero-width and bidi overrides, which can make a
 * payee read as another), surrogates, private-use and unassigned code points, line and
 * paragraph separators.
 */
const NOT_PRINTABLE = /[\p{C}\p{Zl}\p{Zp}]/u;

export const TRANSACTION_RULES = {
  amount: `must be a positive decimal such as "149.90", with no more fraction digits than the currency has and at most ${MAX_AMOUNT_DIGITS} digits`,
  currency: 'must be an ISO 4217 currency code in upper case, such as "MYR"',
  payee: `must be 1 to ${MAX_PAYEE_LENGTH} printable characters`,
} as const;

/** The currency's minor digits (2 for MYR, 0 for JPY, 3 for BHD), or null if it is not an ISO 4217 currency. */
export function currencyDigits(code: string): number | null {
  if (!/^[A-Z]{3}$/.test(code) || NOT_CURRENCIES.has(code)) return null;
  return currencyCodes.code(code)?.digits ?? null;
}

/** Checks a transaction and returns its canonical form; throws InvalidInputError naming the field. */
export function parseTransaction(raw: TransactionInput): Transaction {
  const refuse = (field: keyof TransactionInput): never => {
    throw new InvalidInputError(`transaction.${field}`, TRANSACTION_RULES[field]);
  };
  const digits = typeof raw.currency === 'string' ? currencyDigits(raw.currency) : null;
  if (digits === null) refuse('currency');
  const amount = typeof raw.amount === 'string' ? canonicalAmount(raw.amount, digits!) : null;
  if (amount === null) refuse('amount');
  const payee = typeof raw.payee === 'string' ? raw.payee.normalize('NFC') : '';
  const length = [...payee].length;
  if (length < 1 || length > MAX_PAYEE_LENGTH || NOT_PRINTABLE.test(payee) || payee.trim() === '') refuse('payee');
  return { amount: amount!, currency: raw.currency, payee };
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
export function transactionBinding(transaction: Transaction): string {
  return `${transaction.amount}\u0000${transaction.currency}\u0000${transaction.payee}`;
}
