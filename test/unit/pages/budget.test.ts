import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { VigilError } from '../../../src/errors.js';
import { loadPagesBudget, parsePagesBudget } from '../../../scanners/pages/budget.js';

function failure(text: string, file = 'budget.yaml'): VigilError {
  try {
    parsePagesBudget(text, file);
  } catch (e) {
    expect(e).toBeInstanceOf(VigilError);
    return e as VigilError;
  }
  throw new Error('expected the budget to be rejected');
}

describe('pages budget files', () => {
  it('reads vigil\'s format: thresholds, pages, severities and embedded LightWallet budgets', () => {
    const b = parsePagesBudget(
      [
        "pages: ['/', '/product?id=1']",
        'performanceScore: 85',
        'lcpMs: 2500',
        'totalBytes: 1600000',
        'imageSavingsBytes: 50000',
        'textCompressionSavingsBytes: 10000',
        'cacheTtlSeconds: 2592000',
        'severity: { performance-score: high, uses-long-cache-ttl: off }',
        'lightwallet:',
        '  - path: /product',
        '    timings: [{ metric: interactive, budget: 5000 }]',
      ].join('\n'),
      'b.yaml',
    );
    expect(b).toEqual({
      file: 'b.yaml',
      pages: ['/', '/product?id=1'],
      performanceScore: 85,
      lcpMs: 2500,
      totalBytes: 1_600_000,
      imageSavingsBytes: 50_000,
      textCompressionSavingsBytes: 10_000,
      cacheTtlSeconds: 2_592_000,
      severity: { 'performance-score': 'high', 'uses-long-cache-ttl': 'off' },
      lightwallet: [{ path: '/product', timings: [{ metric: 'interactive', budget: 5000 }] }],
    });
  });

  it('reads a LightWallet budget.json as Lighthouse 11 took it; nothing else is set', () => {
    const text = JSON.stringify([
      { path: '/*', resourceSizes: [{ resourceType: 'script', budget: 125 }, { resourceType: 'total', budget: 300 }], resourceCounts: [{ resourceType: 'third-party', budget: 10 }] },
      { path: '/checkout$', timings: [{ metric: 'first-contentful-paint', budget: 1500 }, { metric: 'cumulative-layout-shift', budget: 0.1 }] },
    ], null, 2);
    const b = parsePagesBudget(text, 'budget.json');
    expect(b.lightwallet).toHaveLength(2);
    expect(b.pages).toEqual([]);
    expect(b.lcpMs).toBeUndefined();
    expect(b.severity).toEqual({});
  });

  it.each([
    // [text, code, line, message]
    ['lcpMs: 2500\nlcpMS: 3000\n', 'VIGIL_ERR_BUDGET_INVALID', 2, /lcpMS: unknown key "lcpMS" \(known: performanceScore/],
    ['performanceScore: 120\n', 'VIGIL_ERR_BUDGET_INVALID', 1, /performanceScore: must be <= 100/],
    ['totalBytes: 1.5\n', 'VIGIL_ERR_BUDGET_INVALID', 1, /totalBytes: must be integer/],
    ['cacheTtlSeconds: 31536000\n', 'VIGIL_ERR_BUDGET_INVALID', 1, /cacheTtlSeconds: must be <= 8294400/],
    ['severity:\n  uses-gzip: high\n', 'VIGIL_ERR_BUDGET_INVALID', 2, /severity\.uses-gzip: unknown key/],
    ['severity:\n  total-byte-weight: urgent\n', 'VIGIL_ERR_BUDGET_INVALID', 2, /must be one of critical, high, medium, low, info, off/],
    ['pages: /checkout\n', 'VIGIL_ERR_BUDGET_INVALID', 1, /pages: must be array/],
    ['lightwallet:\n  - path: /\n    timings:\n      - { metric: time-to-first-byte, budget: 100 }\n', 'VIGIL_ERR_BUDGET_INVALID', 4, /lightwallet\[0\]\.timings\[0\]\.metric: must be one of first-contentful-paint/],
    ['lightwallet:\n  - path: shop/*\n', 'VIGIL_ERR_BUDGET_INVALID', 2, /path "shop\/\*" must start with "\/"/],
    ['lightwallet:\n  - path: /a$/b\n', 'VIGIL_ERR_BUDGET_INVALID', 2, /"\$" only at its end/],
    ['lightwallet:\n  - resourceSizes:\n      - { resourceType: image, budget: 10 }\n      - { resourceType: image, budget: 20 }\n', 'VIGIL_ERR_BUDGET_INVALID', 4, /"image" is budgeted twice/],
    ['lcpMs: 2500\nlcpMs: 3000\n', 'VIGIL_ERR_BUDGET_PARSE', 2, /not valid YAML: .*unique/i],
    ['42\n', 'VIGIL_ERR_BUDGET_INVALID', 1, /a budget is a mapping \(vigil's format\) or a list of LightWallet budgets/],
    ['', 'VIGIL_ERR_BUDGET_INVALID', 1, /the budget file is empty/],
  ])('rejects %j with %s at line %i', (text, code, line, message) => {
    const e = failure(text);
    expect(e.code).toBe(code);
    expect(e.file).toBe('budget.yaml');
    expect(e.line).toBe(line);
    expect(e.message).toMatch(message);
  });

  it('names the line of a LightWallet JSON problem, and of a JSON syntax error', () => {
    const bad = '[\n  {\n    "path": "/",\n    "resourceSizes": [\n      { "resourceType": "script", "budget": -1 }\n    ]\n  }\n]\n';
    let e = failure(bad, 'budget.json');
    expect([e.code, e.line]).toEqual(['VIGIL_ERR_BUDGET_INVALID', 5]);
    expect(e.message).toMatch(/\[0\]\.resourceSizes\[0\]\.budget: must be >= 0/);
    e = failure('{\n  "lcpMs": 2500,\n  "totalBytes" 1\n}\n', 'budget.json');
    expect([e.code, e.line]).toEqual(['VIGIL_ERR_BUDGET_PARSE', 3]);
  });

  const dir = mkdtempSync(join(tmpdir(), 'vigil-pages-budget-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('a missing file is VIGIL_ERR_INPUT_NOT_FOUND; a huge one VIGIL_ERR_INPUT_TOO_LARGE', async () => {
    await expect(loadPagesBudget(join(dir, 'nope.yaml'))).rejects.toMatchObject({ code: 'VIGIL_ERR_INPUT_NOT_FOUND' });
    const big = join(dir, 'big.yaml');
    writeFileSync(big, `# ${'x'.repeat(1024 * 1024)}\nlcpMs: 1\n`);
    await expect(loadPagesBudget(big)).rejects.toMatchObject({ code: 'VIGIL_ERR_INPUT_TOO_LARGE' });
  });
});
