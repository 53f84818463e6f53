/**
 * The health check before any load: one GET of the health URL, its status and optional body
 * assertion (a substring, or dotted JSON keys and their values: no user-supplied regular
 * expression ever runs on the body), and for https the certificate's trust and expiry.
 */
import { describeValue } from '../../src/config/problem.js';
import { VigilError } from '../../src/errors.js';
import { redactSecretAssignments, redactUrlCredentials } from '../../src/util/redact.js';
import type { HealthBudget } from './budget.js';
import type { PerfRuleId } from './checks.js';
import { httpGet, NoAnswerError } from './http-get.js';

/** A health body is read up to this much. */
const MAX_HEALTH_BYTES = 1024 * 1024;

/** One problem the health check found, for the findings. */
export interface HealthProblem {
  ruleId: Extract<PerfRuleId, 'perf-health-status' | 'perf-health-body' | 'perf-health-tls'>;
  evidence: string;
  /** Keeps trust and expiry apart in the fingerprint. */
  context?: string;
  severity?: 'high' | 'medium';
  /** Whether the service counts as down (the load test is skipped). */
  blocking: boolean;
}

export interface HealthResult {
  ok: boolean;
  status: number;
  ms: number;
  tlsDaysLeft?: number;
  problems: HealthProblem[];
}

/**
 * GET the health URL. No answer at all (refused, reset, timed out) throws
 * VIGIL_ERR_TARGET_UNREACHABLE; a wrong answer is a problem in the result.
 */
export async function checkHealth(url: URL, h: HealthBudget, o: { headers: Record<string, string>; timeoutMs: number; signal: AbortSignal; ca?: string[]; now?: Date }): Promise<HealthResult> {
  let r;
  try {
    r = await httpGet(url, { headers: o.headers, timeoutMs: o.timeoutMs, signal: o.signal, maxBytes: MAX_HEALTH_BYTES, ...(o.ca ? { ca: o.ca } : {}) });
  } catch (e) {
    if (e instanceof NoAnswerError) {
      throw new VigilError('VIGIL_ERR_TARGET_UNREACHABLE', `perf: GET ${redactUrlCredentials(url.href)} got no answer (${e.message}); nothing was loaded`);
    }
    throw e;
  }
  const problems: HealthProblem[] = [];
  const statusOk = h.status ? h.status.includes(r.status) : r.status >= 200 && r.status <= 299;
  if (!statusOk) problems.push({ ruleId: 'perf-health-status', evidence: `GET answered ${r.status}; expected ${h.status ? h.status.join(' or ') : 'a 2xx status'}`, blocking: true });
  if (statusOk) {
    const body = bodyProblem(r.body, r.truncated, h);
    if (body) problems.push({ ruleId: 'perf-health-body', evidence: body, blocking: true });
  }
  let tlsDaysLeft: number | undefined;
  if (r.tls) {
    if (r.tls.validTo) {
      const end = Date.parse(r.tls.validTo);
      if (Number.isFinite(end)) tlsDaysLeft = Math.floor((end - (o.now ?? new Date()).getTime()) / 86_400_000);
    }
    if (!r.tls.authorized) {
      problems.push({ ruleId: 'perf-health-tls', context: 'trust', evidence: `the certificate is not trusted for ${url.hostname}: ${r.tls.error ?? 'unknown reason'}`, blocking: true });
    } else if (tlsDaysLeft !== undefined && tlsDaysLeft < h.tlsExpiryDays) {
      // a service whose certificate is about to lapse still works: load it, and say so
      problems.push({ ruleId: 'perf-health-tls', context: 'expiry', severity: 'medium', evidence: `the certificate expires ${r.tls.validTo}, in ${tlsDaysLeft} days (budget: at least ${h.tlsExpiryDays})`, blocking: false });
    }
  }
  return { ok: !problems.some((p) => p.blocking), status: r.status, ms: Math.round(r.ms), ...(tlsDaysLeft !== undefined ? { tlsDaysLeft } : {}), problems };
}

/** What is wrong with the body, or undefined when it says what the budget expects. */
export function bodyProblem(raw: Buffer, truncated: boolean, h: Pick<HealthBudget, 'body' | 'json'>): string | undefined {
  const text = raw.toString('utf8');
  if (h.body !== undefined && !text.includes(h.body)) {
    return `the body (${raw.length}${truncated ? '+' : ''} bytes) does not contain ${JSON.stringify(h.body)}`;
  }
  if (h.json) {
    let v: unknown;
    try {
      v = JSON.parse(text);
    } catch {
      return `the body (${raw.length}${truncated ? '+' : ''} bytes) is not JSON, so ${Object.keys(h.json).join(', ')} cannot be checked`;
    }
    for (const [key, want] of Object.entries(h.json)) {
      const got = dig(v, key);
      if (got !== want) {
        // the value comes from the target: shortened, and a secret-looking assignment masked
        const shown = got === undefined ? 'no such key' : redactSecretAssignments(`${key}=${describeValue(got)}`);
        return `the JSON body's ${key} is not ${JSON.stringify(want)} (${shown})`;
      }
    }
  }
  return undefined;
}

/** `a.b.c` in parsed JSON; a key with a dot in it is looked up whole first. */
function dig(v: unknown, dotted: string): unknown {
  if (isObject(v) && Object.hasOwn(v, dotted)) return v[dotted];
  let cur: unknown = v;
  for (const k of dotted.split('.')) {
    if (!isObject(cur) || !Object.hasOwn(cur, k)) return undefined;
    cur = cur[k];
  }
  return cur;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}
