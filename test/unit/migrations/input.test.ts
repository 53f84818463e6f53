/**
 * What a migration folder can hold: files that do not parse, empty files, BOM and CRLF,
 * semicolons in comments and dollar-quoted bodies, apply order, down migrations; fingerprints
 * that survive line shifts; and a property that garbage never crashes or hangs the parser pass.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isDownMigration, naturalCompare } from '../../../scanners/migrations/files.js';
import { redactSql } from '../../../scanners/migrations/migrations-scanner.js';
import { runChecks } from '../../../scanners/migrations/checks.js';
import { referenceChecks } from '../../../scanners/migrations/references.js';
import { loadParser, parseFile } from '../../../scanners/migrations/statements.js';
import { ids, lint, TIMEOUTS } from './helpers.js';

describe('files that do not parse', () => {
  it('a syntax error is a high finding at its line, with a note; the other files keep their findings', async () => {
    const r = await lint({
      '0001_ok.sql': `${TIMEOUTS}CREATE INDEX i ON orders (total);`,
      '0002_bad.sql': "-- a typo\nALTER TABLE orders ADD COLUMN note text;\nALTR TABLE orders DROP COLUMN note;\n",
      '0003_ok.sql': 'VACUUM FULL orders;',
    });
    const err = r.findings.filter((f) => f.ruleId === 'syntax-error');
    expect(err).toHaveLength(1);
    expect(err[0]).toMatchObject({ severity: 'high', location: { path: '0002_bad.sql', startLine: 3, startColumn: 1, snippet: 'ALTR TABLE orders DROP COLUMN note;' } });
    expect(err[0]!.evidence).toMatch(/syntax error at or near "ALTR" at line 3/);
    expect(r.notes.some((n) => n.startsWith('0002_bad.sql:3: does not parse'))).toBe(true);
    // squawk's own cascade of syntax errors is not repeated
    expect(r.findings.filter((f) => f.location.kind === 'file' && f.location.path === '0002_bad.sql').map((f) => f.ruleId)).toEqual(['syntax-error']);
    expect(ids(r, 'high')).toEqual(['require-concurrent-index-creation', 'syntax-error', 'vacuum-full']);
  });

  it.each<[string, string | Buffer]>([
    ['an empty file', ''],
    ['comments only', '-- nothing yet; really\n/* a; b */\n'],
  ])('%s has no findings and no error', async (_n, sql) => {
    const r = await lint({ '0001_m.sql': sql });
    expect(r.findings).toEqual([]);
  });

  it('a file that is not UTF-8 text is a syntax error at its line, and squawk still checks the others', async () => {
    const r = await lint({ '0001_ok.sql': `${TIMEOUTS}CREATE INDEX i ON orders (total);`, '0002_bin.sql': Buffer.from([0x2d, 0x2d, 0x0a, 0xff, 0xfe, 0x01, 0x3b, 0x0a, 0x80]) });
    expect(r.findings.filter((f) => f.ruleId === 'syntax-error').map((f) => f.location)).toMatchObject([{ path: '0002_bin.sql', startLine: 2 }]);
    expect(ids(r, 'high')).toEqual(['require-concurrent-index-creation', 'syntax-error']);
  });
});

describe('text shapes', () => {
  it('BOM and CRLF: lines and snippets are those of the file', async () => {
    const sql = `\ufeff${TIMEOUTS}CREATE INDEX i ON orders (total);\r\n\r\nVACUUM FULL orders;\r\n`.replace(/(?<!\r)\n/g, '\r\n');
    const r = await lint({ '0001_m.sql': sql });
    const idx = r.findings.find((f) => f.ruleId === 'require-concurrent-index-creation')!;
    const vac = r.findings.find((f) => f.ruleId === 'vacuum-full')!;
    expect(idx.location).toMatchObject({ startLine: 3, snippet: 'CREATE INDEX i ON orders (total);' });
    expect(vac.location).toMatchObject({ startLine: 5, startColumn: 1, snippet: 'VACUUM FULL orders;' });
  });

  it('semicolons in comments, strings and dollar-quoted bodies do not split statements', async () => {
    const sql = [
      '-- step 1; then step 2',
      '/* nested /* comment; */ still; */',
      "CREATE OR REPLACE FUNCTION touch() RETURNS trigger LANGUAGE plpgsql AS $fn$",
      'BEGIN',
      "  NEW.note := 'a; b';",
      '  UPDATE orders SET status = $$x;y$$;',
      '  RETURN NEW;',
      'END',
      '$fn$;',
      "UPDATE orders SET note = 'semi;colon';",
    ].join('\n');
    const r = await lint({ '0001_m.sql': sql });
    const upd = r.findings.filter((f) => f.ruleId === 'unbatched-update');
    // the UPDATE inside the body runs when the trigger fires, not in the migration
    expect(upd.map((f) => (f.location.kind === 'file' ? f.location.startLine : 0))).toEqual([10]);
    expect(r.report?.data).toMatchObject({ statements: 2 });
  });

  it('psql meta-commands are ignored and a dbmate down section is not checked', async () => {
    const sql = `-- migrate:up\n\\set ON_ERROR_STOP on\n${TIMEOUTS}ALTER TABLE orders ADD COLUMN note text;\n\n-- migrate:down\nALTER TABLE orders DROP COLUMN note;\nVACUUM FULL orders;\n`;
    const r = await lint({ '0001_m.sql': sql });
    expect(ids(r)).not.toContain('ban-drop-column');
    expect(ids(r)).not.toContain('vacuum-full');
    expect(ids(r)).not.toContain('syntax-error');
  });
});

