/**
 * Semgrep's generic mode (`languages: [generic]`) for `pattern`: the pattern and the file are
 * read as streams of words (`[A-Za-z0-9_]+`) and single punctuation characters, whitespace and
 * line breaks aside. A word matches the same word, `$X` any one word (the same one wherever `$X`
 * recurs), and `...` any run of tokens within the next 10 lines (Semgrep's bound). A position
 * that failed once with the same bindings is not tried again, and the steps a file may take are
 * bounded, so a file cannot make matching run away.
 */
import type { Bindings, Binding, Match, Span } from './match.js';

type Item = { t: 'word'; text: string } | { t: 'mv'; name: string } | { t: 'ellipsis' };

interface Token {
  text: string;
  start: number;
  end: number;
  line: number;
}

/** Lines an ellipsis may span past the line it starts on. */
const ELLIPSIS_LINES = 10;
/**
 * Steps one file may take in all: a hostile file (200,000 copies of a pattern's first word on one
 * line) ends in well under a second, and what is left unmatched then is the rest of that file.
 */
const FILE_STEP_LIMIT = 2_000_000;

const compiled = new Map<string, Item[]>();

export function compileGeneric(source: string): Item[] {
  let items = compiled.get(source);
  if (items) return items;
  items = [];
  const re = /\.\.\.|\$[A-Z_][A-Z0-9_]*|[A-Za-z0-9_]+|\S/g;
  for (const m of source.matchAll(re)) {
    const t = m[0];
    if (t === '...') items.push({ t: 'ellipsis' });
    else if (t.startsWith('$') && t.length > 1) items.push({ t: 'mv', name: t });
    else items.push({ t: 'word', text: t });
  }
  if (items.length === 0 || items.every((i) => i.t === 'ellipsis')) throw new Error('a generic pattern needs at least one word or metavariable');
  compiled.set(source, items);
  return items;
}

function isWordChar(c: number): boolean {
  return (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || (c >= 48 && c <= 57) || c === 95;
}

/** The file's tokens, one linear pass. */
export function tokenize(text: string): Token[] {
  const out: Token[] = [];
  let line = 1;
  for (let i = 0; i < text.length; ) {
    const c = text.charCodeAt(i);
    if (c === 10) {
      line++;
      i++;
      continue;
    }
    if (c === 32 || c === 9 || c === 13 || c === 12 || c === 11) {
      i++;
      continue;
    }
    const start = i;
    if (isWordChar(c)) while (i < text.length && isWordChar(text.charCodeAt(i))) i++;
    else i += c >= 0xd800 && c < 0xdc00 ? 2 : 1;
    out.push({ text: text.slice(start, i), start, end: i, line });
  }
  return out;
}

/** Every match of the generic pattern in the tokens, by start position. */
export function genericMatches(source: string, tokens: readonly Token[], spanOf: (start: number, end: number) => Span): Match[] {
  const items = compileGeneric(source);
  // a leading `...` adds nothing to where a match starts
  let first = 0;
  while (items[first]?.t === 'ellipsis') first++;
  const out: Match[] = [];
  let steps = 0;
  /** (item, token, bindings) that cannot complete a match: the same whatever the start. */
  const failed = new Set<string>();
  const key = (i: number, j: number, b: Map<string, Binding>) => {
    let k = `${i}:${j}`;
    for (const v of b.values()) k += `\u0000${v.text}`;
    return k;
  };
  const go = (i: number, j: number, b: Map<string, Binding>): { end: number; b: Map<string, Binding> } | undefined => {
    if (i === items.length) return { end: j, b };
    if (++steps > FILE_STEP_LIMIT) return undefined;
    const k = key(i, j, b);
    if (failed.has(k)) return undefined;
    const r = step(i, j, b);
    if (!r) failed.add(k);
    return r;
  };
  const step = (i: number, j: number, b: Map<string, Binding>): { end: number; b: Map<string, Binding> } | undefined => {
    const it = items[i]!;
    if (it.t === 'ellipsis') {
      // a trailing `...` takes nothing more
      if (i === items.length - 1) return { end: j, b };
      const limit = (tokens[j - 1] ?? tokens[j])?.line ?? 0;
      for (let k = j; k < tokens.length && tokens[k]!.line <= limit + ELLIPSIS_LINES; k++) {
        if (steps > FILE_STEP_LIMIT) return undefined;
        const r = go(i + 1, k, b);
        if (r) return r;
      }
      return undefined;
    }
    const tok = tokens[j];
    if (!tok) return undefined;
    if (it.t === 'word') return tok.text === it.text ? go(i + 1, j + 1, b) : undefined;
    if (!isWordChar(tok.text.charCodeAt(0))) return undefined;
    const had = b.get(it.name);
    if (had) return had.text === tok.text ? go(i + 1, j + 1, b) : undefined;
    const next = new Map(b);
    next.set(it.name, { text: tok.text, span: spanOf(tok.start, tok.end) });
    return go(i + 1, j + 1, next);
  };
  for (let s = 0; s < tokens.length && steps <= FILE_STEP_LIMIT; s++) {
    const head = items[first]!;
    if (head.t === 'word' && tokens[s]!.text !== head.text) continue;
    const r = go(first, s, new Map());
    if (!r || r.end === s) continue;
    const last = tokens[r.end - 1]!;
    out.push({ span: spanOf(tokens[s]!.start, last.end), bindings: r.b as Bindings });
  }
  return out;
}
