/**
 * Real receivers on loopback for the notify tests: an HTTP server that records every request
 * and answers from a script, and a Sentry envelope endpoint (`POST /api/<project>/envelope/`).
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { gunzipSync } from 'node:zlib';
import type { Logger } from '../../src/util/logger.js';

export interface Received {
  method: string;
  url: string;
  headers: http.IncomingHttpHeaders;
  body: string;
}

/** How the receiver answers one request: a status, headers and body; `hang` never answers. */
export type Answer = { status: number; headers?: Record<string, string>; body?: string } | 'hang';

export interface HttpReceiver {
  url: string;
  port: number;
  requests: Received[];
  close(): Promise<void>;
}

/**
 * An HTTP server on 127.0.0.1 (on `port`, or a free one). `answer` is called with each request
 * and its index; default 200.
 */
export async function startHttpReceiver(answer: (req: Received, n: number) => Answer = () => ({ status: 200, body: 'ok' }), port = 0): Promise<HttpReceiver> {
  const requests: Received[] = [];
  const hanging = new Set<http.ServerResponse>();
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      let body = Buffer.concat(chunks);
      if (req.headers['content-encoding'] === 'gzip') body = gunzipSync(body);
      const r: Received = { method: req.method ?? '', url: req.url ?? '', headers: req.headers, body: body.toString('utf8') };
      requests.push(r);
      const a = answer(r, requests.length - 1);
      if (a === 'hang') {
        hanging.add(res);
        return;
      }
      res.writeHead(a.status, a.headers ?? {});
      res.end(a.body ?? '');
    });
  });
  await new Promise<void>((r) => server.listen(port, '127.0.0.1', r));
  const p = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${p}`,
    port: p,
    requests,
    close: async () => {
      for (const res of hanging) res.destroy();
      server.closeAllConnections();
      await new Promise<void>((r) => server.close(() => r()));
    },
  };
}

/** One envelope as Sentry's ingest reads it: a header line, then item header and payload pairs. */
export interface Envelope {
  header: Record<string, unknown>;
  items: { header: Record<string, unknown>; payload: Record<string, unknown> }[];
}

/** Parse a Sentry envelope (newline-delimited JSON; payloads here are JSON objects). */
export function parseEnvelope(body: string): Envelope {
  const lines = body.split('\n').filter((l) => l.length);
  const header = JSON.parse(lines[0]!) as Record<string, unknown>;
  const items: Envelope['items'] = [];
  for (let i = 1; i + 1 < lines.length; i += 2) {
    items.push({ header: JSON.parse(lines[i]!) as Record<string, unknown>, payload: JSON.parse(lines[i + 1]!) as Record<string, unknown> });
  }
  return { header, items };
}

export interface SentryReceiver extends HttpReceiver {
  /** The DSN that points here: `http://<key>@127.0.0.1:<port>/<project>`. */
  dsn: string;
  /** Events accepted (answered 200) at the envelope endpoint, in order. */
  events(): Record<string, unknown>[];
}

/**
 * Sentry's envelope endpoint on loopback: `POST /api/<project>/envelope/` with the DSN's public
 * key in X-Sentry-Auth. `answer` may refuse some (a 500 before a 200). Anything else is a 404.
 */
export async function startSentryReceiver(answer: (n: number) => number = () => 200, project = '42', key = 'abc123publickey'): Promise<SentryReceiver> {
  let n = 0;
  const accepted = new Set<Received>();
  const rec = await startHttpReceiver((req) => {
    if (req.method !== 'POST' || req.url.split('?')[0] !== `/api/${project}/envelope/`) return { status: 404 };
    const auth = String(req.headers['x-sentry-auth'] ?? '') + req.url;
    if (!auth.includes(`sentry_key=${key}`)) return { status: 401 };
    const status = answer(n++);
    if (status === 200) accepted.add(req);
    return { status, headers: { 'content-type': 'application/json' }, body: status === 200 ? '{"id":"x"}' : '{"detail":"try later"}' };
  });
  return {
    ...rec,
    dsn: `http://${key}@127.0.0.1:${rec.port}/${project}`,
    events: () =>
      rec.requests
        .filter((r) => accepted.has(r))
        .flatMap((r) => parseEnvelope(r.body).items.filter((i) => i.header.type === 'event').map((i) => i.payload)),
  };
}

/** A logger that keeps every line, to check what was logged (and that no secret was). */
export function memoryLogger(): Logger & { lines: string[] } {
  const lines: string[] = [];
  const push = (level: string) => (m: string, d?: Record<string, unknown>) => lines.push(`${level}: ${m}${d ? ` ${JSON.stringify(d)}` : ''}`);
  return { lines, debug: push('debug'), info: push('info'), warn: push('warn'), error: push('error') };
}
