// The template language: Handlebars, the language SendGrid's Dynamic Templates use too, so an
// operator writes one syntax either way. One isolated instance (nothing registered globally),
// escaping on for HTML, strict (a misspelt value is an error at start-up, not an empty string),
// and only the built-in block helpers plus `plural`.
import Handlebars from 'handlebars';

type Node = hbs.AST.Node;

const engine = Handlebars.create();

/**
 * `{{plural minutes one="# minute" other="# minutes"}}`: the form the email's language uses for
 * that count (CLDR plural rules: en and ta tell one from other; ms and zh have one form), `#`
 * standing for the number.
 */
engine.registerHelper('plural', function (this: unknown, count: unknown, options: Handlebars.HelperOptions) {
  const n = Number(count);
  const language = (options.data as { root?: { language?: string } } | undefined)?.root?.language ?? 'en';
  const forms = options.hash as Record<string, string>;
  const form = forms[new Intl.PluralRules(language).select(n)] ?? forms.other ?? '#';
  return form.replace(/#/g, String(n));
});

/** Helpers a template may call: Handlebars' block helpers, and ours. */
const ALLOWED_HELPERS = new Set(['if', 'unless', 'with', 'each', 'plural']);

export type Mode = 'html' | 'text';
export type Render = (context: object, options?: { partials?: Record<string, Render> }) => string;

/** Compiled once per mode: HTML escapes every value it outputs; text (the text part, the subject) does not. */
export function compile(source: string, mode: Mode): Render {
  const template = engine.compile(source, {
    strict: true,
    noEscape: mode === 'text',
    knownHelpers: { plural: true },
    knownHelpersOnly: true,
    preventIndent: true,
    // A partial alone on its line keeps the line's break (the text part's blank lines are its paragraphs).
    ignoreStandalone: true,
  });
  return (context, options) => template(context, { partials: options?.partials as never, allowProtoPropertiesByDefault: false });
}

/**
 * What a template's source may not do, one sentence each: output a value unescaped
 * (`{{{value}}}` or `{{& value}}`), call a helper other than the allowed ones, or name a partial
 * by an expression. Empty when it may be used; a parse error is a problem too.
 */
export function sourceProblems(source: string): string[] {
  let program: hbs.AST.Program;
  try {
    program = engine.parse(source);
  } catch (error) {
    return [`is not valid Handlebars: ${(error as Error).message.split('\n')[0]}`];
  }
  const problems = new Set<string>();
  const visit = (node: Node | undefined | null): void => {
    if (!node || typeof node !== 'object') return;
    if (node.type === 'MustacheStatement') {
      const mustache = node as hbs.AST.MustacheStatement;
      if (!mustache.escaped) problems.add('outputs a value unescaped ({{{…}}} or {{& …}}): raw HTML is not allowed, write {{…}}');
      helperCheck(mustache.path, mustache.params.length > 0 || mustache.hash?.pairs.length > 0);
    }
    if (node.type === 'BlockStatement') helperCheck((node as hbs.AST.BlockStatement).path, true);
    if (node.type === 'SubExpression') helperCheck((node as hbs.AST.SubExpression).path, true);
    if ((node.type === 'PartialStatement' || node.type === 'PartialBlockStatement') && (node as hbs.AST.PartialStatement).name.type === 'SubExpression') {
      problems.add('names a partial by an expression: name it plainly, {{> name}}');
    }
    for (const value of Object.values(node)) {
      if (Array.isArray(value)) value.forEach((v) => visit(v as Node));
      else if (value && typeof value === 'object' && 'type' in value) visit(value as Node);
    }
  };
  const helperCheck = (path: hbs.AST.PathExpression | hbs.AST.Literal, called: boolean) => {
    if (!called || path.type !== 'PathExpression') return;
    const name = (path as hbs.AST.PathExpression).original;
    if (!ALLOWED_HELPERS.has(name)) problems.add(`calls "${name}", which is not a helper here (allowed: ${[...ALLOWED_HELPERS].join(', ')})`);
  };
  visit(program);
  return [...problems];
}
