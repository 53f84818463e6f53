/**
 * POST /api/runs on a serve-like server: buildServer with the hook `vigil serve` gives it
 * (apiRunStarter), a real Scheduler and runScheduled, a real SQLite ledger, the real `import`
 * scanner and a fixture scanner that holds its run until the test releases it.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiRunStarter, type ScheduleFire } from '../../src/cli/serve.js';
import { loadConfig } from '../../src/config/index.js';
import type { VigilConfig } from '../../src/config/types.js';
import { runScheduled } from '../../src/queue/execute.js';
import { Scheduler } from '../../src/scheduler/index.js';
import { silentLogger } from '../../src/util/logger.js';
import { apiFixture, type ApiFixture } from '../helpers/api.js';
import { sarifLog } from '../helpers/sarif.js';

// read when the scanner registry first loads, at the first run (NODE_ENV is test under vitest)
process.env.VIGIL_TEST_SCANNERS = fileURLToPath(new URL('../fixtures/api-runs/scanners.mjs', import.meta.url));

type RunView = { id: string; trigger: string; status: string; parts: { scanner: string; target: string; status: string; findings: number }[]; queued?: boolean; error?: string };

describe('POST /api/runs through the scheduler and runScheduled', () => {
  let dir: string;
  let f: ApiFixture;
  let config: VigilConfig;
  let scheduler: Scheduler;
  let starter: ReturnType<typeof apiRunStarter>;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'vigil-api-runs-'));
    writeFileSync(join(dir, 'app.sarif'), sarifLog([{ rule: 'js/xss', level: 'error', file: 'a.js', line: 1, snippet: 'x.innerHTML = y' }]));
    mkdirSync(join(dir, 'held'));
    writeFileSync(
      join(dir, 'vigil.yaml'),
      [
        'ledger: ledger.db',
        'incidents:',
        '  enabled: false',
        'targets:',
        '  - name: app',
        '    kind: path',
        '    path: app.sarif',
        '    scanners: [import]',
        '  - name: held',
        '    kind: path',
        '    path: held',
        '    scanners: [gated]',
        'schedules:',
        '  - name: nightly',
        '    cron: "0 3 * * *"',
        '    targets: [app]',
        '  - name: slowly',
        '    cron: "0 4 * * *"',
        '    targets: [held]',
        '',
      ].join('\n'),
    );
    config = await loadConfig(join(dir, 'vigil.yaml'));
    // the ledger is the fixture's, opened by apiFixture; the scheduler is made over it next, as serve makes it
    const deps = () => ({ config, ledger: f.ledger, logger: silentLogger });
    starter = apiRunStarter({
      scheduler: { isRunning: (name) => scheduler.isRunning(name), trigger: (s, trigger) => scheduler.trigger(s, trigger) },
      ledger: { getRun: (id) => f.ledger.getRun(id) },
      runHere: (job) => runScheduled(deps(), job),
      logger: silentLogger,
    });
    f = await apiFixture(join(dir, 'ledger.db'), {
      dir,
      config,
      deps: { startRun: starter, schedules: () => config.schedules.map((s) => ({ name: s.name, cron: s.cron, running: scheduler.isRunning(s.name) })) },
    });
    // not started: no cron fires during the test, only the runs the API asks for
    scheduler = new Scheduler({
      schedules: config.schedules,
      ledger: f.ledger,
      execute: async (s: ScheduleFire, trigger) => {
        await runScheduled(deps(), { trigger, targets: s.targets, scanners: s.scanners, ...(s.runId ? { runId: s.runId } : {}) });
      },
    });
  });
  afterAll(async () => {
    // a held run still going is let go, so nothing runs on after the ledger closes
    writeFileSync(join(dir, 'held', 'release'), '');
    await scheduler.stop();
    await starter.idle();
    await f.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const post = (body: unknown, who: 'admin' | 'analyst' | 'auditor' | 'ci' = 'analyst') => f.app.inject({ method: 'POST', url: '/api/runs', headers: f.auth(who), payload: body as object });
  const getRun = async (id: string) => {
    const r = await f.app.inject({ url: `/api/runs/${id}`, headers: f.auth('ci') });
    expect(r.statusCode, r.body).toBe(200);
    return (r.json() as { run: RunView }).run;
  };
  /** GET /api/runs/:id until the run is no longer running (polling, not timing: the bound is generous). */
  const recorded = async (id: string) => {
    for (let i = 0; i < 1500; i++) {
      const run = await getRun(id);
      if (run.status !== 'running') return run;
      await new Promise((r) => setTimeout(r, 20));
    }
    throw new Error(`run ${id} still running`);
  };

  it('starts a schedule\'s run at once (202), answers running until it is recorded, and records the caller', async () => {
    const r = await post({ schedule: 'nightly' });
    expect(r.statusCode, r.body).toBe(202);
    const body = r.json() as { runId: string; trigger: string; status: string; queued: boolean };
    expect(body).toEqual({ runId: expect.any(String), trigger: 'api:analyst-bot', status: 'running', queued: false });
    expect(r.headers.location).toBe(`/api/runs/${body.runId}`);

    const run = await recorded(body.runId);
    expect(run).toMatchObject({ id: body.runId, trigger: 'api:analyst-bot', status: 'complete', parts: [{ scanner: 'import', target: 'app', status: 'complete', findings: 1 }] });
    expect(run.queued).toBeUndefined(); // the ledger's record, not the pending view
    const findings = await f.ledger.listFindings();
    expect(findings.findings.map((x) => [x.ruleId, x.target, x.lastRunId])).toEqual([['js/xss', 'app', body.runId]]);
    const requested = await f.ledger.eventsOfType(['scan.requested']);
    expect(requested.at(-1)).toMatchObject({ actor: 'analyst-bot', data: { runId: body.runId, trigger: 'api:analyst-bot', schedule: 'nightly', queued: false } });
  });

  it('a schedule whose run is still going is 409; its run answers running; once released it is recorded and may start again', async () => {
    const first = await post({ schedule: 'slowly' }, 'admin');
    expect(first.statusCode, first.body).toBe(202);
    const id = (first.json() as { runId: string }).runId;

    // held by the fixture scanner: the ledger has no such run yet, the API still knows it
    expect(await f.ledger.getRun(id)).toBeUndefined();
    expect(await getRun(id)).toMatchObject({ id, trigger: 'api:admin-bot', status: 'running', parts: [], queued: false, requested: { schedule: 'slowly' } });
    const again = await post({ schedule: 'slowly' });
    expect(again.statusCode, again.body).toBe(409);
    expect(again.json()).toMatchObject({ statusCode: 409, code: 'VIGIL_ERR_RUN_IN_PROGRESS' });
    expect(again.json().message).toContain('slowly');
    const schedules = await f.app.inject({ url: '/api/schedules', headers: f.auth('admin') });
    expect((schedules.json() as { schedules: { name: string; running: boolean }[] }).schedules.map((s) => [s.name, s.running])).toEqual([
      ['nightly', false],
      ['slowly', true],
    ]);
    // another schedule is not held back by it
    const other = await post({ schedule: 'nightly' });
    expect(other.statusCode, other.body).toBe(202);

    writeFileSync(join(dir, 'held', 'release'), '');
    expect(await recorded(id)).toMatchObject({ status: 'complete', parts: [{ scanner: 'gated', target: 'held', findings: 1 }] });
    await recorded((other.json() as { runId: string }).runId);
    const next = await post({ schedule: 'slowly' });
    expect(next.statusCode, next.body).toBe(202);
    expect(await recorded((next.json() as { runId: string }).runId)).toMatchObject({ status: 'complete' });
    rmSync(join(dir, 'held', 'release'));
  });

  it('runs named targets, with all their scanners or only some', async () => {
    const r = await post({ target: ['app', 'held'], scanners: ['import'] });
    expect(r.statusCode, r.body).toBe(202);
    const run = await recorded((r.json() as { runId: string }).runId);
    expect(run).toMatchObject({ trigger: 'api:analyst-bot', status: 'complete' });
    expect(run.parts.map((p) => `${p.scanner}@${p.target}`)).toEqual(['import@app']);

    const one = await post({ target: 'app' }, 'admin');
    expect(one.statusCode, one.body).toBe(202);
    expect((await recorded((one.json() as { runId: string }).runId)).parts.map((p) => `${p.scanner}@${p.target}`)).toEqual(['import@app']);
    const requested = await f.ledger.eventsOfType(['scan.requested']);
    expect(requested.at(-1)).toMatchObject({ actor: 'admin-bot', data: { targets: ['app'] } });
  });

  it('refuses what the config does not have, and malformed requests, before anything runs', async () => {
    const before = await f.ledger.listRuns({ limit: 500 });
    const cases: [unknown, number, string, RegExp?][] = [
      [{ schedule: 'weekly' }, 400, 'VIGIL_ERR_SCHEDULE_UNKNOWN', /no schedule "weekly".*schedules: nightly, slowly/],
      [{ target: 'shop' }, 400, 'VIGIL_ERR_TARGET_UNKNOWN', /no target "shop".*targets: app, held/],
      [{ target: ['app', 'nope'] }, 400, 'VIGIL_ERR_TARGET_UNKNOWN', /"nope"/],
      [{ target: 'app', scanners: ['web'] }, 400, 'VIGIL_ERR_SCANNER_UNKNOWN', /no scanner "web" on target app; the config gives import/],
      [{ schedule: 'nightly', target: 'app' }, 400, 'VIGIL_ERR_API_INVALID', /either "schedule".*or "target"/],
      [{}, 400, 'VIGIL_ERR_API_INVALID', /either "schedule"/],
      [{ schedule: 'nightly', scanners: ['import'] }, 400, 'VIGIL_ERR_API_INVALID', /body\.scanners/],
      [{ target: 'app', force: true }, 400, 'VIGIL_ERR_API_INVALID', /unknown field "force"/],
      [{ target: 5 }, 400, 'VIGIL_ERR_API_INVALID', /body\.target/],
      [{ target: [] }, 400, 'VIGIL_ERR_API_INVALID', /body\.target/],
      [{ target: '../app' }, 400, 'VIGIL_ERR_API_INVALID', /body\.target/],
      [{ target: 'app', scanners: 'import' }, 400, 'VIGIL_ERR_API_INVALID', /body\.scanners/],
      [['app'], 400, 'VIGIL_ERR_API_INVALID', /body/],
    ];
    for (const [body, status, code, message] of cases) {
      const r = await post(body);
      expect(r.statusCode, `${JSON.stringify(body)}: ${r.body}`).toBe(status);
      expect(r.json(), JSON.stringify(body)).toMatchObject({ statusCode: status, code });
      if (message) expect(r.json().message).toMatch(message);
    }
    const malformed = await f.app.inject({ method: 'POST', url: '/api/runs', headers: { ...f.auth('analyst'), 'content-type': 'application/json' }, payload: '{"schedule": "nightly"' });
    expect(malformed.json()).toEqual({ statusCode: 400, code: 'VIGIL_ERR_API_INVALID', message: 'body: not valid JSON' });
    // the default body limit holds here: only the import route takes more
    const big = await f.app.inject({
      method: 'POST',
      url: '/api/runs',
      headers: { ...f.auth('analyst'), 'content-type': 'application/json' },
      payload: JSON.stringify({ target: 'app', pad: 'x'.repeat(1024 * 1024 + 1) }),
    });
    expect(big.statusCode).toBe(413);
    expect(big.json()).toMatchObject({ code: 'VIGIL_ERR_INPUT_TOO_LARGE' });
    for (const who of ['auditor', 'ci'] as const) {
      const r = await post({ schedule: 'nightly' }, who);
      expect(r.statusCode).toBe(403);
    }
    expect(await f.ledger.listRuns({ limit: 500 })).toEqual(before);
  });
});

