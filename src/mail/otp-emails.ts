// The OTP email: its language picked from the request's locale, its words and markup from the
// template set (templates/email/, and the operator's MAIL_TEMPLATES_DIR over it). One template
// per (merchant, language, kind, first or resent, life) is rendered once and shared by every
// email of that kind in a provider call; what differs per email (the code, the reference, the
// amount, the payee, the expiry) goes in as substitutions, escaped for HTML in the HTML part.
import { dynamicTemplateId, type DynamicTemplateIds } from './dynamic-templates.js';
import { emailLanguage, escapeHtml, formatAmount, formatExpiry, lifeSeconds, type EmailSubject } from './email-values.js';
import { emailKind, EMAIL_KINDS, type EmailKind } from '../otp/code-kind.js';
import type { MailTemplate } from './mailer.js';
import type { ShownPayment } from '../store/record.js';
import type { TemplateSet } from './templates/template-set.js';

export interface EmailOptions {
  brand: string;
  merchant: string;
  /** MAIL_TIME_ZONE: the zone the expiry's clock time is written in. */
  timeZone: string;
  templates: TemplateSet;
  dynamicTemplates: DynamicTemplateIds | null;
}

/** The values of one email that differ from email to email, by their template names. */
export interface PerEmailValues {
  code: string;
  reference: string;
  amount: string;
  payee: string;
  expiresAt: string;
}

/** Every value a template can read, by name: the names a SendGrid Dynamic Template gets too. */
export interface EmailValues extends PerEmailValues {
  language: string;
  kind: EmailKind;
  /** One flag per kind, for {{#if is.payment}}. */
  is: Record<EmailKind, boolean>;
  resent: boolean;
  /** The code's whole life in minutes when it is whole minutes, else null (then `seconds`). */
  minutes: number | null;
  seconds: number;
  brand: string;
  merchant: string;
  /** `cid:logo` when the set has a logo for this email, else empty. */
  logo: string;
}

/**
 * The substitution each per-email value travels as: `{{otp}}` in text, and for values that
 * may hold HTML's special characters an escaped twin (`{{payee_html}}`) in the HTML part. The
 * code and the reference are letters and digits only.
 */
const SUBSTITUTIONS: Record<keyof PerEmailValues, { text: string; html: string }> = {
  code: { text: 'otp', html: 'otp' },
  reference: { text: 'reference', html: 'reference' },
  amount: { text: 'amount', html: 'amount_html' },
  payee: { text: 'payee', html: 'payee_html' },
  expiresAt: { text: 'expires_at', html: 'expires_at_html' },
};

const LOGO_CID = 'logo';

export interface OtpEmail {
  /** Emails with the same key share `template`: they may go out in one provider call. */
  key: string;
  template: MailTemplate;
  substitutions: Record<string, string>;
  /** The per-email values by name (for a Dynamic Template). */
  values: Record<string, string>;
  /** A payment email: what it shows the reader of the payment (kept as evidence); else null. */
  shown: ShownPayment | null;
}

/** The values that are the same for every email of one template. */
export function sharedValues(options: Pick<EmailOptions, 'brand' | 'merchant'>, language: string, kind: EmailKind, resent: boolean, life: number, logo: boolean) {
  return {
    language,
    kind,
    is: Object.fromEntries(EMAIL_KINDS.map((k) => [k, k === kind])) as Record<EmailKind, boolean>,
    resent,
    minutes: life % 60 === 0 ? life / 60 : null,
    seconds: life,
    brand: options.brand,
    merchant: options.merchant,
    logo: logo ? `cid:${LOGO_CID}` : '',
  } satisfies Omit<EmailValues, keyof PerEmailValues>;
}

export class OtpEmails {
  private readonly templates = new Map<string, MailTemplate>();

  constructor(private readonly options: EmailOptions) {}

  /** The email that carries `code` for `record`. */
  for(record: EmailSubject, code: string): OtpEmail {
    const language = emailLanguage(record.locale);
    const kind = emailKind(record);
    const resent = record.resends > 0;
    const merchant = record.transaction?.merchant ?? null;
    // The words say the code's own life (its purpose's, as the service stored it): one
    // template per life in use, a handful at most.
    const life = lifeSeconds(record);
    const key = `${merchant ?? ''}|${language}|${kind}|${resent ? 'resent' : 'first'}|${life}`;
    let template = this.templates.get(key);
    if (!template) {
      template = this.template(merchant, language, kind, resent, life);
      this.templates.set(key, template);
    }
    const values: PerEmailValues = {
      code,
      reference: record.reference,
      amount: record.transaction ? formatAmount(record.transaction, language) : '',
      payee: record.transaction?.payee ?? '',
      expiresAt: formatExpiry(record, language, this.options.timeZone),
    };
    const substitutions: Record<string, string> = {};
    for (const [name, { text, html }] of Object.entries(SUBSTITUTIONS) as [keyof PerEmailValues, { text: string; html: string }][]) {
      substitutions[text] = values[name];
      if (html !== text) substitutions[html] = escapeHtml(values[name]);
    }
    const shown = record.transaction ? { language, amount: values.amount, payee: values.payee, sentence: this.sentence(template, substitutions) } : null;
    return { key, template, substitutions, values: { ...values }, shown };
  }

  /**
   * The paragraph of the text part that names the amount, as this email's reader sees it (its
   * substitutions made, the code masked); null for a Dynamic Template, whose words SendGrid holds.
   * The start-up check makes sure every payment email's text part shows the amount.
   */
  private sentence(template: MailTemplate, substitutions: Record<string, string>): string | null {
    if (template.dynamicTemplate) return null;
    const paragraph = template.text.split(/\n\s*\n/).find((p) => p.includes(`{{${SUBSTITUTIONS.amount.text}}}`));
    if (paragraph === undefined) return null;
    return paragraph
      .replace(/\{\{(\w+)\}\}/g, (token, name: string) => (name === SUBSTITUTIONS.code.text ? '••••••' : (substitutions[name] ?? token)))
      // Line breaks of the template's layout become spaces; the no-break spaces the reader saw stay.
      .replace(/[ \t\r\n]+/g, ' ')
      .trim();
  }

  private template(merchant: string | null, language: string, kind: EmailKind, resent: boolean, life: number): MailTemplate {
    const resolved = this.options.templates.resolve(merchant, language, kind);
    const shared = sharedValues(this.options, language, kind, resent, life, resolved.logo !== null);
    const tokens = (side: 'text' | 'html') =>
      Object.fromEntries(Object.entries(SUBSTITUTIONS).map(([name, marks]) => [name, `{{${marks[side]}}}`])) as unknown as PerEmailValues;
    const { subject, html, text } = resolved.render({ text: { ...shared, ...tokens('text') }, html: { ...shared, ...tokens('html') } });
    const id = dynamicTemplateId(this.options.dynamicTemplates, kind, language);
    return {
      subject,
      text,
      html,
      inlineImages: resolved.logo ? [{ contentId: LOGO_CID, filename: resolved.logo.filename, type: resolved.logo.type, content: resolved.logo.content }] : [],
      ...(id ? { dynamicTemplate: { id, values: shared } } : {}),
    };
  }
}
