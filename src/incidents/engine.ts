import type { VigilConfig } from '../config/types.js';
import { describeError } from '../errors.js';
import type { IngestSummary, Ledger } from '../ledger/ledger.js';
import { recordKey } from '../ledger/ledger.js';
import { ACTIVE_STATUSES } from '../model/finding.js';
import { partFailed, type RunResult } from '../model/run.js';
import type { Logger } from '../util/logger.js';
import type { NewIncident } from './actions.js';
import { dueTimes, escalations, formatDuration } from './clock.js';
import { effectiveSeverity, matchEvent, matchRunbook, tagsFor } from './match.js';
import { personalDataTargets } from './personal-data.js';
import { incidentState, type IncidentRecord } from './record.js';
import { loadRunbooks } from './runbooks.js';
import type { Runbook } from './types.js';

/** What opening incidents needs besides the run: the runbooks and what tags findings. */
export interface IncidentContext {
  runbooks: Runbook[];
  personalData: Map<string, Set<string>>;
  kev: Set<string>;
}

/** Something that wants to hear about incidents (src/notify's Notifier has this method). */
export interface IncidentListener {
  incidentEscalated(i: { id: string; title: string; severity: IncidentRecord['severity']; level: string | number; reason?: string; runbook?: string; dueAt?: string; findingIds?: number[] }): Promise<void>;
}

/** The runbooks (the config's folder or the shipped ones), personal-data links and the KEV ids. Throws on a bad runbook or link. */
export async function loadIncidentContext(config: VigilConfig, ledger: Ledger): Promise<IncidentContext> {
  const runbooks = await loadRunbooks(...(config.incidents.runbooks ? [config.incidents.runbooks] : []));
  const personalData = await personalDataTargets(config, config.baseDir);
  return { runbooks, personalData, kev: await ledger.kev.ids() };
}

/**
 * The incidents a run asks for. A finding opens one when a runbook's trigger takes it and it is
 * active; the ledger keeps it to one per finding (again only if the finding comes back after being
 * fixed). The fallback runbook takes only findings new or reopened in this run, so turning vigil
 * on over an old ledger does not open an incident for every old critical. A scheduled run's failed
 * parts open (or recur on) one incident per schedule, scanner and target.
 */
export function incidentsForRun(result: RunResult, summary: IngestSummary, ctx: IncidentContext, opts: { scheduled: boolean; ingestedAt: string }): NewIncident[] {
  const out: NewIncident[] = [];
  if (ctx.runbooks.length === 0) return out;
  for (const f of result.findings) {
    const rec = summary.records.get(recordKey(f.target, f.fingerprint));
    if (!rec || !ACTIVE_STATUSES.includes(rec.status)) continue;
    const tags = tagsFor(f, { target: f.target, personalData: ctx.personalData, kev: ctx.kev });
    const rb = matchRunbook(f, tags, ctx.runbooks);
    if (!rb) continue;
    const fresh = rec.firstSeen === opts.ingestedAt || rec.reopenedNow === true;
    if (rb.trigger.kind === 'fallback' && !fresh) continue;
    const severity = rb.trigger.kind === 'finding' ? effectiveSeverity(f, tags, rb.trigger) : f.severity;
    const shownTags = [...tags].filter((t) => ['personal-data', 'kev', 'secret', 'cert-expiry'].includes(t));
    out.push({
      key: `finding:${rec.id}`,
      runbook: rb,
      title: `${f.title} (${f.target})`,
      severity,
      findingId: rec.id,
      target: f.target,
      detail: `finding #${rec.id} (${f.scanner} ${f.ruleId}, ${f.severity}${shownTags.length ? `; ${shownTags.join(', ')}` : ''}) matched runbook ${rb.id}`,
      mode: 'once',
      ...(rec.reopenedNow ? { reopened: true } : {}),
    });
  }
  const schedule = scheduleOf(result.run.trigger);
  if (opts.scheduled && schedule) {
    for (const p of result.run.parts) {
      if (!partFailed(p)) continue;
      const rb = matchEvent({ type: 'scan-failed', scanner: p.scanner, target: p.target, runId: result.run.id }, ctx.runbooks);
      if (!rb) continue;
      out.push({
        key: `scan-failed:${schedule}:${p.scanner}:${p.target}`,
        runbook: rb,
        title: `Scheduled scan ${schedule} failed: ${p.scanner} on ${p.target}`,
        severity: 'high',
        findingId: null,
        target: p.target,
        detail: `run ${result.run.id}: ${p.scanner} on ${p.target} ${p.status}${p.error ? `: ${p.error}` : ''}`,
        mode: 'recur',
      });
    }
  }
  return out;
}

