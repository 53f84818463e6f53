/**
 * The findings table under the hash chain: `ledger verify` replays the events and holds every
 * row to them, and ingest and triage refuse to build on a row edited outside vigil. Both stores.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { openLedger, type Ledger } from '../../src/ledger/index.js';
import { VigilError } from '../../src/errors.js';
import { stores, type Exec } from '../helpers/ledger-stores.js';
import { fileFinding, runOf } from '../helpers/findings.js';
import { vigil } from '../helpers/cli.js';
import { fileURLToPath } from 'node:url';

const DAY = 86_400_000;

describe.each(stores)('ledger state under the chain on $name', (store) => {
  let ledger: Ledger;
  let exec: Exec;
  let teardown: () => Promise<void>;
  let location: string;

  beforeAll(async () => {
    ({ location, exec, teardown } = await store.setup());
  });
  afterAll(async () => {
    await teardown();
  });

  /** A ledger with history: new, seen again, re-rated, fixed, reopened, triaged, accepted with expiry. */
  async function history(): Promise<void> {
    const t0 = Date.parse('2026-01-01T00:00:00Z');
    const a = [1, 2, 3, 4, 5].map((n) => fileFinding(n));
    await ledger.ingest(runOf(a), { now: new Date(t0) });
    // seen again unchanged (last_seen moves with run.finished's seen list), one re-rated
    const rerated = { ...a[1]!, severity: 'critical' as const };
    await ledger.ingest(runOf([a[0]!, rerated, a[2]!, a[3]!]), { now: new Date(t0 + DAY) });
    // a[4] fixed above; now back
    await ledger.ingest(runOf([a[0]!, rerated, a[2]!, a[3]!, a[4]!]), { now: new Date(t0 + 2 * DAY) });
    await ledger.triage(1, { status: 'triaged', actor: 'alice' }, { now: new Date(t0 + 3 * DAY) });
    await ledger.triage(3, { status: 'accepted', actor: 'alice', justification: 'internal only', approver: 'bob', expires: '2026-02-01' }, { now: new Date(t0 + 3 * DAY) });
    await ledger.triage(4, { status: 'false_positive', actor: 'alice', justification: 'test code' }, { now: new Date(t0 + 3 * DAY) });
  }

  beforeEach(async () => {
    await exec(
      'drop table if exists findings; drop table if exists events; drop table if exists runs; drop table if exists ledger_head; drop table if exists incidents; drop table if exists kev_entries; drop table if exists users; drop table if exists api_tokens; drop table if exists run_artifacts; drop table if exists sessions; ' +
        'drop table if exists kysely_migration; drop table if exists kysely_migration_lock; drop table if exists advisories; drop table if exists advisory_packages;',
    );
    ledger = await openLedger(location);
    await history();
    return async () => {
      await ledger.close();
    };
  });

  it('an untouched ledger verifies, every row matching its events', async () => {
    const v = await ledger.verify();
    expect(v.ok).toBe(true);
    expect(v.findings).toEqual({ checked: 5, mismatches: [], total: 0 });
    // an acceptance that expires during a later ingest stays consistent too
    await ledger.ingest(runOf([1, 2, 3, 4, 5].map((n) => fileFinding(n))), { now: new Date('2026-03-01T00:00:00Z') });
    expect((await ledger.getFinding(3))!.status).toBe('reopened');
    expect((await ledger.verify()).ok).toBe(true);
  });

  const edits: { name: string; sql: string; findingId: number; field: string }[] = [
    { name: 'status set by hand', sql: "update findings set status = 'false_positive' where id = 2", findingId: 2, field: 'status' },
    { name: 'severity lowered', sql: "update findings set severity = 'low', severity_rank = 1 where id = 2", findingId: 2, field: 'severity' },
    { name: 'severity rank alone', sql: 'update findings set severity_rank = 0 where id = 5', findingId: 5, field: 'severity_rank' },
    { name: 'acceptance stretched', sql: "update findings set accept_expires = '2099-01-01T00:00:00.000Z' where id = 3", findingId: 3, field: 'accept_expires' },
    { name: 'approver changed', sql: "update findings set accept_approver = 'mallory' where id = 3", findingId: 3, field: 'accept_approver' },
    { name: 'SLA due moved', sql: "update findings set sla_due = '2099-01-01T00:00:00.000Z' where id = 1", findingId: 1, field: 'sla_due' },
    { name: 'first seen moved', sql: "update findings set first_seen = '2025-01-01T00:00:00.000Z' where id = 1", findingId: 1, field: 'first_seen' },
    { name: 'last seen moved', sql: "update findings set last_seen = '2025-01-01T00:00:00.000Z' where id = 1", findingId: 1, field: 'last_seen' },
    { name: 'finding JSON edited', sql: `update findings set data = replace(data, 'Problem 3', 'Nothing to see') where id = 3`, findingId: 3, field: 'data' },
    { name: 'row deleted', sql: 'delete from findings where id = 5', findingId: 5, field: 'row' },
  ];

  it.each(edits)('verify names the finding and field: $name', async ({ sql, findingId, field }) => {
    await exec(sql);
    const v = await ledger.verify();
    expect(v.ok).toBe(false);
    expect(v.broken).toMatchObject({ seq: null, findingId, field });
    expect(v.findings!.mismatches.map((m) => [m.findingId, m.field])).toContainEqual([findingId, field]);
  });

  it('verify catches a row inserted outside vigil', async () => {
    await exec(
      `insert into findings (target, fingerprint, scanner, rule_id, title, severity, severity_rank, status, first_seen, last_seen, status_changed_at, sla_due, last_run_id, location, data, data_hash)
       select target, 'forged', scanner, rule_id, title, severity, severity_rank, 'accepted', first_seen, last_seen, status_changed_at, sla_due, last_run_id, location, data, data_hash from findings where id = 1`,
    );
    const v = await ledger.verify();
    expect(v.ok).toBe(false);
    expect(v.broken).toMatchObject({ findingId: 6, field: 'events' });
  });

  it('ingest refuses to gate on an edited row and records nothing', async () => {
    await exec("update findings set status = 'false_positive' where id = 2");
    const before = await ledger.head();
    const runs = (await ledger.listRuns()).length;
    const err = await ledger.ingest(runOf([1, 2, 3, 4, 5].map((n) => fileFinding(n)))).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(VigilError);
    expect((err as VigilError).code).toBe('VIGIL_ERR_LEDGER_TAMPERED');
    expect((err as VigilError).exitCode).toBe(3);
    expect((err as VigilError).message).toMatch(/finding 2: status is "false_positive" in the findings table but the event log says "open"/);
    expect(await ledger.head()).toEqual(before);
    expect((await ledger.listRuns()).length).toBe(runs);
    expect((await ledger.getFinding(2))!.status).toBe('false_positive');
  });

  it('ingest refuses a row slipped into a part it touches', async () => {
    await exec(
      `insert into findings (target, fingerprint, scanner, rule_id, title, severity, severity_rank, status, first_seen, last_seen, status_changed_at, sla_due, last_run_id, location, data, data_hash)
       select target, 'forged', scanner, rule_id, title, severity, severity_rank, 'open', first_seen, last_seen, status_changed_at, sla_due, last_run_id, location, data, data_hash from findings where id = 1`,
    );
    await expect(ledger.ingest(runOf([fileFinding(1)]))).rejects.toMatchObject({ code: 'VIGIL_ERR_LEDGER_TAMPERED' });
  });

  it('triage refuses to build on an edited row', async () => {
    await exec("update findings set accept_expires = null where id = 3");
    await expect(ledger.triage(3, { status: 'triaged', actor: 'alice' })).rejects.toMatchObject({ code: 'VIGIL_ERR_LEDGER_TAMPERED' });
  });
});

