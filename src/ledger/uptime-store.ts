import { hash } from 'node:crypto';
import { sql, type Kysely, type Selectable } from 'kysely';
import { VigilError } from '../errors.js';
import { redactUrlCredentials } from '../util/redact.js';
import { canonicalJson } from './hash-chain.js';
import type { Append, WriteTransaction } from './incident-store.js';
import { GENESIS_HASH } from './migrations.js';
import type { LedgerDatabase, ProbeResultsTable } from './schema.js';

type Db = Kysely<LedgerDatabase>;

/** One probe of one health URL. */
export interface ProbeResult {
  /** The configured probe name. */
  probe: string;
  /** As configured, credentials redacted. */
  url: string;
  /** ISO time the probe started. */
  at: string;
  ok: boolean;
  /** HTTP status, null when no response. */
  status: number | null;
  latencyMs: number | null;
  /** Why it failed: 'status 503 (expected 200)', 'body lacks "ok"', 'TLS: certificate expired', 'timeout after 10 s', 'connection refused' */
  error: string | null;
  /** https only. */
  tlsDaysLeft: number | null;
}

export interface WindowAvailability {
  checks: number;
  up: number;
  availabilityPct: number | null;
  downMinutes: number;
}

export interface ProbeSummary {
  probe: string;
  url: string;
  last: ProbeResult | null;
  consecutiveFailures: number;
  windows: { '24h': WindowAvailability; '7d': WindowAvailability; '30d': WindowAvailability };
  /** The probe's SLO (default 99.9). */
  sloPct: number;
  /** 30d availability >= SLO; null with no checks. */
  sloMet: boolean | null;
}

export interface PeriodAvailability {
  probe: string;
  url: string;
  checks: number;
  up: number;
  availabilityPct: number | null;
  longestOutageMinutes: number;
  outages: number;
  sloPct: number | null;
  chainHead: string | null;
}

/** Every probe result of `vigil serve`'s uptime prober, each row chained per probe. */
export interface UptimeStore {
  /** Append results (each chained, see below); all or nothing. */
  record(results: readonly ProbeResult[]): Promise<void>;
  /** Every probe the ledger has results for, with its windows ending at `now`; slo by probe name (default 99.9). */
  summary(now: Date, slo?: ReadonlyMap<string, number>): Promise<ProbeSummary[]>;
  /** Availability per probe within a report period (ISO from/to). */
  period(period: { from: string; to: string }, slo?: ReadonlyMap<string, number>): Promise<PeriodAvailability[]>;
  /** A probe's results, newest first. */
  results(probe: string, opts?: { from?: string; to?: string; limit?: number }): Promise<ProbeResult[]>;
}

/** How a row's hash is made: SHA-256(previous row's hash of the same probe ‖ canonical JSON of the row). */
export function probeRowHash(prev: string, r: ProbeResult): string {
  return hash('sha256', prev + canonicalJson(r));
}

/** The default SLO (percent over 30 days). */
export const DEFAULT_SLO_PCT = 99.9;
/** A probe's chain head is anchored in the event chain at least this often (and at every up↔down change). */
export const ANCHOR_EVERY_MS = 3_600_000;
/** The interval assumed for downMinutes when a probe has fewer than two results. */
const DEFAULT_INTERVAL_MS = 60_000;
const HOUR = 3_600_000;
const WINDOWS = { '24h': 24 * HOUR, '7d': 7 * 24 * HOUR, '30d': 30 * 24 * HOUR } as const;
/** Rows per multi-row insert (9 columns: far under either store's bind-parameter limit). */
const CHUNK = 500;
/** Rows per page when verify walks the chains. */
const PAGE = 5_000;
const MAX_PROBLEMS = 100;
const MAX_RESULTS = 50_000;

type Row = Selectable<ProbeResultsTable>;

/** What `ledger verify` found of the probe chains. */
export interface UptimeVerify {
  /** Rows whose hash was recomputed. */
  checked: number;
  probes: number;
  /** uptime.anchor events held to their rows. */
  anchors: number;
  problems: string[];
}

