import { createFinding } from '../../src/model/create.js';
import type { Finding } from '../../src/model/finding.js';
import type { Severity } from '../../src/model/severity.js';
import { redactSecrets } from '../../src/util/redact.js';
import type { PagesBudget } from './budget.js';
import { PAGES_CHECKS, SAVINGS_AUDITS, type PagesRuleId } from './checks.js';
import { evaluateLightWallet, matchingBudget, type BudgetBreak } from './lightwallet.js';
import type { LhrAudit, PagesLhr } from './types.js';

export const PAGES_SCANNER_ID = 'pages';
/** Lighthouse's pass mark: an audit or category scoring at least 0.9 is green. */
export const PASS_THRESHOLD = 0.9;
/** Offenders kept in a finding's properties; the evidence names the first few. */
const MAX_ITEMS = 50;
const EVIDENCE_ITEMS = 5;

/** One page's figures, for the run summary. */
export interface PageSummary {
  url: string;
  performanceScore: number | null;
  lcpMs: number | null;
  totalBytes: number | null;
  requests: number | null;
  findings: number;
}

/** One offending resource: its URL and the figure that makes it offend. */
interface Offender {
  url: string;
  wastedBytes?: number;
  totalBytes?: number;
  cacheLifetimeMs?: number;
}

/** A check that failed on a page, before it becomes a Finding. */
interface Failure {
  ruleId: PagesRuleId;
  evidence: string;
  properties: Record<string, unknown>;
}

