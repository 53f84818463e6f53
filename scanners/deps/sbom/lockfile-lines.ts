/**
 * Line lookups in yarn.lock text. Neither yarn parser keeps positions, so error messages find
 * their line by reading the text again, only when there is an error to report.
 */

/** 1-based line of each top-level entry key (`"a@^1", a@^1.2:` gives both descriptors the same line). */
export function entryKeyLines(text: string): Map<string, number> {
  const out = new Map<string, number>();
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!.replace(/\r$/, '');
    if (!line || /^[\s#]/.test(line) || !line.endsWith(':')) continue;
    for (const part of unquote(line.slice(0, -1)).split(/,\s*/)) {
      const key = unquote(part.trim());
      if (key && !out.has(key)) out.set(key, i + 1);
    }
  }
  return out;
}

/**
 * The line where a double-quoted string opens and never closes, read token by token the way
 * @yarnpkg/lockfile's tokenizer reads it: a bare word (`-"x`) swallows quotes up to the next space,
 * colon or comma, a comment runs to the end of its line, and a string may run across lines. That
 * tokenizer, given such a string, appends past the end of the text until memory runs out, so this
 * must agree with it exactly: a quote it would pair differently is a hang this check misses.
 */
export function unclosedQuoteLine(text: string): number | undefined {
  let line = 1;
  let i = 0;
  const n = text.length;
  while (i < n) {
    const ch = text[i]!;
    if (ch === '\n' || ch === '\r') {
      i += ch === '\r' && text[i + 1] === '\n' ? 2 : 1;
      line++;
    } else if (ch === '#') {
      const end = text.indexOf('\n', i);
      if (end === -1) return undefined;
      i = end;
    } else if (ch === ' ' || ch === ':' || ch === ',') {
      i++;
    } else if (ch === '"') {
      // the closing quote is one not escaped by a single backslash; the tokenizer looks two characters back
      const escaped = (j: number) => j >= i + 2 && text[j - 1] === '\\' && text[j - 2] !== '\\';
      let j = i + 1;
      while (j < n && !(text[j] === '"' && !escaped(j))) j++;
      if (j >= n) return line;
      for (let k = i; k < j; k++) if (text[k] === '\n' || (text[k] === '\r' && text[k + 1] !== '\n')) line++;
      i = j + 1;
    } else if (ch >= '0' && ch <= '9') {
      while (i < n && text[i]! >= '0' && text[i]! <= '9') i++;
    } else if (text.startsWith('true', i)) {
      i += 4;
    } else if (text.startsWith('false', i)) {
      i += 5;
    } else if (/[a-zA-Z/-]/.test(ch)) {
      while (i < n && !':, \n\r'.includes(text[i]!)) i++;
    } else {
      // the parser stops at a token it does not know, before any string after it
      return undefined;
    }
  }
  return undefined;
}

/** The first git merge-conflict marker line, if any. */
export function conflictMarkerLine(text: string): number | undefined {
  const m = /^(?:<{7}|={7}|>{7})(?:\s|$)/m.exec(text);
  if (!m) return undefined;
  return text.slice(0, m.index).split('\n').length;
}

function unquote(s: string): string {
  return s.length >= 2 && s.startsWith('"') && s.endsWith('"') ? s.slice(1, -1) : s;
}
