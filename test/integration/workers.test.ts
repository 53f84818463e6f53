/**
 * Scale-out on the real PostgreSQL: `vigil serve --queue` instances schedule (one leader, by an
 * advisory lock) and `vigil worker` processes scan. Every scheduled run executes exactly once; a
 * worker killed mid-run has its job retried by another.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { vigil, vigilSpawn } from '../helpers/cli.js';
import { createTestDatabase } from '../helpers/pg.js';
import { freePort } from '../helpers/ports.js';
import { scanJobId } from '../../src/queue/queue.js';

const SCANNERS = fileURLToPath(new URL('../fixtures/runner/scanners.mjs', import.meta.url));
const env = { NODE_ENV: 'test', VIGIL_TEST_SCANNERS: SCANNERS, VIGIL_LOG_LEVEL: 'info' };

type Child = ReturnType<typeof vigilSpawn> & { log: string };

function start(args: string[], cwd: string): Child {
  const c = vigilSpawn(args, { cwd, env }) as Child;
  c.log = '';
  c.stdout.on('data', (d: Buffer) => (c.log += d.toString()));
  c.stderr.on('data', (d: Buffer) => (c.log += d.toString()));
  return c;
}

async function until<T>(what: string, fn: () => Promise<T | undefined> | T | undefined, ms: number): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await fn();
    if (v !== undefined && v !== false) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

const stop = (c: Child) =>
  new Promise<number | null>((r) => {
    if (c.exitCode !== null) return r(c.exitCode);
    c.once('exit', (code) => r(code));
    c.kill('SIGTERM');
  });

describe('serve --queue with workers on PostgreSQL', () => {
  let url: string;
  let drop: () => Promise<void>;
  let dir: string;
  const children: Child[] = [];
  const query = async <T extends pg.QueryResultRow>(sql: string): Promise<T[]> => {
    const c = new pg.Client({ connectionString: url });
    await c.connect();
    try {
      return (await c.query<T>(sql)).rows;
    } finally {
      await c.end();
    }
  };

  beforeAll(async () => {
    ({ url, drop } = await createTestDatabase('vigil_workers'));
    dir = mkdtempSync(join(tmpdir(), 'vigil-workers-'));
  });
  afterAll(async () => {
    for (const c of children) c.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
    await drop();
  });

  it('two serve instances, one leader; three workers; every fire runs exactly once', async () => {
    writeFileSync(
      join(dir, 'vigil.yaml'),
      `ledger: ${url}\nincidents:\n  enabled: false\ntargets:\n  - name: app\n    kind: path\n    path: .\n    scanners: [slow]\nschedules:\n  - name: fast\n    cron: "* * * * * *"\n`,
    );
    const ports = [await freePort(), await freePort()];
    const serves = ports.map((p) => start(['serve', '--queue', '--port', String(p)], dir));
    children.push(...serves);
    await until('both serve instances up', () => serves.every((s) => /vigil serving on/.test(s.log)), 30_000);
    const token = vigil(['tokens', 'create', '--role', 'ci', '--name', 'prometheus', '--ledger', url], { cwd: dir }).stdout.trim();
    expect(token).toMatch(/^vgl_/);
    const workers = [0, 1, 2].map(() => start(['worker'], dir));
    children.push(...workers);
    await until('the workers ready', () => workers.every((w) => /worker ready/.test(w.log)), 30_000);
    // a run takes two seconds and one is due every second: one worker alone cannot keep up
    await until('six recorded runs', async () => Number((await query<{ n: string }>(`select count(*) as n from runs`))[0]!.n) >= 6 || undefined, 60_000);
    // the workers' runs reach each serve's /metrics through the ledger: scan durations and the scheduler's lag
    for (const port of ports) {
      await until(
        `serve on ${port} counting the workers' runs in /metrics`,
        async () => {
          const text = await (await fetch(`http://127.0.0.1:${port}/metrics`, { headers: { authorization: `Bearer ${token}` } })).text();
          const scans = Number(/^vigil_scan_duration_seconds_count\{scanner="slow",status="complete"\} (\d+)$/m.exec(text)?.[1] ?? 0);
          const lag = Number(/^vigil_scheduler_lag_seconds_count\{schedule="fast"\} (\d+)$/m.exec(text)?.[1] ?? 0);
          return scans >= 1 && lag >= 1 ? true : undefined;
        },
        30_000,
      );
    }
    for (const s of serves) expect(await stop(s)).toBe(0);
    // what was queued drains, then the workers stop
    await until('the queue drained', async () => Number((await query<{ n: string }>(`select count(*) as n from pgboss.job where name = 'vigil-scan' and state in ('created','retry','active')`))[0]!.n) === 0 || undefined, 90_000);
    for (const w of workers) expect(await stop(w)).toBe(0);

    expect(serves.filter((s) => /this instance leads/.test(s.log))).toHaveLength(1);
    const jobs = await query<{ id: string; data: { trigger: string; due: string } }>(
      `select id::text, data from pgboss.job where name = 'vigil-scan' union all select id::text, data from pgboss.archive where name = 'vigil-scan'`,
    );
    const runs = await query<{ id: string; trigger: string; status: string }>(`select id, trigger, status from runs order by started_at`);
    // exactly once: one run per queued job, with the job's id; one job per schedule fire
    expect(runs.map((r) => r.id).sort()).toEqual(jobs.map((j) => j.id).sort());
    expect(new Set(jobs.map((j) => j.data.due)).size).toBe(jobs.length);
    for (const j of jobs) expect(j.id).toBe(scanJobId(j.data));
    expect(runs.every((r) => r.trigger === 'schedule:fast' && r.status === 'complete')).toBe(true);
    // the work was shared
    expect(workers.filter((w) => /run schedule:fast complete/.test(w.log))).toHaveLength(3);
  }, 180_000);

  it('a worker killed mid-run: its job expires and another worker runs it, once', async () => {
    await query('delete from runs');
    writeFileSync(
      join(dir, 'vigil.yaml'),
      `ledger: ${url}\nincidents:\n  enabled: false\ntargets:\n  - name: app\n    kind: path\n    path: .\n    scanners: [slow]\nschedules:\n  - name: slowly\n    cron: "0 0 1 1 *"\n    runOnStart: true\n`,
    );
    const first = start(['worker'], dir);
    children.push(first);
    await until('the first worker ready', () => /worker ready/.test(first.log), 30_000);
    const serve = start(['serve', '--queue', '--job-timeout', '4', '--port', String(await freePort())], dir);
    children.push(serve);
    await until('the first worker to start the run', () => /run start:slowly started/.test(first.log), 30_000);
    first.kill('SIGKILL');
    const second = start(['worker'], dir);
    children.push(second);
    await until('the second worker to finish it', () => /run start:slowly complete/.test(second.log), 60_000);
    expect(await stop(serve)).toBe(0);
    expect(await stop(second)).toBe(0);
    const runs = await query<{ id: string; trigger: string }>(`select id, trigger from runs`);
    expect(runs).toHaveLength(1);
    expect(runs[0]!.trigger).toBe('start:slowly');
    const job = await query<{ retry_count: number }>(`select retry_count from pgboss.job where id = '${runs[0]!.id}' union all select retry_count from pgboss.archive where id = '${runs[0]!.id}'`);
    expect(job[0]!.retry_count).toBeGreaterThanOrEqual(1);
  }, 180_000);
});
