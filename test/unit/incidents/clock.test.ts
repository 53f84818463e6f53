import { beforeAll, describe, expect, it } from 'vitest';
import { dueTimes, duration, escalations, formatDuration, parseDuration, resolveBlockers, type IncidentState } from '../../../src/incidents/clock.js';
import { loadRunbooks, parseRunbook } from '../../../src/incidents/runbooks.js';
import type { Runbook } from '../../../src/incidents/types.js';

const MIN = 60_000;
const HOUR = 60 * MIN;
const DAY = 24 * HOUR;

const OPENED = new Date('2026-03-28T22:00:00Z'); // the night before the EU's clocks go forward: UTC arithmetic must not care
const at = (ms: number) => new Date(OPENED.getTime() + ms);

describe('durations', () => {
  it.each([
    ['30m', 30 * MIN],
    ['4h', 4 * HOUR],
    ['72h', 72 * HOUR],
    ['2d', 2 * DAY],
    ['30d', 30 * DAY],
    ['1w', 7 * DAY],
    ['0m', 0],
    ['99999w', 99_999 * 7 * DAY],
  ])('%s is %d ms', (text, ms) => {
    expect(parseDuration(text)).toBe(ms);
    expect(duration(text)).toEqual({ text, ms });
  });

  it.each(['', '4', 'h', '4 h', ' 4h', '4h ', '1.5d', '-1h', '+1h', '1d12h', '3600s', '2D', '4hours', '100000m', '1y'])('%j is not a duration', (text) => {
    expect(parseDuration(text)).toBeUndefined();
    expect(duration(text)).toBeUndefined();
  });

  it('formats for people', () => {
    expect(formatDuration(0)).toBe('0m');
    expect(formatDuration(90 * MIN)).toBe('1h 30m');
    expect(formatDuration(3 * DAY + 4 * HOUR)).toBe('3d 4h');
    expect(formatDuration(-25 * HOUR)).toBe('-1d 1h');
  });
});

// steps: triage (4h) → fix (after triage + 1d) → verify (after fix + 2h); review (7d, own window 1d)
// clocks: authority (72h from awareness, window 24h) → follow-up (after authority + 15d)
const RUNBOOK = `id: sample
title: Sample
description: A sample runbook for the clock tests.
trigger:
  severity_at_least: high
steps:
  - id: triage
    phase: analyse
    title: Triage
    owner: security-lead
    due: 4h
  - id: fix
    phase: eradicate
    title: Fix
    owner: service-owner
    due: { after: triage, offset: 1d }
  - id: verify
    phase: recover
    title: Verify
    owner: on-call
    due: { after: fix, offset: 2h }
  - id: review
    phase: post-incident
    title: Review
    owner: security-lead
    due: 7d
    requires: [verify]
    escalate_before: 1d
clocks:
  - id: authority
    title: Tell the authority
    law: GDPR Art. 33(1)
    owner: dpo
    due: 72h
    escalate_before: 24h
    fields: [{ id: nature, title: Nature }]
  - id: follow-up
    title: Follow up
    law: Cal. Civ. Code § 1798.82(f)
    owner: legal
    due: { after: authority, offset: 15d }
    fields: [{ id: sample, title: Sample }]
notify:
  - on: [open]
    roles: [security-lead]
  - on: [escalation]
    roles: [service-owner]
    channels: [webhook]
    escalate_before: 2h
  - on: [overdue]
    roles: [security-lead, legal]
    channels: [email]
`;

