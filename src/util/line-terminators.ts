/**
 * Line terminators as a regular expression sees them: `.` never matches one, and `^`/`$` under
 * the `m` flag stop at each (\n, \r, U+2028, U+2029). Hand-written scans that replace a
 * `X.*$`-style pattern use these to keep that pattern's exact meaning without its backtracking.
 */

/** True for \n, \r, U+2028 and U+2029 (by UTF-16 code unit). */
export function isLineTerminator(code: number): boolean {
  return code === 0x0a || code === 0x0d || code === 0x2028 || code === 0x2029;
}

/** Index of the first line terminator at or after `from`, or `s.length` when there is none. */
export function lineEnd(s: string, from: number): number {
  for (let i = from; i < s.length; i++) if (isLineTerminator(s.charCodeAt(i))) return i;
  return s.length;
}

/** Index of the last line terminator in `s`, or -1. */
export function lastLineTerminator(s: string): number {
  return Math.max(s.lastIndexOf('\n'), s.lastIndexOf('\r'), s.lastIndexOf('\u2028'), s.lastIndexOf('\u2029'));
}

/**
 * `s.replace(/<needle>.*$/, '')` in one pass: `.*$` can only reach the end from after the last
 * line terminator, so the cut is at the first `needle` there. The regex would try every earlier
 * occurrence and scan to the terminator each time (quadratic on `????…?\n`).
 */
export function cutFromLastLine(s: string, needles: readonly string[]): string {
  const from = lastLineTerminator(s) + 1;
  let cut = -1;
  for (const n of needles) {
    const i = s.indexOf(n, from);
    if (i >= 0 && (cut < 0 || i < cut)) cut = i;
  }
  return cut < 0 ? s : s.slice(0, cut);
}
