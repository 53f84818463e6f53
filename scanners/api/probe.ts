/**
 * Sending the api scanner's requests: one per operation and identity (anonymous, then each
 * credential), plus one per foreign object, through one origin-bound client per identity (so no
 * cookie set for one identity rides along with another), under one rate limit and concurrency
 * bound, an overall deadline, and a breaker that stops when the target stops answering.
 */
import { VigilError } from '../../src/errors.js';
import { REDACTED, redactSecrets } from '../../src/util/redact.js';
import { createHttpClient, WebRequestError } from '../web/http-client.js';
import type { HttpClient, WebRequest } from '../web/types.js';
import type { Credential } from './options.js';
import type { ApiOperation } from './spec.js';

/** Who a request is sent as. */
export interface Identity {
  /** `anonymous`, or the credential's name. */
  name: string;
  credential?: Credential;
}

/** One request to send and why. */
export interface Job {
  op: ApiOperation;
  identity: Identity;
  /** `call`: the operation with its example values; `foreign`: a path parameter set to someone else's object. */
  kind: 'call' | 'foreign';
  /** For `foreign`: the parameter and the value sent. */
  param?: string;
  value?: string;
  request: WebRequest;
}

/** Why sending stopped before every job was sent. */
export interface Stop {
  why: 'down' | 'deadline';
  message: string;
}

/** What came back. */
export interface Outcome {
  job: Job;
  status?: number;
  /** A short, redacted excerpt of the body. */
  excerpt?: string;
  /** Why there is no status (timeout, connection refused, not sent). */
  error?: string;
  /** The request was never sent (deadline, breaker, abort). */
  notSent?: boolean;
}

export interface ProbeSettings {
  origin: string;
  rps: number;
  concurrency: number;
  timeoutMs: number;
  maxBodyBytes: number;
  maxDurationMs: number;
  signal: AbortSignal;
  progress(note: string): void;
}

/** Consecutive requests without an answer after which the target is taken to be down. */
const BREAKER = 5;
const EXCERPT_CHARS = 240;

/** The operation's URL with its path parameters filled (`override` replaces one) and its query. */
export function buildRequest(origin: string, basePath: string, op: ApiOperation, identity: Identity, withBody: boolean, override?: { param: string; value: string }): WebRequest {
  let path = op.path;
  const query = new URLSearchParams();
  const headers: Record<string, string> = { accept: 'application/json, */*;q=0.5' };
  const cookies: string[] = [];
  for (const p of op.params) {
    const v = override && p.in === 'path' && p.name === override.param ? override.value : scalar(p.value);
    if (p.in === 'path') path = path.split(`{${p.name}}`).join(encodeURIComponent(v));
    else if (p.in === 'query') {
      if (Array.isArray(p.value)) for (const x of p.value) query.append(p.name, scalar(x));
      else query.append(p.name, v);
    } else if (p.in === 'header') headers[p.name.toLowerCase()] = v;
    else cookies.push(`${p.name}=${encodeURIComponent(v)}`);
  }
  if (override) path = path.split(`{${override.param}}`).join(encodeURIComponent(override.value));
  // a template parameter the document does not declare still needs a value
  path = path.replace(/\{[^{}/]*\}/g, '1');
  if (cookies.length) headers['cookie'] = cookies.join('; ');
  const req: WebRequest = { method: op.method, url: '', headers };
  if (withBody && op.body && op.method !== 'GET' && op.method !== 'HEAD') {
    req.body = op.body.text;
    headers['content-type'] = op.body.contentType;
  }
  for (const [k, v] of Object.entries(identity.credential?.headers ?? {})) {
    const key = k.toLowerCase();
    // a cookie credential joins the document's cookies instead of replacing them
    headers[key] = key === 'cookie' && headers['cookie'] ? `${headers['cookie']}; ${v}` : v;
  }
  const u = new URL(`${origin}${basePath}${path.startsWith('/') ? path : `/${path}`}`);
  u.search = query.toString();
  req.url = u.href;
  return req;
}

function scalar(v: unknown): string {
  if (v === undefined || v === null) return '';
  if (Array.isArray(v)) return v.map(scalar).join(',');
  if (typeof v === 'object') return JSON.stringify(v);
  return String(v);
}

/** `text` with every credential value replaced, whitespace collapsed, cut short, and the generic secret redaction over it. */
export function scrub(text: string, secrets: readonly string[], max = EXCERPT_CHARS): string {
  // cut generously first: the secrets are then replaced in a bounded text
  let t = text.slice(0, max * 4);
  for (const s of secrets) if (s.length > 0 && t.includes(s)) t = t.split(s).join(REDACTED);
  t = t.replace(/\s+/g, ' ').trim();
  if (t.length > max) t = `${t.slice(0, max)}…`;
  return redactSecrets(t);
}

