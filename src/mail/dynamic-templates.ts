// SendGrid Dynamic Templates, for operators who design their emails in SendGrid: a template id
// per kind, optionally per language (SENDGRID_TEMPLATE_IDS="payment=d-…,signIn.ms=d-…,*=d-…").
// What can be checked here is only the ids' form and what they name; the template itself lives
// in SendGrid, so whether it shows the code is the operator's to try (docs/operators.md).
import { SUPPORTED_LOCALES } from './email-values.js';
import { EMAIL_KINDS, type EmailKind } from '../otp/code-kind.js';

/** A Dynamic Template's id, as SendGrid shows it: d- and 32 hex digits. */
const DYNAMIC_ID = /^d-[0-9a-f]{32}$/;

/** Ids by "kind.language", "kind" or "*"; null when none is configured. */
export type DynamicTemplateIds = ReadonlyMap<string, string>;

/** Reads SENDGRID_TEMPLATE_IDS; each problem is one line naming the setting. */
export function readDynamicTemplateIds(value: string | undefined, problems: string[]): DynamicTemplateIds | null {
  if (!value) return null;
  const ids = new Map<string, string>();
  for (const entry of value.split(',').map((e) => e.trim()).filter(Boolean)) {
    const [key = '', id = ''] = entry.split('=').map((p) => p.trim());
    const [kind = '', language, ...rest] = key.split('.');
    const named = kind === '*' ? rest.length === 0 && language === undefined : EMAIL_KINDS.includes(kind as EmailKind) && rest.length === 0 && (language === undefined || SUPPORTED_LOCALES.includes(language));
    if (!named) {
      problems.push(`SENDGRID_TEMPLATE_IDS: "${key}" must be a kind (${EMAIL_KINDS.join(', ')}), a kind and a language (${SUPPORTED_LOCALES.join(', ')}) as payment.ms, or *`);
    } else if (!DYNAMIC_ID.test(id)) {
      problems.push(`SENDGRID_TEMPLATE_IDS: ${key}'s id must be a Dynamic Template's id (d- and 32 hex digits, as SendGrid shows it)`);
    } else ids.set(key, id);
  }
  return ids.size > 0 ? ids : null;
}

/** The Dynamic Template for a kind and language: the most particular entry, or none (our own templates). */
export function dynamicTemplateId(ids: DynamicTemplateIds | null, kind: EmailKind, language: string): string | null {
  return ids?.get(`${kind}.${language}`) ?? ids?.get(kind) ?? ids?.get('*') ?? null;
}
