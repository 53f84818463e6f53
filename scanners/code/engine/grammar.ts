import { createRequire } from 'node:module';
import { Lang, parse, registerDynamicLanguage, type SgRoot } from '@ast-grep/napi';
import type { CodeLanguage } from '../types.js';

/**
 * The tree-sitter grammars behind each language vigil's engine reads. JavaScript's grammar reads
 * JSX too; Python, Go and Java come from the @ast-grep/lang-* packages (prebuilt parsers shipped in
 * the npm package: nothing is compiled or downloaded at install).
 */
const NAPI_LANG: Record<CodeLanguage, string> = {
  javascript: Lang.JavaScript,
  jsx: Lang.JavaScript,
  typescript: Lang.TypeScript,
  tsx: Lang.Tsx,
  python: 'python',
  go: 'go',
  java: 'java',
};

/**
 * What a grammar writes for `$` in a pattern: ast-grep swaps `$` for a character the language
 * allows in identifiers, so `$X` parses as a name. JavaScript and Java take `$` as it is.
 */
const EXPANDO: Record<CodeLanguage, string> = {
  javascript: '$',
  jsx: '$',
  typescript: '$',
  tsx: '$',
  python: 'µ',
  go: 'µ',
  java: '$',
};

let registered = false;

/** Registers the dynamic grammars once per thread. */
function ensureRegistered(): void {
  if (registered) return;
  const require = createRequire(import.meta.url);
  registerDynamicLanguage({
    python: require('@ast-grep/lang-python') as Parameters<typeof registerDynamicLanguage>[0][string],
    go: require('@ast-grep/lang-go') as Parameters<typeof registerDynamicLanguage>[0][string],
    java: require('@ast-grep/lang-java') as Parameters<typeof registerDynamicLanguage>[0][string],
  });
  registered = true;
}

/** Parse source text with the language's grammar. */
export function parseSource(language: CodeLanguage, text: string): SgRoot {
  ensureRegistered();
  return parse(NAPI_LANG[language], text);
}

/** The napi language name, for rule configs passed to ast-grep. */
export function napiLang(language: CodeLanguage): string {
  return NAPI_LANG[language];
}

/** The character metavariables are written with after the grammar's expando swap. */
export function expandoChar(language: CodeLanguage): string {
  return EXPANDO[language];
}

/** Semgrep's language names (and their aliases) → the grammars that read them. */
const LANGUAGE_NAMES: Record<string, CodeLanguage[]> = {
  javascript: ['javascript', 'jsx'],
  js: ['javascript', 'jsx'],
  typescript: ['typescript', 'tsx'],
  ts: ['typescript', 'tsx'],
  jsx: ['jsx', 'javascript'],
  tsx: ['tsx'],
  python: ['python'],
  py: ['python'],
  python3: ['python'],
  go: ['go'],
  golang: ['go'],
  java: ['java'],
};

/** Languages named by a rule's `languages`; `generic`/`regex`/`none` are regex-only rules and map to none. */
export function grammarsFor(name: string): CodeLanguage[] | undefined {
  return LANGUAGE_NAMES[name.toLowerCase()];
}

/** Rule language names that mean "no grammar: text only". */
export const TEXT_LANGUAGES = new Set(['generic', 'regex', 'none']);

const kindCache = new Map<string, boolean>();

/** The kinds a grammar knows, of those given: ast-grep rejects a rule naming a kind its grammar lacks. */
export function knownKinds(language: CodeLanguage, kinds: readonly string[]): string[] {
  return kinds.filter((kind) => {
    const key = `${language}\u0000${kind}`;
    let ok = kindCache.get(key);
    if (ok === undefined) {
      try {
        parseSource(language, '').root().findAll({ rule: { kind } } as never);
        ok = true;
      } catch {
        ok = false;
      }
      kindCache.set(key, ok);
    }
    return ok;
  });
}
