/**
 * The web scanner's HTTP client: bound to one origin (any other URL is refused before a socket
 * opens, and a redirect off-origin is returned, not followed), rate-limited by a token bucket
 * shared by all its requests, at most N requests in flight, every request bounded in time and in
 * body size (decompression included, so a gzip bomb stops at the limit), a small cookie jar so a
 * login session carries over, and charset-aware decoding. node:http/https rather than fetch: the
 * rules need raw headers and Set-Cookie arrays, and the limits need control over decompression.
 */
import http from 'node:http';
import https from 'node:https';
import type { IncomingMessage } from 'node:http';
import zlib from 'node:zlib';
import type { Transform } from 'node:stream';
import { VigilError } from '../../src/errors.js';
import { extractMetaCharset } from './html.js';
import type { HttpClient, WebRequest, WebResponse } from './types.js';

export interface HttpClientOptions {
  /** The target's origin (scheme, host, port); a full URL is accepted and cut to its origin. */
  origin: string;
  /** Requests per second for the whole client; 0 = unlimited. Default 10. */
  rps?: number;
  /** Requests in flight at once. Default 4. */
  concurrency?: number;
  /** Bound on one request, from connecting to the end of the body. Default 10000. */
  timeoutMs?: number;
  /** Body limit after decompression; the rest is cut (truncated = true). Default 2 MiB. */
  maxBodyBytes?: number;
  /** Same-origin redirects followed before the request fails. Default 5. */
  maxRedirects?: number;
  /** Sent with every request (an Authorization header, a session cookie). */
  headers?: Record<string, string>;
  /** Aborts every pending and future request. */
  signal?: AbortSignal;
  userAgent?: string;
  /** Extra CAs (PEM) to trust for an https target. */
  ca?: string[];
  /** Accept any certificate (self-signed loopback targets). Default false. */
  insecure?: boolean;
}

export type WebRequestErrorKind = 'off-origin' | 'timeout' | 'network' | 'redirects' | 'aborted' | 'decode';

/** A request that failed: refused (off-origin), timed out, reset, redirected too often, or aborted. */
export class WebRequestError extends Error {
  readonly url: string;
  readonly kind: WebRequestErrorKind;

  constructor(kind: WebRequestErrorKind, url: string, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'WebRequestError';
    this.kind = kind;
    this.url = url;
  }
}

export const DEFAULT_USER_AGENT = 'Mozilla/5.0 (compatible; vigil-web-scanner/0.1)';
/** The default body limit (after decompression): the most text of a response any rule reads. */
export const MAX_BODY_BYTES = 2 * 1024 * 1024;
const DEFAULTS = { rps: 10, concurrency: 4, timeoutMs: 10_000, maxBodyBytes: MAX_BODY_BYTES, maxRedirects: 5 };
const REDIRECT_STATUSES = new Set([301, 302, 303, 307, 308]);

/** Creates a client bound to `opts.origin`. */
export function createHttpClient(opts: HttpClientOptions): HttpClient {
  let originUrl: URL;
  try {
    originUrl = new URL(opts.origin);
  } catch {
    throw new VigilError('VIGIL_ERR_USAGE', `web target "${opts.origin}" is not a URL`);
  }
  if (originUrl.protocol !== 'http:' && originUrl.protocol !== 'https:') {
    throw new VigilError('VIGIL_ERR_USAGE', `web target "${opts.origin}" must be an http:// or https:// URL`);
  }
  const settings = {
    rps: opts.rps ?? DEFAULTS.rps,
    concurrency: opts.concurrency ?? DEFAULTS.concurrency,
    timeoutMs: opts.timeoutMs ?? DEFAULTS.timeoutMs,
    maxBodyBytes: opts.maxBodyBytes ?? DEFAULTS.maxBodyBytes,
    maxRedirects: opts.maxRedirects ?? DEFAULTS.maxRedirects,
  };
  for (const [k, v] of Object.entries(settings)) {
    const min = k === 'rps' || k === 'maxRedirects' ? 0 : 1;
    if (!Number.isFinite(v) || v < min) throw new VigilError('VIGIL_ERR_USAGE', `web client option ${k} must be a number >= ${min} (got ${v})`);
  }
  return new OriginClient(originUrl.origin, settings, opts);
}

