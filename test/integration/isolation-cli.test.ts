import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { openLedger } from '../../src/ledger/index.js';
import { vigil, vigilSpawn } from '../helpers/cli.js';
import { freePort } from '../helpers/ports.js';

// Scanners that misbehave on purpose, added to the built CLI's registry by its test-only hook.
const TEST_SCANNERS = fileURLToPath(new URL('../fixtures/runner/scanners.mjs', import.meta.url));
const INVALID_SARIF = fileURLToPath(new URL('../fixtures/import/invalid/runs-not-array.sarif', import.meta.url));
const env = { NODE_ENV: 'test', VIGIL_TEST_SCANNERS: TEST_SCANNERS };

const dir = mkdtempSync(join(tmpdir(), 'vigil-isolation-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

interface JsonOut {
  run: { status: string; scanners: { id: string; target: string; status: string; error: string | null; findings: number }[] };
  findings: { ruleId: string; target: string }[];
}

describe('vigil scan: each part on its own thread', () => {
  it('a scanner that spins forever ends at --timeout with exit 3, keeping what it found', () => {
    // 2 s: time enough, on a loaded machine, to start the thread and reach the spin
    const r = vigil(['scan', 'spin', '.', '--timeout', '2', '-f', 'json', '--no-ledger', '--fail-on', 'none'], { cwd: dir, env });
    expect(r.code, r.stderr).toBe(3);
    const out = JSON.parse(r.stdout) as JsonOut;
    expect(out.run.scanners).toEqual([expect.objectContaining({ id: 'spin', status: 'timeout', findings: 2 })]);
    expect(out.findings.map((f) => f.ruleId)).toEqual(['r1', 'r2']);
    expect(r.stderr).toMatch(/vigil: error spin on \. timeout: VIGIL_ERR_SCANNER_TIMEOUT/);
    expect(r.stderr).toMatch(/test scanners from .*scanners\.mjs/);
  });

  it('in a config run, the spinning and backtracking parts time out and the others complete', () => {
    writeFileSync(join(dir, 'vigil.yaml'), 'targets:\n  - name: app\n    kind: path\n    path: .\n    scanners: [spin, regex, ok]\n');
    const r = vigil(['scan', '--timeout', '2', '-f', 'json', '--fail-on', 'none'], { cwd: dir, env });
    expect(r.code, r.stderr).toBe(3);
    const out = JSON.parse(r.stdout) as JsonOut;
    expect(out.run.status).toBe('partial');
    expect(out.run.scanners.map((s) => [s.id, s.status, s.findings])).toEqual([
      ['spin', 'timeout', 2],
      ['regex', 'timeout', 1],
      ['ok', 'complete', 2],
    ]);
    rmSync(join(dir, 'vigil.yaml'));
  });

  it('an input error thrown on the thread still exits 2, naming the file and line', () => {
    const r = vigil(['scan', 'import', INVALID_SARIF, '--no-ledger'], { cwd: dir });
    expect(r.code, r.stderr).toBe(2);
    expect(r.stderr).toMatch(/VIGIL_ERR_SARIF_INVALID: .*runs-not-array\.sarif:4:\d+: runs/);
  });

  it("a scanner's stray stdout goes to stderr, never into the machine output", () => {
    const r = vigil(['scan', 'stdout', '.', '-f', 'json', '--no-ledger', '--fail-on', 'none'], { cwd: dir, env });
    expect(r.code, r.stderr).toBe(0);
    expect((JSON.parse(r.stdout) as JsonOut).findings).toHaveLength(1);
    expect(r.stderr).toContain('stray output from a scanner');
  });

  it('the test hook is ignored unless NODE_ENV=test', () => {
    const r = vigil(['scan', 'spin', '.', '--no-ledger'], { cwd: dir, env: { ...env, NODE_ENV: 'production' } });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/VIGIL_ERR_SCANNER_UNKNOWN: no scanner "spin"/);
  });
});

describe('vigil serve: scheduled runs on threads', () => {
  it('a stop (SIGTERM) ends a run whose part spins, and records it as not complete', async () => {
    const home = mkdtempSync(join(tmpdir(), 'vigil-isolation-serve-'));
    try {
      writeFileSync(
        join(home, 'vigil.yaml'),
        'ledger: ledger.db\ntargets:\n  - name: app\n    kind: path\n    path: .\n    scanners: [spin]\nschedules:\n  - name: hourly\n    cron: "0 * * * *"\n    runOnStart: true\n',
      );
      const child = vigilSpawn(['serve', '--port', String(await freePort())], { cwd: home, env });
      let logs = '';
      child.stdout.on('data', (d) => (logs += d));
      child.stderr.on('data', (d) => (logs += d));
      const exited = new Promise<number | null>((r) => child.on('exit', (code) => r(code)));
      try {
        while (!/run start:hourly started/.test(logs)) {
          if (child.exitCode !== null) throw new Error(`serve ended early: ${logs}`);
          await new Promise((r) => setTimeout(r, 50));
        }
        child.kill('SIGTERM');
        expect(await exited, logs).toBe(0);
      } finally {
        child.kill('SIGKILL');
      }
      const l = await openLedger(join(home, 'ledger.db'));
      try {
        const run = await l.lastRun(['start:hourly']);
        expect(run).toMatchObject({ status: 'failed', parts: [{ scanner: 'spin', status: 'aborted' }] });
      } finally {
        await l.close();
      }
    } finally {
      rmSync(home, { recursive: true, force: true });
    }
  }, 60_000);
});
