/**
 * `mode: taint`, within a function (field-sensitive for plain property paths: `o.a` and `o.b`
 * are tracked apart, `o` carries both): data from a source reaches a sink through assignments
 * (declarations, destructuring, `x = …`, `x += …`, a loop over tainted data), template strings, concatenation, object
 * properties (`o.p = tainted` taints `o`), array elements (`a[i] = tainted`, `a.push(tainted)`),
 * call arguments (a call with a tainted argument returns tainted data, as Semgrep assumes by
 * default) and declared propagators. A sanitizer's match cleans what is inside it. The order of
 * statements counts: reassigning a clean value cleans the name from there on. Findings are
 * reported at the sink (its focused part when the sink uses focus-metavariable).
 *
 * Taint labels as Semgrep has them: tainted data carries the labels of the sources it came from
 * (`label:`, `__SOURCE__` when a source names none); a source with `requires:` applies only where
 * the data it matches already carries those labels; a sink with `requires:` fires only on data
 * whose labels satisfy it (one without, on any tainted data); propagators can add a `label`
 * (replacing `replace-labels`). A source or sanitizer `by-side-effect` taints or cleans the
 * variable it matches from there on, as well as the data inside it.
 */
import type { SgNode } from '@ast-grep/napi';
import type { CodeLanguage } from '../types.js';
import type { Evaluator } from './evaluate.js';
import { spanOf, type Match, type Span } from './match.js';
import { knownKinds } from './grammar.js';
import { kindOf } from './pattern.js';
import { DEFAULT_LABEL, labelsSatisfy, type LabelExpr, type TaintSpec } from './rules.js';

interface LanguageShape {
  functions: string[];
  /** Assignment-like kinds and the fields holding their target and value. */
  assignments: { kind: string; target: string; value: string }[];
  identifiers: string[];
  calls?: string[];
}

const JS: LanguageShape = {
  functions: ['function_declaration', 'function_expression', 'function', 'arrow_function', 'method_definition', 'generator_function_declaration', 'generator_function'],
  assignments: [
    { kind: 'variable_declarator', target: 'name', value: 'value' },
    { kind: 'assignment_expression', target: 'left', value: 'right' },
    { kind: 'augmented_assignment_expression', target: 'left', value: 'right' },
    // `for (const x of xs)`: each element of tainted data is tainted
    { kind: 'for_in_statement', target: 'left', value: 'right' },
  ],
  identifiers: ['identifier', 'shorthand_property_identifier'],
};

const SHAPES: Record<CodeLanguage, LanguageShape> = {
  javascript: JS,
  jsx: JS,
  typescript: JS,
  tsx: JS,
  python: {
    functions: ['function_definition', 'lambda'],
    assignments: [
      { kind: 'assignment', target: 'left', value: 'right' },
      { kind: 'augmented_assignment', target: 'left', value: 'right' },
      { kind: 'for_statement', target: 'left', value: 'right' },
    ],
    identifiers: ['identifier'],
  },
  go: {
    functions: ['function_declaration', 'method_declaration', 'func_literal'],
    assignments: [
      { kind: 'short_var_declaration', target: 'left', value: 'right' },
      { kind: 'assignment_statement', target: 'left', value: 'right' },
      { kind: 'var_spec', target: 'name', value: 'value' },
      { kind: 'range_clause', target: 'left', value: 'right' },
    ],
    identifiers: ['identifier'],
  },
  java: {
    functions: ['method_declaration', 'constructor_declaration', 'lambda_expression'],
    assignments: [
      { kind: 'variable_declarator', target: 'name', value: 'value' },
      { kind: 'assignment_expression', target: 'left', value: 'right' },
      { kind: 'enhanced_for_statement', target: 'name', value: 'value' },
    ],
    identifiers: ['identifier'],
  },
};

const shapes = new Map<CodeLanguage, LanguageShape>();

/** The language's shape, keeping only the kinds its grammar has (grammar versions differ). */
function shapeFor(language: CodeLanguage): LanguageShape {
  let s = shapes.get(language);
  if (!s) {
    const base = SHAPES[language];
    const assignmentKinds = new Set(knownKinds(language, base.assignments.map((a) => a.kind)));
    s = {
      functions: knownKinds(language, base.functions),
      assignments: base.assignments.filter((a) => assignmentKinds.has(a.kind)),
      identifiers: knownKinds(language, base.identifiers),
      calls: knownKinds(language, ['call_expression', 'call', 'method_invocation']),
    };
    shapes.set(language, s);
  }
  return s;
}

