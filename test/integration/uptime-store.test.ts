/**
 * The ledger's uptime store on both stores: availability windows, periods and streaks computed
 * from results recorded at known times; results chained per probe and anchored in the event
 * chain; and, on SQLite, every kind of tampering with the rows named by `verify()`.
 */
import { createHash } from 'node:crypto';
import { tmpdir } from 'node:os';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { canonicalJson, openLedger, type Ledger, type ProbeResult } from '../../src/ledger/index.js';
import { stores } from '../helpers/ledger-stores.js';
import { vigil } from '../helpers/cli.js';

const NOW = new Date('2026-12-01T12:00:00.000Z');
const MIN = 60_000;
const HOUR = 60 * MIN;
const DAY = 24 * HOUR;

function result(probe: string, agoMs: number, ok: boolean, extra: Partial<ProbeResult> = {}): ProbeResult {
  return {
    probe,
    url: `https://${probe}.example/healthz`,
    at: new Date(NOW.getTime() - agoMs).toISOString(),
    ok,
    status: ok ? 200 : 503,
    latencyMs: 20,
    error: ok ? null : 'status 503 (expected 2xx)',
    tlsDaysLeft: 60,
    ...extra,
  };
}

/** Probe a: sparse results across the windows; b: down for its last three 1-minute checks; c: nothing in 30 days. */
const A = [
  result('a', 31 * DAY, false), // outside every window
  result('a', 29 * DAY, true),
  result('a', 8 * DAY, false),
  result('a', 6 * DAY, true),
  result('a', 25 * HOUR, false),
  result('a', 23 * HOUR, true),
  result('a', 2 * HOUR, false),
  result('a', 1 * HOUR, true),
  result('a', -1 * HOUR, false), // after `now`: not counted
];
const B = [result('b', 10 * MIN, true), result('b', 3 * MIN, false), result('b', 2 * MIN, false), result('b', 1 * MIN, false, { status: null, error: 'connection refused' })];
const C = [result('c', 40 * DAY, true), result('c', 35 * DAY, false)];

