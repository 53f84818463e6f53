/**
 * `vigil serve` end to end: POST /api/runs starts a schedule's run through the server's own
 * scheduler, POST /api/runs/import records CI's SARIF, and the schedules view shows them.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { vigil, vigilSpawn } from '../helpers/cli.js';
import { createTestDatabase } from '../helpers/pg.js';
import { freePort } from '../helpers/ports.js';
import { sarifLog } from '../helpers/sarif.js';

const dir = mkdtempSync(join(tmpdir(), 'vigil-serve-runs-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Ask until `fn` gives a value (polling a live server; the bound is generous). */
async function until<T>(fn: () => Promise<T | undefined>, what: string): Promise<T> {
  for (let i = 0; i < 300; i++) {
    const v = await fn().catch(() => undefined);
    if (v !== undefined) return v;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`timed out waiting for ${what}`);
}

/** A token of `role` made with the CLI, as an Authorization header. */
function token(cwd: string, role: string): { authorization: string } {
  const r = vigil(['tokens', 'create', '--role', role, '--name', `${role}-pipeline`], { cwd });
  expect(r.code, r.stderr).toBe(0);
  return { authorization: `Bearer ${r.stdout.trim()}` };
}

function start(args: string[], cwd: string) {
  const child = vigilSpawn(args, { cwd });
  const out = { child, log: '' };
  child.stdout.on('data', (d) => (out.log += d));
  child.stderr.on('data', (d) => (out.log += d));
  return out;
}

async function stop(child: ReturnType<typeof vigilSpawn>): Promise<number | null> {
  if (child.exitCode !== null) return child.exitCode;
  const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
  child.kill('SIGTERM');
  return exited;
}

describe('vigil serve: starting runs and submitting results through the API', () => {
  it('runs a schedule on request, records CI\'s SARIF, and stops cleanly', async () => {
    writeFileSync(join(dir, 'app.sarif'), sarifLog([{ rule: 'js/xss', level: 'error', file: 'a.js', line: 1, snippet: 'x.innerHTML = y' }]));
    writeFileSync(
      join(dir, 'vigil.yaml'),
      'ledger: ledger.db\ntargets:\n  - name: app\n    kind: path\n    path: app.sarif\n    scanners: [import]\nschedules:\n  - name: hourly\n    cron: "0 * * * *"\n',
    );
    const [analyst, ci, admin] = [token(dir, 'analyst'), token(dir, 'ci'), token(dir, 'admin')];
    const port = await freePort();
    const child = vigilSpawn(['serve', '--port', String(port)], { cwd: dir });
    let logs = '';
    child.stdout.on('data', (d) => (logs += d));
    child.stderr.on('data', (d) => (logs += d));
    const base = `http://127.0.0.1:${port}`;
    try {
      await until(async () => ((await fetch(`${base}/healthz`)).ok ? true : undefined), 'the server');

      const started = await fetch(`${base}/api/runs`, { method: 'POST', headers: { ...analyst, 'content-type': 'application/json' }, body: JSON.stringify({ schedule: 'hourly' }) });
      expect(started.status, logs).toBe(202);
      const { runId, trigger } = (await started.json()) as { runId: string; trigger: string };
      expect(trigger).toBe('api:analyst-pipeline');
      const run = await until(async () => {
        const r = (await (await fetch(`${base}/api/runs/${runId}`, { headers: ci })).json()) as { run: { status: string } };
        return r.run.status === 'running' ? undefined : r.run;
      }, 'the run');
      expect(run).toMatchObject({ id: runId, trigger: 'api:analyst-pipeline', status: 'complete', parts: [{ scanner: 'import', target: 'app', findings: 1 }] });

      const imported = await fetch(`${base}/api/runs/import?target=ci-app&failOn=high`, {
        method: 'POST',
        headers: { ...ci, 'content-type': 'application/sarif+json' },
        body: sarifLog([{ rule: 'py/sql', level: 'error', file: 'db.py', line: 4, securitySeverity: '8.0' }]),
      });
      expect(imported.status, logs).toBe(201);
      expect(await imported.json()).toMatchObject({ trigger: 'import:ci-pipeline', summary: { findings: 1, new: 1 }, gate: { failOn: 'high', failed: true, counts: { high: 1 } } });
      // incidents were looked for after it, as after a scan, without a failure
      expect(logs).not.toMatch(/after the import|request failed/);

      const schedules = (await (await fetch(`${base}/api/schedules`, { headers: admin })).json()) as { schedules: { name: string; running: boolean; nextRun: string; lastRun: unknown }[] };
      // a run asked for through the API is not one of the cron's: the schedule has not fired yet
      expect(schedules.schedules).toEqual([expect.objectContaining({ name: 'hourly', running: false, lastRun: null, nextRun: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:00\.000Z$/) })]);
    } finally {
      const exited = new Promise<number | null>((r) => child.on('exit', (code) => r(code)));
      child.kill('SIGTERM');
      expect(await exited).toBe(0);
    }
  }, 60_000);
});