/** Methods that put an argument into their receiver (collections and builders). */
const MUTATORS = new Set(['push', 'unshift', 'splice', 'set', 'append', 'add', 'put', 'extend', 'insert', 'concat', 'assign', 'Add', 'Set', 'WriteString', 'Write', 'appendChild']);

function contains(outer: Span, inner: Span): boolean {
  return outer.startIndex <= inner.startIndex && inner.endIndex <= outer.endIndex;
}

interface Event {
  at: number;
  /** Empty: clean. */
  labels: ReadonlySet<string>;
}

const CLEAN: ReadonlySet<string> = new Set();

/** A source's match with its options. */
interface SourceHit {
  span: Span;
  /** The source's label, as the one-element set data from it carries. */
  labels: ReadonlySet<string>;
  requires?: LabelExpr;
}

function union(a: ReadonlySet<string>, b: ReadonlySet<string>): ReadonlySet<string> {
  if (a.size === 0) return b;
  if (b.size === 0) return a;
  const out = new Set(a);
  for (const l of b) out.add(l);
  return out;
}

function sameLabels(a: ReadonlySet<string>, b: ReadonlySet<string>): boolean {
  if (a.size !== b.size) return false;
  for (const l of a) if (!b.has(l)) return false;
  return true;
}

/** Taint matches for one rule on the evaluator's file. */
export function evaluateTaint(spec: TaintSpec, ev: Evaluator): Match[] {
  const language = ev.language;
  if (!language) return [];
  // sources are usually the narrow side (req.query, request.args); sinks are searched only when some exist
  const sideEffects: SideEffect[] = [];
  const sources: SourceHit[] = [];
  spec.sources.forEach((f, i) => {
    const o = spec.sourceOptions?.[i] ?? {};
    const labels: ReadonlySet<string> = new Set([o.label ?? DEFAULT_LABEL]);
    for (const m of ev.formula(f)) {
      sources.push({ span: m.span, labels, ...(o.requires ? { requires: o.requires } : {}) });
      if (o.bySideEffect) sideEffects.push({ span: m.span, labels });
    }
  });
  if (sources.length === 0) return [];
  const sinks = spec.sinks.flatMap((f, i) => {
    const o = spec.sinkOptions?.[i];
    // Semgrep's default `exact: true`: a sink written without focus-metavariable that matches a call
    // is reached through the call's arguments (not its callee, nor a callback's body)
    const byArguments = o?.exact !== false && !(f.op === 'all' && f.focus.length > 0);
    return ev.formula(f).map((m) => ({ m, requires: o?.requires, byArguments }));
  });
  if (sinks.length === 0) return [];
  const sanitizers: Span[] = [];
  spec.sanitizers.forEach((f, i) => {
    const bySideEffect = spec.sanitizerOptions?.[i]?.bySideEffect;
    for (const m of ev.formula(f)) {
      sanitizers.push(m.span);
      if (bySideEffect) sideEffects.push({ span: m.span, labels: CLEAN });
    }
  });
  const shape = shapeFor(language);
  const tree = ev.scope.tree;

  const outermost = (span: Span, fns: SgNode[]): SgNode => {
    let best: SgNode | undefined;
    for (const f of fns) {
      const s = spanOf(f);
      if (contains(s, span) && (!best || contains(s, spanOf(best)))) best = f;
    }
    return best ?? tree;
  };
  const functions = tree.findAll({ rule: { any: shape.functions.map((k) => ({ kind: k })) } } as never);
  const flows = new Map<number, Flow>();
  const out: Match[] = [];
  const functionKinds = new Set(shape.functions);
  const callKinds = new Set([...(shape.calls ?? []), ...knownKinds(language, ['new_expression', 'object_creation_expression'])]);
  for (const { m: sink, requires, byArguments } of sinks) {
    const scopeNode = outermost(sink.span, functions);
    const key = spanOf(scopeNode).startIndex * 7 + spanOf(scopeNode).endIndex;
    let flow = flows.get(key);
    if (!flow) {
      flow = new Flow(scopeNode, shape, sources, sanitizers, sideEffects, spec, ev, language);
      flows.set(key, flow);
    }
    const args = byArguments ? callArguments(sink, callKinds) : undefined;
    const labels = args ? args.filter((a) => !functionKinds.has(kindOf(a))).reduce((l, a) => union(l, flow!.reaches(spanOf(a))), CLEAN) : flow.reaches(sink.span);
    if (requires ? labelsSatisfy(requires, labels) : labels.size > 0) out.push(sink);
  }
  return out;
}

