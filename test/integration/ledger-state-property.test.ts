/**
 * Property: whatever sequence of scans and triage a ledger goes through, its rows match what its
 * events say (verify passes), and any one field edited by hand afterwards is caught and named.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import fc from 'fast-check';
import { afterAll, expect, it } from 'vitest';
import { openLedger } from '../../src/ledger/index.js';
import type { Severity } from '../../src/model/severity.js';
import { fileFinding, runOf } from '../helpers/findings.js';

const dir = mkdtempSync(join(tmpdir(), 'vigil-ledger-prop-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const SEVERITIES: Severity[] = ['critical', 'high', 'medium', 'low', 'info'];

type Op =
  | { kind: 'scan'; seen: boolean[]; severities: number[]; partial: boolean }
  | { kind: 'triage'; finding: number; to: 'open' | 'triaged' | 'accepted' | 'false_positive'; expiresInDays: number | null };

const op: fc.Arbitrary<Op> = fc.oneof(
  fc.record({
    kind: fc.constant('scan' as const),
    seen: fc.array(fc.boolean(), { minLength: 6, maxLength: 6 }),
    severities: fc.array(fc.integer({ min: 0, max: 4 }), { minLength: 6, maxLength: 6 }),
    partial: fc.boolean(),
  }),
  fc.record({
    kind: fc.constant('triage' as const),
    finding: fc.integer({ min: 1, max: 8 }),
    to: fc.constantFrom('open' as const, 'triaged' as const, 'accepted' as const, 'false_positive' as const),
    expiresInDays: fc.option(fc.integer({ min: 1, max: 20 }), { nil: null }),
  }),
);

const FIELDS: { column: string; value: string }[] = [
  { column: 'status', value: "'false_positive'" },
  { column: 'severity', value: "'zero'" },
  { column: 'first_seen', value: "'1999-01-01T00:00:00.000Z'" },
  { column: 'last_seen', value: "'1999-01-01T00:00:00.000Z'" },
  { column: 'sla_due', value: "'2999-01-01T00:00:00.000Z'" },
  { column: 'accept_expires', value: "'2999-01-01T00:00:00.000Z'" },
  { column: 'accept_approver', value: "'mallory'" },
  { column: 'data', value: "data || ' '" },
];

let n = 0;
it('rows always match their events, and one edited field is always named', async () => {
  await fc.assert(
    fc.asyncProperty(fc.array(op, { minLength: 1, maxLength: 12 }), fc.nat(), fc.constantFrom(...FIELDS), async (ops, pick, field) => {
      const file = join(dir, `l${n++}.db`);
      const ledger = await openLedger(file);
      let t = Date.parse('2026-01-01T00:00:00Z');
      try {
        for (const o of ops) {
          t += 5 * 86_400_000; // acceptances expire between steps now and then
          if (o.kind === 'scan') {
            const found = o.seen.flatMap((s, i) => (s ? [fileFinding(i, { severity: SEVERITIES[o.severities[i]!]! })] : []));
            await ledger.ingest(runOf(found, [{ status: o.partial ? 'failed' : 'complete' }]), { now: new Date(t) });
          } else {
            const f = await ledger.getFinding(o.finding);
            if (!f || f.status === 'fixed') continue;
            await ledger.triage(
              o.finding,
              {
                status: o.to,
                actor: 'prop',
                ...(o.to === 'accepted' || o.to === 'false_positive' ? { justification: 'because' } : {}),
                ...(o.to === 'accepted' ? { approver: 'boss', expires: o.expiresInDays ? new Date(t + o.expiresInDays * 86_400_000).toISOString() : null } : {}),
              },
              { now: new Date(t) },
            );
          }
        }
        const v = await ledger.verify();
        expect(v.ok, JSON.stringify(v.findings?.mismatches)).toBe(true);
        const rows = (await ledger.listFindings({ limit: 100 })).findings;
        if (rows.length === 0) return;
        const target = rows[pick % rows.length]!;
        const db = new Database(file);
        const before = db.prepare(`select ${field.column} as v from findings where id = ?`).pluck().get(target.id);
        db.prepare(`update findings set ${field.column} = ${field.value} where id = ?`).run(target.id);
        const after = db.prepare(`select ${field.column} as v from findings where id = ?`).pluck().get(target.id);
        db.close();
        if (before === after) return; // the edit wrote the value already there: nothing to catch
        const broken = await ledger.verify();
        expect(broken.ok).toBe(false);
        expect(broken.findings!.mismatches.map((m) => [m.findingId, m.field])).toContainEqual([target.id, field.column]);
      } finally {
        await ledger.close();
      }
    }),
    { numRuns: 40 },
  );
});