describe('vigil scan on an edited ledger', () => {
  it('refuses with exit 3 instead of gating on the edited status', () => {
    const dir = mkdtempSync(join(tmpdir(), 'vigil-ledger-gate-'));
    try {
      const sarif = fileURLToPath(new URL('../fixtures/import/semgrep/semgrep.sarif', import.meta.url));
      const file = join(dir, 'l.db');
      const first = vigil(['scan', 'import', sarif, '--ledger', file, '--fail-on', 'low'], { cwd: dir });
      expect(first.code, first.stderr).toBe(1);
      const db = new Database(file);
      db.exec("update findings set status = 'false_positive', accept_justification = 'x'");
      db.close();
      const second = vigil(['scan', 'import', sarif, '--ledger', file, '--fail-on', 'low', '--format', 'json'], { cwd: dir });
      expect(second.code).toBe(3);
      expect(second.stdout).toBe('');
      expect(second.stderr).toMatch(/VIGIL_ERR_LEDGER_TAMPERED: the findings table disagrees with the ledger's event log, so nothing was recorded and no gate was applied: finding \d+: status is "false_positive"/);
      const verify = vigil(['ledger', 'verify', '--ledger', file, '--format', 'json'], { cwd: dir });
      expect(verify.code).toBe(1);
      expect(JSON.parse(verify.stdout).findings.mismatches[0]).toMatchObject({ field: 'status', stored: 'false_positive', expected: 'open' });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
