import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { driftFindings, readSources } from '../../scanners/datamap/drift/index.js';
import { connectReadOnly } from '../../scanners/datamap/drift/postgres.js';
import type { DeclaredField } from '../../scanners/datamap/types.js';
import { PG_ADMIN_URL } from '../helpers/pg.js';

// A real PostgreSQL (CI starts it): when it is down this suite fails, it never skips.
const schema = `drift_${randomBytes(5).toString('hex')}`;
let admin: pg.Client;

beforeAll(async () => {
  admin = new pg.Client({ connectionString: PG_ADMIN_URL });
  try {
    await admin.connect();
  } catch (e) {
    throw new Error(
      `PostgreSQL is required for this suite and is not reachable at ${PG_ADMIN_URL}: ${(e as Error).message}. ` +
        'Start it: pg_ctlcluster --skip-systemctl-redirect $(ls /etc/postgresql) main start',
    );
  }
  await admin.query(`
    create schema ${schema};
    create type ${schema}.plan as enum ('free', 'pro');
    create table ${schema}.customers (
      id uuid primary key,
      email text not null,
      phone varchar(32),
      email_verified_at timestamptz,
      last_ip inet,
      plan ${schema}.plan,
      tags text[],
      prefs jsonb
    );
    create table ${schema}.events (
      id bigint,
      customer_id uuid,
      at timestamptz not null
    ) partition by range (at);
    create table ${schema}.events_2024 partition of ${schema}.events for values from ('2024-01-01') to ('2025-01-01');
    create view ${schema}.customer_emails as select id, email from ${schema}.customers;
  `);
});

afterAll(async () => {
  await admin?.query(`drop schema if exists ${schema} cascade`);
  await admin?.end();
});

function urlWithPassword(): string {
  const u = new URL(PG_ADMIN_URL);
  u.password = 'not-a-real-password';
  return u.toString();
}

describe('drift against a live PostgreSQL', () => {
  it('introspects tables (not partitions or views) with their types, and names the database without its password', async () => {
    const url = urlWithPassword();
    const r = await readSources([url], { baseDir: process.cwd(), signal: new AbortController().signal });
    expect(r.problems).toEqual([]);
    const shown = new URL(url);
    shown.password = '';
    expect(r.read).toEqual([shown.toString()]);
    expect(r.read[0]).not.toContain('not-a-real-password');
    const mine = r.fields.filter((f) => f.table.startsWith(`${schema}.`));
    expect(mine.map((f) => [f.table, f.column, f.type])).toEqual([
      [`${schema}.customers`, 'id', 'uuid'],
      [`${schema}.customers`, 'email', 'text'],
      [`${schema}.customers`, 'phone', 'character varying(32)'],
      [`${schema}.customers`, 'email_verified_at', 'timestamp with time zone'],
      [`${schema}.customers`, 'last_ip', 'inet'],
      [`${schema}.customers`, 'plan', 'plan'],
      [`${schema}.customers`, 'tags', 'text[]'],
      [`${schema}.customers`, 'prefs', 'jsonb'],
      [`${schema}.events`, 'id', 'bigint'],
      [`${schema}.events`, 'customer_id', 'uuid'],
      [`${schema}.events`, 'at', 'timestamp with time zone'],
    ]);
    expect(mine.every((f) => f.origin === 'postgres' && f.source === shown.toString() && f.line === undefined)).toBe(true);
    expect(r.fields.some((f) => f.table.startsWith('pg_catalog.') || f.table.startsWith('information_schema.'))).toBe(false);
  });

  it('compares the live schema with the data map', async () => {
    const r = await readSources([PG_ADMIN_URL], { baseDir: process.cwd(), signal: new AbortController().signal });
    const mine = r.fields.filter((f) => f.table.startsWith(`${schema}.`));
    const where = (i: number) => ({ file: 'datamap.yml', line: 5 + i, column: 9, pointer: `/dataset/0/collections/0/fields/${i}` });
    const declared: DeclaredField[] = ['id', 'email', 'full_name'].map((field, i) => ({ dataset: 'live', collection: `${schema}.customers`, field, categories: ['user'], where: where(i) }));
    const findings = driftFindings(declared, mine, { baseDir: process.cwd() });
    const undeclared = findings.filter((f) => f.ruleId === 'datamap-drift-undeclared-field');
    expect(undeclared.map((f) => [f.location, (f.properties as { column: string }).column, (f.properties as { category: string }).category])).toEqual(
      expect.arrayContaining([
        [{ kind: 'database', schema, table: 'customers' }, 'phone', 'user.contact.phone_number'],
        [{ kind: 'database', schema, table: 'customers' }, 'last_ip', 'user.device.ip_address'],
        [{ kind: 'database', schema, table: 'events' }, 'customer_id', 'user.unique_id'],
      ]),
    );
    expect(undeclared).toHaveLength(3);
    expect(findings.find((f) => f.ruleId === 'datamap-drift-missing-field')?.title).toBe(`Declared field not found in the schema: ${schema}.customers.full_name`);
  });

  it('names an unreachable database as a problem, without its password, and goes on', async () => {
    const r = await readSources(['postgres://app:hunter2hunter2@127.0.0.1:1/nothing', 'no-such-folder'], {
      baseDir: process.cwd(),
      signal: new AbortController().signal,
      limits: { databaseTimeoutMs: 2_000 },
    });
    expect(r.fields).toEqual([]);
    expect(r.read).toEqual([]);
    expect(r.problems).toEqual([
      { source: 'postgres://app@127.0.0.1:1/nothing', problem: expect.stringMatching(/^could not read the database: /) },
      { source: 'no-such-folder', problem: 'no such file or folder' },
    ]);
    expect(JSON.stringify(r.problems)).not.toContain('hunter2');
  });

  it('reads in a read-only session with a statement time limit', async () => {
    const c = await connectReadOnly(PG_ADMIN_URL, 1_500);
    try {
      await expect(c.query(`create table ${schema}.nope (id int)`)).rejects.toThrow(/read-only transaction/);
      await expect(c.query('select pg_sleep(5)')).rejects.toThrow(/statement timeout/);
    } finally {
      await c.end();
    }
    const left = await admin.query(`select count(*)::int as n from information_schema.tables where table_schema = $1 and table_name = 'nope'`, [schema]);
    expect(left.rows[0].n).toBe(0);
  });

  it('stops when the signal aborts', async () => {
    const ac = new AbortController();
    ac.abort(new Error('run cancelled'));
    await expect(readSources([PG_ADMIN_URL], { baseDir: process.cwd(), signal: ac.signal })).rejects.toThrow('run cancelled');
  });
});
