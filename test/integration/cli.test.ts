import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { vigil } from '../helpers/cli.js';
import { sarifLog } from '../helpers/sarif.js';
import { createTestDatabase } from '../helpers/pg.js';

let dir: string;
const roots: string[] = [];

function fresh(): string {
  const d = mkdtempSync(join(tmpdir(), 'vigil-cli-'));
  roots.push(d);
  return d;
}
afterAll(() => {
  for (const d of roots) rmSync(d, { recursive: true, force: true });
});

/** Three results: one error (high), one warning (medium), one with security-severity 9.8 (critical). */
const THREE = sarifLog([
  { rule: 'js/sql-injection', level: 'error', file: 'src/db.js', line: 10, snippet: 'db.query("select " + id)', securitySeverity: '9.8' },
  { rule: 'js/xss', level: 'error', file: 'src/render.js', line: 4, snippet: 'el.innerHTML = q' },
  { rule: 'js/weak-hash', level: 'warning', file: 'src/hash.js', line: 2, snippet: "createHash('md5')" },
]);

function write(name: string, text: string): string {
  const p = join(dir, name);
  writeFileSync(p, text);
  return p;
}

function eventsCount(): number {
  const db = new Database(join(dir, '.vigil/ledger.db'), { readonly: true });
  const n = (db.prepare('select count(*) n from events').get() as { n: number }).n;
  db.close();
  return n;
}

