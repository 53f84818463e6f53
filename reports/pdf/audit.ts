/**
 * The audit report as a signed PDF/A-2b: cover, executive summary, scan coverage, findings, SLA,
 * exceptions, incidents, control mapping, data map, availability, the open-findings appendix, and an integrity
 * section that ends the document with the ledger head and the signing key. Every figure comes
 * from the `AuditReport`; this file only lays it out, and says so in words when a part is empty.
 */
import { createPublicKey, type KeyObject } from 'node:crypto';
import { VigilError } from '../../src/errors.js';
import { SEVERITIES, type Severity } from '../../src/model/severity.js';
import { keyFingerprint } from '../audit/key.js';
import { FINDING_STATUSES, type AuditFindingRow, type AuditReport, type ControlStatus } from '../audit/model.js';
import { COLOURS, fmtDate, fmtPercent, fmtTime, PdfWriter, SEVERITY_COLOURS, type Cell, type Column } from './document.js';
import { reserveSignature, signPdf } from './sign.js';
import { availabilitySection } from './availability.js';
import { CONTROL_LABEL, SEVERITY_LABEL, STATUS_LABEL } from '../audit/labels.js';

const CONTROL_COLOUR: Record<ControlStatus, string> = { met: COLOURS.good, partial: COLOURS.warn, 'not-met': COLOURS.bad, 'no-data': COLOURS.none };
const OUTCOME_COLOUR: Record<string, string> = {
  ran: COLOURS.good,
  done: COLOURS.good,
  met: COLOURS.good,
  late: COLOURS.warn,
  waived: COLOURS.none,
  open: COLOURS.accent,
  missed: COLOURS.bad,
  failed: COLOURS.bad,
  overdue: COLOURS.bad,
};

/** Statuses that count as still open at the end of the period (model: open, reopened, triaged). */
const OPEN_STATUSES = ['open', 'reopened', 'triaged'] as const;

function sev(s: Severity): Cell {
  return { text: SEVERITY_LABEL[s], bold: true, color: SEVERITY_COLOURS[s] };
}

function outcome(o: string): Cell {
  return { text: o, bold: true, color: OUTCOME_COLOUR[o] ?? COLOURS.text };
}

function plural(n: number, one: string, many = `${one}s`): string {
  return `${n} ${n === 1 ? one : many}`;
}

const FINDING_COLUMNS: Column[] = [
  { header: 'ID', weight: 0.7 },
  { header: 'Severity', weight: 0.9 },
  { header: 'Status', weight: 0.9 },
  { header: 'Title', weight: 3.2 },
  { header: 'Target', weight: 1 },
  { header: 'Location', weight: 2.2 },
  { header: 'First seen', weight: 1 },
  { header: 'SLA due', weight: 1 },
];

function findingRow(f: AuditFindingRow): Cell[] {
  return [`#${f.id}`, sev(f.severity), f.status.replace('_', ' '), f.title, f.target, { text: f.location, mono: true }, fmtDate(f.firstSeen), fmtDate(f.slaDue)];
}

/**
 * Render the audit report as a PDF/A-2b document signed with the Ed25519 `privateKey`.
 */
export async function renderAuditPdf(report: AuditReport, opts: { privateKey: KeyObject }): Promise<Buffer> {
  if (opts.privateKey.asymmetricKeyType !== 'ed25519') throw new VigilError('VIGIL_ERR_SIGNING_KEY', `the report signing key is ${opts.privateKey.asymmetricKeyType ?? 'not an asymmetric key'}, not Ed25519`);
  const publicKey = createPublicKey(opts.privateKey);
  // The PDF prints report.signingKey's fingerprint; a signature by any other key would contradict it.
  const fingerprint = keyFingerprint(publicKey);
  if (fingerprint !== report.signingKey.fingerprint) throw new VigilError('VIGIL_ERR_SIGNING_KEY', `the signing key ${fingerprint} is not the one the report names (${report.signingKey.fingerprint})`);
  const generated = new Date(report.generatedAt);
  const w = new PdfWriter({
    title: report.title,
    subject: `Security and compliance audit${report.organisation ? ` of ${report.organisation}` : ''}, ${fmtDate(report.period.from)} to ${fmtDate(report.period.to)}`,
    keywords: ['vigil', 'audit', 'SOC 2', 'ISO 27001', 'GDPR', 'vulnerability management'],
    createdAt: Number.isNaN(generated.getTime()) ? new Date() : generated,
  });
  cover(w, report);
  executiveSummary(w, report);
  coverage(w, report);
  findings(w, report);
  sla(w, report);
  exceptions(w, report);
  incidents(w, report);
  controls(w, report);
  datamap(w, report);
  availabilitySection(w, report.availability);
  appendix(w, report);
  integrity(w, report);
  const head = report.ledger.headHash;
  reserveSignature(w, { publicKey, headHash: /^[0-9a-f]+$/.test(head) ? head : undefined, headSeq: report.ledger.headSeq });
  return signPdf(await w.finish(), opts.privateKey);
}