/** The arguments of a sink that is one call (`f(a, b)`, `new F(a)`), or undefined when it is not one. */
function callArguments(sink: Match, callKinds: ReadonlySet<string>): SgNode[] | undefined {
  let node = sink.node;
  while (node && (kindOf(node) === 'expression_statement' || kindOf(node) === 'await_expression')) node = node.children().find((c) => c.isNamed() && kindOf(c) !== 'comment');
  if (!node || !callKinds.has(kindOf(node))) return undefined;
  const args = (node.field('arguments' as never) ?? node.field('argument_list' as never)) as SgNode | null;
  if (!args) return undefined;
  return args.children().filter((c) => c.isNamed() && kindOf(c) !== 'comment');
}

/** A source or sanitizer that works by side effect: the variables it matches take these labels (none: clean). */
interface SideEffect {
  span: Span;
  labels: ReadonlySet<string>;
}

/** The taint state of one function: per name, when it became tainted or clean. */
class Flow {
  private readonly events = new Map<string, Event[]>();
  /** The event keys by their variable (`o` for `o`, `o.a`, `o.a.b`): a use looks only at its own variable's. */
  private readonly keysByRoot = new Map<string, string[]>();
  private readonly idents: { name: string; span: Span }[];
  /**
   * What reads a variable, for taint: each identifier, except one that is the object of a plain
   * property path (`o.a`, `this.t`), which is read as that path instead — field-sensitive, as
   * Semgrep tracks `o.a` apart from `o.b`.
   */
  private readonly uses: { name: string; span: Span }[];

  constructor(
    scope: SgNode,
    shape: LanguageShape,
    private readonly sources: SourceHit[],
    private readonly sanitizers: Span[],
    sideEffects: SideEffect[],
    spec: TaintSpec,
    ev: Evaluator,
    language: CodeLanguage,
  ) {
    const scopeSpan = spanOf(scope);
    const identNodes = scope.findAll({ rule: { any: shape.identifiers.map((k) => ({ kind: k })) } } as never) as SgNode[];
    this.idents = identNodes.map((n) => ({ name: n.text(), span: spanOf(n) }));
    this.uses = fieldUses(scope, identNodes, language);
    type Step = { at: number; targets: string[]; value: Span; direct?: boolean; set?: ReadonlySet<string>; relabel?: (l: ReadonlySet<string>) => ReadonlySet<string> };
    const steps: Step[] = [];
    // by side effect: the variable a source or sanitizer matched holds its labels (or none) from there on
    for (const e of sideEffects) {
      if (!contains(scopeSpan, e.span)) continue;
      const inner = this.idents.filter((id) => contains(e.span, id.span));
      // `x`, `req.body`: the root variable; `sanitize(x)`: the variables in its arguments
      const names = inner.length && inner[0]!.span.startIndex === e.span.startIndex && inner.length === 1 ? [inner[0]!.name] : inner.slice(1).map((id) => id.name);
      const targets = [...new Set(names.length ? names : inner.map((id) => id.name))];
      steps.push({ at: e.span.endIndex, targets, value: e.span, set: e.labels });
    }
    // a source that is exactly a name (a parameter a source focuses on, `function (msg)`) taints that variable from there on
    for (const src of sources) {
      if (src.requires || !contains(scopeSpan, src.span)) continue;
      const id = this.idents.find((i) => i.span.startIndex === src.span.startIndex && i.span.endIndex === src.span.endIndex);
      if (id) steps.push({ at: src.span.endIndex, targets: [id.name], value: src.span, set: src.labels });
    }
    for (const a of shape.assignments) {
      for (const node of scope.findAll({ rule: { kind: a.kind } } as never)) {
        const target = node.field(a.target as never) as SgNode | null;
        const value = node.field(a.value as never) as SgNode | null;
        if (!target || !value) continue;
        steps.push({ at: spanOf(value).endIndex, targets: targetNames(target, language), value: spanOf(value) });
      }
    }
    // a.push(tainted), builder.append(tainted): the receiver now holds tainted data
    for (const call of scope.findAll({ rule: { any: (shape.calls ?? []).map((k) => ({ kind: k })) } } as never)) {
      const callee = (call.field('function' as never) ?? call.field('name' as never)) as SgNode | null;
      const args = call.field('arguments' as never) as SgNode | null;
      if (!callee || !args) continue;
      const method = (callee.field('property' as never) ?? callee.field('attribute' as never) ?? callee.field('field' as never) ?? callee) as SgNode;
      if (!MUTATORS.has(method.text())) continue;
      const receiver = (callee.field('object' as never) ?? callee.field('operand' as never) ?? call.field('object' as never)) as SgNode | null;
      if (!receiver) continue;
      steps.push({ at: spanOf(call).endIndex, targets: targetNames(receiver, language), value: spanOf(args), direct: true });
    }
    for (const p of spec.propagators) {
      for (const m of ev.formula(p.formula, scope)) {
        const from = m.bindings.get(p.from);
        const to = m.bindings.get(p.to);
        if (!from || !to || !contains(scopeSpan, m.span)) continue;
        const relabel = (l: ReadonlySet<string>): ReadonlySet<string> => {
          if (l.size === 0 || (p.requires && !labelsSatisfy(p.requires, l))) return CLEAN;
          if (!p.label) return l;
          const out = new Set(p.replaceLabels ? [...l].filter((x) => !p.replaceLabels!.includes(x)) : l);
          out.add(p.label);
          return out;
        };
        steps.push({ at: m.span.endIndex, targets: rootNames(to.text), value: from.span, direct: true, relabel });
      }
    }
    steps.sort((a, b) => a.at - b.at);
    // twice over, so a loop's later assignment reaches its earlier uses
    for (let pass = 0; pass < 2; pass++) {
      for (const s of steps) {
        let labels = s.set ?? this.taintOf(s.value, s.at);
        if (s.relabel) labels = s.relabel(labels);
        for (const t of s.targets) {
          // a mutation only ever adds taint; an assignment of clean data (or a side effect) cleans the name
          if (s.direct && labels.size === 0) continue;
          const list = this.events.get(t) ?? [];
          const merged = s.direct ? union(this.labelsAt(t, s.at), labels) : labels;
          if (!list.some((e) => e.at === s.at && sameLabels(e.labels, merged))) list.push({ at: s.at, labels: merged });
          list.sort((x, y) => x.at - y.at);
          if (!this.events.has(t)) {
            const root = rootOf(t);
            const keys = this.keysByRoot.get(root);
            if (keys) keys.push(t);
            else this.keysByRoot.set(root, [t]);
          }
          this.events.set(t, list);
        }
      }
    }
  }

