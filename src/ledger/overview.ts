import { sql, type Kysely } from 'kysely';
import { ACTIVE_STATUSES } from '../model/finding.js';
import type { LedgerDatabase } from './schema.js';

/** What the dashboard's overview shows besides the counts: SLA breaches now and open findings per day. */
export interface OverviewFacts {
  /** Live findings (open, reopened, triaged) whose SLA due date has passed. */
  slaBreaches: number;
  /** Live findings at the end of each of the last `days` days (UTC), oldest first; today's ends now. */
  trend: { day: string; open: number }[];
}

const DAY_MS = 86_400_000;

/**
 * The overview's SLA breaches and trend in one pass over the findings, grouped in SQL: each row
 * adds one to the day it was first seen and, once closed (fixed, accepted, false positive), takes
 * one away from the day its status last changed. Days before the window fold into one group, so
 * the result is at most (days + 1)² rows whatever the ledger's size.
 *
 * A row holds a finding's current state, not its past: a finding closed, reopened and closed again
 * counts as open from its first sighting to its last close (the audit report replays the event log
 * for exact history; the overview answers in one scan).
 */
export async function overviewFacts(db: Kysely<LedgerDatabase>, now: Date, days: number): Promise<OverviewFacts> {
  const today = Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate());
  const first = new Date(today - (days - 1) * DAY_MS).toISOString().slice(0, 10);
  const nowIso = now.toISOString();
  const active = sql.join(ACTIVE_STATUSES.map((s) => sql.lit(s)));
  // '' stands for "before the window"; null for "still live"
  const opened = sql<string>`case when first_seen < ${first} then '' else substr(first_seen, 1, 10) end`;
  const closed = sql<string | null>`case when status in (${active}) then null when status_changed_at < ${first} then '' else substr(status_changed_at, 1, 10) end`;
  const rows = await db
    .selectFrom('findings')
    .select([
      opened.as('opened'),
      closed.as('closed'),
      sql<number | string>`count(*)`.as('n'),
      sql<number | string>`sum(case when status in (${active}) and sla_due is not null and sla_due < ${nowIso} then 1 else 0 end)`.as('breaches'),
    ])
    .groupBy([sql`1`, sql`2`])
    .execute();

  let slaBreaches = 0;
  // change in the live count on each day of the window, and the count at the window's start
  const delta = new Map<string, number>();
  let base = 0;
  for (const r of rows) {
    const n = Number(r.n);
    slaBreaches += Number(r.breaches);
    if (r.opened === '') base += n;
    else delta.set(r.opened, (delta.get(r.opened) ?? 0) + n);
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
  return { slaBreaches, trend };
}