describe('vigil scan import', () => {
  beforeEach(() => {
    dir = fresh();
  });

  it('gates on --fail-on: exit 1 at high, 0 at critical for a run with no critical left', () => {
    write('results.sarif', THREE);
    const high = vigil(['scan', 'import', 'results.sarif', '--fail-on', 'high'], { cwd: dir });
    expect(high.code).toBe(1);
    expect(high.stdout).toMatch(/js\/sql-injection/);
    expect(high.stdout).toMatch(/gate failed at high/i);
    const none = vigil(['scan', 'import', 'results.sarif', '--fail-on', 'none'], { cwd: dir });
    expect(none.code).toBe(0);
    write('low.sarif', sarifLog([{ rule: 'a', level: 'note', file: 'a.js', line: 1 }]));
    expect(vigil(['scan', 'import', 'low.sarif', '--fail-on', 'medium'], { cwd: dir }).code).toBe(0);
    expect(vigil(['scan', 'import', 'low.sarif', '--fail-on', 'low'], { cwd: dir }).code).toBe(1);
  });

  it('prints the architecture\'s JSON shape on stdout and the human summary on stderr', () => {
    write('results.sarif', THREE);
    const r = vigil(['scan', 'import', 'results.sarif', '--format', 'json'], { cwd: dir });
    expect(r.code).toBe(1);
    const out = JSON.parse(r.stdout);
    expect(Object.keys(out).sort()).toEqual(['findings', 'gate', 'run', 'schemaVersion', 'summary']);
    expect(out.schemaVersion).toBe(1);
    expect(out.run.status).toBe('complete');
    expect(out.run.scanners).toEqual([{ id: 'import', target: 'results.sarif', status: 'complete', error: null, findings: 3, notes: [] }]);
    expect(out.summary).toEqual({ critical: 1, high: 1, medium: 1, low: 0, info: 0 });
    expect(out.gate).toMatchObject({ failOn: 'high', failed: true });
    expect(out.findings.map((f: { severity: string }) => f.severity)).toEqual(['critical', 'high', 'medium']);
    expect(out.findings[0]).toMatchObject({ ruleId: 'js/sql-injection', status: 'open', id: expect.any(Number) });
    expect(r.stderr).toMatch(/1 critical, 1 high, 1 medium/);
  });

  it('writes SARIF and JUnit to --output files', () => {
    write('results.sarif', THREE);
    expect(vigil(['scan', 'import', 'results.sarif', '-f', 'sarif', '-o', 'out/vigil.sarif', '--no-ledger'], { cwd: dir }).code).toBe(1);
    const sarif = JSON.parse(readFileSync(join(dir, 'out/vigil.sarif'), 'utf8'));
    expect(sarif.version).toBe('2.1.0');
    expect(sarif.runs[0].results).toHaveLength(3);
    expect(sarif.runs[0].results[0].partialFingerprints['vigil/v1']).toMatch(/^[0-9a-f]{32}$/);
    expect(vigil(['scan', 'import', 'results.sarif', '-f', 'junit', '-o', 'junit.xml', '--no-ledger'], { cwd: dir }).code).toBe(1);
    expect(readFileSync(join(dir, 'junit.xml'), 'utf8')).toMatch(/<testsuites[^>]*failures="2"/);
  });

  it('remembers findings across runs: fixed when gone from a complete run, reopened when back', () => {
    write('results.sarif', THREE);
    vigil(['scan', 'import', 'results.sarif'], { cwd: dir });
    write('results.sarif', sarifLog([{ rule: 'js/xss', level: 'error', file: 'src/render.js', line: 7, snippet: 'el.innerHTML = q' }]));
    const second = vigil(['scan', 'import', 'results.sarif'], { cwd: dir });
    expect(second.stderr).toMatch(/0 new, 0 reopened, 2 fixed, 1 still open/);
    const list = JSON.parse(vigil(['findings', 'list', '--status', 'all', '--format', 'json'], { cwd: dir }).stdout);
    expect(list.findings.map((f: { ruleId: string; status: string }) => `${f.ruleId}:${f.status}`).sort()).toEqual([
      'js/sql-injection:fixed',
      'js/weak-hash:fixed',
      'js/xss:open',
    ]);
    // The line moved from 4 to 7 with the same code: still the same finding, now at line 7.
    const xss = list.findings.find((f: { ruleId: string }) => f.ruleId === 'js/xss');
    expect(xss.location.startLine).toBe(7);
    write('results.sarif', THREE);
    expect(vigil(['scan', 'import', 'results.sarif'], { cwd: dir }).stderr).toMatch(/0 new, 2 reopened, 0 fixed/);
    expect(vigil(['ledger', 'verify'], { cwd: dir }).code).toBe(0);
  });

  it('honours --baseline: only new findings count', () => {
    write('results.sarif', THREE);
    const first = vigil(['scan', 'import', 'results.sarif', '-f', 'json', '-o', 'baseline.json', '--no-ledger'], { cwd: dir });
    expect(first.code).toBe(1);
    expect(vigil(['scan', 'import', 'results.sarif', '--baseline', 'baseline.json', '--no-ledger'], { cwd: dir }).code).toBe(0);
    write(
      'results.sarif',
      sarifLog([
        { rule: 'js/xss', level: 'error', file: 'src/render.js', line: 4, snippet: 'el.innerHTML = q' },
        { rule: 'js/xss', level: 'error', file: 'src/other.js', line: 9, snippet: 'div.innerHTML = name' },
      ]),
    );
    const r = vigil(['scan', 'import', 'results.sarif', '--baseline', 'baseline.json', '--no-ledger', '-f', 'json'], { cwd: dir });
    expect(r.code).toBe(1);
    const out = JSON.parse(r.stdout);
    expect(out.gate.counted).toBe(1);
    expect(out.findings.map((f: { baselineState: string }) => f.baselineState).sort()).toEqual(['new', 'unchanged']);
  });

  it('honours .vigilignore.yaml, and warns when a suppression has expired', () => {
    write('results.sarif', THREE);
    write(
      '.vigilignore.yaml',
      'suppressions:\n  - id: js/sql-injection\n    reason: parameterised upstream\n    expires: 2999-01-01\n  - id: js/xss\n    reason: escaped by the template\n',
    );
    expect(vigil(['scan', 'import', 'results.sarif', '--no-ledger'], { cwd: dir }).code).toBe(0);
    write('.vigilignore.yaml', 'suppressions:\n  - id: js/sql-injection\n    reason: old\n    expires: 2020-01-01\n  - id: js/xss\n    reason: escaped\n');
    const r = vigil(['scan', 'import', 'results.sarif', '--no-ledger'], { cwd: dir });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/\.vigilignore\.yaml:2.*expired on 2020-01-01/);
  });

  it('excludes accepted risks from the gate until the acceptance expires', () => {
    write('results.sarif', sarifLog([{ rule: 'js/xss', level: 'error', file: 'src/render.js', line: 4, snippet: 'el.innerHTML = q' }]));
    expect(vigil(['scan', 'import', 'results.sarif'], { cwd: dir }).code).toBe(1);
    const [f] = JSON.parse(vigil(['findings', 'list', '-f', 'json'], { cwd: dir }).stdout).findings;
    const bad = vigil(['findings', 'triage', String(f.id), '--status', 'accepted'], { cwd: dir });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/VIGIL_ERR_TRIAGE_INVALID.*justification/);
    const ok = vigil(
      ['findings', 'triage', String(f.id), '--status', 'accepted', '--justification', 'WAF rule 12', '--approver', 'ciso', '--expires', '2999-01-01', '--actor', 'ana'],
      { cwd: dir },
    );
    expect(ok.code).toBe(0);
    expect(vigil(['scan', 'import', 'results.sarif'], { cwd: dir }).code).toBe(0);
    const shown = vigil(['findings', 'show', String(f.id)], { cwd: dir });
    expect(shown.stdout).toMatch(/accepted by ciso: WAF rule 12/);
    expect(shown.stdout).toMatch(/finding\.triaged by ana/);
    expect(vigil(['findings', 'show', '999'], { cwd: dir }).code).toBe(2);
  });

  it('lists with filters and prints { findings } as JSON', () => {
    write('results.sarif', THREE);
    vigil(['scan', 'import', 'results.sarif'], { cwd: dir });
    const r = vigil(['findings', 'list', '--severity', 'high,critical', '--status', 'open', '-f', 'json'], { cwd: dir });
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(Object.keys(out)).toEqual(['findings']);
    expect(out.findings.map((f: { severity: string }) => f.severity)).toEqual(['critical', 'high']);
    expect(vigil(['findings', 'list', '--severity', 'severe'], { cwd: dir }).code).toBe(2);
    expect(vigil(['findings', 'list'], { cwd: dir }).stdout).toMatch(/1–3 of 3/);
  });

  it('scans without a ledger with --no-ledger', () => {
    write('results.sarif', THREE);
    vigil(['scan', 'import', 'results.sarif', '--no-ledger'], { cwd: dir });
    expect(existsSync(join(dir, '.vigil'))).toBe(false);
  });
});

