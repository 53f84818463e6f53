import { VigilError } from '../errors.js';
import type { Duration, NotifyRule, Runbook, RunbookClock, RunbookStep } from './types.js';

const UNIT_MS: Readonly<Record<string, number>> = {
  m: 60_000,
  h: 3_600_000,
  d: 86_400_000,
  w: 604_800_000,
};

/** A runbook duration: a whole number (at most five digits) and one unit, m, h, d or w. The schema uses the same pattern. */
export const DURATION_PATTERN = '^[0-9]{1,5}[mhdw]$';
const DURATION = new RegExp(DURATION_PATTERN);

/**
 * Milliseconds in a runbook duration (`30m`, `72h`, `2d`, `1w`); undefined when malformed. A day is
 * 24 hours and a week 7 days, counted in UTC: "72 hours" and "30 calendar days" both come out right,
 * whatever the local clock does at a daylight-saving change.
 */
export function parseDuration(text: string): number | undefined {
  if (typeof text !== 'string' || !DURATION.test(text)) return undefined;
  return Number(text.slice(0, -1)) * UNIT_MS[text.slice(-1)]!;
}

/** A parsed duration, or undefined when malformed. */
export function duration(text: string): Duration | undefined {
  const ms = parseDuration(text);
  return ms === undefined ? undefined : { text, ms };
}

/** A duration as people read it: `3d 4h`, `45m`, `0m`. */
export function formatDuration(ms: number): string {
  const sign = ms < 0 ? '-' : '';
  let rest = Math.round(Math.abs(ms) / 60_000);
  const parts: string[] = [];
  for (const [unit, minutes] of [['d', 1440], ['h', 60], ['m', 1]] as const) {
    const n = Math.floor(rest / minutes);
    rest -= n * minutes;
    if (n) parts.push(`${n}${unit}`);
  }
  return sign + (parts.join(' ') || '0m');
}

/** What has happened to one incident so far: the input of every calculation here. */
export interface IncidentState {
  runbook: Runbook;
  openedAt: Date;
  /**
   * When the organisation became aware of the breach (GDPR Art. 33(1)); clocks count from it.
   * Until the responders record it, the opening time stands in: the earliest it can be.
   */
  awareAt?: Date | null;
  /** Steps done, by step id. */
  steps?: Readonly<Record<string, { doneAt?: Date | null } | undefined>>;
  /** Clocks met (the notice was given) or waived (it is not owed, e.g. no risk to data subjects), by clock id. */
  clocks?: Readonly<Record<string, { metAt?: Date | null; waived?: boolean } | undefined>>;
  resolvedAt?: Date | null;
}

/** A step or a clock with its due time worked out. */
export interface DueItem {
  kind: 'step' | 'clock';
  id: string;
  title: string;
  owner: string;
  due: Date;
  /** When it was done (a step) or met (a clock); undefined while open. */
  doneAt?: Date;
  /** A clock whose notice is not owed. */
  waived: boolean;
  /** Steps in `requires` not done yet (steps only). */
  blockedBy: string[];
  /** How long before `due` it escalates; undefined when nothing escalates it before it is overdue. */
  escalateBeforeMs?: number;
}

/**
 * Due times of every step and clock. A step is due its offset after the opening, or after the step
 * it follows: after that step's completion once it is done, after its due time until then (so the
 * plan shows from the start and tightens or slips with what really happens). Clocks likewise, from
 * awareness or from the clock they follow.
 */