function cover(w: PdfWriter, r: AuditReport): void {
  w.space(70);
  w.section(r.title, () => {
    w.paragraph('Security scanning and compliance audit', { size: 12, color: COLOURS.muted, gap: 18 });
    w.labelled([
      ['Organisation', r.organisation ?? 'not named in the configuration'],
      ['Period', `${fmtTime(r.period.from)} to ${fmtTime(r.period.to)} (the end is exclusive)`],
      ['Generated at', fmtTime(r.generatedAt)],
      ['Ledger', r.scope.ledger],
      ['Ledger head', `event ${r.ledger.headSeq}`],
    ]);
    w.heading(2, 'Scope: targets');
    if (r.scope.targets.length === 0) w.paragraph('No targets were configured.');
    else
      w.table({
        columns: [
          { header: 'Target', weight: 1 },
          { header: 'Kind', weight: 0.6 },
          { header: 'Location', weight: 2.2 },
          { header: 'Scanners', weight: 1.6 },
        ],
        rows: r.scope.targets.map((t) => [t.name, t.kind, { text: t.location, mono: true }, t.scanners.join(', ') || '–']),
      });
    w.heading(2, 'Scope: schedules');
    if (r.scope.schedules.length === 0) w.paragraph('No schedules were configured.');
    else
      w.table({
        columns: [
          { header: 'Schedule', weight: 1 },
          { header: 'Cron', weight: 0.9 },
          { header: 'Time zone', weight: 0.8 },
          { header: 'Targets', weight: 1.2 },
          { header: 'Scanners', weight: 1.4 },
        ],
        rows: r.scope.schedules.map((s) => [s.name, { text: s.cron, mono: true }, s.timezone ?? 'UTC', s.targets.join(', ') || '–', s.scanners.join(', ') || '–']),
      });
  });
}

function openCount(r: AuditReport, s: Severity): number {
  const row = r.findings.bySeverityStatus[s];
  return row ? OPEN_STATUSES.reduce((n, st) => n + (row[st] ?? 0), 0) : 0;
}

function executiveSummary(w: PdfWriter, r: AuditReport): void {
  w.section(
    'Executive summary',
    () => {
      if (r.summary.length === 0) w.paragraph('No summary figures were available for the period.');
      for (const s of r.summary) w.paragraph(`•  ${s}`, { size: 9.5 });
      w.space(6);
      w.heading(2, 'Key figures');
      const c = r.coverage;
      const openTotal = SEVERITIES.reduce((n, s) => n + openCount(r, s), 0);
      const openIncidents = r.incidents.filter((i) => i.status === 'open').length;
      w.tiles([
        c.expected > 0
          ? { value: fmtPercent((c.ran / c.expected) * 100), label: `of scheduled scans ran (${c.ran} of ${c.expected})`, color: c.missed ? COLOURS.warn : COLOURS.good }
          : { value: '–', label: 'no scheduled scans were due', color: COLOURS.none },
        { value: String(c.missed), label: 'scheduled scans missed', color: c.missed ? COLOURS.bad : COLOURS.good },
        { value: `${r.findings.newInPeriod} / ${r.findings.fixedInPeriod}`, label: 'findings new / fixed in the period' },
        r.sla.percent === null
          ? { value: '–', label: 'no findings were remediated', color: COLOURS.none }
          : { value: fmtPercent(r.sla.percent), label: `fixed within SLA (${r.sla.withinSla} of ${r.sla.remediated})` },
        { value: String(openTotal), label: 'findings open at the end of the period' },
        { value: String(r.sla.overdue.length), label: 'open findings past their SLA', color: r.sla.overdue.length ? COLOURS.bad : COLOURS.good },
        { value: String(r.incidents.length), label: `incidents opened (${openIncidents} still open)`, color: openIncidents ? COLOURS.bad : COLOURS.accent },
        { value: r.ledger.verified ? 'intact' : 'FAILED', label: 'ledger hash chain at report time', color: r.ledger.verified ? COLOURS.good : COLOURS.bad },
      ]);
    },
    { newPage: true },
  );
}

