import type { VigilConfig } from '../config/types.js';
import { loadControls, evaluateControls } from '../compliance/controls.js';
import type { Figures } from '../compliance/figures.js';
import { VigilError } from '../errors.js';
import { incidentView } from '../incidents/view.js';
import { loadRunbooks } from '../incidents/runbooks.js';
import type { Ledger } from '../ledger/ledger.js';
import type { FactFinding } from '../ledger/audit-facts.js';
import { SEVERITIES, type Severity } from '../model/severity.js';
import type { AuditAvailability, AuditFindingRow, AuditIncident, AuditReport } from '../../reports/audit/model.js';
import { gatherAvailability } from './availability.js';
import { SCHEDULE_EVENT, scheduleCoverage, scheduleSpans, type ScheduleSpan } from './schedules.js';
import type { SigningKey } from './signing-key.js';

const DAY = 86_400_000;
/** The appendix and overdue list stop here; the report says how many more there are. */
export const APPENDIX_LIMIT = 1_000;

/** The reporting period: `--from`/`--to` as dates or times; the last 90 days when absent. `to` is exclusive (a date means the end of that day). */
export function reportPeriod(from: string | undefined, to: string | undefined, now: Date): { from: string; to: string } {
  const parse = (s: string, flag: string, endOfDay: boolean): number => {
    const dateOnly = /^\d{4}-\d{2}-\d{2}$/.test(s);
    const t = Date.parse(dateOnly ? `${s}T00:00:00.000Z` : s);
    if (Number.isNaN(t)) throw new VigilError('VIGIL_ERR_REPORT_PERIOD', `${flag} "${s}" is not a date (give e.g. 2026-09-01 or 2026-09-01T12:00:00Z)`);
    return dateOnly && endOfDay ? t + DAY : t;
  };
  const end = to ? parse(to, '--to', true) : now.getTime();
  const start = from ? parse(from, '--from', false) : end - 90 * DAY;
  if (start >= end) throw new VigilError('VIGIL_ERR_REPORT_PERIOD', `the period is empty: --from ${new Date(start).toISOString()} is not before --to ${new Date(end).toISOString()}`);
  return { from: new Date(start).toISOString(), to: new Date(end).toISOString() };
}

export interface GatherOptions {
  period: { from: string; to: string };
  now?: Date;
  key: Pick<SigningKey, 'fingerprint' | 'publicKeyPem' | 'recordedAt' | 'recordedSeq'>;
  /** Run `ledger verify` (default true); the bench may skip it to time the rest. */
  verify?: boolean;
}


