import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { vigilAsync } from '../helpers/cli.js';
import { startPagesSite, type PagesSite } from '../helpers/pages-site.js';

// Real Lighthouse 12 in Debian's Chromium against a real site on loopback, through the built CLI
// (`npx tsc -p tsconfig.json` first). Three Lighthouse runs in all: each takes 10-30 s here.

interface Out {
  run: { scanners: { status: string; error: string | null; notes?: string[]; report?: { budget: string | null; pages: { url: string; performanceScore: number; lcpMs: number; totalBytes: number; requests: number; findings: number }[] } }[] };
  findings: { ruleId: string; severity: string; fingerprint: string; evidence: string; location: { kind: string; url: string; method: string }; properties: { items?: { url: string; wastedBytes?: number; cacheLifetimeMs?: number }[]; source?: string; breaks?: { key: string }[] } }[];
}

const dir = mkdtempSync(join(tmpdir(), 'vigil-pages-cli-'));
let site: PagesSite;
beforeAll(async () => {
  site = await startPagesSite();
});
afterAll(async () => {
  await site.close();
  rmSync(dir, { recursive: true, force: true });
});

async function scan(url: string, extra: string[]): Promise<{ code: number; out: Out; stderr: string }> {
  const r = await vigilAsync(['scan', 'pages', url, '--no-ledger', '-f', 'json', ...extra], { cwd: dir });
  return { code: r.code, out: JSON.parse(r.stdout || '{}') as Out, stderr: r.stderr };
}

const on = (out: Out, page: string) => out.findings.filter((f) => f.location.url === page);
const rules = (out: Out, page: string) => on(out, page).map((f) => `${f.ruleId}:${f.severity}`).sort();
const finding = (out: Out, page: string, ruleId: string) => on(out, page).find((f) => f.ruleId === ruleId)!;

let heavyDefaults: Out;

