/**
 * Drives a ZAP daemon through its JSON API (ZAP_API_URL, ZAP_API_KEY): spider the target, let the
 * passive scanner drain, active scan when asked, then read the alerts back as WebAlerts.
 *
 * The npm `zaproxy` client is a thin wrapper over these same endpoints, so we call them with
 * node:http(s) and skip the dependency. Each call opens its own connection (no keep-alive):
 * ZAP closes the socket after every API answer, and a reused socket would fail at random.
 */
import http from 'node:http';
import https from 'node:https';
import { VigilError } from '../../src/errors.js';
import type { WebAlert, ZapConfidence, ZapRisk } from './types.js';
import { ZAP_ALERTS } from './zap-alerts.js';

export interface RunZapOptions {
  /** The daemon's API root, e.g. `http://127.0.0.1:8090`. */
  apiUrl: string;
  /** Sent as `X-ZAP-API-Key` (never in the URL, where proxies and logs would keep it). */
  apiKey?: string;
  target: string;
  /** Run ZAP's active scan after the spider (only for targets marked active). */
  active: boolean;
  /** Delay between status polls (default 2000 ms). */
  pollMs?: number;
  /** Bound on the whole run (default 60 min); past it the scans are stopped. */
  timeoutMs?: number;
  /** Aborting stops the running spider or active scan through the API, then rejects with the signal's reason. */
  signal?: AbortSignal;
  /** Spider's cap on children per node (ZAP's default: unlimited). */
  maxChildren?: number;
  /** Alerts per page when reading them back (default 500). */
  pageSize?: number;
}

const DEFAULT_POLL_MS = 2000;
const DEFAULT_TIMEOUT_MS = 60 * 60_000;
const DEFAULT_PAGE_SIZE = 500;
/** One API call may not hang the run for longer than this, whatever the overall budget. */
const REQUEST_TIMEOUT_MS = 60_000;
/** Stopping scans after an abort must not keep the caller waiting long. */
const STOP_TIMEOUT_MS = 5_000;
/** An alerts page of a big site runs to megabytes; more than this is not ZAP talking. */
const MAX_BODY_BYTES = 64 * 1024 * 1024;

const RISKS: Readonly<Record<string, ZapRisk>> = { informational: 0, low: 1, medium: 2, high: 3 };
/** 0 is ZAP's "False Positive": such alerts are dropped, never reported. */
const CONFIDENCES: Readonly<Record<string, ZapConfidence | 0>> = { 'false positive': 0, low: 1, medium: 2, high: 3, confirmed: 4 };

type Json = Record<string, unknown>;

interface Raw {
  status: number;
  body: string;
}

/** Runs a ZAP scan of `target` through a ZAP daemon's API and returns its alerts on the target's origin. */
export async function runZap(opts: RunZapOptions): Promise<WebAlert[]> {
  const api = parseHttpUrl(opts.apiUrl, 'ZAP_API_URL');
  const target = parseHttpUrl(opts.target, 'target');
  const pollMs = positive(opts.pollMs, DEFAULT_POLL_MS, 'pollMs');
  const timeoutMs = positive(opts.timeoutMs, DEFAULT_TIMEOUT_MS, 'timeoutMs');
  const pageSize = Math.floor(positive(opts.pageSize, DEFAULT_PAGE_SIZE, 'pageSize'));
  if (opts.maxChildren !== undefined && !(Number.isInteger(opts.maxChildren) && opts.maxChildren >= 0)) {
    throw new VigilError('VIGIL_ERR_USAGE', `maxChildren must be a whole number >= 0, not ${String(opts.maxChildren)}`);
  }
  opts.signal?.throwIfAborted();

  const zap = new ZapApi(api, opts.apiKey, Date.now() + timeoutMs, timeoutMs, target.href, opts.signal);
  const running: { spider?: string; ascan?: string } = {};
  try {
    zap.stage = `checking the version of ZAP at ${zap.label}`;
    const v = await zap.call('/JSON/core/view/version/');
    if (typeof v['version'] !== 'string') throw zap.malformed('/JSON/core/view/version/', 'no "version"');

    zap.stage = 'waiting for the spider';
    const spiderParams: Record<string, string> = { url: target.href, recurse: 'true' };
    if (opts.maxChildren !== undefined) spiderParams['maxChildren'] = String(opts.maxChildren);
    const spiderId = zap.scanId('/JSON/spider/action/scan/', await zap.call('/JSON/spider/action/scan/', spiderParams));
    running.spider = spiderId;
    await zap.poll(pollMs, async () => zap.int('/JSON/spider/view/status/', await zap.call('/JSON/spider/view/status/', { scanId: spiderId }), 'status') >= 100);
    delete running.spider;

    zap.stage = 'waiting for the passive scanner';
    await zap.poll(pollMs, async () => zap.int('/JSON/pscan/view/recordsToScan/', await zap.call('/JSON/pscan/view/recordsToScan/'), 'recordsToScan') <= 0);

    if (opts.active) {
      zap.stage = 'waiting for the active scan';
      const ascanId = zap.scanId('/JSON/ascan/action/scan/', await zap.call('/JSON/ascan/action/scan/', { url: target.href, recurse: 'true' }));
      running.ascan = ascanId;
      await zap.poll(pollMs, async () => zap.int('/JSON/ascan/view/status/', await zap.call('/JSON/ascan/view/status/', { scanId: ascanId }), 'status') >= 100);
      delete running.ascan;
    }

    zap.stage = 'reading the alerts';
    return await readAlerts(zap, target.origin, pageSize);
  } catch (e) {
    // a scan left running keeps hammering the target after we are gone: stop it whatever went wrong
    await stopScans(zap, running);
    throw e;
  }
}

