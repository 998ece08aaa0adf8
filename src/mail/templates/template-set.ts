// A set of email templates: the built-in one (templates/email/ in the project) and, over it,
// the operator's (MAIL_TEMPLATES_DIR). Every file in a set is a Handlebars template named by
// its role:
//
//   body.html.hbs, body.text.hbs   the HTML and text parts (entry points)
//   <language>/subject.hbs         the subject line (entry point)
//   any other <name>.hbs           a partial, {{> name}}: the built-in set's words are lead,
//                                  reference and closing, one file each per language
//   logo.png | logo.jpg | logo.gif an image sent inside the email (cid:), never fetched
//
// A file is looked up, for one email, in these folders in turn, the first found winning:
// the operator's merchants/<merchant>/<language>/, merchants/<merchant>/, <language>/, its top
// folder, then the built-in <language>/ and top folder. In each folder `<kind>.<name>.hbs`
// (payment, signIn, emailVerification, other) comes before `<name>.hbs`. So an operator copies
// only the files they change; a merchant's folder applies to that merchant's payment emails.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { EmailKind } from '../../otp/code-kind.js';
import { compile, type Mode, type Render } from './handlebars.js';

export const ENTRY_POINTS = { subject: 'subject', html: 'body.html', text: 'body.text' } as const;
export const LOGO_FILES: Record<string, string> = { 'logo.png': 'image/png', 'logo.jpg': 'image/jpeg', 'logo.jpeg': 'image/jpeg', 'logo.gif': 'image/gif' };
/** Larger logos make every email heavier (it travels inside each one). */
export const MAX_LOGO_BYTES = 100_000;

export interface SetFile {
  /** How problems name it: the path inside its folder ("ms/lead.hbs"; built-in: "templates/email/ms/lead.hbs"). */
  shown: string;
  /** Path inside the set, with / separators. */
  path: string;
  source: string;
  compiled: Partial<Record<Mode, Render>>;
}

export interface Logo {
  shown: string;
  content: Buffer;
  type: string;
  filename: string;
}

/** One email's templates, resolved for a merchant, a language and a kind. */
export interface ResolvedEmail {
  /** The three parts; `contexts.html` is the HTML part's values, `contexts.text` the subject's and text part's. */
  render(contexts: { text: object; html: object }): { subject: string; html: string; text: string };
  logo: Logo | null;
  /** Every file this email is made of, as problems name them. */
  files: string[];
}

/** One folder of templates, read whole: its .hbs files by path, its logos by path. */
export class TemplateFolder {
  readonly files = new Map<string, SetFile>();
  readonly logos = new Map<string, Logo>();
  /** Files that are neither a template nor a logo, and other reading problems. */
  readonly strays: string[] = [];

  constructor(readonly root: string, readonly label: string) {
    const walk = (dir: string) => {
      for (const entry of readdirSync(dir, { withFileTypes: true })) {
        const full = join(dir, entry.name);
        const path = relative(root, full).split(sep).join('/');
        if (entry.isDirectory()) walk(full);
        else if (entry.name.endsWith('.hbs')) {
          // One final newline is the editor's, not the email's.
          this.files.set(path, { shown: this.shown(path), path, source: readFileSync(full, 'utf8').replace(/\r?\n$/, ''), compiled: {} });
        } else if (LOGO_FILES[entry.name]) {
          this.logos.set(path, { shown: this.shown(path), content: readFileSync(full), type: LOGO_FILES[entry.name]!, filename: entry.name });
        } else if (!entry.name.startsWith('.') && !/^readme(\.md|\.txt)?$/i.test(entry.name)) {
          this.strays.push(`${this.shown(path)}: is neither a template (.hbs) nor a logo (${Object.keys(LOGO_FILES).join(', ')})`);
        }
      }
    };
    walk(root);
  }

  /** How problems name a file of this folder: the path inside it, after the folder's label if it has one. */
  shown(path: string): string {
    return this.label ? `${this.label}/${path}` : path;
  }

  /** The folders (inside this set) an email's files are looked up in, nearest first. */
  static lookupDirs(merchant: string | null, language: string, operator: boolean): string[] {
    const own = [`${language}/`, ''];
    return operator && merchant ? [`merchants/${merchant}/${language}/`, `merchants/${merchant}/`, ...own] : own;
  }