/** The findings of one page's Lighthouse result against a budget, and notes on what could not be judged. */
export function evaluatePage(lhr: PagesLhr, budget: PagesBudget, pageUrl: string): { findings: Finding[]; notes: string[]; summary: PageSummary } {
  const notes: string[] = [];
  const failures: Failure[] = [];
  const shown = redactSecrets(pageUrl);
  const audit = (id: string): LhrAudit | undefined => {
    const a = lhr.audits[id];
    if (a?.scoreDisplayMode === 'error') notes.push(`${shown}: Lighthouse could not run ${id}: ${a.errorMessage ?? 'no reason given'}`);
    return a;
  };
  const lighthouseFails = (a: LhrAudit | undefined) => a !== undefined && a.score !== null && a.score < PASS_THRESHOLD;

  // the category score
  const score = lhr.categories.performance?.score;
  if (typeof score === 'number') {
    const pct = Math.round(score * 100);
    const min = budget.performanceScore ?? PASS_THRESHOLD * 100;
    if (pct < min) failures.push({ ruleId: 'performance-score', evidence: `performance score ${pct} (${budget.performanceScore !== undefined ? 'budget' : 'Lighthouse passes'}: at least ${min})`, properties: { value: pct, threshold: min, source: source(budget.performanceScore) } });
  } else notes.push(`${shown}: Lighthouse gave no performance score`);

  // LCP
  const lcp = audit('largest-contentful-paint');
  if (typeof lcp?.numericValue === 'number') {
    const over = budget.lcpMs !== undefined ? lcp.numericValue > budget.lcpMs : lighthouseFails(lcp);
    const limit = budget.lcpMs ?? p10(lcp);
    if (over) failures.push({ ruleId: 'largest-contentful-paint', evidence: `Largest Contentful Paint ${ms(lcp.numericValue)} (${budget.lcpMs !== undefined ? `budget: at most ${ms(budget.lcpMs)}` : limit !== undefined ? `Lighthouse passes at most ${ms(limit)}` : audited(lcp)}; ${lhr.configSettings.formFactor}, ${lhr.configSettings.throttlingMethod} throttling)`, properties: { value: Math.round(lcp.numericValue), threshold: limit, source: source(budget.lcpMs) } });
  }

  // page weight
  const weight = audit('total-byte-weight');
  if (typeof weight?.numericValue === 'number') {
    const over = budget.totalBytes !== undefined ? weight.numericValue > budget.totalBytes : lighthouseFails(weight);
    const limit = budget.totalBytes ?? p10(weight);
    if (over) {
      const items = offenders(weight);
      failures.push({ ruleId: 'total-byte-weight', evidence: `${kib(weight.numericValue)} transferred (${budget.totalBytes !== undefined ? `budget: at most ${kib(budget.totalBytes)}` : audited(weight)}); largest: ${list(items, (o) => kib(o.totalBytes ?? 0))}`, properties: { value: weight.numericValue, threshold: limit, source: source(budget.totalBytes), items: items.slice(0, MAX_ITEMS) } });
    }
  }

  // savings opportunities: images and compression
  for (const { id, key } of SAVINGS_AUDITS) {
    const a = audit(id);
    if (!a || a.scoreDisplayMode === 'notApplicable') continue;
    const limit = budget[key];
    const saved = a.details?.overallSavingsBytes ?? 0;
    const over = limit !== undefined ? saved > limit : lighthouseFails(a);
    if (!over) continue;
    const items = offenders(a);
    failures.push({ ruleId: id, evidence: `${items.length} resource(s), ${kib(saved)} to save (${limit !== undefined ? `budget: at most ${kib(limit)} of savings` : audited(a)}): ${list(items, (o) => `${kib(o.wastedBytes ?? 0)} of ${kib(o.totalBytes ?? 0)}`)}`, properties: { value: saved, threshold: limit ?? null, source: source(limit), items: items.slice(0, MAX_ITEMS) } });
  }

  // cache lifetimes
  const cache = audit('uses-long-cache-ttl');
  if (cache && cache.scoreDisplayMode !== 'notApplicable') {
    const min = budget.cacheTtlSeconds;
    const all = offenders(cache);
    const items = min !== undefined ? all.filter((o) => (o.cacheLifetimeMs ?? 0) < min * 1000) : lighthouseFails(cache) ? all : [];
    if (items.length) failures.push({ ruleId: 'uses-long-cache-ttl', evidence: `${items.length} static asset(s) cached too briefly (${min !== undefined ? `budget: at least ${seconds(min)}` : audited(cache)}): ${list(items, (o) => (o.cacheLifetimeMs ? `cached ${seconds(o.cacheLifetimeMs / 1000)}` : 'not cached'))}`, properties: { threshold: min ?? null, source: source(min), items: items.slice(0, MAX_ITEMS) } });
  }

  // LightWallet budgets
  const lw = matchingBudget(budget.lightwallet, pageUrl);
  if (lw) {
    const r = evaluateLightWallet(lw, lhr);
    for (const m of r.unmeasured) notes.push(`${shown}: LightWallet budget names ${m}, which Lighthouse ${lhr.lighthouseVersion} did not measure: not checked`);
    if (lw.options?.firstPartyHostnames?.length) notes.push(`${shown}: LightWallet options.firstPartyHostnames is ignored: Lighthouse 12 classifies third parties itself`);
    if (r.timings.length) failures.push({ ruleId: 'timing-budget', evidence: breaks(r.timings), properties: { path: lw.path ?? '/', breaks: r.timings } });
    if (r.resources.length) failures.push({ ruleId: 'performance-budget', evidence: breaks(r.resources), properties: { path: lw.path ?? '/', breaks: r.resources } });
  }

  const findings: Finding[] = [];
  for (const f of failures) {
    const sev = budget.severity[f.ruleId];
    if (sev === 'off') continue;
    const c = PAGES_CHECKS[f.ruleId];
    findings.push(
      createFinding({
        scanner: PAGES_SCANNER_ID,
        ruleId: f.ruleId,
        title: c.title,
        severity: (sev ?? c.severity) as Severity,
        confidence: 'high',
        location: { kind: 'web', url: shown, method: 'GET' },
        evidence: f.evidence,
        remediation: c.remediation,
        references: [...c.references],
        tags: ['performance', 'lighthouse'],
        properties: { ...f.properties, lighthouseVersion: lhr.lighthouseVersion, formFactor: lhr.configSettings.formFactor },
      }),
    );
  }
  for (const w of lhr.runWarnings) notes.push(`${shown}: Lighthouse: ${w}`);
  const elsewhere = otherOrigins(lhr, pageUrl);
  if (elsewhere.length) notes.push(`${shown}: requests to other origins were blocked (no scan leaves its target), so the figures leave them out: ${elsewhere.join(', ')}`);
  const summaryRow = ((lhr.audits['resource-summary']?.details?.items ?? []) as { resourceType?: string; requestCount?: number }[]).find((r) => r.resourceType === 'total');
  return {
    findings,
    notes,
    summary: {
      url: pageUrl,
      performanceScore: typeof score === 'number' ? Math.round(score * 100) : null,
      lcpMs: typeof lcp?.numericValue === 'number' ? Math.round(lcp.numericValue) : null,
      totalBytes: typeof weight?.numericValue === 'number' ? weight.numericValue : null,
      requests: summaryRow?.requestCount ?? null,
      findings: findings.length,
    },
  };
}

