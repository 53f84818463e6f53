// vigil demo target: the security flaws in this file are DELIBERATE, planted for vigil's
// scanners to find. Do not copy this code into anything real.
import Database from 'better-sqlite3';

const db = new Database(process.env.SHOP_DB ?? 'shop.db');

/** Products in one category. */
export function findProductsByCategory(category) {
  // FLAW (CWE-89): the category is pasted into the SQL text instead of bound as a parameter
  const sql = "SELECT id, name, price FROM products WHERE category = '" + category + "'";
  return db.prepare(sql).all();
}

/** One order by id: parameterised, the safe way, for contrast. */
export function findOrder(id) {
  return db.prepare('SELECT id, status, total FROM orders WHERE id = ?').get(id);
}
