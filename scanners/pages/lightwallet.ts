import type { LhrAudit, PagesLhr } from './types.js';

/** LightWallet timing metrics, as Lighthouse 5–11 accepted them in budget.json. */
export const LIGHTWALLET_METRICS = ['first-contentful-paint', 'interactive', 'first-meaningful-paint', 'max-potential-fid', 'total-blocking-time', 'speed-index', 'largest-contentful-paint', 'cumulative-layout-shift'] as const;
export type LightWalletMetric = (typeof LIGHTWALLET_METRICS)[number];

/** LightWallet resource types (resource-summary's rows). */
export const LIGHTWALLET_RESOURCE_TYPES = ['total', 'document', 'script', 'stylesheet', 'image', 'media', 'font', 'other', 'third-party'] as const;
export type LightWalletResourceType = (typeof LIGHTWALLET_RESOURCE_TYPES)[number];

/** One entry of a LightWallet budget.json (https://web.dev/articles/use-lighthouse-for-performance-budgets). */
export interface LightWalletBudget {
  path?: string;
  options?: { firstPartyHostnames?: string[] };
  timings?: { metric: LightWalletMetric; budget: number }[];
  /** KiB of transfer size per resource type. */
  resourceSizes?: { resourceType: LightWalletResourceType; budget: number }[];
  resourceCounts?: { resourceType: LightWalletResourceType; budget: number }[];
}

/** One budget line a page went over. */
export interface BudgetBreak {
  key: string;
  actual: number;
  budget: number;
  unit: 'ms' | 'bytes' | 'requests' | '';
}

/**
 * Why a LightWallet path is invalid, or undefined when it is valid: it starts with `/`, has at
 * most one `*`, and a `$` only at its end (Lighthouse's own rules).
 */
export function checkLightWalletPath(p: string): string | undefined {
  if (!p.startsWith('/')) return `path "${p}" must start with "/"`;
  if (p.split('*').length > 2) return `path "${p}" may hold at most one "*"`;
  const dollar = p.indexOf('$');
  if (dollar !== -1 && dollar !== p.length - 1) return `path "${p}" may hold "$" only at its end`;
  return undefined;
}

/** Lighthouse's LightWallet path match: a prefix, one `*` wildcard, `$` for the end of the path and query. */
export function pathMatches(url: string, pattern = '/'): boolean {
  const u = new URL(url);
  const urlPath = u.pathname + u.search;
  const wildcard = pattern.includes('*');
  const anchored = pattern.endsWith('$');
  const body = anchored ? pattern.slice(0, -1) : pattern;
  if (!wildcard) return anchored ? urlPath === body : urlPath.startsWith(body);
  const [before = '', after = ''] = body.split('*');
  if (!urlPath.startsWith(before)) return false;
  const rest = urlPath.slice(before.length);
  return anchored ? rest.endsWith(after) : rest.includes(after);
}

/** The budget for a page: as in Lighthouse, the last one whose path matches. */
export function matchingBudget(budgets: readonly LightWalletBudget[], url: string): LightWalletBudget | undefined {
  for (let i = budgets.length - 1; i >= 0; i--) if (pathMatches(url, budgets[i]!.path)) return budgets[i];
  return undefined;
}

interface SummaryRow {
  resourceType: string;
  requestCount: number;
  transferSize: number;
}

/**
 * The lines of one budget a page broke, from its Lighthouse result: timings from the metric
 * audits, sizes (KiB → bytes) and counts from resource-summary. A metric Lighthouse did not
 * measure is listed in `unmeasured`, never guessed.
 */
export function evaluateLightWallet(budget: LightWalletBudget, lhr: PagesLhr): { timings: BudgetBreak[]; resources: BudgetBreak[]; unmeasured: string[] } {
  const timings: BudgetBreak[] = [];
  const resources: BudgetBreak[] = [];
  const unmeasured: string[] = [];
  for (const t of budget.timings ?? []) {
    const a: LhrAudit | undefined = lhr.audits[t.metric];
    if (!a || typeof a.numericValue !== 'number') {
      unmeasured.push(t.metric);
      continue;
    }
    if (a.numericValue > t.budget) timings.push({ key: t.metric, actual: a.numericValue, budget: t.budget, unit: t.metric === 'cumulative-layout-shift' ? '' : 'ms' });
  }
  const rows = ((lhr.audits['resource-summary']?.details?.items ?? []) as unknown as SummaryRow[]).filter((r) => typeof r.resourceType === 'string');
  const row = (type: string) => rows.find((r) => r.resourceType === type) ?? { resourceType: type, requestCount: 0, transferSize: 0 };
  if ((budget.resourceSizes?.length || budget.resourceCounts?.length) && rows.length === 0) unmeasured.push('resource-summary');
  else {
    for (const s of budget.resourceSizes ?? []) {
      const actual = row(s.resourceType).transferSize;
      if (actual > s.budget * 1024) resources.push({ key: `${s.resourceType} size`, actual, budget: s.budget * 1024, unit: 'bytes' });
    }
    for (const c of budget.resourceCounts ?? []) {
      const actual = row(c.resourceType).requestCount;
      if (actual > c.budget) resources.push({ key: `${c.resourceType} requests`, actual, budget: c.budget, unit: 'requests' });
    }
  }
  return { timings, resources, unmeasured };
}