function coverage(w: PdfWriter, r: AuditReport): void {
  const c = r.coverage;
  w.section('Scan coverage against the schedule', () => {
    if (c.expected === 0 && c.schedules.length === 0) w.paragraph('No schedule was due in the period, so no scheduled scan was expected.');
    else w.paragraph(`${c.ran} of ${c.expected} scheduled scans ran in the period${c.expected ? ` (${fmtPercent((c.ran / c.expected) * 100)})` : ''}; ${c.missed} ${c.missed === 1 ? 'was' : 'were'} missed.`);
    w.paragraph(`${plural(c.adHocRuns, 'ad-hoc run')} (CLI or CI scans no schedule asked for) ran in the period.`);
    for (const s of c.schedules) {
      w.heading(2, `Schedule ${s.name}`);
      w.paragraph(`Cron "${s.cron}" in ${s.timezone ?? 'UTC'}: expected ${s.expected}, ran ${s.ran}, missed ${s.missed}.`);
      if (s.slots.length === 0) {
        w.paragraph('The schedule was not due in the period.', { color: COLOURS.muted });
        continue;
      }
      w.table({
        columns: [
          { header: 'Due', weight: 1.3 },
          { header: 'Outcome', weight: 0.8 },
          { header: 'Run', weight: 1.3 },
          { header: 'Started', weight: 1.3 },
          { header: 'Run status', weight: 0.9 },
        ],
        rows: s.slots.map((slot) => [fmtTime(slot.due), outcome(slot.outcome), slot.runId ? { text: slot.runId, mono: true } : '–', fmtTime(slot.startedAt), slot.status ?? '–']),
        // A missed or failed slot is the thing an auditor looks for: the whole row stands out.
        rowStyle: (i) => {
          const o = s.slots[i]?.outcome;
          return o === 'missed' || o === 'failed' ? { fill: COLOURS.badFill, bold: true } : o === 'late' ? { fill: COLOURS.warnFill } : undefined;
        },
      });
    }
    w.heading(2, 'Schedule changes');
    if (c.changes.length === 0) w.paragraph('No schedule changes were recorded in the ledger.');
    else
      w.table({
        columns: [
          { header: 'At', weight: 1.2 },
          { header: 'Actor', weight: 0.8 },
          { header: 'Schedule', weight: 1 },
          { header: 'Change', weight: 3 },
        ],
        rows: c.changes.map((ch) => [fmtTime(ch.at), ch.actor ?? 'system', ch.schedule, ch.change]),
      });
  });
}

