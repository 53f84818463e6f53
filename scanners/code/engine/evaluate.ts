/**
 * Running rules on one file, with Semgrep's semantics for `patterns`: positives intersected by
 * range, `pattern-inside` keeping what lies inside, `pattern-not` removing equal ranges,
 * `pattern-not-inside` removing what lies inside, conditions on bound metavariables, focus last —
 * metavariables unified throughout.
 *
 * Speed: the file is parsed once; a pattern whose words are not all in the file is skipped
 * (Semgrep's pre-filter); every pattern the file still needs is searched in ONE ast-grep
 * traversal (an `any` of their loose forms), and each candidate node is then judged exactly
 * in JavaScript against the patterns of its kind.
 */
import type { SgNode } from '@ast-grep/napi';
import type { CodeLanguage, ParseProblem, RuleMatch, RuleProblem, SourceFile } from '../types.js';
import { analyse } from './analysis.js';
import { evaluateComparison } from './comparison.js';
import { genericMatches, tokenize } from './generic.js';
import { parseSource } from './grammar.js';
import { kindM, matchAll, matchNode, matchSequence, normalised, withConstantCache, spanM, spanOf, textM, unify, type Bindings, type Match, type Span } from './match.js';
import { kindOf, patternFor, significant, type CompiledPattern, type PNode } from './pattern.js';
import { CASELESS, FileWords, isWordChar, prepareRules, regexHints, ruleLive, Triples, WHOLE } from './prefilter.js';
import type { CodeRule, Condition, Formula } from './rules.js';
import { evaluateTaint } from './taint.js';

export { compiledPattern, patternFor } from './pattern.js';
export { literalAlternatives, regexHints, requiredRun, wholeWordAlternatives } from './prefilter.js';

/** The file as the evaluator sees it. */
export class FileScope {
  /** The identifiers the file holds, for the pre-filter (see prefilter.ts). */
  readonly words: FileWords;
  private root?: SgNode;
  private readonly atoms = new Map<string, Match[]>();

  constructor(
    readonly file: SourceFile,
    readonly language: CodeLanguage | undefined,
  ) {
    this.words = new FileWords(file.text);
  }

  /** Whether the file has been parsed. */
  get parsed(): boolean {
    return this.root !== undefined;
  }

  get tree(): SgNode {
    if (!this.root) this.root = parseSource(this.language!, this.file.text).root();
    return this.root;
  }

  /** 0-based line of the first parse error, once a search pass has looked. */
  errorLine?: number;
  errorsSearched = false;

  /** Words a pattern's match must contain one of (from metavariable-regex conditions), by pattern source. */
  hints: ReadonlyMap<string, readonly string[]> = new Map();

  /** Whether something narrows the pattern's candidates: an anchor word or a regex hint. */
  selective(p: CompiledPattern): boolean {
    return p.anchor !== undefined || this.hints.has(p.source);
  }

  /**
   * Whether ast-grep's own search (the pattern's `native` rule) finds every candidate here: it
   * misses `a?.b` and `f?.()` for a pattern written `a.b` or `f()`, so a file with optional
   * chaining is searched by kind for such patterns.
   */
  nativeFor(p: CompiledPattern): boolean {
    if (!p.native || p.root.t !== 'node' || this.imports(p)) return false;
    return !p.chains || !this.contains('?.');
  }

  /**
   * Whether the file names a module the pattern's dotted names start with, in quotes: an import
   * may then stand for the name (`exec` for `child_process.exec`), which neither ast-grep's search
   * nor the anchor word finds, so such a pattern is searched by kind alone here.
   */
  imports(p: CompiledPattern): boolean {
    if (p.modules === undefined) return false;
    let r = this.importing.get(p);
    if (r === undefined) this.importing.set(p, (r = p.modules.some((m) => this.contains(`'${m}'`) || this.contains(`"${m}"`))));
    return r;
  }

  private readonly importing = new Map<CompiledPattern, boolean>();

  /** The word every candidate of the pattern contains here, if any (see `imports`). */
  anchorFor(p: CompiledPattern): string | undefined {
    return p.anchor !== undefined && (p.modules === undefined || !this.imports(p)) ? p.anchor : undefined;
  }

  /** Whether the file has every word the pattern needs, and one of its hint's words. */
  feasible(p: CompiledPattern): boolean {
    for (const w of p.tokens) if (!this.words.has(w)) return false;
    const h = this.hints.get(p.source);
    if (h && !h.some((w) => this.contains(w))) return false;
    return true;
  }

  private readonly containing = new Map<string, boolean>();

  private triples?: Triples;
  private searches = 0;

