// The docs' bot-check snippet (docs/frontend.md, "Bot check"), run as written in Chromium: a
// page on its own origin loads ALTCHA's widget from npm (version 3, as the docs pin), which
// fetches a real challenge from the service (CHALLENGE=altcha), solves it, and the page's
// requestOtp with its payload gets a code (the email arrives). Without the widget's token the
// same page is refused.
import { readFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createRequire } from 'node:module';
import type { Browser } from 'playwright-core';
import { chromiumMissing, launchChromium } from '../support/browser.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { docBlocks } from '../support/docs.js';
import { startHarness, type Harness } from '../support/harness.js';

const missing = chromiumMissing();

const require = createRequire(import.meta.url);
/** The widget as `npm i altcha@3` installs it: the file the docs say to serve as /altcha.js. */
const WIDGET = require.resolve('altcha').replace(/dist\/main\/altcha\.umd\.cjs$/, 'dist/main/altcha.js');

describe.skipIf(missing !== null)("the docs' ALTCHA snippet in Chromium, with the widget from npm", () => {
  let h: Harness;
  let page: Server;
  let browser: Browser;
  let origin = '';

  beforeAll(async () => {
    const [snippet] = await docBlocks('docs/frontend.md', 'Bot check', 'html');
    const widget = await readFile(WIDGET, 'utf8');
    page = createServer((req, res) => {
      if (req.url === '/altcha.js') return void res.writeHead(200, { 'content-type': 'text/javascript' }).end(widget);
      // The snippet as written, its API line pointing at this service.
      const html = snippet!.replace("'https://otp.example.com/graphql'", JSON.stringify(h.url));
      res.writeHead(200, { 'content-type': 'text/html' }).end(`<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>Shop</title></head><body>${html}</body></html>`);
    });
    await new Promise<void>((resolve) => page.listen(0, '127.0.0.1', resolve));
    origin = `http://127.0.0.1:${(page.address() as AddressInfo).port}`;
    // A lighter proof of work than the default keeps the test quick; the widget and the checks are the same.
    h = await startHarness({ CHALLENGE: 'altcha', ALTCHA_DIFFICULTY: '3', CORS_ORIGINS: origin });
    browser = await launchChromium();
  }, 60_000);
  afterAll(async () => {
    await browser?.close();
    await h?.close();
    await new Promise((resolve) => page?.close(resolve));
  });

  it('solves a real challenge from the service and gets a code', { timeout: 60_000 }, async () => {
    const tab = await browser.newPage();
    const errors: string[] = [];
    tab.on('pageerror', (e) => errors.push(e.message));

    await tab.goto(`${origin}/`);
    const email = `widget-${Date.now()}@example.com`;
    await tab.fill('#email', email);
    // The person ticks the widget's box ("I'm not a robot"); it fetches the challenge and solves it.
    await tab.locator('#bot-check label').click();
    await tab.waitForFunction(() => (document.getElementById('bot-check') as unknown as { getState(): string }).getState() === 'verified', undefined, { timeout: 30_000 });
    await tab.click('#ask button');
    await tab.waitForFunction(() => document.getElementById('answer')!.textContent !== '', undefined, { timeout: 10_000 });
    expect(await tab.textContent('#answer')).toBe('SENT');
    expect((await h.sendgrid.waitForEmails(1, email))[0]!.code).toMatch(/^\d{6}$/);
    expect(errors).toEqual([]);
  });

  it('is refused without the widget solving one', { timeout: 30_000 }, async () => {
    const tab = await browser.newPage();
    await tab.goto(`${origin}/`);
    await tab.fill('#email', `nowidget-${Date.now()}@example.com`);
    // The form would not submit with the box unticked (the widget makes it required): a script
    // that skips it, as a bot would, sends the request without a token.
    await tab.evaluate(() => document.getElementById('ask')!.dispatchEvent(new Event('submit', { cancelable: true })));
    await tab.waitForFunction(() => document.getElementById('answer')!.textContent !== '', undefined, { timeout: 10_000 });
    expect(await tab.textContent('#answer')).toBe('CHALLENGE_FAILED');
  });
});
