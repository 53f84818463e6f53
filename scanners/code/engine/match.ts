/**
 * Semgrep's matching of one compiled pattern against one tree-sitter node: metavariables bind
 * and unify (the same name must be the same code), `...` matches zero or more items of a list and
 * backtracks, `"..."` matches any string literal, `<... P ...>` matches a node containing P.
 */
import type { SgNode } from '@ast-grep/napi';
import { isWordChar } from './prefilter.js';
import { functionKindsFor, JS_FUNCTIONS, JSX_ELEMENTS, kindOf, significant, stringContent, stringRegex, STRING_KINDS, type PNode } from './pattern.js';

/** Where a piece of code is: offsets in UTF-16 units (for containment) and 0-based line/column (for reports). */
export interface Span {
  startIndex: number;
  endIndex: number;
  startLine: number;
  startColumn: number;
  endLine: number;
  endColumn: number;
}

/** What a metavariable is bound to. */
export interface Binding {
  text: string;
  span: Span;
  /** The node (for `$X`); undefined for a list bound by `$...X`. */
  node?: SgNode;
}

export type Bindings = ReadonlyMap<string, Binding>;

/** One match: where, and what the metavariables are bound to. */
export interface Match {
  span: Span;
  bindings: Bindings;
  /**
   * The same pattern matched again at the same place, starting from other bindings: a deep
   * `<... $X ...>` binds the first node it meets, and a seeded match lets it find the one that
   * agrees with `$X` bound elsewhere (used for pattern-not and pattern-not-inside).
   */
  rematch?: (seed: Bindings) => Bindings | undefined;
  /** The node matched, when the match is one node: negatives are then checked on it and its ancestors, without a search. */
  node?: SgNode;
}

const EMPTY: Bindings = new Map();

interface NodeFacts {
  kind?: string;
  sig?: SgNode[];
  text?: string;
  span?: Span;
}

/**
 * What has been read of a node through napi (each read crosses into native code). A candidate is
 * tried against every pattern of its kind; its children come back as the same wrapper objects
 * from here, so each fact is read once per node, however many patterns look at it.
 */
const FACTS = Symbol('vigil.facts');
type WithFacts = SgNode & { [FACTS]?: NodeFacts };

function factsOf(t: SgNode): NodeFacts {
  // kept on the wrapper itself: a property read is much cheaper than a WeakMap lookup, and the facts die with it
  const w = t as WithFacts;
  return (w[FACTS] ??= {});
}

/** The node's kind, read once. */
export function kindM(t: SgNode): string {
  const f = factsOf(t);
  return (f.kind ??= kindOf(t));
}

/** The node's significant children, read once (the same wrappers every time). */
export function sigM(t: SgNode): SgNode[] {
  const f = factsOf(t);
  return (f.sig ??= significant(t.children(), kindM));
}

/** The node's text, read once. */
export function textM(t: SgNode): string {
  const f = factsOf(t);
  return (f.text ??= t.text());
}

/** The node's span, read once. */
export function spanM(t: SgNode): Span {
  const f = factsOf(t);
  return (f.span ??= spanOf(t));
}

export function spanOf(n: SgNode): Span {
  const r = n.range();
  return { startIndex: r.start.index, endIndex: r.end.index, startLine: r.start.line, startColumn: r.start.column, endLine: r.end.line, endColumn: r.end.column };
}

function spanOfList(nodes: SgNode[], at: SgNode | undefined): Span {
  if (nodes.length === 0) {
    const s = at ? spanOf(at) : { startIndex: 0, endIndex: 0, startLine: 0, startColumn: 0, endLine: 0, endColumn: 0 };
    return { ...s, endIndex: s.startIndex, endLine: s.startLine, endColumn: s.startColumn };
  }
  const a = spanOf(nodes[0]!);
  const b = spanOf(nodes[nodes.length - 1]!);
  return { startIndex: a.startIndex, startLine: a.startLine, startColumn: a.startColumn, endIndex: b.endIndex, endLine: b.endLine, endColumn: b.endColumn };
}

/** Code compared for unification: whitespace does not count, as in Semgrep. */
export function normalised(text: string): string {
  return text.replace(/\s+/g, '');
}

/** A binding to a node whose text and span are read from napi only if someone asks. */
function nodeBinding(t: SgNode): Binding {
  return {
    node: t,
    get text() {
      return textM(t);
    },
    get span() {
      return spanM(t);
    },
  };
}

/** Bind a name, or check it against what it is already bound to. */
/** A string pattern that is one metavariable: `"$X"`, `'$ALGO'`. */
const QUOTED_MV = /^\$[A-Z_][A-Z0-9_]*$/;

/** A string literal's content (without its quotes) as a binding, spanning the content. */
function contentBinding(t: SgNode): Binding {
  const text = stringContent(textM(t));
  const whole = spanM(t);
  const quote = textM(t).indexOf(text);
  const start = quote > 0 ? quote : 0;
  const span: Span = whole.startLine === whole.endLine
    ? { ...whole, startIndex: whole.startIndex + start, startColumn: whole.startColumn + start, endIndex: whole.startIndex + start + text.length, endColumn: whole.startColumn + start + text.length }
    : whole;
  return { node: t, text, span };
}