  /**
   * Whether the file's text contains a hint word (caseless when it starts with CASELESS, a word of
   * its own when it starts with WHOLE); asked once per word. A file asked about many words has a
   * table of its letter triples made, so that a word with three letters in a row the file never
   * has is answered without a search; a few words (the usual case) are cheaper searched.
   */
  contains(w: string): boolean {
    let r = this.containing.get(w);
    if (r === undefined) {
      const caseless = w.startsWith(CASELESS);
      const word = caseless || w.startsWith(WHOLE) ? w.slice(1) : w;
      if (w.startsWith(WHOLE)) r = this.words.has(word);
      else {
        if (!this.triples && ++this.searches > SEARCHES_BEFORE_TRIPLES) this.triples = new Triples(this.file.text);
        r = (!this.triples || this.triples.mayContain(word)) && (caseless ? caselessRegex(word).test(this.file.text) : this.file.text.includes(word));
      }
      this.containing.set(w, r);
    }
    return r;
  }

  /**
   * Search the file once for all these patterns; their matches are cached for `matches`. `hints`
   * gives, for a pattern, words one of which its match must contain (from a metavariable-regex).
   */
  prepare(patterns: readonly CompiledPattern[], deferGeneric = false): void {
    const hints = this.hints;
    const todo: CompiledPattern[] = [];
    for (const p of patterns) {
      if (this.atoms.has(p.source)) continue;
      // feasible() covers the pattern's words and its hint's words
      if (!this.feasible(p) || p.kinds.length === 0) {
        this.atoms.set(p.source, []);
        continue;
      }
      // a pattern nothing narrows (every call, every assignment) is searched only if its rule gets that far
      if (deferGeneric && !this.selective(p)) continue;
      todo.push(p);
    }
    if (todo.length === 0) return;
    const byKind = new Map<string, CompiledPattern[]>();
    // ast-grep tries every rule of `any` on every node of its kinds: rules alike but for their regex
    // (`$X.$M(...)` with different method names) become one, with the regexes as alternatives
    const searches = new Map<string, { rule: object; regexes: (string | undefined)[] }>();
    const search = (rule: object, regex: string | undefined) => {
      const key = JSON.stringify(rule);
      const s = searches.get(key);
      if (s) s.regexes.push(regex);
      else searches.set(key, { rule, regexes: [regex] });
    };
    for (const p of todo) {
      this.atoms.set(p.source, []);
      for (const k of p.kinds) {
        const list = byKind.get(k) ?? [];
        list.push(p);
        byKind.set(k, list);
      }
      // a hint (words from a metavariable-regex) also narrows the native search itself
      const hint = hintRegex(hints.get(p.source));
      if (this.nativeFor(p)) search(p.native!, hint);
      // a bare literal: the regex crate finds it with a substring search, where word-boundary groups
      // around it cost twice as much on every node of the kind; the whole-word check is done after
      else {
        const anchor = this.anchorFor(p);
        for (const kind of p.kinds) search({ kind }, anchor ? escapeRegex(anchor) : hint);
      }
    }
    const any: unknown[] = [];
    for (const { rule, regexes } of searches.values()) {
      const unique = [...new Set(regexes)];
      if (unique.includes(undefined)) any.push(rule);
      else any.push({ ...rule, regex: unique.length === 1 ? unique[0] : unique.map((r) => `(?:${r})`).join('|') });
    }
    // the same pass finds parse errors, so the file is not walked again to report them
    const lookForErrors = this.errorLine === undefined && !this.errorsSearched;
    if (lookForErrors) any.push({ kind: 'ERROR' });
    const nodes = this.tree.findAll({ rule: { any } } as never);
    if (lookForErrors) this.errorsSearched = true;
    const seen = new Set<string>();
    const siblings = new Map<number, SgNode[]>();
    const siblingsOf = (parent: SgNode): SgNode[] => {
      const id = parent.id();
      let s = siblings.get(id);
      if (!s) siblings.set(id, (s = significant(parent.children())));
      return s;
    };
    for (const node of nodes) {
      const kind = kindM(node);
      if (kind === 'ERROR') {
        if (lookForErrors && this.errorLine === undefined) this.errorLine = node.range().start.line;
        continue;
      }
      const list = byKind.get(kind);
      if (!list) continue;
      // the search found the node for one pattern; each must at least contain its anchor word, whole
      // words are looked up in the file's text within the node's range: copying a big node's text
      // (a module wrapped in a call) for every candidate inside it would cost more than matching
      let span: Span | undefined;
      for (const p of list) {
        const anchor = this.anchorFor(p);
        if (anchor) {
          span ??= spanM(node);
          if (!this.occursIn(anchor, true, span.startIndex, span.endIndex)) continue;
        }
        const h = hints.get(p.source);
        if (h) {
          span ??= spanM(node);
          const s = span;
          // a word the file lacks is never looked for by position (finding positions reads the whole file)
          const inNode = (w: string) =>
            this.contains(w) &&
            (w.startsWith(CASELESS)
              ? this.occursIn(w.slice(1), false, s.startIndex, s.endIndex, true)
              : w.startsWith(WHOLE)
                ? this.occursIn(w.slice(1), true, s.startIndex, s.endIndex)
                : this.occursIn(w, false, s.startIndex, s.endIndex));
          if (!h.some(inNode)) continue;
        }
        const root = p.root;
        if (root.t === 'seq') {
          const items = root.items;
          const m = matchSequence(items, node, undefined, siblingsOf);
          if (m) this.push(p.source, { ...m, rematch: (seed) => matchSequence(items, node, seed)?.bindings }, seen);
        } else {
          const b = matchNode(root, node);
          if (b) this.push(p.source, { span: spanM(node), bindings: b, node, rematch: (seed) => matchNode(root, node, seed) }, seen);
        }
      }
    }
  }

