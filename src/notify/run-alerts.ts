import type { NotifyEvent } from '../config/types.js';
import { recordKey, type IngestSummary, type Ledger } from '../ledger/ledger.js';
import { compareFindings } from '../model/create.js';
import { ACTIVE_STATUSES } from '../model/finding.js';
import { formatLocation } from '../model/location.js';
import type { ReportedFinding } from '../model/report.js';
import type { Run, TargetedFinding } from '../model/run.js';
import { SEVERITIES, severityRank, type Severity } from '../model/severity.js';
import { makeAlert, type Alert, type AlertItem } from './alert.js';

/** How many overdue findings one check reads from the ledger at most. */
const MAX_OVERDUE = 10_000;
const PAGE = 1_000;

/** The run's findings with the ledger's view of each (id, status, first seen, SLA), as the gate sees them. */
export function annotateFindings(findings: readonly TargetedFinding[], summary: IngestSummary): ReportedFinding[] {
  return findings.map((f) => {
    const rec = summary.records.get(recordKey(f.target, f.fingerprint));
    return rec ? { ...f, id: rec.id, status: rec.status, firstSeen: rec.firstSeen, slaDue: rec.slaDue } : { ...f };
  });
}

export interface RunAlertInput {
  ledger: Ledger;
  run: Run;
  /** The run's findings, annotated by the ledger (annotateFindings) and marked by suppressions and VEX. */
  findings: readonly ReportedFinding[];
  /** The `now` the run was ingested with: a finding first seen then is new in this run. */
  ingestedAt: string;
  minSeverity: Severity;
  /** The events some channel takes: the others are not worked out. */
  events: ReadonlySet<NotifyEvent>;
  /** Marks ledger findings that suppressions or VEX cover (read for the SLA check). */
  suppress?: (findings: ReportedFinding[]) => ReportedFinding[];
  now?: Date;
}

/**
 * The alerts a finished, ingested run raises: its new (or reopened) findings at or above
 * minSeverity, and every open finding in the ledger past its SLA. Suppressed findings and
 * findings a person accepted or marked false positive raise nothing.
 */
export async function runAlerts(input: RunAlertInput): Promise<Alert[]> {
  const alerts: Alert[] = [];
  const now = input.now ?? new Date();
  const opts = { runId: input.run.id, trigger: input.run.trigger, now };
  const atLeast = (s: Severity) => severityRank(s) >= severityRank(input.minSeverity);

  if (input.events.has('finding.new')) {
    const items: AlertItem[] = [];
    const seen = new Set<string>();
    for (const f of [...input.findings].sort(compareFindings)) {
      if (f.id === undefined || f.suppression || !atLeast(f.severity)) continue;
      const key = `finding.new:${f.target}:${f.fingerprint}`;
      if (seen.has(key)) continue;
      let reopened = false;
      if (f.status === 'open' && f.firstSeen === input.ingestedAt) reopened = false;
      else if (f.status === 'reopened' && (await reopenedIn(input.ledger, f.id, input.run.id))) reopened = true;
      else continue;
      seen.add(key);
      items.push({ ...findingItem(f, key), ...(reopened ? { reopened } : {}) });
    }
    if (items.length) alerts.push(makeAlert('finding.new', items, opts));
  }

  if (input.events.has('sla.breach')) {
    const overdue = await overdueFindings(input.ledger, input.minSeverity, now);
    const live = (input.suppress ? input.suppress(overdue) : overdue).filter((f) => !f.suppression);
    const items = live.sort(compareFindings).map((f) => findingItem(f, `sla.breach:${f.id}:${f.slaDue}`));
    if (items.length) alerts.push(makeAlert('sla.breach', items, opts));
  }
  return alerts;
}

/** The alert for the parts of a scheduled run that failed or timed out; undefined when all completed (or were aborted by a stop). */
export function failedPartsAlert(run: Run, now?: Date): Alert | undefined {
  const schedule = scheduleOf(run.trigger);
  const items: AlertItem[] = run.parts
    .filter((p) => p.status === 'failed' || p.status === 'timeout')
    .map((p) => ({
      key: `scan.failed:${schedule}:${p.scanner}:${p.target}`,
      severity: 'high' as const,
      title: `${p.scanner} on ${p.target} ${p.status === 'timeout' ? 'timed out' : 'failed'} in run ${run.trigger}`,
      ...(p.error ? { detail: p.error } : {}),
      scanner: p.scanner,
      target: p.target,
    }));
  return items.length ? makeAlert('scan.failed', items, { runId: run.id, trigger: run.trigger, ...(now ? { now } : {}) }) : undefined;
}

/** The alert for a scheduled run that could not run or be recorded at all. */
export function failedRunAlert(trigger: string, error: string, now?: Date): Alert {
  return makeAlert(
    'scan.failed',
    [{ key: `scan.failed:${scheduleOf(trigger)}:run`, severity: 'high', title: `Run ${trigger} failed`, detail: error }],
    { trigger, ...(now ? { now } : {}) },
  );
}

/** `schedule:nightly`, `catch-up:nightly` and `start:nightly` are all runs of `nightly`. */
function scheduleOf(trigger: string): string {
  const m = /^(?:schedule|catch-up|start):(.+)$/.exec(trigger);
  return m ? m[1]! : trigger;
}

function findingItem(f: ReportedFinding, key: string): AlertItem {
  return {
    key,
    severity: f.severity,
    title: f.title,
    target: f.target,
    scanner: f.scanner,
    ruleId: f.ruleId,
    location: formatLocation(f.location),
    fingerprint: f.fingerprint,
    ...(f.id !== undefined ? { findingId: f.id } : {}),
    ...(f.firstSeen ? { firstSeen: f.firstSeen } : {}),
    ...(f.slaDue !== undefined ? { slaDue: f.slaDue } : {}),
    ...(f.cwe.length ? { cwe: [...f.cwe] } : {}),
    ...(f.aliases.length ? { aliases: [...f.aliases] } : {}),
  };
}

/** True when the ledger's event log says this run reopened the finding (it stays `reopened` in later runs). */
async function reopenedIn(ledger: Ledger, id: number, runId: string): Promise<boolean> {
  const events = await ledger.findingEvents(id);
  return events.some((e) => e.type === 'finding.reopened' && e.runId === runId);
}

/** Open findings at or above `min` whose SLA due date has passed. */
async function overdueFindings(ledger: Ledger, min: Severity, now: Date): Promise<ReportedFinding[]> {
  const severity = SEVERITIES.filter((s) => s !== 'info' && severityRank(s) >= severityRank(min));
  if (!severity.length) return [];
  const out: ReportedFinding[] = [];
  const nowIso = now.toISOString();
  for (let offset = 0; offset < MAX_OVERDUE; offset += PAGE) {
    const page = await ledger.listFindings({ status: [...ACTIVE_STATUSES], severity, limit: PAGE, offset });
    for (const f of page.findings) if (f.slaDue && f.slaDue < nowIso) out.push(f);
    if (page.findings.length < PAGE) break;
  }
  return out;
}
