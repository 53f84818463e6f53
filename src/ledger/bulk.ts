import { CompiledQuery, type Kysely } from 'kysely';

/**
 * Multi-row INSERT compiled by hand. Kysely builds an operation tree per value, which for
 * 100,000 findings costs more than SQLite's own work; the statement text is cached per
 * (table, columns, rows) so only the parameters change. The only dialect difference is the
 * placeholder syntax.
 */
export async function bulkInsert<DB>(
  db: Kysely<DB>,
  dialect: 'sqlite' | 'postgres',
  table: string,
  columns: readonly string[],
  rows: readonly (readonly unknown[])[],
  returning?: readonly string[],
): Promise<Record<string, unknown>[]> {
  if (rows.length === 0) return [];
  const text = statementText(dialect, table, columns, rows.length, returning);
  const params: unknown[] = new Array(rows.length * columns.length);
  let k = 0;
  for (const r of rows) for (let i = 0; i < columns.length; i++) params[k++] = r[i];
  const res = await db.executeQuery<Record<string, unknown>>(CompiledQuery.raw(text, params));
  return res.rows;
}

const cache = new Map<string, string>();

function statementText(
  dialect: 'sqlite' | 'postgres',
  table: string,
  columns: readonly string[],
  n: number,
  returning?: readonly string[],
): string {
  const key = `${dialect}|${table}|${columns.join(',')}|${n}|${returning?.join(',') ?? ''}`;
  const hit = cache.get(key);
  if (hit) return hit;
  const tuples: string[] = [];
  let p = 1;
  for (let r = 0; r < n; r++) {
    const ph: string[] = [];
    for (let c = 0; c < columns.length; c++) ph.push(dialect === 'postgres' ? `$${p++}` : '?');
    tuples.push(`(${ph.join(',')})`);
  }
  const q = (s: string) => `"${s}"`;
  let text = `insert into ${q(table)} (${columns.map(q).join(',')}) values ${tuples.join(',')}`;
  if (returning?.length) text += ` returning ${returning.map(q).join(',')}`;
  if (cache.size > 64) cache.clear();
  cache.set(key, text);
  return text;
}