  private push(source: string, m: Match, seen: Set<string>): void {
    const key = `${source}\u0000${m.span.startIndex}:${m.span.endIndex}`;
    if (seen.has(key)) return;
    seen.add(key);
    this.atoms.get(source)!.push(m);
  }

  private readonly positions = new Map<string, number[]>();
  private lowered?: string;

  /** The file's text in lower case, for hints from case-insensitive regexes. */
  lower(): string {
    return (this.lowered ??= this.file.text.toLowerCase());
  }

  /**
   * Whether `word` occurs within [start, end) of the file (as a whole word when `whole`): every
   * position of the word is found once per file, then each question is a binary search.
   */
  occursIn(word: string, whole: boolean, start: number, end: number, caseless = false): boolean {
    const key = `${whole ? 'w' : 's'}${caseless ? 'i' : 'c'}${word}`;
    let at = this.positions.get(key);
    if (!at) {
      at = [];
      // lower-casing keeps UTF-16 offsets for the ASCII words hints are made of
      const text = caseless ? this.lower() : this.file.text;
      for (let i = text.indexOf(word); i !== -1; i = text.indexOf(word, i + 1)) {
        if (whole && (isWordChar(text.charCodeAt(i - 1)) || isWordChar(text.charCodeAt(i + word.length)))) continue;
        at.push(i);
      }
      this.positions.set(key, at);
    }
    let lo = 0;
    let hi = at.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (at[mid]! < start) lo = mid + 1;
      else hi = mid;
    }
    return lo < at.length && at[lo]! + word.length <= end;
  }

  private readonly regexSeen = new Map<RegExp, boolean>();

  /** Whether a pattern-regex matches anywhere in the file (asked once per regex and file). */
  regexOccurs(re: RegExp): boolean {
    let r = this.regexSeen.get(re);
    if (r === undefined) {
      re.lastIndex = 0;
      r = re.test(this.file.text);
      re.lastIndex = 0;
      this.regexSeen.set(re, r);
    }
    return r;
  }

  /** Matches of a pattern in the whole file (after `prepare`), or within a node. */
  matches(p: CompiledPattern, within?: SgNode): Match[] {
    if (!within) {
      if (!this.atoms.has(p.source)) this.prepare([p]);
      return this.atoms.get(p.source)!;
    }
    if (p.kinds.length === 0) return [];
    const out: Match[] = [];
    const anchor = this.anchorFor(p);
    const rule = this.nativeFor(p) ? p.native! : { any: p.kinds.map((kind) => (anchor ? { kind, regex: escapeRegex(anchor) } : { kind })) };
    const candidates = [within, ...within.findAll({ rule } as never)];
    const seen = new Set<number>();
    for (const node of candidates) {
      if (!p.kinds.includes(kindOf(node))) continue;
      const at = node.range().start.index * 31 + node.range().end.index;
      if (seen.has(at)) continue;
      seen.add(at);
      if (p.root.t === 'seq') {
        const m = matchSequence(p.root.items, node);
        if (m) out.push(m);
      } else {
        const b = matchNode(p.root, node);
        if (b) out.push({ span: spanOf(node), bindings: b, node });
      }
    }
    return out;
  }

  /** Matches of a regex over the file (or a node's text), as spans. */
  private tokens?: ReturnType<typeof tokenize>;

  /** Matches of a generic-mode pattern (see generic.ts) in the whole file. */
  genericMatches(source: string): Match[] {
    this.tokens ??= tokenize(this.file.text);
    return genericMatches(source, this.tokens, (a, b) => this.spanOfOffsets(a, b));
  }

  regexMatches(re: RegExp, within?: SgNode): Match[] {
    const text = within ? within.text() : this.file.text;
    const base = within ? within.range().start.index : 0;
    const out: Match[] = [];
    re.lastIndex = 0;
    for (const m of text.matchAll(re)) {
      if (m[0].length === 0) continue;
      const span = this.spanOfOffsets(base + m.index, base + m.index + m[0].length);
      const bindings = new Map<string, { text: string; span: Span }>();
      for (const [name, value] of Object.entries(m.groups ?? {})) {
        if (value !== undefined) bindings.set(`$${name}`, { text: value, span });
      }
      out.push({ span, bindings });
    }
    return out;
  }

  /** A span from offsets into the file's text (UTF-16 units, as ast-grep's napi counts them too). */
  spanOfOffsets(start: number, end: number): Span {
    const a = this.position(start);
    const b = this.position(end);
    return { startIndex: start, endIndex: end, startLine: a.line, startColumn: a.column, endLine: b.line, endColumn: b.column };
  }

  private lineStarts?: number[];

  /** 0-based line and column of an offset. */
  position(offset: number): { line: number; column: number } {
    if (!this.lineStarts) {
      const t = this.file.text;
      const starts = [0];
      for (let i = t.indexOf('\n'); i !== -1; i = t.indexOf('\n', i + 1)) starts.push(i + 1);
      this.lineStarts = starts;
    }
    const s = this.lineStarts;
    let lo = 0;
    let hi = s.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (s[mid]! <= offset) lo = mid;
      else hi = mid - 1;
    }
    return { line: lo, column: offset - s[lo]! };
  }
}

