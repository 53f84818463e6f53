import { describe, expect, it } from 'vitest';
import { defaultBudget, type PagesBudget } from '../../../scanners/pages/budget.js';
import { evaluatePage } from '../../../scanners/pages/evaluate.js';
import type { LhrAudit, PagesLhr } from '../../../scanners/pages/types.js';

// A Lighthouse 12 result reduced to the fields the scanner reads, in the shapes Lighthouse gives
// them (score 0 / 0.5 / 1 for metric-savings audits, null when informative or not applicable).
const PAGE = 'https://shop.test/p?id=1';

function audit(id: string, a: Partial<LhrAudit>): LhrAudit {
  return { id, title: id, score: 1, scoreDisplayMode: 'metricSavings', ...a };
}

function lhr(over: { score?: number; audits?: Record<string, Partial<LhrAudit>> } = {}): PagesLhr {
  const audits: Record<string, LhrAudit> = {
    'largest-contentful-paint': audit('largest-contentful-paint', { scoreDisplayMode: 'numeric', score: 1, numericValue: 1800 }),
    'total-byte-weight': audit('total-byte-weight', { scoreDisplayMode: 'informative', score: null, numericValue: 900_000, details: { items: [] } }),
    'uses-optimized-images': audit('uses-optimized-images', { details: { overallSavingsBytes: 0, items: [] } }),
    'modern-image-formats': audit('modern-image-formats', { details: { overallSavingsBytes: 0, items: [] } }),
    'uses-text-compression': audit('uses-text-compression', { details: { overallSavingsBytes: 0, items: [] } }),
    'uses-long-cache-ttl': audit('uses-long-cache-ttl', { details: { items: [] } }),
  };
  for (const [id, a] of Object.entries(over.audits ?? {})) audits[id] = { ...(audits[id] ?? audit(id, {})), ...a };
  return {
    lighthouseVersion: '12.2.3',
    finalDisplayedUrl: PAGE,
    runWarnings: [],
    audits,
    categories: { performance: { score: over.score ?? 0.97 } },
    configSettings: { formFactor: 'mobile', throttlingMethod: 'simulate' },
  };
}

const budget = (b: Partial<PagesBudget>): PagesBudget => ({ ...defaultBudget(), ...b });
const ids = (r: ReturnType<typeof evaluatePage>) => r.findings.map((f) => `${f.ruleId}:${f.severity}`).sort();

const imagesFailing = {
  'uses-optimized-images': { score: 0, details: { overallSavingsBytes: 40_000, items: [{ url: 'https://shop.test/a.jpg', totalBytes: 60_000, wastedBytes: 40_000 }] } },
};
const cacheItems = {
  'uses-long-cache-ttl': {
    score: 0,
    details: {
      items: [
        { url: 'https://shop.test/app.js', cacheLifetimeMs: 600_000, totalBytes: 10_000, wastedBytes: 9000 },
        { url: 'https://shop.test/logo.png', cacheLifetimeMs: 7 * 86_400_000, totalBytes: 10_000, wastedBytes: 2000 },
      ],
    },
  },
};

