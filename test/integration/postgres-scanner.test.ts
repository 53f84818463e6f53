/**
 * The postgres scanner against the real PostgreSQL on 127.0.0.1:5432 (CI starts it; when it is
 * down this suite fails, it never skips). Each test builds its flaws in a database of its own
 * (and roles with random names), scans, asserts the exact findings, and drops what it made.
 */
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import net from 'node:net';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { VigilError } from '../../src/errors.js';
import type { Finding } from '../../src/model/finding.js';
import { formatLocation } from '../../src/model/location.js';
import type { PartReport } from '../../src/model/run.js';
import type { ScanContext } from '../../src/model/scanner.js';
import { silentLogger } from '../../src/util/logger.js';
import { createPostgresScanner } from '../../scanners/postgres/postgres-scanner.js';
import { vigilAsync } from '../helpers/cli.js';
import { createTestDatabase, holdSslSettingShared, PG_ADMIN_URL } from '../helpers/pg.js';
import { freePort } from '../helpers/ports.js';

const SCHEMA_SQL = fileURLToPath(new URL('../../examples/shop/db/schema.sql', import.meta.url));
const tag = randomBytes(4).toString('hex');
const cleanups: (() => Promise<void>)[] = [];
let admin: pg.Client;

beforeAll(async () => {
  admin = new pg.Client({ connectionString: PG_ADMIN_URL });
  await admin.connect();
});

// the TLS test turns the server's ssl on for a moment: each test here holds the lock that keeps it off
let releaseSsl: (() => Promise<void>) | undefined;
beforeEach(async () => {
  releaseSsl = await holdSslSettingShared();
  // the expectations below name ssl_disabled at INFO: the test server has ssl off and listens on the loopback only
  const probe = new pg.Client({ connectionString: PG_ADMIN_URL });
  await probe.connect();
  const { rows } = await probe.query<{ ssl: string; listen: string }>("select current_setting('ssl') as ssl, current_setting('listen_addresses') as listen");
  await probe.end();
  expect(rows[0]).toEqual({ ssl: 'off', listen: expect.stringMatching(/^(127\.0\.0\.1|localhost)$/) });
});
afterEach(async () => {
  await releaseSsl?.();
  releaseSsl = undefined;
});

afterAll(async () => {
  for (const c of cleanups.reverse()) await c().catch(() => undefined);
  await admin?.end();
});

/** A database of its own for one test, dropped at the end of the suite; returns its URL and an admin client on it. */
async function database(): Promise<{ url: string; client: pg.Client; name: string }> {
  const db = await createTestDatabase('vigil_pgscan');
  const client = new pg.Client({ connectionString: db.url });
  await client.connect();
  cleanups.push(async () => {
    await client.end().catch(() => undefined);
    await db.drop();
  });
  return { url: db.url, client, name: new URL(db.url).pathname.slice(1) };
}

/** A role with a random name, dropped after the databases (roles outlive databases, so last). */
async function role(name: string, attrs: string): Promise<string> {
  const r = `vigil_t_${name}_${tag}`;
  await admin.query(`create role ${r} ${attrs}`);
  cleanups.unshift(async () => void (await admin.query(`drop role if exists ${r}`)));
  return r;
}

interface Scan {
  findings: Finding[];
  notes: string[];
  report?: PartReport;
}

async function scan(url: string, options: Record<string, unknown> = {}, signal = new AbortController().signal, progress: (m: string) => void = () => undefined): Promise<Scan> {
  const notes: string[] = [];
  let report: PartReport | undefined;
  const ctx: ScanContext = { signal, logger: silentLogger, progress, note: (m) => notes.push(m), report: (r) => (report = r), baseDir: process.cwd(), options };
  const findings: Finding[] = [];
  for await (const f of createPostgresScanner().run({ name: 'db', kind: 'database', location: url }, ctx)) findings.push(f);
  return { findings, notes, ...(report ? { report } : {}) };
}

/** `rule_id  location  severity`, sorted: what the assertions compare. */
const summary = (fs: Finding[]) => fs.map((f) => `${f.ruleId}  ${formatLocation(f.location)}  ${f.severity}`).sort();

