import { VigilError } from '../errors.js';
import type { Severity } from '../model/severity.js';
import { dueTimes } from './clock.js';
import { incidentState, type IncidentEventType, type IncidentRecord } from './record.js';
import type { Runbook } from './types.js';

/** What a person (or the scheduler) does to an incident. */
export type IncidentAction =
  | { kind: 'aware'; at?: string; note?: string }
  | { kind: 'step'; step: string; note?: string }
  | { kind: 'clock'; clock: string; note?: string; fields?: Record<string, string> }
  | { kind: 'waive'; clock: string; note: string }
  | { kind: 'note'; note: string }
  | { kind: 'escalated'; item: string; state: 'due-soon' | 'overdue'; due: string }
  | { kind: 'resolve'; note?: string };

/** An incident to open; `key` says what opened it and keeps it to one open incident. */
export interface NewIncident {
  key: string;
  runbook: Runbook;
  title: string;
  severity: Severity;
  findingId: number | null;
  target: string | null;
  /** One line for the timeline: what matched. */
  detail: string;
  /**
   * When an incident with this key exists: `recur` records the new occurrence on the open one
   * (a scheduled scan failing again); `once` opens nothing while one is open, nor after one was
   * resolved unless `reopened` (the finding came back after being fixed).
   */
  mode: 'recur' | 'once';
  reopened?: boolean;
}

const fail = (id: number, msg: string) => new VigilError('VIGIL_ERR_INCIDENT_ACTION', `incident ${id}: ${msg}`);

/**
 * Check an action against the incident; throws VIGIL_ERR_INCIDENT_ACTION saying why it does not
 * apply. Returns the event to record. `now` bounds an awareness time given by hand.
 */
export function actionEvent(rec: IncidentRecord, a: IncidentAction, now: Date): { type: IncidentEventType; data: Record<string, unknown> } {
  const base = { incident: rec.id };
  if (rec.status === 'resolved' && a.kind !== 'note') throw fail(rec.id, `resolved at ${rec.resolvedAt}; only a note can be added`);
  switch (a.kind) {
    case 'aware': {
      if (rec.awareAt) throw fail(rec.id, `awareness was already recorded (${rec.awareAt})`);
      const at = a.at ? new Date(a.at) : now;
      if (Number.isNaN(at.getTime())) throw fail(rec.id, `--at is not a date: "${a.at}"`);
      if (at.getTime() > now.getTime()) throw fail(rec.id, `awareness cannot be in the future (${at.toISOString()})`);
      if (at.getTime() < Date.parse(rec.openedAt)) throw fail(rec.id, `awareness cannot precede the incident's opening (${rec.openedAt})`);
      return { type: 'incident.aware', data: { ...base, awareAt: at.toISOString(), note: a.note ?? null } };
    }
    case 'step': {
      const step = rec.runbook.steps.find((x) => x.id === a.step);
      if (!step) throw fail(rec.id, `runbook ${rec.runbook.id} has no step "${a.step}" (steps: ${rec.runbook.steps.map((x) => x.id).join(', ')})`);
      if (rec.steps[a.step]) throw fail(rec.id, `step ${a.step} was already done (${rec.steps[a.step]!.doneAt})`);
      const blocked = step.requires.filter((r) => !rec.steps[r]);
      if (blocked.length) throw fail(rec.id, `step ${a.step} waits for ${blocked.join(', ')}`);
      return { type: 'incident.step_done', data: { ...base, step: a.step, note: a.note ?? null } };
    }
    case 'clock':
    case 'waive': {
      const clock = rec.runbook.clocks.find((c) => c.id === a.clock);
      if (!clock) {
        const ids = rec.runbook.clocks.map((c) => c.id);
        throw fail(rec.id, `runbook ${rec.runbook.id} has no clock "${a.clock}"${ids.length ? ` (clocks: ${ids.join(', ')})` : ' (it has no clocks)'}`);
      }
      const st = rec.clocks[a.clock];
      if (st) throw fail(rec.id, `clock ${a.clock} was already ${st.waived ? 'waived' : `met (${st.metAt})`}`);
      if (a.kind === 'waive') {
        if (!a.note.trim()) throw fail(rec.id, `waiving clock ${a.clock} needs a reason (--note)`);
        return { type: 'incident.clock_waived', data: { ...base, clock: a.clock, note: a.note } };
      }
      const fields = a.fields ?? {};
      const known = new Set(clock.fields.map((f) => f.id));
      const unknown = Object.keys(fields).filter((k) => !known.has(k));
      if (unknown.length) throw fail(rec.id, `clock ${a.clock} has no field ${unknown.join(', ')} (fields: ${[...known].join(', ') || 'none'})`);
      return { type: 'incident.clock_met', data: { ...base, clock: a.clock, note: a.note ?? null, fields } };
    }
    case 'note':
      if (!a.note.trim()) throw fail(rec.id, 'a note needs text');
      return { type: 'incident.noted', data: { ...base, note: a.note } };
    case 'escalated':
      return { type: 'incident.escalated', data: { ...base, item: a.item, state: a.state, due: a.due } };
    case 'resolve': {
      const missing = postIncidentBlockers(rec);
      if (missing.length) throw fail(rec.id, `resolving needs the post-incident step${missing.length > 1 ? 's' : ''} done first: ${missing.join(', ')}`);
      const open = dueTimes(incidentState(rec))
        .filter((i) => !i.doneAt && !i.waived)
        .map((i) => `${i.kind} ${i.id}`);
      return { type: 'incident.resolved', data: { ...base, note: a.note ?? null, leftOpen: open } };
    }
  }
}

/** The post-incident steps not done: what stands between an incident and resolved. */
export function postIncidentBlockers(rec: IncidentRecord): string[] {
  return rec.runbook.steps.filter((st) => st.phase === 'post-incident' && !rec.steps[st.id]).map((st) => st.id);
}