describe('evaluatePage: Lighthouse pass marks, budget overrides and severities', () => {
  it.each([
    ['a passing page', lhr(), budget({}), []],
    ['a score of 89 fails Lighthouse\'s 90', lhr({ score: 0.89 }), budget({}), ['performance-score:medium']],
    ['a budget of 85 lets 89 pass', lhr({ score: 0.89 }), budget({ performanceScore: 85 }), []],
    ['LCP scored under 0.9 fails without a budget', lhr({ audits: { 'largest-contentful-paint': { score: 0.6, numericValue: 3600 } } }), budget({}), ['largest-contentful-paint:medium']],
    ['an LCP budget replaces the score', lhr({ audits: { 'largest-contentful-paint': { score: 0.6, numericValue: 3600 } } }), budget({ lcpMs: 4000 }), []],
    ['an LCP budget fails a page Lighthouse passes', lhr(), budget({ lcpMs: 1500 }), ['largest-contentful-paint:medium']],
    ['page weight over a budget', lhr(), budget({ totalBytes: 500_000 }), ['total-byte-weight:medium']],
    ['image savings Lighthouse flags', lhr({ audits: imagesFailing }), budget({}), ['uses-optimized-images:low']],
    ['image savings under the budget', lhr({ audits: imagesFailing }), budget({ imageSavingsBytes: 50_000 }), []],
    ['a raised severity', lhr({ audits: imagesFailing }), budget({ severity: { 'uses-optimized-images': 'high' } }), ['uses-optimized-images:high']],
    ['a rule turned off', lhr({ score: 0.5, audits: imagesFailing }), budget({ severity: { 'uses-optimized-images': 'off' } }), ['performance-score:medium']],
    ['cache lifetimes Lighthouse flags', lhr({ audits: cacheItems }), budget({}), ['uses-long-cache-ttl:low']],
    ['a TTL budget under every lifetime', lhr({ audits: cacheItems }), budget({ cacheTtlSeconds: 300 }), []],
    ['not applicable is never a finding', lhr({ audits: { 'modern-image-formats': { scoreDisplayMode: 'notApplicable', score: null } } }), budget({ imageSavingsBytes: 0 }), []],
  ])('%s', (_name, result, b, expected) => {
    expect(ids(evaluatePage(result, b, PAGE))).toEqual(expected);
  });

  it('a TTL budget keeps only the assets under it, and says where the limit came from', () => {
    const r = evaluatePage(lhr({ audits: cacheItems }), budget({ cacheTtlSeconds: 86_400 }), PAGE);
    const f = r.findings[0]!;
    expect(f.ruleId).toBe('uses-long-cache-ttl');
    expect((f.properties as { items: { url: string }[] }).items.map((i) => i.url)).toEqual(['https://shop.test/app.js']);
    expect(f.evidence).toBe('1 static asset(s) cached too briefly (budget: at least 1 d): https://shop.test/app.js (cached 600 s)');
    expect(f.location).toEqual({ kind: 'web', url: PAGE, method: 'GET' });
  });

  it('fingerprints are the rule and the page, not the figures', () => {
    const a = evaluatePage(lhr({ score: 0.5 }), budget({}), PAGE).findings[0]!;
    const b = evaluatePage(lhr({ score: 0.2 }), budget({ performanceScore: 70 }), 'https://shop.test/p?id=2').findings[0]!;
    expect(a.evidence).not.toBe(b.evidence);
    expect(a.fingerprint).toBe(b.fingerprint);
    const other = evaluatePage(lhr({ score: 0.5 }), budget({}), 'https://shop.test/q').findings[0]!;
    expect(other.fingerprint).not.toBe(a.fingerprint);
  });

  it('LightWallet: the matching budget\'s broken lines make one finding each kind; unmeasured metrics are noted', () => {
    const result = lhr({
      audits: {
        interactive: { scoreDisplayMode: 'numeric', numericValue: 7000 },
        'first-contentful-paint': { scoreDisplayMode: 'numeric', numericValue: 900 },
        'resource-summary': { scoreDisplayMode: 'informative', score: null, details: { items: [{ resourceType: 'total', requestCount: 40, transferSize: 2_000_000 }, { resourceType: 'script', requestCount: 12, transferSize: 700_000 }] } },
      },
    });
    const r = evaluatePage(result, budget({
      lightwallet: [
        { path: '/p', timings: [{ metric: 'interactive', budget: 5000 }, { metric: 'first-contentful-paint', budget: 1000 }, { metric: 'first-meaningful-paint', budget: 1000 }], resourceSizes: [{ resourceType: 'script', budget: 500 }, { resourceType: 'font', budget: 1 }], resourceCounts: [{ resourceType: 'total', budget: 50 }] },
        { path: '/other', timings: [{ metric: 'interactive', budget: 1 }] },
      ],
    }), PAGE);
    expect(ids(r)).toEqual(['performance-budget:medium', 'timing-budget:medium']);
    const timing = r.findings.find((f) => f.ruleId === 'timing-budget')!;
    expect(timing.evidence).toBe('interactive 7.0 s over its budget of 5.0 s');
    expect(r.findings.find((f) => f.ruleId === 'performance-budget')!.evidence).toBe('script size 684 KiB over its budget of 500 KiB');
    expect(r.notes).toEqual([`${PAGE}: LightWallet budget names first-meaningful-paint, which Lighthouse 12.2.3 did not measure: not checked`]);
  });
});