describe('apply order and down migrations', () => {
  it.each<[string[], string[]]>([
    [['10_c.sql', '2_b.sql', '1_a.sql'], ['1_a.sql', '2_b.sql', '10_c.sql']],
    [['20240110120000_b.sql', '20240101000000_a.sql'], ['20240101000000_a.sql', '20240110120000_b.sql']],
    [['V2__b.sql', 'V10__c.sql', 'V1_1__a.sql'], ['V1_1__a.sql', 'V2__b.sql', 'V10__c.sql']],
  ])('%j sorts as %j', (input, expected) => {
    expect([...input].sort(naturalCompare)).toEqual(expected);
  });

  it.each<[string, boolean]>([
    ['0002_x.down.sql', true],
    ['0002_x_down.sql', true],
    ['down.sql', true],
    ['U2__undo.sql', true],
    ['0002_x.up.sql', false],
    ['V2__x.sql', false],
    ['0002_shutdown_jobs.sql', false],
  ])('%s is a down migration: %s', (name, down) => {
    expect(isDownMigration(name)).toBe(down);
  });

  it('order decides what is still referenced, and down files are skipped with a note', async () => {
    const r = await lint({
      '10_view.sql': 'CREATE VIEW v AS SELECT total FROM orders;',
      '2_table.sql': 'CREATE TABLE IF NOT EXISTS orders (id bigint PRIMARY KEY, total numeric);',
      '11_drop.sql': 'ALTER TABLE orders DROP COLUMN total;',
      '11_drop.down.sql': 'ALTER TABLE orders ADD COLUMN total numeric;',
      'prisma/20240101_x/migration.sql': 'SELECT 1;',
    });
    expect(ids(r)).toContain('drop-still-referenced');
    expect(r.notes).toContain('1 down migration not checked (they undo others): 11_drop.down.sql');
    expect(r.report?.data).toMatchObject({ files: 4, downSkipped: 1 });
  });
});

describe('fingerprints and redaction', () => {
  it('survive line shifts and tell two identical statements apart', async () => {
    const body = `${TIMEOUTS}CREATE INDEX i ON orders (total);\nCREATE INDEX i ON orders (total);\nVACUUM FULL orders;`;
    const a = await lint({ '0001_m.sql': body });
    const b = await lint({ '0001_m.sql': `-- a comment\n\n\n${body}` });
    const fp = (r: typeof a) => r.findings.map((f) => `${f.ruleId} ${f.fingerprint}`).sort();
    expect(fp(b)).toEqual(fp(a));
    const idx = a.findings.filter((f) => f.ruleId === 'require-concurrent-index-creation');
    expect(idx).toHaveLength(2);
    expect(new Set(idx.map((f) => f.fingerprint)).size).toBe(2);
  });

  it('role passwords never reach a snippet or the evidence', async () => {
    const r = await lint({ '0001_m.sql': "CREATE ROLE app LOGIN PASSWORD 'hunter2-s3cret';\nALTER ROLE app PASSWORD 'n3w-s3cret' VALID UNTIL 'infinity';\nSELEC;" });
    const text = JSON.stringify(r.findings) + r.notes.join('\n');
    expect(text).not.toContain('hunter2');
    expect(text).not.toContain('n3w-s3cret');
    expect(redactSql("ALTER USER x WITH PASSWORD 'it''s'")).toBe("ALTER USER x WITH PASSWORD '…[redacted]'");
  });
});

describe('robustness', () => {
  it('an aborted scan stops with the abort reason (squawk is killed, not waited for)', async () => {
    const { mkdtempSync, writeFileSync, rmSync } = await import('node:fs');
    const { tmpdir } = await import('node:os');
    const { join } = await import('node:path');
    const { createMigrationsScanner } = await import('../../../scanners/migrations/migrations-scanner.js');
    const { silentLogger } = await import('../../../src/util/logger.js');
    const dir = mkdtempSync(join(tmpdir(), 'vigil-migrations-abort-'));
    try {
      for (let i = 0; i < 300; i++) writeFileSync(join(dir, `${i}_m.sql`), 'CREATE INDEX i ON orders (total);\n'.repeat(40));
      const ac = new AbortController();
      const reason = new Error('timed out');
      const run = (async () => {
        for await (const _f of createMigrationsScanner().run({ name: 'm', kind: 'path', location: dir }, { signal: ac.signal, logger: silentLogger, progress: (m) => void (m.startsWith('parsed') && ac.abort(reason)), baseDir: dir, options: {} })) {
          // nothing: the abort comes with the first parsed progress note, while squawk runs
        }
      })();
      await expect(run).rejects.toBe(reason);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('random text never throws out of the parser pass or the checks', async () => {
    await loadParser();
    const sqlish = fc.array(fc.constantFrom('CREATE', 'TABLE', 'VIEW', 'POLICY', 'ON', 'DROP', 'ALTER', 'RENAME', 'TO', 'COLUMN', 'UPDATE', 'SET', 'VACUUM', 'FULL', 'x', 'public.t', '(', ')', ';', ',', "'", '$$', '--', '/*', '*/', '"', '\n', ' ', 'auth.uid()', 'USING', 'AS', 'SELECT', 'FROM'), { maxLength: 60 }).map((xs) => xs.join(' '));
    fc.assert(
      fc.property(fc.oneof(fc.string({ maxLength: 200 }), sqlish), (text) => {
        const p = parseFile(text, 0);
        expect(p.error === undefined || p.statements.length === 0).toBe(true);
        runChecks([p.statements], { supabase: true });
        referenceChecks([p.statements], () => 'x');
      }),
      { numRuns: 400 },
    );
  });
});
