/**
 * A ledger written by the release before uptime probes (commit c96aa93, schema 0009;
 * test/fixtures/ledger/v0.3-c96aa93, written by that commit's own CLI) gains the probe_results
 * table in place on first open, keeps every finding, event and run, verifies, and then records
 * probe results whose chain verifies too. The same on PostgreSQL, from the 0.1.0 dump.
 */
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openLedger, type ProbeResult } from '../../src/ledger/index.js';
import { createTestDatabase } from '../helpers/pg.js';
import { vigil } from '../helpers/cli.js';

const FIXTURE = fileURLToPath(new URL('../fixtures/ledger/v0.3-c96aa93/ledger.db', import.meta.url));
const PG_FIXTURE = fileURLToPath(new URL('../fixtures/ledger/v0.1.0/postgres.sql', import.meta.url));

const OLD_MIGRATIONS = [
  '0001-initial',
  '0002-advisories',
  '0003-chain-state',
  '0004-incidents',
  '0005-auth',
  '0006-findings-text',
  '0007-run-artifacts',
  '0008-sessions',
  '0009-findings-trgm',
];

function probe(at: string, ok: boolean): ProbeResult {
  return { probe: 'shop', url: 'https://shop.example/healthz', at, ok, status: ok ? 200 : 503, latencyMs: 12, error: ok ? null : 'status 503 (expected 2xx)', tlsDaysLeft: 80 };
}

describe('a schema-0009 ledger from the previous release (SQLite)', () => {
  let dir: string;
  let file: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'vigil-upgrade-0010-'));
    file = join(dir, 'ledger.db');
    copyFileSync(FIXTURE, file);
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('is upgraded in place: the same findings, events, runs and head, then probe results that verify', async () => {
    const old = new Database(file, { readonly: true });
    const before = {
      migrations: old.prepare('select name from kysely_migration order by name').pluck().all(),
      tables: old.prepare("select name from sqlite_master where type = 'table'").pluck().all(),
      findings: old.prepare('select * from findings order by id').all(),
      events: old.prepare('select seq, hash from events order by seq').all(),
      runs: old.prepare('select * from runs order by id').all(),
      head: old.prepare('select * from ledger_head').get(),
    };
    old.close();
    expect(before.migrations).toEqual(OLD_MIGRATIONS);
    expect(before.tables).not.toContain('probe_results');
    expect(before.findings).toHaveLength(13);
    expect(before.events).toHaveLength(18);

    const ledger = await openLedger(file);
    try {
      const v = await ledger.verify();
      expect(v).toMatchObject({ ok: true, events: 18, findings: { checked: 13, total: 0 }, artifacts: { checked: 3, problems: [] }, uptime: { checked: 0, probes: 0, problems: [] } });
      expect(await ledger.getFinding(2)).toMatchObject({ status: 'accepted', acceptance: { approver: 'bob', justification: 'build tool only' } });
      expect(await ledger.uptime.summary(new Date())).toEqual([]);
    } finally {
      await ledger.close();
    }
    const db = new Database(file, { readonly: true });
    try {
      expect(db.prepare('select name from kysely_migration order by name').pluck().all()).toEqual([...OLD_MIGRATIONS, '0010-uptime']);
      expect(db.prepare('select count(*) from probe_results').pluck().get()).toBe(0);
      // the upgrade adds a table, it rewrites nothing
      expect(db.prepare('select * from findings order by id').all()).toEqual(before.findings);
      expect(db.prepare('select seq, hash from events order by seq').all()).toEqual(before.events);
      expect(db.prepare('select * from runs order by id').all()).toEqual(before.runs);
      expect(db.prepare('select * from ledger_head').get()).toEqual(before.head);
    } finally {
      db.close();
    }

    // probes are recorded on the upgraded ledger, and anchored in its chain
    const again = await openLedger(file);
    try {
      await again.uptime.record([probe('2026-12-01T10:00:00.000Z', true), probe('2026-12-01T10:01:00.000Z', false)]);
      const [s] = await again.uptime.summary(new Date('2026-12-01T10:02:00.000Z'));
      expect(s).toMatchObject({ probe: 'shop', consecutiveFailures: 1, windows: { '24h': { checks: 2, up: 1, availabilityPct: 50 } } });
      const v = await again.verify();
      expect(v).toMatchObject({ ok: true, events: 19, uptime: { checked: 2, probes: 1, anchors: 1, problems: [] } });
      expect((await again.eventsOfType(['uptime.anchor']))[0]!.data).toMatchObject({ probe: 'shop', ok: false });
    } finally {
      await again.close();
    }
    const cli = vigil(['ledger', 'verify', '--ledger', file], { cwd: dir });
    expect(cli.code, cli.stderr).toBe(0);
  });
});

describe('an older PostgreSQL ledger (the 0.1.0 dump)', () => {
  let url: string;
  let drop: () => Promise<void>;
  beforeAll(async () => {
    ({ url, drop } = await createTestDatabase('vigil_upgrade_0010'));
    const r = spawnSync('psql', ['-q', '-v', 'ON_ERROR_STOP=1', '-d', url, '-f', PG_FIXTURE], { encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`psql could not load the fixture: ${r.error ?? r.stderr}`);
  });
  afterAll(async () => drop());

  it('gains probe_results through 0010 on first open, verifies, and records probe results', async () => {
    const ledger = await openLedger(url);
    try {
      await ledger.uptime.record([probe('2026-12-01T10:00:00.000Z', true), probe('2026-12-01T10:01:00.000Z', true)]);
      const v = await ledger.verify();
      expect(v.ok, v.broken?.reason).toBe(true);
      expect(v.uptime).toMatchObject({ checked: 2, probes: 1, anchors: 1, problems: [] });
      expect(await ledger.uptime.results('shop')).toEqual([probe('2026-12-01T10:01:00.000Z', true), probe('2026-12-01T10:00:00.000Z', true)]);
    } finally {
      await ledger.close();
    }
    const c = new pg.Client({ connectionString: url });
    await c.connect();
    try {
      expect((await c.query<{ name: string }>('select name from kysely_migration order by name')).rows.map((r) => r.name).at(-1)).toBe('0010-uptime');
    } finally {
      await c.end();
    }
  });
});