describe.each(stores)('uptime store ($name)', (store) => {
  let ledger: Ledger;
  let teardown: () => Promise<void>;
  beforeAll(async () => {
    const s = await store.setup();
    teardown = s.teardown;
    ledger = await openLedger(s.location);
    await ledger.uptime.record([...A, ...C]);
    await ledger.uptime.record(B);
  });
  afterAll(async () => {
    await ledger.close();
    await teardown();
  });

  it('computes the 24 h, 7 d and 30 d windows ending at now, the streak and the SLO', async () => {
    const summary = await ledger.uptime.summary(NOW, new Map([['a', 50]]));
    expect(summary.map((s) => s.probe)).toEqual(['a', 'b', 'c']);
    const [a, b, c] = summary;
    expect(a).toEqual({
      probe: 'a',
      url: 'https://a.example/healthz',
      last: A[7],
      consecutiveFailures: 0,
      windows: {
        '24h': { checks: 3, up: 2, availabilityPct: (2 / 3) * 100, downMinutes: 60 },
        '7d': { checks: 5, up: 3, availabilityPct: 60, downMinutes: 120 },
        '30d': { checks: 7, up: 4, availabilityPct: (4 / 7) * 100, downMinutes: 180 },
      },
      sloPct: 50,
      sloMet: true,
    });
    expect(b).toMatchObject({
      last: B[3],
      consecutiveFailures: 3,
      windows: { '24h': { checks: 4, up: 1, availabilityPct: 25, downMinutes: 3 }, '30d': { checks: 4, up: 1 } },
      sloPct: 99.9,
      sloMet: false,
    });
    expect(c).toMatchObject({
      last: C[1],
      consecutiveFailures: 1,
      windows: { '24h': { checks: 0, up: 0, availabilityPct: null, downMinutes: 0 }, '30d': { checks: 0, availabilityPct: null } },
      sloMet: null,
    });
    // a day later, b's failures are 24 h and a minute old: out of the 24 h window, still in 7 d
    const later = await ledger.uptime.summary(new Date(NOW.getTime() + DAY + MIN));
    expect(later.find((s) => s.probe === 'b')!.windows).toMatchObject({ '24h': { checks: 0 }, '7d': { checks: 4, up: 1 } });
    // before any of b's results, it has none yet
    expect((await ledger.uptime.summary(new Date(NOW.getTime() - HOUR))).map((s) => s.probe)).toEqual(['a', 'c']);
  });

  it('gives availability, outages and the chain head within a report period', async () => {
    const period = await ledger.uptime.period({ from: new Date(NOW.getTime() - 2 * DAY).toISOString(), to: NOW.toISOString() });
    const anchors = await ledger.eventsOfType(['uptime.anchor']);
    const headOf = (probe: string) => (anchors.filter((e) => (e.data as { probe: string }).probe === probe).at(-1)!.data as { head: string }).head;
    expect(period).toEqual([
      { probe: 'a', url: 'https://a.example/healthz', checks: 4, up: 2, availabilityPct: 50, longestOutageMinutes: 120, outages: 2, sloPct: 99.9, chainHead: expect.stringMatching(/^[0-9a-f]{64}$/) },
      // still down at the period's end: from its first failure to one interval past the last check
      { probe: 'b', url: 'https://b.example/healthz', checks: 4, up: 1, availabilityPct: 25, longestOutageMinutes: 3, outages: 1, sloPct: 99.9, chainHead: headOf('b') },
    ]);
    // a's head in the period is not its newest row (one is after `now`)
    expect(period[0]!.chainHead).not.toBe(headOf('a'));
    // a probe the caller's SLO map lacks is no longer configured: no SLO
    const withMap = await ledger.uptime.period({ from: '2026-11-29', to: NOW.toISOString() }, new Map([['a', 99]]));
    expect(withMap.map((p) => [p.probe, p.sloPct])).toEqual([['a', 99], ['b', null]]);
  });

  it('lists a probe\'s results newest first, within from/to and a limit', async () => {
    expect(await ledger.uptime.results('b')).toEqual([...B].reverse());
    expect(await ledger.uptime.results('a', { from: new Date(NOW.getTime() - 7 * DAY).toISOString(), to: NOW.toISOString(), limit: 3 })).toEqual([A[7], A[6], A[5]]);
    expect(await ledger.uptime.results('nope')).toEqual([]);
  });

  it('chains each probe\'s rows and anchors each head in the event chain; verify agrees', async () => {
    const anchors = await ledger.eventsOfType(['uptime.anchor']);
    expect(anchors.map((e) => (e.data as { probe: string }).probe)).toEqual(['a', 'c', 'b']);
    // the head of b is the hash of its rows chained from the genesis hash
    let prev = '0'.repeat(64);
    for (const r of B) prev = createHash('sha256').update(prev + canonicalJson(r)).digest('hex');
    expect(anchors[2]!.data).toMatchObject({ probe: 'b', head: prev, ok: false, at: B[3]!.at });
    const v = await ledger.verify();
    expect(v.ok, v.broken?.reason).toBe(true);
    expect(v.uptime).toEqual({ checked: A.length + B.length + C.length, probes: 3, anchors: 3, problems: [] });
  });

  it('records a batch all or nothing, and refuses what is not a result', async () => {
    const before = (await ledger.uptime.results('d')).length;
    await expect(ledger.uptime.record([result('d', 0, true), { ...result('d', 0, true), at: 'yesterday' }])).rejects.toThrow(/at "yesterday" is not a time/);
    expect((await ledger.uptime.results('d')).length).toBe(before);
    // the ledger's own event type: not for appendRecord
    await expect(ledger.appendRecord('uptime.anchor', { probe: 'a', id: 1, head: 'x' })).rejects.toThrow(/written only by the ledger/);
  });

  it('anchors again at every state change and at least hourly, not per result', async () => {
    const before = (await ledger.eventsOfType(['uptime.anchor'])).length;
    const t0 = NOW.getTime() + 2 * DAY;
    const at = (ms: number, ok: boolean) => ({ ...result('e', 0, ok), at: new Date(t0 + ms).toISOString() });
    for (let i = 0; i < 10; i++) await ledger.uptime.record([at(i * MIN, true)]); // first: anchored
    await ledger.uptime.record([at(10 * MIN, false)]); // up → down: anchored
    await ledger.uptime.record([at(11 * MIN, false)]);
    await ledger.uptime.record([at(12 * MIN, true)]); // down → up: anchored
    await ledger.uptime.record([at(72 * MIN, true)]); // an hour after the last anchor: anchored
    const added = (await ledger.eventsOfType(['uptime.anchor'])).slice(before);
    expect(added.map((e) => (e.data as { ok: boolean }).ok)).toEqual([true, false, true, true]);
  });
});