export function dueTimes(state: IncidentState): DueItem[] {
  const { runbook } = state;
  const aware = state.awareAt ?? state.openedAt;
  const defaultWindow = escalationWindow(runbook.notify);
  const stepById = new Map(runbook.steps.map((s) => [s.id, s]));
  const clockById = new Map(runbook.clocks.map((c) => [c.id, c]));
  const stepDue = new Map<string, Date>();
  const clockDue = new Map<string, Date>();

  const doneAt = (id: string): Date | undefined => state.steps?.[id]?.doneAt ?? undefined;
  const metAt = (id: string): Date | undefined => state.clocks?.[id]?.metAt ?? undefined;

  const dueOfStep = (s: RunbookStep, seen: Set<string>): Date => {
    const known = stepDue.get(s.id);
    if (known) return known;
    if (seen.has(s.id)) throw cycle(runbook, 'step', [...seen, s.id]);
    seen.add(s.id);
    let base: Date;
    if (s.due.from === 'open') base = state.openedAt;
    else {
      const prev = stepById.get(s.due.step);
      if (!prev) throw unknownRef(runbook, 'step', s.due.step);
      base = doneAt(prev.id) ?? dueOfStep(prev, seen);
    }
    const due = new Date(base.getTime() + s.due.offset.ms);
    stepDue.set(s.id, due);
    return due;
  };
  const dueOfClock = (c: RunbookClock, seen: Set<string>): Date => {
    const known = clockDue.get(c.id);
    if (known) return known;
    if (seen.has(c.id)) throw cycle(runbook, 'clock', [...seen, c.id]);
    seen.add(c.id);
    let base: Date;
    if (c.due.from === 'awareness') base = aware;
    else {
      const prev = clockById.get(c.due.clock);
      if (!prev) throw unknownRef(runbook, 'clock', c.due.clock);
      base = metAt(prev.id) ?? dueOfClock(prev, seen);
    }
    const due = new Date(base.getTime() + c.due.offset.ms);
    clockDue.set(c.id, due);
    return due;
  };

  const items: DueItem[] = [];
  for (const s of runbook.steps) {
    const done = doneAt(s.id);
    const window = s.escalateBefore?.ms ?? defaultWindow;
    items.push({
      kind: 'step',
      id: s.id,
      title: s.title,
      owner: s.owner,
      due: dueOfStep(s, new Set()),
      ...(done ? { doneAt: done } : {}),
      waived: false,
      blockedBy: s.requires.filter((r) => !doneAt(r)),
      ...(window !== undefined ? { escalateBeforeMs: window } : {}),
    });
  }
  for (const c of runbook.clocks) {
    const met = metAt(c.id);
    const window = c.escalateBefore?.ms ?? defaultWindow;
    items.push({
      kind: 'clock',
      id: c.id,
      title: c.title,
      owner: c.owner,
      due: dueOfClock(c, new Set()),
      ...(met ? { doneAt: met } : {}),
      waived: state.clocks?.[c.id]?.waived === true,
      blockedBy: [],
      ...(window !== undefined ? { escalateBeforeMs: window } : {}),
    });
  }
  return items;
}

/** The runbook's escalation window: the widest `escalate_before` of its escalation rules. */
export function escalationWindow(rules: readonly NotifyRule[]): number | undefined {
  let widest: number | undefined;
  for (const r of rules) {
    if (!r.on.includes('escalation') || !r.escalateBefore) continue;
    widest = Math.max(widest ?? 0, r.escalateBefore.ms);
  }
  return widest;
}

/** One step or clock that needs someone's attention now. */
export interface Escalation {
  kind: 'step' | 'clock';
  id: string;
  title: string;
  owner: string;
  due: Date;
  /** `due-soon`: inside its escalation window; `overdue`: at or past its due time. */
  state: 'due-soon' | 'overdue';
  /** Milliseconds until due (negative when overdue). */
  remainingMs: number;
  blockedBy: string[];
  /** Who is told: the `escalation` rules when due soon; the `overdue` rules (or else the escalation rules) when overdue. */
  notify: NotifyRule[];
}

/**
 * The steps and clocks near (within their `escalate_before`) or past their due time at `now`, most
 * urgent first. Done steps, met or waived clocks and resolved incidents have none.
 */
export function escalations(state: IncidentState, now: Date): Escalation[] {
  if (state.resolvedAt) return [];
  const rules = state.runbook.notify;
  const onEscalation = rules.filter((r) => r.on.includes('escalation'));
  const onOverdue = rules.filter((r) => r.on.includes('overdue'));
  const out: Escalation[] = [];
  for (const item of dueTimes(state)) {
    if (item.doneAt || item.waived) continue;
    const remainingMs = item.due.getTime() - now.getTime();
    let st: Escalation['state'] | undefined;
    if (remainingMs <= 0) st = 'overdue';
    else if (item.escalateBeforeMs !== undefined && remainingMs <= item.escalateBeforeMs) st = 'due-soon';
    if (!st) continue;
    out.push({
      kind: item.kind,
      id: item.id,
      title: item.title,
      owner: item.owner,
      due: item.due,
      state: st,
      remainingMs,
      blockedBy: item.blockedBy,
      notify: st === 'overdue' && onOverdue.length ? onOverdue : onEscalation,
    });
  }
  return out.sort(
    (a, b) => a.due.getTime() - b.due.getTime() || (a.kind === b.kind ? 0 : a.kind === 'clock' ? -1 : 1) || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0),
  );
}

/** What stands between an incident and `resolved`: its steps not done, post-incident ones included. Empty when it may be resolved. */
export function resolveBlockers(state: IncidentState): string[] {
  return state.runbook.steps.filter((s) => !state.steps?.[s.id]?.doneAt).map((s) => s.id);
}

// A loaded runbook has been checked for both; these guard hand-built ones.
function cycle(runbook: Runbook, kind: string, ids: string[]): VigilError {
  return new VigilError('VIGIL_ERR_RUNBOOK_INVALID', `${kind}s depend on each other in a cycle: ${ids.join(' → ')}`, runbook.where);
}

function unknownRef(runbook: Runbook, kind: string, id: string): VigilError {
  return new VigilError('VIGIL_ERR_RUNBOOK_INVALID', `no ${kind} has the id "${id}"`, runbook.where);
}
