import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { openLedger, type Ledger } from '../../../src/ledger/index.js';
import type { ReportedFinding } from '../../../src/model/report.js';
import type { RunResult } from '../../../src/model/run.js';
import { NOTIFY_EVENTS } from '../../../src/config/types.js';
import { annotateFindings, failedPartsAlert, runAlerts } from '../../../src/notify/run-alerts.js';
import { fileFinding, runOf } from '../../helpers/findings.js';

const dir = mkdtempSync(join(tmpdir(), 'vigil-run-alerts-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let n = 0;
const EVENTS = new Set(NOTIFY_EVENTS);

async function ingest(ledger: Ledger, result: RunResult, at: Date) {
  const summary = await ledger.ingest(result, { now: at });
  return { summary, findings: annotateFindings(result.findings, summary), ingestedAt: at.toISOString() };
}

describe('runAlerts against a real SQLite ledger', () => {
  it('alerts new findings at or above minSeverity once, then reopened ones', async () => {
    const ledger = await openLedger(join(dir, `l${n++}.db`));
    try {
      const crit = fileFinding(1, { severity: 'critical' });
      const high = fileFinding(2, { severity: 'high' });
      const med = fileFinding(3, { severity: 'medium' });
      const t1 = new Date();
      const run1 = runOf([crit, high, med]);
      const a1 = await ingest(ledger, run1, t1);
      const alerts1 = await runAlerts({ ledger, run: run1.run, ...a1, minSeverity: 'high', events: EVENTS, now: t1 });
      expect(alerts1.map((a) => a.event)).toEqual(['finding.new']);
      expect(alerts1[0]!.items.map((i) => [i.severity, i.title, i.key])).toEqual([
        ['critical', 'Problem 1', `finding.new:app:${crit.fingerprint}`],
        ['high', 'Problem 2', `finding.new:app:${high.fingerprint}`],
      ]);
      expect(alerts1[0]!.items[0]).toMatchObject({ target: 'app', scanner: 'import', location: 'src/file-1.ts:1', findingId: expect.any(Number) });
      expect(alerts1[0]).toMatchObject({ runId: run1.run.id, trigger: 'cli' });

      // the same findings again: nothing is new
      const run2 = runOf([crit, high, med]);
      const t2 = new Date(t1.getTime() + 1000);
      const alerts2 = await runAlerts({ ledger, run: run2.run, ...(await ingest(ledger, run2, t2)), minSeverity: 'high', events: EVENTS, now: t2 });
      expect(alerts2).toEqual([]);

      // crit fixed (a complete run without it), then back: reopened, alerted once
      const t3 = new Date(t1.getTime() + 2000);
      await ingest(ledger, runOf([high, med]), t3);
      const run4 = runOf([crit, high, med]);
      const t4 = new Date(t1.getTime() + 3000);
      const alerts4 = await runAlerts({ ledger, run: run4.run, ...(await ingest(ledger, run4, t4)), minSeverity: 'high', events: EVENTS, now: t4 });
      expect(alerts4[0]!.items.map((i) => [i.title, i.reopened])).toEqual([['Problem 1', true]]);
      const run5 = runOf([crit, high, med]);
      const t5 = new Date(t1.getTime() + 4000);
      expect(await runAlerts({ ledger, run: run5.run, ...(await ingest(ledger, run5, t5)), minSeverity: 'high', events: EVENTS, now: t5 })).toEqual([]);
    } finally {
      await ledger.close();
    }
  });

  it('leaves out suppressed findings and events no channel takes', async () => {
    const ledger = await openLedger(join(dir, `l${n++}.db`));
    try {
      const crit = fileFinding(1, { severity: 'critical' });
      const run = runOf([crit]);
      const t = new Date();
      const a = await ingest(ledger, run, t);
      const suppressed: ReportedFinding[] = a.findings.map((f) => ({ ...f, suppression: { source: 'suppression-file', reason: 'test fixture' } }));
      expect(await runAlerts({ ledger, run: run.run, ...a, findings: suppressed, minSeverity: 'high', events: EVENTS, now: t })).toEqual([]);
      expect(await runAlerts({ ledger, run: run.run, ...a, minSeverity: 'high', events: new Set(['scan.failed'] as const), now: t })).toEqual([]);
    } finally {
      await ledger.close();
    }
  });

  it('alerts open findings past their SLA, not those still in time or settled', async () => {
    const ledger = await openLedger(join(dir, `l${n++}.db`), { sla: { critical: 7, high: 30, medium: 90, low: 120 } });
    try {
      const old = fileFinding(10, { severity: 'high' });
      const recent = fileFinding(11, { severity: 'critical' });
      const accepted = fileFinding(12, { severity: 'critical' });
      const longAgo = new Date(Date.now() - 40 * 86_400_000);
      const first = await ingest(ledger, runOf([old, accepted], [{ scanner: 'import', target: 'app' }]), longAgo);
      const acceptedId = first.findings.find((f) => f.fingerprint === accepted.fingerprint)!.id!;
      await ledger.triage(acceptedId, { status: 'accepted', actor: 'test', justification: 'compensating control', approver: 'ciso' });
      const now = new Date();
      const run = runOf([old, recent, accepted]);
      const a = await ingest(ledger, run, now);
      const alerts = await runAlerts({ ledger, run: run.run, ...a, minSeverity: 'high', events: new Set(['sla.breach'] as const), now });
      expect(alerts.map((x) => x.event)).toEqual(['sla.breach']);
      const items = alerts[0]!.items;
      expect(items.map((i) => i.title)).toEqual(['Problem 10']);
      expect(items[0]!.key).toBe(`sla.breach:${items[0]!.findingId}:${items[0]!.slaDue}`);
      expect(Date.parse(items[0]!.slaDue!)).toBeLessThan(now.getTime());
      // with the threshold at critical, the overdue high finding is not alerted
      expect(await runAlerts({ ledger, run: run.run, ...a, minSeverity: 'critical', events: new Set(['sla.breach'] as const), now })).toEqual([]);
    } finally {
      await ledger.close();
    }
  });

  it('a scheduled run with failed and timed-out parts raises scan.failed keyed by schedule, scanner and target', () => {
    const { run } = runOf([], [
      { scanner: 'tls', target: 'api', status: 'failed', error: 'VIGIL_ERR_TLS_PROBE: connect ECONNREFUSED 127.0.0.1:9' },
      { scanner: 'web', target: 'shop', status: 'timeout', error: 'ran past 600 s' },
      { scanner: 'deps', target: 'app', status: 'complete' },
      { scanner: 'code', target: 'app', status: 'aborted', error: 'stopping' },
    ], { trigger: 'catch-up:nightly' });
    const alert = failedPartsAlert(run)!;
    expect(alert.event).toBe('scan.failed');
    expect(alert.items.map((i) => [i.key, i.title])).toEqual([
      ['scan.failed:nightly:tls:api', 'tls on api failed in run catch-up:nightly'],
      ['scan.failed:nightly:web:shop', 'web on shop timed out in run catch-up:nightly'],
    ]);
    expect(alert.items[0]!.detail).toContain('ECONNREFUSED');
    expect(failedPartsAlert(runOf([], [{ status: 'complete' }]).run)).toBeUndefined();
  });
});