/** The demo schema's findings (examples/shop/db/README.md lists the same). */
const DEMO = [
  'auth_rls_initplan  public.order_items policy order_items_own  medium',
  'duplicate_index  public.customers index customers_email_idx, customers_email_lookup_idx  medium',
  'function_search_path_mutable  public function order_total(bigint)  medium',
  'multiple_permissive_policies  public.products  medium',
  'no_primary_key  public.audit_log  low',
  'policy_exists_rls_disabled  public.reviews  high',
  'rls_disabled_in_public  public.customers  high',
  'rls_disabled_in_public  public.reviews  high',
  'rls_enabled_no_policy  public.orders  low',
  'security_definer_function  public function find_customer(text)  medium',
  'security_definer_view  public view customer_emails  high',
  'ssl_disabled  setting ssl  low',
  'unindexed_foreign_keys  public.order_items constraint order_items_order_id_fkey  low',
];

describe('postgres scanner on the demo shop schema', () => {
  it('loads with psql -v ON_ERROR_STOP=1 and yields exactly the planted findings, with splinter metadata', async () => {
    const db = await database();
    execFileSync('psql', ['-X', '-q', '-v', 'ON_ERROR_STOP=1', '-d', db.url, '-f', SCHEMA_SQL], { stdio: 'pipe' });
    const r = await scan(db.url);
    expect(summary(r.findings)).toEqual(DEMO);
    const rls = r.findings.find((f) => f.ruleId === 'rls_disabled_in_public' && f.location.kind === 'database' && f.location.table === 'customers')!;
    expect(rls.properties).toMatchObject({ level: 'ERROR', source: 'splinter', exposure: 'schema public is exposed (the default exposed schema)' });
    expect(rls.references[0]).toBe('https://supabase.com/docs/guides/database/database-linter?lint=0013_rls_disabled_in_public');
    expect(rls.tags).toEqual(['postgres', 'splinter', 'security']);
    const ssl = r.findings.find((f) => f.ruleId === 'ssl_disabled')!;
    expect(ssl.tags).toContain('vigil');
    expect(ssl.properties).toMatchObject({ level: 'INFO', source: 'vigil' });
    expect(r.notes).toEqual([
      expect.stringContaining('scanned as superuser "postgres"'),
      expect.stringContaining('slow query check skipped: the pg_stat_statements extension is not installed'),
    ]);
    expect(r.report?.data).toMatchObject({ database: db.name, supabase: false, exposedSchemas: ['public'], tables: 7, policies: 6, hbaChecked: true, slowQueriesChecked: false });
    expect((r.report?.data as { counts: Record<string, number> }).counts).toMatchObject({ rls_disabled_in_public: 2, unused_index: 0 });
    // a second scan of the same database gives the same fingerprints
    const again = await scan(db.url);
    expect(again.findings.map((f) => f.fingerprint).sort()).toEqual(r.findings.map((f) => f.fingerprint).sort());
  });

  it('loads through node-postgres as one multi-statement query; a role with no grants sees the same, and is told what it cannot see', async () => {
    const db = await database();
    await db.client.query(readFileSync(SCHEMA_SQL, 'utf8'));
    const reader = await role('reader', 'login');
    const u = new URL(db.url);
    u.username = reader;
    const r = await scan(u.toString());
    expect(summary(r.findings)).toEqual(DEMO);
    expect(r.notes).toEqual([
      `pg_hba.conf check skipped: role "${reader}" may not read pg_hba_file_rules (it needs superuser or EXECUTE on pg_hba_file_rules())`,
      expect.stringContaining('slow query check skipped'),
    ]);
    expect(r.report?.data).toMatchObject({ user: reader, hbaChecked: false });
  });

  it('exposedSchemas moves what counts as exposed', async () => {
    const db = await database();
    await db.client.query(readFileSync(SCHEMA_SQL, 'utf8'));
    const r = await scan(db.url, { exposedSchemas: ['api'] });
    const exposed = ['rls_disabled_in_public', 'security_definer_view', 'security_definer_function'];
    // public is no longer exposed: RLS-off tables and the view drop out; the definer function stays, as PUBLIC may execute it
    expect(summary(r.findings.filter((f) => exposed.includes(f.ruleId)))).toEqual(['security_definer_function  public function find_customer(text)  medium']);
    expect(r.findings.find((f) => f.ruleId === 'security_definer_function')!.evidence).toBe('SECURITY DEFINER function public.find_customer(p_email text) runs with its owner\'s privileges; PUBLIC may execute it');
  });
});

