// What a code is for, as its email words it and the funnel counts it: a payment (it confirms
// a transaction), a sign-in, an email check, or something else. Read from the code's purpose
// and whether it carries a payment; a fixed few values, so it may label a metric.
import { mailProvider, type MailProvider } from '../edge/mailbox.js';
import type { Transaction } from '../store/record.js';

export const EMAIL_KINDS = ['payment', 'signIn', 'emailVerification', 'other'] as const;
export type EmailKind = (typeof EMAIL_KINDS)[number];

/** Purposes worded as a sign-in, and as an email check; a code with a transaction is a payment. */
export const SIGN_IN_PURPOSES: readonly string[] = ['login', 'signin', 'sign-in', 'sign_in'];
export const EMAIL_VERIFICATION_PURPOSES: readonly string[] = ['email-verification', 'email_verification', 'verify-email', 'signup', 'sign-up'];

export function emailKind({ purpose, transaction }: { purpose: string; transaction: Transaction | null | boolean }): EmailKind {
  if (transaction) return 'payment';
  if (SIGN_IN_PURPOSES.includes(purpose)) return 'signIn';
  if (EMAIL_VERIFICATION_PURPOSES.includes(purpose)) return 'emailVerification';
  return 'other';
}

/** A kind read back from outside (a SendGrid event's custom args): one of ours, else other. */
export function knownKind(value: unknown): EmailKind {
  return (EMAIL_KINDS as readonly unknown[]).includes(value) ? (value as EmailKind) : 'other';
}

/**
 * The funnel's group of a request: its kind (a payment when an intent came with it; the service
 * has checked it by the time it counts) and its address's provider group.
 */
export function funnelGroup(command: { email: string; purpose?: string | null; paymentIntent?: string | null }): [EmailKind, MailProvider] {
  return [emailKind({ purpose: (command.purpose ?? '').trim().toLowerCase(), transaction: Boolean(command.paymentIntent) }), mailProvider(command.email)];
}
