/**
 * What a file's text says before anything is parsed: which rules could match there at all.
 *
 * - Words (Semgrep's pre-filter): every identifier a pattern spells must be in the file as an
 *   identifier. A file's identifiers are the runs of `[A-Za-z0-9_$]` without their leading digits,
 *   as the regex `[A-Za-z_$][A-Za-z0-9_$]*` finds them; only the words some pattern asks about are
 *   looked up, in one pass over the text that makes no string per identifier.
 * - Hints (vigil's extension): a metavariable-regex such as `^(md5|sha1)$` on a metavariable of a
 *   positive pattern means a match contains one of those words (`regexHints`).
 * - A rule is live when its formula can still be satisfied from those facts (`ruleLive`); a
 *   `pattern-regex` counts when it matches somewhere in the file.
 *
 * Every test here is implied by a match (a superset, never a guess): a rule that is not live in a
 * file cannot match there.
 */
import type { CodeLanguage } from '../types.js';
import { patternFor, type CompiledPattern } from './pattern.js';
import type { CodeRule, Formula } from './rules.js';

/** Marks a hint word that is compared without case (from a `(?i)` regex); the word itself is lower case. */
export const CASELESS = '\u0001';
/** Marks a hint word that must stand as a word of its own (from `^(req|request)$`): `require` does not count. */
export const WHOLE = '\u0002';

// ---------------------------------------------------------------------------------------------
// words

