import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { openLedger } from '../../src/ledger/open.js';
import { fileFinding, runOf } from '../helpers/findings.js';

const dir = mkdtempSync(join(tmpdir(), 'vigil-skipped-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('a part left out of a run (skipped)', () => {
  it('proves nothing fixed: the findings of its scanner on its target stay open while the other part fixes its own', async () => {
    const ledger = await openLedger(join(dir, 'ledger.db'));
    try {
      const pagesFinding = fileFinding(1, { scanner: 'pages', target: 'shop' });
      const codeFinding = fileFinding(2, { scanner: 'code', target: 'shop' });
      await ledger.ingest(runOf([pagesFinding, codeFinding], [{ scanner: 'pages', target: 'shop' }, { scanner: 'code', target: 'shop' }]));
      // next run: pages left out (no Chromium), code complete with nothing found
      const next = runOf([], [{ scanner: 'pages', target: 'shop', status: 'skipped', notes: ['left out: Chromium is not installed'] }, { scanner: 'code', target: 'shop' }]);
      expect(next.run.status).toBe('complete');
      const summary = await ledger.ingest(next);
      expect(summary.fixed).toBe(1);
      const page = await ledger.listFindings({ status: ['open', 'reopened', 'fixed'] });
      const byScanner = Object.fromEntries(page.findings.map((f) => [f.scanner, f.status]));
      expect(byScanner).toEqual({ pages: 'open', code: 'fixed' });
      const stored = await ledger.getRun(next.run.id);
      expect(stored?.parts.find((p) => p.scanner === 'pages')).toMatchObject({ status: 'skipped', notes: ['left out: Chromium is not installed'] });
      expect((await ledger.verify()).ok).toBe(true);
    } finally {
      await ledger.close();
    }
  });
});