/** Everything the audit report says, from the ledger and the config; the writers only lay it out. */
export async function gatherAudit(ledger: Ledger, config: VigilConfig, opts: GatherOptions): Promise<AuditReport> {
  const now = opts.now ?? new Date();
  const { period } = opts;
  const asOf = new Date(Math.min(Date.parse(period.to), now.getTime()));

  const verify = opts.verify === false ? undefined : await ledger.verify();
  const head = await ledger.head();
  const facts = await ledger.auditFacts(period, { appendixLimit: APPENDIX_LIMIT });

  // schedules: as the ledger recorded them; the config's when it recorded none (said in the report)
  const scheduleEvents = await ledger.eventsOfType([SCHEDULE_EVENT]);
  let spans: ScheduleSpan[] = scheduleSpans(scheduleEvents);
  const recorded = spans.length > 0;
  if (!recorded) {
    spans = config.schedules.map((s) => ({ name: s.name, cron: s.cron, timezone: s.timezone ?? null, targets: s.targets ?? null, scanners: s.scanners ?? null, from: period.from, to: null }));
  }
  const schedules = scheduleCoverage(spans, facts.runs, period);
  const expected = schedules.reduce((n, s) => n + s.expected, 0);
  const ran = schedules.reduce((n, s) => n + s.ran, 0);
  const failedSlots = schedules.reduce((n, s) => n + s.slots.filter((x) => x.outcome === 'failed').length, 0);
  const scheduled = new Set(spans.flatMap((s) => [`schedule:${s.name}`, `catch-up:${s.name}`, `start:${s.name}`]));
  const adHoc = facts.runs.filter((r) => !scheduled.has(r.trigger)).length;
  const changes = scheduleEvents.map((e) => {
    const d = e.data as { change: string; schedule: { name: string; cron: string; timezone: string | null } };
    return { at: e.at, actor: e.actor, schedule: d.schedule.name, change: `${d.change}: cron "${d.schedule.cron}"${d.schedule.timezone ? ` (${d.schedule.timezone})` : ''}` };
  });

  const partRuns = (scanner: string) => facts.runs.reduce((n, r) => n + r.parts.filter((p) => p.scanner === scanner && p.status === 'complete').length, 0);
  const failedParts = facts.runs.reduce((n, r) => n + r.parts.filter((p) => p.status !== 'complete').length, 0);

  // KEV-listed active findings, and open data-map findings by rule
  const kev = await ledger.kev.ids();
  let kevOpen = 0;
  if (kev.size) {
    // a chunk at a time: a ledger's active findings can be many, and only their aliases matter here
    for (let i = 0; i < facts.activeIds.length; i += 1000) {
      for (const f of await ledger.findingsByIds(facts.activeIds.slice(i, i + 1000))) {
        if ([f.ruleId, ...f.aliases].some((a) => kev.has(a.toUpperCase()))) kevOpen++;
      }
    }
  }
  const datamapActive = facts.activeIds.map((id) => facts.byId.get(id)!).filter((f) => f.scanner === 'datamap');
  const datamapTargets = config.targets.filter((t) => t.scanners['datamap'] !== undefined);
  const datamapRuns = facts.runs.filter((r) => r.parts.some((p) => p.scanner === 'datamap'));
  const lastDatamap = [...datamapRuns].reverse().find((r) => r.parts.some((p) => p.scanner === 'datamap' && p.status === 'complete'));
  const byRule = new Map<string, { ruleId: string; title: string; count: number }>();
  for (const f of datamapActive) {
    const r = byRule.get(f.ruleId) ?? { ruleId: f.ruleId, title: f.title, count: 0 };
    r.count++;
    byRule.set(f.ruleId, r);
  }
  const datamapBySev = zero();
  for (const f of datamapActive) datamapBySev[f.severity]++;

  // incidents the period saw: opened before its end, and not resolved before its start
  const records = await ledger.incidents.list({ openedBefore: period.to, activeAfter: period.from, limit: 10_000 });
  const incidents: AuditIncident[] = records
    .sort((a, b) => a.id - b.id)
    .map((rec) => {
      const v = incidentView(rec, asOf);
      const outcome = (d: (typeof v.steps)[number]) =>
        d.state === 'waived' ? 'waived' : d.state === 'late' ? 'late' : d.doneAt ? (d.kind === 'step' ? 'done' : 'met') : d.state === 'overdue' ? 'overdue' : 'open';
      return {
        id: rec.id,
        runbook: rec.runbook.id,
        runbookTitle: rec.runbook.title,
        title: rec.title,
        severity: rec.severity,
        status: rec.status,
        openedAt: rec.openedAt,
        awareAt: rec.awareAt,
        resolvedAt: rec.resolvedAt,
        findingId: rec.findingId,
        timeline: rec.timeline.map((t) => ({ at: t.at, actor: t.actor, action: t.action, detail: t.detail })),
        steps: v.steps.map((s) => ({ id: s.id, phase: s.phase ?? '', title: s.title, owner: s.owner, due: s.due, doneAt: s.doneAt, outcome: outcome(s) as AuditIncident['steps'][number]['outcome'] })),
        clocks: v.clocks.map((c) => ({ id: c.id, title: c.title, law: c.law ?? '', due: c.due, metAt: c.doneAt, waived: c.state === 'waived', outcome: outcome(c) as AuditIncident['clocks'][number]['outcome'] })),
      };
    });
  const clocks = incidents.flatMap((i) => i.clocks);
  const opened = incidents.filter((i) => i.openedAt >= period.from).length;
  const anyIncident = incidents.length > 0;
  const personalData = records.filter((r) => r.runbook.clocks.some((c) => /GDPR|1798|breach/i.test(c.law))).length;
  let runbooksLoaded: number | null = null;
  try {
    runbooksLoaded = (await loadRunbooks(...(config.incidents.runbooks ? [config.incidents.runbooks] : []))).length;
  } catch {
    runbooksLoaded = 0;
  }

  const exceptions = facts.exceptions.map((e) => ({
    findingId: e.id,
    title: e.title,
    severity: e.severity,
    target: e.target,
    status: e.status as 'accepted' | 'false_positive',
    justification: e.justification,
    approver: e.approver,
    expires: e.expires,
    decidedAt: e.decidedAt,
    decidedBy: e.decidedBy,
  }));
  const accepted = exceptions.filter((e) => e.status === 'accepted');
  const pct = (a: number, b: number) => (b === 0 ? null : Math.round((a / b) * 1000) / 10);
  const inc = <T>(v: T): T | null => (anyIncident ? v : null);
  const clk = <T>(v: T): T | null => (clocks.length ? v : null);

  const figures: Figures = {
    'scans.expected': expected,
    'scans.ran': ran,
    'scans.missed': expected - ran,
    'scans.failed': failedSlots,
    'scans.coverage_percent': pct(ran, expected),
    'scans.ad_hoc': adHoc,
    'schedule.changes': recorded ? scheduleEvents.length : null,
    'scanner.deps.runs': partRuns('deps'),
    'scanner.code.runs': partRuns('code'),
    'scanner.web.runs': partRuns('web'),
    'scanner.tls.runs': partRuns('tls'),
    'scanner.datamap.runs': partRuns('datamap'),
    'scanner.failed_parts': failedParts,
    'findings.total': facts.total,
    'findings.new': facts.newInPeriod,
    'findings.fixed': facts.fixedInPeriod,
    'findings.open': facts.openTotal,
    'findings.open.critical': facts.openBySeverity.critical,
    'findings.open.high': facts.openBySeverity.high,
    'findings.open.medium': facts.openBySeverity.medium,
    'findings.open.low': facts.openBySeverity.low,
    'kev.open': kev.size ? kevOpen : null,
    'sla.remediated': facts.remediated,
    'sla.within': facts.withinSla,
    'sla.percent': pct(facts.withinSla, facts.remediated),
    'sla.overdue': Object.values(facts.overdueBySeverity).reduce((a, b) => a + b, 0),
    'sla.overdue.critical': facts.overdueBySeverity.critical,
    'sla.overdue.high': facts.overdueBySeverity.high,
    'exceptions.accepted': accepted.length,
    'exceptions.accepted_without_expiry': accepted.filter((e) => !e.expires).length,
    'exceptions.false_positive': exceptions.length - accepted.length,
    'exceptions.expired': facts.expiredAcceptances,
    'incidents.opened': opened,
    'incidents.resolved': incidents.filter((i) => i.resolvedAt && i.resolvedAt >= period.from && i.resolvedAt < period.to).length,
    'incidents.open': inc(incidents.filter((i) => i.status === 'open').length),
    'incidents.steps.overdue': inc(incidents.reduce((n, i) => n + i.steps.filter((s) => s.outcome === 'overdue').length, 0)),
    'incidents.clocks.total': inc(clocks.length),
    'incidents.clocks.met': clk(clocks.filter((c) => c.outcome === 'met').length),
    'incidents.clocks.late': clk(clocks.filter((c) => c.outcome === 'late').length),
    'incidents.clocks.overdue': clk(clocks.filter((c) => c.outcome === 'overdue').length),
    'incidents.clocks.waived': clk(clocks.filter((c) => c.outcome === 'waived').length),
    'incidents.escalations': inc(incidents.reduce((n, i) => n + i.timeline.filter((t) => t.action === 'escalated').length, 0)),
    'incidents.personal_data': personalData,
    'runbooks.loaded': runbooksLoaded,
    'datamap.configured': datamapTargets.length ? 1 : 0,
    'datamap.runs': datamapTargets.length ? partRuns('datamap') : null,
    'datamap.open': lastDatamap ? datamapActive.length : null,
    'datamap.open.high': lastDatamap ? datamapBySev.critical + datamapBySev.high : null,
    'ledger.verified': verify ? (verify.ok ? 1 : 0) : null,
    'ledger.events': head.seq,
  };

  const controls = evaluateControls(await loadControls(), figures);
  const availability = await gatherAvailability(ledger, config, period, facts.runs);

  const row = (f: FactFinding): AuditFindingRow => ({ id: f.id, severity: f.severity, status: f.status, title: f.title, target: f.target, location: f.location, firstSeen: f.firstSeen, slaDue: f.slaDue });
  const org = config.organisation;
  return {
    title: org ? `vigil audit report — ${org}` : 'vigil audit report',
    organisation: org,
    generatedAt: now.toISOString(),
    period,
    scope: {
      ledger: ledger.description,
      targets: config.targets.map((t) => ({ name: t.name, kind: t.kind, location: t.kind === 'path' ? relativeTo(config.baseDir, t.location) : t.location, scanners: Object.keys(t.scanners) })),
      schedules: spans
        .filter((s) => s.to === null)
        .map((s) => ({ name: s.name, cron: s.cron, timezone: s.timezone, targets: s.targets ?? config.targets.map((t) => t.name), scanners: s.scanners ?? ['(every scanner of each target)'] })),
    },
    summary: summarySentences(figures, { recorded, incidents: incidents.length, remediated: facts.remediated, verified: verify?.ok, availability }),
    coverage: { schedules, expected, ran, missed: expected - ran, adHocRuns: adHoc, changes },
    findings: { bySeverityStatus: facts.bySeverityStatus, trend: facts.trend, newInPeriod: facts.newInPeriod, fixedInPeriod: facts.fixedInPeriod, total: facts.total },
    sla: {
      remediated: facts.remediated,
      withinSla: facts.withinSla,
      percent: figures['sla.percent'],
      overdue: facts.overdue.map(row),
      days: { critical: config.sla.critical, high: config.sla.high, medium: config.sla.medium, low: config.sla.low, info: null },
    },
    exceptions,
    incidents,
    controls,
    datamap: {
      configured: datamapTargets.length > 0,
      lastRun: lastDatamap ? { runId: lastDatamap.id, at: lastDatamap.startedAt, status: lastDatamap.status } : null,
      openBySeverity: datamapBySev,
      openByRule: [...byRule.values()].sort((a, b) => b.count - a.count || a.ruleId.localeCompare(b.ruleId)),
    },
    openFindings: facts.open.map(row),
    openFindingsTotal: facts.openTotal,
    figures,
    ledger: {
      headSeq: head.seq,
      headHash: head.hash,
      verified: verify?.ok ?? false,
      verifyDetail: verify
        ? verify.ok
          ? `hash chain intact: ${verify.events} events; ${verify.findings?.checked ?? 0} finding rows and ${verify.incidents?.checked ?? 0} incident rows match their events` +
            (verify.uptime?.checked ? `; ${verify.uptime.checked} uptime probe results recomputed over ${verify.uptime.probes} probe chains, held to ${verify.uptime.anchors} anchors` : '')
          : `ledger verify FAILED: ${verify.broken?.reason ?? 'unknown'}`
        : 'not verified for this report',
    },
    signingKey: { fingerprint: opts.key.fingerprint, publicKeyPem: opts.key.publicKeyPem, recordedAt: opts.key.recordedAt, recordedSeq: opts.key.recordedSeq },
    availability,
  };
}