export function bind(b: Bindings, name: string, value: Binding): Bindings | undefined {
  const had = b.get(name);
  if (had) return normalised(had.text) === normalised(value.text) ? b : undefined;
  const next = new Map(b);
  next.set(name, value);
  return next;
}

/** Merge two sets of bindings; undefined when a shared name is bound to different code. */
export function unify(a: Bindings, b: Bindings): Bindings | undefined {
  if (a.size === 0) return b;
  if (b.size === 0) return a;
  let out: Bindings = a;
  for (const [name, value] of b) {
    const next = bind(out, name, value);
    if (!next) return undefined;
    out = next;
  }
  return out;
}

/** Match a pattern against a node; the bindings extended, or undefined. */
export function matchNode(p: PNode, t: SgNode, b: Bindings = EMPTY): Bindings | undefined {
  switch (p.t) {
    case 'mv': {
      if (p.name === '$_') return b;
      // a TypeScript parameter `event: T` binds its name, as Semgrep binds a parameter metavariable
      const k = kindM(t);
      if (k === 'required_parameter' || k === 'optional_parameter') {
        const name = t.field('pattern' as never) as SgNode | null;
        if (name && kindM(name) === 'identifier') return bind(b, p.name, nodeBinding(name));
      }
      return bind(b, p.name, nodeBinding(t));
    }
    case 'ellipsis':
      return b;
    case 'anystr':
      // constant propagation: a name whose value is a constant string is that string to `"..."`
      if (kindM(t) === 'identifier') {
        if (p.fstring) return undefined;
        const value = constantString(t);
        return value !== undefined && (p.regex === undefined || stringRegex(p.regex, p.flags ?? '').test(value)) ? b : undefined;
      }
      if (!STRING_KINDS.has(kindM(t))) return undefined;
      if (p.regex !== undefined) return !hasSubstitution(t) && stringRegex(p.regex, p.flags ?? '').test(stringContent(textM(t))) ? b : undefined;
      if (p.fstring) return /^[a-zA-Z]*[fF][a-zA-Z]*["']/.test(textM(t)) ? b : undefined;
      return hasSubstitution(t) ? undefined : b;
    case 'deep':
      return matchDeep(p.inner, t, b);
    case 'seq':
      return undefined;
    case 'chain':
      return matchChain(p.base, t, b);
    case 'alt':
      for (const o of p.options) {
        const r = matchNode(o, t, b);
        if (r) return r;
      }
      return undefined;
    case 'node': {
      const kind = kindM(t);
      if (JSX_ELEMENTS.has(p.kind)) return matchJsx(p, t, b);
      // `import { exec } from 'm'` matches an import of more names (Semgrep reads one import per name)
      if (p.kind === 'named_imports' && kind === 'named_imports') return matchSubset(p.children.filter((c) => c.t !== 'ellipsis'), sigM(t), b);
      if (JS_FUNCTIONS.has(p.kind) && p.kind !== 'method_definition' && JS_FUNCTIONS.has(kind)) {
        const parts = patternFunction(p);
        if (parts) return matchFunction(p.kind, parts, t, b);
      }
      // `child_process.exec` matches `exec` imported from 'child_process' (Semgrep's import aliasing)
      if (p.dotted !== undefined && importedAs(t) === p.dotted) return b;
      if (kind !== p.kind) {
        // `a.b` matches `a?.b` (Semgrep reads optional chaining as plain access)
        if (p.kind === '.' && OPTIONAL_CHAIN.has(kind)) return b;
        // `for (var k in o)` matches `let` and `const` loops (`var` in a declaration is handled below)
        if (p.kind === 'var' && (kind === 'let' || kind === 'const')) return b;
        // an expression pattern matches the statement that is only that expression
        if (kind === 'expression_statement' || kind === 'parenthesized_expression') {
          const inner = sigM(t);
          if (inner.length === 1) return matchNode(p, inner[0]!, b);
        }
        // `var x = v` also matches `let` and `const` declarations (Semgrep reads them as one construct)
        if (p.kind === 'variable_declaration' && kind === 'lexical_declaration') {
          const [keyword, ...rest] = p.children;
          const parts = sigM(t);
          if (keyword?.t !== 'node' || keyword.text !== 'var' || parts.length === 0) return undefined;
          return matchList(rest, parts.slice(1), b, t);
        }
        if (p.kind === 'assignment_expression') {
          // `$X = v` matches `const x = v` / `let x: T = v` / Java's `T x = v`
          if (kind === 'variable_declarator') {
            const parts = sigM(t).filter((c) => !TYPE_KINDS.has(kindM(c)));
            return matchList(p.children, parts, b, t);
          }
          const single = soleDeclarator(t);
          if (single) return matchNode(p, single, b);
        }
        return undefined;
      }
      if (p.text !== undefined) {
        if (STRING_KINDS.has(kind)) {
          // `'$ALGO'`: a metavariable alone in quotes binds the string's content
          if (QUOTED_MV.test(p.text)) return hasSubstitution(t) ? undefined : bind(b, p.text, contentBinding(t));
          return stringContent(textM(t)) === p.text ? b : undefined;
        }
        return textM(t) === p.text ? b : undefined;
      }
      // `{ ... }`, `f(...)`: any children match, and a big body's children need not be read
      if (anyChildren(p)) return b;
      return matchList(p.children, withoutOptionalCall(p, omitUnmentioned(p, sigM(t))), b, t);
    }
  }
}

/**
 * A JSX element pattern: the same element name, and each attribute of the pattern matched by a
 * different attribute of the element, in any order; the element may have more attributes and
 * children (Semgrep's reading of JSX patterns).
 */
function matchJsx(p: Extract<PNode, { t: 'node' }>, t: SgNode, b: Bindings): Bindings | undefined {
  if (!JSX_ELEMENTS.has(kindM(t))) return undefined;
  const named = (kids: SgNode[]) => kids.filter((c) => c.isNamed());
  const pk = p.children.filter((c) => !(c.t === 'node' && c.text !== undefined && /^(<|>|\/>|\/)$/.test(c.text)));
  const [pname, ...pattrs] = pk;
  const [tname, ...tattrs] = named(sigM(t));
  if (!pname || !tname) return undefined;
  const start = matchNode(pname, tname, b);
  if (!start) return undefined;
  return matchSubset(pattrs.filter((a) => a.t !== 'ellipsis'), tattrs, start);
}

/** Each pattern matched by a different one of the nodes, in any order (backtracking). */
function matchSubset(wanted: readonly PNode[], ts: readonly SgNode[], b: Bindings): Bindings | undefined {
  const used = new Set<number>();
  const place = (i: number, cur: Bindings): Bindings | undefined => {
    if (i === wanted.length) return cur;
    for (let j = 0; j < ts.length; j++) {
      if (used.has(j)) continue;
      const r = matchNode(wanted[i]!, ts[j]!, cur);
      if (!r) continue;
      used.add(j);
      const done = place(i + 1, r);
      if (done) return done;
      used.delete(j);
    }
    return undefined;
  };
  return place(0, b);
}

/** A JavaScript function's parts, as a function pattern compares them. */
interface FunctionParts<N> {
  name?: N;
  params: N[];
  returnType?: N;
  body?: N;
  async: boolean;
}

/** Tokens of a function's head that take no part in matching (`function`, `*`, `=>`, a method's modifiers). */
const FUNCTION_NOISE = new Set(['function', '*', '=>', 'static', 'get', 'set', 'accessibility_modifier', 'override_modifier', 'readonly', 'decorator', 'type_parameters']);

const patternFunctions = new WeakMap<PNode, FunctionParts<PNode> | null>();

/** A JavaScript function pattern's parts; undefined when the node is not one (Go's `function_declaration` shares the kind). */
function patternFunction(p: Extract<PNode, { t: 'node' }>): FunctionParts<PNode> | undefined {
  let r = patternFunctions.get(p);
  if (r === undefined) {
    r = functionParts(p.kind === 'arrow_function', p.children, (c) => (c.t === 'node' ? c.kind : c.t), (c) => (c.t === 'node' ? c.children : [])) ?? null;
    patternFunctions.set(p, r);
  }
  return r ?? undefined;
}

function functionParts<N>(arrow: boolean, kids: readonly N[], kind: (n: N) => string, children: (n: N) => readonly N[]): FunctionParts<N> | undefined {
  const out: FunctionParts<N> = { params: [], async: false };
  let seenParams = false;
  for (const c of kids) {
    const k = kind(c);
    if (k === 'async') out.async = true;
    else if (FUNCTION_NOISE.has(k)) continue;
    else if (k === 'formal_parameters' && !seenParams) {
      out.params = [...children(c)];
      seenParams = true;
    } else if (!seenParams) {
      // before the parameters: the name, or an arrow's one unparenthesised parameter
      if (arrow) {
        out.params = [c];
        seenParams = true;
      } else out.name = c;
    } else if (k === 'type_annotation' && out.body === undefined) out.returnType = c;
    else out.body = c;
  }
  return seenParams ? out : undefined;
}

/**
 * A function pattern against one of the function forms: the pattern's name (when it has one and
 * it is not `...`), its parameters, return type (when given) and body must match; `async` in the
 * pattern must be there. An arrow's expression body matches a pattern body of only `...`.
 */
function matchFunction(kind: string, pp: FunctionParts<PNode>, t: SgNode, b: Bindings): Bindings | undefined {
  if (!functionKindsFor(kind).includes(kindM(t))) return undefined;
  const tp = functionParts(kindM(t) === 'arrow_function', sigM(t), kindM, sigM);
  if (!tp || (pp.async && !tp.async)) return undefined;
  let cur: Bindings | undefined = b;
  if (pp.name && pp.name.t !== 'ellipsis') {
    if (!tp.name) return undefined;
    cur = matchNode(pp.name, tp.name, cur);
    if (!cur) return undefined;
  }
  cur = matchList(pp.params, tp.params, cur, t);
  if (!cur) return undefined;
  if (pp.returnType) {
    if (!tp.returnType) return undefined;
    cur = matchNode(pp.returnType, tp.returnType, cur);
    if (!cur) return undefined;
  }
  if (!pp.body) return cur;
  if (!tp.body) return undefined;
  const block = pp.body.t === 'node' && pp.body.kind === 'statement_block';
  if (block === (kindM(tp.body) === 'statement_block')) return matchNode(pp.body, tp.body, cur);
  // a block pattern of only `...` matches an arrow's expression body
  return block && pp.body.t === 'node' && pp.body.children.every((c) => c.t === 'ellipsis' && !c.name) ? cur : undefined;
}

/** `?.` as the grammars give it: a node in JavaScript's, a bare token in TypeScript's. */
const OPTIONAL_CHAIN = new Set(['optional_chain', '?.']);

/** `f?.(x)`'s parts without the `?.`, for a pattern `f(x)` that has none. */
function withoutOptionalCall(p: Extract<PNode, { t: 'node' }>, ts: SgNode[]): SgNode[] {
  if (ts.length === 3 && p.children.length === 2 && OPTIONAL_CHAIN.has(kindM(ts[1]!))) return [ts[0]!, ts[2]!];
  return ts;
}

/** Parts of a declaration a pattern may leave out and still match (Semgrep: unspecified means any). */
const OMITTABLE = new Set(['modifiers', 'throws', 'marker_annotation', 'annotation', 'decorator', 'superclass', 'super_interfaces', 'type_parameters', 'accessibility_modifier', 'async']);
const omittableCache = new WeakMap<PNode, ReadonlySet<string>>();

/** The target's children without the omittable parts the pattern does not mention. */
function omitUnmentioned(p: Extract<PNode, { t: 'node' }>, ts: SgNode[]): SgNode[] {
  let mentioned = omittableCache.get(p);
  if (!mentioned) {
    mentioned = new Set(p.children.flatMap((c) => (c.t === 'node' && OMITTABLE.has(c.kind) ? [c.kind] : [])));
    omittableCache.set(p, mentioned);
  }
  let drop = false;
  for (const t of ts) if (OMITTABLE.has(kindM(t)) && !mentioned.has(kindM(t))) drop = true;
  return drop ? ts.filter((t) => !OMITTABLE.has(kindM(t)) || mentioned.has(kindM(t))) : ts;
}

/** Fields holding what a property access or call is made on, across the grammars. */
const CHAIN_FIELDS = ['object', 'function', 'operand', 'value'] as const;

/** `$X. ... .`: the node itself, or what its accesses and calls are made on, matches the base. */
function matchChain(base: PNode, t: SgNode, b: Bindings): Bindings | undefined {
  for (let cur: SgNode | null = t, depth = 0; cur && depth < 64; depth++) {
    const r = matchNode(base, cur, b);
    if (r) return r;
    let next: SgNode | null = null;
    for (const f of CHAIN_FIELDS) {
      next = cur.field(f as never) as SgNode | null;
      if (next) break;
    }
    cur = next;
  }
  return undefined;
}

/** Type annotations a declaration may carry that an assignment pattern does not mention. */
const TYPE_KINDS = new Set(['type_annotation', 'type_identifier', 'generic_type', 'integral_type', 'floating_point_type', 'boolean_type', 'array_type', 'scoped_type_identifier']);
const DECLARATIONS = new Set(['lexical_declaration', 'variable_declaration', 'local_variable_declaration', 'field_declaration']);

/** The declarator of a declaration that declares exactly one name. */
function soleDeclarator(t: SgNode): SgNode | undefined {
  if (!DECLARATIONS.has(kindM(t))) return undefined;
  const ds = t.children().filter((c) => kindM(c) === 'variable_declarator');
  return ds.length === 1 ? ds[0] : undefined;
}

function hasSubstitution(t: SgNode): boolean {
  return t.children().some((c) => {
    const k = kindM(c);
    return k === 'template_substitution' || k === 'interpolation';
  });
}

/**
 * The constant string a JavaScript/TypeScript expression always has, as Semgrep's constant
 * propagation sees it: a string or template literal without substitutions, `+` of constants,
 * or a name declared in an enclosing scope with such a value — by `const`, or by `let`/`var`
 * when the file never assigns the name again. Undefined when it is not known to be constant.
 */
export function constantString(t: SgNode, depth = 0): string | undefined {
  if (depth > 8) return undefined;
  const kind = kindM(t);
  if (kind === 'string' || kind === 'template_string') return hasSubstitution(t) ? undefined : stringContent(textM(t));
  if (kind === 'parenthesized_expression') {
    const inner = sigM(t);
    return inner.length === 1 ? constantString(inner[0]!, depth + 1) : undefined;
  }
  if (kind === 'binary_expression') {
    const [l, op, r] = sigM(t);
    if (!l || !r || op?.text() !== '+') return undefined;
    const a = constantString(l, depth + 1);
    const c = a === undefined ? undefined : constantString(r, depth + 1);
    return a === undefined || c === undefined ? undefined : a + c;
  }
  if (kind !== 'identifier') return undefined;
  // one answer per name's place in the file: every `"..."` candidate asks again
  const at = t.range().start.index;
  const known = constants?.results.get(at);
  if (known !== undefined) return known ?? undefined;
  const value = declaredConstant(t, depth);
  constants?.results.set(at, value ?? null);
  return value;
}

function declaredConstant(t: SgNode, depth: number): string | undefined {
  const name = textM(t);
  for (let scope = t.parent(); scope; scope = scope.parent()) {
    if (!BLOCK_KINDS.has(kindM(scope)) && kindM(scope) !== 'program') continue;
    const decl = declarationsIn(scope).get(name);
    if (!decl) continue;
    const value = decl.declarator.field('value');
    if (!value || (value.range().start.index <= t.range().start.index && value.range().end.index >= t.range().end.index)) return undefined;
    if (decl.keyword !== 'const' && assignedAgain(scope, name)) return undefined;
    return constantString(value, depth + 1);
  }
  return undefined;
}

interface Declaration {
  keyword: string | undefined;
  declarator: SgNode;
}

/** Per file being evaluated: what constant propagation has read (see `withConstantCache`). */
interface ConstantCache {
  results: Map<number, string | null>;
  scopes: Map<string, Map<string, Declaration>>;
  assigned: Map<string, boolean>;
  /** The file's imported names and what they stand for (see `importedAs`). */
  imports?: Map<string, string>;
}

let constants: ConstantCache | undefined;

/**
 * Run `fn` (the evaluation of one file) with constant propagation's memory of that file: each
 * scope's declarations are read once, and each name's answer is kept, so a file of many
 * candidates costs one read of each scope. Offsets key it, so a nested evaluation of other text
 * (a metavariable-pattern in another language) gets its own.
 */
export function withConstantCache<T>(fn: () => T): T {
  const outer = constants;
  constants = { results: new Map(), scopes: new Map(), assigned: new Map() };
  try {
    return fn();
  } finally {
    constants = outer;
  }
}

/**
 * The dotted name an expression stands for through the file's imports, as Semgrep resolves them
 * in JavaScript: `exec` after `import { exec } from 'child_process'` (or `import { exec as e }`,
 * or `const { exec } = require('child_process')`) is `child_process.exec`; `cp.exec` after
 * `import * as cp from 'child_process'` or `import cp from 'child_process'` is too. A plain
 * `const cp = require('child_process')` is not resolved, as in Semgrep. Undefined otherwise.
 */
function importedAs(t: SgNode): string | undefined {
  if (!constants) return undefined;
  const kind = kindM(t);
  if (kind !== 'identifier' && kind !== 'member_expression') return undefined;
  const imports = (constants.imports ??= importsOf(t.getRoot().root()));
  if (imports.size === 0) return undefined;
  if (kind === 'identifier') return imports.get(textM(t));
  const parts: string[] = [];
  let cur: SgNode = t;
  while (kindM(cur) === 'member_expression') {
    const prop = cur.field('property');
    const obj = cur.field('object');
    if (!prop || !obj || kindM(prop) !== 'property_identifier') return undefined;
    parts.unshift(textM(prop));
    cur = obj;
  }
  if (kindM(cur) !== 'identifier') return undefined;
  const base = imports.get(textM(cur));
  return base === undefined ? undefined : [base, ...parts].join('.');
}

/** What each imported name of a JavaScript/TypeScript file stands for, from its top-level imports and `require` destructurings. */
function importsOf(root: SgNode): Map<string, string> {
  const out = new Map<string, string>();
  const moduleName = (s: SgNode | null) => (s && kindM(s) === 'string' ? stringContent(textM(s)) : undefined);
  for (const stmt of root.children()) {
    const kind = kindM(stmt);
    if (kind === 'import_statement') {
      const from = moduleName(stmt.field('source'));
      const clause = stmt.children().find((c) => kindM(c) === 'import_clause');
      if (from === undefined || !clause) continue;
      for (const c of clause.children()) {
        const k = kindM(c);
        if (k === 'identifier') out.set(textM(c), from);
        else if (k === 'namespace_import') {
          const id = c.children().find((x) => kindM(x) === 'identifier');
          if (id) out.set(textM(id), from);
        } else if (k === 'named_imports') {
          for (const spec of c.children()) {
            if (kindM(spec) !== 'import_specifier') continue;
            const name = spec.field('name');
            const alias = spec.field('alias') ?? name;
            if (name && alias) out.set(textM(alias), `${from}.${stringContent(textM(name))}`);
          }
        }
      }
    } else if (kind === 'lexical_declaration' || kind === 'variable_declaration') {
      for (const d of stmt.children()) {
        if (kindM(d) !== 'variable_declarator') continue;
        const pattern = d.field('name');
        const value = d.field('value');
        if (!pattern || !value || kindM(pattern) !== 'object_pattern' || kindM(value) !== 'call_expression') continue;
        const callee = value.field('function');
        const args = value.field('arguments');
        const arg = args ? significant(args.children()) : [];
        const from = callee && textM(callee) === 'require' && arg.length === 1 ? moduleName(arg[0]!) : undefined;
        if (from === undefined) continue;
        for (const c of pattern.children()) {
          const k = kindM(c);
          if (k === 'shorthand_property_identifier_pattern') out.set(textM(c), `${from}.${textM(c)}`);
          else if (k === 'pair_pattern') {
            const key = c.field('key');
            const val = c.field('value');
            if (key && val && kindM(val) === 'identifier') out.set(textM(val), `${from}.${stringContent(textM(key))}`);
          }
        }
      }
    }
  }
  return out;
}

function scopeKey(scope: SgNode): string {
  const r = scope.range();
  return `${r.start.index}:${r.end.index}`;
}

/** The names declared (`var`, `let`, `const`) directly in a scope, the first declaration of each. */
function declarationsIn(scope: SgNode): Map<string, Declaration> {
  const key = scopeKey(scope);
  let out = constants?.scopes.get(key);
  if (out) return out;
  out = new Map();
  for (const stmt of scope.children()) {
    const sk = kindM(stmt);
    if (sk !== 'lexical_declaration' && sk !== 'variable_declaration') continue;
    const keyword = stmt.child(0)?.text();
    for (const d of stmt.children()) {
      if (kindM(d) !== 'variable_declarator') continue;
      const id = d.field('name');
      if (!id || kindM(id) !== 'identifier' || out.has(textM(id))) continue;
      out.set(textM(id), { keyword, declarator: d });
    }
  }
  constants?.scopes.set(key, out);
  return out;
}

/** A scope longer than this is not searched for assignments: the name is taken as reassigned. */
const MAX_SCOPE_TEXT = 256 * 1024;

/** Whether the name is the target of an assignment (`x = …`, `x += …`, `x++`) in the scope besides its declaration. */
function assignedAgain(scope: SgNode, name: string): boolean {
  const key = `${scopeKey(scope)}:${name}`;
  let r = constants?.assigned.get(key);
  if (r === undefined) {
    r = assignmentsIn(scope, name);
    constants?.assigned.set(key, r);
  }
  return r;
}

function assignmentsIn(scope: SgNode, name: string): boolean {
  const text = textM(scope);
  if (text.length > MAX_SCOPE_TEXT) return true;
  let assignments = 0;
  for (let i = text.indexOf(name); i !== -1; i = text.indexOf(name, i + 1)) {
    const before = text.charCodeAt(i - 1);
    if (isWordChar(before) || before === 46 /* . */) continue;
    let j = i + name.length;
    if (isWordChar(text.charCodeAt(j))) continue;
    while (text[j] === ' ' || text[j] === '\t') j++;
    const c = text[j];
    const n = text[j + 1];
    if ((c === '=' && n !== '=' && n !== '>') || ((c === '+' || c === '-') && (n === '=' || n === c)) || ('*/%&|^'.includes(c ?? 'x') && n === '=')) {
      if (++assignments > 1) return true;
    }
  }
  return false;
}

/** A node pattern whose children are one unnamed `...`: every list of children matches it. */
function anyChildren(p: Extract<PNode, { t: 'node' }>): boolean {
  const c = p.children;
  return c.length === 1 && c[0]!.t === 'ellipsis' && c[0]!.name === undefined;
}

/** Above this many characters, a subtree is searched for `<... P ...>` by ast-grep rather than walked child by child. */
const NATIVE_DEEP_CHARS = 2048;

/** The ast-grep rule finding the nodes a deep pattern's inner part can match, by kind; null when no kind narrows them. */
const deepRules = new WeakMap<PNode, object | null>();

function deepRule(inner: PNode): object | null {
  let r = deepRules.get(inner);
  if (r === undefined) {
    const kinds = candidateKinds(inner);
    r = kinds ? { rule: { any: kinds.map((kind) => ({ kind })) } } : null;
    deepRules.set(inner, r);
  }
  return r;
}

/**
 * Kinds a node must have for `matchNode(p, node)` to match it, leaving out wrappers whose match is
 * their only child's (a statement or parentheses around an expression, a declaration of one name):
 * that child is met right after them in a walk, with the same result. Undefined when any kind may.
 */
function candidateKinds(p: PNode): string[] | undefined {
  switch (p.t) {
    case 'node':
      if (JSX_ELEMENTS.has(p.kind)) return [...JSX_ELEMENTS];
      if (JS_FUNCTIONS.has(p.kind)) return functionKindsFor(p.kind);
      return p.kind === 'assignment_expression' ? [p.kind, 'variable_declarator'] : [p.kind];
    case 'alt': {
      const all: string[] = [];
      for (const o of p.options) {
        const k = candidateKinds(o);
        if (!k) return undefined;
        all.push(...k);
      }
      return [...new Set(all)];
    }
    default:
      return undefined;
  }
}

/**
 * `<... P ...>`: the node itself or any node inside it, the first in a pre-order walk. A big
 * subtree is searched natively for the nodes of P's kinds (in the same order); a small one, or
 * when no kind narrows P, is walked here. Comments and punctuation are skipped: P could only match
 * them if it matched any node, and then it matched the subtree's top already.
 */
function matchDeep(inner: PNode, t: SgNode, b: Bindings): Bindings | undefined {
  const here = matchNode(inner, t, b);
  if (here) return here;
  const rule = deepRule(inner);
  if (rule) {
    const span = spanM(t);
    if (span.endIndex - span.startIndex > NATIVE_DEEP_CHARS) {
      let found: SgNode[] | undefined;
      try {
        found = t.findAll(rule as never);
      } catch {
        // a kind this grammar lacks: walk instead
        deepRules.set(inner, null);
      }
      if (found) {
        for (const c of found) {
          const r = matchNode(inner, c, b);
          if (r) return r;
        }
        return undefined;
      }
    }
  }
  for (const c of sigM(t)) {
    if (!c.isNamed()) continue;
    const r = matchDeep(inner, c, b);
    if (r) return r;
  }
  return undefined;
}

/** At most this many readings of one match are enumerated (see `matchAll`). */
const MAX_READINGS = 64;
/** At most this many steps are spent enumerating the readings of one match. */
const MAX_READING_STEPS = 20_000;

/**
 * Every way a pattern matches a node, not only the first: `f(..., $X, ...)` on `f(a, b)` binds
 * `$X` to `a` and, in another reading, to `b` — Semgrep keeps each, and a metavariable condition
 * then keeps the readings it accepts. Lists are enumerated (their ellipses at every split, each
 * item's own readings); anything else is read once by `matchNode`. Bounded in readings and steps.
 */
export function matchAll(p: PNode, t: SgNode, b: Bindings = EMPTY): Bindings[] {
  const out: Bindings[] = [];
  const budget = { steps: MAX_READING_STEPS };
  readings(p, t, b, (r) => {
    out.push(r);
    return out.length >= MAX_READINGS;
  }, budget);
  return out;
}

/** Calls `k` with each reading; stops when `k` returns true or the budget is spent. Returns whether to stop. */
function readings(p: PNode, t: SgNode, b: Bindings, k: (b: Bindings) => boolean, budget: { steps: number }): boolean {
  if (--budget.steps < 0) return true;
  if (p.t === 'node' && p.text === undefined && !JSX_ELEMENTS.has(p.kind) && !JS_FUNCTIONS.has(p.kind) && p.kind !== 'named_imports' && kindM(t) === p.kind && !anyChildren(p) && hasEllipsisDeep(p)) {
    return listReadings(p.children, withoutOptionalCall(p, omitUnmentioned(p, sigM(t))), 0, 0, b, k, budget);
  }
  const r = matchNode(p, t, b);
  return r ? k(r) : false;
}

function listReadings(ps: readonly PNode[], ts: readonly SgNode[], i: number, j: number, b: Bindings, k: (b: Bindings) => boolean, budget: { steps: number }): boolean {
  if (--budget.steps < 0) return true;
  if (i === ps.length) return j === ts.length ? k(b) : false;
  const p = ps[i]!;
  if (p.t === 'ellipsis') {
    for (let end = j; end <= ts.length; end++) {
      let next: Bindings | undefined = b;
      if (p.name) {
        const taken = ts.slice(j, end);
        next = bind(b, p.name, { text: taken.map((n) => n.text()).join(', '), span: spanOfList(taken as SgNode[], ts[j]) });
      }
      if (next && listReadings(ps, ts, i + 1, end, next, k, budget)) return true;
    }
    return false;
  }
  if (j >= ts.length) return false;
  return readings(p, ts[j]!, b, (r) => listReadings(ps, ts, i + 1, j + 1, r, k, budget), budget);
}

const deepEllipsis = new WeakMap<PNode, boolean>();

/** Whether a list somewhere in the pattern has an ellipsis (else there is one reading). */
function hasEllipsisDeep(p: PNode): boolean {
  let r = deepEllipsis.get(p);
  if (r === undefined) {
    r = p.t === 'ellipsis' || (p.t === 'node' && p.children.some(hasEllipsisDeep));
    deepEllipsis.set(p, r);
  }
  return r;
}

/** Match a list of patterns (with ellipses) against all of a list of nodes. */
export function matchList(ps: readonly PNode[], ts: readonly SgNode[], b: Bindings, parent?: SgNode): Bindings | undefined {
  if (!hasEllipsis(ps)) {
    // fixed length: reject on length, kinds and leaf texts before binding anything
    if (ps.length !== ts.length) return undefined;
    for (let i = 0; i < ps.length; i++) if (!couldMatch(ps[i]!, ts[i]!)) return undefined;
  }
  return listFrom(ps, 0, ts, 0, b, parent, true)?.b;
}

const ellipsisLists = new WeakMap<readonly PNode[], boolean>();

function hasEllipsis(ps: readonly PNode[]): boolean {
  let r = ellipsisLists.get(ps);
  if (r === undefined) ellipsisLists.set(ps, (r = ps.some((p) => p.t === 'ellipsis')));
  return r;
}

/** Kinds a node of another kind may still match through (statement unwrapping, declarations). */
const LENIENT_KINDS = new Set(['expression_statement', 'parenthesized_expression', 'variable_declarator', ...DECLARATIONS]);

/** A cheap necessary condition for `matchNode(p, t)`: same kind (or a lenient one) and, for a leaf, the same text. */
function couldMatch(p: PNode, t: SgNode): boolean {
  if (p.t !== 'node') return true;
  const k = kindM(t);
  if (k !== p.kind) return LENIENT_KINDS.has(k) || (p.dotted !== undefined && k === 'identifier') || (JS_FUNCTIONS.has(p.kind) && JS_FUNCTIONS.has(k)) || (p.kind === '.' && OPTIONAL_CHAIN.has(k)) || (p.kind === 'var' && (k === 'let' || k === 'const'));
  if (p.text !== undefined && !STRING_KINDS.has(k)) return textM(t) === p.text;
  return true;
}

/**
 * Match a list from item j on; with `whole`, every node must be consumed, else the match may end
 * early (a statement sequence inside a longer block). Returns the bindings and where it ended.
 */
export function listFrom(
  ps: readonly PNode[],
  i: number,
  ts: readonly SgNode[],
  j: number,
  b: Bindings,
  parent: SgNode | undefined,
  whole: boolean,
): { b: Bindings; end: number } | undefined {
  if (i === ps.length) return !whole || j === ts.length ? { b, end: j } : undefined;
  const p = ps[i]!;
  if (p.t === 'ellipsis') {
    // a sequence's trailing `...` is the rest of the block (Semgrep's `X; ...` as a context)
    const from = !whole && i === ps.length - 1 ? ts.length : j;
    for (let k = from; k <= ts.length; k++) {
      let next: Bindings | undefined = b;
      if (p.name) {
        const taken = ts.slice(j, k);
        next = bind(b, p.name, { text: taken.map((n) => n.text()).join(', '), span: spanOfList(taken as SgNode[], ts[j] ?? parent) });
      }
      if (next) {
        const r = listFrom(ps, i + 1, ts, k, next, parent, whole);
        if (r) return r;
      }
    }
    // Semgrep's deep statement matching: after `...`, the rest of a sequence may sit in a block
    // nested in a later statement (`a(); ... b();` matches `a(); if (x) { b(); }`, and a function's body)
    if (!whole && !p.name && i + 1 < ps.length) {
      for (let k = j; k < ts.length; k++) {
        for (const block of nestedBlocks(ts[k]!)) {
          const r = listFrom(ps, i, significant(block.children()), 0, b, block, false);
          if (r) return { b: r.b, end: k + 1 };
        }
      }
    }
    return undefined;
  }
  if (j >= ts.length) return undefined;
  const next = matchNode(p, ts[j]!, b);
  if (!next) return undefined;
  return listFrom(ps, i + 1, ts, j + 1, next, parent, whole);
}

/** Kinds that hold a list of statements. */
const BLOCK_KINDS = new Set(['statement_block', 'block', 'switch_case', 'switch_default', 'switch_block_statement_group', 'expression_case', 'default_case', 'communication_case', 'type_case']);

/** The statement lists nested in `t`, outermost first and not inside one another (a deeper one is reached from its own). */
function nestedBlocks(t: SgNode): SgNode[] {
  const out: SgNode[] = [];
  const walk = (n: SgNode) => {
    for (const c of n.children()) {
      if (!c.isNamed()) continue;
      if (BLOCK_KINDS.has(kindM(c))) out.push(c);
      else walk(c);
    }
  };
  if (BLOCK_KINDS.has(kindM(t))) out.push(t);
  else walk(t);
  return out;
}

/**
 * A statement sequence starting at `first`: its siblings from there on must match the items in
 * order (with ellipses); the match spans from `first` to the last statement matched.
 */
export function matchSequence(items: readonly PNode[], candidate: SgNode, b: Bindings = EMPTY, siblingsOf?: (parent: SgNode) => SgNode[]): Match | undefined {
  // the first item must match the candidate itself before any sibling is looked at (big blocks are long)
  if (items[0] && items[0].t !== 'ellipsis' && !matchNode(items[0], candidate, b)) return undefined;
  let first = candidate;
  let parent = first.parent();
  // the candidate is an expression; the statement holding it is what sits in the list
  // (a declarator's statement too: `const a = f()` is the statement a sequence item `$A = f()` sits in)
  while (parent && (kindOf(parent) === 'expression_statement' || (DECLARATIONS.has(kindOf(parent)) && soleDeclarator(parent) !== undefined))) {
    first = parent;
    parent = first.parent();
  }
  if (!parent) return undefined;
  const siblings = siblingsOf ? siblingsOf(parent) : significant(parent.children());
  const at = first.range().start.index;
  const j = siblings.findIndex((s) => s.range().start.index === at);
  if (j === -1) return undefined;
  const r = listFrom(items, 0, siblings, j, b, parent, false);
  if (!r || r.end <= j) return undefined;
  return { span: spanOfList(siblings.slice(j, r.end) as SgNode[], first), bindings: r.b };
}
