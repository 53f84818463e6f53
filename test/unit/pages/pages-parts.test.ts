import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { chromeFlags, findChromium } from '../../../scanners/pages/chromium.js';
import { checkLightWalletPath, matchingBudget, pathMatches } from '../../../scanners/pages/lightwallet.js';
import { lighthouseArgs } from '../../../scanners/pages/lighthouse-run.js';
import { pageList } from '../../../scanners/pages/pages-scanner.js';

describe('LightWallet paths, as Lighthouse matched them', () => {
  it.each([
    // [pattern, url, matches]
    ['/', 'https://shop.test/', true],
    ['/', 'https://shop.test/a/b?c=1', true],
    ['/shop', 'https://shop.test/shop/cart', true],
    ['/shop', 'https://shop.test/about', false],
    ['/shop$', 'https://shop.test/shop', true],
    ['/shop$', 'https://shop.test/shop/', false],
    ['/*.html', 'https://shop.test/a/b.html', true],
    ['/*.html$', 'https://shop.test/a/b.html?x=1', false],
    ['/*.html$', 'https://shop.test/a/b.html', true],
    ['/product*id=', 'https://shop.test/product?id=1', true],
    ['/product*id=', 'https://shop.test/products', false],
  ])('%s on %s → %s', (pattern, url, expected) => {
    expect(pathMatches(url, pattern)).toBe(expected);
  });

  it('the last matching budget wins; no path means every page', () => {
    const budgets = [{ timings: [] }, { path: '/shop', timings: [] }, { path: '/blog$', timings: [] }];
    expect(matchingBudget(budgets, 'https://s.test/shop/1')).toBe(budgets[1]);
    expect(matchingBudget(budgets, 'https://s.test/blog/1')).toBe(budgets[0]);
    expect(matchingBudget([{ path: '/x' }], 'https://s.test/y')).toBeUndefined();
  });

  it.each([
    ['/a/*/b', undefined],
    ['a', /must start with/],
    ['/a*b*c', /at most one "\*"/],
    ['/a$b', /only at its end/],
  ])('path %s', (p, problem) => {
    const got = checkLightWalletPath(p);
    if (problem) expect(got).toMatch(problem);
    else expect(got).toBeUndefined();
  });
});

describe('pages on the target\'s origin', () => {
  const target = new URL('https://shop.test:8443/start?x=1');
  it('resolves paths against the origin, keeps same-origin URLs, drops duplicates and fragments', () => {
    expect(pageList(target, ['/', '/product?id=1', 'https://shop.test:8443/product?id=1#top', 'cart'])).toEqual([
      'https://shop.test:8443/start?x=1',
      'https://shop.test:8443/',
      'https://shop.test:8443/product?id=1',
      'https://shop.test:8443/cart',
    ]);
  });
  it.each(['https://shop.test/', 'http://shop.test:8443/', 'https://cdn.shop.test:8443/', '//evil.test/'])('refuses %s: another origin', (p) => {
    expect(() => pageList(target, [p])).toThrow(/not on the target's origin/);
  });
  it('never prints credentials of a page URL', () => {
    expect(() => pageList(target, ['https://user:s3cret@evil.test/'])).toThrow(/^(?!.*s3cret).*$/s);
  });
});

describe('Chromium and Lighthouse settings', () => {
  const dir = mkdtempSync(join(tmpdir(), 'vigil-pages-parts-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('findChromium: the option, then CHROME_PATH, then the system; only executables count', () => {
    const fake = join(dir, 'chrome');
    writeFileSync(fake, '#!/bin/sh\n');
    expect(findChromium({ chromePath: fake })).toBeUndefined();
    chmodSync(fake, 0o755);
    expect(findChromium({ chromePath: fake })).toBe(fake);
    expect(findChromium({ env: { CHROME_PATH: fake } })).toBe(fake);
    expect(findChromium({ env: { CHROME_PATH: join(dir, 'none') } })).toBeUndefined();
    expect(findChromium({ env: {} })).toBe('/usr/bin/chromium');
  });

  it('Chromium runs offline-minded and resolves only the target\'s host', () => {
    const f = chromeFlags('/tmp/profile', '[::1]');
    expect(f).toEqual(expect.arrayContaining(['--headless=new', '--no-sandbox', '--disable-background-networking', '--disable-component-update', '--user-data-dir=/tmp/profile']));
    expect(f).toContain('--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE ::1');
  });

  it('Lighthouse: performance only, mobile by default, desktop and throttling on request, load wait inside the timeout', () => {
    const base = lighthouseArgs('http://127.0.0.1:1/', 9222, { timeoutMs: 90_000 });
    expect(base).toEqual(expect.arrayContaining(['--port=9222', '--only-categories=performance', '--output=json', '--output-path=stdout', '--quiet', '--max-wait-for-load=45000', '--no-enable-error-reporting']));
    expect(base.some((a) => a.startsWith('--preset') || a.startsWith('--throttling-method'))).toBe(false);
    const desk = lighthouseArgs('http://127.0.0.1:1/', 9222, { timeoutMs: 20_000, preset: 'desktop', throttlingMethod: 'devtools' });
    expect(desk).toEqual(expect.arrayContaining(['--preset=desktop', '--throttling-method=devtools', '--max-wait-for-load=12000']));
  });
});

describe('secrets in page URLs', () => {
  it('a token in a page URL never reaches a message', () => {
    const target = new URL('https://shop.test/');
    expect(() => pageList(target, ['https://admin:hunter2@other.test/?api_key=sk_live_abcdefghijklmnop1234'])).toThrow(/^(?!.*(hunter2|sk_live_abcdefghijklmnop1234)).*$/s);
  });
});