interface Settings {
  rps: number;
  concurrency: number;
  timeoutMs: number;
  maxBodyBytes: number;
  maxRedirects: number;
}

interface RawResponse {
  status: number;
  headers: Record<string, string | string[]>;
  body: Buffer;
  bodyBytes: number;
  truncated: boolean;
}

class OriginClient implements HttpClient {
  readonly origin: string;
  private readonly limiter: RateLimiter;
  private readonly slots: Semaphore;
  private readonly jar = new CookieJar();
  private readonly baseHeaders: Record<string, string>;
  private readonly tls: https.RequestOptions;

  constructor(origin: string, private readonly settings: Settings, private readonly opts: HttpClientOptions) {
    this.origin = origin;
    this.limiter = new RateLimiter(settings.rps);
    this.slots = new Semaphore(settings.concurrency);
    this.baseHeaders = {
      'user-agent': opts.userAgent ?? DEFAULT_USER_AGENT,
      accept: 'text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8',
      'accept-encoding': 'gzip, deflate, br',
      ...lowerKeys(opts.headers ?? {}),
    };
    this.tls = { rejectUnauthorized: !opts.insecure };
    if (opts.ca && opts.ca.length > 0) this.tls.ca = opts.ca;
  }

  async send(req: WebRequest, o: { followRedirects?: boolean; timeoutMs?: number } = {}): Promise<WebResponse> {
    let url = this.checkOrigin(req.url);
    let method = req.method.toUpperCase();
    let body = req.body;
    let headers = lowerKeys(req.headers);
    const follow = o.followRedirects ?? true;
    const timeoutMs = o.timeoutMs ?? this.settings.timeoutMs;
    const redirects: string[] = [];
    const started = performance.now();
    for (;;) {
      const raw = await this.hop(url, method, headers, body, timeoutMs);
      const location = firstHeader(raw.headers.location);
      if (follow && REDIRECT_STATUSES.has(raw.status) && location !== undefined) {
        let next: URL | undefined;
        try {
          next = new URL(location, url);
        } catch {
          next = undefined;
        }
        // off-origin (or unparsable) targets are never requested: the redirect itself is the answer
        if (next && next.origin === this.origin) {
          if (redirects.length >= this.settings.maxRedirects) {
            throw new WebRequestError('redirects', req.url, `${method} ${req.url}: more than ${this.settings.maxRedirects} redirects (last to ${next.href})`);
          }
          redirects.push(url.href);
          if (raw.status === 303 ? method !== 'HEAD' : (raw.status === 301 || raw.status === 302) && method === 'POST') {
            method = 'GET';
            body = undefined;
            const { 'content-type': _ct, 'content-length': _cl, ...rest } = headers;
            headers = rest;
          }
          next.hash = '';
          url = next;
          continue;
        }
      }
      return {
        url: url.href,
        status: raw.status,
        headers: raw.headers,
        body: decodeBody(raw.body, raw.headers['content-type']),
        bodyBytes: raw.bodyBytes,
        truncated: raw.truncated,
        elapsedMs: Math.round(performance.now() - started),
        redirects,
      };
    }
  }

  private checkOrigin(raw: string): URL {
    let u: URL;
    try {
      u = new URL(raw);
    } catch {
      throw new WebRequestError('off-origin', raw, `refused "${raw}": not an absolute URL`);
    }
    if (u.origin !== this.origin) {
      throw new WebRequestError('off-origin', raw, `refused ${u.href}: outside the target's origin ${this.origin}`);
    }
    u.hash = '';
    return u;
  }

  /** One request/response, holding a concurrency slot and a rate-limit token. */
  private async hop(url: URL, method: string, headers: Record<string, string>, body: string | undefined, timeoutMs: number): Promise<RawResponse> {
    const signal = this.opts.signal;
    if (signal?.aborted) throw new WebRequestError('aborted', url.href, `${method} ${url.href}: aborted`);
    await this.slots.acquire(signal, url.href);
    try {
      await this.limiter.take(signal, url.href);
      const h: Record<string, string> = { ...this.baseHeaders, ...headers };
      const jarCookies = this.jar.header(url);
      if (jarCookies) h.cookie = h.cookie ? `${h.cookie}; ${jarCookies}` : jarCookies;
      const payload = body === undefined ? undefined : Buffer.from(body, 'utf8');
      if (payload) h['content-length'] = String(payload.length);
      else delete h['content-length'];
      const raw = await this.exchange(url, method, h, payload, timeoutMs);
      const setCookie = raw.headers['set-cookie'];
      if (setCookie) this.jar.store(Array.isArray(setCookie) ? setCookie : [setCookie], url);
      return raw;
    } finally {
      this.slots.release();
    }
  }