/** [A-Za-z0-9_$] by char code (NaN, off either end of the text, is not). */
export function isWordChar(c: number): boolean {
  return (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || (c >= 48 && c <= 57) || c === 95 || c === 36;
}

function isDigit(c: number): boolean {
  return c >= 48 && c <= 57;
}

/** A word that could be an identifier: a start character, then word characters. */
function identifierLike(w: string): boolean {
  if (w.length === 0 || isDigit(w.charCodeAt(0))) return false;
  for (let i = 0; i < w.length; i++) if (!isWordChar(w.charCodeAt(i))) return false;
  return true;
}

function hashStep(h: number, c: number): number {
  return (Math.imul(h, 31) + c) | 0;
}

function hashOf(w: string): number {
  let h = 0;
  for (let i = 0; i < w.length; i++) h = hashStep(h, w.charCodeAt(i));
  return h;
}

/**
 * The words rules ask about, numbered, with an open-addressing table from a word's hash to its
 * number, so a pass over a file finds them all without making a string. One per thread: it only
 * grows, and a file scanned before a word was added answers that word by a search of its own.
 */
class Vocabulary {
  readonly list: string[] = [];
  private readonly ids = new Map<string, number>();
  private hashes = new Int32Array(0);
  /** Word number + 1 in each slot; 0 is empty. */
  private slots = new Int32Array(0);
  private mask = 0;
  private built = 0;
  minLength = Number.POSITIVE_INFINITY;
  maxLength = 0;

  idOf(w: string): number | undefined {
    return this.ids.get(w);
  }

  add(w: string): void {
    if (this.ids.has(w) || !identifierLike(w)) return;
    this.ids.set(w, this.list.length);
    this.list.push(w);
    this.minLength = Math.min(this.minLength, w.length);
    this.maxLength = Math.max(this.maxLength, w.length);
  }

  /** The table, rebuilt when words were added since. */
  table(): { hashes: Int32Array; slots: Int32Array; mask: number } {
    if (this.built !== this.list.length) {
      let size = 1024;
      while (size < this.list.length * 4) size *= 2;
      this.hashes = new Int32Array(size);
      this.slots = new Int32Array(size);
      this.mask = size - 1;
      this.list.forEach((w, id) => {
        const h = hashOf(w);
        let s = h & this.mask;
        while (this.slots[s] !== 0) s = (s + 1) & this.mask;
        this.hashes[s] = h;
        this.slots[s] = id + 1;
      });
      this.built = this.list.length;
    }
    return { hashes: this.hashes, slots: this.slots, mask: this.mask };
  }
}

const vocabulary = new Vocabulary();

/** Which identifiers a file holds: the vocabulary's in one pass, any other word by a search when asked. */
export class FileWords {
  private readonly found: Uint8Array;
  /** Words known when the file was scanned; a later one is searched for. */
  private readonly known: number;
  private others?: Map<string, boolean>;

  constructor(private readonly text: string) {
    this.known = vocabulary.list.length;
    this.found = scan(text);
  }

  /** By vocabulary number (see `ruleLive`); a word added after the scan is searched for. */
  holds(id: number): boolean {
    return id < this.known ? this.found[id] === 1 : this.has(vocabulary.list[id]!);
  }

  has(w: string): boolean {
    const id = vocabulary.idOf(w);
    if (id !== undefined && id < this.known) return this.found[id] === 1;
    let r = this.others?.get(w);
    if (r === undefined) (this.others ??= new Map()).set(w, (r = hasIdentifier(this.text, w)));
    return r;
  }
}

/** One pass over the text: which vocabulary words occur as identifiers. */
function scan(text: string): Uint8Array {
  const found = new Uint8Array(vocabulary.list.length);
  if (vocabulary.list.length === 0) return found;
  const { hashes, slots, mask } = vocabulary.table();
  const { list, minLength, maxLength } = vocabulary;
  const n = text.length;
  let i = 0;
  while (i < n) {
    let c = text.charCodeAt(i);
    if (!isWordChar(c)) {
      i++;
      continue;
    }
    // a run of word characters: its leading digits are not part of the identifier
    while (isDigit(c)) c = text.charCodeAt(++i);
    if (!isWordChar(c)) continue;
    const start = i;
    let h = 0;
    do {
      h = hashStep(h, c);
      c = text.charCodeAt(++i);
    } while (isWordChar(c));
    const length = i - start;
    if (length < minLength || length > maxLength) continue;
    for (let s = h & mask; slots[s] !== 0; s = (s + 1) & mask) {
      if (hashes[s] !== h) continue;
      const id = slots[s]! - 1;
      const w = list[id]!;
      if (w.length === length && text.startsWith(w, start)) found[id] = 1;
    }
  }
  return found;
}

/** Whether `w` occurs in the text as an identifier (see the module doc), by search. */
function hasIdentifier(text: string, w: string): boolean {
  if (!identifierLike(w)) return false;
  for (let i = text.indexOf(w); i !== -1; i = text.indexOf(w, i + 1)) {
    if (isWordChar(text.charCodeAt(i + w.length))) continue;
    let j = i - 1;
    while (j >= 0 && isDigit(text.charCodeAt(j))) j--;
    if (j >= 0 && isWordChar(text.charCodeAt(j))) continue;
    return true;
  }
  return false;
}

// ---------------------------------------------------------------------------------------------
// letter triples

const TRIPLE_SLOTS = 1 << 16;

function tripleSlot(a: number, b: number, c: number): number {
  return (Math.imul(a, 0x9e3779b1) ^ Math.imul(b, 0x85ebca6b) ^ Math.imul(c, 0xc2b2ae35)) >>> 16;
}

/** An ASCII upper-case letter's code as lower case; any other code as it is. */
function fold(c: number): number {
  return c >= 65 && c <= 90 ? c + 32 : c;
}

/**
 * Whether every three adjacent characters of a word (case folded) may occur in a row in a text:
 * a table of the text's triples, hashed into 64K slots, so "no" is certain and "yes" is likely.
 * Most hint words are absent from a file, and proving that by a search reads the whole file.
 */
export class Triples {
  private readonly table = new Uint8Array(TRIPLE_SLOTS);

  constructor(text: string) {
    const t = this.table;
    let a = fold(text.charCodeAt(0));
    let b = fold(text.charCodeAt(1));
    for (let i = 2; i < text.length; i++) {
      const c = fold(text.charCodeAt(i));
      t[tripleSlot(a, b, c)] = 1;
      a = b;
      b = c;
    }
  }

  mayContain(word: string): boolean {
    for (let i = 2; i < word.length; i++) {
      if (this.table[tripleSlot(fold(word.charCodeAt(i - 2)), fold(word.charCodeAt(i - 1)), fold(word.charCodeAt(i)))] === 0) return false;
    }
    return true;
  }
}

// ---------------------------------------------------------------------------------------------
// live rules

/** What a file must offer for a rule to match there, the rule's formulas compiled for one grammar. */
type Need =
  | { t: 'pattern'; p: CompiledPattern }
  | { t: 'regex'; re: RegExp }
  | { t: 'any' | 'all'; items: Need[] }
  | { t: 'never' }
  /** Compiling the pattern failed other than by not parsing: thrown when asked, as the rule's problem. */
  | { t: 'throw'; error: unknown };

/** The file facts a Need is judged against (the evaluator's FileScope). */
export interface TextFacts {
  /** The pattern's words and its hint's words are in the file. */
  feasible(p: CompiledPattern): boolean;
  /** The regex matches somewhere in the file. */
  regexOccurs(re: RegExp): boolean;
}

const NEVER: Need = { t: 'never' };

/** A rule's Need, and the vocabulary numbers of words it cannot match without (any one absent rules it out at once). */
interface RuleNeed {
  need: Need;
  required: number[];
}

const needs = new WeakMap<CodeRule, Map<CodeLanguage | undefined, RuleNeed>>();

function throws(n: Need): boolean {
  return n.t === 'throw' || ((n.t === 'any' || n.t === 'all') && n.items.some(throws));
}

/** Words every way of meeting the Need requires; null when it can never be met. */
function requiredWords(n: Need): Set<string> | null {
  switch (n.t) {
    case 'pattern':
      return new Set(n.p.tokens);
    case 'regex':
    case 'throw':
      return new Set();
    case 'never':
      return null;
    case 'any': {
      // the words every alternative that can be met requires
      let out: Set<string> | undefined;
      for (const i of n.items) {
        const r = requiredWords(i);
        if (r === null) continue;
        if (out === undefined) out = r;
        else for (const w of out) if (!r.has(w)) out.delete(w);
      }
      return out ?? null;
    }
    case 'all': {
      const out = new Set<string>();
      for (const i of n.items) {
        const r = requiredWords(i);
        if (r === null) return null;
        for (const w of r) out.add(w);
      }
      return out;
    }
  }
}

/** Always satisfied: no fact of the text rules it out. */
const ANY_TEXT: Need = { t: 'all', items: [] };

/** The words of a pattern, known to the vocabulary before any file is scanned for them. */
function patternNeed(source: string, language: CodeLanguage | undefined): Need {
  // a generic-mode pattern (no grammar) can match any text file
  if (!language) return ANY_TEXT;
  let p: CompiledPattern | undefined;
  try {
    p = patternFor(source, language);
  } catch (error) {
    return { t: 'throw', error };
  }
  if (!p) return NEVER;
  for (const w of p.tokens) vocabulary.add(w);
  return { t: 'pattern', p };
}

/** The positive parts of a formula: what must be in the file (pattern-not and conditions only take away). */
function formulaNeed(f: Formula, language: CodeLanguage | undefined): Need {
  switch (f.op) {
    case 'pattern':
      return patternNeed(f.source, language);
    case 'regex':
      return { t: 'regex', re: f.regex };
    case 'either':
      return { t: 'any', items: f.items.map((i) => formulaNeed(i, language)) };
    case 'all':
      return { t: 'all', items: [...f.positives, ...f.insides].map((i) => formulaNeed(i, language)) };
  }
}

function ruleNeed(rule: CodeRule, language: CodeLanguage | undefined): RuleNeed {
  let byLang = needs.get(rule);
  if (!byLang) needs.set(rule, (byLang = new Map()));
  let n = byLang.get(language);
  if (!n) {
    let need: Need;
    if (rule.formula) need = formulaNeed(rule.formula, language);
    else {
      // taint: some source and some sink
      const t = rule.taint!;
      need = { t: 'all', items: [{ t: 'any', items: t.sources.map((f) => formulaNeed(f, language)) }, { t: 'any', items: t.sinks.map((f) => formulaNeed(f, language)) }] };
    }
    // a pattern that failed to compile is reported whenever the rule is asked about, as before
    const words = throws(need) ? undefined : requiredWords(need);
    const required: number[] = [];
    for (const w of words ?? []) {
      vocabulary.add(w);
      const id = vocabulary.idOf(w);
      if (id !== undefined) required.push(id);
    }
    byLang.set(language, (n = { need, required }));
  }
  return n;
}

function holds(n: Need, facts: TextFacts): boolean {
  switch (n.t) {
    case 'pattern':
      return facts.feasible(n.p);
    case 'regex':
      return facts.regexOccurs(n.re);
    case 'any':
      for (const i of n.items) if (holds(i, facts)) return true;
      return false;
    case 'all':
      for (const i of n.items) if (!holds(i, facts)) return false;
      return true;
    case 'never':
      return false;
    case 'throw':
      throw n.error;
  }
}

/**
 * Prepare the pre-filter for these rules in a grammar: their patterns compiled and their words
 * (with the hints' whole words) added to the vocabulary, so that a file scanned afterwards answers
 * them from its one pass. Patterns the rule searches but does not need (pattern-not with more
 * than a pattern, taint sanitizers) are listed too.
 */
export function prepareRules(rules: readonly CodeRule[], language: CodeLanguage | undefined, searched: (rule: CodeRule) => readonly string[]): void {
  for (const r of rules) {
    ruleNeed(r, language);
    if (language) for (const s of searched(r)) patternNeed(s, language);
  }
  for (const words of regexHints(rules).values()) for (const w of words) if (w.startsWith(WHOLE)) vocabulary.add(w.slice(1));
}

/**
 * Whether a rule can match in a file with these facts (throws what compiling its patterns threw).
 * Most rules are not live in most files, and most of those lack a word the rule cannot do
 * without: that is one lookup in the file's scan, before the rule's formulas are walked.
 */
export function ruleLive(rule: CodeRule, language: CodeLanguage | undefined, facts: TextFacts, words: FileWords): boolean {
  const n = ruleNeed(rule, language);
  for (const id of n.required) if (!words.holds(id)) return false;
  return holds(n.need, facts);
}

// ---------------------------------------------------------------------------------------------
// hints from metavariable-regex

const ruleHints = new WeakMap<CodeRule, Map<string, string[] | null>>();
/** Selections handed in again as the same array (the rule selector caches them) skip the key. */
const hintsByList = new WeakMap<readonly CodeRule[], ReadonlyMap<string, readonly string[]>>();

/**
 * Semgrep's pre-filter, extended to metavariable-regex: in `patterns`, a positive `pattern` whose
 * metavariable must match `^(md5|sha1)$` can only match code containing one of those words. For
 * each pattern source, the words (null when some use of the pattern has no such condition).
 */
export function regexHints(rules: readonly CodeRule[]): ReadonlyMap<string, readonly string[]> {
  let out = hintsByList.get(rules);
  if (out) return out;
  // files of one language and folder get the same rules: merge once per distinct selection
  const key = rules.map(serialOf).join(',');
  out = mergedHints.get(key);
  if (!out) {
    if (mergedHints.size >= 256) mergedHints.clear();
    mergedHints.set(key, (out = mergeHints(rules)));
  }
  hintsByList.set(rules, out);
  return out;
}

const mergedHints = new Map<string, ReadonlyMap<string, readonly string[]>>();
/** A number for each rule object: two rule sets that share ids (tests load many) never share a key. */
const serials = new WeakMap<CodeRule, number>();
let lastSerial = 0;
function serialOf(r: CodeRule): number {
  let n = serials.get(r);
  if (n === undefined) serials.set(r, (n = ++lastSerial));
  return n;
}

function mergeHints(rules: readonly CodeRule[]): Map<string, readonly string[]> {
  const merged = new Map<string, string[] | null>();
  for (const r of rules) {
    let h = ruleHints.get(r);
    if (!h) {
      h = new Map();
      type Cond = { name: string; words: string[] };
      // conditions of an enclosing `patterns` filter what its positives match, through pattern-either too
      const visit = (f: Formula, conds: Cond[] = []): void => {
        if (f.op === 'pattern') {
          let hint: string[] | undefined;
          for (const c of conds) {
            if (!new RegExp(`\\${c.name}(?![A-Z0-9_])`).test(f.source)) continue;
            if (!hint || c.words.length < hint.length) hint = c.words;
          }
          const prev = h!.get(f.source);
          h!.set(f.source, prev === null || !hint ? null : [...new Set([...(prev ?? []), ...hint])]);
        } else if (f.op === 'either') f.items.forEach((i) => visit(i, conds));
        else if (f.op === 'all') {
          const own: Cond[] = [];
          for (const c of f.conditions) {
            if (c.op !== 'metavariable-regex') continue;
            const whole = wholeWordAlternatives(c.regex);
            const words = whole ? whole.map((w) => WHOLE + w) : (literalAlternatives(c.regex) ?? requiredRun(c.regex));
            if (words) own.push({ name: c.name, words });
          }
          for (const p of f.positives) visit(p, [...conds, ...own]);
          [...f.insides, ...f.negatives, ...f.notInsides].forEach((i) => visit(i));
        }
      };
      if (r.formula) visit(r.formula);
      else for (const f of [...r.taint!.sources, ...r.taint!.sinks, ...r.taint!.sanitizers]) visit(f);
      ruleHints.set(r, h);
    }
    for (const [s, words] of h) {
      const prev = merged.get(s);
      merged.set(s, prev === null || words === null ? null : [...new Set([...(prev ?? []), ...words])]);
    }
  }
  const out = new Map<string, readonly string[]>();
  for (const [s, words] of merged) if (words && words.length) out.set(s, words);
  return out;
}

/**
 * The literal words one of which a match of the regex must contain, or undefined when the regex
 * is not that simple: `^(md5|sha1)$`, `^((window|self)\.)?(setTimeout|setInterval)$` (the optional
 * group does not count), `^renderString$`. Only a top level without `|` qualifies, and only a
 * group that is not optional.
 */
export function literalAlternatives(re: RegExp): string[] | undefined {
  if (re.flags.includes('i')) return undefined;
  let src = re.source;
  if (src.startsWith('^(?:') && src.endsWith(')')) src = src.slice(4, -1);
  const anchoredStart = src.startsWith('^') || re.source.startsWith('^(?:');
  src = src.replace(/^\^/, '').replace(/\$$/, '');
  const word = /^(?:[A-Za-z0-9_]|\\\.)+$/;
  const literal = (w: string) => w.replace(/\\\./g, '.');
  if (word.test(src)) return [literal(src)];
  const groups: { content: string; quantified: boolean }[] = [];
  let depth = 0;
  let start = -1;
  for (let i = 0; i < src.length; i++) {
    const c = src[i]!;
    if (c === '\\') {
      i++;
      continue;
    }
    if (c === '[') {
      // a character class: skip to its end
      for (i++; i < src.length && src[i] !== ']'; i++) if (src[i] === '\\') i++;
      continue;
    }
    if (c === '(') {
      if (depth === 0) start = i;
      depth++;
    } else if (c === ')') {
      depth--;
      if (depth === 0) {
        const q = src[i + 1];
        const optional = q === '?' || q === '*' || (q === '{' && /^\{0[,}]/.test(src.slice(i + 1)));
        groups.push({ content: src.slice(start + 1, i), quantified: optional });
      }
    } else if (c === '|' && depth === 0) {
      return undefined;
    }
  }
  let best: string[] | undefined;
  // anchored at the start with a literal character (`^/…` for a regex literal): that character must occur
  const lead = anchoredStart ? /^(?:\\([/.'"`$])|([^\\\[\](){}|.*+?^$]))(?![?*{])/.exec(src) : null;
  if (lead) best = [lead[1] ?? lead[2]!];
  for (const g of groups) {
    if (g.quantified) continue;
    const content = g.content.replace(/^\?:/, '');
    const alts = content.split('|');
    if (!alts.every((a) => word.test(a))) continue;
    const words = alts.map(literal);
    if (!best || Math.min(...words.map((w) => w.length)) > Math.min(...best.map((w) => w.length))) best = words;
  }
  return best;
}

/**
 * The words a match of the regex must be exactly, when it is nothing but a choice of identifiers
 * anchored at both ends: `^(req|request)$`, `^(?:md5|sha1)$`, `^eval$`. Undefined otherwise.
 */
export function wholeWordAlternatives(re: RegExp): string[] | undefined {
  if (re.flags.includes('i') || re.flags.includes('m')) return undefined;
  let src = re.source;
  // the loader anchors a metavariable-regex as ^(?:…)
  if (src.startsWith('^(?:') && src.endsWith(')')) src = src.slice(4, -1);
  const m = /^\^(?:\((?:\?:)?([A-Za-z_]\w*(?:\|[A-Za-z_]\w*)*)\)|([A-Za-z_]\w*))\$$/.exec(src);
  return m ? (m[1] ?? m[2]!).split('|') : undefined;
}

/**
 * The longest run of literal characters (3 or more) every match of the regex contains, for regexes
 * with no simple alternation: `(?i)^['"]access-control-allow-origin['"]$` → `access-control-allow-origin`
 * (marked caseless). Undefined when the top level has `|` or no run is long enough.
 */
export function requiredRun(re: RegExp): string[] | undefined {
  let src = re.source;
  if (src.startsWith('^(?:') && src.endsWith(')')) src = src.slice(4, -1);
  const runs: string[] = [];
  let run = '';
  const end = () => {
    if (run.length >= 3) runs.push(run);
    run = '';
  };
  for (let i = 0; i < src.length; i++) {
    const c = src[i]!;
    const next = src[i + 1];
    const optionalNext = (j: number) => src[j] === '?' || src[j] === '*' || (src[j] === '{' && /^\{0[,}]/.test(src.slice(j)));
    if (c === '|') return undefined;
    if (c === '\\') {
      const e = next ?? '';
      let lit: string | undefined;
      let width = 2;
      if (/[^A-Za-z0-9]/.test(e)) lit = e;
      else if (e === 'x' && /^[0-9a-fA-F]{2}$/.test(src.slice(i + 2, i + 4))) {
        lit = String.fromCharCode(parseInt(src.slice(i + 2, i + 4), 16));
        width = 4;
      }
      if (lit === undefined) end();
      else if (optionalNext(i + width)) end();
      else run += lit;
      i += width - 1;
      continue;
    }
    if (c === '[') {
      end();
      for (i++; i < src.length && src[i] !== ']'; i++) if (src[i] === '\\') i++;
      continue;
    }
    if (c === '(') {
      end();
      let depth = 1;
      for (i++; i < src.length && depth > 0; i++) {
        if (src[i] === '\\') i++;
        else if (src[i] === '(') depth++;
        else if (src[i] === ')') depth--;
      }
      i--;
      continue;
    }
    if ('.*+?{}^$)'.includes(c)) {
      if (c === '?' || c === '*' || c === '{') run = run.slice(0, -1);
      end();
      continue;
    }
    if (optionalNext(i + 1)) {
      end();
      continue;
    }
    run += c;
  }
  end();
  if (runs.length === 0) return undefined;
  const best = runs.sort((a, b) => b.length - a.length)[0]!;
  return re.flags.includes('i') ? [CASELESS + best.toLowerCase()] : [best];
}
