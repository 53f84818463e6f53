import type { Database as SqliteDatabase, Statement } from 'better-sqlite3';
import type { Pool } from 'pg';
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

// Small pages: rows this size die young, so the scavenger frees them; 20,000-row pages of finding JSON
// were promoted to the old generation and cost verify more in GC than in reading (measured on 1M rows).
const PAGE = 2_000;

/**
 * SQLite: keyset pages by an integer key (events by seq, findings by id), rows as raw arrays. Pages rather than one long iterator, so the
 * connection is free for other queries between them.
 */
export async function* sqliteReadPages(database: SqliteDatabase, table: string, columns: readonly string[], key: string): AsyncGenerator<unknown[][]> {
  const stmt = database.prepare(`select ${columns.map((c) => `"${c}"`).join(',')} from "${table}" where "${key}" > ? order by "${key}" limit ${PAGE}`).raw(true);
  const seqAt = columns.indexOf(key);
  let after = -1;
  for (;;) {
    const rows = stmt.all(after) as unknown[][];
    if (rows.length) yield rows;
    if (rows.length < PAGE) return;
    after = Number(rows[rows.length - 1]![seqAt]);
  }
}

/** PostgreSQL: keyset pages by an integer key, rows as arrays. */
export async function* postgresReadPages(pool: Pool, table: string, columns: readonly string[], key: string): AsyncGenerator<unknown[][]> {
  const seqAt = columns.indexOf(key);
  let after = -1;
  for (;;) {
    const res = await pool.query({
      text: `select ${columns.map((c) => `"${c}"`).join(',')} from "${table}" where "${key}" > $1 order by "${key}" limit ${PAGE}`,
      values: [after],
      rowMode: 'array',
    });
    if (res.rows.length) yield res.rows as unknown[][];
    if (res.rows.length < PAGE) return;
    after = Number((res.rows[res.rows.length - 1] as unknown[])[seqAt]);
  }
}