describe('postgres scanner on planted flaws outside the demo', () => {
  it('finds PUBLIC-granted tables, user_metadata policies, extensions and matviews, unused indexes and over-privileged roles', async () => {
    const db = await database();
    const su = await role('su', 'superuser nologin');
    const app = await role('app', 'login bypassrls createrole');
    const builder = await role('builder', 'login createdb');
    const clean = await role('clean', 'login');
    await db.client.query(`
      create schema app;
      create table app.accounts (id int primary key, secret_note text);
      grant select on app.accounts to public;
      alter table app.accounts owner to ${su};
      create table app.notes (id int primary key, owner_id int not null, body text);
      alter table app.notes enable row level security;
      create policy notes_admin on app.notes using ((current_setting('request.jwt.claims', true)::jsonb -> 'user_metadata' ->> 'role') = 'admin');
      grant select on app.notes to ${app};
      grant select on app.notes to ${clean};
      create table app.ledger (id int primary key, amount int);
      alter table app.ledger owner to ${builder};
      alter table app.ledger enable row level security;
      create policy ledger_all on app.ledger using (true);
      create table app.items (id int primary key, label text not null);
      alter table app.items enable row level security;
      create policy items_all on app.items using (true);
      create index items_label_idx on app.items (label);
      create function app.safe(a int) returns int language sql immutable set search_path = '' as $$ select a + 1 $$;
      create extension citext schema public;
      create materialized view public.account_count as select count(*) from app.accounts;
      create view public.invoker_view with (security_invoker = on) as select id from app.notes;
    `);
    // the table is in use (rows written), its label index never scanned; flushed now so the scan sees it
    await db.client.query("insert into app.items select g, 'x' || g from generate_series(1, 50) g");
    await db.client.query('select pg_stat_force_next_flush()');

    const r = await scan(db.url);
    expect(summary(r.findings)).toEqual([
      'auth_rls_initplan  app.notes policy notes_admin  medium',
      'extension_in_public  public extension citext  medium',
      'materialized_view_in_api  public view account_count  medium',
      `overprivileged_role  role ${app}  medium`,
      `overprivileged_role  role ${builder}  low`,
      'rls_disabled_in_public  app.accounts  high',
      'rls_references_user_metadata  app.notes policy notes_admin  high',
      'ssl_disabled  setting ssl  low',
      `superuser_role  role ${su}  high`,
      'unused_index  app.items index items_label_idx  low',
    ]);
    const by = (id: string) => r.findings.find((f) => f.ruleId === id)!;
    expect(by('rls_disabled_in_public').evidence).toBe('table app.accounts has row-level security disabled; PUBLIC holds privileges on it');
    expect(by('overprivileged_role').evidence).toBe(`login role ${app} has BYPASSRLS, CREATEROLE; it holds privileges on tables in this database`);
    expect(by('superuser_role').evidence).toBe(`role ${su} is SUPERUSER; it owns objects in this database`);
    expect(by('superuser_role').location).toEqual({ kind: 'database', schema: '', object: { type: 'role', name: su } });
  });

  it('reports a statement of this database slower than the budget from pg_stat_statements, keyed by its queryid', async () => {
    const db = await database();
    await db.client.query('create extension pg_stat_statements');
    await db.client.query('select pg_stat_statements_reset()');
    await db.client.query('select pg_sleep(1.1)');
    await db.client.query('select pg_sleep(1.1)');
    const { rows } = await db.client.query<{ queryid: string }>(
      "select queryid::text from pg_stat_statements where dbid = (select oid from pg_database where datname = current_database()) and query like 'select pg_sleep%'",
    );
    expect(rows).toHaveLength(1);
    const r = await scan(db.url);
    const slow = r.findings.filter((f) => f.ruleId === 'slow_query');
    expect(slow.map((f) => f.location)).toEqual([{ kind: 'database', schema: '', object: { type: 'query', name: rows[0]!.queryid } }]);
    expect(slow[0]!.evidence).toMatch(/^mean 1\d{3} ms over 2 call\(s\) \(max \d+ ms; budget 1000 ms\): select pg_sleep\(\$1\)$/);
    expect(slow[0]!.severity).toBe('medium');
    // the extension lives in public here, so it is a finding of its own too
    expect(summary(r.findings)).toEqual([
      'extension_in_public  public extension pg_stat_statements  medium',
      `slow_query  query ${rows[0]!.queryid}  medium`,
      'ssl_disabled  setting ssl  low',
    ]);
    // a budget above the statement's time: nothing slow
    expect((await scan(db.url, { slowQueryMs: 5000 })).findings.filter((f) => f.ruleId === 'slow_query')).toEqual([]);
  });
});

