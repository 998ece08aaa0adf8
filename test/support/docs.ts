// The docs' code blocks, for the tests that run them as written.
import { readFile } from 'node:fs/promises';

const ROOT = new URL('../../', import.meta.url);

/** The code blocks of `lang` in the `## heading` section of `file` (from the repo root), in order. */
export async function docBlocks(file: string, heading: string, lang: string): Promise<string[]> {
  const text = await readFile(new URL(file, ROOT), 'utf8');
  const start = text.indexOf(`## ${heading}`);
  if (start < 0) throw new Error(`${file} has no section "${heading}"`);
  const section = text.slice(start, text.indexOf('\n## ', start + 10));
  return [...section.matchAll(new RegExp('```' + lang + '\\n([\\s\\S]*?)```', 'g'))].map((m) => m[1]!);
}