  private sanitized(span: Span): boolean {
    return this.sanitizers.some((z) => contains(z, span));
  }

  /** The labels a name holds at byte `at` (its last event before it). */
  private labelsAt(name: string, at: number): ReadonlySet<string> {
    let state = CLEAN;
    for (const e of this.events.get(name) ?? []) {
      if (e.at > at) break;
      state = e.labels;
    }
    return state;
  }

  /** The labels of the data code in `span` carries, evaluated at byte `at` (empty: clean). */
  private taintOf(span: Span, at: number): ReadonlySet<string> {
    if (this.sanitized(span)) return CLEAN;
    let out = CLEAN;
    for (const src of this.sources) {
      if (!(contains(span, src.span) || contains(src.span, span)) || this.sanitized(src.span)) continue;
      // a source that requires labels applies where the data it matches already carries them
      if (src.requires && !labelsSatisfy(src.requires, this.variablesTaint(src.span, at))) continue;
      out = union(out, src.labels);
    }
    return union(out, this.variablesTaint(span, at));
  }

  /** The labels the variables used in `span` hold at `at`. */
  private variablesTaint(span: Span, at: number): ReadonlySet<string> {
    let out = CLEAN;
    for (const id of this.uses) {
      if (!contains(span, id.span) || this.sanitized(id.span)) continue;
      // the path itself, what it is part of (`o` for `o.a`) and what is part of it (`o.a` for `o`)
      for (const key of this.keysAbout(id.name)) {
        const list = this.events.get(key);
        if (!list) continue;
        let state = CLEAN;
        for (const e of list) {
          if (e.at > at) break;
          if (e.at <= id.span.startIndex || e.at <= at) state = e.labels;
        }
        out = union(out, state);
      }
    }
    return out;
  }