/** The other origins the page asked for, with how many requests each (Chromium could not resolve them). */
function otherOrigins(lhr: PagesLhr, pageUrl: string): string[] {
  const own = new URL(pageUrl).origin;
  const counts = new Map<string, number>();
  for (const it of lhr.audits['network-requests']?.details?.items ?? []) {
    const url = it['url'];
    if (typeof url !== 'string' || !/^https?:/i.test(url)) continue;
    let origin: string;
    try {
      origin = new URL(url).origin;
    } catch {
      continue;
    }
    if (origin !== own) counts.set(origin, (counts.get(origin) ?? 0) + 1);
  }
  return [...counts].sort().slice(0, 20).map(([o, n]) => `${redactSecrets(o)} (${n})`);
}

/** The resources an audit lists, URLs cleaned of credentials, largest waste first. */
function offenders(a: LhrAudit): Offender[] {
  const out: Offender[] = [];
  for (const it of a.details?.items ?? []) {
    if (typeof it['url'] !== 'string') continue;
    const o: Offender = { url: redactSecrets(it['url']).slice(0, 2048) };
    for (const k of ['wastedBytes', 'totalBytes', 'cacheLifetimeMs'] as const) if (typeof it[k] === 'number') o[k] = Math.round(it[k]);
    out.push(o);
  }
  return out.sort((x, y) => (y.wastedBytes ?? y.totalBytes ?? 0) - (x.wastedBytes ?? x.totalBytes ?? 0));
}

function list(items: readonly Offender[], figure: (o: Offender) => string): string {
  const head = items.slice(0, EVIDENCE_ITEMS).map((o) => `${o.url} (${figure(o)})`);
  if (items.length > EVIDENCE_ITEMS) head.push(`and ${items.length - EVIDENCE_ITEMS} more`);
  return head.join(', ') || 'none listed';
}

function breaks(bs: readonly BudgetBreak[]): string {
  const fmt = (b: BudgetBreak, v: number) => (b.unit === 'ms' ? ms(v) : b.unit === 'bytes' ? kib(v) : b.unit === 'requests' ? `${v} requests` : String(Math.round(v * 1000) / 1000));
  return bs.map((b) => `${b.key} ${fmt(b, b.actual)} over its budget of ${fmt(b, b.budget)}`).join('; ');
}

/** Lighthouse's "good" point of a log-normal scored audit (the value that scores 0.9). */
function p10(a: LhrAudit): number | undefined {
  const p = (a as { scoringOptions?: { p10?: unknown } }).scoringOptions?.p10;
  return typeof p === 'number' ? p : undefined;
}

/** How a Lighthouse audit judged itself, when no budget key overrides it. */
function audited(a: LhrAudit): string {
  return `Lighthouse audit score ${a.score ?? '-'}, passing at ${PASS_THRESHOLD}`;
}

function source(v: number | undefined): 'budget' | 'lighthouse' {
  return v === undefined ? 'lighthouse' : 'budget';
}

function ms(v: number): string {
  return v >= 1000 ? `${(v / 1000).toFixed(1)} s` : `${Math.round(v)} ms`;
}

function kib(bytes: number): string {
  return bytes >= 1024 * 1024 ? `${(bytes / 1024 / 1024).toFixed(1)} MiB` : `${Math.round(bytes / 1024)} KiB`;
}

function seconds(s: number): string {
  if (s >= 86_400) return `${Math.round(s / 86_400)} d`;
  if (s >= 3600) return `${Math.round(s / 3600)} h`;
  return `${Math.round(s)} s`;
}
