/**
 * A ledger written by the release before incidents (commit e3d2c2f, schema 0003;
 * test/fixtures/ledger/v0.2-e3d2c2f, written by that commit's own CLI) gains the incidents and KEV
 * tables in place on first open, keeps every finding, event and triage decision, verifies, and
 * then takes incidents and an audit report.
 */
import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openLedger } from '../../src/ledger/index.js';
import { vigil } from '../helpers/cli.js';

const FIXTURE = fileURLToPath(new URL('../fixtures/ledger/v0.2-e3d2c2f/ledger.db', import.meta.url));
const ROOT = fileURLToPath(new URL('../..', import.meta.url));

describe('a schema-0003 ledger from the previous release', () => {
  let dir: string;
  let file: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'vigil-upgrade-0004-'));
    file = join(dir, 'ledger.db');
    copyFileSync(FIXTURE, file);
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('is upgraded in place: the same findings, events and head, then the new tables', async () => {
    const old = new Database(file, { readonly: true });
    const before = {
      findings: old.prepare('select * from findings order by id').all(),
      events: old.prepare('select seq, hash from events order by seq').all(),
      head: old.prepare('select * from ledger_head').get(),
      advisories: old.prepare('select count(*) from advisories').pluck().get(),
    };
    old.close();
    expect(before.findings).toHaveLength(13);
    const ledger = await openLedger(file);
    try {
      const v = await ledger.verify();
      expect(v).toMatchObject({ ok: true, events: 17, findings: { checked: 13, total: 0 }, incidents: { checked: 0, problems: [] } });
      expect((await ledger.getFinding(2))).toMatchObject({ status: 'accepted', acceptance: { approver: 'bob', justification: 'build tool only' } });
      expect((await ledger.getFinding(3))!.status).toBe('false_positive');
      expect(await ledger.incidents.list()).toEqual([]);
      expect(await ledger.kev.count()).toBe(0);
    } finally {
      await ledger.close();
    }
    const db = new Database(file, { readonly: true });
    try {
      expect(db.prepare('select name from kysely_migration order by name').pluck().all()).toEqual([
        '0001-initial',
        '0002-advisories',
        '0003-chain-state',
        '0004-incidents',
        '0005-auth',
        '0006-findings-text',
        '0007-run-artifacts',
        '0008-sessions',
        '0009-findings-trgm',
        '0010-uptime',
      ]);
      // dashboard sessions live in the ledger from now on; none yet
      expect(db.prepare('select count(*) from sessions').pluck().get()).toBe(0);
      // runs keep their files from now on; the old runs have none
      expect(db.prepare('select count(*) from run_artifacts').pluck().get()).toBe(0);
      // the upgrade adds tables, it rewrites nothing
      expect(db.prepare('select * from findings order by id').all()).toEqual(before.findings);
      expect(db.prepare('select seq, hash from events order by seq').all()).toEqual(before.events);
      expect(db.prepare('select * from ledger_head').get()).toEqual(before.head);
      expect(db.prepare('select count(*) from advisories').pluck().get()).toBe(before.advisories);
    } finally {
      db.close();
    }
  });

  it('then takes incidents for old findings seen again (not the fallback), and makes a verifiable audit report', () => {
    // seen again, the old critical is not new: the fallback runbook leaves it alone
    // the same target name the fixture's scan used (the path as given, from the repository root)
    const scan = vigil(['scan', 'deps', 'examples/shop', '--ledger', file, '--fail-on', 'none', '-o', join(dir, 'out.json'), '--format', 'json'], { cwd: ROOT });
    expect(scan.stderr).toMatch(/0 new, 0 reopened, 0 fixed, 7 still open/);
    expect(scan.code, scan.stderr).toBe(0);
    expect(scan.stderr).not.toMatch(/incident \d+ opened/);
    // the run after the upgrade keeps its results and the SBOM it matched
    const db = new Database(file, { readonly: true });
    try {
      const kept = db.prepare('select kind, target from run_artifacts order by kind').all();
      expect(kept).toEqual([{ kind: 'results', target: '' }, { kind: 'sbom', target: 'examples/shop' }]);
    } finally {
      db.close();
    }
    const pdf = join(dir, 'audit.pdf');
    expect(vigil(['report', 'audit', '--ledger', file, '-o', pdf], { cwd: dir }).code).toBe(0);
    const v = vigil(['report', 'verify', pdf, '--ledger', file], { cwd: dir });
    expect(v.code, v.stdout).toBe(0);
    expect(vigil(['ledger', 'verify', '--ledger', file], { cwd: dir }).code).toBe(0);
  });
});
