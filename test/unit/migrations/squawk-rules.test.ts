/**
 * squawk as the engine: real SQL through the real squawk binary, each table one family of
 * rules, each row the rule ids vigil reports (valid rows: none of the family).
 */
import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { SQUAWK_RULES, VIGIL_RULES, ruleOf } from '../../../scanners/migrations/rules.js';
import { parseSquawkJson, squawkCommand } from '../../../scanners/migrations/squawk.js';
import { VigilError } from '../../../src/errors.js';
import { ids, idsAmong, lint, TIMEOUTS } from './helpers.js';

const LOCK_OR_BREAK = Object.keys(SQUAWK_RULES).filter((id) => SQUAWK_RULES[id]!.severity === 'high' || SQUAWK_RULES[id]!.severity === 'critical');
const TIMEOUT_RULES = ['require-lock-timeout', 'require-statement-timeout', 'require-timeout-settings'];
const STYLE = Object.keys(SQUAWK_RULES).filter((id) => SQUAWK_RULES[id]!.severity === 'low');

describe('squawk: locks and breaks on a live table (high)', () => {
  it.each<[string, string, string[]]>([
    ['index without CONCURRENTLY', 'CREATE INDEX orders_total_idx ON orders (total);', ['require-concurrent-index-creation']],
    ['index CONCURRENTLY', 'CREATE INDEX CONCURRENTLY IF NOT EXISTS orders_total_idx ON orders (total);', []],
    ['NOT NULL column without default', 'ALTER TABLE orders ADD COLUMN status text NOT NULL;', ['adding-required-field']],
    ['NOT NULL column with a constant default', "ALTER TABLE orders ADD COLUMN IF NOT EXISTS status text NOT NULL DEFAULT 'new';", []],
    ['foreign key without NOT VALID', 'ALTER TABLE orders ADD CONSTRAINT orders_customer_fk FOREIGN KEY (customer_id) REFERENCES customers (id);', ['adding-foreign-key-constraint', 'constraint-missing-not-valid']],
    ['foreign key NOT VALID', 'ALTER TABLE orders ADD CONSTRAINT orders_customer_fk FOREIGN KEY (customer_id) REFERENCES customers (id) NOT VALID;', []],
    ['check without NOT VALID', 'ALTER TABLE orders ADD CONSTRAINT orders_total_ck CHECK (total >= 0);', ['constraint-missing-not-valid']],
    ['check NOT VALID then VALIDATE', 'ALTER TABLE orders ADD CONSTRAINT orders_total_ck CHECK (total >= 0) NOT VALID;\nALTER TABLE orders VALIDATE CONSTRAINT orders_total_ck;', []],
    ['column type change', 'ALTER TABLE orders ALTER COLUMN total TYPE numeric(12, 2);', ['changing-column-type']],
    ['column rename', 'ALTER TABLE orders RENAME COLUMN total TO amount;', ['renaming-column']],
    ['table rename', 'ALTER TABLE orders RENAME TO purchases;', ['renaming-table']],
    ['column drop', 'ALTER TABLE orders DROP COLUMN IF EXISTS legacy_code;', ['ban-drop-column']],
    ['table drop', 'DROP TABLE IF EXISTS legacy_orders;', ['ban-drop-table']],
    ['index drop', 'DROP INDEX IF EXISTS orders_total_idx;', ['require-concurrent-index-deletion']],
    ['SET NOT NULL', 'ALTER TABLE orders ALTER COLUMN status SET NOT NULL;', ['adding-not-nullable-field']],
    ['unique constraint', 'ALTER TABLE orders ADD CONSTRAINT orders_ref_key UNIQUE (ref);', ['constraint-missing-not-valid', 'disallowed-unique-constraint']],
    ['new table with everything inline', 'CREATE TABLE IF NOT EXISTS events (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, kind text NOT NULL, at timestamptz NOT NULL DEFAULT now());', []],
  ])('%s', async (_name, sql, expected) => {
    const r = await lint({ '0001_m.sql': TIMEOUTS + sql });
    expect(idsAmong(r, LOCK_OR_BREAK)).toEqual(expected);
    for (const f of r.findings.filter((x) => expected.includes(x.ruleId))) {
      expect(f.severity).toBe('high');
      expect(f.properties).toEqual({ engine: 'squawk' });
      expect(f.references).toEqual([`https://squawkhq.com/docs/${f.ruleId}`]);
      expect(f.location).toMatchObject({ kind: 'file', path: '0001_m.sql', startLine: 3 });
    }
  });
});

describe('squawk: lock and statement timeouts (medium)', () => {
  it.each<[string, string, string[]]>([
    ['no timeouts before a locking statement', 'ALTER TABLE orders ADD COLUMN note text;', ['require-lock-timeout', 'require-statement-timeout']],
    ['timeouts set first', `${TIMEOUTS}ALTER TABLE orders ADD COLUMN note text;`, []],
    ['only lock_timeout', "SET lock_timeout = '2s';\nALTER TABLE orders ADD COLUMN note text;", ['require-statement-timeout']],
  ])('%s', async (_name, sql, expected) => {
    const r = await lint({ '0001_m.sql': sql });
    expect(idsAmong(r, TIMEOUT_RULES)).toEqual(expected);
    for (const f of r.findings.filter((x) => TIMEOUT_RULES.includes(x.ruleId))) expect(f.severity).toBe('medium');
  });
});