/** Hint words searched in a file's text before its letter triples are tabled (a table costs about as much as eight searches). */
const SEARCHES_BEFORE_TRIPLES = 8;

const caselessRegexes = new Map<string, RegExp>();

/** A lower-case ASCII word found without case (a lower-cased copy of the file costs more than the regex). */
function caselessRegex(word: string): RegExp {
  let re = caselessRegexes.get(word);
  if (!re) caselessRegexes.set(word, (re = new RegExp(escapeRegex(word), 'i')));
  return re;
}

/** Above this many matches, a broad part is searched in the whole file instead of around each. */
const SCOPED_MAX = 64;

function escapeRegex(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\/-]/g, (c) => `\\${c}`);
}

/** A hint's words as one regex for ast-grep (Rust syntax: `(?i)` for caseless words). */
function hintRegex(words: readonly string[] | undefined): string | undefined {
  if (!words?.length) return undefined;
  const caseless = words.some((w) => w.startsWith(CASELESS));
  // a whole word is looked for as a substring here: a superset, judged exactly afterwards
  const alts = words.map((w) => escapeRegex(w.startsWith(CASELESS) || w.startsWith(WHOLE) ? w.slice(1) : w)).join('|');
  return caseless ? `(?i)(?:${alts})` : `(?:${alts})`;
}

/** What evaluating rules on a file gives. */
export interface FileResult {
  matches: RuleMatch[];
  problems: RuleProblem[];
  parseProblem?: ParseProblem;
}

/** Ancestors of a node, itself first. */
function selfAndAncestors(n: SgNode): SgNode[] {
  const out: SgNode[] = [];
  for (let cur: SgNode | null = n; cur; cur = cur.parent()) out.push(cur);
  return out;
}

/** Patterns the one-pass search must find: plain pattern-not(-inside) are checked on the matches instead. */
export function searchPatterns(f: Formula): string[] {
  switch (f.op) {
    case 'pattern':
      return [f.source];
    case 'regex':
      return [];
    case 'either':
      return f.items.flatMap(searchPatterns);
    case 'all':
      return [...f.positives, ...f.insides, ...[...f.negatives, ...f.notInsides].filter((n) => n.op !== 'pattern')].flatMap(searchPatterns);
  }
}

function contains(outer: Span, inner: Span): boolean {
  return outer.startIndex <= inner.startIndex && inner.endIndex <= outer.endIndex;
}

function sameSpan(a: Span, b: Span): boolean {
  return a.startIndex === b.startIndex && a.endIndex === b.endIndex;
}

/** The evaluator of one rule's formulas on one file. */
export class Evaluator {
  constructor(
    readonly scope: FileScope,
    readonly language: CodeLanguage | undefined,
  ) {}

  formula(f: Formula, within?: SgNode): Match[] {
    switch (f.op) {
      case 'pattern': {
        // a rule for `generic`: the file is read as words and punctuation
        if (!this.language) return within ? [] : this.scope.genericMatches(f.source);
        const p = patternFor(f.source, this.language);
        return p ? this.scope.matches(p, within) : [];
      }
      case 'regex':
        return this.scope.regexMatches(f.regex, within);
      case 'either':
        return dedupe(f.items.flatMap((i) => this.formula(i, within)));
      case 'all':
        return this.all(f, within);
    }
  }

  /**
   * Matches of a broad formula near the given matches only: inside their nodes (when `inside`) and
   * on their ancestors — all that `intersect` and `keepInside` can use. Undefined when that does
   * not apply (too many matches, matches without a node, or a formula other than plain patterns).
   */
  private scoped(f: Formula, near: readonly Match[], inside: boolean): Match[] | undefined {
    if (near.length === 0 || near.length > SCOPED_MAX || !near.every((m) => m.node)) return undefined;
    const roots = this.plainPatterns(f);
    if (!roots) return undefined;
    const out: Match[] = [];
    for (const p of roots) {
      for (const m of near) {
        if (inside) out.push(...this.scope.matches(p, m.node!));
        for (let a = m.node!.parent(); a; a = a.parent()) {
          if (!p.kinds.includes(kindM(a))) continue;
          const root = p.root;
          if (root.t === 'seq') {
            const s = matchSequence(root.items, a);
            if (s) out.push(s);
          } else {
            const b = matchNode(root, a);
            if (b) out.push({ span: spanM(a), bindings: b, node: a, rematch: (seed) => matchNode(root, a, seed) });
          }
        }
      }
    }
    return dedupe(out);
  }

