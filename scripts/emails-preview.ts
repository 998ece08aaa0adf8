// npm run emails:preview [folder]: writes every email the service can send (each language ×
// kind × first and resent, the operator's templates when MAIL_TEMPLATES_DIR is set) as .html,
// .txt and .eml files, to open in a browser or a mail client. Default folder: .emails-preview/.
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { ConfigError, loadConfig } from '../src/config.js';
import { previewEmails } from '../src/mail/preview.js';

const out = resolve(process.argv[2] ?? '.emails-preview');
try {
  // As a sending process reads them (an API-only process reads no templates).
  const { mail } = loadConfig({ ...process.env, ROLE: 'all' });
  const emails = await previewEmails({ ...mail, templates: mail.templates! });
  for (const email of emails) {
    const base = join(out, email.name);
    await mkdir(dirname(base), { recursive: true });
    await Promise.all([writeFile(`${base}.html`, email.html), writeFile(`${base}.txt`, email.text), writeFile(`${base}.eml`, email.eml)]);
  }
  console.log(`${emails.length} emails written to ${out} (.html, .txt, .eml each)`);
} catch (error) {
  if (!(error instanceof ConfigError)) throw error;
  console.error(`no preview: ${error.problems.join('\n  ')}`);
  process.exitCode = 1;
}