describe('POST /api/runs without a scheduler, and a run that ends unrecorded', () => {
  let f: ApiFixture;
  let g: ApiFixture;
  beforeAll(async () => {
    const dir = mkdtempSync(join(tmpdir(), 'vigil-api-runs-bare-'));
    writeFileSync(join(dir, 'vigil.yaml'), 'targets:\n  - name: app\n    kind: path\n    path: .\n    scanners: [import]\n');
    const config = await loadConfig(join(dir, 'vigil.yaml'));
    f = await apiFixture(join(dir, 'bare.db'), { config });
    g = await apiFixture(join(dir, 'failing.db'), {
      config,
      deps: { startRun: async () => ({ runId: 'run-that-fails', queued: false, done: Promise.reject(new Error('cannot reach https://user:hunter22secret@db.test/')) }) },
    });
  });
  afterAll(async () => {
    await f.close();
    await g.close();
  });

  it('answers 503 with a code that says the server has no scheduler', async () => {
    const r = await f.app.inject({ method: 'POST', url: '/api/runs', headers: f.auth('admin'), payload: { target: 'app' } });
    expect(r.statusCode).toBe(503);
    expect(r.json()).toMatchObject({ statusCode: 503, code: 'VIGIL_ERR_RUNS_UNAVAILABLE' });
    expect(await f.ledger.eventsOfType(['scan.requested'])).toEqual([]);
  });

  it('a run that ended without being recorded answers failed, with its error redacted', async () => {
    const r = await g.app.inject({ method: 'POST', url: '/api/runs', headers: g.auth('admin'), payload: { target: 'app' } });
    expect(r.statusCode, r.body).toBe(202);
    let run: RunView | undefined;
    for (let i = 0; i < 500 && run?.status !== 'failed'; i++) {
      run = ((await g.app.inject({ url: '/api/runs/run-that-fails', headers: g.auth('ci') })).json() as { run: RunView }).run;
      if (run.status !== 'failed') await new Promise((res) => setTimeout(res, 10));
    }
    expect(run).toMatchObject({ id: 'run-that-fails', status: 'failed', parts: [] });
    expect(run!.error).toContain('cannot reach https://user:***@db.test/');
    expect(JSON.stringify(run)).not.toContain('hunter22secret');
    // an id the server never started is still unknown
    expect((await g.app.inject({ url: '/api/runs/never-started', headers: g.auth('ci') })).statusCode).toBe(404);
  });
});