function findings(w: PdfWriter, r: AuditReport): void {
  const f = r.findings;
  w.section('Findings by severity and status', () => {
    w.paragraph(`${plural(f.newInPeriod, 'finding was', 'findings were')} new in the period and ${f.fixedInPeriod} ${f.fixedInPeriod === 1 ? 'was' : 'were'} fixed; the ledger holds ${plural(f.total, 'finding')} in all. Counts are as of the end of the period.`);
    const rows: Cell[][] = SEVERITIES.map((s) => {
      const row = f.bySeverityStatus[s];
      const counts = FINDING_STATUSES.map((st) => row?.[st] ?? 0);
      return [sev(s), ...counts.map(String), { text: String(counts.reduce((a, b) => a + b, 0)), bold: true }];
    });
    const colTotals = FINDING_STATUSES.map((st) => SEVERITIES.reduce((n, s) => n + (f.bySeverityStatus[s]?.[st] ?? 0), 0));
    rows.push([{ text: 'Total', bold: true }, ...colTotals.map((n) => ({ text: String(n), bold: true })), { text: String(colTotals.reduce((a, b) => a + b, 0)), bold: true }]);
    w.table({
      columns: [{ header: 'Severity', weight: 1.2 }, ...FINDING_STATUSES.map((st) => ({ header: STATUS_LABEL[st], weight: 1, align: 'right' as const })), { header: 'Total', weight: 0.9, align: 'right' }],
      rows,
    });
    w.heading(2, 'Open findings by severity at the end of the period');
    w.barChart({
      bars: SEVERITIES.map((s) => ({ label: SEVERITY_LABEL[s], value: openCount(r, s), color: SEVERITY_COLOURS[s] })),
      alt: `Bar chart of open findings by severity: ${SEVERITIES.map((s) => `${SEVERITY_LABEL[s]} ${openCount(r, s)}`).join(', ')}.`,
      emptyText: 'No findings were open at the end of the period.',
    });
    w.heading(2, 'Trend of open findings by severity, per day');
    const days = f.trend;
    const last = days[days.length - 1];
    w.stackedBarChart({
      categories: days.map((d) => d.date),
      series: SEVERITIES.map((s) => ({ name: SEVERITY_LABEL[s], color: SEVERITY_COLOURS[s], values: days.map((d) => d.counts[s] ?? 0) })),
      height: 150,
      yLabel: 'open findings per day',
      alt: last
        ? `Stacked bar chart of open findings by severity for each day from ${days[0]!.date} to ${last.date}; on the last day: ${SEVERITIES.map((s) => `${SEVERITY_LABEL[s]} ${last.counts[s] ?? 0}`).join(', ')}.`
        : 'No trend data.',
      emptyText: days.length === 0 ? 'No daily trend is available for the period.' : 'No findings were open on any day of the period.',
    });
  });
}

function sla(w: PdfWriter, r: AuditReport): void {
  const s = r.sla;
  w.section('SLA performance', () => {
    if (s.percent === null) w.paragraph('No findings were remediated in the period, so there is no SLA percentage to report.');
    else w.paragraph(`${plural(s.remediated, 'finding was', 'findings were')} remediated in the period; ${s.withinSla} of them within their SLA (${fmtPercent(s.percent)}).`);
    w.heading(2, 'SLA days per severity');
    w.table({
      columns: [
        { header: 'Severity', weight: 1 },
        { header: 'Days to remediate', weight: 1, align: 'right' },
      ],
      rows: SEVERITIES.map((sv) => [sev(sv), s.days[sv] === null || s.days[sv] === undefined ? 'no SLA' : String(s.days[sv])]),
    });
    w.heading(2, 'Open findings past their SLA');
    if (s.overdue.length === 0) w.paragraph('No open finding was past its SLA at the end of the period.');
    else {
      const end = new Date(r.period.to).getTime();
      w.table({
        columns: [
          { header: 'ID', weight: 0.7 },
          { header: 'Severity', weight: 0.9 },
          { header: 'Title', weight: 3.4 },
          { header: 'Target', weight: 1 },
          { header: 'SLA due', weight: 1 },
          { header: 'Days overdue', weight: 0.9, align: 'right' },
        ],
        rows: s.overdue.map((f) => {
          const due = f.slaDue ? new Date(f.slaDue).getTime() : NaN;
          const days = Number.isFinite(due) && Number.isFinite(end) ? String(Math.max(0, Math.floor((end - due) / 86_400_000))) : '–';
          return [`#${f.id}`, sev(f.severity), f.title, f.target, fmtDate(f.slaDue), { text: days, bold: true, color: COLOURS.bad }];
        }),
      });
    }
  });
}

