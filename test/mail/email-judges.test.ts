// The emails judged by tools nobody here wrote, over every email of the built-in set (each
// language × kind × first and resent) and of a test operator's set (a merchant's own words,
// colour and logo): caniemail's data (doiuse-email) says no feature is unsupported in the
// clients banks' customers read mail in; axe-core in Chromium finds no serious or critical
// accessibility violation; SpamAssassin (Debian's, offline: local rules only) scores each
// whole message (the preview's .eml) below 1.0.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import axe from 'axe-core';
import { doIUseEmail } from 'doiuse-email';
import type { Browser } from 'playwright-core';
import { CHROMIUM, launchChromium } from '../support/browser.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.js';
import { previewEmails, type PreviewEmail } from '../../src/mail/preview.js';
import { writeMerchantsFile } from '../support/intents.js';
import { kedaiTemplates } from '../support/operator-templates.js';

/** Gmail web/Android/iOS, Outlook Windows/macOS/web, Apple Mail, Yahoo: the clients. */
const CLIENTS = ['gmail.desktop-webmail', 'gmail.android', 'gmail.ios', 'outlook.windows', 'outlook.macos', 'outlook.outlook-com', 'apple-mail.macos', 'apple-mail.ios', 'yahoo.desktop-webmail'] as const;
const SPAMASSASSIN = '/usr/bin/spamassassin';

const missing = [existsSync(CHROMIUM) ? null : `${CHROMIUM} (apt-get install chromium)`, existsSync(SPAMASSASSIN) ? null : `${SPAMASSASSIN} (apt-get install spamassassin)`].filter(Boolean);
// Under CI the judges are required, as the MongoDB tier is: .ci/run installs them.
if (missing.length > 0 && process.env.CI === 'true') throw new Error(`Email judges: REQUIRED under CI=true, but missing ${missing.join(', ')}`);
if (missing.length > 0) console.log(`Email judges: SKIPPED — missing ${missing.join(', ')}`);

describe.skipIf(missing.length > 0)('the emails, judged', () => {
  let emails: PreviewEmail[];
  let cleanup: () => Promise<void>;
  let browser: Browser;

  beforeAll(async () => {
    const operator = await kedaiTemplates();
    cleanup = operator.cleanup;
    const mailOf = (env: Record<string, string>) => {
      const { mail } = loadConfig({ MAIL_FROM: 'Bank Contoh <otp@bank-contoh.my>', MAIL_BRAND: 'Bank Contoh', ...env });
      return { ...mail, templates: mail.templates! };
    };
    const builtIn = await previewEmails(mailOf({}));
    const own = await previewEmails(mailOf({ MAIL_TEMPLATES_DIR: operator.dir, MERCHANTS_FILE: await writeMerchantsFile() }));
    emails = [...builtIn, ...own.filter((e) => e.name.startsWith('merchants/')).map((e) => ({ ...e, name: `operator:${e.name}` }))];
    browser = await launchChromium();
  }, 60_000);
  afterAll(async () => {
    await browser?.close();
    await cleanup?.();
  });

  it('covers every language, kind, first and resent, and the operator set', () => {
    expect(emails.filter((e) => !e.name.startsWith('operator:'))).toHaveLength(4 * 4 * 2);
    expect(emails.filter((e) => e.name.startsWith('operator:merchants/kedai-ali/'))).toHaveLength(4 * 2);
  });

  it("uses no feature caniemail marks unsupported in the clients' list", () => {
    const unsupported = emails.flatMap((e) => {
      const result = doIUseEmail(e.html, { emailClients: [...CLIENTS] });
      return result.success ? [] : result.errors.map((error) => `${e.name}: ${error}`);
    });
    expect(unsupported).toEqual([]);
  });

  it('has no serious or critical axe-core violation in Chromium', { timeout: 120_000 }, async () => {
    const page = await browser.newPage();
    // Nothing in an email loads from elsewhere; the page may not either.
    await page.route('**/*', (route) => route.abort());
    const found: string[] = [];
    for (const email of emails) {
      await page.setContent(email.html);
      await page.addScriptTag({ content: axe.source });
      const violations = await page.evaluate(async () => (await (window as unknown as { axe: typeof axe }).axe.run(document)).violations.map((v) => ({ id: v.id, impact: v.impact })));
      found.push(...violations.filter((v) => v.impact === 'serious' || v.impact === 'critical').map((v) => `${email.name}: ${v.id} (${v.impact})`));
    }
    await page.close();
    expect(found).toEqual([]);
  });

  it('scores below 1.0 in SpamAssassin, offline (with a logo: below spam, 5.0)', { timeout: 180_000 }, () => {
    // One process for all of them: the messages as an mbox.
    const mbox = emails.map((e) => `From preview@localhost Mon Dec  7 02:30:00 2026\n${e.eml.toString('utf8').replace(/\r\n/g, '\n').replace(/^From /gm, '>From ')}\n`).join('\n');
    const run = spawnSync(SPAMASSASSIN, ['--local', '--test-mode', '--mbox'], { input: mbox, encoding: 'utf8', timeout: 170_000, maxBuffer: 64 * 1024 * 1024 });
    expect(run.status, run.stderr).toBe(0);
    // Each message's verdict (its score and the rules that fired), found by its Message-ID.
    const verdicts = new Map(run.stdout.split(/^From preview@localhost .*$/m).flatMap((message) => {
      const id = /^Message-ID: (\S+)/im.exec(message)?.[1];
      const status = /^X-Spam-Status: \w+, score=(-?[\d.]+) required=[\d.]+ tests=((?:.|\n\s)*?) autolearn/m.exec(message);
      return id && status ? [[id, { score: Number(status[1]), rules: status[2]!.replace(/\s+/g, '') }] as const] : [];
    }));
    expect(verdicts.size).toBe(emails.length);
    const idOf = (e: PreviewEmail) => /^Message-ID: (\S+)/im.exec(e.eml.toString('utf8'))![1]!;
    // A logo costs points in SpamAssassin's stock rules: an image with little text
    // (HTML_IMAGE_ONLY_*) and "To: without brackets, HTML and an image" (TO_NO_BRKTS_HTML_IMG);
    // measured 2.4–3.0 (docs/emails.md says so). Emails with a logo are held below spam (5.0),
    // every other one below 1.0.
    const high = emails.flatMap((e) => {
      const verdict = verdicts.get(idOf(e))!;
      const bound = e.html.includes('src="cid:') ? 5.0 : 1.0;
      return verdict.score >= bound ? [`${e.name}: ${verdict.score} ≥ ${bound} (${verdict.rules})`] : [];
    });
    expect(high).toEqual([]);
  });
});

