import { severityRank, type Severity } from '../model/severity.js';

/**
 * A finding's state as its events say it is. `ledger verify`, ingest and triage rebuild it from
 * the hash-chained events and compare it with the materialised row, so that an edit of the
 * findings table (a status set to false_positive by hand, an acceptance stretched, a row deleted
 * or slipped in) is caught instead of trusted. `undefined` means the events do not say (events
 * written before schema 0003 carried less); the 0003 migration closes every such gap with a
 * checkpoint event, so after it every field is known.
 */
export interface ReplayedState {
  status: string;
  severity: string | undefined;
  firstSeen: string;
  lastSeen: string | undefined;
  statusChangedAt: string;
  slaDue: string | null | undefined;
  justification: string | null;
  approver: string | null;
  expires: string | null;
  /** SHA-1 of the finding's stored JSON (`findings.data`). */
  dataHash: string | undefined;
}

/** The columns of a findings row that the chain covers. */
export interface MaterialisedRow {
  id: number;
  status: string;
  severity: string;
  severity_rank: number;
  first_seen: string;
  last_seen: string;
  status_changed_at: string;
  sla_due: string | null;
  accept_justification: string | null;
  accept_approver: string | null;
  accept_expires: string | null;
  data_hash: string;
}

/** The columns of a findings row that the event log covers, in MaterialisedRow order. */
export const MATERIALISED_COLUMNS = [
  'id',
  'status',
  'severity',
  'severity_rank',
  'first_seen',
  'last_seen',
  'status_changed_at',
  'sla_due',
  'accept_justification',
  'accept_approver',
  'accept_expires',
  'data_hash',
] as const satisfies readonly (keyof MaterialisedRow)[];

/** A row read as an array in MATERIALISED_COLUMNS order. */
export function materialised(r: readonly unknown[]): MaterialisedRow {
  return {
    id: Number(r[0]),
    status: r[1] as string,
    severity: r[2] as string,
    severity_rank: Number(r[3]),
    first_seen: r[4] as string,
    last_seen: r[5] as string,
    status_changed_at: r[6] as string,
    sla_due: r[7] as string | null,
    accept_justification: r[8] as string | null,
    accept_approver: r[9] as string | null,
    accept_expires: r[10] as string | null,
    data_hash: r[11] as string,
  };
}

/** One field where the row and the chain disagree. */
export interface StateMismatch {
  findingId: number;
  field: string;
  stored: unknown;
  expected: unknown;
}

/** The event types that change a finding's state; other types leave it alone. */
export const FINDING_EVENT_TYPES = [
  'finding.opened',
  'finding.reopened',
  'finding.severity_changed',
  'finding.updated',
  'finding.fixed',
  'finding.triaged',
  'finding.acceptance_expired',
  'finding.checkpoint',
] as const;

type EventData = Record<string, unknown>;

function str(v: unknown): string | undefined {
  return typeof v === 'string' ? v : undefined;
}

function strOrNull(v: unknown): string | null | undefined {
  return v === null ? null : typeof v === 'string' ? v : undefined;
}

/**
 * Apply one finding event to the finding's state. Returns the new state, or an error text when
 * the event cannot apply (an event for a finding that was never opened).
 */