  /** The compiled patterns of a formula that is a pattern or an either of patterns; undefined otherwise. */
  /**
   * The other readings of each match of an `all` whose one positive is a plain pattern: the
   * pattern enumerated at the matched node from the bindings its contexts gave (names only the
   * positive binds are left free). Matches of other shapes are kept as they are.
   */
  private allReadings(f: Extract<Formula, { op: 'all' }>, out: Match[]): Match[] {
    if (f.positives.length !== 1 || f.positives[0]!.op !== 'pattern' || !this.language) return out;
    const p = patternFor(f.positives[0]!.source, this.language);
    if (!p || p.root.t !== 'node') return out;
    const own = metavariablesOf(p.root);
    const fromContexts = new Set(f.insides.flatMap((i) => searchPatterns(i)).flatMap((s) => {
      const c = patternFor(s, this.language!);
      return c ? [...metavariablesOf(c.root)] : [];
    }));
    const result: Match[] = [];
    for (const r of out) {
      if (!r.node) {
        result.push(r);
        continue;
      }
      const seed = new Map([...r.bindings].filter(([name]) => !own.has(name) || fromContexts.has(name)));
      const all = matchAll(p.root, r.node, seed);
      if (all.length <= 1) result.push(r);
      else for (const b of all) result.push({ ...r, bindings: b });
    }
    return result;
  }

  private plainPatterns(f: Formula): CompiledPattern[] | undefined {
    if (!this.language) return undefined;
    if (f.op === 'pattern') {
      const p = patternFor(f.source, this.language);
      return p ? [p] : [];
    }
    if (f.op === 'either') {
      const all: CompiledPattern[] = [];
      for (const i of f.items) {
        const ps = this.plainPatterns(i.op === 'all' && i.positives.length === 0 && i.insides.length === 1 && !i.negatives.length && !i.notInsides.length && !i.conditions.length && !i.focus.length && !i.notRegexes.length ? i.insides[0]! : i);
        if (!ps) return undefined;
        all.push(...ps);
      }
      return all;
    }
    return undefined;
  }

  /**
   * A negative that is one plain (non-sequence) pattern: its compiled root, or null when it does not
   * parse in this grammar (so it can match nothing here); undefined when it must be searched.
   */
  private localPattern(f: Formula): PNode | null | undefined {
    if (f.op !== 'pattern' || !this.language) return undefined;
    const p = patternFor(f.source, this.language);
    if (!p) return null;
    return p.root.t === 'seq' ? undefined : p.root;
  }

  /** Whether a formula's candidates are narrowed (so it is cheap to evaluate first). */
  private selective(f: Formula): boolean {
    switch (f.op) {
      case 'pattern': {
        const p = this.language ? patternFor(f.source, this.language) : undefined;
        return p === undefined || this.scope.selective(p);
      }
      case 'regex':
        return true;
      case 'either':
        return f.items.every((i) => this.selective(i));
      case 'all':
        return [...f.positives, ...f.insides].some((i) => this.selective(i));
    }
  }