describe('squawk: style and robustness (low)', () => {
  it.each<[string, string, string[]]>([
    ['int key', 'CREATE TABLE IF NOT EXISTS a (id int PRIMARY KEY);', ['prefer-bigint-over-int']],
    ['serial key', 'CREATE TABLE IF NOT EXISTS a (id bigserial PRIMARY KEY);', ['prefer-identity']],
    ['varchar', 'CREATE TABLE IF NOT EXISTS a (id bigint PRIMARY KEY, name varchar(40));', ['prefer-text-field']],
    ['timestamp', 'CREATE TABLE IF NOT EXISTS a (id bigint PRIMARY KEY, at timestamp);', ['prefer-timestamp-tz']],
    ['not rerunnable', 'CREATE TABLE a (id bigint PRIMARY KEY);', ['prefer-robust-stmts']],
    ['all preferred', 'CREATE TABLE IF NOT EXISTS a (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, name text, at timestamptz);', []],
  ])('%s', async (_name, sql, expected) => {
    const r = await lint({ '0001_m.sql': TIMEOUTS + sql });
    expect(idsAmong(r, STYLE)).toEqual(expected);
    expect(ids(r).filter((id) => !STYLE.includes(id))).toEqual([]);
  });
});

describe('squawk options', () => {
  it('exclude drops a squawk rule (passed to squawk) and a vigil rule (filtered)', async () => {
    const sql = `${TIMEOUTS}CREATE INDEX i ON orders (total);\nVACUUM FULL orders;`;
    const all = await lint({ '0001_m.sql': sql });
    expect(ids(all, 'high')).toEqual(['require-concurrent-index-creation', 'vacuum-full']);
    const some = await lint({ '0001_m.sql': sql }, { exclude: ['require-concurrent-index-creation', 'vacuum-full'] });
    expect(ids(some, 'high')).toEqual([]);
  });

  it('assumeInTransaction reaches squawk (prefer-robust-stmts no longer asks for a transaction)', async () => {
    const sql = `${TIMEOUTS}ALTER TABLE orders ADD CONSTRAINT c CHECK (total > 0) NOT VALID;`;
    expect(ids(await lint({ '0001_m.sql': sql }))).toContain('prefer-robust-stmts');
    expect(ids(await lint({ '0001_m.sql': sql }, { assumeInTransaction: true }))).not.toContain('prefer-robust-stmts');
  });

  it('a .squawk.toml in the migration folder is respected, as when squawk runs there', async () => {
    const sql = `${TIMEOUTS}CREATE INDEX i ON orders (total);`;
    const r = await lint({ '0001_m.sql': sql, '.squawk.toml': 'excluded_rules = ["require-concurrent-index-creation"]\n' });
    expect(ids(r)).not.toContain('require-concurrent-index-creation');
    expect(ids(r)).toContain('prefer-robust-stmts');
  });

  it('rejects unknown options and rule ids', async () => {
    await expect(lint({ 'a.sql': 'SELECT 1;' }, { nope: 1 })).rejects.toMatchObject({ code: 'VIGIL_ERR_CONFIG_INVALID' });
    await expect(lint({ 'a.sql': 'SELECT 1;' }, { exclude: ['no-such-rule'] })).rejects.toThrow(/no rule "no-such-rule"/);
    await expect(lint({ 'a.sql': 'SELECT 1;' }, { pgVersion: 'fifteen' })).rejects.toBeInstanceOf(VigilError);
  });
});

describe('rule table', () => {
  it('every squawk rule id in the table is one the installed squawk accepts', () => {
    const { cmd, args } = squawkCommand();
    for (const id of Object.keys(SQUAWK_RULES)) {
      // squawk refuses an unknown --exclude name with exit 2 before reading any file
      expect(() => execFileSync(cmd, [...args, '--exclude', id, '--version'], { stdio: 'pipe' }), id).not.toThrow();
    }
    expect(() => execFileSync(cmd, [...args, '--exclude', 'vacuum-full', '--version'], { stdio: 'pipe' })).toThrow();
  });

  it('severity follows what a rule protects against', () => {
    expect(ruleOf('require-concurrent-index-creation').severity).toBe('high');
    expect(ruleOf('adding-required-field').severity).toBe('high');
    expect(ruleOf('require-lock-timeout').severity).toBe('medium');
    expect(ruleOf('prefer-bigint-over-int').severity).toBe('low');
    expect(ruleOf('rls-disabled-in-public')).toMatchObject({ severity: 'high', engine: 'vigil', supabase: true });
    expect(ruleOf('a-rule-from-a-newer-squawk')).toMatchObject({ severity: 'medium', engine: 'squawk', known: false });
    for (const [id, r] of [...Object.entries(SQUAWK_RULES), ...Object.entries(VIGIL_RULES)]) {
      expect(r.remediation.length, id).toBeGreaterThan(5);
      expect(r.references.length, id).toBeGreaterThan(0);
      for (const c of r.cwe) expect(c, id).toMatch(/^CWE-\d+$/);
    }
    // vigil adds only what squawk lacks
    for (const id of Object.keys(VIGIL_RULES)) expect(Object.keys(SQUAWK_RULES)).not.toContain(id);
  });

  it('squawk output that is not its JSON is VIGIL_ERR_SQUAWK', () => {
    expect(() => parseSquawkJson('Error: boom')).toThrow(expect.objectContaining({ code: 'VIGIL_ERR_SQUAWK' }) as Error);
    expect(() => parseSquawkJson('{"a":1}')).toThrow(/not an array/);
    expect(() => parseSquawkJson('[{"file":"a.sql"}]')).toThrow(/lacks/);
    expect(parseSquawkJson('')).toEqual([]);
  });
});
