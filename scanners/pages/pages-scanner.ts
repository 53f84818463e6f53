import path from 'node:path';
import { VigilError } from '../../src/errors.js';
import type { Finding } from '../../src/model/finding.js';
import type { Scanner, ScanContext } from '../../src/model/scanner.js';
import type { Target } from '../../src/model/target.js';
import { redactSecrets } from '../../src/util/redact.js';
import { defaultBudget, loadPagesBudget, type PagesBudget } from './budget.js';
import { launchChromium, type Browser } from './chromium.js';
import { PAGES_SCANNER_ID, evaluatePage, type PageSummary } from './evaluate.js';
import { auditPage } from './lighthouse-run.js';
import type { PagesOptions } from './types.js';

const OPTION_KEYS = ['budget', 'pages', 'preset', 'throttlingMethod', 'timeoutMs', 'chromePath'] as const;
const DEFAULT_TIMEOUT_MS = 90_000;
/** Pages per target: each costs a Lighthouse run of 10–30 s. */
const MAX_PAGES = 50;

/**
 * `pages`: Lighthouse 12 (performance only) in Debian's Chromium on the target URL and the
 * configured pages of its origin, one Chromium for all, one page after another; a finding per
 * broken budget or failed Lighthouse audit per page, and a summary of each page.
 */
export class PagesScanner implements Scanner {
  readonly id = PAGES_SCANNER_ID;
  readonly version = 1;

  async *run(target: Target, ctx: ScanContext): AsyncIterable<Finding> {
    const opts = checkOptions(ctx.options);
    const budgetFile = opts.budget !== undefined ? path.resolve(ctx.baseDir, opts.budget) : undefined;
    const budget: PagesBudget = budgetFile ? await loadPagesBudget(budgetFile) : defaultBudget();
    const origin = targetUrl(target);
    const pages = pageList(origin, [...(opts.pages ?? []), ...budget.pages]);
    ctx.signal.throwIfAborted();

    const summaries: PageSummary[] = [];
    let browser: Browser | undefined;
    try {
      browser = await launchChromium({ ...(opts.chromePath !== undefined ? { chromePath: path.resolve(ctx.baseDir, opts.chromePath) } : {}), targetHost: origin.hostname, signal: ctx.signal });
      for (const [i, page] of pages.entries()) {
        ctx.signal.throwIfAborted();
        ctx.progress(`Lighthouse ${i + 1}/${pages.length}: ${redactSecrets(page)}`);
        const lhr = await auditPage(page, browser, { ...opts, timeoutMs: opts.timeoutMs ?? DEFAULT_TIMEOUT_MS, signal: ctx.signal });
        const r = evaluatePage(lhr, budget, page);
        for (const n of r.notes) ctx.note?.(n);
        summaries.push(r.summary);
        ctx.report?.(report(summaries, budget, opts));
        yield* r.findings;
      }
    } finally {
      await browser?.close();
    }
  }
}

/** The target's URL; pages is for http(s) URLs only. */
function targetUrl(target: Target): URL {
  let u: URL | undefined;
  try {
    u = new URL(target.location);
  } catch {
    u = undefined;
  }
  if (target.kind !== 'url' || !u || (u.protocol !== 'http:' && u.protocol !== 'https:')) {
    throw new VigilError('VIGIL_ERR_USAGE', `pages audits an http(s) URL; "${target.name}" is ${target.kind === 'url' ? `"${redactSecrets(target.location)}"` : `a ${target.kind}`}`);
  }
  return u;
}

/** The target URL, then each extra page resolved against its origin; another origin is a usage error. */
export function pageList(target: URL, extra: readonly string[]): string[] {
  const out = [target.href];
  for (const p of extra) {
    let u: URL;
    try {
      u = new URL(p, target.origin);
    } catch {
      throw new VigilError('VIGIL_ERR_USAGE', `pages: "${redactSecrets(p)}" is not a path or URL`);
    }
    if (u.origin !== target.origin) {
      throw new VigilError('VIGIL_ERR_USAGE', `pages: ${redactSecrets(u.href)} is not on the target's origin ${target.origin}: no scan leaves its target (make it a target of its own)`);
    }
    u.hash = '';
    if (!out.includes(u.href)) out.push(u.href);
  }
  if (out.length > MAX_PAGES) throw new VigilError('VIGIL_ERR_USAGE', `pages: ${out.length} pages for one target; the limit is ${MAX_PAGES}`);
  return out;
}

function checkOptions(raw: Readonly<Record<string, unknown>>): PagesOptions {
  const bad = (problem: string): never => {
    throw new VigilError('VIGIL_ERR_CONFIG_INVALID', `pages: ${problem}`);
  };
  for (const k of Object.keys(raw)) if (!(OPTION_KEYS as readonly string[]).includes(k)) bad(`unknown option "${k}" (known: ${OPTION_KEYS.join(', ')})`);
  if (raw['budget'] !== undefined && (typeof raw['budget'] !== 'string' || !raw['budget'])) bad('budget is the path of a budget file');
  if (raw['chromePath'] !== undefined && (typeof raw['chromePath'] !== 'string' || !raw['chromePath'])) bad('chromePath is the path of a Chromium binary');
  const pages = raw['pages'];
  if (pages !== undefined && !(Array.isArray(pages) && pages.every((p) => typeof p === 'string' && p.length > 0))) bad('pages is a list of paths or same-origin URLs');
  if (raw['preset'] !== undefined && !['mobile', 'desktop'].includes(String(raw['preset']))) bad(`preset "${String(raw['preset'])}" is not mobile or desktop`);
  if (raw['throttlingMethod'] !== undefined && !['simulate', 'devtools', 'provided'].includes(String(raw['throttlingMethod']))) bad(`throttlingMethod "${String(raw['throttlingMethod'])}" is not simulate, devtools or provided`);
  const t = raw['timeoutMs'];
  if (t !== undefined && !(Number.isInteger(t) && (t as number) >= 1000)) bad('timeoutMs is a whole number of milliseconds, at least 1000');
  return raw as PagesOptions;
}

/** The run summary: per page its score, LCP, weight and requests, and a table for the terminal. */
function report(pages: readonly PageSummary[], budget: PagesBudget, opts: PagesOptions) {
  const lines = pages.map((p) => {
    const score = p.performanceScore ?? '-';
    const lcp = p.lcpMs === null ? '-' : `${(p.lcpMs / 1000).toFixed(1)} s`;
    const kb = p.totalBytes === null ? '-' : `${Math.round(p.totalBytes / 1024)} KiB`;
    return `${redactSecrets(p.url)}: performance ${score}, LCP ${lcp}, ${kb} in ${p.requests ?? '-'} requests, ${p.findings} finding(s)`;
  });
  return {
    data: {
      preset: opts.preset ?? 'mobile',
      throttlingMethod: opts.throttlingMethod ?? 'simulate',
      budget: budget.file ?? null,
      pages: pages.map((p) => ({ ...p, url: redactSecrets(p.url) })),
    },
    lines,
  };
}

export function createPagesScanner(): Scanner {
  return new PagesScanner();
}