async function readAlerts(zap: ZapApi, origin: string, pageSize: number): Promise<WebAlert[]> {
  const path = '/JSON/core/view/alerts/';
  const seen = new Set<string>();
  const out: WebAlert[] = [];
  let stale = 0;
  for (let start = 0; ; ) {
    // baseurl is a prefix filter on ZAP's side (it lets http://h:80800 through for http://h:8080); the origin check below is the real one
    const page = await zap.call(path, { baseurl: origin, start: String(start), count: String(pageSize) });
    const items = page['alerts'];
    if (!Array.isArray(items)) throw zap.malformed(path, 'no "alerts" list');
    let fresh = 0;
    for (const item of items) {
      if (!isObject(item)) throw zap.malformed(path, 'an alert that is not an object');
      // ZAP's `start` counts from 1 once past 0, so its pages overlap by one record: dedup by id
      const key = typeof item['id'] === 'string' || typeof item['id'] === 'number' ? String(item['id']) : JSON.stringify(item);
      if (seen.has(key)) continue;
      seen.add(key);
      fresh++;
      const alert = toWebAlert(zap, item, origin);
      if (alert) out.push(alert);
    }
    if (items.length < pageSize) return out;
    // with pages of one, that overlap makes one whole page a repeat; two in a row means the server ignores `start`
    stale = fresh === 0 ? stale + 1 : 0;
    if (stale >= 2) return out;
    start += items.length;
  }
}

/** One alert of ZAP's JSON as a WebAlert; undefined for false positives and other origins. */
function toWebAlert(zap: ZapApi, a: Json, origin: string): WebAlert | undefined {
  const path = '/JSON/core/view/alerts/';
  const id = str(a['id']) || '?';
  const pluginId = str(a['pluginId']);
  if (!/^-?\d+$/.test(pluginId)) throw zap.malformed(path, `alert ${id} without a numeric "pluginId"`);
  const confidence = CONFIDENCES[str(a['confidence']).toLowerCase()];
  if (confidence === undefined) throw zap.malformed(path, `alert ${id} with confidence "${str(a['confidence'])}" (expected Low, Medium, High, Confirmed or False Positive; is ZAP running in another locale?)`);
  if (confidence === 0) return undefined;
  const risk = RISKS[str(a['risk']).toLowerCase()];
  if (risk === undefined) throw zap.malformed(path, `alert ${id} with risk "${str(a['risk'])}" (expected Informational, Low, Medium or High; is ZAP running in another locale?)`);
  const url = str(a['url']);
  let alertOrigin: string;
  try {
    alertOrigin = new URL(url).origin;
  } catch {
    return undefined;
  }
  // ZAP also holds whatever else was proxied through it: only the target's origin is ours to report
  if (alertOrigin !== origin) return undefined;

  const out: WebAlert = { pluginId, url, method: str(a['method']).toUpperCase() || 'GET', evidence: str(a['evidence']), risk, confidence };
  const name = str(a['name']) || str(a['alert']);
  // the catalogue's name is implied; an explicit one marks a variant (and keys the finding's fingerprint)
  if (name && name !== ZAP_ALERTS[pluginId]?.name) out.name = name;
  const optional: [keyof WebAlert, string][] = [
    ['param', str(a['param'])],
    ['attack', str(a['attack'])],
    ['otherInfo', str(a['other']) || str(a['otherinfo'])],
    ['alertRef', str(a['alertRef'])],
    ['solution', str(a['solution'])],
    ['reference', str(a['reference'])],
  ];
  for (const [k, v] of optional) if (v) (out as unknown as Record<string, string>)[k] = v;
  const cweId = Number.parseInt(str(a['cweid']), 10);
  if (cweId > 0) out.cweId = cweId;
  const wascId = Number.parseInt(str(a['wascid']), 10);
  if (wascId > 0) out.wascId = wascId;
  return out;
}

