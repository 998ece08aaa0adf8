// The development mailbox: beside the log mailer (no SENDGRID_API_KEY, never production) the
// last emails are at /dev/mailbox, newest first, code included, as JSON and as a page; a
// browser reads a code there and types it into a shop's page, which then verifies it. In
// production, and wherever SendGrid sends, the route does not exist.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Browser } from 'playwright-core';
import { chromiumMissing, launchChromium } from '../support/browser.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHarness, type Harness } from '../support/harness.js';

const mailboxOf = (h: Harness) => h.url.replace(/\/graphql$/, '/dev/mailbox');

describe('the development mailbox', () => {
  let h: Harness;
  beforeAll(async () => {
    // No SendGrid key: the log mailer, as the quick start runs.
    h = await startHarness({ NODE_ENV: 'development', SENDGRID_API_KEY: '', OTP_RESEND_COOLDOWN_SECONDS: '0' });
  });
  afterAll(async () => h?.close());

  it('lists the last emails newest first, with their codes, as JSON and as a page', async () => {
    const email = `mailbox-${Date.now()}@example.com`;
    expect(await h.client.requestOtp({ email, purpose: 'login' })).toMatchObject({ status: 'SENT' });
    await expect.poll(async () => ((await (await fetch(`${mailboxOf(h)}?to=${email}`, { headers: { accept: 'application/json' } })).json()) as { emails: unknown[] }).emails.length).toBe(1);
    expect(await h.client.resendOtp({ email, purpose: 'login' })).toMatchObject({ status: 'SENT' });
    await expect.poll(async () => ((await (await fetch(`${mailboxOf(h)}?format=json&to=${email}`)).json()) as { emails: unknown[] }).emails.length).toBe(2);
    const { emails } = (await (await fetch(`${mailboxOf(h)}?format=json&to=${email}`)).json()) as { emails: { subject: string; code: string; to: string; text: string; id: string }[] };
    expect(emails[0]!.subject).toMatch(/\(sent again\)$/); // newest first
    expect(emails[0]!.code).toMatch(/^\d{6}$/);
    expect(emails[0]!.code).toBe(emails[1]!.code); // a resend sends the same code
    expect(emails[0]!.text).toContain(emails[0]!.code);
    const page = await fetch(mailboxOf(h));
    expect(page.headers.get('content-type')).toMatch(/^text\/html/);
    expect(await page.text()).toContain(`<output data-testid="code">${emails[0]!.code}</output>`);
    const html = await fetch(`${mailboxOf(h)}/${emails[0]!.id}`);
    expect(html.headers.get('content-security-policy')).toContain("default-src 'none'");
    expect(await html.text()).toMatch(/^<!DOCTYPE html>/);
  });
  it('answers only callers on this machine (the TCP peer; a forwarded address changes nothing)', async () => {
    const from = (remoteAddress: string, headers: Record<string, string> = {}) => h.app.http.fastify.inject({ method: 'GET', url: '/dev/mailbox?format=json', remoteAddress, headers });
    expect((await from('192.168.1.20')).statusCode).toBe(404);
    expect((await from('2001:db8::7')).statusCode).toBe(404);
    expect((await from('192.168.1.20', { 'x-forwarded-for': '127.0.0.1' })).statusCode).toBe(404);
    expect((await from('127.0.0.1')).statusCode).toBe(200);
    expect((await from('::1')).statusCode).toBe(200);
  });
});

describe('no development mailbox where email is sent for real', () => {
  it.each([
    ['production', { NODE_ENV: 'production' }],
    ['development with SendGrid', { NODE_ENV: 'development' }],
  ])('%s: /dev/mailbox does not exist', async (_name, env) => {
    const h = await startHarness(env);
    try {
      const email = `nomailbox-${Date.now()}@example.com`;
      expect(await h.client.requestOtp({ email, purpose: 'login' })).toMatchObject({ status: 'SENT' });
      await h.sendgrid.waitForEmails(1, email);
      expect((await fetch(`${mailboxOf(h)}?format=json`)).status).toBe(404);
      expect((await fetch(mailboxOf(h))).status).toBe(404);
    } finally {
      await h.close();
    }
  });
});

/** A shop's sign-in page, on its own origin: asks for a code, then verifies what the person types. */
const SHOP_PAGE = (graphql: string) => `<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>Shop</title></head><body>
<form id="ask"><input id="email" type="email" required><button>Send me a code</button></form>
<form id="check"><input id="code" inputmode="numeric" autocomplete="one-time-code"><button>Sign in</button></form>
<p id="result"></p>
<script>
let requestId = null;
const call = (query, variables) => fetch(${JSON.stringify(graphql)}, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query, variables }) }).then((r) => r.json());
document.getElementById('ask').onsubmit = async (e) => { e.preventDefault();
  const r = await call('mutation Ask($input: RequestOtpInput!) { requestOtp(input: $input) { status requestId } }', { input: { email: email.value, purpose: 'login' } });
  requestId = r.data.requestOtp.requestId;
  result.textContent = r.data.requestOtp.status; };
document.getElementById('check').onsubmit = async (e) => { e.preventDefault();
  const r = await call('mutation Check($input: VerifyOtpInput!) { verifyOtp(input: $input) { status } }', { input: { email: email.value, purpose: 'login', requestId, otp: code.value } });
  result.textContent = r.data.verifyOtp.status; };
</script></body></html>`;

const missing = chromiumMissing();

describe.skipIf(missing !== null)('a code from the development mailbox, typed in a browser', () => {
  let h: Harness;
  let shop: Server;
  let browser: Browser;

  beforeAll(async () => {
    shop = createServer((_req, res) => res.writeHead(200, { 'content-type': 'text/html' }).end(SHOP_PAGE(h.url)));
    await new Promise<void>((resolve) => shop.listen(0, '127.0.0.1', resolve));
    const origin = `http://127.0.0.1:${(shop.address() as AddressInfo).port}`;
    h = await startHarness({ NODE_ENV: 'development', SENDGRID_API_KEY: '', CORS_ORIGINS: origin });
    browser = await launchChromium();
  }, 60_000);
  afterAll(async () => {
    await browser?.close();
    await h?.close();
    await new Promise((resolve) => shop?.close(resolve));
  });

  it('signs in with the code the mailbox page shows', { timeout: 60_000 }, async () => {
    const email = `browser-${Date.now()}@example.com`;
    const page = await browser.newPage();
    await page.goto(`http://127.0.0.1:${(shop.address() as AddressInfo).port}/`);
    await page.fill('#email', email);
    await page.click('#ask button');
    await page.waitForFunction(() => document.getElementById('result')?.textContent === 'SENT');

    const mailbox = await browser.newPage();
    let code = '';
    await expect.poll(async () => {
      await mailbox.goto(`${mailboxOf(h)}?to=${encodeURIComponent(email)}`);
      code = (await mailbox.locator('[data-testid=code]').first().textContent({ timeout: 1_000 }).catch(() => null)) ?? '';
      return code;
    }, { timeout: 10_000 }).toMatch(/^\d{6}$/);

    await page.type('#code', code);
    await page.click('#check button');
    await page.waitForFunction(() => document.getElementById('result')?.textContent !== 'SENT');
    expect(await page.textContent('#result')).toBe('VERIFIED');
  });
});
