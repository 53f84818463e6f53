/**
 * vigil's own migration rules (what squawk lacks), as tables of real SQL through the real
 * scanner: each row the vigil rule ids expected (valid rows: none).
 */
import { describe, expect, it } from 'vitest';
import { VIGIL_RULES } from '../../../scanners/migrations/rules.js';
import { idsAmong, lint } from './helpers.js';

const VIGIL = Object.keys(VIGIL_RULES);
const vigilIds = async (files: Record<string, string>, options: Record<string, unknown> = {}) => idsAmong(await lint(files, options), VIGIL);

describe('vacuum-full and unbatched-update', () => {
  it.each<[string, string, string[]]>([
    ['VACUUM FULL', 'VACUUM FULL orders;', ['vacuum-full']],
    ['VACUUM (FULL, ANALYZE)', 'VACUUM (FULL, ANALYZE) orders;', ['vacuum-full']],
    ['VACUUM (FULL false)', 'VACUUM (FULL false) orders;', []],
    ['plain VACUUM ANALYZE', 'VACUUM ANALYZE orders;', []],
    ['UPDATE without WHERE', "UPDATE orders SET status = 'new';", ['unbatched-update']],
    ['DELETE without WHERE', 'DELETE FROM orders;', ['unbatched-update']],
    ['UPDATE with WHERE', "UPDATE orders SET status = 'new' WHERE id BETWEEN 1 AND 10000;", []],
    ['UPDATE of a table created in the same migration', "CREATE TABLE IF NOT EXISTS staging (id bigint PRIMARY KEY, s text);\nUPDATE staging SET s = 'x';", []],
    ['UPDATE inside a function body is not run by the migration', "CREATE OR REPLACE FUNCTION reset() RETURNS void LANGUAGE sql SET search_path = '' AS $$ UPDATE public.orders SET status = 'new' $$;", []],
  ])('%s', async (_n, sql, expected) => {
    expect(await vigilIds({ '0001_m.sql': sql })).toEqual(expected);
  });

  it('unbatched-update names the table and statement line', async () => {
    const r = await lint({ '0001_m.sql': "-- backfill\n\nUPDATE public.orders\n   SET status = 'new';\n" });
    const f = r.findings.find((x) => x.ruleId === 'unbatched-update')!;
    expect(f).toMatchObject({ severity: 'high', properties: { engine: 'vigil' }, location: { path: '0001_m.sql', startLine: 3, endLine: 4, startColumn: 1 } });
    expect(f.evidence).toContain('public.orders');
    expect((f.location as { snippet: string }).snippet).toBe("UPDATE public.orders\n   SET status = 'new';");
  });
});

