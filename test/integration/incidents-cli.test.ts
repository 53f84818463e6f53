import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { vigil } from '../helpers/cli.js';
import { sarifLog } from '../helpers/sarif.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const SHOP = join(ROOT, 'examples/shop');
const KEV = join(ROOT, 'test/fixtures/kev/known_exploited_vulnerabilities.json');

describe('vigil incidents list|show|ack|resolve, and KEV through advisories import', () => {
  let dir: string;
  let ledger: string;
  const run = (args: string[]) => vigil([...args], { cwd: dir, env: { VIGIL_ACTOR: 'alice' } });

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'vigil-incidents-cli-'));
    ledger = join(dir, 'ledger.db');
    // CISA's format, with the shop's jsonwebtoken CVE (a high advisory) added: KEV-listed counts as critical
    const kev = JSON.parse(readFileSync(KEV, 'utf8')) as { count: number; vulnerabilities: Record<string, unknown>[] };
    kev.vulnerabilities.push({ ...kev.vulnerabilities[0], cveID: 'CVE-2022-23539', vendorProject: 'Auth0', product: 'jsonwebtoken', vulnerabilityName: 'jsonwebtoken insecure key types' });
    kev.count = kev.vulnerabilities.length;
    writeFileSync(join(dir, 'kev.json'), JSON.stringify(kev, null, 2));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('imports OSV advisories and the KEV catalogue in one command, and a truncated catalogue is exit 2 with nothing imported', () => {
    writeFileSync(join(dir, 'bad-kev.json'), '{\n  "catalogVersion": "2025.01.01",\n  "dateReleased": "2025-01-01T00:00:00Z",\n  "count": 2,\n  "vulnerabilities": [\n');
    const bad = run(['advisories', 'import', join(SHOP, 'advisories'), join(dir, 'bad-kev.json'), '--ledger', ledger]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('bad-kev.json');
    const r = run(['advisories', 'import', join(SHOP, 'advisories'), join(dir, 'kev.json'), '--ledger', ledger, '--format', 'json']);
    expect(r.code, r.stderr).toBe(0);
    const out = JSON.parse(r.stdout) as { added: number; kev: { entries: number }[] };
    expect(out.added).toBe(7);
    expect(out.kev).toEqual([expect.objectContaining({ entries: 6, added: 6 })]);
  });

  it('a scan opens incidents: the KEV-listed production dependency under critical-dependency, the dev critical under the fallback', () => {
    const s = run(['scan', 'deps', SHOP, '--ledger', ledger, '--format', 'json', '-o', join(dir, 'scan.json')]);
    expect(s.code).toBe(1);
    expect(s.stderr).toMatch(/incident \d+ opened: .*jsonwebtoken.* — runbook critical-dependency/);
    const l = run(['incidents', 'list', '--ledger', ledger, '--format', 'json']);
    expect(l.code, l.stderr).toBe(0);
    const list = (JSON.parse(l.stdout) as { incidents: { id: number; runbook: string; severity: string; title: string }[] }).incidents;
    expect(list.map((i) => [i.runbook, i.severity]).sort()).toEqual([
      ['critical-dependency', 'critical'],
      ['critical-finding', 'critical'],
    ]);
    // a second scan finds the same findings: no new incident
    const again = run(['scan', 'deps', SHOP, '--ledger', ledger, '--format', 'json', '-o', join(dir, 'scan2.json')]);
    expect(again.stderr).not.toMatch(/incident \d+ opened/);
    expect((JSON.parse(run(['incidents', 'list', '--ledger', ledger, '--format', 'json']).stdout) as { incidents: unknown[] }).incidents).toHaveLength(2);
  });

  it('ack records steps and clocks with the actor; resolve waits for the post-incident step; show prints the timeline', () => {
    const list = (JSON.parse(run(['incidents', 'list', '--ledger', ledger, '--format', 'json']).stdout) as { incidents: { id: number; runbook: string }[] }).incidents;
    const id = String(list.find((i) => i.runbook === 'critical-dependency')!.id);
    const show = JSON.parse(run(['incidents', 'show', id, '--ledger', ledger, '--format', 'json']).stdout) as {
      incident: { steps: { id: string; phase: string; blockedBy: string[] }[]; resolveBlockedBy: string[] };
    };
    const steps = show.incident.steps;
    const blocked = steps.find((s) => s.blockedBy.length)!;
    const early = run(['incidents', 'ack', id, '--step', blocked.id, '--ledger', ledger]);
    expect(early.code).toBe(2);
    expect(early.stderr).toContain(`step ${blocked.id} waits for`);
    const res = run(['incidents', 'resolve', id, '--ledger', ledger]);
    expect(res.code).toBe(2);
    expect(res.stderr).toMatch(/post-incident step/);
    expect(run(['incidents', 'ack', id, '--step', 'x', '--clock', 'y', '--ledger', ledger]).code).toBe(2);

    const done = new Set<string>();
    const all = JSON.parse(run(['incidents', 'show', id, '--ledger', ledger, '--format', 'json']).stdout) as { incident: { steps: { id: string }[] } };
    while (done.size < all.incident.steps.length) {
      const cur = JSON.parse(run(['incidents', 'show', id, '--ledger', ledger, '--format', 'json']).stdout) as { incident: { steps: { id: string; doneAt: string | null; blockedBy: string[] }[] } };
      const next = cur.incident.steps.find((s) => !s.doneAt && s.blockedBy.length === 0)!;
      const a = run(['incidents', 'ack', id, '--step', next.id, '--note', `did ${next.id}`, '--ledger', ledger]);
      expect(a.code, a.stderr).toBe(0);
      expect(a.stdout).toContain(`step done — ${next.id}: did ${next.id}`);
      done.add(next.id);
    }
    const r = run(['incidents', 'resolve', id, '--note', 'upgraded jsonwebtoken', '--ledger', ledger]);
    expect(r.code, r.stderr).toBe(0);
    const text = run(['incidents', 'show', id, '--ledger', ledger]).stdout;
    expect(text).toMatch(/resolved by alice {2}upgraded jsonwebtoken/);
    expect(text).toMatch(/opened {2}finding #\d+ \(deps GHSA-8cf7-32gw-wr33, high; kev\) matched runbook critical-dependency/);
    expect(run(['incidents', 'list', '--status', 'resolved', '--ledger', ledger, '--format', 'json']).stdout).toContain(`"id": ${id}`);
    expect(run(['ledger', 'verify', '--ledger', ledger]).code).toBe(0);
  });

  it('bad ids and unknown incidents are exit 2', () => {
    expect(run(['incidents', 'show', 'abc', '--ledger', ledger]).code).toBe(2);
    const r = run(['incidents', 'show', '9999', '--ledger', ledger]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('no incident with id 9999');
  });
});

describe('a first scan that opens many incidents', () => {
  it('names the first 20 on stderr and counts the rest; all are in the ledger', () => {
    const d = mkdtempSync(join(tmpdir(), 'vigil-incidents-many-'));
    try {
      writeFileSync(
        join(d, 'big.sarif'),
        sarifLog(Array.from({ length: 25 }, (_, i) => ({ rule: `js/critical-${i}`, level: 'error' as const, file: `src/f${i}.js`, line: i + 1, securitySeverity: '9.8' }))),
      );
      const r = vigil(['scan', 'import', 'big.sarif', '--ledger', 'l.db', '--fail-on', 'none'], { cwd: d });
      expect(r.code, r.stderr).toBe(0);
      const lines = r.stderr.split('\n').filter((l) => /^vigil: incident \d+ opened: /.test(l));
      expect(lines).toHaveLength(20);
      expect(r.stderr).toContain('vigil: … and 5 more incidents opened (vigil incidents list)');
      const list = vigil(['incidents', 'list', '--ledger', 'l.db', '--format', 'json'], { cwd: d });
      expect((JSON.parse(list.stdout) as { incidents: unknown[] }).incidents).toHaveLength(25);
    } finally {
      rmSync(d, { recursive: true, force: true });
    }
  });
});