/** The data of an uptime.anchor event: a probe's chain head at the time. */
export interface UptimeAnchor {
  probe: string;
  /** The id of the head row. */
  id: number;
  head: string;
  at: string;
  ok: boolean;
}

/** The uptime store over Kysely: the same code for SQLite and PostgreSQL. */
export class KyselyUptimeStore implements UptimeStore {
  /** When this process last anchored each probe's head (result time, ms): the first record after a start anchors. */
  private readonly anchoredAt = new Map<string, number>();

  constructor(
    private readonly db: Db,
    private readonly write: WriteTransaction,
    private readonly append: Append,
  ) {}

  async record(results: readonly ProbeResult[]): Promise<void> {
    if (results.length === 0) return;
    const byProbe = new Map<string, ProbeResult[]>();
    for (const r of results.map(normalise)) {
      const list = byProbe.get(r.probe);
      if (list) list.push(r);
      else byProbe.set(r.probe, [r]);
    }
    const anchored: [string, number][] = [];
    await this.write(async (trx) => {
      const anchors: UptimeAnchor[] = [];
      for (const [probe, list] of byProbe) {
        const last = await trx
          .selectFrom('probe_results')
          .select(['id', 'hash', 'ok'])
          .where('probe', '=', probe)
          .orderBy('id', 'desc')
          .limit(1)
          .executeTakeFirst();
        let prev = last?.hash ?? GENESIS_HASH;
        let prevOk: boolean | undefined = last ? Number(last.ok) === 1 : undefined;
        let changed = false;
        const rows = list.map((r) => {
          prev = probeRowHash(prev, r);
          if (prevOk !== r.ok) changed = true;
          prevOk = r.ok;
          return { probe, url: r.url, at: r.at, ok: r.ok ? 1 : 0, status: r.status, latency_ms: r.latencyMs, error: r.error, tls_days_left: r.tlsDaysLeft, hash: prev };
        });
        // in order, so ids follow the chain
        for (let i = 0; i < rows.length; i += CHUNK) await trx.insertInto('probe_results').values(rows.slice(i, i + CHUNK)).execute();
        const tail = list[list.length - 1]!;
        const lastAt = Date.parse(tail.at);
        const since = this.anchoredAt.get(probe);
        if (changed || since === undefined || lastAt - since >= ANCHOR_EVERY_MS || lastAt < since) {
          const head = await trx.selectFrom('probe_results').select(['id', 'hash']).where('probe', '=', probe).orderBy('id', 'desc').limit(1).executeTakeFirstOrThrow();
          anchors.push({ probe, id: Number(head.id), head: head.hash, at: tail.at, ok: tail.ok });
          anchored.push([probe, lastAt]);
        }
      }
      if (anchors.length) {
        await this.append(
          trx,
          anchors.map((a) => ({ type: 'uptime.anchor', runId: null, findingId: null, actor: null, data: a })),
          new Date().toISOString(),
        );
      }
    });
    // only once the transaction held
    for (const [probe, at] of anchored) this.anchoredAt.set(probe, at);
  }

  async summary(now: Date, slo?: ReadonlyMap<string, number>): Promise<ProbeSummary[]> {
    const to = now.toISOString();
    const since = (ms: number) => new Date(now.getTime() - ms).toISOString();
    const [d1, d7, d30] = [since(WINDOWS['24h']), since(WINDOWS['7d']), since(WINDOWS['30d'])];
    const probes = await this.probeNames();
    const out: ProbeSummary[] = [];
    for (const probe of probes) {
      const latest = await this.latestRows(probe, to, 10);
      if (latest.length === 0) continue; // every result of it is after `now`
      const interval = typicalInterval(latest);
      const window = async (from: string): Promise<WindowAvailability> => {
        const [checks, down] = await Promise.all([this.count(probe, from, to), this.count(probe, from, to, 0)]);
        const up = checks - down;
        return { checks, up, availabilityPct: checks ? (up / checks) * 100 : null, downMinutes: Math.round((down * interval) / 6_000) / 10 };
      };
      const w = { '24h': await window(d1), '7d': await window(d7), '30d': await window(d30) };
      const sloPct = slo?.get(probe) ?? DEFAULT_SLO_PCT;
      const pct = w['30d'].availabilityPct;
      const last = toResult(latest[0]!);
      out.push({
        probe,
        url: last.url,
        last,
        consecutiveFailures: await this.streak(probe, to),
        windows: w,
        sloPct,
        sloMet: pct === null ? null : pct >= sloPct,
      });
    }
    return out;
  }