  private exchange(url: URL, method: string, headers: Record<string, string>, payload: Buffer | undefined, timeoutMs: number): Promise<RawResponse> {
    const where = `${method} ${url.href}`;
    const maxBody = this.settings.maxBodyBytes;
    const signal = this.opts.signal;
    return new Promise<RawResponse>((resolve, reject) => {
      let settled = false;
      let timer: NodeJS.Timeout | undefined;
      let decoder: Transform | undefined;
      let res: IncomingMessage | undefined;
      const onAbort = (): void => fail(new WebRequestError('aborted', url.href, `${where}: aborted`));
      const cleanup = (): void => {
        if (timer) clearTimeout(timer);
        signal?.removeEventListener('abort', onAbort);
      };
      const fail = (e: WebRequestError): void => {
        if (settled) return;
        settled = true;
        cleanup();
        decoder?.destroy();
        res?.destroy();
        request.destroy();
        reject(e);
      };
      const done = (r: RawResponse): void => {
        if (settled) return;
        settled = true;
        cleanup();
        decoder?.destroy();
        // the rest of a cut body is not wanted: close the socket rather than drain it
        res?.destroy();
        resolve(r);
      };
      const mod = url.protocol === 'https:' ? https : http;
      const request = mod.request(
        {
          protocol: url.protocol,
          hostname: url.hostname.replace(/^\[|\]$/g, ''),
          port: url.port || undefined,
          path: `${url.pathname}${url.search}`,
          method,
          headers,
          agent: false,
          ...(url.protocol === 'https:' ? this.tls : {}),
        },
        (response) => {
          res = response;
          const status = response.statusCode ?? 0;
          const hdrs = copyHeaders(response);
          const declared = Number(response.headers['content-length']);
          const chunks: Buffer[] = [];
          let kept = 0;
          let seen = 0;
          let truncated = false;
          const finish = (): void => {
            // counting what was cut: a plain body's Content-Length tells its full size
            const full = !decoder && truncated && Number.isFinite(declared) && declared > seen ? declared : seen;
            done({ status, headers: hdrs, body: Buffer.concat(chunks, kept), bodyBytes: full, truncated });
          };
          const take = (chunk: Buffer): void => {
            if (settled) return;
            seen += chunk.length;
            const room = maxBody - kept;
            if (chunk.length >= room) {
              if (room > 0) chunks.push(chunk.subarray(0, room));
              kept += Math.max(room, 0);
              if (chunk.length > room) {
                truncated = true;
                finish();
              }
              return;
            }
            chunks.push(chunk);
            kept += chunk.length;
          };
          if (method === 'HEAD' || status === 204 || status === 304) {
            response.resume();
            response.on('end', finish);
            response.on('error', () => finish());
            return;
          }
          const encoding = String(response.headers['content-encoding'] ?? '').trim().toLowerCase();
          let rawBytes = 0;
          response.on('data', (chunk: Buffer) => {
            if (settled) return;
            rawBytes += chunk.length;
            if (encoding === '' || encoding === 'identity') return take(chunk);
            if (!decoder) {
              decoder = makeDecoder(encoding, chunk);
              if (!decoder) return take(chunk);
              decoder.on('data', take);
              decoder.on('end', () => finish());
              decoder.on('error', (e: Error) => {
                // a body cut mid-stream by our own limit is fine; a corrupt one is the server's fault
                if (!settled) fail(new WebRequestError('decode', url.href, `${where}: could not decode the ${encoding} body: ${e.message}`, { cause: e }));
              });
            }
            decoder.write(chunk);
          });
          response.on('end', () => {
            if (decoder) decoder.end();
            else finish();
          });
          response.on('error', (e: Error) => fail(new WebRequestError('network', url.href, `${where}: connection failed while reading the body (${errText(e)})`, { cause: e })));
          response.on('close', () => {
            if (!response.complete && !settled) fail(new WebRequestError('network', url.href, `${where}: connection closed before the body ended (${rawBytes} bytes read)`));
          });
        },
      );
      request.on('error', (e: Error) => fail(new WebRequestError('network', url.href, `${where}: ${errText(e)}`, { cause: e })));
      timer = setTimeout(() => fail(new WebRequestError('timeout', url.href, `${where}: no complete answer within the ${timeoutMs} ms timeout`)), timeoutMs);
      signal?.addEventListener('abort', onAbort, { once: true });
      if (payload) request.end(payload);
      else request.end();
    });
  }
}