  /** The merchants this folder has a folder for. */
  merchants(): string[] {
    const dir = join(this.root, 'merchants');
    return existsSync(dir) && statSync(dir).isDirectory() ? readdirSync(dir).filter((name) => statSync(join(dir, name)).isDirectory()) : [];
  }
}

/** Where the built-in set is: templates/email/ in the project (found from src/mail/templates or dist/src/mail/templates). */
export function builtInTemplatesDir(): string {
  for (let dir = dirname(fileURLToPath(import.meta.url)); dir !== dirname(dir); dir = dirname(dir)) {
    const candidate = join(dir, 'templates', 'email');
    if (existsSync(join(candidate, 'body.html.hbs'))) return candidate;
  }
  throw new Error('the built-in email templates (templates/email/) are missing from this installation');
}

export class TemplateSet {
  private readonly resolved = new Map<string, ResolvedEmail>();

  /** `operator`: the operator's folder over the built-in one, or null for the built-in set alone. */
  constructor(
    readonly builtIn: TemplateFolder,
    readonly operator: TemplateFolder | null,
  ) {}

  /** The templates of one email: the merchant's own where it has them (payment emails only). */
  resolve(merchant: string | null, language: string, kind: EmailKind): ResolvedEmail {
    const key = `${merchant ?? ''}|${language}|${kind}`;
    let email = this.resolved.get(key);
    if (!email) {
      email = this.build(kind === 'payment' ? merchant : null, language, kind);
      this.resolved.set(key, email);
    }
    return email;
  }

  private build(merchant: string | null, language: string, kind: EmailKind): ResolvedEmail {
    const places: [TemplateFolder, string][] = [
      ...(this.operator ? TemplateFolder.lookupDirs(merchant, language, true).map((dir) => [this.operator!, dir] as [TemplateFolder, string]) : []),
      ...TemplateFolder.lookupDirs(null, language, false).map((dir) => [this.builtIn, dir] as [TemplateFolder, string]),
    ];
    const find = (name: string): SetFile | undefined => {
      for (const [folder, dir] of places) {
        const file = folder.files.get(`${dir}${kind}.${name}.hbs`) ?? folder.files.get(`${dir}${name}.hbs`);
        if (file) return file;
      }
      return undefined;
    };
    const logo = places.map(([folder, dir]) => Object.keys(LOGO_FILES).map((name) => folder.logos.get(`${dir}${name}`)).find(Boolean)).find(Boolean) ?? null;
    // Every partial name any folder offers, resolved the same way.
    const partialNames = new Set<string>();
    for (const [folder] of places) {
      for (const path of folder.files.keys()) {
        const name = path.split('/').pop()!.replace(/\.hbs$/, '').replace(/^(payment|signIn|emailVerification|other)\./, '');
        if (!Object.values(ENTRY_POINTS).includes(name as never)) partialNames.add(name);
      }
    }
    const compiled = (file: SetFile, mode: Mode): Render => (file.compiled[mode] ??= compile(file.source, mode));
    const partialFiles = [...partialNames].flatMap((name) => {
      const file = find(name);
      return file ? [[name, file] as const] : [];
    });
    const partials = (mode: Mode) => Object.fromEntries(partialFiles.map(([name, file]) => [name, compiled(file, mode)]));
    const entry = (name: string) => {
      const file = find(name);
      if (!file) throw new Error(`no ${name}.hbs for ${language} in any template folder`);
      return file;
    };
    const [subjectFile, htmlFile, textFile] = [entry(ENTRY_POINTS.subject), entry(ENTRY_POINTS.html), entry(ENTRY_POINTS.text)];
    return {
      logo,
      files: [...new Set([subjectFile, htmlFile, textFile, ...partialFiles.map(([, file]) => file)].map((f) => f.shown))],
      render(contexts) {
        const textPartials = partials('text');
        // A subject is one line, whatever the template's line breaks.
        const line = (context: object) => compiled(subjectFile, 'text')(context, { partials: textPartials }).replace(/\s+/g, ' ').trim();
        const subject = line(contexts.text);
        // The HTML's <title> is the subject with the HTML part's values (escaped twins).
        const html = compiled(htmlFile, 'html')({ ...contexts.html, subject: line(contexts.html) }, { partials: partials('html') });
        const text = compiled(textFile, 'text')(contexts.text, { partials: textPartials });
        return { subject, html, text };
      },
    };
  }
}