/** Best effort: the run is already failing, so a failed stop is not worth a second error. */
async function stopScans(zap: ZapApi, running: { spider?: string; ascan?: string }): Promise<void> {
  const stops: Promise<unknown>[] = [];
  if (running.spider !== undefined) stops.push(zap.callForStop('/JSON/spider/action/stop/', { scanId: running.spider }));
  if (running.ascan !== undefined) stops.push(zap.callForStop('/JSON/ascan/action/stop/', { scanId: running.ascan }));
  await Promise.allSettled(stops);
}

class ZapApi {
  /** What the run is doing, for the timeout message. */
  stage = '';
  readonly label: string;

  constructor(
    private readonly base: URL,
    private readonly apiKey: string | undefined,
    private readonly deadline: number,
    private readonly timeoutMs: number,
    private readonly target: string,
    private readonly signal: AbortSignal | undefined,
  ) {
    this.label = base.href.replace(/\/$/, '');
  }

  /** GET one endpoint within the run's budget; the answer must be a JSON object. */
  async call(path: string, params: Record<string, string> = {}): Promise<Json> {
    const remaining = this.deadline - Date.now();
    if (remaining <= 0) throw this.timedOut();
    const limit = Math.min(remaining, REQUEST_TIMEOUT_MS);
    const timer = AbortSignal.timeout(limit);
    const signal = this.signal ? AbortSignal.any([this.signal, timer]) : timer;
    let raw: Raw;
    try {
      raw = await get(this.url(path, params), this.headers(), signal);
    } catch (e) {
      if (this.signal?.aborted) throw abortReason(this.signal);
      if (timer.aborted) {
        if (limit >= remaining) throw this.timedOut();
        throw new VigilError('VIGIL_ERR_SCANNER_TIMEOUT', `ZAP at ${this.label} did not answer ${path} within ${Math.round(limit / 1000)} s`);
      }
      throw this.unreachable(path, e);
    }
    return this.parse(path, raw);
  }

  /** A stop call: outside the (possibly aborted) run signal and budget, short timeout. */
  async callForStop(path: string, params: Record<string, string>): Promise<void> {
    await get(this.url(path, params), this.headers(), AbortSignal.timeout(STOP_TIMEOUT_MS));
  }

  /** Calls `done` every pollMs until it says yes, within the run's budget. */
  async poll(pollMs: number, done: () => Promise<boolean>): Promise<void> {
    for (;;) {
      if (await done()) return;
      const remaining = this.deadline - Date.now();
      if (remaining <= 0) throw this.timedOut();
      await sleep(Math.min(pollMs, remaining), this.signal);
    }
  }

  scanId(path: string, body: Json): string {
    const id = body['scan'];
    if ((typeof id === 'string' && /^\d+$/.test(id)) || (typeof id === 'number' && Number.isInteger(id))) return String(id);
    throw this.malformed(path, 'no scan id in "scan"');
  }

  int(path: string, body: Json, key: string): number {
    const v = body[key];
    const n = typeof v === 'number' ? v : typeof v === 'string' && /^-?\d+$/.test(v.trim()) ? Number(v) : Number.NaN;
    if (!Number.isFinite(n)) throw this.malformed(path, `no number in "${key}"`);
    return n;
  }

  malformed(path: string, what: string): VigilError {
    return new VigilError('VIGIL_ERR_USAGE', `ZAP at ${this.label} answered ${path} with ${what}: is ZAP_API_URL the API of a ZAP 2.14+ daemon?`);
  }

  private timedOut(): VigilError {
    return new VigilError('VIGIL_ERR_SCANNER_TIMEOUT', `ZAP scan of ${this.target} ran past its ${this.timeoutMs} ms limit while ${this.stage}`);
  }

  private url(path: string, params: Record<string, string>): URL {
    const u = new URL(this.base.href);
    u.pathname = u.pathname.replace(/\/$/, '') + path;
    u.search = new URLSearchParams(params).toString();
    return u;
  }

  private headers(): Record<string, string> {
    return { accept: 'application/json', ...(this.apiKey ? { 'x-zap-api-key': this.apiKey } : {}) };
  }