export function applyFindingEvent(state: ReplayedState | undefined, type: string, at: string, d: EventData): ReplayedState | string {
  if (type === 'finding.opened') {
    return {
      status: 'open',
      severity: str(d.severity),
      firstSeen: at,
      lastSeen: at,
      statusChangedAt: at,
      slaDue: strOrNull(d.slaDue),
      justification: null,
      approver: null,
      expires: null,
      dataHash: str(d.dataHash),
    };
  }
  if (type === 'finding.checkpoint') {
    return {
      status: String(d.status),
      severity: str(d.severity),
      firstSeen: String(d.firstSeen),
      lastSeen: str(d.lastSeen),
      statusChangedAt: String(d.statusChangedAt),
      slaDue: strOrNull(d.slaDue),
      justification: strOrNull(d.justification) ?? null,
      approver: strOrNull(d.approver) ?? null,
      expires: strOrNull(d.expires) ?? null,
      dataHash: str(d.dataHash),
    };
  }
  if (!state) return `a ${type} event for a finding that was never opened`;
  const s = { ...state };
  switch (type) {
    case 'finding.reopened':
      // Seen again after being fixed: the row is rewritten with what the scan saw.
      s.status = 'reopened';
      s.statusChangedAt = at;
      s.lastSeen = at;
      if ('severity' in d) s.severity = str(d.severity);
      s.slaDue = 'slaDue' in d ? strOrNull(d.slaDue) : undefined;
      s.dataHash = str(d.dataHash);
      return s;
    case 'finding.severity_changed':
      s.severity = str(d.to);
      s.lastSeen = at;
      s.slaDue = 'slaDue' in d ? strOrNull(d.slaDue) : undefined;
      s.dataHash = str(d.dataHash);
      return s;
    case 'finding.updated':
      s.lastSeen = at;
      s.dataHash = str(d.dataHash);
      return s;
    case 'finding.fixed':
      s.status = 'fixed';
      s.statusChangedAt = at;
      return s;
    case 'finding.triaged': {
      const to = String(d.to);
      s.status = to;
      s.statusChangedAt = at;
      s.justification = to === 'accepted' || to === 'false_positive' ? (strOrNull(d.justification) ?? null) : null;
      s.approver = to === 'accepted' ? (strOrNull(d.approver) ?? null) : null;
      s.expires = strOrNull(d.expires) ?? null;
      return s;
    }
    case 'finding.acceptance_expired':
      // The acceptance's record stays on the row; only the status and the SLA clock move.
      s.status = 'reopened';
      s.statusChangedAt = at;
      s.slaDue = 'slaDue' in d ? strOrNull(d.slaDue) : undefined;
      return s;
    default:
      return s;
  }
}

/** Every field where `row` differs from what the events say; fields the events do not know are skipped. */
export function compareState(row: MaterialisedRow, s: ReplayedState): StateMismatch[] {
  const out: StateMismatch[] = [];
  const check = (field: string, stored: unknown, expected: unknown) => {
    if (expected !== undefined && stored !== expected) out.push({ findingId: row.id, field, stored, expected });
  };
  check('status', row.status, s.status);
  check('severity', row.severity, s.severity);
  if (s.severity !== undefined && isSeverity(s.severity)) check('severity_rank', Number(row.severity_rank), severityRank(s.severity));
  check('first_seen', row.first_seen, s.firstSeen);
  check('last_seen', row.last_seen, s.lastSeen);
  check('status_changed_at', row.status_changed_at, s.statusChangedAt);
  check('sla_due', row.sla_due, s.slaDue);
  check('accept_justification', row.accept_justification, s.justification);
  check('accept_approver', row.accept_approver, s.approver);
  check('accept_expires', row.accept_expires, s.expires);
  check('data_hash', row.data_hash, s.dataHash);
  return out;
}

function isSeverity(s: string): s is Severity {
  return s === 'critical' || s === 'high' || s === 'medium' || s === 'low' || s === 'info';
}

/**
 * Finding ids as sorted `[first, last]` ranges: a run's "seen" list stays small, because a part's
 * findings were inserted together and their ids are mostly consecutive.
 */
export function idRanges(ids: number[]): [number, number][] {
  const sorted = [...ids].sort((a, b) => a - b);
  const out: [number, number][] = [];
  for (const id of sorted) {
    const last = out[out.length - 1];
    if (last && id <= last[1] + 1) last[1] = Math.max(last[1], id);
    else out.push([id, id]);
  }
  return out;
}

/** Describe one mismatch for a person. */
export function describeMismatch(m: StateMismatch): string {
  return `finding ${m.findingId}: ${m.field} is ${JSON.stringify(m.stored)} in the findings table but the event log says ${JSON.stringify(m.expected)}`;
}
