/**
 * Reading policy expressions as PostgreSQL prints them (pg_get_expr): which per-row calls are
 * not wrapped in a sub-select, and whether the JWT's user_metadata is consulted. Plain index
 * scans over the text, no regular expressions: the text is the target's.
 */

/** Calls that are stable per statement but evaluated per row unless wrapped in `(SELECT …)`. */
const PER_ROW_CALLS = ['auth.uid(', 'auth.jwt(', 'auth.role(', 'auth.email(', 'current_setting('];

/**
 * The calls of `expr` not wrapped in a sub-select: `auth.uid()` rather than `( SELECT auth.uid() AS uid)`.
 * Each distinct call name once, in PER_ROW_CALLS order.
 */
export function unwrappedCalls(expr: string | null): string[] {
  if (!expr) return [];
  const lower = expr.toLowerCase();
  const out: string[] = [];
  for (const call of PER_ROW_CALLS) {
    for (let at = lower.indexOf(call); at >= 0; at = lower.indexOf(call, at + call.length)) {
      // `current_setting(` inside `pg_catalog.current_setting(` or `my_current_setting(` : only whole names count
      const before = at > 0 ? lower[at - 1]! : ' ';
      if (call === 'current_setting(' && /[a-z0-9_]/.test(before)) continue;
      if (!precededBySelect(lower, at)) {
        out.push(`${call})`);
        break;
      }
    }
  }
  return out;
}

/**
 * True when the text just before `at` is the keyword SELECT, spaces, opening parentheses (a cast
 * prints as `SELECT (current_setting(…))::bigint`) and a `pg_catalog.` prefix aside.
 */
function precededBySelect(lower: string, at: number): boolean {
  let i = at;
  if (lower.endsWith('pg_catalog.', i)) i -= 'pg_catalog.'.length;
  while (i > 0 && (lower[i - 1] === ' ' || lower[i - 1] === '\n' || lower[i - 1] === '\t' || lower[i - 1] === '\r' || lower[i - 1] === '(')) i--;
  return i >= 6 && lower.slice(i - 6, i) === 'select' && (i === 6 || !/[a-z0-9_]/.test(lower[i - 7]!));
}

/** True when the expression reads `user_metadata` (a JWT claim end users can edit themselves). */
export function readsUserMetadata(expr: string | null): boolean {
  return !!expr && expr.toLowerCase().includes('user_metadata');
}
