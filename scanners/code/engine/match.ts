/**
 * Semgrep's matching of one compiled pattern against one tree-sitter node: metavariables bind
 * and unify (the same name must be the same code), `...` matches zero or more items of a list and
 * backtracks, `"..."` matches any string literal, `<... P ...>` matches a node containing P.
 */
import type { SgNode } from '@ast-grep/napi';
import { kindOf, significant, stringContent, STRING_KINDS, type PNode } from './pattern.js';

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
}

const EMPTY: Bindings = new Map();

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

/** Bind a name, or check it against what it is already bound to. */
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
    case 'mv':
      if (p.name === '$_') return b;
      return bind(b, p.name, { text: t.text(), span: spanOf(t), node: t });
    case 'ellipsis':
      return b;
    case 'anystr':
      return STRING_KINDS.has(kindOf(t)) && !hasSubstitution(t) ? b : undefined;
    case 'deep':
      return matchDeep(p.inner, t, b);
    case 'seq':
      return undefined;
    case 'alt':
      for (const o of p.options) {
        const r = matchNode(o, t, b);
        if (r) return r;
      }
      return undefined;
    case 'node': {
      const kind = kindOf(t);
      if (kind !== p.kind) {
        // an expression pattern matches the statement that is only that expression
        if (kind === 'expression_statement' || kind === 'parenthesized_expression') {
          const inner = significant(t.children());
          if (inner.length === 1) return matchNode(p, inner[0]!, b);
        }
        return undefined;
      }
      if (p.text !== undefined) {
        if (STRING_KINDS.has(kind)) return stringContent(t.text()) === p.text ? b : undefined;
        return t.text() === p.text ? b : undefined;
      }
      return matchList(p.children, significant(t.children()), b, t);
    }
  }
}

function hasSubstitution(t: SgNode): boolean {
  return t.children().some((c) => {
    const k = kindOf(c);
    return k === 'template_substitution' || k === 'interpolation';
  });
}

/** `<... P ...>`: the node itself or any node inside it. */
function matchDeep(inner: PNode, t: SgNode, b: Bindings): Bindings | undefined {
  const here = matchNode(inner, t, b);
  if (here) return here;
  for (const c of t.children()) {
    if (!c.isNamed()) continue;
    const r = matchDeep(inner, c, b);
    if (r) return r;
  }
  return undefined;
}

/** Match a list of patterns (with ellipses) against all of a list of nodes. */
export function matchList(ps: readonly PNode[], ts: readonly SgNode[], b: Bindings, parent?: SgNode): Bindings | undefined {
  return listFrom(ps, 0, ts, 0, b, parent, true)?.b;
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
    for (let k = j; k <= ts.length; k++) {
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
    return undefined;
  }
  if (j >= ts.length) return undefined;
  const next = matchNode(p, ts[j]!, b);
  if (!next) return undefined;
  return listFrom(ps, i + 1, ts, j + 1, next, parent, whole);
}

/**
 * A statement sequence starting at `first`: its siblings from there on must match the items in
 * order (with ellipses); the match spans from `first` to the last statement matched.
 */
export function matchSequence(items: readonly PNode[], candidate: SgNode, b: Bindings = EMPTY): Match | undefined {
  let first = candidate;
  let parent = first.parent();
  // the candidate is an expression; the statement holding it is what sits in the list
  while (parent && (kindOf(parent) === 'expression_statement')) {
    first = parent;
    parent = first.parent();
  }
  if (!parent) return undefined;
  const siblings = significant(parent.children());
  const at = first.range().start.index;
  const j = siblings.findIndex((s) => s.range().start.index === at);
  if (j === -1) return undefined;
  const r = listFrom(items, 0, siblings, j, b, parent, false);
  if (!r || r.end <= j) return undefined;
  return { span: spanOfList(siblings.slice(j, r.end) as SgNode[], first), bindings: r.b };
}
