/**
 * ZAP 10055 (CSP): weaknesses of a Content-Security-Policy that is present — wildcard or
 * scheme-only sources, 'unsafe-inline' / 'unsafe-eval' / 'unsafe-hashes' for scripts and styles,
 * directives without a default-src fallback left undefined, and the obsolete X- headers. Each
 * weakness is its own alert name, as ZAP names them ("CSP: Wildcard Directive", …).
 */
import type { Exchange, PassiveContext, PassiveRule, WebAlert, ZapRisk } from '../types.js';
import { firstTime, header, headerValues, isHtml, makeAlert, metaHttpEquiv, siteKey } from './util.js';

/** A parsed policy: directive name → its source expressions (first occurrence wins, as in CSP3 §2.2.1). */
export type ParsedCsp = Map<string, string[]>;

/** Parse one serialized policy. */
export function parseCsp(policy: string): ParsedCsp {
  const out: ParsedCsp = new Map();
  for (const part of policy.split(';')) {
    const tokens = part.trim().split(/\s+/).filter(Boolean);
    const name = tokens.shift()?.toLowerCase();
    if (name && !out.has(name)) out.set(name, tokens);
  }
  return out;
}

/** Fallback chains of CSP Level 3 (§6.8.3); directives absent here have none. */
const FALLBACK: Record<string, string[]> = {
  'script-src': ['script-src', 'default-src'],
  'style-src': ['style-src', 'default-src'],
  'img-src': ['img-src', 'default-src'],
  'connect-src': ['connect-src', 'default-src'],
  'font-src': ['font-src', 'default-src'],
  'media-src': ['media-src', 'default-src'],
  'object-src': ['object-src', 'default-src'],
  'manifest-src': ['manifest-src', 'default-src'],
  'frame-src': ['frame-src', 'child-src', 'default-src'],
  'worker-src': ['worker-src', 'child-src', 'script-src', 'default-src'],
};

/** The directives ZAP checks for wildcards, in its order. */
const WILDCARD_CHECKED = ['script-src', 'style-src', 'img-src', 'connect-src', 'frame-src', 'frame-ancestors', 'font-src', 'media-src', 'object-src', 'manifest-src', 'worker-src', 'form-action'];

/** Directives that do not fall back to default-src and whose absence allows anything. */
const NO_FALLBACK_CHECKED = ['frame-ancestors', 'form-action'];

/** The source list that governs `directive`, or undefined when nothing restricts it. */
export function effectiveSources(csp: ParsedCsp, directive: string): string[] | undefined {
  for (const d of FALLBACK[directive] ?? [directive]) {
    const v = csp.get(d);
    if (v) return v;
  }
  return undefined;
}

/** True when a source list lets an arbitrary http or https host in (ZAP probes a random host on both schemes). */
function allowsAnyHost(sources: string[]): boolean {
  return sources.some((s) => /^(?:\*|https?:|https?:\/\/\*(?::\*)?\/?|\*:\*)$/i.test(s));
}

const hasKeyword = (sources: string[], kw: string): boolean => sources.some((s) => s.toLowerCase() === `'${kw}'`);

/** A nonce, hash or 'strict-dynamic' makes browsers ignore 'unsafe-inline' (CSP Level 2+). */
function neutralisesInline(sources: string[]): boolean {
  return sources.some((s) => /^'(?:nonce-|sha(?:256|384|512)-|strict-dynamic')/i.test(s));
}

function allowsInline(sources: string[] | undefined): boolean {
  if (sources === undefined) return true;
  return hasKeyword(sources, 'unsafe-inline') && !neutralisesInline(sources);
}

interface Finding {
  name: string;
  risk: ZapRisk;
  otherInfo: string;
}