describe('bad input: exit 2 naming file and line, ledger unchanged', () => {
  beforeEach(() => {
    dir = fresh();
    write('good.sarif', THREE);
    expect(vigil(['scan', 'import', 'good.sarif'], { cwd: dir }).code).toBe(1);
  });

  it.each([
    ['truncated JSON', 'bad.sarif', THREE.slice(0, 200), /VIGIL_ERR_SARIF_PARSE: bad\.sarif:\d+:\d+/],
    ['SARIF 1.0', 'bad.sarif', THREE.replace('"2.1.0"', '"1.0.0"'), /VIGIL_ERR_SARIF_INVALID: bad\.sarif:3:\d+: version/],
    ['a bad level', 'bad.sarif', THREE.replace('"level": "warning"', '"level": "fatal"'), /VIGIL_ERR_SARIF_INVALID: bad\.sarif:\d+:\d+: runs\[0\]\.results\[2\]\.level/],
  ])('%s', (_name, file, text, message) => {
    write(file, text);
    const before = eventsCount();
    const r = vigil(['scan', 'import', file], { cwd: dir });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(message);
    expect(eventsCount()).toBe(before);
    expect(vigil(['ledger', 'verify'], { cwd: dir }).code).toBe(0);
  });

  it('a missing file', () => {
    const r = vigil(['scan', 'import', 'nope.sarif'], { cwd: dir });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/nope\.sarif/);
  });

  it('a bad config', () => {
    write('vigil.yaml', 'targets:\n  - name: app\n    kind: path\n    path: .\n    scaners: [import]\n');
    const r = vigil(['scan'], { cwd: dir });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/VIGIL_ERR_CONFIG_INVALID: vigil\.yaml:5:5: targets\[0\]: unknown key "scaners"/);
  });

  it('a bad suppression file', () => {
    write('.vigilignore.yaml', 'suppressions:\n  - id: js/xss\n');
    const before = eventsCount();
    const r = vigil(['scan', 'import', 'good.sarif'], { cwd: dir });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/VIGIL_ERR_SUPPRESSION_INVALID: \.vigilignore\.yaml:2:\d+: .*reason/);
    expect(eventsCount()).toBe(before);
  });

  it('a bad baseline', () => {
    write('base.json', '{"schemaVersion": 1, "findings": [\n  {"ruleId": "x"}\n]}');
    const before = eventsCount();
    const r = vigil(['scan', 'import', 'good.sarif', '--baseline', 'base.json'], { cwd: dir });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/VIGIL_ERR_BASELINE_INVALID: base\.json:2:\d+: findings\[0\]/);
    expect(eventsCount()).toBe(before);
  });

  it('bad usage', () => {
    expect(vigil(['scan', 'import', 'good.sarif', '--fail-on', 'severe'], { cwd: dir }).code).toBe(2);
    expect(vigil(['scan', 'nosuch', 'good.sarif'], { cwd: dir }).stderr).toMatch(/VIGIL_ERR_SCANNER_UNKNOWN/);
    expect(vigil(['scan', '--bogus'], { cwd: dir }).code).toBe(2);
    expect(vigil(['scan', 'import'], { cwd: dir }).code).toBe(2);
    expect(vigil(['frobnicate'], { cwd: dir }).code).toBe(2);
  });
});