describe('vigil scan pages: Lighthouse 12 in real Chromium', () => {
  it('a heavy page without a budget breaks Lighthouse\'s own pass marks, rule by rule', async () => {
    const heavy = `${site.origin}/heavy/`;
    const { code, out, stderr } = await scan(heavy, ['--fail-on', 'medium']);
    heavyDefaults = out;
    expect(out.run.scanners[0]).toMatchObject({ status: 'complete', error: null });
    // medium findings and --fail-on medium: the gate fails
    expect(code, stderr).toBe(1);
    expect(rules(out, heavy)).toEqual([
      'largest-contentful-paint:medium',
      'modern-image-formats:low',
      'performance-score:medium',
      'total-byte-weight:medium',
      'uses-long-cache-ttl:low',
      'uses-optimized-images:low',
      'uses-text-compression:low',
    ]);
    for (const f of out.findings) {
      expect(f.location).toEqual({ kind: 'web', url: heavy, method: 'GET' });
      expect(f.properties.source ?? 'lighthouse').toBe('lighthouse');
    }
    // the offenders are named in the evidence and kept in full in properties
    const photo = `${site.origin}/heavy/photo.bmp`;
    expect(finding(out, heavy, 'uses-optimized-images').properties.items!.map((i) => i.url)).toEqual([photo]);
    expect(finding(out, heavy, 'modern-image-formats').evidence).toContain(photo);
    expect(finding(out, heavy, 'uses-text-compression').properties.items!.map((i) => i.url).sort()).toEqual([`${site.origin}/heavy/bundle.js`, `${site.origin}/heavy/styles.css`]);
    expect(finding(out, heavy, 'uses-text-compression').properties.items!.every((i) => (i.wastedBytes ?? 0) > 100_000)).toBe(true);
    const cache = finding(out, heavy, 'uses-long-cache-ttl').properties.items!;
    expect(cache.map((i) => [i.url, i.cacheLifetimeMs]).sort()).toEqual([
      [`${site.origin}/heavy/bundle.js`, 60_000],
      [photo, 0],
      [`${site.origin}/heavy/styles.css`, 60_000],
    ]);
    const rep = out.run.scanners[0]!.report!;
    expect(rep.budget).toBeNull();
    expect(rep.pages).toHaveLength(1);
    expect(rep.pages[0]!.performanceScore).toBeLessThan(90);
    expect(rep.pages[0]!.totalBytes).toBeGreaterThan(2_900_000);
    expect(rep.pages[0]!.findings).toBe(7);
    // Lighthouse fetched only what the page names, from the page's origin
    expect(site.requests.filter((r) => r.startsWith('/heavy/')).sort()).toEqual(expect.arrayContaining(['/heavy/', '/heavy/bundle.js', '/heavy/photo.bmp', '/heavy/styles.css']));
  }, 180_000);

  it('with a budget: the lean page passes it, the heavy one breaks what the budget says, in one Chromium', async () => {
    const budget = join(dir, 'budget.yaml');
    writeFileSync(
      budget,
      [
        '# lenient enough for the lean page; the heavy one still breaks it',
        "pages: ['/heavy/']",
        'performanceScore: 80',
        'lcpMs: 4000',
        'totalBytes: 5000000          # above the heavy page: overrides Lighthouse, which fails it',
        'imageSavingsBytes: 2000000   # likewise for both image audits',
        'textCompressionSavingsBytes: 100000',
        'cacheTtlSeconds: 30          # the scripts (60 s) pass, the uncached photo does not',
        'severity:',
        '  largest-contentful-paint: high',
        '  uses-text-compression: medium',
        'lightwallet:',
        '  - path: /heavy/',
        '    timings:',
        '      - { metric: interactive, budget: 5000 }',
        '      - { metric: cumulative-layout-shift, budget: 0.1 }',
        '    resourceSizes:',
        '      - { resourceType: script, budget: 300 }',
        '      - { resourceType: total, budget: 10000 }',
        '    resourceCounts:',
        '      - { resourceType: total, budget: 3 }',
        '',
      ].join('\n'),
    );
    const lean = `${site.origin}/lean/`;
    const heavy = `${site.origin}/heavy/`;
    const { code, out, stderr } = await scan(lean, ['--budget', budget, '--fail-on', 'high']);
    expect(out.run.scanners[0]).toMatchObject({ status: 'complete', error: null });
    expect(code, stderr).toBe(1);
    expect(rules(out, lean)).toEqual([]);
    expect(rules(out, heavy)).toEqual([
      'largest-contentful-paint:high',
      'performance-budget:medium',
      'performance-score:medium',
      'timing-budget:medium',
      'uses-long-cache-ttl:low',
      'uses-text-compression:medium',
    ]);
    expect(finding(out, heavy, 'uses-long-cache-ttl').properties.items!.map((i) => i.url)).toEqual([`${site.origin}/heavy/photo.bmp`]);
    expect(finding(out, heavy, 'timing-budget').properties.breaks!.map((b) => b.key)).toEqual(['interactive']);
    expect(finding(out, heavy, 'performance-budget').properties.breaks!.map((b) => b.key)).toEqual(['script size', 'total requests']);
    expect(finding(out, heavy, 'largest-contentful-paint').evidence).toMatch(/budget: at most 4\.0 s/);
    // the same rule on the same page is the same finding whatever the budget or the figures (needs the first test's run)
    expect(heavyDefaults, 'run the whole file: this compares with the first test').toBeDefined();
    for (const id of ['performance-score', 'largest-contentful-paint', 'uses-text-compression', 'uses-long-cache-ttl']) {
      expect(finding(out, heavy, id).fingerprint).toBe(finding(heavyDefaults, heavy, id).fingerprint);
    }
    const rep = out.run.scanners[0]!.report!;
    expect(rep.budget).toBe(budget);
    expect(rep.pages.map((p) => p.url)).toEqual([lean, heavy]);
    expect(rep.pages[0]!.performanceScore).toBeGreaterThanOrEqual(80);
    expect(rep.pages[0]!.findings).toBe(0);
    // the lean page names an image on another origin (this site as localhost): never fetched, and said so
    expect([...site.hosts].filter((h) => !h.startsWith('127.0.0.1:'))).toEqual([]);
    const otherOrigin = `http://localhost:${new URL(site.origin).port}`;
    expect(out.run.scanners[0]!.notes).toContain(`${lean}: requests to other origins were blocked (no scan leaves its target), so the figures leave them out: ${otherOrigin} (1)`);
  }, 240_000);

  it('a malformed budget file is exit 2 naming the file and line, before Chromium starts', async () => {
    const broken = join(dir, 'broken.yaml');
    writeFileSync(broken, 'lcpMs: 2500\nseverity:\n  uses-text-compression: loud\n');
    let r = await scan(`${site.origin}/lean/`, ['--budget', broken]);
    expect(r.code, r.stderr).toBe(2);
    expect(r.stderr).toMatch(/VIGIL_ERR_BUDGET_INVALID: broken\.yaml:3:\d+: severity\.uses-text-compression: must be one of critical, high, medium, low, info, off/);

    const syntax = join(dir, 'syntax.json');
    writeFileSync(syntax, '[\n  { "path": "/",\n    "timings": [ { "metric": "interactive", "budget": 100 } ]\n  ,\n]\n');
    r = await scan(`${site.origin}/lean/`, ['--budget', syntax]);
    expect(r.code, r.stderr).toBe(2);
    expect(r.stderr).toMatch(/VIGIL_ERR_BUDGET_PARSE: syntax\.json:5:\d+: not valid JSON/);

    const elsewhere = join(dir, 'elsewhere.yaml');
    writeFileSync(elsewhere, "pages: ['http://192.0.2.1/']\n");
    r = await scan(`${site.origin}/lean/`, ['--budget', elsewhere]);
    expect(r.code, r.stderr).toBe(2);
    expect(r.stderr).toMatch(/not on the target's origin/);
  }, 60_000);
});
