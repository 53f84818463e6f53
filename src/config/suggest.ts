/** ` (did you mean "x"?)` for a near miss, else the keys that are allowed. */
export function suggest(word: string, known: readonly string[]): string {
  if (!known.length) return '';
  const close = closest(word, known);
  if (close) return ` (did you mean "${close}"?)`;
  return ` (expected one of: ${known.join(', ')})`;
}

/** The known word within a couple of edits of `word`, ignoring case. */
export function closest(word: string, known: readonly string[]): string | undefined {
  const w = word.toLowerCase();
  let best: string | undefined;
  let bestDist = Math.min(2, Math.floor(w.length / 3) + 1) + 1;
  for (const k of known) {
    const d = editDistance(w, k.toLowerCase());
    if (d < bestDist) {
      best = k;
      bestDist = d;
    }
  }
  return best;
}

function editDistance(a: string, b: string): number {
  if (Math.abs(a.length - b.length) > 3) return Math.abs(a.length - b.length);
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      row[j] = Math.min(prev[j]! + 1, row[j - 1]! + 1, prev[j - 1]! + cost);
    }
    prev = row;
  }
  return prev[b.length]!;
}