describe('due times', () => {
  const runbook = parseRunbook(RUNBOOK, 'sample.yaml');
  const due = (state: Partial<IncidentState>) => Object.fromEntries(dueTimes({ runbook, openedAt: OPENED, ...state }).map((i) => [i.id, i.due.getTime() - OPENED.getTime()]));

  it('plans the chain from the opening while nothing is done', () => {
    expect(due({})).toEqual({
      triage: 4 * HOUR,
      fix: 4 * HOUR + DAY,
      verify: 4 * HOUR + DAY + 2 * HOUR,
      review: 7 * DAY,
      authority: 72 * HOUR,
      'follow-up': 72 * HOUR + 15 * DAY,
    });
  });

  it('a step done early pulls the steps after it forward; one done late pushes them back', () => {
    expect(due({ steps: { triage: { doneAt: at(1 * HOUR) } } })).toMatchObject({ fix: 1 * HOUR + DAY, verify: 1 * HOUR + DAY + 2 * HOUR, review: 7 * DAY });
    expect(due({ steps: { triage: { doneAt: at(10 * HOUR) } } })).toMatchObject({ fix: 10 * HOUR + DAY, verify: 10 * HOUR + DAY + 2 * HOUR });
    expect(due({ steps: { triage: { doneAt: at(HOUR) }, fix: { doneAt: at(5 * HOUR) } } })).toMatchObject({ verify: 7 * HOUR });
  });

  it('clocks count from awareness, the opening until it is recorded, and a following clock from the notice it follows', () => {
    expect(due({ awareAt: null })).toMatchObject({ authority: 72 * HOUR });
    expect(due({ awareAt: at(6 * HOUR) })).toMatchObject({ authority: 78 * HOUR, 'follow-up': 78 * HOUR + 15 * DAY, triage: 4 * HOUR });
    expect(due({ clocks: { authority: { metAt: at(30 * HOUR) } } })).toMatchObject({ 'follow-up': 30 * HOUR + 15 * DAY });
  });

  it('is exact across a daylight-saving change: 72 hours are 72 hours', () => {
    const item = dueTimes({ runbook, openedAt: OPENED }).find((i) => i.id === 'authority')!;
    expect(item.due.toISOString()).toBe('2026-03-31T22:00:00.000Z');
  });

  it('says which required steps are not done yet', () => {
    const items = dueTimes({ runbook, openedAt: OPENED, steps: { triage: { doneAt: at(HOUR) } } });
    expect(Object.fromEntries(items.filter((i) => i.kind === 'step').map((i) => [i.id, i.blockedBy]))).toEqual({ triage: [], fix: [], verify: ['fix'], review: ['verify'] });
  });
});

describe('escalations', () => {
  const runbook = parseRunbook(RUNBOOK, 'sample.yaml');
  const state: IncidentState = { runbook, openedAt: OPENED };
  const names = (now: Date, s: IncidentState = state) => escalations(s, now).map((e) => `${e.id}:${e.state}`);

  it('nothing at the opening: every due time is further away than its window', () => {
    expect(names(OPENED)).toEqual([]);
    expect(names(at(2 * HOUR - 1))).toEqual([]);
  });

  it('due-soon from exactly `escalate_before` before the due time, overdue from the due time itself', () => {
    expect(names(at(2 * HOUR))).toEqual(['triage:due-soon']);
    expect(names(at(4 * HOUR - 1))).toEqual(['triage:due-soon']);
    expect(names(at(4 * HOUR))).toEqual(['triage:overdue']);
  });

  it('a step or clock window of its own replaces the runbook window', () => {
    // review is due at 7d with a 1d window; the runbook's 2h would leave it quiet until 6d 22h
    expect(names(at(6 * DAY - 1), { ...state, steps: { triage: { doneAt: at(HOUR) }, fix: { doneAt: at(2 * HOUR) }, verify: { doneAt: at(3 * HOUR) } } })).toEqual([
      'authority:overdue',
    ]);
    expect(names(at(6 * DAY), { ...state, steps: { triage: { doneAt: at(HOUR) }, fix: { doneAt: at(2 * HOUR) }, verify: { doneAt: at(3 * HOUR) } } })).toEqual([
      'authority:overdue',
      'review:due-soon',
    ]);
    // the Art. 33-like clock: 72h, 24h window
    expect(escalations(state, at(48 * HOUR - 1)).find((e) => e.id === 'authority')).toBeUndefined();
    expect(escalations(state, at(48 * HOUR)).find((e) => e.id === 'authority')).toMatchObject({ state: 'due-soon', remainingMs: 24 * HOUR, owner: 'dpo', kind: 'clock' });
  });

  it('most urgent first, with who is told: escalation rules when due soon, overdue rules when late', () => {
    const list = escalations({ ...state, steps: { triage: { doneAt: at(HOUR) } } }, at(HOUR + DAY + 30 * MIN));
    expect(list.map((e) => [e.id, e.state, e.remainingMs])).toEqual([
      ['fix', 'overdue', -30 * MIN],
      ['verify', 'due-soon', 90 * MIN],
    ]);
    expect(list[0]!.notify.map((n) => n.roles)).toEqual([['security-lead', 'legal']]);
    expect(list[1]!.notify.map((n) => n.roles)).toEqual([['service-owner']]);
    expect(list[1]!.blockedBy).toEqual(['fix']);
  });

  it('done steps, met or waived clocks and resolved incidents have none', () => {
    const late = at(20 * DAY);
    expect(names(late)).toEqual(['triage:overdue', 'fix:overdue', 'verify:overdue', 'authority:overdue', 'review:overdue', 'follow-up:overdue']);
    const worked: IncidentState = {
      ...state,
      steps: { triage: { doneAt: at(HOUR) }, fix: { doneAt: at(DAY) }, verify: { doneAt: at(DAY + HOUR) } },
      clocks: { authority: { metAt: at(60 * HOUR) }, 'follow-up': { waived: true } },
    };
    expect(names(late, worked)).toEqual(['review:overdue']);
    expect(names(late, { ...worked, resolvedAt: at(19 * DAY) })).toEqual([]);
  });

  it('without escalation rules only overdue items escalate, told to the overdue rules', () => {
    const quiet: Runbook = { ...runbook, notify: runbook.notify.filter((n) => !n.on.includes('escalation')), steps: runbook.steps.map((s) => ({ ...s, escalateBefore: undefined })) as Runbook['steps'] };
    expect(names(at(4 * HOUR - 1), { ...state, runbook: quiet })).toEqual([]);
    expect(escalations({ ...state, runbook: quiet }, at(4 * HOUR))[0]).toMatchObject({ id: 'triage', state: 'overdue', notify: [{ roles: ['security-lead', 'legal'] }] });
  });

  it('without overdue rules an overdue item goes to the escalation rules', () => {
    const noOverdue: Runbook = { ...runbook, notify: runbook.notify.filter((n) => !n.on.includes('overdue')) };
    expect(escalations({ ...state, runbook: noOverdue }, at(4 * HOUR))[0]!.notify.map((n) => n.roles)).toEqual([['service-owner']]);
  });
});

