import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import zlib from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { VigilError } from '../../../src/errors.js';
import { WebRequestError, createHttpClient, decodeBody } from '../../../scanners/web/http-client.js';
import type { HttpClientOptions } from '../../../scanners/web/http-client.js';
import type { WebRequest } from '../../../scanners/web/types.js';

const MiB = 1024 * 1024;

async function listen(server: http.Server | https.Server): Promise<string> {
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const scheme = server instanceof https.Server ? 'https' : 'http';
  return `${scheme}://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

function close(server: http.Server | https.Server): Promise<void> {
  server.closeAllConnections();
  return new Promise((r) => server.close(() => r()));
}

const get = (url: string, headers: Record<string, string> = {}): WebRequest => ({ method: 'GET', url, headers });

// the "other" origin: every request it gets is a leak
let other: http.Server;
let otherUrl: string;
let otherHits = 0;

let server: http.Server;
let base: string;
let bigBytesWritten = 0;
const arrivals: number[] = [];
let inFlight = 0;
let maxInFlight = 0;
const BOMB = zlib.gzipSync(Buffer.alloc(64 * MiB));
const TEXT = 'héllo wörld '.repeat(100);

beforeAll(async () => {
  other = http.createServer((_req, res) => {
    otherHits++;
    res.end('other');
  });
  otherUrl = await listen(other);

  server = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    switch (url.pathname.replace(/^\/app\//, '/')) {
      case '/hello':
        res.setHeader('content-type', 'text/plain');
        res.end('hello');
        return;
      case '/echo': {
        const chunks: Buffer[] = [];
        req.on('data', (c: Buffer) => chunks.push(c));
        req.on('end', () => {
          res.setHeader('content-type', 'application/json');
          res.end(JSON.stringify({ method: req.method, url: req.url, headers: req.headers, body: Buffer.concat(chunks).toString() }));
        });
        return;
      }
      case '/set-cookie':
        res.setHeader('set-cookie', ['sid=s3cret; Path=/; HttpOnly', 'pref=dark; Path=/app', 'gone=1; Path=/; Max-Age=0']);
        res.end('ok');
        return;
      case '/to-hello':
        res.writeHead(302, { location: '/hello' });
        res.end();
        return;
      case '/post-303':
        res.writeHead(303, { location: '/echo' });
        res.end();
        return;
      case '/to-other':
        res.writeHead(302, { location: `${otherUrl}/stolen` });
        res.end('moved');
        return;
      case '/loop':
        res.writeHead(302, { location: '/loop' });
        res.end();
        return;
      case '/big': {
        res.setHeader('content-type', 'text/plain');
        res.setHeader('content-length', String(50 * MiB));
        const chunk = Buffer.alloc(64 * 1024, 0x61);
        const pump = (): void => {
          while (bigBytesWritten < 50 * MiB) {
            bigBytesWritten += chunk.length;
            if (!res.write(chunk)) {
              res.once('drain', pump);
              return;
            }
          }
          res.end();
        };
        res.on('error', () => undefined);
        pump();
        return;
      }
      case '/bomb':
        res.writeHead(200, { 'content-type': 'text/plain', 'content-encoding': 'gzip' });
        res.end(BOMB);
        return;
      case '/gzip':
        res.writeHead(200, { 'content-type': 'text/plain; charset=utf-8', 'content-encoding': 'gzip' });
        res.end(zlib.gzipSync(TEXT));
        return;
      case '/br':
        res.writeHead(200, { 'content-type': 'text/plain; charset=utf-8', 'content-encoding': 'br' });
        res.end(zlib.brotliCompressSync(TEXT));
        return;
      case '/deflate':
        res.writeHead(200, { 'content-type': 'text/plain; charset=utf-8', 'content-encoding': 'deflate' });
        res.end(zlib.deflateSync(TEXT));
        return;
      case '/deflate-raw':
        res.writeHead(200, { 'content-type': 'text/plain; charset=utf-8', 'content-encoding': 'deflate' });
        res.end(zlib.deflateRawSync(TEXT));
        return;
      case '/bad-gzip':
        res.writeHead(200, { 'content-type': 'text/plain', 'content-encoding': 'gzip' });
        res.end(Buffer.from('this is not gzip at all'));
        return;
      case '/hang':
        // headers and part of a body, then nothing
        res.writeHead(200, { 'content-type': 'text/plain' });
        res.write('partial');
        return;
      case '/silent':
        return;
      case '/reset':
        req.socket.destroy();
        return;
      case '/reset-mid-body':
        res.writeHead(200, { 'content-type': 'text/plain', 'content-length': '1000' });
        res.write('x'.repeat(100), () => req.socket.destroy());
        return;
      case '/latin1':
        res.setHeader('content-type', 'text/html; charset=iso-8859-1');
        res.end(Buffer.from('<p>café déjà vu</p>', 'latin1'));
        return;
      case '/meta-1252':
        res.setHeader('content-type', 'text/html');
        res.end(Buffer.concat([Buffer.from('<html><head><meta charset="windows-1252"></head><body>'), Buffer.from([0x80, 0x20, 0xe9]), Buffer.from('</body></html>')]));
        return;
      case '/no-charset':
        res.setHeader('content-type', 'text/html');
        res.end(Buffer.from('<p>naïve ✓</p>', 'utf8'));
        return;
      case '/invalid-utf8':
        res.setHeader('content-type', 'text/plain; charset=utf-8');
        res.end(Buffer.from([0x61, 0xff, 0x62]));
        return;
      case '/tick':
        arrivals.push(performance.now());
        res.end('tick');
        return;
      case '/slow':
        inFlight++;
        maxInFlight = Math.max(maxInFlight, inFlight);
        setTimeout(() => {
          inFlight--;
          res.end('slow');
        }, 30);
        return;
      default:
        res.statusCode = 404;
        res.end('not found');
    }
  });
  base = await listen(server);
});

afterAll(async () => {
  await close(server);
  await close(other);
});

const client = (o: Partial<HttpClientOptions> = {}) => createHttpClient({ origin: base, rps: 0, ...o });

describe('same-origin enforcement', () => {
  it.each([
    ['another port', () => `${otherUrl}/x`],
    ['another host', () => base.replace('127.0.0.1', 'localhost') + '/hello'],
    ['another scheme', () => base.replace('http:', 'https:') + '/hello'],
    ['not a URL', () => '/relative'],
  ])('refuses %s before connecting', async (_label, url) => {
    const before = otherHits;
    const err = await client().send(get(url())).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(WebRequestError);
    expect((err as WebRequestError).kind).toBe('off-origin');
    expect(otherHits).toBe(before);
  });

  it('returns an off-origin redirect as is, without following it', async () => {
    const before = otherHits;
    const res = await client().send(get(`${base}/to-other`));
    expect(res.status).toBe(302);
    expect(res.headers.location).toBe(`${otherUrl}/stolen`);
    expect(res.body).toBe('moved');
    expect(res.redirects).toEqual([]);
    expect(otherHits).toBe(before);
  });

  it('follows a same-origin redirect and records the chain', async () => {
    const res = await client().send(get(`${base}/to-hello`));
    expect(res).toMatchObject({ status: 200, url: `${base}/hello`, body: 'hello', redirects: [`${base}/to-hello`] });
  });

  it('does not follow when asked not to', async () => {
    const res = await client().send(get(`${base}/to-hello`), { followRedirects: false });
    expect(res.status).toBe(302);
    expect(res.url).toBe(`${base}/to-hello`);
  });

  it('turns a POST into a GET on 303', async () => {
    const res = await client().send({ method: 'POST', url: `${base}/post-303`, headers: { 'content-type': 'text/plain' }, body: 'x' });
    const echo = JSON.parse(res.body) as { method: string; headers: Record<string, string> };
    expect(echo.method).toBe('GET');
    expect(echo.headers['content-type']).toBeUndefined();
  });

  it('ends a redirect loop at maxRedirects with an error', async () => {
    const err = await client({ maxRedirects: 3 }).send(get(`${base}/loop`)).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(WebRequestError);
    expect((err as WebRequestError).kind).toBe('redirects');
    expect((err as Error).message).toContain(`${base}/loop`);
  });
});

describe('headers and cookies', () => {
  it('sends the configured headers, user agent and the request headers', async () => {
    const c = client({ headers: { Authorization: 'Bearer t0ken' }, userAgent: 'vigil-test' });
    const res = await c.send(get(`${base}/echo`, { 'X-Extra': '1' }));
    const echo = JSON.parse(res.body) as { headers: Record<string, string> };
    expect(echo.headers.authorization).toBe('Bearer t0ken');
    expect(echo.headers['user-agent']).toBe('vigil-test');
    expect(echo.headers['x-extra']).toBe('1');
  });

  it('keeps Set-Cookie as an array and sends cookies back, merged with the configured cookie', async () => {
    const c = client({ headers: { cookie: 'fixed=1' } });
    const set = await c.send(get(`${base}/set-cookie`));
    expect(set.headers['set-cookie']).toHaveLength(3);
    const echo = JSON.parse((await c.send(get(`${base}/echo`))).body) as { headers: Record<string, string> };
    // pref is scoped to /app and gone expired at once: neither is sent to /echo
    expect(echo.headers.cookie).toBe('fixed=1; sid=s3cret');
  });

  it('sends a path-scoped cookie under its path', async () => {
    const c = client();
    await c.send(get(`${base}/set-cookie`));
    const echo = JSON.parse((await c.send(get(`${base}/app/echo`))).body) as { headers: Record<string, string> };
    expect(echo.headers.cookie).toBe('pref=dark; sid=s3cret');
  });
});

describe('bodies: limits and decoding', () => {
  it('cuts a 50 MB body at maxBodyBytes and stops reading', async () => {
    const res = await client({ maxBodyBytes: 2 * MiB }).send(get(`${base}/big`));
    expect(res.truncated).toBe(true);
    expect(res.body.length).toBe(2 * MiB);
    expect(res.bodyBytes).toBe(50 * MiB);
    // the client closed the connection: the server could not write the whole body
    await new Promise((r) => setTimeout(r, 50));
    expect(bigBytesWritten).toBeLessThan(50 * MiB);
  });

  it('stops a gzip bomb at maxBodyBytes', async () => {
    const res = await client({ maxBodyBytes: MiB }).send(get(`${base}/bomb`));
    expect(res.truncated).toBe(true);
    expect(res.body.length).toBe(MiB);
  });

  it.each(['gzip', 'br', 'deflate', 'deflate-raw'])('decodes %s', async (p) => {
    const res = await client().send(get(`${base}/${p}`));
    expect(res.body).toBe(TEXT);
    expect(res.truncated).toBe(false);
    expect(res.bodyBytes).toBe(Buffer.byteLength(TEXT));
  });

  it('reports a corrupt gzip body as an error', async () => {
    const err = await client().send(get(`${base}/bad-gzip`)).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(WebRequestError);
    expect((err as WebRequestError).kind).toBe('decode');
  });

  it.each([
    ['/latin1', '<p>café déjà vu</p>'],
    ['/meta-1252', '<html><head><meta charset="windows-1252"></head><body>€ é</body></html>'],
    ['/no-charset', '<p>naïve ✓</p>'],
    ['/invalid-utf8', 'a\ufffdb'],
  ])('decodes %s with the right charset', async (p, expected) => {
    expect((await client().send(get(`${base}${p}`))).body).toBe(expected);
  });

  it.each<[Buffer, string | undefined, string]>([
    [Buffer.from([0xef, 0xbb, 0xbf, 0x68, 0x69]), 'text/plain; charset=iso-8859-1', 'hi'],
    [Buffer.from('hi', 'utf16le'), 'text/plain; charset=utf-16le', 'hi'],
    [Buffer.from('h\u00e9', 'latin1'), 'text/plain; charset=x-unknown-charset', 'h\ufffd'],
    [Buffer.from([0x93, 0x71, 0x94, 0x20, 0x99]), 'text/plain; charset=latin1', '\u201cq\u201d \u2122'],
    [Buffer.from([0xe8, 0xf8]), 'text/plain; charset=iso-8859-2', '\u010d\u0159'],
    [Buffer.from('<meta http-equiv="Content-Type" content="text/html; charset=ISO-8859-1">\u00e9', 'latin1'), undefined, '<meta http-equiv="Content-Type" content="text/html; charset=ISO-8859-1">é'],
  ])('decodeBody %#', (buf, ct, expected) => {
    expect(decodeBody(buf, ct)).toBe(expected);
  });
});

describe('failures are errors, never crashes', () => {
  it('bounds a server that never answers by timeoutMs, naming the URL and the timeout', async () => {
    const err = await client({ timeoutMs: 300 }).send(get(`${base}/silent`)).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(WebRequestError);
    expect((err as WebRequestError).kind).toBe('timeout');
    expect((err as Error).message).toContain(`${base}/silent`);
    expect((err as Error).message).toContain('300 ms');
  });

  it('bounds a body that never ends', async () => {
    const err = await client().send(get(`${base}/hang`), { timeoutMs: 200 }).catch((e: unknown) => e);
    expect((err as WebRequestError).kind).toBe('timeout');
  });

  it.each(['/reset', '/reset-mid-body'])('turns %s into an error', async (p) => {
    const err = await client().send(get(`${base}${p}`)).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(WebRequestError);
    expect((err as WebRequestError).kind).toBe('network');
    expect((err as Error).message).toContain(`${base}${p}`);
  });

  it('reports a refused connection', async () => {
    const closed = http.createServer();
    const url = await listen(closed);
    await close(closed);
    const err = await createHttpClient({ origin: url, rps: 0 }).send(get(`${url}/`)).catch((e: unknown) => e);
    expect((err as WebRequestError).kind).toBe('network');
    expect((err as Error).message).toMatch(/ECONNREFUSED/);
  });

  it('aborts with the signal', async () => {
    const ac = new AbortController();
    const p = client({ signal: ac.signal }).send(get(`${base}/silent`));
    setTimeout(() => ac.abort(), 20);
    const err = await p.catch((e: unknown) => e);
    expect((err as WebRequestError).kind).toBe('aborted');
  });

  it.each<[Partial<HttpClientOptions>]>([[{ origin: 'not a url' }], [{ origin: 'ftp://127.0.0.1' }], [{ rps: -1 }], [{ concurrency: 0 }], [{ timeoutMs: Number.NaN }]])(
    'rejects bad options %j',
    (o) => {
      expect(() => createHttpClient({ origin: base, ...o })).toThrow(VigilError);
    },
  );
});

describe('rate limit and concurrency', () => {
  it('spreads requests: no more than rps+1 arrive in any 1-second window', async () => {
    arrivals.length = 0;
    const c = client({ rps: 5, concurrency: 4 });
    await Promise.all(Array.from({ length: 12 }, () => c.send(get(`${base}/tick`))));
    expect(arrivals).toHaveLength(12);
    const sorted = [...arrivals].sort((a, b) => a - b);
    for (const t of sorted) {
      expect(sorted.filter((x) => x >= t && x < t + 1000).length).toBeLessThanOrEqual(6);
    }
  });

  it('keeps at most `concurrency` requests in flight', async () => {
    maxInFlight = 0;
    const c = client({ concurrency: 2 });
    await Promise.all(Array.from({ length: 8 }, () => c.send(get(`${base}/slow`))));
    expect(maxInFlight).toBeGreaterThan(0);
    expect(maxInFlight).toBeLessThanOrEqual(2);
  });
});

describe('https with a self-signed certificate', () => {
  let dir: string;
  let tlsServer: https.Server;
  let tlsUrl: string;
  let cert: string;
  beforeAll(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'vigil-web-tls-'));
    execFileSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', path.join(dir, 'key.pem'), '-out', path.join(dir, 'cert.pem'), '-days', '2', '-subj', '/CN=127.0.0.1', '-addext', 'subjectAltName=IP:127.0.0.1'], { stdio: 'ignore' });
    cert = readFileSync(path.join(dir, 'cert.pem'), 'utf8');
    tlsServer = https.createServer({ key: readFileSync(path.join(dir, 'key.pem')), cert }, (_req, res) => res.end('secure'));
    tlsUrl = await listen(tlsServer);
  });
  afterAll(async () => {
    await close(tlsServer);
    rmSync(dir, { recursive: true, force: true });
  });

  it('refuses the certificate by default', async () => {
    const err = await createHttpClient({ origin: tlsUrl, rps: 0 }).send(get(`${tlsUrl}/`)).catch((e: unknown) => e);
    expect((err as WebRequestError).kind).toBe('network');
  });

  it.each<[string, Partial<HttpClientOptions>]>([
    ['with the CA given', {}],
    ['when insecure', { insecure: true }],
  ])('connects %s', async (label, o) => {
    const extra = label === 'with the CA given' ? { ca: [cert] } : o;
    const res = await createHttpClient({ origin: tlsUrl, rps: 0, ...extra }).send(get(`${tlsUrl}/`));
    expect(res.body).toBe('secure');
  });
});