  private all(f: Extract<Formula, { op: 'all' }>, within?: SgNode): Match[] {
    // the narrow parts first: when one finds nothing, the broad ones are never searched
    const contexts: Match[][] = [];
    const insides = [...f.insides].sort((a, b) => Number(this.selective(b)) - Number(this.selective(a)));
    for (const inside of insides.filter((i) => this.selective(i))) {
      const ms = this.formula(inside, within);
      if (ms.length === 0) return [];
      contexts.push(ms);
    }
    let result: Match[] | undefined;
    // `pattern: $X` matches any expression: here, the ones the other terms bind $X to (Semgrep's
    // `pattern-inside: f($X)` + `pattern: $X` + `focus-metavariable: $X` idiom); looked at last
    const bare = (p: Formula): string | undefined => {
      if (p.op !== 'pattern' || !this.language) return undefined;
      const c = patternFor(p.source, this.language);
      return c?.root.t === 'mv' && c.root.name !== '$_' ? c.root.name : undefined;
    };
    const deferred = f.positives.filter((p) => bare(p) !== undefined);
    const positives = f.positives.filter((p) => bare(p) === undefined).sort((a, b) => Number(this.selective(b)) - Number(this.selective(a)));
    for (const p of positives) {
      // a broad part is looked for only in and around what the narrow parts found, when that is little
      const scoped = result !== undefined && !this.selective(p) ? this.scoped(p, result, true) : undefined;
      const ms = scoped ?? this.formula(p, within);
      result = result === undefined ? ms : intersect(result, ms);
      if (result.length === 0) return [];
    }
    for (const inside of insides.filter((i) => !this.selective(i))) {
      const scoped = result !== undefined ? this.scoped(inside, result, false) : undefined;
      const ms = scoped ?? this.formula(inside, within);
      if (ms.length === 0) return [];
      contexts.push(ms);
    }
    for (const p of deferred) {
      const name = bare(p)!;
      const bound = [...contexts.flat(), ...(result ?? [])].flatMap((m): Match[] => {
        const b = m.bindings.get(name);
        if (!b?.node) return [];
        // every expression in the context equal to the bound one: `function ($REQ, ...) {...}` +
        // `pattern: $REQ` is each use of the parameter, as in Semgrep
        const same = m.node ? sameTextIn(m.node, b.node) : [b.node];
        return same.map((n) => ({ span: spanM(n), bindings: m.bindings, node: n }));
      });
      // bound by no other term: every expression inside the contexts (Semgrep's `$X` matches any)
      const unbound = [...contexts.flat(), ...(result ?? [])].every((m) => !m.bindings.has(name));
      if (unbound) for (const m of contexts.flat()) if (m.node) bound.push(...expressionsIn(m.node, m.bindings, name));
      const ms = dedupe(bound);
      result = result === undefined ? ms : intersect(result, ms);
      if (result.length === 0) return [];
    }
    for (const ms of contexts) {
      result = result === undefined ? ms : keepInside(result, ms);
      if (result.length === 0) return [];
    }
    let out = result ?? [];
    const agrees = (r: Match, m: Match) => unify(r.bindings, m.bindings) !== undefined || (m.rematch?.(r.bindings) !== undefined);
    for (const n of f.negatives) {
      // a plain pattern-not is checked on the matched node itself: no search of the file
      const local = this.localPattern(n);
      if (local === null) continue;
      if (local && out.every((r) => r.node)) {
        out = out.filter((r) => matchNode(local, r.node!, r.bindings) === undefined);
        continue;
      }
      const ms = this.formula(n, within);
      out = out.filter((r) => !ms.some((m) => sameSpan(m.span, r.span) && agrees(r, m)));
    }
    for (const n of f.notInsides) {
      // a plain pattern-not-inside: the matched node and its ancestors
      const local = this.localPattern(n);
      if (local === null) continue;
      if (local && out.every((r) => r.node)) {
        out = out.filter((r) => !selfAndAncestors(r.node!).some((a) => matchNode(local, a, r.bindings) !== undefined));
        continue;
      }
      const ms = this.formula(n, within);
      out = out.filter((r) => !ms.some((m) => contains(m.span, r.span) && agrees(r, m)));
    }
    for (const n of f.notRegexes) {
      const ms = this.formula(n, within);
      out = out.filter((r) => !ms.some((m) => contains(m.span, r.span)));
    }
    // a metavariable condition, and a focus, see every reading of a match (`f(..., $X, ...)` binds each argument in turn)
    if (f.conditions.length || f.focus.length) out = this.allReadings(f, out);
    for (const c of f.conditions) {
      out = out.flatMap((r) => this.condition(c, r));
      if (out.length === 0) return [];
    }
    if (f.focus.length) {
      out = out.flatMap((r) =>
        f.focus.flatMap((name) => {
          const b = r.bindings.get(name);
          return b ? [{ span: b.span, bindings: r.bindings, ...(b.node ? { node: b.node } : {}) }] : [];
        }),
      );
    }
    return dedupe(out);
  }

  private condition(c: Condition, r: Match): Match[] {
    switch (c.op) {
      case 'metavariable-regex': {
        const b = r.bindings.get(c.name);
        if (!b) return [];
        return c.regex.test(b.text) ? [r] : [];
      }
      case 'metavariable-analysis': {
        const b = r.bindings.get(c.name);
        return b && analyse(c.analyzer, b.text) ? [r] : [];
      }
      case 'metavariable-comparison':
        return evaluateComparison(c.comparison, (name) => r.bindings.get(name)?.text) ? [r] : [];
      case 'metavariable-pattern': {
        const b = r.bindings.get(c.name);
        if (!b) return [];
        let inner: Match[];
        if (c.text || (c.language && c.language !== this.language)) {
          inner = this.foreign(c, b.text);
        } else if (b.node) {
          inner = this.formula(c.formula, b.node);
        } else {
          // a `$...X` list: search the text it covers within the file
          inner = this.formula(c.formula).filter((m) => contains(b.span, m.span));
        }
        const out: Match[] = [];
        for (const m of inner) {
          const u = unify(r.bindings, m.bindings);
          if (u) {
            out.push({ span: r.span, bindings: u });
            break;
          }
        }
        return out;
      }
    }
  }

