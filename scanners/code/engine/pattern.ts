/**
 * Semgrep patterns, compiled for one grammar into a small tree vigil matches itself.
 *
 * A pattern is rewritten into code the grammar parses — `...` and `$...X` become ast-grep's
 * `$$$`/`$$$X`, `"..."` and `<... P ...>` become placeholder metavariables — then parsed with
 * tree-sitter through ast-grep, and the parse is turned into a `PNode` tree. ast-grep's own
 * matcher only finds candidates (a looser pattern, see `nativeQuery`); `match.ts` decides, with
 * Semgrep's semantics (ellipses that backtrack, metavariables unified across the whole rule).
 * Patterns that do not parse alone (an object property, a JSX attribute, a class member, a Go
 * statement) are parsed inside a context and the node at the pattern's place is selected.
 */
import type { SgNode } from '@ast-grep/napi';
import type { CodeLanguage } from '../types.js';
import { expandoChar, knownKinds, parseSource } from './grammar.js';

/** A compiled pattern node. */
export type PNode =
  /** `$X` binds (and unifies); `$_` matches anything without binding. */
  | { t: 'mv'; name: string }
  /** `...` or `$...X` in a list: zero or more items. */
  | { t: 'ellipsis'; name?: string }
  /** `"..."`: any string literal (`f"..."`: any Python f-string). */
  | { t: 'anystr'; fstring?: true; regex?: string; flags?: string }
  /** `<... P ...>`: a node that contains a match of P (or is one). */
  | { t: 'deep'; inner: PNode }
  /**
   * A grammar node: its kind, its text when it is a leaf, its significant children; `dotted` for a
   * JavaScript name like `child_process.exec` (no metavariables), which also matches what imports
   * make of it.
   */
  | { t: 'node'; kind: string; text?: string; children: PNode[]; dotted?: string }
  /** Several statements in a row (`a(); ...; b()`), matched against any statement list. */
  | { t: 'seq'; items: PNode[] }
  /** Readings of an ambiguous pattern (Go's `pkg.F(x)` is a call or a conversion): any may match. */
  | { t: 'alt'; options: PNode[] }
  /** `$X. ... .`: a chain of property accesses and calls (possibly none) on something matching `base`. */
  | { t: 'chain'; base: PNode };

/** A pattern ready to match. */
export interface CompiledPattern {
  source: string;
  language: CodeLanguage;
  root: PNode;
  /** Words the file must contain for the pattern to match there (Semgrep's pre-filter). */
  tokens: string[];
  /** Tree-sitter kinds a match can have (the root's kind; for a sequence, the first item's). */
  kinds: string[];
  /** A word every candidate node's own text contains (for a sequence, its first statement's): narrows kind-only searches. */
  anchor?: string;
  /** A looser ast-grep rule that finds every candidate (a superset); undefined when only the kind can. */
  native?: NativeRule;
  /** The pattern has a property access or a call, which also match `a?.b` and `f?.()`: ast-grep's search would miss those. */
  chains?: true;
  /** Modules whose imports can stand for a dotted name in the pattern (`child_process` for `child_process.exec`). */
  modules?: string[];
}

/** A node's kind as a plain string (the napi types narrow it to a grammar's kind union). */
export function kindOf(n: SgNode): string {
  return n.kind() as string;
}

/** Tokens tree-sitter gives that carry no meaning for matching. */
const PUNCTUATION = new Set(['(', ')', ',', ';', '{', '}', '[', ']', '', '`', '"', "'"]);
/** Kinds of comments, which never take part in matching. */
const COMMENTS = new Set(['comment', 'line_comment', 'block_comment', 'html_comment']);
/** Kinds of string literals, compared by content. */
export const STRING_KINDS = new Set(['string', 'template_string', 'string_literal', 'interpreted_string_literal', 'raw_string_literal', 'concatenated_string']);

/** Wraps `expression_statement`-like single statements: the pattern is the expression inside. */
const EXPRESSION_STATEMENTS = new Set(['expression_statement']);
/** Kinds that carry parts a pattern may omit (modifiers, annotations, throws): searched by kind. */
const DECLARATION_ROOTS = new Set([
  'method_declaration', 'constructor_declaration', 'class_declaration', 'interface_declaration', 'field_declaration',
  'function_declaration', 'function_definition', 'class_definition', 'decorated_definition', 'method_definition', 'class', 'class_body',
]);

/** Property accesses of each grammar (JS, Python, Go, Java), for `$X. ... .y` chains. */
export const CHAIN_KINDS = new Set(['member_expression', 'attribute', 'selector_expression', 'field_access']);

/** JSX element kinds a JSX pattern can match (an element with children is matched at its opening tag). */
export const JSX_ELEMENTS = new Set(['jsx_self_closing_element', 'jsx_opening_element']);

/**
 * JavaScript's function forms. Semgrep reads them as one construct: a `function` pattern (named,
 * anonymous or `function ...`) matches declarations, expressions and methods; an arrow pattern
 * matches those and arrows too (its `arrow_is_function`). `match.ts` compares them part by part.
 */
