import { randomUUID } from 'node:crypto';
import type { NotifyEvent } from '../config/types.js';
import { severityRank, type Severity } from '../model/severity.js';
import { redactSecrets } from '../util/redact.js';

export type { NotifyEvent };

/** One thing an alert is about: a finding, a failed part of a run, an incident. */
export interface AlertItem {
  /** Stable dedupe key: the same key is not alerted twice within the dedupe window. */
  key: string;
  severity: Severity;
  /** One line a person reads. */
  title: string;
  /** More, on a line or two (an error message, an escalation reason). */
  detail?: string;
  target?: string;
  scanner?: string;
  ruleId?: string;
  /** `src/a.ts:12`, `GET https://…`, `host:443`. */
  location?: string;
  findingId?: number;
  fingerprint?: string;
  firstSeen?: string;
  slaDue?: string | null;
  /** For finding.new: seen again after being fixed. */
  reopened?: boolean;
  cwe?: string[];
  aliases?: string[];
  incidentId?: string;
}

/** An alert: one event, about one or more items, already redacted. */
export interface Alert {
  id: string;
  event: NotifyEvent;
  createdAt: string;
  runId?: string;
  /** `cli`, `schedule:<name>`, … */
  trigger?: string;
  items: AlertItem[];
}

/** The most severe of the alert's items. */
export function alertSeverity(alert: Pick<Alert, 'items'>): Severity {
  let best: Severity = 'info';
  for (const i of alert.items) if (severityRank(i.severity) > severityRank(best)) best = i.severity;
  return best;
}

/** Every string in a JSON-like value with its secrets masked (src/util/redact.ts). */
export function redactDeep<T>(value: T): T {
  if (typeof value === 'string') return redactSecrets(value) as T;
  if (Array.isArray(value)) return value.map((v: unknown) => redactDeep(v)) as T;
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = redactDeep(v);
    return out as T;
  }
  return value;
}

/** A new alert, with its items' secrets masked before anything stores, sends or logs it. */
export function makeAlert(event: NotifyEvent, items: AlertItem[], opts: { runId?: string; trigger?: string; now?: Date } = {}): Alert {
  return redactDeep({
    id: randomUUID(),
    event,
    createdAt: (opts.now ?? new Date()).toISOString(),
    ...(opts.runId ? { runId: opts.runId } : {}),
    ...(opts.trigger ? { trigger: opts.trigger } : {}),
    items,
  });
}

/** What an incidents engine says when an incident escalates. */
export interface EscalatedIncident {
  id: string;
  title: string;
  severity: Severity;
  /** The escalation level or step reached (`2`, `dpo`, `notify-authority`): part of the dedupe key. */
  level: string | number;
  /** Why it escalated: a clock running out (GDPR Art. 33's 72 hours), no acknowledgement, … */
  reason?: string;
  runbook?: string;
  /** When the next deadline falls, if one does. */
  dueAt?: string;
  findingIds?: number[];
}

/** The alert for an incident that escalated; the same incident at the same level is one alert. */
export function incidentAlert(incident: EscalatedIncident, now?: Date): Alert {
  const detail = [
    incident.reason,
    incident.runbook ? `runbook ${incident.runbook}` : undefined,
    incident.dueAt ? `due ${incident.dueAt}` : undefined,
    incident.findingIds?.length ? `findings ${incident.findingIds.map((id) => `#${id}`).join(', ')}` : undefined,
  ].filter(Boolean);
  return makeAlert(
    'incident.escalated',
    [
      {
        key: `incident.escalated:${incident.id}:${incident.level}`,
        severity: incident.severity,
        // an incident's opening goes out on the same channel as its escalations
        title: incident.level === 'opened' ? `Incident ${incident.id} opened: ${incident.title}` : `Incident ${incident.id} escalated (${incident.level}): ${incident.title}`,
        ...(detail.length ? { detail: detail.join('; ') } : {}),
        incidentId: incident.id,
      },
    ],
    now ? { now } : {},
  );
}
