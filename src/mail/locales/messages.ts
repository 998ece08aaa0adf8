// What every locale's file must say, in ICU MessageFormat (the syntax translators' tools
// know: {name} for a value, {n, plural, one {...} other {...}} for counts). A file missing a
// message does not compile, and test/mail/locales.test.ts formats every message of every file.
//
// Values: {brand} and {merchant} (configuration), {reference} (the email's reference),
// {amount} (as the email's language writes it, currency included: formatAmount) and {payee} for a payment,
// {minutes} or {seconds} for the validity, {subject} for a resent email's subject.

/** What a code is for, as the email words it. */
export type EmailKind = 'payment' | 'signIn' | 'emailVerification' | 'other';

export interface OtpMessages {
  /** One subject per kind; each names {reference}. */
  subject: Record<EmailKind, string>;
  /** The first sentence: what the code does. A payment's names {amount} and {payee}. */
  intro: Record<EmailKind, string>;
  /** "This code is valid for 5 minutes." */
  validityMinutes: string;
  /** The same when the lifetime is not whole minutes. */
  validitySeconds: string;
  /** "Reference: K7QM" */
  reference: string;
  /** Never share it. */
  warning: string;
  /** What to do when one did not ask for it. */
  notYou: string;
  /** A resent email's subject: the first email's {subject}, marked as sent again. */
  resentSubject: string;
  /**
   * A resent email's note in place of the validity: the same code as before, valid only as
   * long as the first email said (a resend does not extend it).
   */
  resent: string;
  /** Two sentences in a row: "{first} {second}", or without the space in Chinese. */
  sentences: string;
}