function errText(e: Error): string {
  const code = (e as NodeJS.ErrnoException).code;
  return code && !e.message.includes(code) ? `${code}: ${e.message}` : e.message;
}

function makeDecoder(encoding: string, first: Buffer): Transform | undefined {
  // flush what there is at a truncated end, as browsers do, instead of failing the whole body
  const flush = { finishFlush: zlib.constants.Z_SYNC_FLUSH };
  if (encoding === 'gzip' || encoding === 'x-gzip') return zlib.createGunzip(flush);
  if (encoding === 'br') return zlib.createBrotliDecompress({ finishFlush: zlib.constants.BROTLI_OPERATION_FLUSH });
  if (encoding === 'deflate') {
    // "deflate" should be zlib-wrapped (RFC 9110) but some servers send raw deflate
    const b0 = first[0] ?? 0;
    const b1 = first[1] ?? 0;
    const zlibWrapped = (b0 & 0x0f) === 8 && ((b0 << 8) | b1) % 31 === 0;
    return zlibWrapped ? zlib.createInflate(flush) : zlib.createInflateRaw(flush);
  }
  return undefined;
}

function copyHeaders(res: IncomingMessage): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {};
  for (const [k, v] of Object.entries(res.headers)) {
    if (v !== undefined) out[k] = v;
  }
  return out;
}

function firstHeader(v: string | string[] | undefined): string | undefined {
  return Array.isArray(v) ? v[0] : v;
}

function lowerKeys(h: Record<string, string>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(h)) out[k.toLowerCase()] = v;
  return out;
}

