import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defaultConfig } from '../../src/config/index.js';
import type { UptimeProbeConfig, VigilConfig } from '../../src/config/types.js';
import { ROLES, type Role } from '../../src/ledger/auth-store.js';
import type { ProbeResult } from '../../src/ledger/uptime-store.js';
import { createFinding } from '../../src/model/create.js';
import type { TargetedFinding } from '../../src/model/run.js';
import { apiFixture, type ApiFixture } from '../helpers/api.js';
import { fileFinding, runOf } from '../helpers/findings.js';

const MIN = 60_000;
const HOUR = 60 * MIN;

function probe(name: string, url: string, sloPct: number): UptimeProbeConfig {
  return { name, url, status: ['2xx'], tlsMinDays: 14, everySeconds: 600, failures: 3, sloPct, timeoutSeconds: 10 };
}

/**
 * `count` results of a probe every 10 minutes, the newest 5 minutes before `now` (so no window
 * edge falls near a result), oldest first; `failed(k)` says which are failures (k = 0 the newest).
 */
function series(name: string, url: string, now: number, count: number, failed: (k: number) => string | null, extra: Partial<ProbeResult> = {}): ProbeResult[] {
  const out: ProbeResult[] = [];
  for (let k = count - 1; k >= 0; k--) {
    const error = failed(k);
    out.push({
      probe: name,
      url,
      at: new Date(now - 5 * MIN - k * 10 * MIN).toISOString(),
      ok: error === null,
      status: error === null ? 200 : 503,
      latencyMs: error === null ? 42 : 310,
      error,
      tlsDaysLeft: null,
      ...extra,
    });
  }
  return out;
}

/** A perf part's report as the perf scanner stores it. */
function perfData(p95at10x: number, rps10x: number) {
  const level = (name: 'expected' | '10x', connections: number, p95: number, rps: number) => ({
    level: name,
    connections,
    durationSeconds: 5,
    requests: Math.round(rps * 5),
    rps,
    latencyMs: { p50: p95 / 3, p95, p99: p95 * 1.5, max: p95 * 3 },
    errors: 0,
    timeouts: 0,
    non2xx: 0,
    errorRatePct: name === '10x' && p95 > 900 ? 2.5 : 0,
    meanResponseBytes: 512,
  });
  return {
    perf: {
      url: 'http://127.0.0.1:8080/',
      health: { ok: true, status: 200, ms: 3 },
      levels: [level('expected', 10, 14, 950), level('10x', 100, p95at10x, rps10x)],
      memory: { source: 'http://127.0.0.1:8080/metrics', before: 50_000_000, after: 60_000_000, growthPct: 20 },
      loadGenerator: { sharedCores: true, cores: 2 },
    },
  };
}

function perfFinding(): TargetedFinding {
  const f = createFinding({
    scanner: 'perf',
    ruleId: 'perf-latency-p95',
    title: 'p95 latency over budget at 10x',
    severity: 'medium',
    location: { kind: 'web', url: 'http://127.0.0.1:8080/', method: 'GET', param: '10x' },
    evidence: 'p95 980 ms at 100 connections (budget 900 ms)',
  });
  return { ...f, target: 'shop-perf' };
}

interface Browser {
  cookie: string;
}

async function loginAs(f: ApiFixture, username: string, password: string): Promise<Browser> {
  const form = await f.app.inject({ method: 'GET', url: '/login' });
  const csrf = /name="_csrf" value="([^"]*)"/.exec(form.body)![1]!;
  const loginCookie = ([] as string[]).concat(form.headers['set-cookie'] ?? []).find((c) => c.startsWith('vigil_login_csrf='))!.split(';')[0]!;
  const r = await f.app.inject({
    method: 'POST',
    url: '/login',
    headers: { 'content-type': 'application/x-www-form-urlencoded', cookie: loginCookie },
    payload: new URLSearchParams({ username, password, _csrf: csrf, next: '/' }).toString(),
  });
  expect(r.statusCode).toBe(303);
  const session = ([] as string[]).concat(r.headers['set-cookie'] ?? []).find((c) => c.startsWith('vigil_session='))!.split(';')[0]!;
  return { cookie: session };
}

