import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openLedger } from '../../src/ledger/index.js';
import { vigil, vigilSpawn } from '../helpers/cli.js';
import { freePort } from '../helpers/ports.js';
import { sarifLog } from '../helpers/sarif.js';

/** Screenshots of each step, kept as the run's artifacts (git-ignored). */
const ARTIFACTS = fileURLToPath(new URL('./artifacts/', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'vigil-e2e-'));
let child: ReturnType<typeof vigilSpawn>;
let browser: Browser;
let base: string;
let password: string;
let logs = '';

async function until<T>(fn: () => Promise<T | undefined>, ms: number): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await fn().catch(() => undefined);
    if (v !== undefined) return v;
    if (Date.now() > end) throw new Error(`timed out waiting; server said:\n${logs}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

const shot = (page: Page, name: string) => page.screenshot({ path: join(ARTIFACTS, `${name}.png`), fullPage: true });

beforeAll(async () => {
  mkdirSync(ARTIFACTS, { recursive: true });
  writeFileSync(
    join(dir, 'app.sarif'),
    sarifLog([
      { rule: 'js/sql-injection', level: 'error', file: 'src/db.js', line: 12, snippet: 'db.query("select * from t where id=" + id)', securitySeverity: '9.1' },
      { rule: 'js/xss', level: 'error', file: 'src/view.js', line: 3, snippet: 'el.innerHTML = name', securitySeverity: '7.5' },
      { rule: 'js/weak-hash', level: 'warning', file: 'src/hash.js', line: 8, snippet: 'createHash("md5")' },
      { rule: 'js/todo', level: 'note', file: 'src/misc.js', line: 1 },
    ]),
  );
  writeFileSync(
    join(dir, 'vigil.yaml'),
    'ledger: ledger.db\ntargets:\n  - name: app\n    kind: path\n    path: app.sarif\n    scanners: [import]\nschedules:\n  - name: hourly\n    cron: "0 * * * *"\n    runOnStart: true\n',
  );
  const added = vigil(['users', 'add', 'alice', '--role', 'analyst', '--config', 'vigil.yaml', '--actor', 'test'], { cwd: dir });
  expect(added.code, added.stderr).toBe(0);
  password = added.stdout.trim();
  const port = await freePort();
  base = `http://127.0.0.1:${port}`;
  child = vigilSpawn(['serve', '--config', 'vigil.yaml', '--port', String(port)], { cwd: dir });
  child.stdout.on('data', (d) => (logs += d));
  child.stderr.on('data', (d) => (logs += d));
  await until(async () => (/run start:hourly complete/.test(logs) ? true : undefined), 30_000);
  browser = await chromium.launch({ executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium', headless: true, args: ['--no-sandbox'] });
}, 90_000);

afterAll(async () => {
  await browser?.close();
  if (child && child.exitCode === null) {
    const exited = new Promise((r) => child.once('exit', r));
    child.kill('SIGTERM');
    await exited;
  }
  rmSync(dir, { recursive: true, force: true });
});

describe('the dashboard in Chromium', () => {
  it('shows a scan started from the API running and finishing, live, without a reload', async () => {
    const context = await browser.newContext({ viewport: { width: 1366, height: 768 } });
    const page = await context.newPage();
    await page.goto(`${base}/login`);
    await page.getByLabel('User name').fill('alice');
    await page.getByLabel('Password').fill(password);
    await Promise.all([page.waitForURL(`${base}/`), page.getByRole('button', { name: 'Log in' }).click()]);
    // every text the live region shows, in order
    await page.evaluate(() => {
      const live = document.getElementById('live')!;
      const seen: string[] = [];
      (window as unknown as { seen: string[] }).seen = seen;
      new MutationObserver(() => seen.push(live.textContent ?? '')).observe(live, { childList: true, characterData: true, subtree: true });
    });
    // the page's event stream is open before the run starts
    await page.locator('#live[data-stream="open"]').waitFor({ state: 'attached', timeout: 10_000 });
    const basic = `Basic ${Buffer.from(`alice:${password}`).toString('base64')}`;
    const started = await fetch(`${base}/api/runs`, { method: 'POST', headers: { authorization: basic, 'content-type': 'application/json' }, body: JSON.stringify({ schedule: 'hourly' }) });
    expect(started.status, await started.clone().text()).toBe(202);
    const { runId } = (await started.json()) as { runId: string };
    await page.locator('#live').filter({ hasText: /finished: complete/ }).waitFor({ timeout: 30_000 });
    const seen = await page.evaluate(() => (window as unknown as { seen: string[] }).seen);
    expect(seen.some((t) => /^Scan api:alice running since .* 1 of 1 parts done \(last: import on app, complete, 4 findings\)…$/.test(t)), seen.join('\n')).toBe(true);
    expect(seen.at(-1)).toMatch(/^Scan api:alice finished: complete — 1 of 1 parts done\. Reload to see its findings\.$/);
    await shot(page, '00-live-progress');
    const run = await fetch(`${base}/api/runs/${runId}`, { headers: { authorization: basic } });
    expect(((await run.json()) as { run: { status: string } }).run.status).toBe('complete');
    await context.close();
  });

  it('logs in by keyboard, filters, opens and triages a finding, and downloads a signed audit PDF', async () => {
    const context = await browser.newContext({ viewport: { width: 1366, height: 768 }, acceptDownloads: true });
    const page = await context.newPage();
    const failed: string[] = [];
    // a CSP violation or a script error shows up here
    page.on('console', (m) => {
      // the browser's own favicon request is not the page's; the refused triage form (below) answers 400 by design
      const url = m.location().url;
      if (m.type() === 'error' && !url.endsWith('/favicon.ico') && !url.endsWith('/triage')) failed.push(`${m.text()} (${url})`);
    });
    page.on('pageerror', (e) => failed.push(e.message));

    await page.goto(`${base}/findings`);
    expect(new URL(page.url()).pathname).toBe('/login');
    await shot(page, '01-login');
    // keyboard: the user name has focus; Tab reaches the password, then the login button
    await page.keyboard.type('alice');
    let reached = false;
    for (let i = 0; i < 5 && !reached; i++) {
      await page.keyboard.press('Tab');
      const id = await page.evaluate(() => document.activeElement?.id || document.activeElement?.getAttribute('name') || '');
      if (id === 'password') await page.keyboard.type(password);
      reached = id === 'login-button';
    }
    expect(reached).toBe(true);
    await Promise.all([page.waitForURL(`${base}/findings`), page.keyboard.press('Enter')]);
    await shot(page, '02-findings');
    expect(await page.locator('tbody tr').count()).toBe(4);

    // filter: high only
    await page.getByLabel('Severity').selectOption('high');
    await Promise.all([page.waitForURL(/severity=high/), page.getByRole('button', { name: 'Filter' }).click()]);
    const rows = page.locator('tbody tr');
    expect(await rows.count()).toBeGreaterThan(0);
    for (const t of await rows.locator('td:nth-child(2)').allInnerTexts()) expect(t.trim()).toBe('high');
    await shot(page, '03-filtered');

    // open the first and triage it
    const link = rows.first().locator('a');
    const title = (await link.innerText()).trim();
    await Promise.all([page.waitForURL(/\/findings\/\d+$/), link.click()]);
    const id = Number(/\/findings\/(\d+)/.exec(page.url())![1]);
    await expect(page.locator('h1').innerText()).resolves.toContain(title);
    // an accepted risk without an approver: the error is shown on the page, nothing recorded
    await page.getByLabel('Status').selectOption('accepted');
    await page.getByLabel(/Justification/).fill('only reachable by admins');
    await Promise.all([page.waitForLoadState('load'), page.getByRole('button', { name: 'Save triage' }).click()]);
    await expect(page.locator('.error').innerText()).resolves.toMatch(/approver/);
    await shot(page, '04-triage-error');
    await page.getByLabel(/Approver/).fill('ciso@example.com');
    await Promise.all([page.waitForURL(/saved=1/), page.getByRole('button', { name: 'Save triage' }).click()]);
    await expect(page.locator('.notice').innerText()).resolves.toContain('Triage saved');
    await shot(page, '05-triaged');
    const ledger = await openLedger(join(dir, 'ledger.db'));
    try {
      const last = (await ledger.findingEvents(id)).at(-1)!;
      expect(last.actor).toBe('alice');
      expect((await ledger.getFinding(id))!.status).toBe('accepted');
    } finally {
      await ledger.close();
    }

    // the overview, then an audit PDF from the reports page
    await page.getByRole('link', { name: 'Overview' }).click();
    await page.waitForURL(`${base}/`);
    expect(await page.locator('svg.chart').count()).toBe(1);
    await shot(page, '06-overview');
    await page.getByRole('link', { name: 'Reports' }).click();
    await page.waitForURL(`${base}/reports`);
    await shot(page, '07-reports');
    const [download] = await Promise.all([page.waitForEvent('download'), page.locator('#audit-download').click()]);
    const pdf = join(dir, 'downloaded-audit.pdf');
    await download.saveAs(pdf);
    expect(readFileSync(pdf).subarray(0, 5).toString()).toBe('%PDF-');
    const v = vigil(['report', 'verify', pdf, '--ledger', join(dir, 'ledger.db')], { cwd: dir });
    expect(v.code, v.stdout + v.stderr).toBe(0);
    expect(v.stdout).toMatch(/^VERIFIED/);

    expect(failed).toEqual([]);
    await context.close();
  }, 120_000);
});
