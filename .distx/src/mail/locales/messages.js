// What every locale's file must say, in ICU MessageFormat (the syntax translators' tools
// know: {name} for a value, {n, plural, one {...} other {...}} for counts). A file missing a
// message does not compile, and test/mail/locales.test.ts formats every message of every file.
//
// Values: {brand} and {merchant} (configuration), {reference} (the email's reference),
// {amount} (formatted in the reader's locale, currency included) and {payee} for a payment,
// {minutes} or {seconds} for the validity, {subject} for a resent email's subject.
export {};
//# sourceMappingURL=messages.js.map