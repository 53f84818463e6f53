/**
 * A deliberately vulnerable web app for the active rules' tests — a TEST FIXTURE, never to be
 * served beyond 127.0.0.1. Each flawed endpoint has a safe twin (`…-safe`) that does the same job
 * correctly and must produce no alert:
 *
 *   /search?q=      reflects q raw in text and an attribute    (XSS)
 *   /product?id=    SQLite query by concatenation, shows the error (SQLi, error-based)
 *   /item?name=     SQLite query by concatenation, hides errors (SQLi, boolean-based)
 *   /file?name=     reads join(dir, name)                      (path traversal)
 *   /go?to=         redirects anywhere                         (external redirect)
 *   /lang?l=        puts l raw into Set-Cookie                  (CRLF injection)
 *   /ping?host=     sh -c "echo " + host, shows the output     (command injection, output)
 *   /ping-blind?host= the same, shows nothing                  (command injection, time)
 *   /greet?name=    evaluates {{ arithmetic }} in the input    (template injection)
 */
import { exec, execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';

export interface FlawedApp {
  origin: string;
  close(): Promise<void>;
  /** Requests served so far. */
  requests(): number;
}

const esc = (s: string): string =>
  s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');

const page = (title: string, inner: string): string =>
  `<!doctype html><html><head><title>${title}</title></head><body><h1>${title}</h1>${inner}<p>Flawed test app.</p></body></html>`;

/** Evaluate + - * / and parentheses over numbers: the fixture's "template engine" (no eval). */
function arithmetic(expr: string): number | undefined {
  const toks = expr.match(/\d+(?:\.\d+)?|[-+*/()]|\S/g) ?? [];
  let i = 0;
  const primary = (): number => {
    const t = toks[i++];
    if (t === '(') {
      const v = sum();
      if (toks[i++] !== ')') throw new Error('expected )');
      return v;
    }
    if (t === '-') return -primary();
    if (t !== undefined && /^\d/.test(t)) return Number(t);
    throw new Error(`unexpected ${t}`);
  };
  const product = (): number => {
    let v = primary();
    while (toks[i] === '*' || toks[i] === '/') v = toks[i++] === '*' ? v * primary() : v / primary();
    return v;
  };
  const sum = (): number => {
    let v = product();
    while (toks[i] === '+' || toks[i] === '-') v = toks[i++] === '+' ? v + product() : v - product();
    return v;
  };
  try {
    const v = sum();
    return i === toks.length ? v : undefined;
  } catch {
    return undefined;
  }
}

/** Start the flawed app on 127.0.0.1 with a free port. */
export async function startFlawedApp(): Promise<FlawedApp> {
  const dir = mkdtempSync(path.join(tmpdir(), 'vigil-flawed-'));
  writeFileSync(path.join(dir, 'readme.txt'), 'Hello from the flawed app.\n');
  const db = new Database(':memory:');
  db.exec(`create table products (id integer primary key, name text, price real);
    insert into products values (1, 'widget', 9.99), (2, 'gadget', 19.5);`);
  let count = 0;

  const server = http.createServer((req, res) => {
    count++;
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const q = (name: string): string => url.searchParams.get(name) ?? '';
    const send = (status: number, body: string, headers: Record<string, string> = {}): void => {
      try {
        res.writeHead(status, { 'content-type': 'text/html; charset=utf-8', ...headers });
      } catch {
        // node refuses CR/LF in a header value (a redirect target, say): answer 400 instead of crashing
        res.writeHead(400, { 'content-type': 'text/html; charset=utf-8' });
        body = page('Bad request', '');
      }
      res.end(body);
    };
    const productPage = (row: unknown): string => {
      const r = row as { name: string; price: number } | undefined;
      return r ? page('Product', `<p class="name">${esc(r.name)}</p><p class="price">${r.price}</p>`) : page('Product', '<p>No such product.</p>');
    };

    switch (url.pathname) {
      case '/search':
        return send(200, page('Search', `<form><input name="q" value="${q('q')}"></form><p>Results for ${q('q')}</p>`));
      case '/search-safe':
        return send(200, page('Search', `<form><input name="q" value="${esc(q('q'))}"></form><p>Results for ${esc(q('q'))}</p>`));

      case '/product':
        try {
          return send(200, productPage(db.prepare(`select name, price from products where id = ${q('id')}`).get()));
        } catch (e) {
          return send(500, page('Error', `<pre>${esc(`${(e as Error).name}: ${(e as Error).message}`)}</pre>`));
        }
      case '/product-safe':
        return send(200, productPage(db.prepare('select name, price from products where id = ?').get(q('id'))));
      case '/item':
        try {
          return send(200, productPage(db.prepare(`select name, price from products where name = '${q('name')}'`).get()));
        } catch {
          return send(500, page('Error', '<p>Something went wrong.</p>'));
        }
      case '/item-safe':
        return send(200, productPage(db.prepare('select name, price from products where name = ?').get(q('name'))));

      case '/file':
      case '/file-safe': {
        const name = q('name');
        if (url.pathname === '/file-safe') {
          const full = path.resolve(dir, name);
          if (name.includes('..') || !full.startsWith(dir + path.sep)) return send(400, page('File', '<p>Bad file name.</p>'));
        }
        try {
          return send(200, page('File', `<pre>${esc(readFileSync(path.join(dir, name), 'utf8'))}</pre>`));
        } catch {
          return send(404, page('File', '<p>No such file.</p>'));
        }
      }

      case '/go':
        return send(302, page('Redirect', ''), { location: q('to') });
      case '/go-safe': {
        const to = q('to');
        const local = to.startsWith('/') && !to.startsWith('//') && !to.startsWith('/\\');
        return send(302, page('Redirect', ''), { location: local ? to : '/' });
      }

      case '/lang': {
        // node refuses CR/LF in header values, so the flawed head is written to the socket by hand
        const body = page('Language', `<p>Language set.</p>`);
        const head =
          `HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=utf-8\r\nSet-Cookie: lang=${q('l')}; Path=/\r\n` +
          `Content-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n`;
        req.socket.end(head + body);
        return;
      }
      case '/lang-safe':
        return send(200, page('Language', '<p>Language set.</p>'), { 'set-cookie': `lang=${encodeURIComponent(q('l'))}; Path=/` });

      case '/ping':
      case '/ping-blind':
        exec(`echo ${q('host')}`, { shell: '/bin/sh', timeout: 10_000 }, (_err, stdout) => {
          send(200, page('Ping', url.pathname === '/ping' ? `<pre>${esc(stdout)}</pre>` : '<p>Done.</p>'));
        });
        return;
      case '/ping-safe':
        execFile('echo', [q('host')], { timeout: 10_000 }, (_err, stdout) => send(200, page('Ping', `<pre>${esc(stdout)}</pre>`)));
        return;

      case '/greet': {
        const rendered = `Hello ${q('name')}!`.replace(/\{\{([^}]*)\}\}/g, (m, expr: string) => {
          const v = arithmetic(expr);
          return v === undefined ? m : String(v);
        });
        return send(200, page('Greeting', `<p>${esc(rendered)}</p>`));
      }
      case '/greet-safe':
        return send(200, page('Greeting', `<p>Hello ${esc(q('name'))}!</p>`));

      default:
        return send(404, page('Not found', ''));
    }
  });

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    origin: `http://127.0.0.1:${port}`,
    requests: () => count,
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      db.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
