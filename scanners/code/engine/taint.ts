/**
 * `mode: taint`, within a function: data from a source reaches a sink through assignments
 * (declarations, destructuring, `x = …`, `x += …`), template strings, concatenation, object
 * properties (`o.p = tainted` taints `o`), array elements (`a[i] = tainted`, `a.push(tainted)`),
 * call arguments (a call with a tainted argument returns tainted data, as Semgrep assumes by
 * default) and declared propagators. A sanitizer's match cleans what is inside it. The order of
 * statements counts: reassigning a clean value cleans the name from there on. Findings are
 * reported at the sink (its focused part when the sink uses focus-metavariable).
 */
import type { SgNode } from '@ast-grep/napi';
import type { CodeLanguage } from '../types.js';
import type { Evaluator } from './evaluate.js';
import { spanOf, type Match, type Span } from './match.js';
import { knownKinds } from './grammar.js';
import { kindOf } from './pattern.js';
import type { TaintSpec } from './rules.js';

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
    ],
    identifiers: ['identifier'],
  },
  go: {
    functions: ['function_declaration', 'method_declaration', 'func_literal'],
    assignments: [
      { kind: 'short_var_declaration', target: 'left', value: 'right' },
      { kind: 'assignment_statement', target: 'left', value: 'right' },
      { kind: 'var_spec', target: 'name', value: 'value' },
    ],
    identifiers: ['identifier'],
  },
  java: {
    functions: ['method_declaration', 'constructor_declaration', 'lambda_expression'],
    assignments: [
      { kind: 'variable_declarator', target: 'name', value: 'value' },
      { kind: 'assignment_expression', target: 'left', value: 'right' },
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
  tainted: boolean;
}

/** Taint matches for one rule on the evaluator's file. */
export function evaluateTaint(spec: TaintSpec, ev: Evaluator): Match[] {
  const language = ev.language;
  if (!language) return [];
  // sources are usually the narrow side (req.query, request.args); sinks are searched only when some exist
  const sources = spec.sources.flatMap((f) => ev.formula(f)).map((m) => m.span);
  if (sources.length === 0) return [];
  const sinks = spec.sinks.flatMap((f) => ev.formula(f));
  if (sinks.length === 0) return [];
  const sanitizers = spec.sanitizers.flatMap((f) => ev.formula(f)).map((m) => m.span);
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
  for (const sink of sinks) {
    const scopeNode = outermost(sink.span, functions);
    const key = spanOf(scopeNode).startIndex * 7 + spanOf(scopeNode).endIndex;
    let flow = flows.get(key);
    if (!flow) {
      flow = new Flow(scopeNode, shape, sources, sanitizers, spec, ev, language);
      flows.set(key, flow);
    }
    if (flow.reaches(sink.span)) out.push(sink);
  }
  return out;
}

/** The taint state of one function: per name, when it became tainted or clean. */
class Flow {
  private readonly events = new Map<string, Event[]>();
  private readonly idents: { name: string; span: Span }[];

  constructor(
    scope: SgNode,
    shape: LanguageShape,
    private readonly sources: Span[],
    private readonly sanitizers: Span[],
    spec: TaintSpec,
    ev: Evaluator,
    language: CodeLanguage,
  ) {
    const scopeSpan = spanOf(scope);
    this.idents = scope.findAll({ rule: { any: shape.identifiers.map((k) => ({ kind: k })) } } as never).map((n) => ({ name: n.text(), span: spanOf(n) }));
    const steps: { at: number; targets: string[]; value: Span; direct?: boolean }[] = [];
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
        steps.push({ at: m.span.endIndex, targets: rootNames(to.text), value: from.span, direct: true });
      }
    }
    steps.sort((a, b) => a.at - b.at);
    // twice over, so a loop's later assignment reaches its earlier uses
    for (let pass = 0; pass < 2; pass++) {
      for (const s of steps) {
        const tainted = this.isTainted(s.value, s.at);
        for (const t of s.targets) {
          // a mutation only ever adds taint; an assignment of clean data cleans the name
          if (s.direct && !tainted) continue;
          const list = this.events.get(t) ?? [];
          if (!list.some((e) => e.at === s.at && e.tainted === tainted)) list.push({ at: s.at, tainted });
          list.sort((x, y) => x.at - y.at);
          this.events.set(t, list);
        }
      }
    }
  }

  private sanitized(span: Span): boolean {
    return this.sanitizers.some((z) => contains(z, span));
  }

  /** Whether code in `span`, evaluated at byte `at`, carries tainted data. */
  private isTainted(span: Span, at: number): boolean {
    if (this.sanitized(span)) return false;
    for (const src of this.sources) {
      if ((contains(span, src) || contains(src, span)) && !this.sanitized(src)) return true;
    }
    for (const id of this.idents) {
      if (!contains(span, id.span) || this.sanitized(id.span)) continue;
      const list = this.events.get(id.name);
      if (!list) continue;
      let state = false;
      for (const e of list) {
        if (e.at > at) break;
        if (e.at <= id.span.startIndex || e.at <= at) state = e.tainted;
      }
      if (state) return true;
    }
    return false;
  }

  reaches(sink: Span): boolean {
    return this.isTainted(sink, sink.startIndex);
  }
}

/** Names an assignment target writes: `x`, `{ a, b: c }`, `[d, ...e]`, and the base of `o.p` / `a[i]`. */
function targetNames(target: SgNode, language: CodeLanguage): string[] {
  const k = kindOf(target);
  if (k === 'identifier' || k === 'shorthand_property_identifier_pattern') return [target.text()];
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
