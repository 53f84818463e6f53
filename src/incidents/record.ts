import type { Severity } from '../model/severity.js';
import type { IncidentState } from './clock.js';
import type { Runbook } from './types.js';

/** The event types of an incident's timeline; each carries `incident` (its id) in its data. */
export const INCIDENT_EVENT_TYPES = [
  'incident.opened',
  'incident.aware',
  'incident.step_done',
  'incident.clock_met',
  'incident.clock_waived',
  'incident.escalated',
  'incident.recurred',
  'incident.noted',
  'incident.resolved',
] as const;
export type IncidentEventType = (typeof INCIDENT_EVENT_TYPES)[number];

/** One line of an incident's timeline: an event of the hash chain. */
export interface TimelineEntry {
  seq: number;
  at: string;
  actor: string | null;
  action: string;
  detail: string;
}

/**
 * An incident as its events make it. The ledger keeps this in the incidents table and `ledger
 * verify` rebuilds it from the chain; nothing here is set except by an event.
 */
export interface IncidentRecord {
  id: number;
  /** `finding:<id>` or `scan-failed:<schedule>`: what opened it. */
  key: string;
  /** The runbook as it was when the incident opened: its clocks stay what they were then. */
  runbook: Runbook;
  title: string;
  severity: Severity;
  status: 'open' | 'resolved';
  findingId: number | null;
  target: string | null;
  openedAt: string;
  /** When the organisation recorded awareness (GDPR Art. 33(1)); null until then, and clocks count from the opening. */
  awareAt: string | null;
  resolvedAt: string | null;
  steps: Record<string, { doneAt: string; actor: string | null; note: string | null }>;
  clocks: Record<string, { metAt: string | null; waived: boolean; actor: string | null; note: string | null; fields: Record<string, string> }>;
  /** Escalations sent, by `kind:id:state` (e.g. `clock:authority:due-soon`), with when: each is sent once. */
  escalations: Record<string, string>;
  timeline: TimelineEntry[];
}

type Data = Record<string, unknown>;

const s = (v: unknown): string | null => (typeof v === 'string' ? v : null);

/** The incident id an incident event is about, or undefined when the data carries none. */
export function incidentIdOf(data: Data): number | undefined {
  return typeof data.incident === 'number' ? data.incident : undefined;
}

/**
 * Apply one incident event. Returns the new record, or a text saying why it cannot apply (an
 * event for an incident never opened): the same function builds the row and checks it.
 */
export function applyIncidentEvent(
  rec: IncidentRecord | undefined,
  e: { seq: number; at: string; type: string; actor: string | null; data: Data },
): IncidentRecord | string {
  const d = e.data;
  if (e.type === 'incident.opened') {
    if (rec) return `incident ${rec.id} opened twice`;
    return {
      id: Number(d.incident),
      key: String(d.key),
      runbook: d.runbook as Runbook,
      title: String(d.title),
      severity: d.severity as Severity,
      status: 'open',
      findingId: typeof d.findingId === 'number' ? d.findingId : null,
      target: s(d.target),
      openedAt: e.at,
      awareAt: null,
      resolvedAt: null,
      steps: {},
      clocks: {},
      escalations: {},
      timeline: [{ seq: e.seq, at: e.at, actor: e.actor, action: 'opened', detail: String(d.detail ?? '') }],
    };
  }
  if (!rec) return `an ${e.type} event for an incident that was never opened`;
  const r: IncidentRecord = { ...rec, steps: { ...rec.steps }, clocks: { ...rec.clocks }, escalations: { ...rec.escalations }, timeline: [...rec.timeline] };
  const note = s(d.note);
  let action: string = e.type.slice('incident.'.length);
  let detail = note ?? '';
  switch (e.type) {
    case 'incident.aware':
      r.awareAt = s(d.awareAt) ?? e.at;
      detail = `aware since ${r.awareAt}${note ? `: ${note}` : ''}`;
      break;
    case 'incident.step_done': {
      const step = String(d.step);
      r.steps[step] = { doneAt: e.at, actor: e.actor, note };
      action = 'step done';
      detail = `${step}${note ? `: ${note}` : ''}`;
      break;
    }
    case 'incident.clock_met': {
      const clock = String(d.clock);
      const fields = (d.fields && typeof d.fields === 'object' ? d.fields : {}) as Record<string, string>;
      r.clocks[clock] = { metAt: e.at, waived: false, actor: e.actor, note, fields };
      action = 'clock met';
      detail = `${clock}${note ? `: ${note}` : ''}`;
      break;
    }
    case 'incident.clock_waived': {
      const clock = String(d.clock);
      r.clocks[clock] = { metAt: null, waived: true, actor: e.actor, note, fields: {} };
      action = 'clock waived';
      detail = `${clock}${note ? `: ${note}` : ''}`;
      break;
    }
    case 'incident.escalated': {
      const item = String(d.item);
      r.escalations[`${item}:${String(d.state)}`] = e.at;
      detail = `${item} ${String(d.state) === 'overdue' ? 'is overdue' : 'is due soon'} (due ${String(d.due)})`;
      break;
    }
    case 'incident.recurred':
      detail = String(d.detail ?? '');
      break;
    case 'incident.noted':
      action = 'note';
      break;
    case 'incident.resolved':
      r.status = 'resolved';
      r.resolvedAt = e.at;
      break;
    default:
      return `an unknown incident event type ${e.type}`;
  }
  r.timeline.push({ seq: e.seq, at: e.at, actor: e.actor, action, detail });
  return r;
}

/** What clock.ts computes due times and escalations from. */
export function incidentState(rec: IncidentRecord): IncidentState {
  const steps: Record<string, { doneAt: Date }> = {};
  for (const [id, st] of Object.entries(rec.steps)) steps[id] = { doneAt: new Date(st.doneAt) };
  const clocks: Record<string, { metAt: Date | null; waived: boolean }> = {};
  for (const [id, c] of Object.entries(rec.clocks)) clocks[id] = { metAt: c.metAt ? new Date(c.metAt) : null, waived: c.waived };
  return {
    runbook: rec.runbook,
    openedAt: new Date(rec.openedAt),
    awareAt: rec.awareAt ? new Date(rec.awareAt) : null,
    steps,
    clocks,
    resolvedAt: rec.resolvedAt ? new Date(rec.resolvedAt) : null,
  };
}