/**
 * Sends the jobs; the first alone, so a target that does not answer at all is an error
 * (VIGIL_ERR_TARGET_UNREACHABLE) rather than a list of notes. Returns an outcome per job, in order.
 */
export async function sendJobs(jobs: readonly Job[], s: ProbeSettings, secrets: readonly string[]): Promise<{ outcomes: Outcome[]; stopped?: Stop }> {
  const deadline = new AbortController();
  const timer = setTimeout(() => deadline.abort(new Error('deadline')), s.maxDurationMs);
  timer.unref?.();
  const signal = AbortSignal.any([s.signal, deadline.signal]);
  const clients = new Map<string, HttpClient>();
  const clientOf = (identity: Identity): HttpClient => {
    let c = clients.get(identity.name);
    if (!c) {
      // a client per identity: each has its own cookie jar; pacing is shared below
      c = createHttpClient({ origin: s.origin, rps: 0, concurrency: s.concurrency, timeoutMs: s.timeoutMs, maxBodyBytes: s.maxBodyBytes, maxRedirects: 0, signal, userAgent: 'Mozilla/5.0 (compatible; vigil-api-scanner/0.1)' });
      clients.set(identity.name, c);
    }
    return c;
  };
  const pace = new Pacer(s.rps);
  const outcomes: Outcome[] = new Array<Outcome>(jobs.length);
  let next = 0;
  let done = 0;
  let failuresInRow = 0;
  let answered = false;
  let transportFailure = false;
  let stopped: Stop | undefined;

  const one = async (i: number): Promise<void> => {
    const job = jobs[i]!;
    try {
      await pace.take(signal);
      const res = await clientOf(job.identity).send(job.request, { followRedirects: false });
      outcomes[i] = { job, status: res.status, excerpt: scrub(res.body, secrets) };
      answered = true;
      failuresInRow = 0;
    } catch (e) {
      const aborted = signal.aborted || (e instanceof WebRequestError && e.kind === 'aborted');
      const message = e instanceof Error ? scrub(e.message, secrets, 300) : String(e);
      outcomes[i] = aborted ? { job, notSent: true, error: 'not sent: stopped' } : { job, error: message };
      if (!aborted && e instanceof WebRequestError && (e.kind === 'network' || e.kind === 'timeout')) {
        failuresInRow++;
        transportFailure = true;
      }
    }
    done++;
    if (done % 10 === 0) s.progress(`${done}/${jobs.length} requests`);
  };

  try {
    if (jobs.length > 0) {
      await one(next++);
      if (!answered && s.signal.aborted) throw s.signal.reason;
      if (!answered && transportFailure) {
        throw new VigilError('VIGIL_ERR_TARGET_UNREACHABLE', `api: the target ${s.origin} did not answer the first request: ${outcomes[0]!.error ?? 'no answer'}`);
      }
    }
    const worker = async (): Promise<void> => {
      while (next < jobs.length && !signal.aborted && !stopped) {
        if (failuresInRow >= BREAKER) {
          stopped = { why: 'down', message: `the target stopped answering (${BREAKER} requests in a row without an answer)` };
          break;
        }
        await one(next++);
      }
    };
    await Promise.all(Array.from({ length: Math.min(s.concurrency, Math.max(0, jobs.length - next)) }, worker));
    if (s.signal.aborted) throw s.signal.reason;
    if (deadline.signal.aborted) stopped ??= { why: 'deadline', message: `the scan's time limit (maxDurationSeconds ${Math.round(s.maxDurationMs / 1000)}) was reached` };
  } finally {
    clearTimeout(timer);
  }
  for (let i = 0; i < jobs.length; i++) outcomes[i] ??= { job: jobs[i]!, notSent: true, error: 'not sent' };
  return stopped ? { outcomes, stopped } : { outcomes };
}

/** Requests start at least 1/rps seconds apart, over all identities. */
class Pacer {
  private nextAt = 0;
  private readonly intervalMs: number;

  constructor(rps: number) {
    this.intervalMs = rps > 0 ? 1000 / rps : 0;
  }

  async take(signal: AbortSignal): Promise<void> {
    if (signal.aborted) throw new WebRequestError('aborted', '', 'aborted');
    if (this.intervalMs === 0) return;
    const now = performance.now();
    const at = Math.max(now, this.nextAt);
    this.nextAt = at + this.intervalMs;
    if (at <= now) return;
    await new Promise<void>((resolve, reject) => {
      const onAbort = (): void => {
        clearTimeout(t);
        reject(new WebRequestError('aborted', '', 'aborted'));
      };
      const t = setTimeout(() => {
        signal.removeEventListener('abort', onAbort);
        resolve();
      }, at - now);
      signal.addEventListener('abort', onAbort, { once: true });
    });
  }
}