describe('drop-still-referenced and rename-still-referenced', () => {
  const base = 'CREATE TABLE IF NOT EXISTS customers (id bigint PRIMARY KEY, tier text);\nCREATE TABLE IF NOT EXISTS orders (id bigint PRIMARY KEY, customer_id bigint REFERENCES customers (id), total numeric, status text);\n';
  it.each<[string, Record<string, string>, string[]]>([
    ['column dropped, a view still reads it', { '0001_a.sql': `${base}CREATE VIEW order_totals AS SELECT id, total FROM orders;`, '0002_b.sql': 'ALTER TABLE orders DROP COLUMN total;' }, ['drop-still-referenced']],
    ['column dropped after the view was dropped', { '0001_a.sql': `${base}CREATE VIEW order_totals AS SELECT id, total FROM orders;`, '0002_b.sql': 'DROP VIEW order_totals;\nALTER TABLE orders DROP COLUMN total;' }, []],
    ['column dropped, a qualified alias in a join still reads it', { '0001_a.sql': `${base}CREATE VIEW v AS SELECT o.id, c.tier FROM orders o JOIN customers c ON c.id = o.customer_id;`, '0002_b.sql': 'ALTER TABLE customers DROP COLUMN tier;' }, ['drop-still-referenced']],
    ['unrelated column of the same name in another table', { '0001_a.sql': `${base}CREATE VIEW v AS SELECT o.status FROM orders o JOIN customers c ON c.id = o.customer_id;`, '0002_b.sql': 'ALTER TABLE customers DROP COLUMN tier;' }, []],
    ['table dropped, a foreign key from another table points at it', { '0001_a.sql': base, '0002_b.sql': 'DROP TABLE customers;' }, ['drop-still-referenced']],
    ['table dropped with its own foreign keys only', { '0001_a.sql': base, '0002_b.sql': 'DROP TABLE orders;' }, []],
    ['column dropped, a policy still uses it', { '0001_a.sql': `${base}CREATE POLICY gold ON customers USING (tier = 'gold');`, '0002_b.sql': 'ALTER TABLE customers DROP COLUMN tier;' }, ['drop-still-referenced']],
    ['column dropped, a later migration indexes it', { '0001_a.sql': base, '0002_b.sql': 'ALTER TABLE orders DROP COLUMN status;', '0003_c.sql': 'CREATE INDEX CONCURRENTLY orders_status ON orders (status);' }, ['drop-still-referenced']],
    ['column dropped then added again before use', { '0001_a.sql': base, '0002_b.sql': 'ALTER TABLE orders DROP COLUMN status;\nALTER TABLE orders ADD COLUMN status text;', '0003_c.sql': 'CREATE INDEX CONCURRENTLY orders_status ON orders (status);' }, []],
    ['column renamed, a function body uses the old name', { '0001_a.sql': `${base}CREATE FUNCTION big_orders() RETURNS SETOF bigint LANGUAGE plpgsql AS $$ BEGIN RETURN QUERY SELECT id FROM orders WHERE total > 100; END $$;`, '0002_b.sql': 'ALTER TABLE orders RENAME COLUMN total TO amount;' }, ['rename-still-referenced']],
    ['column renamed, a view follows it (PostgreSQL tracks views by id)', { '0001_a.sql': `${base}CREATE VIEW order_totals AS SELECT id, total FROM orders;`, '0002_b.sql': 'ALTER TABLE orders RENAME COLUMN total TO amount;' }, []],
    ['table renamed, a later migration uses the old name', { '0001_a.sql': base, '0002_b.sql': 'ALTER TABLE orders RENAME TO purchases;', '0003_c.sql': 'ALTER TABLE orders ADD COLUMN note text;' }, ['rename-still-referenced']],
    ['table renamed, later migrations use the new name', { '0001_a.sql': base, '0002_b.sql': 'ALTER TABLE orders RENAME TO purchases;', '0003_c.sql': 'ALTER TABLE purchases ADD COLUMN note text;' }, []],
  ])('%s', async (_n, files, expected) => {
    expect(await vigilIds(files)).toEqual(expected);
  });

  it('the evidence names the dependent and where it is', async () => {
    const r = await lint({ '0001_a.sql': `${base}CREATE VIEW order_totals AS SELECT id, total FROM orders;`, '0002_b.sql': 'ALTER TABLE orders DROP COLUMN total CASCADE;' });
    const f = r.findings.find((x) => x.ruleId === 'drop-still-referenced')!;
    expect(f.location).toMatchObject({ path: '0002_b.sql', startLine: 1 });
    expect(f.evidence).toBe('column public.orders.total is dropped with CASCADE but view public.order_totals (0001_a.sql:3) still uses it; CASCADE drops those objects too');
  });
});

