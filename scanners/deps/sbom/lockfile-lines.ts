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

/** The first line with a double-quoted string that never closes (a truncated file, a bad edit). */
export function unclosedQuoteLine(text: string): number | undefined {
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    let open = false;
    const line = lines[i]!;
    for (let j = 0; j < line.length; j++) {
      const ch = line[j];
      if (ch === '\\' && open) j++;
      else if (ch === '"') open = !open;
      else if (ch === '#' && !open && (j === 0 || /\s/.test(line[j - 1]!))) break;
    }
    if (open) return i + 1;
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