  /** metavariable-pattern with another `language`: the bound text (a string's content) parsed on its own. */
  private foreign(c: Extract<Condition, { op: 'metavariable-pattern' }>, text: string): Match[] {
    const content = /^(["'`]).*\1$/s.test(text.trim()) ? text.trim().slice(1, -1) : text;
    const file: SourceFile = { path: this.scope.file.path, relPath: this.scope.file.relPath, language: c.language, text: content };
    const sub = new Evaluator(new FileScope(file, c.language), c.language);
    // positions inside the string mean nothing to the outer match: only whether it matched
    return withConstantCache(() => sub.formula(c.formula)).map((m) => ({ span: m.span, bindings: new Map() }));
  }
}

/** Positives: keep pairs where one range holds the other, the smaller range reported. */
function intersect(a: readonly Match[], b: readonly Match[]): Match[] {
  const out: Match[] = [];
  for (const r of a) {
    for (const m of b) {
      let span: Span | undefined;
      let node: SgNode | undefined;
      if (contains(m.span, r.span)) {
        span = r.span;
        node = r.node;
      } else if (contains(r.span, m.span)) {
        span = m.span;
        node = m.node;
      }
      if (!span) continue;
      const u = unify(r.bindings, m.bindings);
      if (u) out.push({ span, bindings: u, ...(node ? { node } : {}) });
    }
  }
  return dedupe(out);
}

/** The metavariable names a pattern binds (`$_` aside). */
function metavariablesOf(p: PNode): Set<string> {
  const out = new Set<string>();
  const walk = (n: PNode) => {
    if (n.t === 'mv' && n.name !== '$_') out.add(n.name);
    else if (n.t === 'ellipsis' && n.name) out.add(n.name);
    else if (n.t === 'node') n.children.forEach(walk);
    else if (n.t === 'seq') n.items.forEach(walk);
    else if (n.t === 'deep') walk(n.inner);
    else if (n.t === 'alt') n.options.forEach(walk);
    else if (n.t === 'chain') walk(n.base);
  };
  walk(p);
  return out;
}

/** Kinds that are not expressions a bare `$X` could stand for. */
const NOT_EXPRESSIONS = /(^|_)(statement|declaration|block|clause|body|comment|fragment|parameters|arguments|program|module|source_file|escape_sequence|property_identifier|substitution|case|default)$/;

/** At most this many expressions are taken from one context for an unbound bare `$X`. */
const MAX_BARE_EXPRESSIONS = 20_000;

/** The expressions under `root` (itself included), each bound to `name`, as matches of a bare `$X` in that context. */
function expressionsIn(root: SgNode, bindings: Bindings, name: string): Match[] {
  const out: Match[] = [];
  const walk = (n: SgNode) => {
    if (out.length >= MAX_BARE_EXPRESSIONS) return;
    if (!NOT_EXPRESSIONS.test(kindM(n))) {
      const b = new Map(bindings);
      b.set(name, { node: n, text: textM(n), span: spanM(n) });
      out.push({ span: spanM(n), bindings: b, node: n });
    }
    for (const c of n.children()) if (c.isNamed()) walk(c);
  };
  walk(root);
  return out;
}

/** The named nodes under `root` whose text is the target's (whitespace aside), the target among them. */
function sameTextIn(root: SgNode, target: SgNode): SgNode[] {
  const want = normalised(textM(target));
  const kind = kindM(target);
  const out: SgNode[] = [];
  const walk = (n: SgNode) => {
    const t = textM(n);
    if (t.length < want.length) return;
    // a node of the same kind and text (a property name `x.req` is not the variable `req`)
    if (kindM(n) === kind && normalised(t) === want) out.push(n);
    for (const c of n.children()) if (c.isNamed()) walk(c);
  };
  walk(root);
  return out.length ? out : [target];
}

function keepInside(a: readonly Match[], outer: readonly Match[]): Match[] {
  const out: Match[] = [];
  for (const r of a) {
    for (const m of outer) {
      if (!contains(m.span, r.span)) continue;
      // the context matched again from this match's bindings when its first reading disagrees
      // (`function $F(..., $REQ, $RES, ...)` has one reading per place of `...`)
      let u = unify(r.bindings, m.bindings);
      if (!u && m.rematch) {
        const again = m.rematch(r.bindings);
        if (again) u = unify(r.bindings, again);
      }
      if (u) {
        out.push({ span: r.span, bindings: u, ...(r.node ? { node: r.node } : {}) });
        break;
      }
    }
  }
  return out;
}

function dedupe(ms: Match[]): Match[] {
  const seen = new Set<string>();
  return ms.filter((m) => {
    const k = `${m.span.startIndex}:${m.span.endIndex}:${[...m.bindings].map(([n, b]) => `${n}=${b.text}`).join('|')}`;
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}

const rulePatternCache = new WeakMap<CodeRule, string[]>();

/** The patterns a rule needs searched in a file (computed once per rule). */
function rulePatterns(rule: CodeRule): string[] {
  let cached = rulePatternCache.get(rule);
  if (!cached) rulePatternCache.set(rule, (cached = rulePatternsOf(rule)));
  return cached;
}

function rulePatternsOf(rule: CodeRule): string[] {
  if (rule.formula) return searchPatterns(rule.formula);
  const t = rule.taint!;
  return [...t.sources, ...t.sinks, ...t.sanitizers, ...t.propagators.map((p) => p.formula)].flatMap(searchPatterns);
}

/**
 * Run rules on one file. `rules` should already be the ones whose languages and paths apply.
 * A rule that throws is reported as a problem; the others go on.
 */
export function evaluateFile(rules: readonly CodeRule[], file: SourceFile): FileResult {
  return withConstantCache(() => evaluateRules(rules, file));
}

function evaluateRules(rules: readonly CodeRule[], file: SourceFile): FileResult {
  const language = file.language;
  prepared(rules, language);
  const scope = new FileScope(file, language);
  const problems: RuleProblem[] = [];
  // hints first: a pattern whose metavariable-regex words are not in the file cannot match there
  scope.hints = regexHints(rules);
  const live = rules.filter((r) => {
    try {
      return ruleLive(r, language, scope, scope.words);
    } catch (e) {
      problems.push({ ruleId: r.id, source: r.source, problem: e instanceof Error ? e.message : String(e) });
      return false;
    }
  });
  const result: FileResult = { matches: [], problems };
  if (live.length === 0) return result;
  if (language) {
    const patterns = new Map<string, CompiledPattern>();
    for (const r of live) {
      for (const s of rulePatterns(r)) {
        const p = patterns.has(s) ? undefined : patternFor(s, language);
        if (p) patterns.set(s, p);
      }
    }
    // the patterns something narrows are searched in one pass; broad ones only on demand — around
    // the narrow matches when there are few, else in a pass of their own
    scope.prepare([...patterns.values()], true);
    // only a file that was parsed for some pattern is checked for parse errors
    const err = scope.errorsSearched ? (scope.errorLine === undefined ? undefined : { line: scope.errorLine }) : scope.parsed ? firstError(scope.tree) : undefined;
    if (err) result.parseProblem = { path: file.relPath, language, line: err.line + 1, problem: `does not parse cleanly as ${language} (from line ${err.line + 1}); matches in the broken part may be missed` };
  }
  const ev = new Evaluator(scope, language);
  for (const rule of live) {
    try {
      const ms = rule.formula ? ev.formula(rule.formula) : evaluateTaint(rule.taint!, ev);
      const seen = new Set<string>();
      for (const m of ms) {
        const key = `${m.span.startIndex}:${m.span.endIndex}`;
        if (seen.has(key)) continue;
        seen.add(key);
        result.matches.push(toRuleMatch(rule, m, scope));
      }
    } catch (e) {
      problems.push({ ruleId: rule.id, source: rule.source, problem: e instanceof Error ? e.message : String(e) });
    }
  }
  return result;
}

const preparedFor = new WeakMap<readonly CodeRule[], Set<CodeLanguage | undefined>>();

/** The pre-filter readied once per rule selection and grammar (the selector hands the same array back for the same selection). */
function prepared(rules: readonly CodeRule[], language: CodeLanguage | undefined): void {
  let langs = preparedFor.get(rules);
  if (!langs) preparedFor.set(rules, (langs = new Set()));
  if (langs.has(language)) return;
  prepareRules(rules, language, rulePatterns);
  langs.add(language);
}

function firstError(root: SgNode): { line: number } | undefined {
  const e = root.find({ rule: { kind: 'ERROR' } } as never);
  return e ? { line: e.range().start.line } : undefined;
}

/** A match as the scanner reports it: 1-based lines and columns, message and fix interpolated. */
export function toRuleMatch(rule: CodeRule, m: Match, scope: FileScope): RuleMatch {
  const bindings: Record<string, string> = {};
  for (const [name, b] of m.bindings) bindings[name] = b.text;
  const s = m.span;
  return {
    ruleId: rule.id,
    path: scope.file.relPath,
    startLine: s.startLine + 1,
    startColumn: s.startColumn + 1,
    endLine: s.endLine + 1,
    endColumn: s.endColumn + 1,
    snippet: scope.file.text.slice(s.startIndex, s.endIndex),
    message: interpolate(rule.message, m.bindings),
    bindings,
    ...(rule.fix !== undefined ? { fix: interpolate(rule.fix, m.bindings) } : {}),
  };
}

/** `$X` in a message → the code bound to it; longer names first so `$XY` is not read as `$X`. */
export function interpolate(template: string, bindings: Bindings): string {
  const names = [...bindings.keys()].sort((a, b) => b.length - a.length);
  if (names.length === 0) return template;
  const re = new RegExp(names.map((n) => n.replace(/\$/g, '\\$')).join('|'), 'g');
  return template.replace(re, (n) => bindings.get(n)?.text ?? n);
}