/** Decodes a body: BOM, then the Content-Type charset, then a `<meta>` charset, else UTF-8; never throws. */
export function decodeBody(body: Buffer, contentType: string | string[] | undefined): string {
  const ct = firstHeader(contentType);
  let label: string | undefined;
  if (body[0] === 0xef && body[1] === 0xbb && body[2] === 0xbf) label = 'utf-8';
  else if (body[0] === 0xff && body[1] === 0xfe) label = 'utf-16le';
  else if (body[0] === 0xfe && body[1] === 0xff) label = 'utf-16be';
  label ??= /charset\s*=\s*["']?([^;"'\s]+)/i.exec(ct ?? '')?.[1];
  if (label === undefined && (ct === undefined || /html|xml/i.test(ct))) {
    // browsers look for the meta charset in the first 1024 bytes; a little more costs nothing
    label = extractMetaCharset(body.subarray(0, 4096).toString('latin1'));
  }
  return decodeWith(body, label);
}

/** WHATWG windows-1252 code points for bytes 0x80-0x9F (the rest is Latin-1). */
const CP1252_HIGH = [
  0x20ac, 0x81, 0x201a, 0x192, 0x201e, 0x2026, 0x2020, 0x2021, 0x2c6, 0x2030, 0x160, 0x2039, 0x152, 0x8d, 0x17d, 0x8f,
  0x90, 0x2018, 0x2019, 0x201c, 0x201d, 0x2022, 0x2013, 0x2014, 0x2dc, 0x2122, 0x161, 0x203a, 0x153, 0x9d, 0x17e, 0x178,
];

function decodeWith(body: Buffer, label: string | undefined): string {
  if (label) {
    let decoder: InstanceType<typeof TextDecoder> | undefined;
    try {
      decoder = new TextDecoder(label, { fatal: false });
    } catch {
      // an unknown label: fall back to UTF-8, as browsers do
    }
    if (decoder?.encoding === 'windows-1252') {
      // Node 20's TextDecoder decodes windows-1252 (and so latin1/iso-8859-1) as plain Latin-1
      return body.toString('latin1').replace(/[\u0080-\u009f]/g, (c) => String.fromCharCode(CP1252_HIGH[c.charCodeAt(0) - 0x80] ?? c.charCodeAt(0)));
    }
    if (decoder) return decoder.decode(body);
  }
  return new TextDecoder('utf-8', { fatal: false }).decode(body);
}

/** A token bucket of one token: requests start at least 1/rps seconds apart, shared by all callers. */
class RateLimiter {
  private next = 0;
  private readonly intervalMs: number;

  constructor(rps: number) {
    this.intervalMs = rps > 0 ? 1000 / rps : 0;
  }

  async take(signal: AbortSignal | undefined, url: string): Promise<void> {
    if (this.intervalMs === 0) return;
    const now = performance.now();
    const at = Math.max(now, this.next);
    this.next = at + this.intervalMs;
    if (at > now) await sleep(at - now, signal, url);
  }
}

function sleep(ms: number, signal: AbortSignal | undefined, url: string): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(new WebRequestError('aborted', url, `${url}: aborted`));
    const onAbort = (): void => {
      clearTimeout(t);
      reject(new WebRequestError('aborted', url, `${url}: aborted`));
    };
    const t = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

class Semaphore {
  private free: number;
  private readonly waiting: Array<() => void> = [];

  constructor(n: number) {
    this.free = n;
  }

  acquire(signal: AbortSignal | undefined, url: string): Promise<void> {
    if (this.free > 0) {
      this.free--;
      return Promise.resolve();
    }
    return new Promise((resolve, reject) => {
      const grant = (): void => {
        signal?.removeEventListener('abort', onAbort);
        resolve();
      };
      const onAbort = (): void => {
        const i = this.waiting.indexOf(grant);
        if (i >= 0) this.waiting.splice(i, 1);
        reject(new WebRequestError('aborted', url, `${url}: aborted`));
      };
      this.waiting.push(grant);
      signal?.addEventListener('abort', onAbort, { once: true });
    });
  }

  release(): void {
    const next = this.waiting.shift();
    if (next) next();
    else this.free++;
  }
}

interface StoredCookie {
  name: string;
  value: string;
  path: string;
  expires?: number;
}

/** Enough of RFC 6265 for one origin: name=value, Path (prefix match), Max-Age/Expires deletion. */
class CookieJar {
  private readonly cookies = new Map<string, StoredCookie>();

  store(lines: string[], url: URL): void {
    for (const line of lines) {
      const [pair = '', ...attrs] = line.split(';');
      const eq = pair.indexOf('=');
      if (eq <= 0) continue;
      const name = pair.slice(0, eq).trim();
      const value = pair.slice(eq + 1).trim();
      const c: StoredCookie = { name, value, path: defaultPath(url.pathname) };
      for (const a of attrs) {
        const [k = '', ...rest] = a.split('=');
        const key = k.trim().toLowerCase();
        const v = rest.join('=').trim();
        if (key === 'path' && v.startsWith('/')) c.path = v;
        else if (key === 'max-age' && /^-?\d+$/.test(v)) c.expires = Date.now() + Number(v) * 1000;
        else if (key === 'expires' && c.expires === undefined) {
          const t = Date.parse(v);
          if (Number.isFinite(t)) c.expires = t;
        }
      }
      const key = `${c.name}\u0000${c.path}`;
      if (c.expires !== undefined && c.expires <= Date.now()) this.cookies.delete(key);
      else this.cookies.set(key, c);
    }
  }

  header(url: URL): string {
    const now = Date.now();
    const matching = [...this.cookies.values()]
      .filter((c) => (c.expires === undefined || c.expires > now) && pathMatches(url.pathname, c.path))
      // longer paths first (RFC 6265 5.4)
      .sort((a, b) => b.path.length - a.path.length);
    return matching.map((c) => `${c.name}=${c.value}`).join('; ');
  }
}

function defaultPath(p: string): string {
  if (!p.startsWith('/')) return '/';
  const i = p.lastIndexOf('/');
  return i <= 0 ? '/' : p.slice(0, i);
}

function pathMatches(reqPath: string, cookiePath: string): boolean {
  if (reqPath === cookiePath) return true;
  if (!reqPath.startsWith(cookiePath)) return false;
  return cookiePath.endsWith('/') || reqPath[cookiePath.length] === '/';
}