function exceptions(w: PdfWriter, r: AuditReport): void {
  w.section('Exceptions', () => {
    if (r.exceptions.length === 0) {
      w.paragraph('No exceptions were recorded in the period.');
      return;
    }
    const accepted = r.exceptions.filter((e) => e.status === 'accepted').length;
    w.paragraph(`${plural(accepted, 'accepted risk')} and ${plural(r.exceptions.length - accepted, 'false positive')} were decided in the period.`);
    w.table({
      columns: [
        { header: 'Finding', weight: 1.9 },
        { header: 'Severity', weight: 0.8 },
        { header: 'Decision', weight: 0.9 },
        { header: 'Justification', weight: 2.4 },
        { header: 'Approver', weight: 1.2 },
        { header: 'Expires', weight: 0.9 },
        { header: 'Decided', weight: 1.2 },
      ],
      rows: r.exceptions.map((e) => [
        `#${e.findingId} ${e.title} (${e.target})`,
        sev(e.severity),
        e.status === 'accepted' ? 'accepted risk' : 'false positive',
        e.justification,
        e.approver ?? '–',
        e.expires ? fmtDate(e.expires) : e.status === 'accepted' ? 'never' : '–',
        `${fmtTime(e.decidedAt)} by ${e.decidedBy ?? 'unknown'}`,
      ]),
    });
  });
}

function incidents(w: PdfWriter, r: AuditReport): void {
  w.section('Incidents', () => {
    if (r.incidents.length === 0) {
      w.paragraph('No incidents were opened in the period.');
      return;
    }
    for (const inc of r.incidents) {
      w.heading(2, `Incident #${inc.id}: ${inc.title}`);
      w.labelled(
        [
          ['Runbook', `${inc.runbookTitle} (${inc.runbook})`],
          ['Severity', SEVERITY_LABEL[inc.severity]],
          ['Status', inc.status],
          ['Opened', fmtTime(inc.openedAt)],
          ['Aware', fmtTime(inc.awareAt)],
          ['Resolved', inc.resolvedAt ? fmtTime(inc.resolvedAt) : 'not resolved'],
          ['Finding', inc.findingId === null ? 'none' : `#${inc.findingId}`],
        ],
        90,
      );
      w.heading(3, 'Steps');
      if (inc.steps.length === 0) w.paragraph('The runbook has no steps.');
      else
        w.table({
          columns: [
            { header: 'Step', weight: 1.8 },
            { header: 'Phase', weight: 1 },
            { header: 'Owner', weight: 1 },
            { header: 'Due', weight: 1.2 },
            { header: 'Done', weight: 1.2 },
            { header: 'Outcome', weight: 0.8 },
          ],
          rows: inc.steps.map((s) => [s.title, s.phase, s.owner, fmtTime(s.due), fmtTime(s.doneAt), outcome(s.outcome)]),
        });
      w.heading(3, 'Clocks');
      if (inc.clocks.length === 0) w.paragraph('The runbook has no clocks.');
      else
        w.table({
          columns: [
            { header: 'Clock', weight: 1.8 },
            { header: 'Law', weight: 1 },
            { header: 'Due', weight: 1.2 },
            { header: 'Met', weight: 1.2 },
            { header: 'Outcome', weight: 0.8 },
          ],
          rows: inc.clocks.map((c) => [c.title, c.law, fmtTime(c.due), c.waived ? 'waived' : fmtTime(c.metAt), outcome(c.outcome)]),
        });
      w.heading(3, 'Timeline');
      if (inc.timeline.length === 0) w.paragraph('No events were recorded.');
      else
        w.table({
          columns: [
            { header: 'At', weight: 1.2 },
            { header: 'Actor', weight: 0.8 },
            { header: 'Action', weight: 0.9 },
            { header: 'Detail', weight: 3 },
          ],
          rows: inc.timeline.map((t) => [fmtTime(t.at), t.actor ?? 'vigil', t.action, t.detail]),
        });
    }
  });
}

function controls(w: PdfWriter, r: AuditReport): void {
  w.section('Control mapping', () => {
    if (r.controls.length === 0) {
      w.paragraph('No controls were mapped: compliance/controls/ held no mapping when the report was made.');
      return;
    }
    const n = (s: ControlStatus) => r.controls.filter((c) => c.status === s).length;
    w.paragraph(`${plural(r.controls.length, 'control')}: ${n('met')} met, ${n('partial')} partial, ${n('not-met')} not met, ${n('no-data')} without data in the period.`);
    w.table({
      columns: [
        { header: 'Framework', weight: 1.1 },
        { header: 'Control', weight: 0.7 },
        { header: 'Title', weight: 1.8 },
        { header: 'Status', weight: 0.7 },
        { header: 'Evidence', weight: 3 },
      ],
      rows: r.controls.map((c) => [c.framework, { text: c.id, bold: true }, c.title, { text: CONTROL_LABEL[c.status], bold: true, color: CONTROL_COLOUR[c.status] }, c.evidence.length ? c.evidence.join('\n') : 'no evidence recorded']),
    });
  });
}

