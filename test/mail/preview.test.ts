// npm run emails:preview, as an operator runs it (compiled by `npm test`'s tsc step): every
// language × kind × first and resent, with the operator's templates when MAIL_TEMPLATES_DIR
// is set, as .html, .txt and .eml files.
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KEDAI_WORDS, kedaiTemplates } from '../support/operator-templates.js';

const run = promisify(execFile);
const SCRIPT = new URL('../../dist/scripts/emails-preview.js', import.meta.url).pathname;

describe('npm run emails:preview', () => {
  let out: string;
  let templates: Awaited<ReturnType<typeof kedaiTemplates>>;
  beforeAll(async () => {
    out = await mkdtemp(join(tmpdir(), 'otp-preview-'));
    templates = await kedaiTemplates();
  });
  afterAll(async () => {
    await rm(out, { recursive: true, force: true });
    await templates.cleanup();
  });

  it("writes every email, the operator's merchant folder included, as .html, .txt and .eml", { timeout: 60_000 }, async () => {
    const env = { ...process.env, NODE_ENV: 'development', MAIL_TEMPLATES_DIR: templates.dir, MAIL_FROM: 'Bank Contoh <otp@bank-contoh.my>' };
    const { stdout } = await run(process.execPath, [SCRIPT, out], { env, timeout: 50_000 });
    expect(stdout).toMatch(/^40 emails written to /);
    for (const language of ['en', 'ms', 'zh-Hans', 'ta']) {
      expect((await readdir(join(out, language))).sort()).toHaveLength(4 * 2 * 3);
    }
    const own = await readFile(join(out, 'merchants/kedai-ali/ms/payment-first.txt'), 'utf8');
    expect(own).toContain(KEDAI_WORDS);
    const eml = await readFile(join(out, 'merchants/kedai-ali/ms/payment-first.eml'), 'utf8');
    expect(eml).toMatch(/^From: Bank Contoh <otp@bank-contoh\.my>$/m);
    expect(eml).toMatch(/^Content-ID: <logo>$/m);
  });

  it('says why and writes nothing when the templates are refused', async () => {
    const env = { ...process.env, NODE_ENV: 'development', MAIL_TEMPLATES_DIR: join(templates.dir, 'missing') };
    const failed = await run(process.execPath, [SCRIPT, join(out, 'none')], { env }).then(() => null, (error: { code: number; stderr: string }) => error);
    expect(failed?.code).toBe(1);
    expect(failed?.stderr).toMatch(/MAIL_TEMPLATES_DIR: cannot be read \(ENOENT\)/);
    await expect(readdir(join(out, 'none'))).rejects.toThrow();
  });
});
