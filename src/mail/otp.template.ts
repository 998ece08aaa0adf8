// The OTP email, after the original design's wording, with brand names from config and the
// minutes derived from the TTL. The code itself is a substitution filled in per recipient.
import type { MailTemplate } from './mailer.js';

export interface TemplateOptions {
  brand: string;
  merchant: string;
  ttlSeconds: number;
}

const escapeHtml = (s: string) =>
  s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] ?? c);

function validity(ttlSeconds: number): string {
  if (ttlSeconds % 60 === 0) {
    const minutes = ttlSeconds / 60;
    return `${minutes} minute${minutes === 1 ? '' : 's'}`;
  }
  return `${ttlSeconds} seconds`;
}

export function otpTemplate({ brand, merchant, ttlSeconds }: TemplateOptions): MailTemplate {
  const intro = `Use this OTP to verify your payment at ${merchant} shop. This OTP is valid for ${validity(ttlSeconds)}. NEVER share this OTP with others.`;
  return {
    subject: `${brand}: OTP Verification`,
    text: `${intro}\n\n{{otp}}\n`,
    html:
      `<p>${escapeHtml(intro)}</p>` +
      `<p style="font-size:24px;font-weight:bold;letter-spacing:4px">{{otp}}</p>`,
  };
}
