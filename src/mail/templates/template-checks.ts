// The whole template set, checked before the service starts: every file on its own (no raw
// output, no link, no remote resource), then every email it can make (each merchant folder,
// language, kind, first and resent) rendered with sample values: the code shown in both
// parts, a payment's amount, payee and reference too, valid HTML, and still no link. One line
// per problem, naming the file.
import { parse } from 'parse5';
import { escapeHtml, SUPPORTED_LOCALES } from '../email-values.js';
import { EMAIL_KINDS, type EmailKind } from '../../otp/code-kind.js';
import { sharedValues, type PerEmailValues } from '../otp-emails.js';
import { sourceProblems } from './handlebars.js';
import { MAX_LOGO_BYTES, TemplateFolder, TemplateSet } from './template-set.js';

/** How problems name the built-in set's files. */
const BUILT_IN_LABEL = 'templates/email';

/** Values no template writes by chance: finding them in the output proves the template shows them. */
const SAMPLE: PerEmailValues = { code: '908172', reference: 'QZ7X', amount: 'MYR 4,321.09', payee: 'Sample & Sons', expiresAt: '10:35 AM GMT+8' };

/** What a file's source may not hold, whatever it renders to (Handlebars comments aside). */
const FORBIDDEN: [RegExp, string][] = [
  [/<a[\s>]|\bhref\s*=/i, 'holds a link (<a href>): an OTP email has no link to click'],
  [/\b[a-z][a-z0-9+.-]*:\/\/|\bwww\./i, 'holds a web address: mail clients make it a link, and an OTP email has none'],
  [/<(script|iframe|object|embed|form|link|base|video|audio)\b/i, 'holds an element that runs or loads something (<$1>)'],
  [/<[^>]*\son[a-z]+\s*=/i, 'holds an event handler attribute'],
  [/url\s*\(|@import/i, 'loads a resource from CSS (url(), @import)'],
  [/\b(src|background|poster|srcset)\s*=\s*(?!["']?(cid:|\{\{\s*logo\s*\}\}))/i, 'loads something from elsewhere ($1=): the only image is the logo file beside the templates, src="{{logo}}"'],
];

const stripComments = (source: string) => source.replace(/\{\{!--[\s\S]*?--\}\}|\{\{![\s\S]*?\}\}/g, '');

/** Problems of one file on its own. */
function fileProblems(source: string): string[] {
  const code = stripComments(source);
  return [...sourceProblems(source), ...FORBIDDEN.flatMap(([pattern, problem]) => {
    const found = pattern.exec(code);
    return found ? [problem.replace('$1', found[1] ?? '')] : [];
  })];
}

interface Element {
  nodeName: string;
  tagName?: string;
  attrs?: { name: string; value: string }[];
  childNodes?: Element[];
  value?: string;
  content?: Element;
}

/** Links and remote resources in rendered HTML (what assembling the parts may make). */
function renderedHtmlProblems(html: string): string[] {
  const problems = new Set<string>();
  const errors: string[] = [];
  const document = parse(html, { onParseError: (error) => void errors.push(`${error.code} (line ${error.startLine})`) }) as unknown as Element;
  if (errors.length > 0) problems.add(`is not valid HTML: ${errors.slice(0, 3).join(', ')}`);
  const walk = (node: Element) => {
    if (node.tagName && /^(a|area|script|iframe|object|embed|form|link|base|video|audio)$/.test(node.tagName)) problems.add(`makes a <${node.tagName}>: an OTP email has no link and runs nothing`);
    for (const { name, value } of node.attrs ?? []) {
      if (/^(src|background|poster|srcset|href|action|formaction)$/.test(name) && !value.startsWith('cid:')) problems.add(`makes ${name}="${value.slice(0, 40)}": nothing is loaded from elsewhere`);
    }
    if (node.nodeName === '#text' && /\b[a-z][a-z0-9+.-]*:\/\/|\bwww\./i.test(node.value ?? '')) problems.add('makes a web address in its text: mail clients make it a link');
    node.childNodes?.forEach(walk);
    if (node.content) walk(node.content);
  };
  walk(document);
  return [...problems];
}

/**
 * Every problem of the set, one line each naming its file(s); empty when it may be used.
 * `merchants`: the merchant ids this service knows (null: not known here, e.g. a worker
 * without MERCHANTS_FILE), so a misspelt merchant folder is found.
 */
export function checkTemplateSet(set: TemplateSet, merchants: ReadonlySet<string> | null): string[] {
  const problems = new Set<string>();
  const folders = [set.operator, set.builtIn].filter((f): f is TemplateFolder => f !== null);
  for (const folder of folders) {
    folder.strays.forEach((line) => problems.add(line));
    for (const file of folder.files.values()) for (const problem of fileProblems(file.source)) problems.add(`${file.shown}: ${problem}`);
    for (const logo of folder.logos.values()) {
      if (logo.content.length > MAX_LOGO_BYTES) problems.add(`${logo.shown}: is ${logo.content.length} bytes; a logo travels in every email, keep it under ${MAX_LOGO_BYTES}`);
    }
  }
  const operatorMerchants = set.operator?.merchants() ?? [];
  for (const folder of set.operator ? [set.operator] : []) {
    for (const path of [...folder.files.keys(), ...folder.logos.keys()]) {
      const [first, second] = path.split('/');
      const language = first === 'merchants' ? path.split('/')[2] : first;
      const isFolder = first === 'merchants' ? path.split('/').length > 3 : second !== undefined;
      if (isFolder && language && !SUPPORTED_LOCALES.includes(language)) problems.add(`${folder.shown(path)}: "${language}" is not a language emails are written in (${SUPPORTED_LOCALES.join(', ')})`);
    }
    for (const merchant of operatorMerchants) {
      if (merchants && !merchants.has(merchant)) problems.add(`${folder.shown(`merchants/${merchant}`)}: names no merchant in MERCHANTS_FILE (the folder's name is the merchant's id)`);
    }
  }
  if (problems.size > 0) return [...problems]; // a broken file breaks every email it is in: say it once

  for (const merchant of [null, ...operatorMerchants]) {
    const kinds: readonly EmailKind[] = merchant ? ['payment'] : EMAIL_KINDS;
    for (const language of SUPPORTED_LOCALES) {
      for (const kind of kinds) {
        const resolved = set.resolve(merchant, language, kind);
        const own = resolved.files.filter((f) => !f.startsWith(`${BUILT_IN_LABEL}/`));
        const named = (own.length > 0 ? own : resolved.files).join(', ');
        const what = `(${kind} email in ${language}${merchant ? ` for ${merchant}` : ''})`;
        for (const resent of [false, true]) {
          for (const life of [300, 90]) {
            const context = { ...sharedValues({ brand: 'Sample Bank', merchant: 'Sample Shop' }, language, kind, resent, life, resolved.logo !== null), ...SAMPLE };
            let parts: { subject: string; html: string; text: string };
            try {
              parts = resolved.render({ text: context, html: context });
            } catch (error) {
              problems.add(`${named}: cannot be rendered ${what}: ${(error as Error).message.split('\n')[0]}`);
              continue;
            }
            const shown: (keyof PerEmailValues)[] = kind === 'payment' ? ['code', 'amount', 'payee', 'reference'] : ['code'];
            for (const value of shown) {
              if (!parts.text.includes(SAMPLE[value])) problems.add(`${named}: the text part never shows {{${value}}} ${what}`);
              if (!parts.html.includes(escapeHtml(SAMPLE[value]))) problems.add(`${named}: the HTML part never shows {{${value}}} ${what}`);
            }
            if (parts.subject === '') problems.add(`${named}: the subject is empty ${what}`);
            for (const problem of renderedHtmlProblems(parts.html)) problems.add(`${named}: the HTML part ${problem} ${what}`);
            if (/\b[a-z][a-z0-9+.-]*:\/\/|\bwww\./i.test(parts.text + parts.subject)) problems.add(`${named}: the text part or subject makes a web address ${what}`);
          }
        }
      }
    }
  }
  return [...problems];
}

/** The set to send with: the built-in one, under the operator's folder when given. Throws nothing: problems are returned. */
export function loadTemplateSet(builtInDir: string, operatorDir: string | null, merchants: ReadonlySet<string> | null): { set: TemplateSet; problems: string[] } {
  const builtIn = new TemplateFolder(builtInDir, BUILT_IN_LABEL);
  let operator: TemplateFolder | null = null;
  if (operatorDir) {
    try {
      operator = new TemplateFolder(operatorDir, '');
    } catch (error) {
      return { set: new TemplateSet(builtIn, null), problems: [`cannot be read (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`] };
    }
  }
  const set = new TemplateSet(builtIn, operator);
  return { set, problems: checkTemplateSet(set, merchants) };
}
