import { postIncidentBlockers } from './actions.js';
import { dueTimes, escalations, formatDuration } from './clock.js';
import { incidentState, type IncidentRecord, type TimelineEntry } from './record.js';

/** A step or clock as a person (or a script) reads it at a moment. */
export interface DueView {
  kind: 'step' | 'clock';
  id: string;
  title: string;
  owner: string;
  /** Steps: the NIST phase; clocks: the law. */
  phase?: string;
  law?: string;
  due: string;
  doneAt: string | null;
  /** done / met / waived, late (done after due), overdue, due-soon, open. */
  state: 'done' | 'met' | 'waived' | 'late' | 'overdue' | 'due-soon' | 'open';
  /** Milliseconds until due (negative: overdue), while not done. */
  remainingMs: number | null;
  blockedBy: string[];
  /** Clocks: the notice's fields, with what was recorded. */
  fields?: { id: string; title: string; law?: string; value: string | null }[];
  note: string | null;
  actor: string | null;
}

/** An incident as `incidents list/show --format json` print it. */
export interface IncidentView {
  id: number;
  key: string;
  runbook: string;
  runbookTitle: string;
  title: string;
  severity: string;
  status: 'open' | 'resolved';
  findingId: number | null;
  target: string | null;
  openedAt: string;
  awareAt: string | null;
  resolvedAt: string | null;
  steps: DueView[];
  clocks: DueView[];
  /** The most urgent open step or clock. */
  next: { kind: 'step' | 'clock'; id: string; due: string; state: DueView['state'] } | null;
  /** Post-incident steps not done: what resolving waits for. */
  resolveBlockedBy: string[];
  timeline: TimelineEntry[];
}

/** The incident with every due time and state worked out at `now`. */
export function incidentView(rec: IncidentRecord, now: Date): IncidentView {
  const st = incidentState(rec);
  const soon = new Set(escalations(st, now).map((e) => `${e.kind}:${e.id}:${e.state}`));
  const items = dueTimes(st);
  const view = (kind: 'step' | 'clock'): DueView[] =>
    items
      .filter((i) => i.kind === kind)
      .map((i) => {
        const step = kind === 'step' ? rec.runbook.steps.find((x) => x.id === i.id) : undefined;
        const clock = kind === 'clock' ? rec.runbook.clocks.find((x) => x.id === i.id) : undefined;
        const doneRec = kind === 'step' ? rec.steps[i.id] : rec.clocks[i.id];
        let state: DueView['state'];
        if (i.waived) state = 'waived';
        else if (i.doneAt) state = i.doneAt.getTime() > i.due.getTime() ? 'late' : kind === 'step' ? 'done' : 'met';
        else if (soon.has(`${kind}:${i.id}:overdue`) || (rec.status === 'open' && i.due.getTime() <= now.getTime())) state = 'overdue';
        else if (soon.has(`${kind}:${i.id}:due-soon`)) state = 'due-soon';
        else state = 'open';
        const recorded = clock ? rec.clocks[i.id]?.fields ?? {} : {};
        return {
          kind,
          id: i.id,
          title: i.title,
          owner: i.owner,
          ...(step ? { phase: step.phase } : {}),
          ...(clock ? { law: clock.law } : {}),
          due: i.due.toISOString(),
          doneAt: i.doneAt ? i.doneAt.toISOString() : null,
          state,
          remainingMs: i.doneAt || i.waived || rec.status === 'resolved' ? null : i.due.getTime() - now.getTime(),
          blockedBy: i.blockedBy,
          ...(clock ? { fields: clock.fields.map((f) => ({ id: f.id, title: f.title, ...(f.law ? { law: f.law } : {}), value: recorded[f.id] ?? null })) } : {}),
          note: doneRec?.note ?? null,
          actor: doneRec?.actor ?? null,
        };
      });
  const steps = view('step');
  const clocks = view('clock');
  const pending = [...clocks, ...steps].filter((d) => d.remainingMs !== null).sort((a, b) => a.due.localeCompare(b.due));
  const first = rec.status === 'open' ? pending[0] : undefined;
  return {
    id: rec.id,
    key: rec.key,
    runbook: rec.runbook.id,
    runbookTitle: rec.runbook.title,
    title: rec.title,
    severity: rec.severity,
    status: rec.status,
    findingId: rec.findingId,
    target: rec.target,
    openedAt: rec.openedAt,
    awareAt: rec.awareAt,
    resolvedAt: rec.resolvedAt,
    steps,
    clocks,
    next: first ? { kind: first.kind, id: first.id, due: first.due, state: first.state } : null,
    resolveBlockedBy: rec.status === 'open' ? postIncidentBlockers(rec) : [],
    timeline: rec.timeline,
  };
}

/** The incident for a terminal. */
export function incidentText(v: IncidentView): string {
  const when = (d: DueView) => {
    if (d.state === 'waived') return 'waived';
    if (d.doneAt) return `${d.state} ${d.doneAt}`;
    if (d.remainingMs === null) return 'not done';
    return d.remainingMs <= 0 ? `OVERDUE by ${formatDuration(-d.remainingMs)}` : `due in ${formatDuration(d.remainingMs)}${d.state === 'due-soon' ? ' (due soon)' : ''}`;
  };
  const lines = [
    `#${v.id} ${v.title}`,
    `  ${v.severity.toUpperCase()}  ${v.status}  runbook ${v.runbook} (${v.runbookTitle})${v.findingId !== null ? `  finding #${v.findingId}` : ''}`,
    `  opened ${v.openedAt}${v.awareAt ? `, aware ${v.awareAt}` : ', awareness not recorded (clocks count from the opening)'}${v.resolvedAt ? `, resolved ${v.resolvedAt}` : ''}`,
    '',
    '  steps:',
  ];
  for (const s of v.steps) {
    lines.push(`    [${s.doneAt ? 'x' : ' '}] ${s.id.padEnd(24)} ${(s.phase ?? '').padEnd(14)} ${s.owner.padEnd(14)} due ${s.due}  ${when(s)}${s.blockedBy.length && !s.doneAt ? `  (waits for ${s.blockedBy.join(', ')})` : ''}`);
    lines.push(`        ${s.title}`);
  }
  if (v.clocks.length) {
    lines.push('', '  clocks:');
    for (const c of v.clocks) {
      lines.push(`    [${c.doneAt || c.state === 'waived' ? 'x' : ' '}] ${c.id.padEnd(24)} ${(c.law ?? '').padEnd(24)} ${c.owner.padEnd(14)} due ${c.due}  ${when(c)}`);
      lines.push(`        ${c.title}`);
      for (const f of c.fields ?? []) lines.push(`          ${f.value !== null ? '✓' : '·'} ${f.id}: ${f.value ?? f.title}`);
    }
  }
  if (v.status === 'open' && v.resolveBlockedBy.length) lines.push('', `  resolving waits for: ${v.resolveBlockedBy.join(', ')}`);
  lines.push('', '  timeline:');
  for (const t of v.timeline) lines.push(`    ${t.at}  #${t.seq} ${t.action}${t.actor ? ` by ${t.actor}` : ''}${t.detail ? `  ${t.detail}` : ''}`);
  return `${lines.join('\n')}\n`;
}