function zero(): Record<Severity, number> {
  return Object.fromEntries(SEVERITIES.map((s) => [s, 0])) as Record<Severity, number>;
}

function relativeTo(base: string, p: string): string {
  return p.startsWith(`${base}/`) ? p.slice(base.length + 1) : p === base ? '.' : p;
}

const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;

/** The executive summary: sentences built from the figures, nothing else. */
function summarySentences(f: Figures, ctx: { recorded: boolean; incidents: number; remediated: number; verified: boolean | undefined; availability: AuditAvailability }): string[] {
  const out: string[] = [];
  const exp = f['scans.expected'] ?? 0;
  if (exp === 0) out.push('No scheduled scan was due in the period.');
  else {
    out.push(
      `${f['scans.ran']} of ${plural(exp, 'scheduled scan')} ran in the period (${f['scans.coverage_percent']} %)` +
        `${f['scans.missed'] ? `; ${plural(f['scans.missed']!, 'was', 'were')} missed` : ''}${ctx.recorded ? '' : ' — measured against the config\'s schedules, because the ledger recorded none'}.`,
    );
  }
  out.push(`${plural(f['findings.new'] ?? 0, 'finding was', 'findings were')} opened and ${f['findings.fixed']} fixed; ${plural(f['findings.open'] ?? 0, 'finding is', 'findings are')} open at the end of the period (${f['findings.open.critical']} critical, ${f['findings.open.high']} high).`);
  if (ctx.remediated) out.push(`${f['sla.percent']} % of the findings fixed in the period were fixed within their SLA (${f['sla.within']} of ${f['sla.remediated']}); ${plural(f['sla.overdue'] ?? 0, 'open finding is', 'open findings are')} past its SLA.`);
  else out.push(`No finding was fixed in the period; ${plural(f['sla.overdue'] ?? 0, 'open finding is', 'open findings are')} past its SLA.`);
  out.push(`${plural(f['exceptions.accepted'] ?? 0, 'risk acceptance stands', 'risk acceptances stand')}${f['exceptions.accepted_without_expiry'] ? ` (${f['exceptions.accepted_without_expiry']} without an expiry)` : ''}; ${f['exceptions.false_positive']} marked false positive.`);
  if (ctx.incidents === 0) out.push('No incident was open in the period.');
  else {
    out.push(
      `${plural(ctx.incidents, 'incident was', 'incidents were')} open in the period (${f['incidents.opened']} opened, ${f['incidents.resolved']} resolved); ` +
        (f['incidents.clocks.total']
          ? `${f['incidents.clocks.met']} of ${plural(f['incidents.clocks.total'], 'notification clock')} met on time, ${f['incidents.clocks.late']} late, ${f['incidents.clocks.overdue']} overdue, ${f['incidents.clocks.waived']} waived.`
          : 'none of them started a notification clock.'),
    );
  }
  const probes = ctx.availability.probes;
  if (probes.length) {
    const n = (v: string) => probes.filter((p) => p.verdict === v).length;
    out.push(`${plural(probes.length, 'uptime probe')}: ${n('met')} met ${probes.length === 1 ? 'its' : 'their'} availability SLO in the period, ${n('breached')} breached it${n('no-data') ? `, ${n('no-data')} made no check` : ''}.`);
  }
  if (ctx.verified !== undefined) out.push(ctx.verified ? `The ledger's hash chain verified intact over ${f['ledger.events']} events.` : 'The ledger FAILED verification: see the Integrity section.');
  return out;
}