describe('postgres scanner on a Supabase-shaped database (roles anon and authenticated)', () => {
  it('uses splinter\'s API-role rules: auth.users behind a view, definer functions executable by anon and authenticated', async () => {
    const db = await database();
    // anon and authenticated are cluster-wide: made only when absent, dropped only if made here
    const made: string[] = [];
    for (const r of ['anon', 'authenticated']) {
      const { rowCount } = await admin.query('select 1 from pg_roles where rolname = $1', [r]);
      if (!rowCount) {
        await admin.query(`create role ${r} nologin`);
        made.push(r);
      }
    }
    try {
      await db.client.query(`
        create schema auth;
        create table auth.users (id uuid primary key, email text);
        create function auth.uid() returns uuid language sql stable as $$ select null::uuid $$;
        create table public.posts (id int primary key, author uuid not null);
        alter table public.posts enable row level security;
        create policy posts_own on public.posts for select to authenticated using (author = auth.uid());
        create policy posts_own_fast on public.posts for update to authenticated using (author = (select auth.uid()));
        create view public.user_emails as select id, email from auth.users;
        grant select on public.user_emails to anon;
        create view public.internal_v as select id from public.posts;
        create function public.promote(u uuid) returns void language sql security definer set search_path = '' as $$ select $$;
        create schema private;
        create table private.kv (k text primary key, v text);
        grant select on private.kv to public;
      `);
      const r = await scan(db.url);
      expect(summary(r.findings)).toEqual([
        'anon_security_definer_function_executable  public function promote(uuid)  medium',
        'auth_rls_initplan  public.posts policy posts_own  medium',
        'auth_users_exposed  public view user_emails  high',
        'authenticated_security_definer_function_executable  public function promote(uuid)  medium',
        'security_definer_view  public view user_emails  high',
        'ssl_disabled  setting ssl  low',
      ]);
      expect(r.report?.data).toMatchObject({ supabase: true, exposedSchemas: ['public'], exposureBasis: 'anon or authenticated has USAGE' });
      expect(r.findings.every((f) => f.properties?.['supabase'] === true)).toBe(true);
    } finally {
      await db.client.query('drop owned by anon, authenticated').catch(() => undefined);
      for (const r of made) await admin.query(`drop role ${r}`);
    }
  });
});

