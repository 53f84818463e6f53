/**
 * A small orders API for the api scanner's tests — a TEST FIXTURE with planted authorisation
 * flaws, never to be served beyond 127.0.0.1. Its spec is test/fixtures/api-authz/openapi.yaml
 * (base path /v1); bearer tokens (random per start) for a `user` and an `admin`:
 *
 *   GET    /v1/health, /v1/products   public                                    correct
 *   GET    /v1/me                     401 without a token                        correct
 *   GET    /v1/orders                 answers without any token                  FLAW (API2)
 *   POST   /v1/orders                 401 without a token, 201 with one          correct
 *   GET    /v1/orders/{id}            checks the token, not who owns the order   FLAW (API1)
 *   DELETE /v1/orders/{id}            checks the token and the owner             correct
 *   GET    /v1/admin/users            checks the token, not the role; echoes the
 *                                     Authorization header it got (a debug leak)   FLAW (API5)
 *   GET    /v1/admin/audit            401 / 403 for the user / 200 for the admin   correct
 *
 * Every request is recorded (method, path, who) so tests can assert what was, and was not, sent.
 */
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { fileURLToPath } from 'node:url';

export const API_AUTHZ_SPEC = fileURLToPath(new URL('../fixtures/api-authz/openapi.yaml', import.meta.url));
export const API_AUTHZ_SWAGGER2 = fileURLToPath(new URL('../fixtures/api-authz/swagger2.yaml', import.meta.url));
export const API_AUTHZ_FIXTURES = fileURLToPath(new URL('../fixtures/api-authz/', import.meta.url));

export interface RecordedRequest {
  method: string;
  /** Path and query. */
  url: string;
  /** `user`, `admin`, `invalid` or `none`. */
  who: string;
  body: string;
}

export interface ApiAuthzApp {
  origin: string;
  tokens: { user: string; admin: string };
  requests: RecordedRequest[];
  close(): Promise<void>;
}

export interface ApiAuthzAppOptions {
  /** `hang`: accept connections and never answer. `dieAfter`: answer this many requests, then close every socket and stop listening. */
  mode?: 'ok' | 'hang';
  dieAfter?: number;
  /** Paths whose requests are never answered (the set may change while the app runs). */
  hangPaths?: Set<string>;
}

const ORDERS = new Map<number, { owner: string; item: string }>([
  [1, { owner: 'user', item: 'tea' }],
  [2, { owner: 'admin', item: 'coffee' }],
]);

/** Starts the app on 127.0.0.1 and a free port. */
export async function startApiAuthzApp(o: ApiAuthzAppOptions = {}): Promise<ApiAuthzApp> {
  const tokens = { user: `u-${randomBytes(12).toString('hex')}`, admin: `a-${randomBytes(12).toString('hex')}` };
  const requests: RecordedRequest[] = [];
  const sockets = new Set<Socket>();
  const orders = new Map(ORDERS);
  let served = 0;
  let server: http.Server;

  const handle = (req: http.IncomingMessage, res: http.ServerResponse, body: string): void => {
    const url = new URL(req.url ?? '/', 'http://app.invalid');
    const auth = req.headers.authorization ?? '';
    const token = auth.startsWith('Bearer ') ? auth.slice(7) : undefined;
    const who = token === tokens.user ? 'user' : token === tokens.admin ? 'admin' : token === undefined ? 'none' : 'invalid';
    requests.push({ method: req.method ?? '', url: `${url.pathname}${url.search}`, who, body });
    const json = (status: number, value?: unknown): void => {
      res.writeHead(status, value === undefined ? {} : { 'content-type': 'application/json' });
      res.end(value === undefined ? undefined : JSON.stringify(value));
    };
    const authed = who === 'user' || who === 'admin';
    const m = req.method;
    const p = url.pathname;
    if (p === '/openapi.yaml' && m === 'GET') {
      res.writeHead(200, { 'content-type': 'application/yaml' });
      return void res.end(readFileSync(API_AUTHZ_SPEC));
    }
    if (p === '/v1/health' && m === 'GET') return json(200, { status: 'ok' });
    if (p === '/v1/products' && m === 'GET') return json(200, [{ id: 1, name: 'tea' }]);
    if (p === '/v1/me' && m === 'GET') return authed ? json(200, { user: who }) : json(401, { error: 'token required' });
    if (p === '/v1/orders' && m === 'GET') {
      // FLAW (planted): no authentication check at all
      return json(200, [...orders].map(([id, x]) => ({ id, ...x })));
    }
    if (p === '/v1/orders' && m === 'POST') {
      if (!authed) return json(401, { error: 'token required' });
      const id = orders.size + 1;
      orders.set(id, { owner: who, item: 'new' });
      return json(201, { id });
    }
    const order = /^\/v1\/orders\/(\d+)$/.exec(p);
    if (order) {
      if (!authed) return json(401, { error: 'token required' });
      const id = Number(order[1]);
      const found = orders.get(id);
      // FLAW (planted) on GET: any logged-in caller reads any order; DELETE checks the owner
      if (m === 'GET') return found ? json(200, { id, ...found }) : json(404, { error: 'no such order' });
      if (m === 'DELETE') {
        if (!found || found.owner !== who) return json(404, { error: 'no such order' });
        orders.delete(id);
        return json(204);
      }
      return json(405, { error: 'method not allowed' });
    }
    if (p === '/v1/admin/users' && m === 'GET') {
      if (!authed) return json(401, { error: 'token required' });
      // FLAW (planted): any role gets the list; and a debug echo of the credential
      return json(200, { users: ['user', 'admin'], debug: { authorization: auth } });
    }
    if (p === '/v1/admin/audit' && m === 'GET') {
      if (!authed) return json(401, { error: 'token required' });
      return who === 'admin' ? json(200, { events: [] }) : json(403, { error: 'admins only' });
    }
    if (p === '/v1/admin/echo' && m === 'TRACE') return json(200, { echo: req.headers });
    return json(404, { error: 'not found' });
  };

  server = http.createServer((req, res) => {
    if (o.mode === 'hang' || o.hangPaths?.has(new URL(req.url ?? '/', 'http://app.invalid').pathname)) return;
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size <= 16_384) chunks.push(c);
    });
    req.on('end', () => {
      served++;
      handle(req, res, Buffer.concat(chunks).toString('utf8'));
      if (o.dieAfter !== undefined && served >= o.dieAfter) {
        // the process "dies": stop listening and cut every connection, answered or not
        res.on('finish', () => {
          server.close();
          for (const s of sockets) s.destroy();
        });
      }
    });
  });
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    origin,
    tokens,
    requests,
    close: () =>
      new Promise<void>((r) => {
        for (const s of sockets) s.destroy();
        if (!server.listening) return r();
        server.close(() => r());
      }),
  };
}