describe('vigil ledger verify', () => {
  beforeEach(() => {
    dir = fresh();
    write('results.sarif', THREE);
    vigil(['scan', 'import', 'results.sarif'], { cwd: dir });
    vigil(['scan', 'import', 'results.sarif'], { cwd: dir });
  });

  it('exit 0 when intact', () => {
    const r = vigil(['ledger', 'verify'], { cwd: dir });
    expect(r.code).toBe(0);
    // 3 findings opened, the incident the critical one opened (fallback runbook), 2 runs
    expect(r.stdout).toMatch(/ledger intact: 6 events/);
  });

  it('exit 1 naming the first broken event when an event was edited', () => {
    const db = new Database(join(dir, '.vigil/ledger.db'));
    db.prepare(`update events set data = replace(data, '"target"', '"tarjet"') where seq = 2`).run();
    db.close();
    const r = vigil(['ledger', 'verify', '-f', 'json'], { cwd: dir });
    expect(r.code).toBe(1);
    expect(JSON.parse(r.stdout).broken.seq).toBe(2);
  });
});

describe('other commands', () => {
  beforeEach(() => {
    dir = fresh();
  });

  it('--help everywhere', () => {
    for (const args of [['--help'], ['scan', '--help'], ['findings', 'list', '--help'], ['findings', 'triage', '--help'], ['findings', 'show', '--help'], ['ledger', 'verify', '--help'], ['init', '--help'], ['serve', '--help']]) {
      const r = vigil(args, { cwd: dir });
      expect(r.code, args.join(' ')).toBe(0);
      expect(r.stdout).toMatch(/Usage: vigil/);
    }
  });

  it('init writes a config that scans', () => {
    expect(vigil(['init'], { cwd: dir }).code).toBe(0);
    expect(vigil(['init'], { cwd: dir }).code).toBe(2);
    write('report.sarif', THREE);
    const r = vigil(['scan', '-f', 'json'], { cwd: dir });
    expect(r.code).toBe(1);
    expect(JSON.parse(r.stdout).findings).toHaveLength(3);
  });

  it('a config scans every target, with --target to narrow', () => {
    write('a.sarif', THREE);
    write('b.sarif', sarifLog([{ rule: 'x', level: 'note', file: 'x.js', line: 1 }]));
    write('vigil.yaml', 'targets:\n  - name: a\n    kind: path\n    path: a.sarif\n    scanners: [import]\n  - name: b\n    kind: path\n    path: b.sarif\n    scanners: [import]\n');
    const all = JSON.parse(vigil(['scan', '-f', 'json'], { cwd: dir }).stdout);
    expect(all.run.scanners.map((s: { target: string }) => s.target)).toEqual(['a', 'b']);
    const onlyB = vigil(['scan', '--target', 'b', '-f', 'json'], { cwd: dir });
    expect(onlyB.code).toBe(0);
    expect(JSON.parse(onlyB.stdout).findings).toHaveLength(1);
    expect(vigil(['scan', '--target', 'c'], { cwd: dir }).stderr).toMatch(/VIGIL_ERR_TARGET_UNKNOWN/);
  });

  it('exit 3 when the ledger cannot be opened', () => {
    write('results.sarif', THREE);
    const r = vigil(['scan', 'import', 'results.sarif', '--ledger', 'postgres://postgres@127.0.0.1:1/none'], { cwd: dir });
    expect(r.code).toBe(3);
    expect(r.stderr).toMatch(/VIGIL_ERR_LEDGER_UNAVAILABLE/);
  });

  it('uses a PostgreSQL ledger from VIGIL_LEDGER and --ledger', async () => {
    const { url, drop } = await createTestDatabase('vigil_cli');
    try {
      write('results.sarif', THREE);
      expect(vigil(['scan', 'import', 'results.sarif'], { cwd: dir, env: { VIGIL_LEDGER: url } }).code).toBe(1);
      const list = JSON.parse(vigil(['findings', 'list', '-f', 'json', '--ledger', url], { cwd: dir }).stdout);
      expect(list.findings).toHaveLength(3);
      // 3 findings opened, the critical's incident, the run
      expect(vigil(['ledger', 'verify'], { cwd: dir, env: { VIGIL_LEDGER: url } }).stdout).toMatch(/intact: 5 events/);
      expect(existsSync(join(dir, '.vigil'))).toBe(false);
    } finally {
      await drop();
    }
  });
});