describe('postgres scanner: connections that fail', () => {
  const refused = async (url: string, options: Record<string, unknown> = {}, signal?: AbortSignal) => {
    try {
      await scan(url, options, signal);
    } catch (e) {
      return e as VigilError;
    }
    throw new Error('the scan did not fail');
  };

  it('names host:port and the reason, never the password: refused, unknown role, unknown database, TLS required', async () => {
    const closed = await freePort();
    let e = await refused(`postgres://postgres:hunter2-secret@127.0.0.1:${closed}/test`);
    expect(e).toBeInstanceOf(VigilError);
    expect(e.code).toBe('VIGIL_ERR_DATABASE_CONNECT');
    expect(e.message).toBe(`postgres: cannot connect to 127.0.0.1:${closed}, database "test" as "postgres": connection refused (is PostgreSQL running and listening on that address?)`);

    e = await refused(`postgres://no_such_role_${tag}:hunter2-secret@127.0.0.1:5432/test`);
    expect(e.code).toBe('VIGIL_ERR_DATABASE_CONNECT');
    expect(e.message).toBe(`postgres: cannot connect to 127.0.0.1:5432, database "test" as "no_such_role_${tag}": access denied: role "no_such_role_${tag}" does not exist (no such role, or pg_hba.conf has no line admitting it)`);

    e = await refused(`postgres://postgres:hunter2-secret@127.0.0.1:5432/no_such_db_${tag}`);
    expect(e.message).toBe(`postgres: cannot connect to 127.0.0.1:5432, database "no_such_db_${tag}" as "postgres": database "no_such_db_${tag}" does not exist`);

    e = await refused('postgres://postgres:hunter2-secret@127.0.0.1:5432/test?sslmode=require');
    expect(e.message).toBe('postgres: cannot connect to 127.0.0.1:5432, database "test" as "postgres": the server refuses TLS, and the URL requires it (sslmode): enable ssl on the server or change sslmode');
  });

  it('gives up on a listener that never answers at the connect timeout, and stops at once when aborted', async () => {
    const sockets = new Set<net.Socket>();
    const silent = net.createServer((s) => sockets.add(s));
    await new Promise<void>((r) => silent.listen(0, '127.0.0.1', r));
    const port = (silent.address() as net.AddressInfo).port;
    try {
      const e = await refused(`postgres://postgres@127.0.0.1:${port}/test`, { connectTimeoutMs: 500 });
      expect(e.message).toBe(`postgres: cannot connect to 127.0.0.1:${port}, database "test" as "postgres": no answer within 500 ms (connect timeout)`);

      const ac = new AbortController();
      setTimeout(() => ac.abort(new Error('stopped by the test')), 200);
      // the connect timeout (60 s) is far past the test's own limit: only the abort can end this
      const aborted = await refused(`postgres://postgres@127.0.0.1:${port}/test`, { connectTimeoutMs: 60_000 }, ac.signal);
      expect(aborted.message).toBe('stopped by the test');
    } finally {
      for (const s of sockets) s.destroy();
      await new Promise<void>((r) => silent.close(() => r()));
    }
  });

  it('an abort in the middle of the catalog ends the scan with the abort\'s reason and leaves no session on the server', async () => {
    const db = await database();
    await db.client.query(readFileSync(SCHEMA_SQL, 'utf8'));
    const ac = new AbortController();
    let error: unknown;
    try {
      // the scanner says so when it starts reading the catalog: the abort lands with its connection open
      await scan(db.url, {}, ac.signal, (m) => {
        if (m === 'reading the catalog') ac.abort(new Error('run timed out'));
      });
    } catch (e) {
      error = e;
    }
    expect((error as Error).message).toBe('run timed out');
    // the server ends the backend once it sees the socket closed: wait for it (bounded), then assert
    const sessions = async () =>
      (await db.client.query<{ n: number }>("select count(*)::int as n from pg_stat_activity where datname = current_database() and application_name = 'vigil-postgres-scan'")).rows[0]!.n;
    for (let i = 0; i < 50 && (await sessions()) > 0; i++) await new Promise((r) => setTimeout(r, 100));
    expect(await sessions()).toBe(0);
  });

  it('vigil scan postgres exits 3 with the reason and without the password', async () => {
    const closed = await freePort();
    const r = await vigilAsync(['scan', 'postgres', `postgres://app:hunter2-secret@127.0.0.1:${closed}/shop`, '--no-ledger', '-f', 'json'], { cwd: process.cwd() });
    expect(r.code).toBe(3);
    expect(r.stderr).toContain(`postgres: cannot connect to 127.0.0.1:${closed}, database "shop" as "app": connection refused`);
    expect(r.stdout + r.stderr).not.toContain('hunter2');
  });
});
