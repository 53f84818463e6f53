/**
 * Semgrep's `metavariable-analysis` analyzers: binary judgements on what a metavariable bound.
 *
 * - `entropy`: the value (a string's content) looks like a random secret rather than English or
 *   an identifier. vigil asks the same question its secrets pass asks (`judgeValue`): long
 *   enough, not a placeholder, a path, a URL or words, and above the entropy bar for its alphabet.
 * - `redos`: the value (a regex literal `/…/flags`, or a string holding a regex) has a known
 *   catastrophic-backtracking shape: an unbounded quantifier over a group that itself holds an
 *   unbounded quantifier (`(a+)+`, `(\w*\s?)*`), or over alternatives that can match the same
 *   text (`(a|ab)*`, `(\w|\d)+`).
 */
import { judgeValue } from '../secrets/entropy.js';
import { stringContent } from './pattern.js';

export type Analyzer = 'entropy' | 'redos';
export const ANALYZERS: readonly Analyzer[] = ['entropy', 'redos'];

export function analyse(analyzer: Analyzer, text: string): boolean {
  return analyzer === 'entropy' ? highEntropy(text) : redosProne(text);
}

function highEntropy(text: string): boolean {
  return judgeValue(stringContent(text.trim())).secret;
}

/** The regex's source: `/a+/g` → `a+`; a string literal's content; otherwise the text itself. */
function regexSource(text: string): string {
  const t = text.trim();
  const literal = /^\/((?:[^/\\\n[]|\\.|\[(?:[^\]\\\n]|\\.)*\])+)\/[a-z]*$/.exec(t);
  if (literal) return literal[1]!;
  return stringContent(t);
}

interface Group {
  /** An unbounded quantifier occurs inside (at any depth). */
  innerUnbounded: boolean;
  /** The first "characters" each alternative starts with ('*' for any). */
  firsts: string[][];
  current: string[];
  atStart: boolean;
}

/**
 * Whether the regex has a nested unbounded quantifier or an unbounded quantifier over
 * overlapping alternatives. A linear scan of the source with a stack of open groups.
 */
export function redosProne(text: string): boolean {
  const src = regexSource(text);
  const stack: Group[] = [{ innerUnbounded: false, firsts: [], current: [], atStart: true }];
  const top = () => stack[stack.length - 1]!;
  /** What the last atom was: a closed group (with its facts) or a single character class. */
  let last: { group?: Group; first: string } | undefined;
  const noteFirst = (f: string) => {
    const g = top();
    if (g.atStart) {
      g.current.push(f);
      g.atStart = false;
    }
  };
  for (let i = 0; i < src.length; i++) {
    const c = src[i]!;
    if (c === '\\') {
      const e = src[i + 1] ?? '';
      i++;
      const f = /[dwsDWS]/.test(e) ? `\\${e}` : e;
      noteFirst(f);
      last = { first: f };
      continue;
    }
    if (c === '[') {
      let end = i + 1;
      if (src[end] === '^') end++;
      if (src[end] === ']') end++;
      while (end < src.length && src[end] !== ']') end += src[end] === '\\' ? 2 : 1;
      noteFirst('*');
      last = { first: '*' };
      i = end;
      continue;
    }
    if (c === '(') {
      // skip a group's head: (?:, (?=, (?<name>
      const head = /^\(\?(?:<?[=!]|:|P?<[A-Za-z_]\w*>)?/.exec(src.slice(i, i + 40));
      if (head && head[0].length > 1) i += head[0].length - 1;
      stack.push({ innerUnbounded: false, firsts: [], current: [], atStart: true });
      last = undefined;
      continue;
    }
    if (c === '|') {
      const g = top();
      g.firsts.push(g.current);
      g.current = [];
      g.atStart = true;
      continue;
    }
    if (c === ')') {
      if (stack.length === 1) continue;
      const g = stack.pop()!;
      g.firsts.push(g.current);
      if (g.innerUnbounded) top().innerUnbounded = true;
      const first = g.firsts[0]?.[0] ?? '*';
      noteFirst(first);
      last = { group: g, first };
      continue;
    }
    const unbounded = c === '*' || c === '+' || (c === '{' && /^\{\d*,\}/.test(src.slice(i, i + 12)));
    if (unbounded) {
      if (last?.group) {
        if (last.group.innerUnbounded) return true;
        if (overlapping(last.group.firsts)) return true;
      }
      top().innerUnbounded = true;
      if (c === '{') i = src.indexOf('}', i);
      continue;
    }
    if (c === '?' || c === '{') {
      if (c === '{') {
        const close = src.indexOf('}', i);
        if (close !== -1) i = close;
      }
      continue;
    }
    const f = c === '.' ? '*' : c;
    noteFirst(f);
    last = { first: f };
  }
  return false;
}

/** Two alternatives that can start with the same character. */
function overlapping(firsts: string[][]): boolean {
  if (firsts.length < 2) return false;
  const starts = firsts.map((a) => a[0] ?? '*');
  for (let a = 0; a < starts.length; a++) {
    for (let b = a + 1; b < starts.length; b++) {
      const x = starts[a]!;
      const y = starts[b]!;
      if (x === '*' || y === '*' || x === y || classOverlap(x, y) || classOverlap(y, x)) return true;
    }
  }
  return false;
}

/** `\w` and a word character, `\d` and a digit, `\w` and `\d`, `\s` and a blank. */
function classOverlap(cls: string, c: string): boolean {
  if (cls === '\\w') return /^[A-Za-z0-9_]$/.test(c) || c === '\\d';
  if (cls === '\\d') return /^[0-9]$/.test(c);
  if (cls === '\\s') return /^\s$/.test(c);
  return false;
}
