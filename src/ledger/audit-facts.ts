import type { Kysely } from 'kysely';
import { ACTIVE_STATUSES, type FindingStatus } from '../model/finding.js';
import type { Run } from '../model/run.js';
import { SEVERITIES, severityRank, type Severity } from '../model/severity.js';
import type { StoreDriver } from './kysely-ledger.js';
import type { LedgerDatabase } from './schema.js';
import { toRun } from './run-row.js';

type Db = Kysely<LedgerDatabase>;

/** A finding as the audit report lists it. */
export interface FactFinding {
  id: number;
  severity: Severity;
  status: FindingStatus;
  title: string;
  target: string;
  scanner: string;
  ruleId: string;
  location: string;
  firstSeen: string;
  slaDue: string | null;
}

/** A risk acceptance or false-positive decision standing at the end of the period. */
export interface FactException extends FactFinding {
  justification: string;
  approver: string | null;
  expires: string | null;
  decidedAt: string;
  decidedBy: string | null;
}

/** What the audit report says about findings and runs, worked out from the event log. */
export interface AuditFacts {
  runs: Run[];
  /** Findings by severity and status at the end of the period. */
  bySeverityStatus: Record<Severity, Record<FindingStatus, number>>;
  /** Active findings by severity at the end of each UTC day of the period (the last day: at the period's end). */
  trend: { date: string; counts: Record<Severity, number> }[];
  total: number;
  newInPeriod: number;
  fixedInPeriod: number;
  remediated: number;
  withinSla: number;
  expiredAcceptances: number;
  /** Active at the end of the period: at most `appendixLimit`, most severe first. */
  open: FactFinding[];
  openTotal: number;
  openBySeverity: Record<Severity, number>;
  overdue: FactFinding[];
  overdueBySeverity: Record<Severity, number>;
  exceptions: FactException[];
  /** Active ids, for figures that need more (KEV aliases, data-map rules). */
  activeIds: number[];
  byId: Map<number, FactFinding>;
}

interface State {
  status: FindingStatus;
  severity: Severity;
  slaDue: string | null;
  decision: { at: string; actor: string | null; justification: string; approver: string | null; expires: string | null } | null;
}

const EVENT_COLUMNS = ['seq', 'at', 'type', 'finding_id', 'actor', 'data'] as const;
const DAY = 86_400_000;

function zeroSev(): Record<Severity, number> {
  return { critical: 0, high: 0, medium: 0, low: 0, info: 0 };
}

function isSeverity(s: unknown): s is Severity {
  return typeof s === 'string' && (SEVERITIES as readonly string[]).includes(s);
}

/**
 * Replay every finding event up to the end of the period (the chain is the record; the findings
 * table only says what is true now) and read the findings table once for titles and locations.
 * One pass over the events: constant work per event, a small state per finding.
 */