export const JS_FUNCTIONS = new Set(['function_declaration', 'function_expression', 'generator_function_declaration', 'generator_function', 'method_definition', 'arrow_function']);

/** The function kinds a JavaScript function pattern of this kind matches. */
export function functionKindsFor(kind: string): string[] {
  if (kind === 'arrow_function') return [...JS_FUNCTIONS];
  if (kind === 'method_definition') return [kind];
  return [...JS_FUNCTIONS].filter((k) => k !== 'arrow_function');
}

/** Grammars whose declarations (`variable_declarator`) an assignment pattern also matches. */
const DECLARATOR_LANGUAGES = new Set<CodeLanguage>(['javascript', 'jsx', 'typescript', 'tsx', 'java']);

/** Roots of a parsed file. */
const ROOTS = new Set(['program', 'module', 'source_file']);

export class PatternError extends Error {}

/** Compiled patterns by grammar and source; compiling is pure, so one cache serves every file (and the rule loader). */
const compiled = new Map<CodeLanguage, Map<string, CompiledPattern | PatternError>>();

/** While set (see `recordingPatterns`), every pattern asked for is noted here. */
let recording: Map<CodeLanguage, Set<string>> | undefined;

/**
 * Run `fn` and give, besides its result, the compiled patterns it asked for (including ones
 * compiled before): what a rule file needs, to be kept with it in the rule cache.
 */
export function recordingPatterns<T>(fn: () => T): { value: T; patterns: CompiledPatterns } {
  const outer = recording;
  const mine = new Map<CodeLanguage, Set<string>>();
  recording = mine;
  try {
    const value = fn();
    const patterns: CompiledPatterns = [...mine].map(([language, sources]) => {
      const byLang = compiled.get(language)!;
      return [language, [...sources].map((source) => {
        const c = byLang.get(source)!;
        return [source, c instanceof PatternError ? { error: c.message } : c];
      })];
    });
    return { value, patterns };
  } finally {
    recording = outer;
    if (outer) for (const [language, sources] of mine) for (const s of sources) (outer.get(language) ?? outer.set(language, new Set()).get(language)!).add(s);
  }
}

/** A pattern compiled for a grammar, from the cache; throws PatternError when it does not parse there. */
export function compiledPattern(source: string, language: CodeLanguage): CompiledPattern {
  if (recording) (recording.get(language) ?? recording.set(language, new Set()).get(language)!).add(source);
  // one map per grammar: this runs for every pattern of every file, and a joined key costs a string each time
  let byLang = compiled.get(language);
  if (!byLang) compiled.set(language, (byLang = new Map()));
  let c = byLang.get(source);
  if (c === undefined) {
    try {
      c = compilePattern(source, language);
      if (c.native && !nativeWorks(c.native, language)) delete c.native;
    } catch (e) {
      if (!(e instanceof PatternError)) throw e;
      c = e;
    }
    byLang.set(source, c);
  }
  if (c instanceof PatternError) throw c;
  return c;
}

/**
 * The pattern for a grammar, or undefined when it does not parse there: a JSX pattern in a rule
 * for `typescript` is checked at load against .tsx's grammar and simply cannot occur in .ts files.
 */
export function patternFor(source: string, language: CodeLanguage): CompiledPattern | undefined {
  try {
    return compiledPattern(source, language);
  } catch (e) {
    if (e instanceof PatternError) return undefined;
    throw e;
  }
}

/** ast-grep rejects some loose forms (a selector its context lacks): those fall back to the kind. */
function nativeWorks(rule: NativeRule, language: CodeLanguage): boolean {
  try {
    parseSource(language, '').root().findAll({ rule } as never);
    return true;
  } catch {
    return false;
  }
}

/** The compiled-pattern cache as plain data, for worker threads (a structured clone keeps plain objects, not error classes). */
export type CompiledPatterns = [CodeLanguage, [string, CompiledPattern | { error: string }][]][];

/** What this thread has compiled so far: a worker given it does not compile those patterns again. */
export function compiledPatterns(): CompiledPatterns {
  return [...compiled].map(([language, byLang]) => [language, [...byLang].map(([source, c]) => [source, c instanceof PatternError ? { error: c.message } : c])]);
}

/** Adopt another thread's compiled patterns (from `compiledPatterns`); what this thread compiled already stays. */
export function adoptCompiledPatterns(patterns: CompiledPatterns): void {
  for (const [language, entries] of patterns) {
    let byLang = compiled.get(language);
    if (!byLang) compiled.set(language, (byLang = new Map()));
    for (const [source, c] of entries) if (!byLang.has(source)) byLang.set(source, 'error' in c ? new PatternError(c.error) : c);
  }
}

const PLACEHOLDER = 'VIGILPH';

/**
 * Compile one Semgrep pattern for a grammar. Throws PatternError (with Semgrep-style wording)
 * when the pattern does not parse in that language even inside a context.
 */
