/**
 * The audit PDF's availability section: each uptime probe in the period against its SLO (with the
 * head of its hash chain, so an auditor can hold the figures to the ledger), and the last perf run
 * of each target against its budget. Says so in words when no probe is configured.
 */
import { formatAvailability } from '../audit/labels.js';
import type { AuditAvailability, SloVerdict } from '../audit/model.js';
import { COLOURS, fmtTime, type Cell, type PdfWriter } from './document.js';

const VERDICT: Record<SloVerdict, Cell> = {
  met: { text: 'met', bold: true, color: COLOURS.good },
  breached: { text: 'BREACHED', bold: true, color: COLOURS.bad },
  'no-data': { text: 'no checks', bold: true, color: COLOURS.none },
};

/** Minutes as "3 h 05 min" or "12 min". */
export function fmtMinutes(m: number): string {
  const total = Math.round(m);
  if (total < 60) return `${total} min`;
  return `${Math.floor(total / 60)} h ${String(total % 60).padStart(2, '0')} min`;
}

const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;

/** Lay out the section (nothing is computed here: every figure comes from `a`). */
export function availabilitySection(w: PdfWriter, a: AuditAvailability): void {
  w.section('Availability', () => {
    if (a.probes.length === 0) {
      w.paragraph('No uptime probes are configured (vigil.yaml has no uptime probes) and the ledger holds no probe results for the period, so availability was not measured.');
    } else {
      const n = (v: SloVerdict) => a.probes.filter((p) => p.verdict === v).length;
      w.paragraph(
        `${plural(a.probes.length, 'uptime probe')} in the period: ${n('met')} met ${a.probes.length === 1 ? 'its' : 'their'} availability SLO, ${n('breached')} breached it` +
          `${n('no-data') ? `, ${n('no-data')} made no check` : ''}. Availability is the share of checks that passed, rounded down.` +
          (a.configured.length === 0 ? ' No probe is configured now: these are the results the ledger kept.' : ''),
      );
      w.table({
        columns: [
          { header: 'Probe', weight: 1.1 },
          { header: 'URL', weight: 2, mono: true },
          { header: 'Checks', weight: 0.7, align: 'right' },
          { header: 'Availability', weight: 1, align: 'right' },
          { header: 'SLO', weight: 0.7, align: 'right' },
          { header: 'Verdict', weight: 0.9 },
          { header: 'Outages', weight: 0.7, align: 'right' },
          { header: 'Longest outage', weight: 0.9, align: 'right' },
        ],
        rows: a.probes.map((p) => [
          p.configured ? p.probe : `${p.probe} (no longer configured)`,
          p.url || '–',
          String(p.checks),
          formatAvailability(p.availabilityPct),
          `${p.sloPct} %${p.configured ? '' : ' (default)'}`,
          VERDICT[p.verdict],
          String(p.outages),
          p.outages ? fmtMinutes(p.longestOutageMinutes) : '–',
        ]),
        rowStyle: (i) => (a.probes[i]?.verdict === 'breached' ? { fill: COLOURS.badFill } : a.probes[i]?.verdict === 'no-data' ? { fill: COLOURS.warnFill } : undefined),
      });
      w.heading(2, 'Probe chain heads');
      w.paragraph(
        "Every probe result is chained to the one before it (SHA-256); each probe's head is anchored in the ledger's event chain, which `vigil ledger verify` checks. The head of each probe's chain at the end of the period:",
      );
      w.table({
        columns: [
          { header: 'Probe', weight: 1 },
          { header: 'Chain head (SHA-256)', weight: 4, mono: true },
        ],
        rows: a.probes.map((p) => [p.probe, p.chainHead ?? 'no result in the period']),
      });
    }
    w.heading(2, 'Performance budgets');
    if (a.perf.length === 0) {
      w.paragraph('No perf scan ran in the period, so no performance budget was checked.');
      return;
    }
    w.paragraph("The last perf run of each target in the period, at 10 times the expected load; the verdict is the scanner's (each budget break is a finding).");
    for (const p of a.perf) {
      const figures = p.p95Ms === null ? 'no load figures' : `p95 ${Math.round(p.p95Ms)} ms at ${p.connections ?? '?'} connections, errors ${p.errorRatePct ?? '–'} %`;
      const verdict = p.verdict === 'over budget' ? `OVER BUDGET (${plural(p.breaks, 'break')})` : p.verdict === 'not measured' && !p.healthOk ? 'not measured: the health check failed, so the load was not run' : p.verdict;
      w.paragraph(`•  ${p.target}: ${figures} — ${verdict}. Run ${p.runId}, ${fmtTime(p.at)}.`, {
        size: 9,
        color: p.verdict === 'over budget' || !p.healthOk ? COLOURS.bad : COLOURS.text,
      });
    }
    if (a.perf.some((p) => p.sharedCores)) {
      w.paragraph('Where the target was on the scanning machine, the load generator shared its cores with the server: those figures understate what the server alone can do.', { color: COLOURS.muted });
    }
  });
}
