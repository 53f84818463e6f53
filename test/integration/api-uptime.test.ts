import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Ajv } from 'ajv';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defaultConfig } from '../../src/config/index.js';
import type { UptimeProbeConfig, VigilConfig } from '../../src/config/types.js';
import type { ProbeResult } from '../../src/ledger/uptime-store.js';
import { PERF_POINT_SCHEMA, PROBE_RESULT_SCHEMA, PROBE_SUMMARY_SCHEMA } from '../../src/server/schemas.js';
import { apiFixture, type ApiFixture } from '../helpers/api.js';
import { runOf } from '../helpers/findings.js';
import { stores } from '../helpers/ledger-stores.js';

const MIN = 60_000;
const HOUR = 60 * MIN;

function probe(name: string, url: string, sloPct: number): UptimeProbeConfig {
  return { name, url, status: ['2xx'], tlsMinDays: 14, everySeconds: 600, failures: 3, sloPct, timeoutSeconds: 10 };
}

/** A result every 10 minutes, the newest 5 minutes before `now`, oldest first; `down(k)` for failures (k = 0 the newest). */
function series(name: string, now: number, count: number, down: (k: number) => boolean): ProbeResult[] {
  return Array.from({ length: count }, (_, i) => {
    const k = count - 1 - i;
    const failed = down(k);
    return {
      probe: name,
      url: `http://127.0.0.1:8080/${name}`,
      at: new Date(now - 5 * MIN - k * 10 * MIN).toISOString(),
      ok: !failed,
      status: failed ? null : 200,
      latencyMs: failed ? null : 20 + (k % 7),
      error: failed ? 'connection refused' : null,
      tlsDaysLeft: null,
    };
  });
}

function perfReport(p95: number) {
  const level = (name: string, connections: number) => ({
    level: name,
    connections,
    durationSeconds: 5,
    requests: 4000,
    rps: 800,
    latencyMs: { p50: 5, p95, p99: p95 * 2, max: p95 * 4 },
    errors: 0,
    timeouts: 0,
    non2xx: 0,
    errorRatePct: 0,
    meanResponseBytes: 300,
  });
  return { perf: { url: 'http://127.0.0.1:8080/', health: { ok: true, status: 200, ms: 2 }, levels: [level('expected', 10), level('10x', 100)], loadGenerator: { sharedCores: true, cores: 2 } } };
}

const ajv = new Ajv({ strict: false });