  async period(period: { from: string; to: string }, slo?: ReadonlyMap<string, number>): Promise<PeriodAvailability[]> {
    const from = isoOf(period.from, 'from');
    const to = isoOf(period.to, 'to');
    const out: PeriodAvailability[] = [];
    for (const probe of await this.probeNames()) {
      // counts over index ranges, as in summary (the period is [from, to))
      const count = async (ok?: 0) => {
        let q = this.db.selectFrom('probe_results').select((eb) => eb.fn.countAll<number | string>().as('n')).where('probe', '=', probe);
        if (ok !== undefined) q = q.where('ok', '=', ok);
        return Number((await q.where('at', '>=', from).where('at', '<', to).executeTakeFirstOrThrow()).n);
      };
      const checks = await count();
      if (checks === 0) continue;
      const up = checks - (await count(0));
      const latest = await this.db
        .selectFrom('probe_results')
        .selectAll()
        .where('probe', '=', probe)
        .where('at', '>=', from)
        .where('at', '<', to)
        .orderBy('at', 'desc')
        .limit(10)
        .execute();
      const { outages, longestMs } = await this.outages(probe, from, to, latest);
      out.push({
        probe,
        url: latest[0]!.url,
        checks,
        up,
        availabilityPct: checks ? (up / checks) * 100 : null,
        longestOutageMinutes: Math.round(longestMs / 6_000) / 10,
        outages,
        // a probe the caller's map lacks is no longer configured: its SLO is not known
        sloPct: slo ? (slo.get(probe) ?? null) : DEFAULT_SLO_PCT,
        chainHead: latest[0]!.hash,
      });
    }
    return out;
  }

  async results(probe: string, opts: { from?: string; to?: string; limit?: number } = {}): Promise<ProbeResult[]> {
    let q = this.db.selectFrom('probe_results').selectAll().where('probe', '=', probe);
    if (opts.from !== undefined) q = q.where('at', '>=', isoOf(opts.from, 'from'));
    if (opts.to !== undefined) q = q.where('at', '<', isoOf(opts.to, 'to'));
    const limit = Math.max(1, Math.min(MAX_RESULTS, Math.floor(opts.limit ?? 1000)));
    const rows = await q.orderBy('at', 'desc').limit(limit).execute();
    return rows.map(toResult);
  }