export function compilePattern(source: string, language: CodeLanguage): CompiledPattern {
  const deep: PNode[] = [];
  let dollar = rewrite(source, language, deep);
  if (language === 'python') dollar = pythonDictEllipses(dollar);
  if (language === 'java') dollar = javaEllipses(dollar);
  if (JS_FAMILY.has(language)) dollar = jsStatementEllipses(dollar);
  const parsed = parseWithContext(expand(dollar, language), language);
  const root = toPNode(parsed.nodes, language, deep);
  let tokens = [...new Set(collectTokens(root))];
  const first = root.t === 'seq' ? root.items[0]! : root;
  const kinds =
    first.t === 'node'
      ? [first.kind]
      : first.t === 'alt'
        ? first.options.flatMap((o) => (o.t === 'node' ? [o.kind] : []))
        : first.t === 'anystr'
          ? knownKinds(language, [...STRING_KINDS])
          : [];
  // `$X = v` also matches a declaration `const x = v` (Java: `T x = v`), as in Semgrep
  const assigns = kinds.includes('assignment_expression') && DECLARATOR_LANGUAGES.has(language);
  if (assigns) kinds.push('variable_declarator');
  // `var x = v` matches `let` and `const` too (see match.ts)
  // (and `for (var k in o)` matches `for (let k in o)`: a `var` anywhere stands for all three)
  const anyDeclaration = contains(root, (p) => p.t === 'node' && p.kind === 'var') && knownKinds(language, ['lexical_declaration']).length > 0;
  if (anyDeclaration) {
    if (kinds.includes('variable_declaration')) kinds.push('lexical_declaration');
    // a `let` or `const` declaration has no `var` in it
    tokens = tokens.filter((w) => w !== 'var');
  }
  // a JSX pattern matches elements with more attributes, in any order, with or without children
  const jsx = kinds.some((k) => JSX_ELEMENTS.has(k));
  if (jsx) for (const k of JSX_ELEMENTS) if (!kinds.includes(k)) kinds.push(k);
  // a function pattern matches the other function forms (see JS_FUNCTIONS), which need not say `function`
  const fn = JS_FAMILY.has(language) && first.t === 'node' && JS_FUNCTIONS.has(first.kind) && root.t === 'node';
  if (fn) {
    for (const k of knownKinds(language, functionKindsFor(first.kind))) if (!kinds.includes(k)) kinds.push(k);
    tokens = tokens.filter((w) => w !== 'function');
  }
  // declarations match with modifiers, annotations and throws clauses the pattern leaves out; ast-grep would not
  const declaration = first.t === 'node' && DECLARATION_ROOTS.has(first.kind);
  const hasStringRegex = contains(root, (p) => p.t === 'anystr' && p.regex !== undefined);
  const native = root.t === 'node' && !dollar.includes(`${PLACEHOLDER}STRLIT`) && !assigns && !anyDeclaration && !jsx && !declaration && !fn && !hasStringRegex ? nativeRule(dollar, root, parsed, language) : undefined;
  const anchor = collectTokens(first, 2)
    .filter((w) => (!anyDeclaration || w !== 'var') && (!fn || w !== 'function'))
    .sort((a, b) => b.length - a.length)[0];
  const chains = JS_FAMILY.has(language) && contains(root, (p) => p.t === 'node' && (p.kind === 'member_expression' || p.kind === 'call_expression'));
  const modules: string[] = [];
  if (JS_FAMILY.has(language)) markDotted(root, modules);
  return { source, language, root, tokens, kinds, ...(anchor ? { anchor } : {}), ...(native ? { native } : {}), ...(chains ? { chains: true as const } : {}), ...(modules.length ? { modules: [...new Set(modules)] } : {}) };
}

/** The dotted name a pattern node spells (`a.b.c`, identifiers only), or undefined. */
function dottedName(p: PNode): string | undefined {
  if (p.t !== 'node') return undefined;
  if (p.kind === 'identifier' && p.text !== undefined) return p.text;
  if (p.kind !== 'member_expression') return undefined;
  const [obj, dot, prop] = p.children;
  if (p.children.length !== 3 || dot?.t !== 'node' || dot.text !== '.' || prop?.t !== 'node' || prop.kind !== 'property_identifier' || prop.text === undefined) return undefined;
  const base = obj ? dottedName(obj) : undefined;
  return base === undefined ? undefined : `${base}.${prop.text}`;
}

/** Mark each outermost dotted name (`a.b`, `a.b.c`) of a pattern, and collect the modules they start with. */
function markDotted(p: PNode, modules: string[]): void {
  if (p.t === 'node') {
    const name = p.kind === 'member_expression' ? dottedName(p) : undefined;
    if (name !== undefined) {
      p.dotted = name;
      modules.push(name.slice(0, name.indexOf('.')));
      return;
    }
    for (const c of p.children) markDotted(c, modules);
  } else if (p.t === 'seq') for (const c of p.items) markDotted(c, modules);
  else if (p.t === 'deep') markDotted(p.inner, modules);
  else if (p.t === 'alt') for (const c of p.options) markDotted(c, modules);
  else if (p.t === 'chain') markDotted(p.base, modules);
}

