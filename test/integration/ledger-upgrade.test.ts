/**
 * Ledgers written by the previous release (0.1.0, test/fixtures/ledger/v0.1.0, written by that
 * release's own CLI) upgrade in place on first open and then verify; a ledger edited outside vigil
 * is refused rather than laundered by the upgrade; a newer vigil's ledger is refused, unchanged.
 */
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openLedger } from '../../src/ledger/index.js';
import { createTestDatabase } from '../helpers/pg.js';
import { vigil } from '../helpers/cli.js';

const FIXTURE = fileURLToPath(new URL('../fixtures/ledger/v0.1.0/', import.meta.url));
/** The plain-text secrets 0.1.0 stored in its code findings. */
const SECRETS = ['Zq8vN3kLp2Xw9RtY7uMb4HcE', 'Hq2Lm9Xv4Rt7Kp3Wz8Yb', 'k8Jd72Hs91Ls02Md83Ns73Ks01Ld84Ms'];
const OLD_EVENTS = 33;
const FINDINGS = 20;

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'vigil-upgrade-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function copyFixture(name: string): string {
  const file = join(dir, `${name}.db`);
  copyFileSync(join(FIXTURE, 'ledger.db'), file);
  return file;
}

function sqliteContents(file: string) {
  const db = new Database(file, { readonly: true });
  try {
    return {
      migrations: db.prepare('select name from kysely_migration order by name').pluck().all(),
      tables: db.prepare("select name from sqlite_master where type = 'table' and name not like 'sqlite_%' order by name").pluck().all(),
      events: db.prepare('select seq, hash from events order by seq').all(),
      findings: db.prepare('select * from findings order by id').all(),
      head: db.prepare('select * from ledger_head').get(),
    };
  } finally {
    db.close();
  }
}

describe('a 0.1.0 SQLite ledger', () => {
  it('is upgraded in place on first open, then verifies', async () => {
    const file = copyFixture('plain');
    const before = sqliteContents(file);
    expect(before.migrations).toEqual(['0001-initial', '0002-advisories']);
    const ledger = await openLedger(file);
    try {
      const v = await ledger.verify();
      expect(v.ok).toBe(true);
      // the old events kept as they were, one upgrade event, one checkpoint per finding
      expect(v.events).toBe(OLD_EVENTS + 1 + FINDINGS);
      expect(v.findings).toMatchObject({ checked: FINDINGS, total: 0 });
      // triage survives: the accepted risk with its approver and expiry, the false positive
      const accepted = await ledger.getFinding(9);
      expect(accepted).toMatchObject({ status: 'accepted', acceptance: { approver: 'bob', justification: 'input is an enum', expires: '2030-01-31T00:00:00.000Z' } });
      expect((await ledger.getFinding(12))!.status).toBe('false_positive');
      expect((await ledger.getFinding(3))!.status).toBe('reopened');
    } finally {
      await ledger.close();
    }
    const after = sqliteContents(file);
    expect(after.migrations).toEqual(['0001-initial', '0002-advisories', '0003-chain-state', '0004-incidents', '0005-auth', '0006-findings-text', '0007-run-artifacts', '0008-sessions', '0009-findings-trgm', '0010-uptime']);
    expect(before.tables).not.toContain('run_artifacts');
    expect(after.tables).toContain('run_artifacts');
    expect(before.tables).not.toContain('sessions');
    expect(after.tables).toContain('sessions');
    expect(after.events.slice(0, OLD_EVENTS)).toEqual(before.events);
    // opened again: nothing more to do
    const again = await openLedger(file);
    expect((await again.verify()).events).toBe(OLD_EVENTS + 1 + FINDINGS);
    await again.close();
    const cli = vigil(['ledger', 'verify', '--ledger', file], { cwd: dir });
    expect(cli.code).toBe(0);
    expect(cli.stdout).toMatch(/^ledger intact: 54 events, 20 findings match them/);
  });

  it('loses the secrets 0.1.0 stored: not in a row, not in the file', async () => {
    const file = copyFixture('secrets');
    expect(SECRETS.some((s) => readFileSync(file).includes(s))).toBe(true);
    const ledger = await openLedger(file);
    const all = await ledger.listFindings({ limit: 100 });
    await ledger.close();
    const text = JSON.stringify(all);
    for (const s of SECRETS) expect(text).not.toContain(s);
    for (const f of [file, `${file}-wal`]) {
      if (!existsSync(f)) continue;
      const bytes = readFileSync(f);
      for (const s of SECRETS) expect(bytes.includes(s), `${s} in ${f}`).toBe(false);
    }
  });

  it('keeps the code findings\' identity: a re-scan of the same source finds nothing new', () => {
    const file = copyFixture('rescan');
    const src = join(dir, 'rescan-src', 'src');
    mkdirSync(src, { recursive: true });
    writeFileSync(join(src, 'app.js'), readFileSync(join(FIXTURE, 'app.js')));
    const r = vigil(['scan', 'code', 'src', '--ledger', file, '--fail-on', 'none'], { cwd: join(dir, 'rescan-src') });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/ledger .*: 0 new, 0 reopened, \d+ fixed, \d+ still open/);
    const v = vigil(['ledger', 'verify', '--ledger', file], { cwd: dir });
    expect(v.code, v.stdout).toBe(0);
  });

  it('edited outside vigil before the upgrade: refused, and left as it was', async () => {
    const file = copyFixture('tampered');
    const db = new Database(file);
    db.prepare("update findings set status = 'open' where id = 12").run();
    db.close();
    const before = sqliteContents(file);
    await expect(openLedger(file)).rejects.toMatchObject({
      code: 'VIGIL_ERR_LEDGER_TAMPERED',
      message: expect.stringMatching(/finding 12: status is "open" in the findings table but the event log says "false_positive"/),
    });
    expect(sqliteContents(file)).toEqual(before);
    const cli = vigil(['findings', 'list', '--ledger', file], { cwd: dir });
    expect(cli.code).toBe(3);
    expect(cli.stderr).toMatch(/VIGIL_ERR_LEDGER_TAMPERED: cannot upgrade the ledger/);
  });

  it('an old chain with an edited event: refused', async () => {
    const file = copyFixture('edited-event');
    const db = new Database(file);
    db.prepare("update events set data = replace(data, 'bob', 'eve') where type = 'finding.triaged'").run();
    db.close();
    await expect(openLedger(file)).rejects.toMatchObject({ code: 'VIGIL_ERR_LEDGER_TAMPERED', message: expect.stringMatching(/event chain is broken at event \d+: the event was edited/) });
  });

  it('written by a newer vigil: refused with a clear message, never altered', async () => {
    const file = copyFixture('newer');
    // make it what it would be: already upgraded by us, then by a later release
    await (await openLedger(file)).close();
    const db = new Database(file);
    db.prepare("insert into kysely_migration (name, timestamp) values ('0099-future', '2027-06-01T00:00:00.000Z')").run();
    db.close();
    const before = sqliteContents(file);
    const bytes = readFileSync(file);
    await expect(openLedger(file)).rejects.toMatchObject({ code: 'VIGIL_ERR_LEDGER_TOO_NEW', message: expect.stringMatching(/written by a newer vigil \(schema 0099-future/) });
    const cli = vigil(['ledger', 'verify', '--ledger', file], { cwd: dir });
    expect(cli.code).toBe(3);
    expect(cli.stderr).toMatch(/VIGIL_ERR_LEDGER_TOO_NEW: .*upgrade vigil/);
    expect(sqliteContents(file)).toEqual(before);
    expect(readFileSync(file).equals(bytes)).toBe(true);
  });
});