describe('the shipped personal-data breach runbook on a fixed timeline', () => {
  let runbook: Runbook;
  beforeAll(async () => {
    runbook = (await loadRunbooks()).find((r) => r.id === 'personal-data-breach')!;
  });

  it('escalates the Art. 33 notice 24 hours before the 72 hours from awareness run out, and calls it overdue after', () => {
    const aware = at(3 * HOUR);
    const s: IncidentState = { runbook, openedAt: OPENED, awareAt: aware, steps: { confirm: { doneAt: aware } } };
    const art33 = (now: Date) => escalations(s, now).find((e) => e.id === 'gdpr-art33-authority');
    expect(art33(at(3 * HOUR + 48 * HOUR - MIN))).toBeUndefined();
    expect(art33(at(3 * HOUR + 48 * HOUR))).toMatchObject({ state: 'due-soon', due: new Date(aware.getTime() + 72 * HOUR) });
    expect(art33(at(3 * HOUR + 72 * HOUR))).toMatchObject({ state: 'overdue' });
    expect(art33(at(3 * HOUR + 72 * HOUR))!.notify.flatMap((n) => n.roles)).toEqual(['dpo', 'legal', 'security-lead']);
  });

  it('the California attorney-general notice is due 15 days after the residents were told', () => {
    const s: IncidentState = { runbook, openedAt: OPENED, clocks: { 'ca-residents': { metAt: at(10 * DAY) } } };
    expect(dueTimes(s).find((i) => i.id === 'ca-attorney-general')!.due).toEqual(at(25 * DAY));
  });
});

describe('resolveBlockers', () => {
  const runbook = parseRunbook(RUNBOOK, 'sample.yaml');
  it('lists every step not done, the post-incident review included; empty when all are', () => {
    expect(resolveBlockers({ runbook, openedAt: OPENED })).toEqual(['triage', 'fix', 'verify', 'review']);
    const done = Object.fromEntries(['triage', 'fix', 'verify'].map((id) => [id, { doneAt: at(HOUR) }]));
    expect(resolveBlockers({ runbook, openedAt: OPENED, steps: done })).toEqual(['review']);
    expect(resolveBlockers({ runbook, openedAt: OPENED, steps: { ...done, review: { doneAt: at(DAY) } } })).toEqual([]);
  });
});
