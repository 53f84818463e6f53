import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { openLedger, type Ledger } from '../../src/ledger/index.js';
import type { LedgerFinding } from '../../src/model/finding.js';
import pg from 'pg';
import { FINDINGS_TEXT_PG } from '../../src/ledger/migrations.js';
import { fileFinding, runOf } from '../helpers/findings.js';
import { createTestDatabase } from '../helpers/pg.js';

const dir = mkdtempSync(join(tmpdir(), 'vigil-text-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** What a text search must return: the listing's order, kept where the title, rule or location holds the text (case-insensitively on SQLite). */
const expected = (all: LedgerFinding[], text: string) =>
  all.filter((f) => [f.title, f.ruleId, JSON.stringify(f.location)].some((s) => s.toLowerCase().includes(text.toLowerCase())));

/** Each text, page by page and with severity, status, offset and total, gives what filtering the whole listing gives. */
async function expectSearchesLikeFiltering(ledger: Ledger, all: LedgerFinding[], texts: string[]): Promise<void> {
  for (const text of texts) {
    const want = expected(all, text).map((f) => f.id);
    const got: number[] = [];
    let cursor: string | undefined;
    do {
      const page = await ledger.listFindings({ text, limit: 7, ...(cursor ? { cursor } : {}) });
      got.push(...page.findings.map((f) => f.id));
      cursor = page.next ?? undefined;
    } while (cursor);
    expect(got, text).toEqual(want);
    const high = await ledger.listFindings({ text, severity: ['high'], status: ['open'], limit: 5, offset: 2, withTotal: true });
    const wantHigh = expected(all, text).filter((f) => f.severity === 'high');
    expect(high.findings.map((f) => f.id), text).toEqual(wantHigh.slice(2, 7).map((f) => f.id));
    expect(high.total).toBe(wantHigh.length);
  }
}

describe('listFindings with text on SQLite (ids from the covering index, then the rows)', () => {
  it('gives the same rows in the same order as filtering the whole listing, page by page and with offset', async () => {
    const ledger = await openLedger(join(dir, 'ledger.db'));
    try {
      await ledger.ingest(runOf(Array.from({ length: 240 }, (_, i) => fileFinding(i))));
      const all = (await ledger.listFindings({ limit: 10_000 })).findings;
      expect(all).toHaveLength(240);
      await expectSearchesLikeFiltering(ledger, all, ['Problem 1', 'FILE-7', 'rule-3', '%', '_', 'nothing like it']);
    } finally {
      await ledger.close();
    }
  });
});

describe('listFindings with text on PostgreSQL (one case-insensitive match, through the trigram index of migration 0009)', () => {
  it('gives the same rows in the same order as filtering the whole listing, and the index is there and used', async () => {
    const { url, drop } = await createTestDatabase('vigil_text');
    const ledger = await openLedger(url);
    try {
      await ledger.ingest(runOf(Array.from({ length: 240 }, (_, i) => fileFinding(i))));
      const all = (await ledger.listFindings({ limit: 10_000 })).findings;
      // a text holding U+001F cannot span two columns: it is searched column by column, and matches nothing here
      await expectSearchesLikeFiltering(ledger, all, ['Problem 1', 'FILE-7', 'rule-3', '%', '_', 'nothing like it', 'problem 2\u001frule']);
      const c = new pg.Client({ connectionString: url });
      await c.connect();
      try {
        const idx = await c.query<{ indexdef: string }>(`select indexdef from pg_indexes where indexname = 'findings_text_trgm'`);
        expect(idx.rows[0]?.indexdef).toMatch(/USING gin .*gin_trgm_ops/);
        // with sequential scans off, the planner shows the search going through it
        await c.query('set enable_seqscan = off');
        const plan = await c.query<{ 'QUERY PLAN': string }>(`explain select id from findings where (${FINDINGS_TEXT_PG}) ilike '%file-7%'`);
        expect(plan.rows.map((r) => r['QUERY PLAN']).join('\n')).toContain('findings_text_trgm');
      } finally {
        await c.end();
      }
    } finally {
      await ledger.close();
      await drop();
    }
  });
});

describe('a PostgreSQL role that may not create the pg_trgm extension', () => {
  it('migrates without the trigram index, and searches the same, unindexed', async () => {
    const { url, drop } = await createTestDatabase('vigil_text_noext');
    const role = `vigil_noext_${Date.now().toString(36)}`;
    const admin = new pg.Client({ connectionString: url });
    await admin.connect();
    try {
      // the tables in public, but no CREATE on the database: a trusted extension cannot be created
      await admin.query(`create role ${role} login`);
      await admin.query(`grant usage, create on schema public to ${role}`);
      const u = new URL(url);
      u.username = role;
      const ledger = await openLedger(u.toString());
      try {
        await ledger.ingest(runOf(Array.from({ length: 40 }, (_, i) => fileFinding(i))));
        const all = (await ledger.listFindings({ limit: 1000 })).findings;
        const got = (await ledger.listFindings({ text: 'FILE-3', limit: 1000 })).findings.map((f) => f.id);
        expect(got).toEqual(expected(all, 'FILE-3').map((f) => f.id));
        expect(got.length).toBeGreaterThan(0);
      } finally {
        await ledger.close();
      }
      const migrations = await admin.query<{ name: string }>('select name from kysely_migration order by name');
      expect(migrations.rows.map((r) => r.name).at(-1)).toBe('0010-uptime');
      expect((await admin.query(`select 1 from pg_indexes where indexname = 'findings_text_trgm'`)).rowCount).toBe(0);
      expect((await admin.query(`select 1 from pg_extension where extname = 'pg_trgm'`)).rowCount).toBe(0);
    } finally {
      await admin.end();
      await drop();
      const c = new pg.Client({ connectionString: url.replace(/\/[^/]+$/, '/postgres') });
      await c.connect();
      await c.query(`drop role if exists ${role}`);
      await c.end();
    }
  });
});
