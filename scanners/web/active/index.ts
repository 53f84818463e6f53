/**
 * The active rules vigil runs on targets marked active, and the attack points of a crawled
 * request: its query parameters, urlencoded form fields and top-level JSON body fields.
 */
import type { ActiveRule, AttackPoint, Exchange } from '../types.js';
import { commandInjectionRule } from './command-injection.js';
import { crlfInjectionRule } from './crlf-injection.js';
import { externalRedirectRule } from './external-redirect.js';
import { pathTraversalRule } from './path-traversal.js';
import { sqlInjectionRule } from './sql-injection.js';
import { templateInjectionRule } from './template-injection.js';
import { xssReflectedRule } from './xss-reflected.js';

// the slow time-based command injection runs last, when the quick rules have had their turn
export const ACTIVE_RULES: ActiveRule[] = [
  xssReflectedRule,
  sqlInjectionRule,
  pathTraversalRule,
  externalRedirectRule,
  crlfInjectionRule,
  templateInjectionRule,
  commandInjectionRule(),
];

function lastByName(pairs: Iterable<[string, string]>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of pairs) out[k] = v;
  return out;
}

function without(all: Record<string, string>, name: string): Record<string, string> {
  const { [name]: _omit, ...rest } = all;
  return rest;
}

/** The parameters of one request that active rules may attack. */
export function attackPoints(ex: Exchange): AttackPoint[] {
  const { request } = ex;
  const method = request.method.toUpperCase();
  const contentType = request.headers['content-type'];
  const body = request.body !== undefined && request.body !== '' ? request.body : undefined;
  const carry = { ...(body !== undefined ? { body } : {}), ...(body !== undefined && contentType ? { contentType } : {}) };
  const points: AttackPoint[] = [];

  let url: URL;
  try {
    url = new URL(request.url);
  } catch {
    return [];
  }
  const query = lastByName(url.searchParams.entries());
  for (const [param, value] of Object.entries(query)) {
    points.push({ method, url: request.url, param, location: 'query', value, others: without(query, param), ...carry });
  }

  if (body === undefined) return points;
  const type = (contentType ?? '').toLowerCase();
  if (type.includes('application/x-www-form-urlencoded')) {
    const form = lastByName(new URLSearchParams(body).entries());
    for (const [param, value] of Object.entries(form)) {
      points.push({ method, url: request.url, param, location: 'form', value, others: without(form, param), body, contentType: contentType ?? 'application/x-www-form-urlencoded' });
    }
  } else if (/[/+]json\b/.test(type)) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(body);
    } catch {
      return points;
    }
    if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) return points;
    const fields: Record<string, string> = {};
    // nested objects and arrays are kept in the body as they are, but not attacked
    for (const [k, v] of Object.entries(parsed)) {
      if (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') fields[k] = String(v);
    }
    for (const [param, value] of Object.entries(fields)) {
      points.push({ method, url: request.url, param, location: 'json', value, others: without(fields, param), body, contentType: contentType ?? 'application/json' });
    }
  }
  return points;
}

export { commandInjectionRule, crlfInjectionRule, externalRedirectRule, pathTraversalRule, sqlInjectionRule, templateInjectionRule, xssReflectedRule };
