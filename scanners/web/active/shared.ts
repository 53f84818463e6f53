/**
 * What the active rules share: building the attacked request for an attack point, sending it
 * (tolerating a failed request, honouring the abort signal), making alerts, and comparing bodies
 * with the attack's own reflection taken out.
 */
import { randomBytes } from 'node:crypto';
import type { AttackPoint, HttpClient, WebAlert, WebRequest, WebResponse } from '../types.js';

export interface AttackOptions {
  /** Put the payload into the query or form body as is (already percent-encoded), not encoded again. */
  raw?: boolean;
  followRedirects?: boolean;
  timeoutMs?: number;
}

const FORM_TYPE = 'application/x-www-form-urlencoded';
const JSON_TYPE = 'application/json';

// encodeURIComponent leaves ' ( ) ! * alone; servers decode them either way, and leaving them
// readable keeps the attack string in reports recognisable
const enc = encodeURIComponent;

function serializePairs(pairs: Array<[string, string]>, param: string, raw: boolean): string {
  return pairs.map(([k, v]) => `${enc(k)}=${raw && k === param ? v : enc(v)}`).join('&');
}

/** Pairs of the original parameters with the attacked one set to the payload (appended when absent). */
function withPayload(pairs: Array<[string, string]>, others: Record<string, string>, param: string, payload: string): Array<[string, string]> {
  const out: Array<[string, string]> = [];
  let set = false;
  const names = new Set<string>();
  for (const [k, v] of pairs) {
    names.add(k);
    if (k === param) {
      // a repeated parameter is attacked once; its other copies would only blur the result
      if (!set) out.push([k, payload]);
      set = true;
    } else out.push([k, v]);
  }
  for (const [k, v] of Object.entries(others)) if (!names.has(k) && k !== param) out.push([k, v]);
  if (!set) out.push([param, payload]);
  return out;
}

/** The request that carries `payload` in the attack point's parameter, everything else as crawled. */
export function buildAttackRequest(point: AttackPoint, payload: string, opts: AttackOptions = {}): WebRequest {
  const raw = opts.raw === true;
  const url = new URL(point.url);
  url.hash = '';
  const headers: Record<string, string> = {};
  let body: string | undefined;
  switch (point.location) {
    case 'query': {
      const pairs = withPayload([...url.searchParams.entries()], point.others, point.param, payload);
      url.search = serializePairs(pairs, point.param, raw);
      if (point.body !== undefined) {
        body = point.body;
        if (point.contentType) headers['content-type'] = point.contentType;
      }
      break;
    }
    case 'form': {
      const base = point.body !== undefined ? [...new URLSearchParams(point.body).entries()] : [];
      body = serializePairs(withPayload(base, point.others, point.param, payload), point.param, raw);
      headers['content-type'] = point.contentType ?? FORM_TYPE;
      break;
    }
    case 'json': {
      let obj: Record<string, unknown> = { ...point.others };
      if (point.body !== undefined) {
        try {
          const parsed: unknown = JSON.parse(point.body);
          if (parsed && typeof parsed === 'object' && !Array.isArray(parsed)) obj = parsed as Record<string, unknown>;
        } catch {
          // a body that no longer parses: fall back to the recorded fields
        }
      }
      obj = { ...obj, [point.param]: payload };
      body = JSON.stringify(obj);
      headers['content-type'] = point.contentType ?? JSON_TYPE;
      break;
    }
    case 'path': {
      const segs = url.pathname.split('/');
      let at = -1;
      for (let i = segs.length - 1; i >= 0; i--) {
        if (safeDecode(segs[i] ?? '') === point.value) {
          at = i;
          break;
        }
      }
      if (at < 0) at = segs.length - 1;
      segs[at] = raw ? payload : enc(payload);
      url.pathname = segs.join('/');
      break;
    }
  }
  return { method: point.method, url: url.href, headers, ...(body !== undefined ? { body } : {}) };
}

function safeDecode(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}

/** One attack sent and its answer. */
export interface Sent {
  req: WebRequest;
  res: WebResponse;
}

/**
 * Send one attack. A request that fails (reset, timeout, refused by the client) yields null: one
 * failed payload must not end the rule for the other payloads. An abort does end it.
 */
export async function sendAttack(
  client: HttpClient,
  point: AttackPoint,
  payload: string,
  opts: AttackOptions = {},
  signal?: AbortSignal,
): Promise<Sent | null> {
  signal?.throwIfAborted();
  const req = buildAttackRequest(point, payload, opts);
  // an attack is judged on the response it gets, not on a page a redirect leads to: a parameter
  // that is only passed on in a Location would otherwise inherit the target page's flaws
  const sendOpts: { followRedirects?: boolean; timeoutMs?: number } = { followRedirects: opts.followRedirects ?? false };
  if (opts.timeoutMs !== undefined) sendOpts.timeoutMs = opts.timeoutMs;
  try {
    return { req, res: await client.send(req, sendOpts) };
  } catch {
    signal?.throwIfAborted();
    return null;
  }
}

/** An alert for one confirmed attack. */
export function attackAlert(
  pluginId: string,
  point: AttackPoint,
  sent: Sent,
  attack: string,
  evidence: string,
  otherInfo?: string,
): WebAlert {
  return {
    pluginId,
    url: sent.req.url,
    method: sent.req.method,
    param: point.param,
    attack,
    evidence,
    ...(otherInfo !== undefined ? { otherInfo } : {}),
  };
}

/** A random lower-case alphanumeric token (markers that no page contains by chance). */
export function randomToken(length = 8): string {
  const alphabet = 'abcdefghijklmnopqrstuvwxyz0123456789';
  const bytes = randomBytes(length);
  let s = '';
  for (const b of bytes) s += alphabet[b % alphabet.length];
  return s;
}

/** One header's value; repeated headers joined with a newline. */
export function headerValue(res: WebResponse, name: string): string | undefined {
  const v = res.headers[name.toLowerCase()];
  return Array.isArray(v) ? v.join('\n') : v;
}

function htmlEncode(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');
}

/**
 * The body with each value's reflections removed (as sent, HTML-encoded and percent-encoded), so
 * that a page which echoes the parameter compares equal whatever the parameter was.
 */
export function stripReflections(body: string, values: string[]): string {
  let out = body;
  const forms = new Set<string>();
  for (const v of values) {
    if (v.length < 2) continue;
    forms.add(v);
    forms.add(htmlEncode(v));
    forms.add(v.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&#34;').replace(/'/g, '&#x27;'));
    forms.add(enc(v));
    forms.add(new URLSearchParams({ v }).toString().slice(2));
  }
  // longest first, so a value is not half-removed by a shorter one it contains
  for (const f of [...forms].sort((a, b) => b.length - a.length)) out = out.split(f).join('');
  return out;
}

/** How alike two bodies are, 0 … 1: the share of the longer one covered by their common prefix and suffix. */
export function similarity(a: string, b: string): number {
  if (a === b) return 1;
  const max = Math.max(a.length, b.length);
  if (max === 0) return 1;
  const min = Math.min(a.length, b.length);
  let p = 0;
  while (p < min && a.charCodeAt(p) === b.charCodeAt(p)) p++;
  let s = 0;
  while (s < min - p && a.charCodeAt(a.length - 1 - s) === b.charCodeAt(b.length - 1 - s)) s++;
  return (p + s) / max;
}

/** The first match of the pattern in the text, or undefined. */
export function firstMatch(re: RegExp, text: string): string | undefined {
  const m = re.exec(text);
  return m ? m[0] : undefined;
}
