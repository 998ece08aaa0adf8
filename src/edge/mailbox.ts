// The mailbox an address reaches, as the send limits count it: `victim+1@gmail.com`,
// `v.i.c.t.i.m@googlemail.com` and `victim@gmail.com` are one inbox (as are `x@me.com`,
// `x@mac.com` and `x@icloud.com`), so they share one
// cooldown, one send window, one set of live codes and one attempt budget. The email is
// still sent to the address as written; only the counting is by mailbox.
import validator from 'validator';

/**
 * Providers' own rules come from validator's normalizeEmail (kept with the library, which
 * knows Gmail ignores dots and googlemail.com is gmail.com, Yahoo's "-" tags, Outlook's and
 * iCloud's "+" tags). Every other domain loses a "+tag" too: most mail servers deliver
 * `a+tag@` to `a@`, and where one does not, two mailboxes sharing a budget costs nothing
 * worse than a shared rate limit.
 */
const PROVIDER_RULES = {
  all_lowercase: true,
  gmail_remove_dots: true,
  gmail_remove_subaddress: true,
  gmail_convert_googlemaildotcom: true,
  outlookdotcom_remove_subaddress: true,
  yahoo_remove_subaddress: true,
  icloud_remove_subaddress: true,
} as const;

/**
 * Domains that are one mail system under several names, as the name they count under. Apple
 * delivers `name@me.com` and `name@mac.com` to `name@icloud.com` (one Apple ID, three
 * spellings); validator knows googlemail.com is gmail.com but not these.
 */
const SAME_MAILBOXES: Readonly<Record<string, string>> = { 'me.com': 'icloud.com', 'mac.com': 'icloud.com' };

/** `email` is already normalised (trimmed, lower-case, checked by EMAIL_RULE). */
export function canonicalMailbox(email: string): string {
  const byProvider = validator.normalizeEmail(email, PROVIDER_RULES);
  const address = typeof byProvider === 'string' && byProvider.includes('@') ? byProvider : email;
  const at = address.lastIndexOf('@');
  const local = address.slice(0, at);
  const domain = address.slice(at + 1);
  const tag = local.indexOf('+');
  // A local part that is all tag ("+x@") stays as written: there is nothing left to key on.
  const untagged = tag > 0 ? local.slice(0, tag) : local;
  return untagged === '' || byProvider === false ? email : `${untagged}@${SAME_MAILBOXES[domain] ?? domain}`;
}

/** The domain a mailbox is on: what the per-domain send budget counts. */
export function mailDomain(mailbox: string): string {
  return mailbox.slice(mailbox.lastIndexOf('@') + 1);
}

/**
 * The mailbox provider an address is with, as the delivery funnel groups it: the big ones by
 * name, every other domain as "other". A fixed few values (a metric label): a provider that
 * defers or spam-folders our mail shows up as its own group's delivery falling.
 */
export const MAIL_PROVIDERS = ['gmail', 'outlook', 'yahoo', 'icloud', 'proton', 'other'] as const;
export type MailProvider = (typeof MAIL_PROVIDERS)[number];

const PROVIDER_DOMAINS: readonly [RegExp, MailProvider][] = [
  [/^(gmail|googlemail)\.com$/, 'gmail'],
  [/^(outlook|hotmail|live|msn)\.[a-z.]+$/, 'outlook'],
  [/^(yahoo\.[a-z.]+|ymail\.com|rocketmail\.com)$/, 'yahoo'],
  [/^(icloud|me|mac)\.com$/, 'icloud'],
  [/^(proton\.me|protonmail\.(com|ch)|pm\.me)$/, 'proton'],
];

export function mailProvider(address: string): MailProvider {
  const domain = mailDomain(address.trim().toLowerCase());
  return PROVIDER_DOMAINS.find(([pattern]) => pattern.test(domain))?.[1] ?? 'other';
}
