import type { Database as SqliteDatabase, Statement } from 'better-sqlite3';
import { CompiledQuery, type Kysely } from 'kysely';

/**
 * Bulk inserts, the ledger's one hot path. Kysely builds an operation tree per value, which for
 * 100,000 findings costs more than the database's own work, so each store inserts its own way:
 * SQLite runs one cached prepared statement per row on the same connection (better-sqlite3 is
 * synchronous, so the rows land inside the open transaction); PostgreSQL sends multi-row
 * statements whose text is cached per row count.
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

const texts = new Map<string, string>();

/** Multi-row INSERT for PostgreSQL; `returning id` comes back in VALUES order for a single INSERT. */
export async function postgresBulkInsert<DB>(
  db: Kysely<DB>,
  table: string,
  columns: readonly string[],
  rows: readonly (readonly unknown[])[],
  returnIds: boolean,
): Promise<number[]> {
  if (rows.length === 0) return [];
  const key = `${table}|${columns.join(',')}|${rows.length}|${returnIds}`;
  let text = texts.get(key);
  if (!text) {
    const tuples: string[] = [];
    let p = 1;
    for (let r = 0; r < rows.length; r++) tuples.push(`(${columns.map(() => `$${p++}`).join(',')})`);
    text = `insert into "${table}" (${columns.map((c) => `"${c}"`).join(',')}) values ${tuples.join(',')}${returnIds ? ' returning "id"' : ''}`;
    if (texts.size > 64) texts.clear();
    texts.set(key, text);
  }
  const params: unknown[] = [];
  for (const r of rows) for (const v of r) params.push(v);
  const res = await db.executeQuery<{ id: number }>(CompiledQuery.raw(text, params));
  return returnIds ? res.rows.map((r) => Number(r.id)) : [];
}