describe('a 0.1.0 PostgreSQL ledger', () => {
  const dbs: (() => Promise<void>)[] = [];
  afterAll(async () => {
    for (const drop of dbs) await drop();
  });

  /** A database holding exactly what pg_dump took from a 0.1.0 ledger. */
  async function restored(): Promise<string> {
    const { url, drop } = await createTestDatabase('vigil_upgrade');
    dbs.push(drop);
    const r = spawnSync('psql', ['-q', '-v', 'ON_ERROR_STOP=1', '-d', url, '-f', join(FIXTURE, 'postgres.sql')], { encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`psql could not load the fixture: ${r.error ?? r.stderr}`);
    return url;
  }

  async function query<T>(url: string, text: string): Promise<T[]> {
    const c = new pg.Client({ connectionString: url });
    await c.connect();
    try {
      return (await c.query(text)).rows as T[];
    } finally {
      await c.end();
    }
  }

  it('is upgraded in place on first open, then verifies, without the stored secrets', async () => {
    const url = await restored();
    const ledger = await openLedger(url);
    try {
      const v = await ledger.verify();
      expect(v.ok).toBe(true);
      expect(v.events).toBe(OLD_EVENTS + 1 + FINDINGS);
      expect(v.findings).toMatchObject({ checked: FINDINGS, total: 0 });
      expect(await ledger.getFinding(9)).toMatchObject({ status: 'accepted', acceptance: { approver: 'bob' } });
    } finally {
      await ledger.close();
    }
    const rows = await query<{ data: string; title: string; location: string }>(url, 'select data, title, location from findings');
    expect((await query<{ name: string }>(url, 'select name from kysely_migration order by name')).map((r) => r.name).at(-1)).toBe('0010-uptime');
    const tables = await query<{ table_name: string }>(url, "select table_name from information_schema.tables where table_schema = 'public'");
    expect(tables.map((t) => t.table_name)).toContain('run_artifacts');
    expect(tables.map((t) => t.table_name)).toContain('sessions');
    // the old findings are in the text search's trigram index
    expect(await query<{ indexname: string }>(url, "select indexname from pg_indexes where indexname = 'findings_text_trgm'")).toHaveLength(1);
    for (const s of SECRETS) expect(JSON.stringify(rows)).not.toContain(s);
    const cli = vigil(['ledger', 'verify', '--ledger', url], { cwd: dir });
    expect(cli.code).toBe(0);
  });

  it('edited outside vigil before the upgrade: refused, and left as it was', async () => {
    const url = await restored();
    await query(url, "update findings set accept_expires = '2099-01-01T00:00:00.000Z' where id = 9");
    const before = await query(url, 'select * from findings order by id');
    await expect(openLedger(url)).rejects.toMatchObject({ code: 'VIGIL_ERR_LEDGER_TAMPERED', message: expect.stringMatching(/finding 9: accept_expires/) });
    expect(await query(url, 'select * from findings order by id')).toEqual(before);
    expect((await query<{ name: string }>(url, 'select name from kysely_migration order by name')).map((r) => r.name)).toEqual(['0001-initial', '0002-advisories']);
  });
});