for (const store of stores) {
  describe(`GET /api/uptime and /api/perf (${store.name})`, () => {
    const dir = mkdtempSync(join(tmpdir(), 'vigil-api-uptime-'));
    let f: ApiFixture;
    let teardown: () => Promise<void>;
    let now: number;
    const perfRuns: string[] = [];

    beforeAll(async () => {
      const s = await store.setup();
      teardown = s.teardown;
      const config: VigilConfig = { ...defaultConfig(dir), uptime: { probes: [probe('shop', 'http://127.0.0.1:8080/shop', 99.9), probe('idle', 'http://127.0.0.1:8080/idle', 95)] } };
      f = await apiFixture(s.location, { dir, config });
      now = Date.now();
      // shop: 8 days every 10 min (1,152 checks); down 2 h 05 min to 2 h 55 min ago (6 checks)
      await f.ledger.uptime.record(series('shop', now, 1152, (k) => k >= 12 && k <= 17));
      // a probe no longer in the config still has its results
      await f.ledger.uptime.record(series('old', now - 20 * 86_400_000, 3, () => false));
      for (const [i, p95] of [300, 250, 200].entries()) {
        const r = runOf([], [{ scanner: 'perf', target: 'web', report: { data: perfReport(p95), lines: [] } }], { startedAt: new Date(now - (3 - i) * HOUR).toISOString() });
        await f.ledger.ingest(r);
        perfRuns.push(r.run.id);
      }
      await f.ledger.ingest(runOf([], [{ scanner: 'perf', target: 'other', report: { data: perfReport(90), lines: [] } }]));
    });
    afterAll(async () => {
      await f.close();
      await teardown();
      rmSync(dir, { recursive: true, force: true });
    });

    it('answers every probe with its windows, last result, failures in a row and SLO verdict', async () => {
      const r = await f.app.inject({ url: '/api/uptime', headers: f.auth('auditor') });
      expect(r.statusCode, r.body).toBe(200);
      const { probes } = r.json() as { probes: { probe: string }[] };
      expect(probes.map((p) => p.probe)).toEqual(['idle', 'old', 'shop']);
      for (const p of probes) expect(ajv.validate(PROBE_SUMMARY_SCHEMA, p), JSON.stringify(ajv.errors)).toBe(true);
      const shop = probes.find((p) => p.probe === 'shop');
      expect(shop).toMatchObject({
        url: 'http://127.0.0.1:8080/shop',
        consecutiveFailures: 0,
        sloPct: 99.9,
        sloMet: false,
        last: { ok: true, status: 200 },
        windows: { '24h': { checks: 144, up: 138 }, '7d': { checks: 1008, up: 1002 }, '30d': { checks: 1152, up: 1146 } },
      });
      expect(probes.find((p) => p.probe === 'idle')).toMatchObject({ url: 'http://127.0.0.1:8080/idle', last: null, sloPct: 95, sloMet: null, windows: { '30d': { checks: 0, availabilityPct: null } } });
      expect(probes.find((p) => p.probe === 'old')).toMatchObject({ last: { ok: true }, windows: { '30d': { checks: 3, up: 3 } } });
    });

    it('lists a probe\'s results newest first, within from/to and the limit', async () => {
      const all = await f.app.inject({ url: '/api/uptime/shop/results?limit=20', headers: f.auth('analyst') });
      expect(all.statusCode, all.body).toBe(200);
      const results = (all.json() as { results: ProbeResult[] }).results;
      expect(results).toHaveLength(20);
      for (const x of results) expect(ajv.validate(PROBE_RESULT_SCHEMA, x), JSON.stringify(ajv.errors)).toBe(true);
      expect(results.map((x) => x.at)).toEqual(results.map((x) => x.at).sort().reverse());
      expect(results.slice(12, 18).every((x) => !x.ok && x.error === 'connection refused' && x.status === null)).toBe(true);
      expect(results.filter((x) => x.ok)).toHaveLength(14);

      // the failures' window only: 2 h 05 min to 2 h 55 min ago
      const from = new Date(now - 3 * HOUR).toISOString();
      const to = new Date(now - 2 * HOUR).toISOString();
      const win = await f.app.inject({ url: `/api/uptime/shop/results?from=${from}&to=${to}`, headers: f.auth('admin') });
      expect(win.statusCode, win.body).toBe(200);
      const w = (win.json() as { results: ProbeResult[] }).results;
      expect(w).toHaveLength(6);
      expect(w.every((x) => !x.ok)).toBe(true);

      // a bare `to` date takes that whole day: every result of the day before today and earlier
      const today = new Date(now).toISOString().slice(0, 10);
      const yesterday = new Date(Date.parse(today) - 86_400_000).toISOString().slice(0, 10);
      const day = await f.app.inject({ url: `/api/uptime/shop/results?from=${yesterday}&to=${yesterday}&limit=1000`, headers: f.auth('admin') });
      const d = (day.json() as { results: ProbeResult[] }).results;
      expect(d).toHaveLength(144);
      expect(d.every((x) => x.at.startsWith(yesterday))).toBe(true);
    });

    it('a configured probe without results is an empty list; an unknown probe is 404', async () => {
      const idle = await f.app.inject({ url: '/api/uptime/idle/results', headers: f.auth('admin') });
      expect(idle.statusCode).toBe(200);
      expect(idle.json()).toEqual({ results: [] });
      // a probe dropped from the config, asked for a window it has nothing in, is still known
      const old = await f.app.inject({ url: `/api/uptime/old/results?from=${new Date(now - HOUR).toISOString()}`, headers: f.auth('admin') });
      expect(old.statusCode).toBe(200);
      expect(old.json()).toEqual({ results: [] });
      const none = await f.app.inject({ url: '/api/uptime/nope/results', headers: f.auth('admin') });
      expect(none.statusCode).toBe(404);
      expect(none.json()).toMatchObject({ statusCode: 404, code: 'VIGIL_ERR_API_NOT_FOUND' });
      expect(none.json().message).toContain('no uptime probe named "nope"');
    });

    it('refuses a bad query with 400 and names the problem', async () => {
      const bad = async (q: string) => {
        const r = await f.app.inject({ url: `/api/uptime/shop/results?${q}`, headers: f.auth('admin') });
        expect(r.statusCode, q).toBe(400);
        expect(r.json().code, q).toBe('VIGIL_ERR_API_INVALID');
        return r.json().message as string;
      };
      await bad('limit=0');
      await bad('limit=1001');
      await bad('from=yesterday');
      await bad('since=2026-01-01');
      expect(await bad('from=2026-12-02&to=2026-12-01')).toContain('is not before');
      expect(await bad('from=2026-02-30')).toContain('"2026-02-30"');
    });

    it('keeps probe results from CI, and from callers without credentials', async () => {
      for (const url of ['/api/uptime', '/api/uptime/shop/results']) {
        const ci = await f.app.inject({ url, headers: f.auth('ci') });
        expect(ci.statusCode, url).toBe(403);
        expect(ci.json().code).toBe('VIGIL_ERR_AUTH_FORBIDDEN');
        expect((await f.app.inject({ url })).statusCode, url).toBe(401);
      }
    });

    it('GET /api/perf: the perf parts per target, oldest first, limited per target and filtered by target', async () => {
      const r = await f.app.inject({ url: '/api/perf', headers: f.auth('ci') });
      expect(r.statusCode, r.body).toBe(200);
      const body = r.json() as { targets: { target: string; sharedCores: boolean; points: { runId: string; perf: { levels: { level: string; latencyMs: { p95: number } }[] } }[] }[]; runsScanned: number };
      expect(body.targets.map((t) => t.target)).toEqual(['other', 'web']);
      const web = body.targets[1]!;
      expect(web.sharedCores).toBe(true);
      expect(web.points.map((p) => p.runId)).toEqual(perfRuns);
      for (const p of web.points) expect(ajv.validate(PERF_POINT_SCHEMA, p), JSON.stringify(ajv.errors)).toBe(true);
      expect(web.points.map((p) => p.perf.levels.find((l) => l.level === '10x')!.latencyMs.p95)).toEqual([300, 250, 200]);
      const two = (await f.app.inject({ url: '/api/perf?target=web&limit=2', headers: f.auth('auditor') })).json() as typeof body;
      expect(two.targets.map((t) => t.target)).toEqual(['web']);
      expect(two.targets[0]!.points.map((p) => p.runId)).toEqual(perfRuns.slice(1));
      expect((await f.app.inject({ url: '/api/perf?limit=0', headers: f.auth('admin') })).statusCode).toBe(400);
    });
  });
}
