// vigil demo target: the API flaws in the `flawed` variant are DELIBERATE, planted for vigil's
// `api` scanner to find (see ../README.md, "The API"). Do not copy this code into anything real.
// The tokens below are fixed DEMO-ONLY credentials, published in the spec and the README.
//
//   GET  /api/products          public
//   GET  /api/orders            bearer token: the caller's own orders
//   POST /api/orders            bearer token: place an order
//   GET  /api/orders/{id}       bearer token; flawed: any order, whoever owns it (API1, BOLA)
//   GET  /api/admin/users       admin only; flawed: no check at all (API2, and API5 for users)
//   GET  /api/openapi.yaml      the spec (../api/openapi.yaml)
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const SPEC = join(dirname(fileURLToPath(import.meta.url)), '..', 'api', 'openapi.yaml');
const MAX_BODY = 16 * 1024;

/** DEMO-ONLY tokens; a real API would look sessions or signed tokens up, never a constant. */
export const DEMO_TOKENS = {
  'demo-user-token': { id: 1, name: 'alice', role: 'user' },
  'demo-user2-token': { id: 2, name: 'bob', role: 'user' },
  'demo-admin-token': { id: 3, name: 'admin', role: 'admin' },
};

/** The API's tables in the shop's in-memory database. */
function seed(db) {
  db.exec(`CREATE TABLE IF NOT EXISTS users (id INTEGER PRIMARY KEY, name TEXT, email TEXT, role TEXT);
    CREATE TABLE IF NOT EXISTS orders (id INTEGER PRIMARY KEY, user_id INTEGER, product_id INTEGER, quantity INTEGER);
    INSERT INTO users (id, name, email, role) VALUES (1, 'alice', 'alice@example.com', 'user'), (2, 'bob', 'bob@example.com', 'user'), (3, 'admin', 'admin@example.com', 'admin');
    INSERT INTO orders (id, user_id, product_id, quantity) VALUES (1, 1, 1, 2), (2, 2, 2, 1), (3, 2, 3, 4);`);
}

/** The API as a handler of `/api/…` requests; `hardened` checks what the flawed one forgets. */
export function apiHandler({ db, hardened = false }) {
  seed(db);
  return (req, res, url) => {
    const json = (status, value, headers = {}) => {
      res.writeHead(status, { 'content-type': 'application/json', ...(hardened ? { 'cache-control': 'no-store' } : {}), ...headers });
      res.end(value === undefined ? '' : JSON.stringify(value));
    };
    const auth = req.headers.authorization ?? '';
    const caller = auth.startsWith('Bearer ') ? DEMO_TOKENS[auth.slice(7).trim()] : undefined;
    const unauthorized = () => json(401, { error: 'a bearer token is required' }, { 'www-authenticate': 'Bearer' });
    const m = req.method;
    const p = url.pathname;

    if (p === '/api/openapi.yaml' && m === 'GET') {
      res.writeHead(200, { 'content-type': 'application/yaml' });
      return res.end(readFileSync(SPEC));
    }
    if (p === '/api/products' && m === 'GET') return json(200, db.prepare('SELECT id, name, price FROM products ORDER BY id').all());
    if (p === '/api/orders' && m === 'GET') {
      if (!caller) return unauthorized();
      return json(200, db.prepare('SELECT id, product_id AS productId, quantity FROM orders WHERE user_id = ? ORDER BY id').all(caller.id));
    }
    if (p === '/api/orders' && m === 'POST') {
      if (!caller) return unauthorized();
      return readJson(req, res, (body) => {
        const productId = Number(body?.productId);
        const quantity = Number(body?.quantity ?? 1);
        if (!Number.isInteger(productId) || !Number.isInteger(quantity) || quantity < 1 || quantity > 100) return json(400, { error: 'productId and quantity (1-100) are whole numbers' });
        if (!db.prepare('SELECT 1 FROM products WHERE id = ?').get(productId)) return json(400, { error: 'no such product' });
        const r = db.prepare('INSERT INTO orders (user_id, product_id, quantity) VALUES (?, ?, ?)').run(caller.id, productId, quantity);
        return json(201, { id: Number(r.lastInsertRowid), productId, quantity });
      }, () => json(400, { error: 'the body is not JSON (at most 16 KiB)' }));
    }
    const order = /^\/api\/orders\/([^/]+)$/.exec(p);
    if (order && m === 'GET') {
      if (!caller) return unauthorized();
      const id = Number(order[1]);
      if (!Number.isInteger(id)) return json(400, { error: 'an order id is a whole number' });
      // flawed: looked up by id alone, so any logged-in caller reads anyone's order (BOLA)
      const row = hardened
        ? db.prepare('SELECT id, product_id AS productId, quantity FROM orders WHERE id = ? AND (user_id = ? OR ? = \'admin\')').get(id, caller.id, caller.role)
        : db.prepare('SELECT id, user_id AS userId, product_id AS productId, quantity FROM orders WHERE id = ?').get(id);
      return row ? json(200, row) : json(404, { error: 'no such order' });
    }
    if (p === '/api/admin/users' && m === 'GET') {
      // flawed: no authentication, let alone a role check
      if (hardened) {
        if (!caller) return unauthorized();
        if (caller.role !== 'admin') return json(403, { error: 'admins only' });
      }
      return json(200, db.prepare('SELECT id, name, email, role FROM users ORDER BY id').all());
    }
    return json(404, { error: 'no such API route' });
  };
}

/** Reads a JSON body of at most MAX_BODY bytes; `bad` answers when it is too large or not JSON. */
function readJson(req, res, ok, bad) {
  const chunks = [];
  let size = 0;
  let failed = false;
  req.on('data', (c) => {
    if (failed) return;
    size += c.length;
    if (size > MAX_BODY) {
      // answered now; the rest of the body is read and dropped
      failed = true;
      return bad();
    }
    chunks.push(c);
  });
  req.on('end', () => {
    if (failed) return;
    let body;
    try {
      body = JSON.parse(Buffer.concat(chunks).toString('utf8') || 'null');
    } catch {
      return bad();
    }
    try {
      ok(body);
    } catch {
      // outside route()'s try: a database error here must not take the process down
      if (!res.headersSent) res.writeHead(500, { 'content-type': 'application/json' });
      res.end('{"error":"internal error"}');
    }
  });
}
