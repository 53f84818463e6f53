import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { openLedger } from '../../src/ledger/index.js';
import { vigilSpawn } from '../helpers/cli.js';
import { fileFinding, runOf } from '../helpers/findings.js';
import { createTestDatabase } from '../helpers/pg.js';

const CHILD = fileURLToPath(new URL('../fixtures/ledger/ingest-child.mjs', import.meta.url));

/**
 * Start a real process ingesting `count` findings, SIGKILL it `delayMs` after it starts the
 * ingest, and resolve once it is dead. Rejects if it finished first (the test would prove nothing).
 */
function killMidIngest(location: string, count: number, delayMs: number, midway?: () => boolean): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CHILD, location, String(count)], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stderr.on('data', (d) => (err += d));
    child.stdout.on('data', (d) => {
      out += d;
      if (out.includes('ingest-start') && !child.killed) {
        const started = Date.now();
        const poll = setInterval(() => {
          if (Date.now() - started >= delayMs && (!midway || midway())) {
            clearInterval(poll);
            child.kill('SIGKILL');
          }
        }, 20);
      }
    });
    child.on('exit', (code, signal) => {
      if (out.includes('ingest-done')) reject(new Error('the ingest finished before the kill; raise the count'));
      else if (signal !== 'SIGKILL') reject(new Error(`child exited ${code}: ${err}`));
      else resolve();
    });
  });
}

async function snapshot(location: string) {
  const l = await openLedger(location);
  try {
    const page = await l.listFindings({ status: ['open', 'fixed', 'reopened'], withTotal: true, limit: 1 });
    return { total: page.total, head: await l.head(), verify: await l.verify(), runs: (await l.listRuns({ limit: 100 })).length };
  } finally {
    await l.close();
  }
}

const cleanups: (() => Promise<void> | void)[] = [];
afterAll(async () => {
  for (const c of cleanups) await c();
});

describe('a run killed mid-ingest (SIGKILL) leaves the ledger as it was', () => {
  it('on SQLite', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'vigil-kill-'));
    cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
    const file = join(dir, 'ledger.db');
    const l = await openLedger(file);
    await l.ingest(runOf(Array.from({ length: 50 }, (_, i) => fileFinding(i, { target: 'big', scanner: 'import' })), [{ target: 'big' }]));
    await l.close();
    const before = await snapshot(file);
    const walBefore = statSync(`${file}-wal`, { throwIfNoEntry: false })?.size ?? 0;
    // Kill once the transaction has spilled pages into the WAL: proof it was mid-write.
    await killMidIngest(file, 250_000, 300, () => (statSync(`${file}-wal`, { throwIfNoEntry: false })?.size ?? 0) > walBefore + 4 * 1024 * 1024);
    const after = await snapshot(file);
    expect(after.verify.ok).toBe(true);
    expect(after).toEqual(before);
    expect(after.total).toBe(50);
  }, 120_000);

  it('on PostgreSQL', async () => {
    const { url, drop } = await createTestDatabase('vigil_kill');
    cleanups.push(drop);
    const l = await openLedger(url);
    await l.ingest(runOf(Array.from({ length: 50 }, (_, i) => fileFinding(i, { target: 'big' })), [{ target: 'big' }]));
    await l.close();
    const before = await snapshot(url);
    await killMidIngest(url, 250_000, 1500);
    // The server notices the dead connection and rolls its transaction back.
    const after = await snapshot(url);
    expect(after.verify.ok).toBe(true);
    expect(after).toEqual(before);
  }, 120_000);
});

describe('SIGINT during a scan', () => {
  it('ends the run even while a part blocks its thread (and has started a thread of its own)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'vigil-sigint-'));
    cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
    const beat = join(dir, 'beat');
    // `nested` (a test scanner) starts a thread that beats into a file, then spins without end
    writeFileSync(join(dir, 'vigil.yaml'), `targets:\n  - name: app\n    kind: path\n    path: .\n    scanners:\n      nested: { beat: ${JSON.stringify(beat)} }\n`);
    const scanners = fileURLToPath(new URL('../fixtures/runner/scanners.mjs', import.meta.url));
    const child = vigilSpawn(['scan', '--no-ledger', '-f', 'json'], { cwd: dir, env: { NODE_ENV: 'test', VIGIL_TEST_SCANNERS: scanners } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    // 'close', not 'exit': the JSON on stdout is read to its end
    const exited = new Promise<number | null>((r) => child.on('close', (code) => r(code)));
    try {
      while (!existsSync(`${beat}.started`)) {
        if (child.exitCode !== null) throw new Error(`vigil ended before the part started: ${stderr}`);
        await new Promise((r) => setTimeout(r, 50));
      }
      child.kill('SIGINT');
      expect(await exited, stderr).toBe(3);
      const out = JSON.parse(stdout) as { run: { scanners: { status: string; error: string; findings: number }[] } };
      expect(out.run.scanners).toEqual([expect.objectContaining({ status: 'aborted', error: 'interrupted', findings: 1 })]);
    } finally {
      child.kill('SIGKILL');
    }
  }, 60_000);
});
