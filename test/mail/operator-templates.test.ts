// The operator's templates (MAIL_TEMPLATES_DIR): a folder over the built-in set, checked whole
// before the service starts (one line per problem, naming the file), and, end to end through
// the real SendGrid SDK and the fake SendGrid, the email one merchant's customers get in one
// language: its words, its colour, its logo inline; everyone else's emails unchanged.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/config.js';
import { builtInTemplatesDir } from '../../src/mail/templates/template-set.js';
import { startHarness, type Harness } from '../support/harness.js';
import { makeIntent, writeMerchantsFile } from '../support/intents.js';
import { folderWith, KEDAI_COLOUR, KEDAI_WORDS, kedaiTemplates, LOGO_PNG } from '../support/operator-templates.js';
import { describeEachTier } from '../support/stores.js';

/** The start-up problems of a template folder, as loadConfig reports them. */
async function problemsOf(files: Record<string, string>, env: Record<string, string> = {}): Promise<string[]> {
  const { dir, cleanup } = await folderWith(files);
  try {
    loadConfig({ MAIL_TEMPLATES_DIR: dir, ...env });
    return [];
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    return error.problems;
  } finally {
    await cleanup();
  }
}

describe('the start-up check of an operator template folder', () => {
  let body: string;
  beforeAll(async () => {
    body = await readFile(join(builtInTemplatesDir(), 'body.text.hbs'), 'utf8');
  });

  it('takes a copy of the built-in set as it is', async () => {
    expect(await problemsOf({ 'body.text.hbs': body, 'ms/lead.hbs': '{{#if is.payment}}Bayar {{amount}} kepada {{payee}}.{{else}}Kod anda.{{/if}}' })).toEqual([]);
  });

  it('stops on a template that lacks the code, naming the file', async () => {
    const problems = await problemsOf({ 'ms/body.text.hbs': body.replace('{{code}}', '') });
    expect(problems.length).toBeGreaterThan(0);
    for (const line of problems) expect(line).toMatch(/^MAIL_TEMPLATES_DIR: ms\/body\.text\.hbs.*: the text part never shows \{\{code\}\}/);
  });

  it("stops on a payment's words without the amount or the payee", async () => {
    const problems = await problemsOf({ 'en/lead.hbs': 'Use this code.' });
    expect(problems.some((p) => /^MAIL_TEMPLATES_DIR: .*en\/lead\.hbs.*never shows \{\{amount\}\} \(payment email in en\)/.test(p))).toBe(true);
    expect(problems.some((p) => /never shows \{\{payee\}\} \(payment email in en\)/.test(p))).toBe(true);
  });

  it.each([
    ['a link', 'body.html.hbs', '<!DOCTYPE html><html lang="{{language}}"><head><meta charset="utf-8"><title>{{subject}}</title></head><body><p>{{code}} {{amount}} {{payee}} {{reference}}</p><a href="https://bank.example">Open</a></body></html>', /^MAIL_TEMPLATES_DIR: body\.html\.hbs: holds a link/],
    ['a web address in words', 'en/closing.hbs', 'Questions? www.bank.example', /^MAIL_TEMPLATES_DIR: en\/closing\.hbs: holds a web address/],
    ['raw output', 'ms/lead.hbs', '{{{payee}}} {{amount}}', /^MAIL_TEMPLATES_DIR: ms\/lead\.hbs: outputs a value unescaped/],
    ['a remote image', 'body.html.hbs', '<img src="https://cdn.bank.example/logo.png" alt="">{{code}}', /^MAIL_TEMPLATES_DIR: body\.html\.hbs: loads something from elsewhere \(src=\)/],
    ['a script', 'body.html.hbs', '<script>alert(1)</script>{{code}}', /^MAIL_TEMPLATES_DIR: body\.html\.hbs: holds an element that runs or loads something \(<script>\)/],
    ['a helper that is not one', 'en/reference.hbs', '{{lookup this "code"}}', /^MAIL_TEMPLATES_DIR: en\/reference\.hbs: calls "lookup"/],
    ['a misspelt value', 'en/reference.hbs', 'Ref: {{refrence}}', /^MAIL_TEMPLATES_DIR: .*en\/reference\.hbs.*cannot be rendered .*"refrence" not defined/],
    ['invalid HTML', 'body.html.hbs', '<p>{{code}} {{amount}} {{payee}} {{reference}}</p>', /^MAIL_TEMPLATES_DIR: body\.html\.hbs.*is not valid HTML: missing-doctype/],
    ['a language emails are not written in', 'fr/lead.hbs', 'Utilisez ce code.', /^MAIL_TEMPLATES_DIR: fr\/lead\.hbs: "fr" is not a language/],
    ['a stray file', 'notes.docx', 'x', /^MAIL_TEMPLATES_DIR: notes\.docx: is neither a template/],
  ])('stops on %s, naming the file', async (_what, path, source, line) => {
    const problems = await problemsOf({ [path]: source });
    expect(problems.some((p) => line.test(p)), problems.join('\n')).toBe(true);
  });

  it('stops on a merchant folder no merchant in MERCHANTS_FILE has', async () => {
    const problems = await problemsOf({ 'merchants/kedai-alli/ms/lead.hbs': 'x {{amount}} {{payee}}' }, { MERCHANTS_FILE: await writeMerchantsFile() });
    expect(problems).toContain('MAIL_TEMPLATES_DIR: merchants/kedai-alli: names no merchant in MERCHANTS_FILE (the folder\'s name is the merchant\'s id)');
  });

  it('stops on a folder that is not there', async () => {
    expect(() => loadConfig({ MAIL_TEMPLATES_DIR: '/nonexistent/templates' })).toThrow(/MAIL_TEMPLATES_DIR: cannot be read \(ENOENT\)/);
  });
});

