// Every email the service can send, rendered with sample values: each language × kind × first
// and resent, and each merchant folder's payment emails, as the reader would get them (HTML,
// text, and the whole message as an .eml with the logo inline). `npm run emails:preview`
// writes them to look at; the email judges (SpamAssassin, caniemail, axe) read them in tests.
import MailComposer from 'nodemailer/lib/mail-composer/index.js';
import { SUPPORTED_LOCALES } from './email-values.js';
import { EMAIL_KINDS, type EmailKind } from '../otp/code-kind.js';
import { substitute } from './mailer.js';
import type { MailFrom } from './mail-from.js';
import { OtpEmails, type EmailOptions } from './otp-emails.js';

export interface PreviewEmail {
  /** e.g. "ms/payment-first" or "merchants/kedai-ali/ms/payment-resent". */
  name: string;
  subject: string;
  html: string;
  text: string;
  /** The whole message (RFC 5322, MIME), as an inbox would store it. */
  eml: Buffer;
}

const PURPOSES: Record<EmailKind, string> = { payment: 'payment', signIn: 'login', emailVerification: 'verify-email', other: 'account-change' };

/** The sample a preview shows: a code made now-ish, living 5 minutes. */
const CREATED = new Date('2026-12-07T02:30:00Z');

/** `mail`: what the service's emails are made with (config.mail), and the sender. */
export async function previewEmails(mail: EmailOptions & { from: MailFrom }): Promise<PreviewEmail[]> {
  const emails = new OtpEmails(mail);
  const merchants = [null, ...(mail.templates.operator?.merchants() ?? [])];
  const previews: PreviewEmail[] = [];
  for (const merchant of merchants) {
    for (const language of SUPPORTED_LOCALES) {
      for (const kind of merchant ? (['payment'] as const) : EMAIL_KINDS) {
        for (const resends of [0, 1]) {
          const transaction = kind === 'payment' ? { merchant: merchant ?? 'demo-shop', intentId: 'order-1', amount: '149.90', currency: 'MYR', payee: 'Kedai Runcit Ali' } : null;
          const email = emails.for({ purpose: PURPOSES[kind], transaction, locale: language, reference: 'K7QM', resends, createdAt: CREATED, expiresAt: new Date(CREATED.getTime() + 300_000) }, '042917');
          const fill = (s: string) => substitute(s, email.substitutions);
          const [subject, html, text] = [fill(email.template.subject), fill(email.template.html), fill(email.template.text)];
          const eml = await new MailComposer({
            from: { name: mail.from.name, address: mail.from.email },
            to: 'customer@example.com',
            subject,
            text,
            html,
            date: CREATED,
            messageId: `<preview-${merchant ?? 'any'}-${language}-${kind}-${resends}@${mail.from.email.split('@')[1]}>`,
            attachments: email.template.inlineImages.map((image) => ({ cid: image.contentId, filename: image.filename, contentType: image.type, content: image.content, contentDisposition: 'inline' as const })),
          }).compile().build();
          previews.push({ name: `${merchant ? `merchants/${merchant}/` : ''}${language}/${kind}-${resends ? 'resent' : 'first'}`, subject, html, text, eml });
        }
      }
    }
  }
  return previews;
}