/** `schedule:nightly` → `nightly` (catch-up and start-up runs count as the schedule's). */
function scheduleOf(trigger: string): string | undefined {
  const m = /^(?:schedule|catch-up|start):(.+)$/.exec(trigger);
  return m?.[1];
}

/**
 * Open the run's incidents and tell the listener about the new ones. Never throws: a run is
 * recorded whatever happens to its incidents; a failure is logged.
 */
export async function openIncidentsAfterRun(
  ledger: Ledger,
  input: { result: RunResult; summary: IngestSummary; ingestedAt: string; scheduled: boolean },
  ctx: IncidentContext,
  opts: { logger: Logger; listener?: IncidentListener | undefined },
): Promise<{ opened: IncidentRecord[]; recurred: IncidentRecord[] }> {
  try {
    const items = incidentsForRun(input.result, input.summary, ctx, { scheduled: input.scheduled, ingestedAt: input.ingestedAt });
    const done = await ledger.incidents.open(items, { now: new Date(input.ingestedAt), runId: input.result.run.id });
    for (const rec of done.opened) {
      opts.logger.info(`incident ${rec.id} opened: ${rec.title} (runbook ${rec.runbook.id})`);
      if (opts.listener && rec.runbook.notify.some((r) => r.on.includes('open'))) {
        const first = dueTimes(incidentState(rec)).sort((a, b) => a.due.getTime() - b.due.getTime())[0];
        await opts.listener.incidentEscalated({
          id: String(rec.id),
          title: rec.title,
          severity: rec.severity,
          level: 'opened',
          reason: `opened under runbook ${rec.runbook.id}`,
          runbook: rec.runbook.id,
          ...(first ? { dueAt: first.due.toISOString() } : {}),
          ...(rec.findingId !== null ? { findingIds: [rec.findingId] } : {}),
        });
      }
    }
    return done;
  } catch (e) {
    opts.logger.error(`incidents for run ${input.result.run.id} not opened: ${describeError(e)}`);
    return { opened: [], recurred: [] };
  }
}

/**
 * Record and announce every step or clock of an open incident that has come within its
 * escalation window or passed its due time; each (item, state) once. Returns how many.
 */
export async function escalateIncidents(ledger: Ledger, opts: { now?: Date; listener?: IncidentListener | undefined; logger: Logger }): Promise<number> {
  const now = opts.now ?? new Date();
  let n = 0;
  for (const rec of await ledger.incidents.list({ status: 'open', limit: 10_000 })) {
    let current = rec;
    for (const esc of escalations(incidentState(rec), now)) {
      const item = `${esc.kind}:${esc.id}`;
      if (current.escalations[`${item}:${esc.state}`]) continue;
      try {
        current = await ledger.incidents.act(rec.id, { kind: 'escalated', item, state: esc.state, due: esc.due.toISOString() }, { actor: 'vigil', now });
      } catch (e) {
        opts.logger.error(`incident ${rec.id}: escalation of ${item} not recorded: ${describeError(e)}`);
        continue;
      }
      n++;
      const when = esc.state === 'overdue' ? `overdue by ${formatDuration(-esc.remainingMs)}` : `due in ${formatDuration(esc.remainingMs)}`;
      opts.logger.warn(`incident ${rec.id}: ${esc.kind} ${esc.id} (${esc.owner}) ${when}`);
      await opts.listener
        ?.incidentEscalated({
          id: String(rec.id),
          title: rec.title,
          severity: rec.severity,
          level: `${item}:${esc.state}`,
          reason: `${esc.kind} "${esc.title}" (owner ${esc.owner}) ${when}${esc.blockedBy.length ? `; waits for ${esc.blockedBy.join(', ')}` : ''}`,
          runbook: rec.runbook.id,
          dueAt: esc.due.toISOString(),
          ...(rec.findingId !== null ? { findingIds: [rec.findingId] } : {}),
        })
        .catch((e: unknown) => opts.logger.error(`incident ${rec.id}: escalation alert failed: ${describeError(e)}`));
    }
  }
  return n;
}