/** The weaknesses of one policy; `meta` drops what a meta element cannot carry (frame-ancestors). */
export function cspWeaknesses(policy: string, meta = false): Finding[] {
  const csp = parseCsp(policy);
  const out: Finding[] = [];
  const wildcard = WILDCARD_CHECKED.filter((d) => {
    if (meta && d === 'frame-ancestors') return false;
    const src = effectiveSources(csp, d);
    // an undefined no-fallback directive is reported below, under its own name
    if (src === undefined) return !NO_FALLBACK_CHECKED.includes(d);
    return allowsAnyHost(src);
  });
  if (wildcard.length) {
    out.push({ name: 'CSP: Wildcard Directive', risk: 2, otherInfo: `The following directives either allow wildcard sources (or ancestors), are not defined, or are overly broadly defined: ${wildcard.join(', ')}` });
  }
  const script = effectiveSources(csp, 'script-src');
  const style = effectiveSources(csp, 'style-src');
  if (allowsInline(script)) out.push({ name: 'CSP: script-src unsafe-inline', risk: 2, otherInfo: "script-src includes 'unsafe-inline' (or is not restricted at all)." });
  if (allowsInline(style)) out.push({ name: 'CSP: style-src unsafe-inline', risk: 2, otherInfo: "style-src includes 'unsafe-inline' (or is not restricted at all)." });
  if (script && hasKeyword(script, 'unsafe-hashes')) out.push({ name: 'CSP: script-src unsafe-hashes', risk: 2, otherInfo: "script-src includes 'unsafe-hashes'." });
  if (style && hasKeyword(style, 'unsafe-hashes')) out.push({ name: 'CSP: style-src unsafe-hashes', risk: 2, otherInfo: "style-src includes 'unsafe-hashes'." });
  if (script && hasKeyword(script, 'unsafe-eval')) out.push({ name: 'CSP: script-src unsafe-eval', risk: 2, otherInfo: "script-src includes 'unsafe-eval'." });
  const missing = NO_FALLBACK_CHECKED.filter((d) => !(meta && d === 'frame-ancestors') && !csp.has(d));
  if (missing.length) {
    out.push({ name: 'CSP: Failure to Define Directive with No Fallback', risk: 2, otherInfo: `The directive(s): ${missing.join(', ')} is/are among the directives that do not fallback to default-src.` });
  }
  return out;
}

function report(ex: Exchange, ctx: PassiveContext, param: string, policy: string, f: Finding): WebAlert[] {
  if (!firstTime(ctx, siteKey(ex, '10055', f.name))) return [];
  return [makeAlert(ex, '10055', { name: f.name, risk: f.risk, confidence: 3, param, evidence: policy, otherInfo: f.otherInfo })];
}

export const cspWeak: PassiveRule = {
  id: '10055',
  check(ex, ctx) {
    // ZAP's default threshold: only HTML documents enforce a page policy
    if (!isHtml(ex)) return [];
    const out: WebAlert[] = [];
    // repeated headers arrive joined with ", ", the serialized-policy-list separator
    const policies = headerValues(ex, 'content-security-policy').flatMap((v) => v.split(',')).map((p) => p.trim()).filter(Boolean);
    for (const [h, name] of [['x-content-security-policy', 'CSP: X-Content-Security-Policy'], ['x-webkit-csp', 'CSP: X-WebKit-CSP']] as const) {
      const v = header(ex, h);
      if (v !== undefined) out.push(...report(ex, ctx, h, v, { name, risk: policies.length ? 0 : 1, otherInfo: `${h} is obsolete; browsers read Content-Security-Policy.` }));
    }
    for (const p of policies) for (const f of cspWeaknesses(p)) out.push(...report(ex, ctx, 'Content-Security-Policy', p, f));
    const metas = metaHttpEquiv(ex.response.body, 'content-security-policy').filter((p) => p.trim());
    for (const p of metas) {
      for (const f of cspWeaknesses(p, true)) out.push(...report(ex, ctx, 'Content-Security-Policy', p, f));
      const parsed = parseCsp(p);
      if (['frame-ancestors', 'sandbox', 'report-uri'].some((d) => parsed.has(d))) {
        out.push(...report(ex, ctx, 'Content-Security-Policy', p, { name: 'CSP: Meta Policy Invalid Directive', risk: 2, otherInfo: 'frame-ancestors, sandbox and report-uri are ignored in a meta element.' }));
      }
    }
    if (metas.length && policies.length) out.push(...report(ex, ctx, 'Content-Security-Policy', '', { name: 'CSP: Header & Meta', risk: 0, otherInfo: 'The page has a policy in both a header and a meta element; browsers enforce both.' }));
    return out;
  },
};
