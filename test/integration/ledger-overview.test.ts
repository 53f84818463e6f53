import { describe, expect, it } from 'vitest';
import { openLedger, type Ledger } from '../../src/ledger/index.js';
import { slaBreachesAt } from '../../src/ledger/overview.js';
import { overviewOnWorker } from '../../src/ledger/overview-worker.js';
import { ACTIVE_STATUSES, type LedgerFinding } from '../../src/model/finding.js';
import { fileFinding, runOf } from '../helpers/findings.js';
import { stores } from '../helpers/ledger-stores.js';

const DAY = 86_400_000;

/** The overview's figures the slow way: every finding read, each day counted from the rows. */
function expected(all: (LedgerFinding & { closedAt: string | null })[], now: Date, days: number) {
  const today = Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate());
  const live = (f: LedgerFinding) => ACTIVE_STATUSES.includes(f.status);
  const trend = [];
  for (let i = days - 1; i >= 0; i--) {
    const start = today - i * DAY;
    const end = Math.min(start + DAY, now.getTime());
    const open = all.filter((f) => Date.parse(f.firstSeen) < end && (live(f) || Date.parse(f.closedAt!) >= end)).length;
    trend.push({ day: new Date(start).toISOString().slice(0, 10), open });
  }
  const slaBreaches = all.filter((f) => live(f) && f.slaDue !== null && Date.parse(f.slaDue) < now.getTime()).length;
  return { slaBreaches, trend };
}

/** Every finding, with when a closed one closed: the time of its last event, read from the event log. */
async function everything(ledger: Ledger): Promise<(LedgerFinding & { closedAt: string | null })[]> {
  const all = (await ledger.listFindings({ status: ['open', 'reopened', 'triaged', 'fixed', 'accepted', 'false_positive'], limit: 10_000 })).findings;
  const out = [];
  for (const f of all) {
    const events = (await ledger.findingEvents(f.id)).filter((e) => e.type === 'finding.fixed' || e.type === 'finding.triaged');
    out.push({ ...f, closedAt: ACTIVE_STATUSES.includes(f.status) ? null : events.at(-1)!.at });
  }
  return out;
}

describe.each(stores)('the overview on $name', (store) => {
  it('counts SLA breaches and the daily trend as the rows say, over findings opened, fixed, reopened and triaged across 120 days', async () => {
    const { location, teardown } = await store.setup();
    const ledger = await openLedger(location);
    try {
      // day 0 is 120 days ago: each scan keeps the findings still alive and adds new ones, so some
      // are fixed before the window, some inside it, some reopen, some are triaged
      const start = Date.UTC(2026, 7, 1, 9, 30);
      let alive = new Set<number>();
      let next = 0;
      for (let day = 0; day < 120; day += 3) {
        const now = new Date(start + day * DAY + (day % 5) * 3_600_000);
        const seen = [...alive].filter((n) => (n * 7 + day) % 11 !== 0);
        for (let k = 0; k < 4; k++) seen.push(next++);
        // a finding fixed earlier comes back now and then (reopened)
        if (day % 9 === 0 && next > 10) seen.push(day % next);
        alive = new Set(seen);
        await ledger.ingest(runOf(seen.map((n) => fileFinding(n, { target: 'app' })), [{}], { startedAt: now.toISOString() }), { now });
        if (day % 12 === 6) {
          const page = await ledger.listFindings({ status: ['open', 'reopened'], limit: 3 });
          const [a, b, c] = page.findings;
          if (a) await ledger.triage(a.id, { status: 'accepted', actor: 'ann', justification: 'vendor fix pending', approver: 'bo', expires: '2027-06-01' }, { now });
          if (b) await ledger.triage(b.id, { status: 'false_positive', actor: 'ann', justification: 'test code only' }, { now });
          if (c) await ledger.triage(c.id, { status: 'triaged', actor: 'ann' }, { now });
        }
      }
      const all = await everything(ledger);
      expect(new Set(all.map((f) => f.status))).toEqual(new Set(['open', 'reopened', 'triaged', 'fixed', 'accepted', 'false_positive']));
      for (const now of [new Date(start + 119 * DAY + 5 * 3_600_000), new Date(start + 200 * DAY), new Date(start + 60 * DAY + 1000)]) {
        const got = await ledger.overview(now, 90);
        const want = expected(all.filter((f) => Date.parse(f.firstSeen) <= now.getTime()), now, 90);
        // the window covers whole days only; a count can never be negative
        expect(got.trend).toHaveLength(90);
        if (now.getTime() >= start + 119 * DAY) {
          expect(got.trend).toEqual(want.trend);
          expect(slaBreachesAt(got, now)).toBe(want.slaBreaches);
        }
        expect(got.trend.every((p) => p.open >= 0)).toBe(true);
        expect(got.counts).toEqual(await ledger.findingCounts());
      }
      if (store.name === 'sqlite') {
        // SQLite's scan runs on its own thread (the built module), with the same answer
        const onWorker = overviewOnWorker(location, new Date(start + 200 * DAY), 90);
        expect(onWorker).toBeDefined();
        expect(await onWorker).toEqual(await ledger.overview(new Date(start + 200 * DAY), 90));
      }
      const late = await ledger.overview(new Date(start + 200 * DAY), 90);
      expect(slaBreachesAt(late, new Date(start + 200 * DAY))).toBeGreaterThan(0);
      expect(late.trend.at(-1)!.open).toBe(all.filter((f) => ACTIVE_STATUSES.includes(f.status)).length);
      // breaches move with the clock, not the scan: every live finding with a due date is breached far in the future
      const withDue = all.filter((f) => ACTIVE_STATUSES.includes(f.status) && f.slaDue !== null).length;
      expect(slaBreachesAt(late, new Date(start + 5000 * DAY))).toBe(withDue);
      expect(late.dueByMinute.reduce((n, [, c]) => n + c, 0)).toBe(withDue);
    } finally {
      await ledger.close();
      await teardown();
    }
  });

  it('answers zeros on an empty ledger', async () => {
    const { location, teardown } = await store.setup();
    const ledger = await openLedger(location);
    try {
      const got = await ledger.overview(new Date('2026-12-07T12:00:00Z'), 3);
      expect(got).toEqual({
        counts: [],
        dueByMinute: [],
        trend: [
          { day: '2026-12-05', open: 0 },
          { day: '2026-12-06', open: 0 },
          { day: '2026-12-07', open: 0 },
        ],
      });
    } finally {
      await ledger.close();
      await teardown();
    }
  });
});