describe('uptime chains tampered with outside vigil (SQLite)', () => {
  const sqlite = stores.find((s) => s.name === 'sqlite')!;

  /** A ledger with two probes' results, recorded one at a time the way the prober does; returns its file. */
  async function fresh(): Promise<{ file: string; teardown: () => Promise<void> }> {
    const s = await sqlite.setup();
    const ledger = await openLedger(s.location);
    try {
      for (let i = 0; i < 6; i++) {
        await ledger.uptime.record([result('shop', (10 - i) * MIN, i !== 3), result('api', (10 - i) * MIN, true)]);
      }
    } finally {
      await ledger.close();
    }
    return { file: s.location, teardown: s.teardown };
  }

  async function problems(file: string, tamper: (db: Database.Database) => void): Promise<string[]> {
    const db = new Database(file);
    try {
      tamper(db);
    } finally {
      db.close();
    }
    const ledger = await openLedger(file);
    try {
      const v = await ledger.verify();
      expect(v.ok).toBe(v.uptime!.problems.length === 0);
      if (!v.ok) expect(v.broken!.reason).toBe(v.uptime!.problems[0]);
      return v.uptime!.problems;
    } finally {
      await ledger.close();
    }
  }

  const shopIds = (db: Database.Database) => db.prepare("select id from probe_results where probe = 'shop' order by id").pluck().all() as number[];

  it.each([
    {
      name: 'an edited result (a failure made a success)',
      tamper: (db: Database.Database) => db.prepare("update probe_results set ok = 1, error = null, status = 200 where id = ?").run(shopIds(db)[3]),
      expect: [/^probe shop: row \d+ does not follow its chain: it was edited/],
    },
    {
      name: 'a deleted result in the middle',
      tamper: (db: Database.Database) => db.prepare('delete from probe_results where id = ?').run(shopIds(db)[2]),
      expect: [/^probe shop: row \d+ does not follow its chain/],
    },
    {
      name: 'two results swapped',
      tamper: (db: Database.Database) => {
        const [, x, y] = shopIds(db);
        const row = (id: number) => db.prepare('select at, ok, status, error, hash from probe_results where id = ?').get(id) as Record<string, unknown>;
        const rx = row(x!);
        const ry = row(y!);
        const set = db.prepare('update probe_results set at = @at, ok = @ok, status = @status, error = @error, hash = @hash where id = @id');
        set.run({ ...ry, id: x });
        set.run({ ...rx, id: y });
      },
      expect: [/^probe shop: row \d+ does not follow its chain/],
    },
    {
      name: 'the newest results deleted (the anchored head gone)',
      tamper: (db: Database.Database) => db.prepare("delete from probe_results where id >= ? and probe = 'shop'").run(shopIds(db)[4]),
      expect: [/^probe shop: row \d+, the head event #\d+ anchored, is missing: rows were deleted outside vigil/],
    },
    {
      name: 'a result edited and every hash after it recomputed',
      tamper: (db: Database.Database) => {
        const rows = db.prepare("select * from probe_results where probe = 'shop' order by id").all() as Record<string, unknown>[];
        let prev = '0'.repeat(64);
        for (const [i, r] of rows.entries()) {
          const ok = i === 3 ? 1 : Number(r.ok);
          const res: ProbeResult = { probe: 'shop', url: String(r.url), at: String(r.at), ok: ok === 1, status: ok ? 200 : 503, latencyMs: Number(r.latency_ms), error: ok ? null : String(r.error), tlsDaysLeft: Number(r.tls_days_left) };
          prev = createHash('sha256').update(prev + canonicalJson(res)).digest('hex');
          db.prepare('update probe_results set ok = ?, status = ?, error = ?, hash = ? where id = ?').run(ok, res.status, res.error, prev, r.id);
        }
      },
      expect: [/^probe shop: row \d+ differs from the head event #\d+ anchored: the rows up to it were rewritten outside vigil/],
    },
    {
      name: 'every result of a probe deleted',
      tamper: (db: Database.Database) => db.prepare("delete from probe_results where probe = 'api'").run(),
      expect: [/^probe api: row \d+, the head event #\d+ anchored, is missing/],
    },
  ])('names $name', async ({ tamper, expect: want }) => {
    const { file, teardown } = await fresh();
    try {
      expect(await problems(file, () => undefined)).toEqual([]);
      const found = await problems(file, tamper);
      expect(found.length).toBeGreaterThan(0);
      for (const [i, re] of want.entries()) expect(found[i]).toMatch(re);
      // the other probe's chain is not blamed
      const other = want[0]!.source.includes('api') ? 'shop' : 'api';
      expect(found.some((p) => p.startsWith(`probe ${other}:`))).toBe(false);
    } finally {
      await teardown();
    }
  });

  it('fails `vigil ledger verify` (exit 1) naming the row', async () => {
    const { file, teardown } = await fresh();
    try {
      expect(vigil(['ledger', 'verify', '--ledger', file], { cwd: tmpdir() }).code).toBe(0);
      const db = new Database(file);
      db.prepare("update probe_results set latency_ms = 1 where id = (select max(id) from probe_results where probe = 'api')").run();
      db.close();
      const r = vigil(['ledger', 'verify', '--ledger', file], { cwd: tmpdir() });
      expect(r.code).toBe(1);
      expect(r.stdout).toMatch(/ledger BROKEN: the event chain is intact \(\d+ events\) but probe api: row \d+ does not follow its chain/);
    } finally {
      await teardown();
    }
  });
});
