import { sql, type Kysely } from 'kysely';
import { ACTIVE_STATUSES, type FindingStatus } from '../model/finding.js';
import { SEVERITIES, severityRank } from '../model/severity.js';
import type { FindingCount } from './ledger.js';
import type { LedgerDatabase } from './schema.js';

/**
 * What the dashboard's overview shows, as of one state of the ledger and one UTC day: the counts,
 * the daily trend, and when the live findings fall due (so SLA breaches can be counted at any
 * moment of the day without another scan: slaBreachesAt).
 */
export interface OverviewFacts {
  /** Findings by severity and status, as findingCounts gives them. */
  counts: FindingCount[];
  /** Live findings at the end of each of the last `days` days (UTC), oldest first; today's ends now. */
  trend: { day: string; open: number }[];
  /** Live findings with an SLA due date, by the minute it falls due (`YYYY-MM-DDTHH:MM`), in order. */
  dueByMinute: [string, number][];
}

const DAY_MS = 86_400_000;

/** Findings counted by (status, severity): the findings_status_sev_id index answers it without reading a row. */
export async function countFindings(db: Kysely<LedgerDatabase>): Promise<FindingCount[]> {
  // grouped by severity_rank, not the severity text: at 1M findings ~10× faster on SQLite; the same counts, in the same order
  const rows = await db
    .selectFrom('findings')
    .select((eb) => ['status', 'severity_rank', eb.fn.countAll<number | string>().as('n')])
    .groupBy(['status', 'severity_rank'])
    .execute();
  return rows
    .map((r) => ({ severity: SEVERITIES.find((s) => severityRank(s) === Number(r.severity_rank))!, status: r.status as FindingStatus, count: Number(r.n) }))
    .sort((a, b) => (a.severity < b.severity ? -1 : a.severity > b.severity ? 1 : a.status < b.status ? -1 : a.status > b.status ? 1 : 0));
}

/**
 * The overview's facts in one pass over the findings, grouped in SQL: each row adds one to the day
 * it was first seen and, once closed (fixed, accepted, false positive), takes one away from the day
 * its status last changed; a live row also counts toward the minute it falls due. Days before the
 * window fold into one group, so the result stays small whatever the ledger's size.
 *
 * A row holds a finding's current state, not its past: a finding closed, reopened and closed again
 * counts as open from its first sighting to its last close (the audit report replays the event log
 * for exact history; the overview answers in one scan).
 */
export async function overviewFacts(db: Kysely<LedgerDatabase>, now: Date, days: number): Promise<OverviewFacts> {
  const today = Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate());
  const first = new Date(today - (days - 1) * DAY_MS).toISOString().slice(0, 10);
  const active = sql.join(ACTIVE_STATUSES.map((s) => sql.lit(s)));
  // '' stands for "before the window"; null for "still live"
  const opened = sql<string>`case when first_seen < ${first} then '' else substr(first_seen, 1, 10) end`;
  const closed = sql<string | null>`case when status in (${active}) then null when status_changed_at < ${first} then '' else substr(status_changed_at, 1, 10) end`;
  const due = sql<string | null>`case when status in (${active}) then substr(sla_due, 1, 16) else null end`;
  const rows = await db
    .selectFrom('findings')
    .select([opened.as('opened'), closed.as('closed'), due.as('due'), sql<number | string>`count(*)`.as('n')])
    .groupBy([sql`1`, sql`2`, sql`3`])
    .execute();

  // change in the live count on each day of the window, and the count at the window's start
  const delta = new Map<string, number>();
  const dues = new Map<string, number>();
  let base = 0;
  for (const r of rows) {
    const n = Number(r.n);
    if (r.opened === '') base += n;
    else delta.set(r.opened, (delta.get(r.opened) ?? 0) + n);
    if (r.due !== null) dues.set(r.due, (dues.get(r.due) ?? 0) + n);
    if (r.closed === null) continue;
    if (r.closed === '') base -= n;
    else delta.set(r.closed, (delta.get(r.closed) ?? 0) - n);
  }
  const trend: OverviewFacts['trend'] = [];
  let open = base;
  for (let i = days - 1; i >= 0; i--) {
    const day = new Date(today - i * DAY_MS).toISOString().slice(0, 10);
    open += delta.get(day) ?? 0;
    trend.push({ day, open });
  }
  const dueByMinute = [...dues].sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
  return { counts: await countFindings(db), trend, dueByMinute };
}

/** Live findings past their SLA due date at `now`, to the minute: due in a minute that has begun. */
export function slaBreachesAt(facts: OverviewFacts, now: Date): number {
  const minute = now.toISOString().slice(0, 16);
  let n = 0;
  for (const [m, count] of facts.dueByMinute) {
    if (m > minute) break;
    // a finding due within the current minute is breached once its second has passed; counted from the next minute
    if (m < minute) n += count;
  }
  return n;
}