describe('Supabase checks (splinter at migration time)', () => {
  const on = { supabase: true };
  it.each<[string, string, string[]]>([
    ['table in public without RLS', 'CREATE TABLE public.notes (id bigint PRIMARY KEY);', ['rls-disabled-in-public']],
    ['unqualified table without RLS', 'CREATE TABLE notes (id bigint PRIMARY KEY);', ['rls-disabled-in-public']],
    ['table with RLS enabled', 'CREATE TABLE notes (id bigint PRIMARY KEY);\nALTER TABLE notes ENABLE ROW LEVEL SECURITY;', []],
    ['table renamed then RLS enabled under the new name', 'CREATE TABLE notes (id bigint PRIMARY KEY);\nALTER TABLE notes RENAME TO memos;\nALTER TABLE memos ENABLE ROW LEVEL SECURITY;', []],
    ['RLS enabled then disabled', 'CREATE TABLE notes (id bigint PRIMARY KEY);\nALTER TABLE notes ENABLE ROW LEVEL SECURITY;\nALTER TABLE notes DISABLE ROW LEVEL SECURITY;', ['rls-disabled-in-public']],
    ['table in a private schema', 'CREATE TABLE private.notes (id bigint PRIMARY KEY);', []],
    ['SECURITY DEFINER without search_path', 'CREATE FUNCTION public.f() RETURNS int LANGUAGE sql SECURITY DEFINER AS $$ SELECT 1 $$;', ['function-search-path-mutable']],
    ['SECURITY DEFINER with search_path', "CREATE FUNCTION public.f() RETURNS int LANGUAGE sql SECURITY DEFINER SET search_path = '' AS $$ SELECT 1 $$;", []],
    ['search_path set later by ALTER FUNCTION', "CREATE FUNCTION public.f() RETURNS int LANGUAGE sql SECURITY DEFINER AS $$ SELECT 1 $$;\nALTER FUNCTION public.f() SET search_path = '';", []],
    ['view without security_invoker', 'CREATE VIEW public.v AS SELECT 1 AS one;', ['security-definer-view']],
    ['view with security_invoker', 'CREATE VIEW public.v WITH (security_invoker = true) AS SELECT 1 AS one;', []],
    ['view fixed by ALTER VIEW', 'CREATE VIEW public.v AS SELECT 1 AS one;\nALTER VIEW public.v SET (security_invoker = on);', []],
    ['extension without a schema', 'CREATE EXTENSION IF NOT EXISTS pg_trgm;', ['extension-in-public']],
    ['extension in extensions', 'CREATE EXTENSION IF NOT EXISTS pg_trgm WITH SCHEMA extensions;', []],
    ['policy calling auth.uid() per row', 'CREATE TABLE t (id bigint PRIMARY KEY, owner uuid);\nALTER TABLE t ENABLE ROW LEVEL SECURITY;\nCREATE POLICY p ON t USING (auth.uid() = owner);', ['auth-rls-initplan']],
    ['policy calling current_setting() per row', "CREATE TABLE t (id bigint PRIMARY KEY, tenant text);\nALTER TABLE t ENABLE ROW LEVEL SECURITY;\nCREATE POLICY p ON t USING (tenant = current_setting('app.tenant'));", ['auth-rls-initplan']],
    ['policy with (select auth.uid())', 'CREATE TABLE t (id bigint PRIMARY KEY, owner uuid);\nALTER TABLE t ENABLE ROW LEVEL SECURITY;\nCREATE POLICY p ON t USING ((select auth.uid()) = owner) WITH CHECK ((select auth.jwt()) IS NOT NULL);', []],
    ['view in public over auth.users', 'CREATE VIEW public.emails AS SELECT id, email FROM auth.users;', ['auth-users-exposed', 'security-definer-view']],
    ['invoker view over auth.users', 'CREATE VIEW public.emails WITH (security_invoker = true) AS SELECT id, email FROM auth.users;', []],
  ])('%s', async (_n, sql, expected) => {
    expect(await vigilIds({ '0001_m.sql': sql }, on)).toEqual(expected);
  });

  it('security-definer-view needs PostgreSQL 15: not reported for pgVersion 14', async () => {
    expect(await vigilIds({ '0001_m.sql': 'CREATE VIEW public.v AS SELECT 1 AS one;' }, { supabase: true, pgVersion: 14 })).toEqual([]);
  });

  it('a function without SECURITY DEFINER is low, with it medium', async () => {
    const r = await lint({ '0001_m.sql': 'CREATE FUNCTION public.a() RETURNS int LANGUAGE sql AS $$ SELECT 1 $$;\nCREATE FUNCTION public.b() RETURNS int LANGUAGE sql SECURITY DEFINER AS $$ SELECT 1 $$;' }, on);
    const sev = Object.fromEntries(r.findings.filter((f) => f.ruleId === 'function-search-path-mutable').map((f) => [f.location.kind === 'file' ? f.location.startLine : 0, f.severity]));
    expect(sev).toEqual({ 1: 'low', 2: 'medium' });
  });

  it.each<[string, Record<string, string>, Record<string, unknown>, boolean]>([
    ['auto: off for plain SQL', { '0001_m.sql': 'CREATE TABLE notes (id bigint PRIMARY KEY);' }, {}, false],
    ['auto: on when the SQL names auth.', { '0001_m.sql': 'CREATE TABLE notes (id bigint PRIMARY KEY, owner uuid REFERENCES auth.users (id));' }, {}, true],
    ['forced off', { '0001_m.sql': 'CREATE TABLE notes (id bigint PRIMARY KEY, owner uuid REFERENCES auth.users (id));' }, { supabase: false }, false],
  ])('%s', async (_n, files, options, on) => {
    expect((await vigilIds(files, options)).includes('rls-disabled-in-public')).toBe(on);
  });

  it('auto: on for a supabase/migrations folder', async () => {
    const r = await lint({ '20240101000000_init.sql': 'CREATE TABLE notes (id bigint PRIMARY KEY);' }, {}, 'supabase/migrations');
    expect(idsAmong(r, VIGIL)).toEqual(['rls-disabled-in-public']);
    expect(r.report?.data).toMatchObject({ supabase: true, files: 1 });
  });
});
