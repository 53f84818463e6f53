import { CronExpressionParser } from 'cron-parser';
import type { ScheduleConfig } from '../config/types.js';
import type { Ledger, LedgerEvent } from '../ledger/ledger.js';
import type { Run } from '../model/run.js';
import type { ScheduleCoverage } from '../../reports/audit/model.js';
import { scheduleTriggers } from '../scheduler/scheduler.js';

/** The event that records a schedule added, changed or removed: coverage is proven against these. */
export const SCHEDULE_EVENT = 'schedule.changed';

/** A schedule's definition as recorded. */
export interface RecordedSchedule {
  name: string;
  cron: string;
  timezone: string | null;
  targets: string[] | null;
  scanners: string[] | null;
}

/** One stretch of time during which a schedule had one definition. */
export interface ScheduleSpan extends RecordedSchedule {
  from: string;
  /** Null while it still stands. */
  to: string | null;
}

function defOf(s: ScheduleConfig): RecordedSchedule {
  return { name: s.name, cron: s.cron, timezone: s.timezone ?? null, targets: s.targets ?? null, scanners: s.scanners ?? null };
}

const same = (a: RecordedSchedule, b: RecordedSchedule) => JSON.stringify(a) === JSON.stringify(b);

/** Every recorded definition of every schedule, in time order, from the ledger's schedule events. */
export function scheduleSpans(events: readonly LedgerEvent[]): ScheduleSpan[] {
  const spans: ScheduleSpan[] = [];
  const open = new Map<string, ScheduleSpan>();
  for (const e of events) {
    const d = e.data as { change: 'added' | 'changed' | 'removed'; schedule: RecordedSchedule };
    const prior = open.get(d.schedule.name);
    if (prior) {
      prior.to = e.at;
      open.delete(d.schedule.name);
    }
    if (d.change !== 'removed') {
      const span: ScheduleSpan = { ...d.schedule, from: e.at, to: null };
      spans.push(span);
      open.set(span.name, span);
    }
  }
  return spans;
}

/**
 * Record in the ledger how the config's schedules differ from the ones last recorded: each added,
 * changed or removed schedule is one event with its whole definition. `vigil serve` calls this at
 * start, so the chain says what was scheduled when, and the audit report proves coverage from it.
 */
export async function recordScheduleChanges(ledger: Ledger, schedules: readonly ScheduleConfig[], opts: { actor?: string | null; now?: Date } = {}): Promise<{ change: string; schedule: string }[]> {
  const current = new Map<string, RecordedSchedule>();
  for (const s of scheduleSpans(await ledger.eventsOfType([SCHEDULE_EVENT]))) if (s.to === null) current.set(s.name, s);
  const out: { change: string; schedule: string }[] = [];
  const record = async (change: 'added' | 'changed' | 'removed', schedule: RecordedSchedule) => {
    await ledger.appendRecord(SCHEDULE_EVENT, { change, schedule }, { actor: opts.actor ?? null, ...(opts.now ? { now: opts.now } : {}) });
    out.push({ change, schedule: schedule.name });
  };
  for (const s of schedules) {
    const def = defOf(s);
    const prior = current.get(s.name);
    current.delete(s.name);
    if (!prior) await record('added', def);
    else {
      const { from: _f, to: _t, ...was } = prior as ScheduleSpan;
      if (!same(was, def)) await record('changed', def);
    }
  }
  for (const gone of current.values()) {
    const { from: _f, to: _t, ...was } = gone as ScheduleSpan;
    await record('removed', was);
  }
  return out;
}

/** How late a run may start after its slot and still count as on time (node-cron fires within a second; a busy host is slower). */
const ON_TIME_MS = 10 * 60_000;
/** Slots listed per schedule; past this, only missed, failed and late ones are listed (all are counted). */
const MAX_LISTED_SLOTS = 5_000;
/** Fire times enumerated per schedule and period, at most (a schedule every minute for 90 days is 129,600). */
const MAX_SLOTS = 200_000;

/**
 * Every time each schedule was due within the period while it stood, and which run answered it:
 * the first run of that schedule (its own, catch-up or start-up trigger) that started between the
 * slot and the next one. None is `missed`; a catch-up run or one starting over ten minutes late is
 * `late`; a run that ended failed is `failed`.
 */
export function scheduleCoverage(spans: readonly ScheduleSpan[], runs: readonly Run[], period: { from: string; to: string }): ScheduleCoverage[] {
  const out = new Map<string, ScheduleCoverage>();
  const from = Date.parse(period.from);
  const to = Date.parse(period.to);
  for (const span of spans) {
    const start = Math.max(from, Date.parse(span.from));
    const end = Math.min(to, span.to ? Date.parse(span.to) : to);
    if (start >= end) continue;
    const cov = out.get(span.name) ?? { name: span.name, cron: span.cron, timezone: span.timezone, slots: [], expected: 0, ran: 0, missed: 0 };
    cov.cron = span.cron;
    cov.timezone = span.timezone;
    out.set(span.name, cov);
    const triggers = new Set(scheduleTriggers(span.name));
    const mine = runs.filter((r) => triggers.has(r.trigger)).map((r) => ({ r, t: Date.parse(r.startedAt) }));
    const fires: number[] = [];
    const it = CronExpressionParser.parse(span.cron, { currentDate: new Date(start - 1), endDate: new Date(end), tz: span.timezone ?? 'UTC' });
    while (fires.length < MAX_SLOTS && it.hasNext()) {
      const t = it.next().getTime();
      if (t >= end) break;
      if (t >= start) fires.push(t);
    }
    let j = 0;
    for (let i = 0; i < fires.length; i++) {
      const slot = fires[i]!;
      const next = fires[i + 1] ?? end;
      while (j < mine.length && mine[j]!.t < slot) j++;
      const hit = j < mine.length && mine[j]!.t < next ? mine[j]! : undefined;
      if (hit) j++;
      let outcome: ScheduleCoverage['slots'][number]['outcome'];
      if (!hit) outcome = 'missed';
      else if (hit.r.status === 'failed') outcome = 'failed';
      else if (hit.r.trigger.startsWith('catch-up:') || hit.t - slot > ON_TIME_MS) outcome = 'late';
      else outcome = 'ran';
      cov.expected++;
      if (hit) cov.ran++;
      else cov.missed++;
      if (cov.slots.length < MAX_LISTED_SLOTS || outcome !== 'ran') {
        cov.slots.push({ due: new Date(slot).toISOString(), runId: hit?.r.id ?? null, startedAt: hit?.r.startedAt ?? null, status: hit?.r.status ?? null, outcome });
      }
    }
  }
  return [...out.values()];
}