describe('vigil serve --queue: runs asked for through the API go to the workers', () => {
  it('queues the run under its id (running and queued until a worker records it), refuses the same schedule meanwhile', async () => {
    const { url, drop } = await createTestDatabase('vigil_api_queue');
    const qdir = mkdtempSync(join(tmpdir(), 'vigil-serve-queue-'));
    const children: ReturnType<typeof vigilSpawn>[] = [];
    try {
      writeFileSync(join(qdir, 'app.sarif'), sarifLog([{ rule: 'js/xss', level: 'error', file: 'a.js', line: 1, snippet: 'x.innerHTML = y' }]));
      writeFileSync(
        join(qdir, 'vigil.yaml'),
        `ledger: ${url}\nincidents:\n  enabled: false\ntargets:\n  - name: app\n    kind: path\n    path: app.sarif\n    scanners: [import]\nschedules:\n  - name: hourly\n    cron: "0 * * * *"\n`,
      );
      const analyst = token(qdir, 'analyst');
      const port = await freePort();
      const serve = start(['serve', '--queue', '--port', String(port)], qdir);
      children.push(serve.child);
      const base = `http://127.0.0.1:${port}`;
      await until(async () => ((await fetch(`${base}/healthz`)).ok ? true : undefined), 'the server');
      const post = (body: unknown) => fetch(`${base}/api/runs`, { method: 'POST', headers: { ...analyst, 'content-type': 'application/json' }, body: JSON.stringify(body) });
      const getRun = async (id: string) => ((await (await fetch(`${base}/api/runs/${id}`, { headers: analyst })).json()) as { run: { status: string; queued?: boolean } }).run;

      const r = await post({ schedule: 'hourly' });
      expect(r.status, serve.log).toBe(202);
      const queued = (await r.json()) as { runId: string; queued: boolean; status: string };
      expect(queued).toMatchObject({ status: 'running', queued: true });
      // no worker yet: it waits in the queue, and the API says so
      expect(await getRun(queued.runId)).toMatchObject({ id: queued.runId, status: 'running', queued: true, trigger: 'api:analyst-pipeline' });
      const again = await post({ schedule: 'hourly' });
      expect(again.status).toBe(409);
      expect(await again.json()).toMatchObject({ code: 'VIGIL_ERR_RUN_IN_PROGRESS' });
      const byTarget = await post({ target: 'app', scanners: ['import'] });
      expect(byTarget.status).toBe(202);
      const targetRun = (await byTarget.json()) as { runId: string };

      const worker = start(['worker'], qdir);
      children.push(worker.child);
      for (const id of [queued.runId, targetRun.runId]) {
        const run = await until(async () => {
          const v = await getRun(id);
          return v.status === 'running' ? undefined : v;
        }, `run ${id}`);
        // recorded by the worker under the id the API promised
        expect(run).toMatchObject({ id, status: 'complete', trigger: 'api:analyst-pipeline', parts: [{ scanner: 'import', target: 'app', findings: 1 }] });
        expect(run.queued).toBeUndefined();
      }
      // recorded, the schedule may be asked for again
      expect((await post({ schedule: 'hourly' })).status).toBe(202);
      expect(await stop(serve.child)).toBe(0);
      expect(await stop(worker.child)).toBe(0);
    } finally {
      for (const c of children) c.kill('SIGKILL');
      rmSync(qdir, { recursive: true, force: true });
      await drop();
    }
  }, 120_000);
});
