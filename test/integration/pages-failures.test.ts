import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { VigilError } from '../../src/errors.js';
import type { Finding } from '../../src/model/finding.js';
import type { ScanContext } from '../../src/model/scanner.js';
import { silentLogger } from '../../src/util/logger.js';
import { createPagesScanner, findChromium } from '../../scanners/pages/index.js';
import { freePort } from '../helpers/ports.js';
import { startPagesSite, type PagesSite } from '../helpers/pages-site.js';

// Chromium's profile folders go here, so this file can see that each scan removed its own
const privateTmp = mkdtempSync(join(tmpdir(), 'vigil-pages-failures-'));
const savedTmp = process.env['TMPDIR'];
let site: PagesSite;
beforeAll(async () => {
  process.env['TMPDIR'] = privateTmp;
  site = await startPagesSite();
});
afterAll(async () => {
  await site.close();
  if (savedTmp === undefined) delete process.env['TMPDIR'];
  else process.env['TMPDIR'] = savedTmp;
  rmSync(privateTmp, { recursive: true, force: true });
});

async function scan(url: string, options: Record<string, unknown>, signal = new AbortController().signal): Promise<Finding[]> {
  const notes: string[] = [];
  const ctx: ScanContext = { signal, logger: silentLogger, progress: () => undefined, note: (n) => notes.push(n), baseDir: privateTmp, options };
  const out: Finding[] = [];
  for await (const f of createPagesScanner().run({ name: 'site', kind: 'url', location: url }, ctx)) out.push(f);
  return out;
}

async function failure(p: Promise<unknown>): Promise<VigilError> {
  const e = await p.then(() => undefined, (x: unknown) => x);
  expect(e).toBeInstanceOf(VigilError);
  return e as VigilError;
}

/**
 * Processes left running by a scan: Chromium (its command line names a profile folder under this
 * file's temp folder) or Lighthouse's CLI (its command line names a page of the test site).
 */
function chromiumLeft(): number[] {
  const pids: number[] = [];
  for (const d of readdirSync('/proc')) {
    if (!/^\d+$/.test(d)) continue;
    try {
      const cmd = readFileSync(`/proc/${d}/cmdline`, 'utf8');
      if (cmd.includes(privateTmp) || (site && cmd.includes(site.origin))) pids.push(Number(d));
    } catch {
      // the process ended while we looked
    }
  }
  return pids;
}

function expectCleanedUp(): void {
  expect(chromiumLeft()).toEqual([]);
  expect(readdirSync(privateTmp).filter((n) => n.startsWith('vigil-chromium-'))).toEqual([]);
}

describe('pages scanner failures, with real Chromium', () => {
  it('finds Debian\'s Chromium', () => {
    expect(findChromium()).toBe('/usr/bin/chromium');
    expect(findChromium({ chromePath: join(privateTmp, 'no-chromium') })).toBeUndefined();
  });

  it('a missing Chromium is VIGIL_ERR_LIGHTHOUSE saying how to install it', async () => {
    const e = await failure(scan(`${site.origin}/lean/`, { chromePath: join(privateTmp, 'no-chromium') }));
    expect(e.code).toBe('VIGIL_ERR_LIGHTHOUSE');
    expect(e.message).toContain(join(privateTmp, 'no-chromium'));
    expect(e.message).toMatch(/apt-get install chromium/);
    expectCleanedUp();
  });

  it('a refused connection is VIGIL_ERR_LIGHTHOUSE naming the page and Lighthouse\'s reason', async () => {
    const url = `http://127.0.0.1:${await freePort()}/shop`;
    const e = await failure(scan(url, { timeoutMs: 60_000 }));
    expect(e.code).toBe('VIGIL_ERR_LIGHTHOUSE');
    expect(e.message).toContain(url);
    // Chrome shows its error page; Lighthouse calls that an interstitial, vigil adds what the port said
    expect(e.message).toMatch(/CHROME_INTERSTITIAL_ERROR: .*\(connecting to 127\.0\.0\.1:\d+: ECONNREFUSED\)/);
    expectCleanedUp();
  }, 90_000);

  it('a page that never answers ends at the timeout with VIGIL_ERR_LIGHTHOUSE, Chromium gone', async () => {
    const e = await failure(scan(`${site.origin}/hang`, { timeoutMs: 8_000 }));
    expect(e.code).toBe('VIGIL_ERR_LIGHTHOUSE');
    expect(e.message).toContain(`${site.origin}/hang`);
    expect(e.message).toMatch(/within 8 s/);
    expectCleanedUp();
  }, 60_000);

  it('an abort stops the scan and kills Chromium', async () => {
    const ac = new AbortController();
    const before = site.requests.length;
    const p = scan(`${site.origin}/hang`, { timeoutMs: 120_000 }, ac.signal);
    // once Lighthouse is at work on the page (and the server holds its request), abort
    const asked = () => site.requests.slice(before).includes('/hang');
    for (let i = 0; i < 600 && !asked(); i++) await new Promise((r) => setTimeout(r, 50));
    expect(asked()).toBe(true);
    expect(chromiumLeft().length).toBeGreaterThan(1);
    ac.abort(new Error('shutdown'));
    const e = await p.then(() => undefined, (x: unknown) => x);
    expect((e as Error).message).toBe('shutdown');
    expectCleanedUp();
  }, 60_000);

  it('a page on another origin is a usage error, before Chromium starts', async () => {
    const e = await failure(scan(`${site.origin}/lean/`, { pages: ['/heavy/', 'http://example.com/'] }));
    expect(e.code).toBe('VIGIL_ERR_USAGE');
    expect(e.message).toMatch(/not on the target's origin/);
    expectCleanedUp();
  });

  it('unknown and wrong options are config errors', async () => {
    expect((await failure(scan(`${site.origin}/lean/`, { budgets: 'x' }))).code).toBe('VIGIL_ERR_CONFIG_INVALID');
    expect((await failure(scan(`${site.origin}/lean/`, { preset: 'tablet' }))).message).toMatch(/preset "tablet"/);
    expect((await failure(scan(`${site.origin}/lean/`, { timeoutMs: 5 }))).message).toMatch(/timeoutMs/);
  });
});