/**
 * Semgrep syntax → code with ast-grep metavariables. `<... P ...>` is compiled separately and
 * stands in as a placeholder; `"..."` likewise; `...` becomes `$$$` unless it is a spread.
 */
function rewrite(source: string, language: CodeLanguage, deep: PNode[]): string {
  const ex = '$';
  let s = source.trim();
  // deep expressions, innermost first
  for (;;) {
    const m = /<\.\.\.((?:(?!<\.\.\.)[\s\S])*?)\.\.\.>/.exec(s);
    if (!m) break;
    const inner = compilePattern(m[1]!.trim(), language).root;
    deep.push({ t: 'deep', inner });
    s = `${s.slice(0, m.index)}${ex}${PLACEHOLDER}DEEP${deep.length - 1}${s.slice(m.index + m[0].length)}`;
  }
  // (function replacers: in a replacement string `$$` would mean one `$`)
  // a JSX attribute's `"..."` (`<a href="..." />`) must stay a string to parse: it becomes one whose content marks it
  // (so must an import's source: `import { $X } from "..."`)
  if (s.startsWith('<')) s = s.replace(/(?<=[\w-]=)(["'])\.\.\.\1/g, () => `"${PLACEHOLDER}STRLIT"`);
  s = s.replace(/(?<=\b(?:from|import)\s*)(["'])\.\.\.\1/g, () => `"${PLACEHOLDER}STRLIT"`);
  s = s.replace(/(?<![\w$])([fF]?)(["'])\.\.\.\2/g, (_m, f: string) => `${ex}${PLACEHOLDER}${f ? 'FSTR' : 'STR'}`);
  // `` `...` `` in JavaScript: a template without substitutions is a string to Semgrep, so this is `"..."`
  if (JS_FAMILY.has(language)) s = s.replace(/(?<![\w$])`\.\.\.`/g, () => `${ex}${PLACEHOLDER}STR`);
  // `$...ARGS` → `$$$ARGS`
  s = s.replace(/\$\.\.\.([A-Z_][A-Z0-9_]*)/g, (_m, name: string) => `${ex}${ex}${ex}${name}`);
  // `...` inside a template literal, next to a substitution or the closing backtick
  s = s.replace(/\.\.\.(?=\$\{)/g, () => `${ex}${ex}${ex}`).replace(/(?<=\})\.\.\.(?=`)/g, () => `${ex}${ex}${ex}`);
  // a bare `...` (not a spread `...x`, which the grammar reads itself)
  s = s.replace(/\.\.\.(?![A-Za-z_$(\[{])/g, () => `${ex}${ex}${ex}`);
  return s;
}

/**
 * Python has no bare element in a dict: `{..., "k": v, ...}` becomes `{$$$: $$$, "k": v, $$$: $$$}`,
 * and `convert` turns such a pair back into one ellipsis.
 */
function pythonDictEllipses(code: string): string {
  let out = '';
  let i = 0;
  for (;;) {
    const at = code.indexOf('$$$', i);
    if (at === -1) return out + code.slice(i);
    const after = code.slice(at + 3);
    const bare = /^\s*[,}]/.test(after);
    const open = enclosingOpen(code, at);
    const close = open === -1 ? -1 : matchingClose(code, open);
    const isDict = open !== -1 && code[open] === '{' && close !== -1 && code.slice(open + 1, close).includes(':');
    out += code.slice(i, at) + (bare && isDict ? '$$$: $$$' : '$$$');
    i = at + 3;
  }
}

const JS_FAMILY = new Set<CodeLanguage>(['javascript', 'jsx', 'typescript', 'tsx']);

/**
 * A statement `...` needs no `;` in Semgrep (`{ ... eval(x); ... }` on one line); JavaScript does
 * when another statement follows on the same line: there `$$$` becomes `$$$;`, which `convert`
 * reads as the same ellipsis. A `$$$` that starts a statement and is followed by the start of
 * another on its line is the only one touched.
 */
function jsStatementEllipses(code: string): string {
  let out = '';
  let i = 0;
  for (let at = code.indexOf('$$$'); at !== -1; at = code.indexOf('$$$', at + 3)) {
    let before = at - 1;
    while (before >= 0 && (code[before] === ' ' || code[before] === '\t')) before--;
    const opener = before < 0 || code[before] === '{' || code[before] === ';' || code[before] === '\n';
    let after = at + 3;
    if (/[A-Za-z0-9_]/.test(code[after] ?? '')) continue; // a named `$$$X`: left alone
    while (code[after] === ' ' || code[after] === '\t') after++;
    const next = code[after] ?? '';
    const statementFollows = next !== '' && /[A-Za-z_$]/.test(next);
    if (opener && statementFollows) {
      out += `${code.slice(i, at)}$$$;`;
      i = at + 3;
    }
  }
  return out + code.slice(i);
}

/** The type Java's `(...)` parameters are parsed with, read back as one ellipsis. */
const JAVA_ELLIPSIS_TYPE = 'VigilEllipsisType';

/**
 * Java needs `;` after a statement and a type before a parameter: a `...` statement becomes
 * `$$$;`, and a method's `(...)` parameters `(VigilEllipsisType $$$)`; `convert` reads both back
 * as one ellipsis.
 */
function javaEllipses(code: string): string {
  return code
    .replace(/^(\s*)\$\$\$\s*$/gm, (_m, indent: string) => `${indent}${JAVA_ELLIPSIS_TYPE} $$$;`)
    // a block `{ ... }`, not an array initializer `new T[]{...}` / `= {...}`
    .replace(/(^|[^\]=\s])(\s*)\{\s*\$\$\$\s*\}/g, (_m, before: string, space: string) => `${before}${space}{ ${JAVA_ELLIPSIS_TYPE} $$$; }`)
    .replace(/([A-Za-z_$][\w$]*\s+[A-Za-z_$][\w$]*\s*)\(\s*(\$\$\$[A-Z0-9_]*)\s*\)(\s*(?:throws\s+[\w$.,\s]+)?\{)/g, (_m, head: string, dots: string, tail: string) => `${head}(${JAVA_ELLIPSIS_TYPE} ${dots})${tail}`);
}

/** Metavariables for grammars whose expando is not `$`. */
function expand(code: string, language: CodeLanguage): string {
  const ex = expandoChar(language);
  return ex === '$' ? code : code.replace(/\$/g, () => ex);
}

interface Parsed {
  nodes: SgNode[];
  /** The context the pattern parsed in (`@@` marks its place); undefined when it parsed alone. */
  context?: string;
}

/** The contexts tried, in order, when a pattern does not parse alone. `@@` marks where it goes. */
const CONTEXTS: Record<CodeLanguage, string[]> = {
  javascript: ['(@@)', '({ @@ })', 'class VigilCtx { @@ }', '<vigil-ctx @@ />', 'function vigilCtx() { @@ }'],
  jsx: ['(@@)', '({ @@ })', 'class VigilCtx { @@ }', '<vigil-ctx @@ />', 'function vigilCtx() { @@ }'],
  typescript: ['(@@)', '({ @@ })', 'class VigilCtx { @@ }', 'function vigilCtx() { @@ }'],
  tsx: ['(@@)', '({ @@ })', 'class VigilCtx { @@ }', '<vigil-ctx @@ />', 'function vigilCtx() { @@ }'],
  python: ['def vigil_ctx():\n    @@', 'class VigilCtx:\n    @@', 'vigil_ctx(@@)'],
  go: ['package vigilctx\nfunc vigilCtx() {\n@@\n}', 'package vigilctx\n@@', 'package vigilctx\nvar _ = vigilCtx{@@}'],
  java: ['class VigilCtx { void vigilCtx() { @@ } }', 'class VigilCtx { @@ }', 'class VigilCtx { void vigilCtx() { vigilCtx(@@); } }'],
};

function parseWithContext(code: string, language: CodeLanguage): Parsed {
  const alone = parseSource(language, code).root();
  // `key: value` parses as a label in JavaScript; a pattern author means an object property
  const label = significant(alone.children()).length === 1 && kindOf(significant(alone.children())[0]!) === 'labeled_statement';
  if (!hasError(alone) && !label) return { nodes: unwrapRoot(alone) };
  for (const ctx of CONTEXTS[language]) {
    const at = ctx.indexOf('@@');
    const body = language === 'python' ? code.replace(/\n/g, '\n    ') : code;
    const text = ctx.slice(0, at) + body + ctx.slice(at + 2);
    const root = parseSource(language, text).root();
    if (hasError(root)) continue;
    const nodes = nodesCovering(root, at, at + body.length);
    if (nodes.length) return { nodes, context: ctx };
  }
  if (label) return { nodes: unwrapRoot(alone) };
  throw new PatternError(`the pattern does not parse as ${language}${firstErrorHint(alone)}`);
}

function hasError(n: SgNode): boolean {
  if (kindOf(n) === 'ERROR' || (n.isLeaf() && !n.isNamed() && n.text() === '' && kindOf(n) !== ';' && kindOf(n) !== '')) return true;
  return n.children().some(hasError);
}

function firstErrorHint(root: SgNode): string {
  const err = root.find({ rule: { kind: 'ERROR' } });
  if (!err) return '';
  const r = err.range();
  return ` (near "${err.text().slice(0, 40)}" at column ${r.start.column + 1})`;
}

/** The root's statements, with a lone expression statement unwrapped to its expression. */
function unwrapRoot(root: SgNode): SgNode[] {
  const items = significant(root.children());
  if (items.length === 1) return [unwrapStatement(items[0]!)];
  return items;
}

function unwrapStatement(n: SgNode): SgNode {
  if (EXPRESSION_STATEMENTS.has(kindOf(n))) {
    const inner = significant(n.children());
    if (inner.length === 1) return inner[0]!;
  }
  return n;
}

/** The smallest nodes that together cover [start, end) of the wrapped text (the pattern's place; UTF-16 offsets, as napi gives). */
function nodesCovering(root: SgNode, start: number, end: number): SgNode[] {
  let node = root;
  for (;;) {
    const inside = significant(node.children()).filter((c) => {
      const r = c.range();
      return r.start.index >= start && r.end.index <= end;
    });
    if (inside.length > 0) {
      if (inside.length === 1) {
        const only = inside[0]!;
        const r = only.range();
        // descend through wrappers that are exactly the pattern
        if (r.start.index === start && r.end.index === end) return [unwrapStatement(only)];
      }
      return inside.map(unwrapStatement);
    }
    const containing = significant(node.children()).find((c) => {
      const r = c.range();
      return r.start.index <= start && r.end.index >= end;
    });
    if (!containing) return [];
    node = containing;
  }
}

/** Children that take part in matching: no comments, no punctuation, no zero-width MISSING tokens. */
export function significant(children: SgNode[], kind: (n: SgNode) => string = kindOf): SgNode[] {
  // an anonymous token's kind is its text, and no named kind is punctuation: one read per child
  return children.filter((c) => {
    const k = kind(c);
    return !COMMENTS.has(k) && !PUNCTUATION.has(k);
  });
}

function toPNode(nodes: SgNode[], language: CodeLanguage, deep: PNode[]): PNode {
  if (nodes.length === 1) return convert(nodes[0]!, language, deep);
  return { t: 'seq', items: nodes.map((n) => convert(unwrapStatement(n), language, deep)) };
}

/** Metavariable spelling after the expando swap: `$X`, `$$$X`, `$$$`, `$_`. */
function metavariable(text: string, language: CodeLanguage, deep: readonly PNode[]): PNode | undefined {
  const ex = expandoChar(language).replace(/\$/g, '\\$');
  const m = new RegExp(`^(${ex}${ex}${ex}|${ex})([A-Z_][A-Z0-9_]*)?$`).exec(text);
  if (!m) return undefined;
  const multi = m[1]!.length > expandoChar(language).length;
  const name = m[2];
  if (multi) return name ? { t: 'ellipsis', name: `$${name}` } : { t: 'ellipsis' };
  if (!name) return undefined;
  if (name === '_') return { t: 'mv', name: '$_' };
  if (name === `${PLACEHOLDER}STR`) return { t: 'anystr' };
  if (name === `${PLACEHOLDER}FSTR`) return { t: 'anystr', fstring: true };
  const d = new RegExp(`^${PLACEHOLDER}DEEP(\\d+)$`).exec(name);
  if (d) return deep[Number(d[1])]!;
  return { t: 'mv', name: `$${name}` };
}

function convert(n: SgNode, language: CodeLanguage, deep: PNode[]): PNode {
  const text = n.text();
  // a metavariable alone, whatever kind the grammar gave it (identifier, property_identifier, …)
  if (text.length < 64) {
    const mv = metavariable(text.trim(), language, deep);
    if (mv) return mv;
  }
  const kind = kindOf(n);
  if (STRING_KINDS.has(kind) && !n.children().some((c) => kindOf(c) === 'template_substitution' || kindOf(c) === 'interpolation')) {
    const content = stringContent(text);
    if (content === `${PLACEHOLDER}STRLIT`) return { t: 'anystr' };
    // `"=~/regex/"`: any string whose content the regex finds (Semgrep's string regex)
    const re = /^=~\/([\s\S]*)\/([a-z]*)$/.exec(content);
    if (re) {
      checkStringRegex(re[1]!, re[2]!);
      return { t: 'anystr', regex: re[1]!, flags: re[2]! };
    }
    return { t: 'node', kind, text: content, children: [] };
  }
  const all = n.children();
  const kids = significant(all);
  // `/.../`: any regular expression literal, whatever its flags
  if (kind === 'regex' && kids.length === 3 && kids[1]!.text().trim() === `${expandoChar(language)}${expandoChar(language)}${expandoChar(language)}`) return { t: 'node', kind, children: [{ t: 'ellipsis' }] };
  // a true leaf compares by text; `{}` or `()` compares by (no) children, so comments inside do not count
  if (all.length === 0) return { t: 'node', kind, text, children: [] };
  if (kids.length === 0) return { t: 'node', kind, children: [] };
  // `$$$;` (a statement `...` followed by another on its line) is the ellipsis itself
  if (kind === 'expression_statement' && kids.length === 1) {
    const inner = convert(kids[0]!, language, deep);
    if (inner.t === 'ellipsis') return inner;
  }
  if (language === 'java') {
    // `$$$;` as a statement, and `(VigilEllipsisType $$$)` as parameters, are one ellipsis each
    if ((kind === 'local_variable_declaration' || kind === 'field_declaration') && kids.some((c) => c.text() === JAVA_ELLIPSIS_TYPE)) return { t: 'ellipsis' };
    if (kind === 'formal_parameter' && kids.some((c) => c.text() === JAVA_ELLIPSIS_TYPE)) {
      const name = kids.find((c) => c.text() !== JAVA_ELLIPSIS_TYPE);
      const mv = name ? convert(name, language, deep) : undefined;
      return mv?.t === 'ellipsis' ? mv : { t: 'ellipsis' };
    }
  }
  // `$X. ... .y` parses as `($X.$$$).y`: the inner access with an ellipsis for a property is a chain
  if (CHAIN_KINDS.has(kind)) {
    const named = kids.filter((c) => c.isNamed());
    const last = named[named.length - 1];
    if (named.length === 2 && last && convert(last, language, deep).t === 'ellipsis') return { t: 'chain', base: convert(named[0]!, language, deep) };
  }
  if (kind === 'pair' && language === 'python') {
    const parts = kids.filter((c) => c.isNamed()).map((c) => convert(c, language, deep));
    if (parts.length === 2 && parts.every((x) => x.t === 'ellipsis')) return { t: 'ellipsis' };
  }
  if (kind === 'type_conversion_expression' && language === 'go') return goConversion(kids, language, deep);
  // a lone expression statement inside a block is matched as its expression
  return { t: 'node', kind, children: kids.map((c) => convert(c, language, deep)) };
}

/**
 * Go reads `pkg.F(x)` with one argument as a conversion to type `pkg.F`; a pattern author means
 * the call too (`exec.Command(...)`). Both readings are kept.
 */
function goConversion(kids: SgNode[], language: CodeLanguage, deep: PNode[]): PNode {
  const asConversion: PNode = { t: 'node', kind: 'type_conversion_expression', children: kids.map((c) => convert(c, language, deep)) };
  const [type, ...args] = kids;
  if (!type) return asConversion;
  let callee: PNode;
  const tk = kindOf(type);
  if (tk === 'qualified_type') {
    const [pkg, name] = significant(type.children()).filter((c) => c.isNamed());
    if (!pkg || !name) return asConversion;
    callee = {
      t: 'node',
      kind: 'selector_expression',
      children: [convertAs(pkg, 'identifier', language, deep), { t: 'node', kind: '.', text: '.', children: [] }, convertAs(name, 'field_identifier', language, deep)],
    };
  } else if (tk === 'type_identifier') {
    callee = convertAs(type, 'identifier', language, deep);
  } else {
    return asConversion;
  }
  const call: PNode = { t: 'node', kind: 'call_expression', children: [callee, { t: 'node', kind: 'argument_list', children: args.map((a) => convert(a, language, deep)) }] };
  return { t: 'alt', options: [call, asConversion] };
}

/** A leaf converted under the kind another reading of the grammar gives it. */
function convertAs(n: SgNode, kind: string, language: CodeLanguage, deep: PNode[]): PNode {
  const p = convert(n, language, deep);
  return p.t === 'node' ? { ...p, kind } : p;
}

/** A `"=~/…/"` regex, checked when the pattern compiles so a bad one is the rule's problem. */
function checkStringRegex(source: string, flags: string): void {
  try {
    stringRegex(source, flags);
  } catch (e) {
    throw new PatternError(`the string regex /${source}/ does not compile: ${(e as Error).message}`);
  }
}

const stringRegexes = new Map<string, RegExp>();

/** The compiled `"=~/…/"` regex (a leading `(?i)` as the flag; unanchored, as Semgrep searches). */
export function stringRegex(source: string, flags: string): RegExp {
  const key = `${flags}/${source}`;
  let re = stringRegexes.get(key);
  if (!re) {
    let src = source;
    let f = flags.replace(/[^imsu]/g, '');
    const inline = /^\(\?([ims]+)\)/.exec(src);
    if (inline) {
      src = src.slice(inline[0].length);
      for (const c of inline[1]!) if (!f.includes(c)) f += c;
    }
    re = new RegExp(src, f);
    stringRegexes.set(key, re);
  }
  return re;
}

/** A string literal's content, without its quotes or prefixes (`"a"`, `'a'`, `` `a` ``, `r"a"`, `b'a'`). */
export function stringContent(text: string): string {
  const m = /^[rRbBuUfF]{0,2}("""|'''|["'`])([\s\S]*)\1$/.exec(text);
  return m ? m[2]! : text;
}

/** Identifier-like words a match needs in the file: leaf texts of the pattern that are not metavariables. */
function collectTokens(p: PNode, min = 3): string[] {
  switch (p.t) {
    case 'node':
      if (p.children.length === 0 && p.text !== undefined) return words(p.text, min);
      return p.children.flatMap((c) => collectTokens(c, min));
    case 'seq':
      return p.items.flatMap((c) => collectTokens(c, min));
    case 'alt':
      return collectTokens(p.options[0]!, min);
    case 'chain':
      return collectTokens(p.base, min);
    case 'deep':
      return collectTokens(p.inner, min);
    default:
      return [];
  }
}

/** Words of at least `min` characters (for the file pre-filter, short ones are in every file and filter nothing). */
export function words(text: string, min = 3): string[] {
  // `$where` and `$queryRawUnsafe` are names; only `$` + capital is a metavariable
  return (text.match(new RegExp(`[A-Za-z_$][A-Za-z0-9_$]{${min - 1},}`, 'g')) ?? []).filter((w) => !/^\$[A-Z_]/.test(w));
}

/**
 * A looser ast-grep rule that finds every candidate (a superset of the matches): every bracketed
 * list holding an ellipsis becomes a lone `$$$` (ast-grep's `$$$` does not backtrack the way
 * Semgrep's `...` does), and each metavariable gets its own non-capturing name, so ast-grep's
 * unification never rejects what Semgrep's would accept. Undefined when only the kind can find
 * candidates: Go argument lists with `$$$` (its grammar reads them differently) and sequences.
 */
function nativeRule(dollar: string, root: PNode, parsed: Parsed, language: CodeLanguage): NativeRule | undefined {
  if (root.t !== 'node') return undefined;
  if (language === 'go' && containsEllipsis(root)) return undefined;
  // a chain `$X. ... .y` has no ast-grep spelling: its kind finds the candidates
  if (contains(root, (p) => p.t === 'chain')) return undefined;
  let n = 0;
  const loose = collapseEllipsisLists(dollar).replace(/\$(\$\$)?([A-Z_][A-Z0-9_]*)/g, (_m, multi: string | undefined) => (multi ? '$$$' : `$_V${n++}`));
  // `foo(1);` was unwrapped to the call: ast-grep, given the `;`, would look for statements only
  if (!parsed.context) return { pattern: { context: root.kind !== 'expression_statement' && loose.trimEnd().endsWith(';') ? loose.trimEnd().slice(0, -1) : loose, strictness: 'relaxed' } };
  const at = parsed.context.indexOf('@@');
  const body = language === 'python' ? loose.replace(/\n/g, '\n    ') : loose;
  return { pattern: { context: parsed.context.slice(0, at) + body + parsed.context.slice(at + 2), selector: root.kind, strictness: 'relaxed' } };
}

/** An ast-grep rule object, as `findAll({ rule })` takes it. */
export interface NativeRule {
  pattern: { context: string; selector?: string; strictness: 'relaxed' };
}

/** `f($A, $$$, $B)` → `f($$$)`: the content of every innermost bracket pair holding `$$$` becomes `$$$`. */
export function collapseEllipsisLists(code: string): string {
  let out = code;
  for (let guard = 0; guard < 100; guard++) {
    const at = out.indexOf('$$$');
    if (at === -1) break;
    const open = enclosingOpen(out, at);
    if (open === -1) break;
    const close = matchingClose(out, open);
    if (close === -1) break;
    const inner = out.slice(open + 1, close);
    if (inner.trim() === '\u0000') break;
    out = `${out.slice(0, open + 1)}\u0000${out.slice(close)}`;
  }
  return out.replace(/\u0000/g, () => '$$$');
}

const PAIRS: Record<string, string> = { '(': ')', '[': ']', '{': '}' };

function enclosingOpen(s: string, at: number): number {
  let depth = 0;
  for (let i = at - 1; i >= 0; i--) {
    const c = s[i]!;
    if (c === ')' || c === ']' || c === '}') depth++;
    else if (c === '(' || c === '[' || c === '{') {
      if (depth === 0) return i;
      depth--;
    }
  }
  return -1;
}

function matchingClose(s: string, open: number): number {
  const want = PAIRS[s[open]!]!;
  let depth = 0;
  for (let i = open + 1; i < s.length; i++) {
    const c = s[i]!;
    if (c === '(' || c === '[' || c === '{') depth++;
    else if (c === ')' || c === ']' || c === '}') {
      if (depth === 0) return c === want ? i : -1;
      depth--;
    }
  }
  return -1;
}

function contains(p: PNode, test: (p: PNode) => boolean): boolean {
  if (test(p)) return true;
  switch (p.t) {
    case 'node':
      return p.children.some((c) => contains(c, test));
    case 'deep':
      return contains(p.inner, test);
    case 'seq':
      return p.items.some((c) => contains(c, test));
    case 'alt':
      return p.options.some((c) => contains(c, test));
    case 'chain':
      return contains(p.base, test);
    default:
      return false;
  }
}

function containsEllipsis(p: PNode): boolean {
  // a chain `$X. ... .y` is an ellipsis too
  return contains(p, (q) => q.t === 'ellipsis' || q.t === 'chain');
}