function datamap(w: PdfWriter, r: AuditReport): void {
  const d = r.datamap;
  w.section('Data-map status', () => {
    if (!d.configured) {
      w.paragraph('The data-map scanner is not configured for any target, so GDPR/CCPA data-map checks were not run in the period.');
      return;
    }
    w.paragraph(d.lastRun ? `The last complete data-map run was ${d.lastRun.runId} at ${fmtTime(d.lastRun.at)} (${d.lastRun.status}).` : 'The data-map scanner is configured, but no complete data-map run was recorded in the period.');
    const total = SEVERITIES.reduce((n, s) => n + (d.openBySeverity[s] ?? 0), 0);
    w.heading(2, 'Open data-map findings');
    if (total === 0 && d.openByRule.length === 0) {
      w.paragraph('No data-map findings were open at the end of the period.');
      return;
    }
    w.table({ columns: SEVERITIES.map((s) => ({ header: SEVERITY_LABEL[s], weight: 1, align: 'right' as const })), rows: [SEVERITIES.map((s) => String(d.openBySeverity[s] ?? 0))] });
    if (d.openByRule.length)
      w.table({
        columns: [
          { header: 'Rule', weight: 2.2, mono: true },
          { header: 'Title', weight: 2.2 },
          { header: 'Open', weight: 0.6, align: 'right' },
        ],
        rows: d.openByRule.map((x) => [x.ruleId, x.title, String(x.count)]),
      });
  });
}

function appendix(w: PdfWriter, r: AuditReport): void {
  w.section(
    'Appendix: open findings',
    () => {
      if (r.openFindings.length === 0) {
        w.paragraph('No findings were open at the end of the period.');
        return;
      }
      const total = Math.max(r.openFindingsTotal, r.openFindings.length);
      w.paragraph(
        `${plural(total, 'finding was', 'findings were')} open (open, reopened or triaged) at the end of the period, most severe first.` +
          (total > r.openFindings.length ? ` The ${r.openFindings.length} most severe are listed; \`vigil findings list\` lists them all.` : ''),
      );
      w.table({ columns: FINDING_COLUMNS, rows: r.openFindings.map(findingRow), fontSize: 7 });
    },
    { newPage: true },
  );
}

function integrity(w: PdfWriter, r: AuditReport): void {
  const l = r.ledger;
  const k = r.signingKey;
  w.section('Integrity', () => {
    if (l.headHash) {
      w.paragraph(`This report covers every ledger event up to and including event ${l.headSeq}, the ledger head when it was made. The SHA-256 hash of that event, which chains every event before it:`);
      // 64 hex digits at 8.5 pt of DejaVu Sans Mono are about 330 pt wide: one line, selectable as one word.
      w.paragraph(l.headHash, { font: 'mono', size: 8.5, gap: 8 });
    } else w.paragraph('The ledger held no events when this report was made, so there is no head hash to cover.');
    const detail = l.verifyDetail.replace(/\.+$/, '');
    w.paragraph(l.verified ? `Ledger verification at report time: passed — ${detail}.` : `Ledger verification at report time: FAILED — ${detail}.`, {
      color: l.verified ? COLOURS.text : COLOURS.bad,
      font: l.verified ? 'sans' : 'bold',
    });
    w.labelled([
      ['Signing key', k.fingerprint],
      ['Recorded in ledger', k.recordedAt ? `${fmtTime(k.recordedAt)}${k.recordedSeq !== null ? ` (event ${k.recordedSeq})` : ''}` : 'not recorded in the ledger'],
    ]);
    w.paragraph(k.publicKeyPem.trim(), { font: 'mono', size: 7, color: COLOURS.muted, gap: 8 });
    w.paragraph(
      'This file carries an Ed25519 signature, made with the key above, over the SHA-256 digest of every byte of the file except the signature itself; the ledger head hash is stored beside it and covered by it. Anyone can check it, offline, with:',
      { font: 'bold' },
    );
    w.paragraph('vigil report verify <file>', { font: 'mono', size: 9, indent: 12 });
  });
}
