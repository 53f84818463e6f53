import type { Database as SqliteDatabase, Statement } from 'better-sqlite3';
import { CompiledQuery, type Kysely } from 'kysely';

/**
 * Bulk inserts, the ledger's one hot path. Kysely builds an operation tree per value, which for
 * 100,000 findings costs more than the database's own work, so each store inserts its own way:
 * SQLite runs one cached prepared statement per row on the same connection (better-sqlite3 is
 * synchronous, so the rows land inside the open transaction); PostgreSQL inserts from unnest()ed
 * column arrays.
 */
export function sqliteBulkInsert(database: SqliteDatabase) {
  const statements = new Map<string, Statement>();
  return async (table: string, columns: readonly string[], rows: readonly (readonly unknown[])[], returnIds: boolean): Promise<number[]> => {
    const key = `${table}|${columns.join(',')}`;
    let stmt = statements.get(key);
    if (!stmt) {
      stmt = database.prepare(`insert into "${table}" (${columns.map((c) => `"${c}"`).join(',')}) values (${columns.map(() => '?').join(',')})`);
      statements.set(key, stmt);
    }
    const ids: number[] = returnIds ? new Array(rows.length) : [];
    for (let i = 0; i < rows.length; i++) {
      const info = stmt.run(rows[i] as unknown[]);
      if (returnIds) ids[i] = Number(info.lastInsertRowid);
    }
    return ids;
  };
}

/**
 * PostgreSQL: one INSERT … SELECT FROM unnest() with one array parameter per column. Binding
 * 19 arrays instead of 19,000 scalars is several times cheaper to send and plan.
 */
export async function postgresBulkInsert<DB>(
  db: Kysely<DB>,
  table: string,
  columns: readonly string[],
  types: readonly string[],
  rows: readonly (readonly unknown[])[],
  returnIds: boolean,
  /** A column unique within `rows`, used to put the returned ids in row order (RETURNING promises no order). */
  keyColumn?: string,
): Promise<number[]> {
  if (rows.length === 0) return [];
  const key = keyColumn ?? columns[0]!;
  const keyAt = columns.indexOf(key);
  const cols = columns.map((c) => `"${c}"`).join(',');
  const arrays = columns.map((_, i) => `$${i + 1}::${types[i]}[]`).join(',');
  const text = `insert into "${table}" (${cols}) select * from unnest(${arrays})${returnIds ? ` returning "id", "${key}" as k` : ''}`;
  const params: unknown[][] = columns.map(() => new Array(rows.length));
  for (let r = 0; r < rows.length; r++) {
    const row = rows[r]!;
    for (let c = 0; c < columns.length; c++) params[c]![r] = row[c];
  }
  const res = await db.executeQuery<{ id: number; k: unknown }>(CompiledQuery.raw(text, params));
  if (!returnIds) return [];
  const idOf = new Map(res.rows.map((r) => [r.k, Number(r.id)]));
  return rows.map((r) => idOf.get(r[keyAt])!);
}