  /** Event keys that bear on a use of `name`: itself, its prefixes (`o` for `o.a`), and paths under it (`o.a` for `o`). */
  private keysAbout(name: string): string[] {
    const keys = this.keysByRoot.get(rootOf(name));
    if (!keys) return [];
    // a plain name with only itself tracked (the usual case) needs no filtering
    if (keys.length === 1 && keys[0] === name) return keys;
    return keys.filter((key) => key === name || name.startsWith(`${key}.`) || key.startsWith(`${name}.`));
  }

  /** The labels of the data that reaches the sink (empty: none). */
  reaches(sink: Span): ReadonlySet<string> {
    return this.taintOf(sink, sink.startIndex);
  }
}

/** The variable a key or path starts with: `o` for `o.a.b`. */
function rootOf(name: string): string {
  const dot = name.indexOf('.');
  return dot === -1 ? name : name.slice(0, dot);
}

/** A plain property path (`o.a.b`, `this.t`); longer ones are not tracked by field. */
const MAX_PATH = 256;

/** Whether a node is short enough to be a tracked path (its text is not read otherwise). */
function short(n: SgNode): boolean {
  const r = n.range();
  return r.end.index - r.start.index <= MAX_PATH;
}

const PLAIN_PATH = /^(?:this|[A-Za-z_$][\w$]*)(?:\.[A-Za-z_$][\w$]*)+$/;

/** Field-sensitive uses (see Flow.uses): identifiers, with the objects of plain property paths read as the outermost path. */
function fieldUses(scope: SgNode, identNodes: SgNode[], language: CodeLanguage): { name: string; span: Span }[] {
  const out: { name: string; span: Span }[] = [];
  const memberKinds = new Set(knownKinds(language, ['member_expression', 'attribute', 'selector_expression', 'field_access']));
  const outermostPath = (n: SgNode): SgNode | undefined => {
    let best: SgNode | undefined;
    for (let p = n.parent(); p && memberKinds.has(kindOf(p)); p = p.parent()) {
      // the chain must run through objects: `f(o).a` or `o[a].b` is not a plain path of `o`
      if (!short(p) || !PLAIN_PATH.test(p.text().replace(/\s+/g, ''))) break;
      best = p;
    }
    return best;
  };
  for (const n of identNodes) {
    const path = memberKinds.size ? outermostPath(n) : undefined;
    const first = path ? path.text().replace(/\s+/g, '') : undefined;
    // only the path's base identifier stands for it (the property names are not variables)
    if (path && first && first.startsWith(n.text()) && spanOf(path).startIndex === spanOf(n).startIndex) out.push({ name: first, span: spanOf(path) });
    else if (!path) out.push({ name: n.text(), span: spanOf(n) });
  }
  // `this.t`: `this` is no identifier, so its paths are found on their own
  for (const m of scope.findAll({ rule: { any: [...memberKinds].map((kind) => ({ kind })) } } as never) as SgNode[]) {
    if (!short(m)) continue;
    const t = m.text().replace(/\s+/g, '');
    if (!t.startsWith('this.') || !PLAIN_PATH.test(t)) continue;
    const parent = m.parent();
    if (parent && memberKinds.has(kindOf(parent)) && short(parent) && PLAIN_PATH.test(parent.text().replace(/\s+/g, ''))) continue;
    out.push({ name: t, span: spanOf(m) });
  }
  return out;
}

/** Names an assignment target writes: `x`, `{ a, b: c }`, `[d, ...e]`, a plain path `o.p` itself, and the base of `a[i]`. */
function targetNames(target: SgNode, language: CodeLanguage): string[] {
  const k = kindOf(target);
  if (k === 'identifier' || k === 'shorthand_property_identifier_pattern') return [target.text()];
  if (short(target)) {
    const flat = target.text().replace(/\s+/g, '');
    if (PLAIN_PATH.test(flat)) return [flat];
  }
  if (k === 'member_expression' || k === 'subscript_expression' || k === 'attribute' || k === 'subscript' || k === 'selector_expression' || k === 'index_expression' || k === 'field_access' || k === 'array_access') {
    return rootNames(target.text());
  }
  const names = target
    .findAll({ rule: { any: knownKinds(language, ['identifier', 'shorthand_property_identifier_pattern']).map((kind) => ({ kind })) } } as never)
    .map((n) => n.text());
  return [...new Set(names.length ? names : rootNames(target.text()))];
}

/** The variable at the root of `a.b[c].d`. */
function rootNames(text: string): string[] {
  const m = /^[\s(]*([A-Za-z_$µ][\w$µ]*)/.exec(text);
  return m ? [m[1]!] : [];
}