  /**
   * Recompute every probe's chain and hold it to the heads its uptime.anchor events recorded: a
   * row edited, deleted, inserted or reordered outside vigil is named (at most 100 problems).
   */
  async verify(): Promise<UptimeVerify> {
    const problems: string[] = [];
    const note = (p: string) => {
      if (problems.length < MAX_PROBLEMS) problems.push(p);
    };
    // probe → anchored row id → [seq, head]
    const anchors = new Map<string, Map<number, { seq: number; head: string }>>();
    let anchorCount = 0;
    for (let after = 0; ; ) {
      const page = await this.db.selectFrom('events').select(['seq', 'data']).where('type', '=', 'uptime.anchor').where('seq', '>', after).orderBy('seq').limit(PAGE).execute();
      for (const e of page) {
        anchorCount++;
        const a = JSON.parse(e.data) as Partial<UptimeAnchor>;
        if (typeof a.probe !== 'string' || typeof a.id !== 'number' || typeof a.head !== 'string') {
          note(`event #${e.seq} (uptime.anchor) does not name a probe, row and head`);
          continue;
        }
        let m = anchors.get(a.probe);
        if (!m) anchors.set(a.probe, (m = new Map()));
        m.set(a.id, { seq: Number(e.seq), head: a.head });
      }
      if (page.length < PAGE) break;
      after = Number(page[page.length - 1]!.seq);
    }
    let checked = 0;
    const names = await this.probeNames();
    // each probe's chain in id order, a page at a time along its (probe, id) index entries
    for (const probe of names) {
      const pending = new Map(anchors.get(probe) ?? []);
      anchors.delete(probe);
      let prev = GENESIS_HASH;
      let broken = false;
      for (let after = 0; ; ) {
        const page = await this.db.selectFrom('probe_results').selectAll().where('probe', '=', probe).where('id', '>', after).orderBy('id').limit(PAGE).execute();
        for (const row of page) {
          checked++;
          const id = Number(row.id);
          const want = probeRowHash(prev, toResult(row));
          if (want !== row.hash && !broken) {
            note(`probe ${probe}: row ${id} does not follow its chain: it was edited, or a row before it deleted or moved, outside vigil`);
            // one break per stretch: the rows after are read against their stored hashes, so a second edit is named too
            broken = true;
          } else if (want === row.hash) broken = false;
          const a = pending.get(id);
          if (a) {
            pending.delete(id);
            if (a.head !== row.hash) note(`probe ${probe}: row ${id} differs from the head event #${a.seq} anchored: the rows up to it were rewritten outside vigil`);
          }
          prev = row.hash;
        }
        if (page.length < PAGE) break;
        after = Number(page[page.length - 1]!.id);
      }
      for (const [id, a] of pending) note(`probe ${probe}: row ${id}, the head event #${a.seq} anchored, is missing: rows were deleted outside vigil`);
    }
    const probes = names.length;
    for (const [probe, left] of anchors) {
      for (const [id, a] of left) note(`probe ${probe}: row ${id}, the head event #${a.seq} anchored, is missing: rows were deleted outside vigil`);
    }
    return { checked, probes, anchors: anchorCount, problems };
  }

  /**
   * Every probe with results, in name order: a loose index scan (each next name by one seek of the
   * (probe, id) index), never a walk of all its entries.
   */
  private async probeNames(): Promise<string[]> {
    const r = await sql<{ probe: string }>`
      with recursive p(probe) as (
        select min(probe) from probe_results
        union all
        select (select min(probe) from probe_results where probe > p.probe) from p where p.probe is not null
      )
      select probe from p where probe is not null`.execute(this.db);
    return r.rows.map((x) => x.probe);
  }

  /**
   * The probe's results in (from, to], or only those with `ok`: a count over a range of one index
   * ((probe, at) or (probe, ok, at)), so a probe's 43,200 results a month are counted, never read.
   */
  private async count(probe: string, from: string, to: string, ok?: 0 | 1): Promise<number> {
    let q = this.db
      .selectFrom('probe_results')
      .select((eb) => eb.fn.countAll<number | string>().as('n'))
      .where('probe', '=', probe);
    if (ok !== undefined) q = q.where('ok', '=', ok);
    const r = await q.where('at', '>', from).where('at', '<=', to).executeTakeFirstOrThrow();
    return Number(r.n);
  }

  /** The probe's latest rows at or before `to`, newest first. */
  private latestRows(probe: string, to: string, n: number): Promise<Row[]> {
    return this.db.selectFrom('probe_results').selectAll().where('probe', '=', probe).where('at', '<=', to).orderBy('at', 'desc').limit(n).execute();
  }

  /** Failed results since the probe's last success (at or before `to`): two seeks and one short range. */
  private async streak(probe: string, to: string): Promise<number> {
    const lastUp = await this.db
      .selectFrom('probe_results')
      .select((eb) => eb.fn.max('at').as('at'))
      .where('probe', '=', probe)
      .where('ok', '=', 1)
      .where('at', '<=', to)
      .executeTakeFirst();
    let q = this.db
      .selectFrom('probe_results')
      .select((eb) => eb.fn.countAll<number | string>().as('n'))
      .where('probe', '=', probe)
      .where('at', '<=', to);
    if (lastUp?.at) q = q.where('at', '>', lastUp.at);
    return Number((await q.executeTakeFirstOrThrow()).n);
  }

