// vigil demo target: the web flaws in the `flawed` variant are DELIBERATE, planted for vigil's
// web scanner to find. Do not copy this code into anything real. The `hardened` variant is the
// same shop done right (helmet, encoding, bound parameters): vigil must find nothing of medium
// risk or above there — the false-positive check.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import http from 'node:http';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import helmet from 'helmet';
import { apiHandler } from './api.mjs';

const FILES = join(dirname(fileURLToPath(import.meta.url)), 'files');

function openDb() {
  const db = new Database(':memory:');
  db.exec("CREATE TABLE products (id INTEGER PRIMARY KEY, name TEXT, price INTEGER); INSERT INTO products (name, price) VALUES ('Tea', 450), ('Coffee', 700), ('Cocoa', 550);");
  return db;
}

const escape = (s) => String(s).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

function page(title, body) {
  return `<!doctype html>\n<html lang="en"><head><meta charset="utf-8"><title>${title}</title></head><body>\n<h1>${title}</h1>\n${body}\n<p><a href="/">home</a> <a href="/search?q=tea">search</a> <a href="/product?id=1">product 1</a> <a href="/login">login</a> <a href="/go?to=/product?id=2">product 2</a> <a href="/files/">files</a></p>\n</body></html>\n`;
}

/** The demo shop as a request handler; `hardened` turns every flaw off. */
export function shopHandler({ hardened = false } = {}) {
  const db = openDb();
  const api = apiHandler({ db, hardened });
  // helmet's default CSP allows any https: host for styles and fonts, which ZAP (and vigil) rate
  // as a wildcard: the hardened shop serves only its own
  const guard = hardened ? helmet({ contentSecurityPolicy: { directives: { styleSrc: ["'self'"], fontSrc: ["'self'"] } } }) : undefined;
  return (req, res) => {
    const run = () => {
      try {
        route(req, res, db, hardened, api);
      } catch {
        // a value Node refuses in a header (CR/LF in a redirect target): an error page, not a crash
        if (!res.headersSent) res.writeHead(500, { 'content-type': 'text/plain' });
        res.end('error\n');
      }
    };
    if (!guard) {
      // the flawed shop advertises its stack, as unhardened frameworks do
      res.setHeader('X-Powered-By', 'Express');
      return run();
    }
    guard(req, res, (err) => {
      if (err) {
        res.statusCode = 500;
        return res.end();
      }
      res.setHeader('Permissions-Policy', 'camera=(), microphone=(), geolocation=()');
      run();
    });
  };
}

function route(req, res, db, hardened, api) {
  const url = new URL(req.url ?? '/', 'http://shop.invalid');
  // the JSON API and the health check: not linked from any page
  if (url.pathname.startsWith('/api/')) return api(req, res, url);
  if (url.pathname === '/healthz') {
    const { rss, heapUsed } = process.memoryUsage();
    res.writeHead(200, { 'content-type': 'application/json', 'cache-control': 'no-store' });
    return res.end(JSON.stringify({ status: 'ok', memory: { rss, heapUsed } }));
  }
  const q = (k) => url.searchParams.get(k) ?? '';
  const html = (status, body, headers = {}) => {
    res.writeHead(status, { 'content-type': 'text/html; charset=utf-8', ...(hardened ? { 'cache-control': 'no-store' } : {}), ...headers });
    res.end(body);
  };

  switch (url.pathname) {
    case '/':
      return html(200, page('vigil demo shop', '<p>Tea, coffee and cocoa.</p>'));
    case '/search': {
      // flawed: the query goes back into the page as HTML
      const shown = hardened ? escape(q('q')) : q('q');
      return html(200, page('Search', `<p>Results for ${shown}</p>`));
    }
    case '/product': {
      try {
        // flawed: the id is pasted into the SQL, and the database error is shown to the visitor
        const row = hardened ? db.prepare('SELECT name, price FROM products WHERE id = ?').get(q('id')) : db.prepare(`SELECT name, price FROM products WHERE id = ${q('id')}`).get();
        if (!row) return html(404, page('Not found', '<p>No such product.</p>'));
        return html(200, page(escape(row.name), `<p>${escape(row.name)}: ${(row.price / 100).toFixed(2)} EUR</p>`));
      } catch (e) {
        if (hardened) return html(400, page('Bad request', '<p>That is not a product id.</p>'));
        return html(500, page('Error', `<pre>SqliteError: ${e.message}\n    at Database.prepare (shop/web/app.js)</pre>`));
      }
    }
    case '/login': {
      // flawed: a session cookie without HttpOnly, Secure or SameSite, and a form with no CSRF token
      const cookie = hardened ? 'session=demo; Path=/; HttpOnly; SameSite=Strict' : 'session=demo; Path=/';
      const token = hardened ? '<input type="hidden" name="csrf_token" value="demo-token">' : '';
      return html(200, page('Log in', `<form method="post" action="/login">${token}<input name="user"><input name="password" type="password"><button>Log in</button></form>`), { 'set-cookie': cookie });
    }
    case '/go': {
      // flawed: redirects wherever it is told
      const to = q('to') || '/';
      // a local path only: not `//host`, and not `/\host`, which browsers read as `//host`
      const safe = /^\/(?![/\\])/.test(to) ? to : '/';
      res.writeHead(302, { location: hardened ? safe : to });
      return res.end();
    }
    default:
      if (url.pathname.startsWith('/files/')) {
        if (hardened) return html(404, page('Not found', '<p>No such page.</p>'));
        const names = readdirSync(FILES).filter((n) => statSync(join(FILES, n)).isFile());
        const name = decodeURIComponent(url.pathname.slice('/files/'.length));
        if (names.includes(name)) {
          res.writeHead(200, { 'content-type': 'text/plain; charset=utf-8' });
          return res.end(readFileSync(join(FILES, name)));
        }
        // flawed: the folder is listed
        return html(200, `<!doctype html><html><head><title>Index of /files/</title></head><body><h1>Index of /files/</h1><ul>${names.map((n) => `<li><a href="/files/${n}">${n}</a></li>`).join('')}</ul></body></html>`);
      }
      return html(404, page('Not found', '<p>No such page.</p>'));
  }
}

/** Listen on host:port (0 for any free port); resolves with the server. */
export function startShop({ hardened = false, host = '127.0.0.1', port = 0 } = {}) {
  const server = http.createServer(shopHandler({ hardened }));
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve(server));
  });
}