describe('dashboard: availability and the performance trend', () => {
  const dir = mkdtempSync(join(tmpdir(), 'vigil-dash-uptime-'));
  let f: ApiFixture;
  const browsers = {} as Record<Role, Browser>;
  const runIds: string[] = [];
  const get = (who: Role, url: string) => f.app.inject({ method: 'GET', url, headers: { cookie: browsers[who].cookie } });

  beforeAll(async () => {
    const config: VigilConfig = {
      ...defaultConfig(dir),
      uptime: {
        probes: [
          probe('shop', 'http://127.0.0.1:8080/healthz', 99.9),
          probe('api', 'https://127.0.0.1:8443/health', 99.5),
          // configured, never probed yet; its URL carries a password that must never be shown
          probe('queue', 'https://bot:hunter2-secret@127.0.0.1:9000/health', 99.9),
        ],
      },
    };
    f = await apiFixture(join(dir, 'ledger.db'), { dir, config });
    const now = Date.now();
    // shop: 30 days every 10 min (4,320 checks); 10 failures 3 h 25 min to 4 h 55 min ago
    await f.ledger.uptime.record(series('shop', 'http://127.0.0.1:8080/healthz', now, 4320, (k) => (k >= 20 && k <= 29 ? (k === 20 ? 'body lacks "<ok>"' : 'status 503 (expected 2xx)') : null)));
    // api: 2 days, all up, a certificate 5 days from expiry
    await f.ledger.uptime.record(series('api', 'https://127.0.0.1:8443/health', now, 288, () => null, { tlsDaysLeft: 5 }));

    // three perf runs (one over budget), with a run without a perf part between them
    const perfRun = async (hoursAgo: number, p95: number, rps: number, findings: TargetedFinding[]) => {
      const r = runOf(findings, [{ scanner: 'perf', target: 'shop-perf', report: { data: perfData(p95, rps), lines: [] } }], { startedAt: new Date(now - hoursAgo * HOUR).toISOString() });
      await f.ledger.ingest(r, { now: new Date(now - hoursAgo * HOUR) });
      runIds.push(r.run.id);
    };
    await perfRun(72, 120, 800, []);
    await f.ledger.ingest(runOf([fileFinding(1)], [{}], { startedAt: new Date(now - 60 * HOUR).toISOString() }));
    await perfRun(48, 180, 780, []);
    await perfRun(24, 980, 500, [perfFinding()]);
    const down = runOf([], [{ scanner: 'perf', target: 'down-perf', report: { data: { perf: { url: 'http://127.0.0.1:8081/', health: { ok: false, status: 503, ms: 4 }, levels: [], loadGenerator: { sharedCores: false, cores: 2 } } }, lines: [] } }], { startedAt: new Date(now - 12 * HOUR).toISOString() });
    await f.ledger.ingest(down);

    for (const role of ROLES) {
      const { password } = await f.ledger.auth.addUser(`${role}-u`, role, { actor: 'test' });
      browsers[role] = await loginAs(f, `${role}-u`, password);
    }
  });
  afterAll(async () => {
    await f.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('shows the Availability panel on the overview: windows against the SLO, the breach, the last probe and TLS days', async () => {
    const r = await get('analyst', '/');
    expect(r.statusCode).toBe(200);
    const panel = r.body.slice(r.body.indexOf('<section aria-labelledby="avail-h">'), r.body.indexOf('</section>', r.body.indexOf('avail-h')));
    expect(panel).toContain('<h2 id="avail-h">Availability</h2>');
    const row = (name: string) => panel.slice(panel.indexOf(`>${name}</a>`), panel.indexOf('</tr>', panel.indexOf(`>${name}</a>`)));
    // shop: 134 of 144, 998 of 1,008, 4,310 of 4,320 up
    expect(row('shop')).toContain('93.055 %');
    expect(row('shop')).toContain('99.007 %');
    expect(row('shop')).toContain('99.768 %');
    expect(row('shop')).toContain('SLO BREACHED');
    expect(row('shop')).toContain('below SLO');
    expect(row('shop')).toMatch(/ok, HTTP 200, 42 ms at \d{4}-\d\d-\d\d \d\d:\d\d UTC/);
    expect(panel).toMatch(/<tr class="row-breach"><th scope="row"><a href="\/uptime#probe-\d">shop<\/a>/);
    // api: always up, its SLO met, its certificate close to expiry
    expect(row('api')).toContain('100.000 %');
    expect(row('api')).toContain('99.5 % over 30 d: <span class="within-slo">met</span>');
    expect(row('api')).toContain('<span class="breach">5 days</span>');
    // queue: configured, not probed yet
    expect(row('queue')).toContain('no checks yet');
    expect(r.body).not.toContain('hunter2-secret');
  });

  it('/uptime: each probe\'s windows, a 24-hour strip and its 50 newest results, newest first, escaped', async () => {
    const r = await get('auditor', '/uptime');
    expect(r.statusCode).toBe(200);
    const shop = r.body.slice(r.body.indexOf('>shop</h2>'), r.body.indexOf('</section>', r.body.indexOf('>shop</h2>')));
    expect(shop).toContain('<tr><th scope="row">24 h</th><td>144</td><td>134</td>');
    expect(shop).toContain('<tr><th scope="row">30 d</th><td>4320</td><td>4310</td>');
    const recent = shop.slice(shop.indexOf('<h3>Recent results</h3>'));
    const times = [...recent.matchAll(/<tr(?: class="row-breach")?><td>(\d{4}-\d\d-\d\d \d\d:\d\d) UTC<\/td>/g)].map((m) => m[1]!);
    expect(times).toHaveLength(50);
    expect([...times].sort().reverse()).toEqual(times);
    expect(recent.match(/<span class="down">failed<\/span>/g)).toHaveLength(10);
    expect(recent).toContain('status 503 (expected 2xx)');
    expect(recent).toContain('body lacks &quot;&lt;ok&gt;&quot;');
    expect(r.body).not.toContain('"<ok>"');
    // the strip: 24 hourly bars, 144 checks, two hours with failures (amber or red), the rest green
    const strip = shop.slice(shop.indexOf('<svg class="chart strip"'), shop.indexOf('</svg>', shop.indexOf('<svg class="chart strip"')));
    expect(strip).toContain('shop, last 24 hours by hour: 134 of 144 checks up (93.055 %)');
    expect(strip.match(/<rect /g)).toHaveLength(24);
    expect(strip.match(/fill="#15803d"/g)!.length).toBe(22);
    expect(strip.match(/fill="#b45309"|fill="#b91c1c"/g)!.length).toBe(2);
    expect(r.body).toContain('<code>https://bot:***@127.0.0.1:9000/health</code>');
    expect(r.body).not.toContain('hunter2-secret');
  });

  it('/perf: the trend per target, newest first, run links, figures at both levels, sparklines and the shared-cores note', async () => {
    const r = await get('ci', '/perf');
    expect(r.statusCode).toBe(200);
    expect(r.body).toContain('<h2 id="perf-2-h">shop-perf</h2>');
    expect(r.body).toContain('the last 3 perf runs');
    const shop = r.body.slice(r.body.indexOf('>shop-perf</h2>'));
    const rows = [...shop.matchAll(/<a href="\/api\/runs\/([0-9a-f-]+)"><code>/g)].map((m) => m[1]);
    expect(rows).toEqual([...runIds].reverse());
    expect(r.body).toContain('980 ms');
    expect(r.body).toContain('1470 ms'); // p99 at 10x of the newest run
    expect(r.body).toContain('2.5 %');
    expect(r.body).toContain('20 %'); // memory growth
    expect(r.body).toContain('1 budget break');
    expect(r.body).toContain('p95 at 10× over 3 runs: last 980 ms, lowest 120, highest 980');
    expect(r.body).toContain('Requests/s at 10× over 3 runs: last 500 req/s, lowest 500, highest 800');
    expect(r.body).toContain("shared the machine's 2 cores with the server");
    // a run whose health check failed: no figures, said so, and no sparkline to draw
    const downSection = r.body.slice(r.body.indexOf('>down-perf</h2>'), r.body.indexOf('</section>', r.body.indexOf('>down-perf</h2>')));
    expect(downSection).toContain('<span class="down">health check failed</span>');
    expect(downSection.match(/<td colspan="4" class="state-none">not run<\/td>/g)).toHaveLength(2);
    expect(downSection).toContain('p95 at 10×: no figures yet.');
    expect(downSection).not.toContain('shared the machine');
  });

  it('links both pages in the navigation, for the roles that may open them; CI sees no availability', async () => {
    for (const role of ROLES) {
      const r = await get(role, '/perf');
      expect(r.body).toContain('<a href="/perf" aria-current="page">Performance</a>');
      expect(r.body.includes('<a href="/uptime">Uptime</a>'), role).toBe(role !== 'ci');
    }
    expect((await get('ci', '/uptime')).statusCode).toBe(403);
    const home = await get('ci', '/');
    expect(home.statusCode).toBe(200);
    expect(home.body).not.toContain('avail-h');
    expect((await get('admin', '/')).body).toContain('avail-h');
  });

  it('the pages reference nothing outside the server and carry no inline style or script', async () => {
    for (const url of ['/', '/uptime', '/perf']) {
      const r = await get('admin', url);
      for (const m of r.body.matchAll(/\b(?:src|href|action)="([^"]*)"/g)) expect(m[1], url).toMatch(/^\/(?!\/)/);
      expect(r.body, url).not.toMatch(/\sstyle=|<style|<script(?![^>]*\bsrc="\/assets\/)/);
      expect(r.body, url).not.toMatch(/\son[a-z]+=/);
    }
  });
});

describe('dashboard without probes or perf runs', () => {
  const dir = mkdtempSync(join(tmpdir(), 'vigil-dash-uptime-empty-'));
  let f: ApiFixture;
  let b: Browser;

  beforeAll(async () => {
    f = await apiFixture(join(dir, 'ledger.db'), { dir });
    await f.ledger.ingest(runOf([fileFinding(1)]));
    const { password } = await f.ledger.auth.addUser('ann', 'admin', { actor: 'test' });
    b = await loginAs(f, 'ann', password);
  });
  afterAll(async () => {
    await f.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('leaves the panel out and says on each page why it is empty', async () => {
    const home = await f.app.inject({ method: 'GET', url: '/', headers: { cookie: b.cookie } });
    expect(home.statusCode).toBe(200);
    expect(home.body).not.toContain('avail-h');
    const up = await f.app.inject({ method: 'GET', url: '/uptime', headers: { cookie: b.cookie } });
    expect(up.statusCode).toBe(200);
    expect(up.body).toContain('No uptime probes are configured, and the ledger holds no probe results.');
    const perf = await f.app.inject({ method: 'GET', url: '/perf', headers: { cookie: b.cookie } });
    expect(perf.statusCode).toBe(200);
    expect(perf.body).toContain('No perf run is recorded among the one newest run.');
  });
});