  /**
   * Outages in [from, to): runs of failed checks, each lasting from its first failure to the next
   * success (one still going at the period's last check lasts one interval past it). Read from the
   * (probe, ok, at) index: the failures' times, then one seek per outage for the success that ends
   * it, so a month of a probe that is mostly up costs a few reads, not 43,200.
   */
  private async outages(probe: string, from: string, to: string, latest: readonly Row[]): Promise<{ outages: number; longestMs: number }> {
    const fails = await this.db
      .selectFrom('probe_results')
      .select('at')
      .where('probe', '=', probe)
      .where('ok', '=', 0)
      .where('at', '>=', from)
      .where('at', '<', to)
      .orderBy('at')
      .execute();
    let outages = 0;
    let longestMs = 0;
    for (let i = 0; i < fails.length; ) {
      const start = fails[i]!.at;
      outages++;
      const next = await this.db
        .selectFrom('probe_results')
        .select((eb) => eb.fn.min('at').as('at'))
        .where('probe', '=', probe)
        .where('ok', '=', 1)
        .where('at', '>', start)
        .where('at', '<', to)
        .executeTakeFirst();
      const endAt = next?.at ? Date.parse(next.at) : Math.min(Date.parse(latest[0]!.at) + typicalInterval(latest), Date.parse(to));
      longestMs = Math.max(longestMs, endAt - Date.parse(start));
      if (!next?.at) break;
      while (i < fails.length && fails[i]!.at < next.at) i++;
    }
    return { outages, longestMs };
  }
}

/** The interval between a probe's checks: the smallest gap among its latest results (a restart's longer gap does not count). */
function typicalInterval(newestFirst: readonly Pick<Row, 'at'>[]): number {
  let best = Number.POSITIVE_INFINITY;
  for (let i = 1; i < newestFirst.length; i++) {
    const gap = Date.parse(newestFirst[i - 1]!.at) - Date.parse(newestFirst[i]!.at);
    if (gap > 0 && gap < best) best = gap;
  }
  return Number.isFinite(best) ? best : DEFAULT_INTERVAL_MS;
}

function toResult(r: Row): ProbeResult {
  return {
    probe: r.probe,
    url: r.url,
    at: r.at,
    ok: Number(r.ok) === 1,
    status: r.status === null ? null : Number(r.status),
    latencyMs: r.latency_ms === null ? null : Number(r.latency_ms),
    error: r.error,
    tlsDaysLeft: r.tls_days_left === null ? null : Number(r.tls_days_left),
  };
}

/** A result as stored (and hashed): time in UTC ISO form, so text order is time order; whole numbers. */
function normalise(r: ProbeResult): ProbeResult {
  if (typeof r.probe !== 'string' || r.probe.length === 0) throw new VigilError('VIGIL_ERR_INTERNAL', 'a probe result needs the probe\'s name');
  const int = (v: number | null, what: string) => {
    if (v === null || v === undefined) return null;
    if (!Number.isFinite(v)) throw new VigilError('VIGIL_ERR_INTERNAL', `probe ${r.probe}: ${what} is not a number`);
    return Math.floor(v);
  };
  return {
    probe: r.probe,
    url: redactUrlCredentials(String(r.url)),
    at: isoOf(r.at, 'at'),
    ok: r.ok === true,
    status: int(r.status, 'status'),
    latencyMs: int(r.latencyMs === null ? null : Math.round(r.latencyMs), 'latencyMs'),
    error: r.error === null || r.error === undefined ? null : String(r.error),
    tlsDaysLeft: int(r.tlsDaysLeft, 'tlsDaysLeft'),
  };
}

function isoOf(s: string, what: string): string {
  const t = Date.parse(s);
  if (Number.isNaN(t)) throw new VigilError('VIGIL_ERR_USAGE', `${what} "${s}" is not a time (give e.g. 2026-09-01T12:00:00Z)`);
  return new Date(t).toISOString();
}
