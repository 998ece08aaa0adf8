// SendGrid Dynamic Templates (SENDGRID_TEMPLATE_IDS): the ids' form is checked at start; a
// configured kind and language goes out as template_id with dynamic_template_data holding only
// the service's values (the code among them), through the real SDK, in a body SendGrid's Mail
// Send schema takes; kinds and languages without an id keep our own templates.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.js';
import { startHarness, type Harness } from '../support/harness.js';

const PAYMENT_MS = `d-${'a'.repeat(32)}`;
const ANY = `d-${'b'.repeat(32)}`;

describe('SENDGRID_TEMPLATE_IDS', () => {
  it('takes kind, kind.language and *, and refuses anything else, one line each', () => {
    expect(loadConfig({ SENDGRID_TEMPLATE_IDS: `payment.ms=${PAYMENT_MS}, signIn=${ANY}` }).mail.dynamicTemplates).toEqual(new Map([['payment.ms', PAYMENT_MS], ['signIn', ANY]]));
    expect(() => loadConfig({ SENDGRID_TEMPLATE_IDS: `login=${ANY},payment.fr=${ANY},other=12345` })).toThrow(
      /SENDGRID_TEMPLATE_IDS: "login" must be a kind[\s\S]*SENDGRID_TEMPLATE_IDS: "payment.fr" must be a kind[\s\S]*SENDGRID_TEMPLATE_IDS: other's id must be a Dynamic Template's id/,
    );
  });
});

describe('a Dynamic Template, end to end', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({ OTP_RESEND_COOLDOWN_SECONDS: '0', SENDGRID_TEMPLATE_IDS: `signIn.ms=${PAYMENT_MS}` });
  });
  afterAll(async () => h?.close());

  it('sends template_id and the service values for the configured kind and language, our own templates for the rest', async () => {
    const email = `dyn-${Date.now()}@example.com`;
    const sent = await h.client.requestOtp({ email, purpose: 'login', locale: 'ms-MY' });
    expect(sent).toMatchObject({ status: 'SENT' });
    const [mail] = await h.sendgrid.waitForEmails(1, email);
    expect(mail!.templateId).toBe(PAYMENT_MS);
    expect(mail!.data).toMatchObject({ code: mail!.code, reference: sent.reference, language: 'ms', kind: 'signIn', is: { signIn: true, payment: false }, resent: false, minutes: 5, brand: 'MyBank2U' });
    expect(mail!.code).toMatch(/^\d{6}$/);
    expect(String(mail!.data!.expiresAt)).toMatch(/^\d{1,2}:\d{2} (PG|PTG) MYT$/);
    const body = h.sendgrid.requests.at(-1)!.body;
    expect(body.content).toBeUndefined(); // the template brings its own
    expect(body.personalizations[0]!.substitutions).toBeUndefined();

    const other = `dyn-en-${Date.now()}@example.com`;
    await h.client.requestOtp({ email: other, purpose: 'login', locale: 'en' });
    const [english] = await h.sendgrid.waitForEmails(1, other);
    expect(english!.templateId).toBeUndefined();
    expect(english!.text).toContain(english!.code);
    expect(h.sendgrid.invalidBodies).toEqual([]);
  });
});
