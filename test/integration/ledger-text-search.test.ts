import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { openLedger } from '../../src/ledger/index.js';
import type { LedgerFinding } from '../../src/model/finding.js';
import { fileFinding, runOf } from '../helpers/findings.js';

const dir = mkdtempSync(join(tmpdir(), 'vigil-text-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** What a text search must return: the listing's order, kept where the title, rule or location holds the text (case-insensitively on SQLite). */
const expected = (all: LedgerFinding[], text: string) =>
  all.filter((f) => [f.title, f.ruleId, JSON.stringify(f.location)].some((s) => s.toLowerCase().includes(text.toLowerCase())));

describe('listFindings with text on SQLite (ids from the covering index, then the rows)', () => {
  it('gives the same rows in the same order as filtering the whole listing, page by page and with offset', async () => {
    const ledger = await openLedger(join(dir, 'ledger.db'));
    try {
      await ledger.ingest(runOf(Array.from({ length: 240 }, (_, i) => fileFinding(i))));
      const all = (await ledger.listFindings({ limit: 10_000 })).findings;
      expect(all).toHaveLength(240);
      for (const text of ['Problem 1', 'FILE-7', 'rule-3', '%', '_', 'nothing like it']) {
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
    } finally {
      await ledger.close();
    }
  });
});