  private unreachable(path: string, e: unknown): VigilError {
    const code = (e as NodeJS.ErrnoException | undefined)?.code;
    const why = code ?? (e instanceof Error ? e.message : String(e));
    let msg: string;
    if (code === 'ECONNREFUSED') msg = `ZAP at ${this.label} refused the connection: is the daemon running, and is ZAP_API_URL right?`;
    else if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') msg = `ZAP at ${this.label}: the host is not found; check ZAP_API_URL`;
    else if (code === 'ECONNRESET' || code === 'EPIPE')
      // ZAP answers a wrong or missing key by closing the socket, unless api.reportpermerrors is on
      msg = `ZAP at ${this.label} closed the connection without answering ${path}: ZAP does that for a missing or wrong API key; check ZAP_API_KEY`;
    else if (code === 'VIGIL_TOO_LARGE') msg = `ZAP at ${this.label} answered ${path} with more than ${MAX_BODY_BYTES} bytes`;
    else msg = `ZAP at ${this.label} is unreachable (${why}); check ZAP_API_URL`;
    return new VigilError('VIGIL_ERR_USAGE', msg, {}, { cause: e });
  }

  private parse(path: string, raw: Raw): Json {
    let body: unknown;
    let json = true;
    try {
      body = JSON.parse(raw.body);
    } catch {
      json = false;
    }
    const zapError = json && isObject(body) && typeof body['code'] === 'string' ? `${body['code']}${typeof body['message'] === 'string' ? `: ${body['message']}` : ''}` : '';
    if (raw.status === 401 || raw.status === 403 || (isObject(body) && body['code'] === 'bad_api_key')) {
      throw new VigilError('VIGIL_ERR_USAGE', `ZAP at ${this.label} answered ${raw.status}${zapError ? ` (${zapError})` : ''}: check ZAP_API_KEY`);
    }
    if (raw.status < 200 || raw.status >= 300) {
      throw new VigilError('VIGIL_ERR_USAGE', `ZAP at ${this.label} answered ${path} with ${raw.status}${zapError ? ` (${zapError})` : ''}`);
    }
    if (!json) throw this.malformed(path, `text that is not JSON (${JSON.stringify(raw.body.slice(0, 60))})`);
    if (!isObject(body)) throw this.malformed(path, 'JSON that is not an object');
    return body;
  }
}

/** One GET on a fresh connection, body read up to MAX_BODY_BYTES. */
function get(url: URL, headers: Record<string, string>, signal: AbortSignal): Promise<Raw> {
  return new Promise<Raw>((resolve, reject) => {
    const mod = url.protocol === 'https:' ? https : http;
    const req = mod.request(url, { method: 'GET', headers, agent: false, signal }, (res) => {
      const chunks: Buffer[] = [];
      let size = 0;
      res.on('data', (c: Buffer) => {
        size += c.length;
        if (size > MAX_BODY_BYTES) req.destroy(Object.assign(new Error('answer too large'), { code: 'VIGIL_TOO_LARGE' }));
        else chunks.push(c);
      });
      res.on('error', reject);
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }));
      res.on('close', () => {
        if (!res.complete) reject(Object.assign(new Error('answer cut short'), { code: 'ECONNRESET' }));
      });
    });
    req.on('error', reject);
    req.end();
  });
}

function sleep(ms: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    if (signal?.aborted) return reject(abortReason(signal));
    const onAbort = (): void => {
      clearTimeout(t);
      reject(abortReason(signal!));
    };
    const t = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

function abortReason(signal: AbortSignal): unknown {
  return signal.reason ?? new DOMException('The operation was aborted', 'AbortError');
}

function parseHttpUrl(value: string, what: string): URL {
  let u: URL;
  try {
    u = new URL(value);
  } catch {
    throw new VigilError('VIGIL_ERR_USAGE', `${what} "${value}" is not a URL`);
  }
  if (u.protocol !== 'http:' && u.protocol !== 'https:') throw new VigilError('VIGIL_ERR_USAGE', `${what} "${value}" is not an http(s) URL`);
  return u;
}

function positive(v: number | undefined, dflt: number, what: string): number {
  if (v === undefined) return dflt;
  if (!(Number.isFinite(v) && v > 0)) throw new VigilError('VIGIL_ERR_USAGE', `${what} must be a positive number, not ${String(v)}`);
  return v;
}

function isObject(v: unknown): v is Json {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function str(v: unknown): string {
  return typeof v === 'string' ? v : typeof v === 'number' ? String(v) : '';
}