describeEachTier("one merchant's own email, end to end ($name store)", (tier) => {
  let h: Harness;
  let templates: Awaited<ReturnType<typeof kedaiTemplates>>;
  let n = 0;
  const fresh = () => `shopper${++n}-${Date.now()}@example.com`;
  const env = tier.env();

  beforeAll(async () => {
    templates = await kedaiTemplates();
    h = await startHarness({ ...env, OTP_RESEND_COOLDOWN_SECONDS: '0', MERCHANTS_FILE: await writeMerchantsFile(), MAIL_TEMPLATES_DIR: templates.dir, MAIL_FROM: 'Bank Contoh <otp@bank-contoh.my>' });
  });
  afterAll(async () => {
    await h.close();
    await templates.cleanup();
    await tier.disposeEnv(env);
  });
  beforeEach(() => h.sendgrid.reset());

  async function pay(merchant: 'kedai' | 'toko', locale: string) {
    const email = fresh();
    const sent = await h.client.requestOtp({ email, purpose: 'payment', paymentIntent: await makeIntent({ merchant, email }), locale });
    expect(sent).toMatchObject({ status: 'SENT' });
    return (await h.sendgrid.waitForEmails(1, email))[0]!;
  }

  it("sends kedai-ali's Malay customers its words, colour and logo (inline), with a From name and tracking off", async () => {
    const mail = await pay('kedai', 'ms-MY');
    expect(mail.text).toContain(`${KEDAI_WORDS} sebanyak RM\u00a0149.90 kepada Kedai Runcit Ali`);
    expect(mail.html).toContain(KEDAI_WORDS);
    expect(mail.html).toContain(`color:${KEDAI_COLOUR}`);
    expect(mail.html).toMatch(/<img src="cid:logo" alt="[^"]+"/);
    expect(mail.attachments).toEqual([{ content: LOGO_PNG.toString('base64'), filename: 'logo.png', type: 'image/png', disposition: 'inline', content_id: 'logo' }]);
    expect(mail.fromName).toBe('Bank Contoh');
    expect(mail.from).toBe('otp@bank-contoh.my');
    const body = h.sendgrid.requests.at(-1)!.body;
    expect(body.tracking_settings).toEqual({ click_tracking: { enable: false, enable_text: false }, open_tracking: { enable: false }, subscription_tracking: { enable: false }, ganalytics: { enable: false } });
    expect(h.sendgrid.invalidBodies).toEqual([]);
  });

  it("sends kedai-ali's English customers the built-in words in its own colours; another merchant's, the built-in email", async () => {
    const english = await pay('kedai', 'en');
    expect(english.text).toContain('Use this code to confirm your payment of MYR\u00a0149.90 to Kedai Runcit Ali.');
    expect(english.html).toContain(`color:${KEDAI_COLOUR}`);
    const toko = await pay('toko', 'ms-MY');
    expect(toko.text).toContain('Gunakan kod ini untuk mengesahkan pembayaran anda');
    expect(toko.html).not.toContain(KEDAI_COLOUR);
    expect(toko.attachments).toEqual([]);
    expect(h.sendgrid.invalidBodies).toEqual([]);
  });
});