export async function auditFacts(db: Db, driver: StoreDriver, period: { from: string; to: string }, opts: { appendixLimit: number }): Promise<AuditFacts> {
  const from = Date.parse(period.from);
  const to = Date.parse(period.to);
  const states = new Map<number, State>();
  const active = zeroSev();
  const isActive = (s: FindingStatus) => ACTIVE_STATUSES.includes(s);
  const trend: AuditFacts['trend'] = [];
  // snapshots at the end of each UTC day that ends inside the period, and one at its end
  const firstDayEnd = Math.floor(from / DAY) * DAY + DAY;
  let nextSnap = firstDayEnd;
  const snap = (until: number) => {
    while (nextSnap <= until && nextSnap <= to) {
      trend.push({ date: new Date(nextSnap - DAY).toISOString().slice(0, 10), counts: { ...active } });
      nextSnap += DAY;
    }
  };
  let newInPeriod = 0;
  let remediated = 0;
  let withinSla = 0;
  let expiredAcceptances = 0;
  const fixedIds = new Set<number>();
  const move = (st: State, next: Partial<State>) => {
    if (isActive(st.status)) active[st.severity]--;
    Object.assign(st, next);
    if (isActive(st.status)) active[st.severity]++;
  };

  for await (const page of driver.readPages('events', EVENT_COLUMNS, 'seq')) {
    for (const r of page) {
      const type = r[2] as string;
      if (!type.startsWith('finding.') || r[3] === null) continue;
      const at = r[1] as string;
      const t = Date.parse(at);
      if (t >= to) continue;
      snap(t);
      const id = Number(r[3]);
      const d = JSON.parse(r[5] as string) as Record<string, unknown>;
      const inPeriod = t >= from;
      let st = states.get(id);
      if (type === 'finding.opened' || type === 'finding.checkpoint') {
        if (st && isActive(st.status)) active[st.severity]--;
        st = {
          status: type === 'finding.opened' ? 'open' : (String(d.status) as FindingStatus),
          severity: isSeverity(d.severity) ? d.severity : 'info',
          slaDue: typeof d.slaDue === 'string' ? d.slaDue : null,
          decision: null,
        };
        if (type === 'finding.checkpoint' && (st.status === 'accepted' || st.status === 'false_positive')) {
          st.decision = { at: String(d.statusChangedAt ?? at), actor: null, justification: String(d.justification ?? ''), approver: typeof d.approver === 'string' ? d.approver : null, expires: typeof d.expires === 'string' ? d.expires : null };
        }
        states.set(id, st);
        if (isActive(st.status)) active[st.severity]++;
        if (type === 'finding.opened' && inPeriod) newInPeriod++;
        continue;
      }
      if (!st) continue; // ledger verify reports these
      switch (type) {
        case 'finding.reopened':
          move(st, { status: 'reopened', severity: isSeverity(d.severity) ? d.severity : st.severity, slaDue: typeof d.slaDue === 'string' ? d.slaDue : null, decision: null });
          break;
        case 'finding.severity_changed':
          move(st, { severity: isSeverity(d.to) ? d.to : st.severity, slaDue: typeof d.slaDue === 'string' ? d.slaDue : st.slaDue });
          break;
        case 'finding.fixed':
          if (inPeriod && isActive(st.status)) {
            remediated++;
            if (st.slaDue === null || at <= st.slaDue) withinSla++;
            fixedIds.add(id);
          }
          move(st, { status: 'fixed' });
          break;
        case 'finding.triaged': {
          const to2 = String(d.to) as FindingStatus;
          const decided = to2 === 'accepted' || to2 === 'false_positive';
          move(st, {
            status: to2,
            decision: decided
              ? { at, actor: (r[4] as string | null) ?? null, justification: String(d.justification ?? ''), approver: typeof d.approver === 'string' ? d.approver : null, expires: typeof d.expires === 'string' ? d.expires : null }
              : null,
          });
          break;
        }
        case 'finding.acceptance_expired':
          if (inPeriod) expiredAcceptances++;
          move(st, { status: 'reopened', slaDue: typeof d.slaDue === 'string' ? d.slaDue : st.slaDue, decision: null });
          break;
        default:
          break;
      }
    }
  }
  snap(to);
  // the period's last day, when it ends before midnight (a report made now): its state at the end
  const lastDate = new Date(to - 1).toISOString().slice(0, 10);
  if (trend[trend.length - 1]?.date !== lastDate) trend.push({ date: lastDate, counts: { ...active } });

  // titles, targets and locations from the findings table, for the findings the report names
  const byId = new Map<number, FactFinding>();
  for await (const page of driver.readPages('findings', ['id', 'target', 'scanner', 'rule_id', 'title', 'location', 'first_seen'], 'id')) {
    for (const r of page) {
      const id = Number(r[0]);
      const st = states.get(id);
      if (!st) continue;
      byId.set(id, {
        id,
        severity: st.severity,
        status: st.status,
        title: r[4] as string,
        target: r[1] as string,
        scanner: r[2] as string,
        ruleId: r[3] as string,
        location: r[5] as string,
        firstSeen: r[6] as string,
        slaDue: st.slaDue,
      });
    }
  }

  const bySeverityStatus = Object.fromEntries(
    SEVERITIES.map((s) => [s, { open: 0, reopened: 0, triaged: 0, accepted: 0, false_positive: 0, fixed: 0 }]),
  ) as AuditFacts['bySeverityStatus'];
  const activeList: FactFinding[] = [];
  const overdue: FactFinding[] = [];
  const overdueBySeverity = zeroSev();
  const exceptions: FactException[] = [];
  const endIso = new Date(to).toISOString();
  for (const [id, st] of states) {
    bySeverityStatus[st.severity][st.status]++;
    const f = byId.get(id);
    if (!f) continue;
    if (isActive(st.status)) {
      activeList.push(f);
      if (st.slaDue !== null && st.slaDue < endIso) {
        overdue.push(f);
        overdueBySeverity[st.severity]++;
      }
    } else if (st.decision && (st.status === 'accepted' || st.status === 'false_positive')) {
      exceptions.push({ ...f, justification: st.decision.justification, approver: st.decision.approver, expires: st.decision.expires, decidedAt: st.decision.at, decidedBy: st.decision.actor });
    }
  }
  const bySeverity = (a: FactFinding, b: FactFinding) => severityRank(b.severity) - severityRank(a.severity) || b.id - a.id;
  activeList.sort(bySeverity);
  overdue.sort((a, b) => (a.slaDue ?? '').localeCompare(b.slaDue ?? '') || bySeverity(a, b));
  exceptions.sort((a, b) => b.decidedAt.localeCompare(a.decidedAt));

  const runs = await db
    .selectFrom('runs')
    .selectAll()
    .where('started_at', '>=', new Date(from).toISOString())
    .where('started_at', '<', endIso)
    .orderBy('started_at')
    .execute();

  return {
    runs: runs.map(toRun),
    bySeverityStatus,
    trend,
    total: states.size,
    newInPeriod,
    fixedInPeriod: fixedIds.size,
    remediated,
    withinSla,
    expiredAcceptances,
    open: activeList.slice(0, opts.appendixLimit),
    openTotal: activeList.length,
    openBySeverity: { ...active },
    overdue: overdue.slice(0, opts.appendixLimit),
    overdueBySeverity,
    exceptions,
    activeIds: activeList.map((f) => f.id),
    byId,
  };
}
