import type { Connection } from 'mysql2/promise';
import type { Pool } from 'pg';
import type { DataSource } from 'typeorm';

const AUDIT_TABLE = 'audit_log';

export async function findUser(pool: Pool, email: string) {
  // ruleid: js-sql-query-string-built
  return pool.query(`SELECT id, email FROM users WHERE email = '${email}'`);
}

export async function deleteOrder(conn: Connection, id: string) {
  // ruleid: js-sql-query-string-built
  await conn.execute('DELETE FROM orders WHERE id = ' + id);
}

export async function topProducts(ds: DataSource, sort: string, limit: number) {
  // ruleid: js-sql-query-string-built
  return ds.query(`
    SELECT name, sold FROM products ORDER BY ${sort} DESC LIMIT ${limit}`);
}

export async function findUserSafely(pool: Pool, email: string) {
  // ok: js-sql-query-string-built
  return pool.query('SELECT id, email FROM users WHERE email = $1', [email]);
}

export async function deleteOrderSafely(conn: Connection, id: string) {
  // ok: js-sql-query-string-built
  await conn.execute('DELETE FROM orders WHERE id = ?', [id]);
}

export async function auditCount(pool: Pool) {
  // ok: js-sql-query-string-built
  return pool.query(`SELECT count(*) FROM ${AUDIT_TABLE}`);
}

export async function byCategory(ds: DataSource, category: string) {
  // ok: js-sql-query-string-built
  return ds.query('SELECT name FROM products WHERE category = $1', [category]);
}
