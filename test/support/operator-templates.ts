// An operator's template folder as docs/emails.md tells them to make one: copied files from the
// built-in set, changed for one merchant (kedai-ali) and one language (ms): its own words,
// its own colour, its own logo. And broken variants of it, for the start-up check.
import { cp, mkdtemp, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { builtInTemplatesDir } from '../../src/mail/templates/template-set.js';

/** A 1×1 PNG: the merchant's "logo". */
export const LOGO_PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==', 'base64');
export const KEDAI_WORDS = 'Kedai Runcit Ali minta anda sahkan bayaran';
export const KEDAI_COLOUR = '#0a5c36';

/** A folder with kedai-ali's templates: its own body.html.hbs (colour, logo) for every language, its own Malay lead. */
export async function kedaiTemplates(): Promise<{ dir: string; cleanup: () => Promise<void> }> {
  const dir = await mkdtemp(join(tmpdir(), 'otp-templates-'));
  const builtIn = builtInTemplatesDir();
  const merchant = join(dir, 'merchants', 'kedai-ali');
  await mkdir(join(merchant, 'ms'), { recursive: true });
  // "Copy the built-in templates, then change them."
  const html = await readFile(join(builtIn, 'body.html.hbs'), 'utf8');
  await writeFile(join(merchant, 'body.html.hbs'), html.replace('font-size:32px;', `font-size:32px;color:${KEDAI_COLOUR};`));
  await cp(join(builtIn, 'ms', 'lead.hbs'), join(merchant, 'ms', 'lead.hbs'));
  const lead = await readFile(join(merchant, 'ms', 'lead.hbs'), 'utf8');
  await writeFile(join(merchant, 'ms', 'lead.hbs'), lead.replace('Gunakan kod ini untuk mengesahkan pembayaran anda', KEDAI_WORDS));
  await writeFile(join(merchant, 'logo.png'), LOGO_PNG);
  return { dir, cleanup: () => rm(dir, { recursive: true, force: true }) };
}

/** A folder holding one file at `path` with `source`. */
export async function folderWith(files: Record<string, string>): Promise<{ dir: string; cleanup: () => Promise<void> }> {
  const dir = await mkdtemp(join(tmpdir(), 'otp-templates-'));
  for (const [path, source] of Object.entries(files)) {
    await mkdir(join(dir, path, '..'), { recursive: true });
    await writeFile(join(dir, path), source);
  }
  return { dir, cleanup: () => rm(dir, { recursive: true, force: true }) };
}
