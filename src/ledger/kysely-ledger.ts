import { hash } from 'node:crypto';
import { sql, type Kysely, type Selectable } from 'kysely';
import type { Finding, FindingStatus, LedgerFinding } from '../model/finding.js';
import { formatLocation } from '../model/location.js';
import type { Run, RunResult, TargetedFinding } from '../model/run.js';
import { SEVERITIES, severityRank, type Severity } from '../model/severity.js';
import { KyselyAdvisoryStore } from '../advisories/store.js';
import { VigilError } from '../errors.js';
import { canonicalJson, eventHash } from './hash-chain.js';
import { pageDigest, stateFields } from './row-digest.js';
import type { EventShare, VerifyHelper } from './verify-digests.js';
import {
  FINDING_EVENT_TYPES,
  MATERIALISED_COLUMNS,
  applyFindingEvent,
  compareState,
  describeMismatch,
  idRanges,
  materialised,
  type MaterialisedRow,
  type ReplayedState,
  type StateMismatch,
} from './replay.js';
import type {
  FindingCount,
  FindingPage,
  FindingQuery,
  FindingRecord,
  IngestSummary,
  Ledger,
  LedgerEvent,
  TriageChange,
  VerifyResult,
} from './ledger.js';
import { getHeapSpaceStatistics, setFlagsFromString } from 'node:v8';
import { KyselyIncidents, incidentMismatch } from './incident-store.js';
import { KyselyKevStore } from './kev-store.js';
import { KyselyAuthStore } from './auth-store.js';
import { KyselyUptimeStore } from './uptime-store.js';
import { auditFacts, type AuditFacts } from './audit-facts.js';
import { toRun } from './run-row.js';
import { KyselyRunArtifacts, PiecewiseGzip, artifactDigests, keptAsChained, storedBytes, type ArtifactDigest, insertRunArtifacts, prepareRunArtifacts, preparedResults, resultMembers } from './run-artifacts.js';
import { countFindings, overviewFacts, type OverviewFacts } from './overview.js';
import { applyIncidentEvent, incidentIdOf, type IncidentRecord } from '../incidents/record.js';
import { recordKey } from './ledger.js';
import { FINDINGS_TEXT_PG, GENESIS_HASH } from './migrations.js';
import type { FindingsTable, LedgerDatabase } from './schema.js';
import { DEFAULT_SLA, slaDue, type SlaDays } from './sla.js';

type Db = Kysely<LedgerDatabase>;

/** Rows per multi-row statement: under SQLite's 32,766 and PostgreSQL's 65,535 bind parameters. */
const CHUNK = 1000;
/** Findings an ingest must add, reopen or fix before PostgreSQL's statistics are refreshed (see ingest). */
const ANALYZE_AFTER_CHANGES = 10_000;

/**
 * Verify holds a million replayed states while it streams a million rows through: with V8's
 * default 16 MB semi-space most page rows live through two scavenges and are promoted, and the
 * old-generation collections that follow cost ~15 % of the run (measured on 1M events). A 32 MB
 * ceiling lets them die young. Only the ceiling moves: the space grows to it when it is used.
 */
function youngGenerationForVerify(): void {
  if (youngGenerationRaised) return;
  youngGenerationRaised = true;
  const current = getHeapSpaceStatistics().find((s) => s.space_name === 'new_space');
  // a process started with a larger --max-semi-space-size keeps it
  if (current && current.space_size >= 64 * 1024 * 1024) return;
  setFlagsFromString('--max-semi-space-size=32');
}
let youngGenerationRaised = false;

/** An event waiting to be chained and written. */
interface PendingEvent {
  type: string;
  runId: string | null;
  findingId: number | null;
  actor: string | null;
  data: unknown;
}

/** Store-specific parts: how to open a write transaction that serialises the hash chain. */
export interface StoreDriver {
  kind: 'sqlite' | 'postgres';
  description: string;
  writeTransaction<T>(db: Db, fn: (trx: Db) => Promise<T>): Promise<T>;
  /**
   * Insert many rows inside the current write transaction; with `returnIds`, the new rows'
   * generated ids in row order. The one hot path where the stores differ (see bulk.ts).
   */
  /** Every row of `table` as an array of `columns` values, in order of the integer column `key`, in pages. */
  readPages(table: 'events' | 'findings', columns: readonly string[], key: string): AsyncIterable<unknown[][]>;
  /** Digest every findings row on another thread, where the store can (see verify-digests.ts). */
  rowDigests?(events?: EventShare): VerifyHelper | undefined;
  /** The overview's facts from another thread (SQLite, whose queries block the thread that runs them); undefined when it cannot. */
  overview?(now: Date, days: number): Promise<OverviewFacts> | undefined;
  bulkInsert(trx: Db, table: string, columns: readonly string[], rows: readonly (readonly unknown[])[], returnIds: boolean): Promise<number[]>;
  close(): Promise<void>;
}

interface ExistingRow extends MaterialisedRow {
  fingerprint: string;
}

/** The ledger over Kysely: one code path for SQLite and PostgreSQL. */
export class KyselyLedger implements Ledger {
  readonly kind: 'sqlite' | 'postgres';
  readonly description: string;
  readonly advisories: KyselyAdvisoryStore;
  readonly incidents: KyselyIncidents;
  readonly kev: KyselyKevStore;
  readonly auth: KyselyAuthStore;
  readonly artifacts: KyselyRunArtifacts;
  readonly uptime: KyselyUptimeStore;

  constructor(
    private readonly db: Db,
    private readonly driver: StoreDriver,
    private readonly sla: SlaDays = DEFAULT_SLA,
  ) {
    this.kind = driver.kind;
    this.description = driver.description;
    this.advisories = new KyselyAdvisoryStore(db, driver);
    this.incidents = new KyselyIncidents(
      db,
      (fn) => driver.writeTransaction(db, fn),
      (trx, events, at) => this.appendEvents(trx, events, at),
    );
    this.kev = new KyselyKevStore(db, (fn) => driver.writeTransaction(db, fn), (trx, events, at) => this.appendEvents(trx, events, at));
    this.auth = new KyselyAuthStore(db, (fn) => driver.writeTransaction(db, fn), (trx, events, at) => this.appendEvents(trx, events, at));
    this.artifacts = new KyselyRunArtifacts(db);
    this.uptime = new KyselyUptimeStore(db, (fn) => driver.writeTransaction(db, fn), (trx, events, at) => this.appendEvents(trx, events, at));
  }

  async appendRecord(type: string, data: Record<string, unknown>, opts: { actor?: string | null; now?: Date } = {}): Promise<{ seq: number; hash: string; at: string }> {
    if (RESERVED_TYPE.test(type)) throw new VigilError('VIGIL_ERR_INTERNAL', `event type ${type} is written only by the ledger itself`);
    const now = (opts.now ?? new Date()).toISOString();
    return this.driver.writeTransaction(this.db, async (trx) => {
      const seq = await this.appendEvents(trx, [{ type, runId: null, findingId: null, actor: opts.actor ?? null, data }], now);
      const row = await trx.selectFrom('events').select('hash').where('seq', '=', seq).executeTakeFirstOrThrow();
      return { seq, hash: row.hash, at: now };
    });
  }

  auditFacts(period: { from: string; to: string }, opts: { appendixLimit: number }): Promise<AuditFacts> {
    return auditFacts(this.db, this.driver, period, opts);
  }

  async findingsByIds(ids: readonly number[]): Promise<LedgerFinding[]> {
    const out: LedgerFinding[] = [];
    for (let i = 0; i < ids.length; i += CHUNK) {
      const rows = await this.db.selectFrom('findings').selectAll().where('id', 'in', ids.slice(i, i + CHUNK)).execute();
      for (const r of rows) out.push(toLedgerFinding(r));
    }
    return out;
  }

  async eventAt(seq: number): Promise<LedgerEvent | undefined> {
    const row = await this.db.selectFrom('events').selectAll().where('seq', '=', seq).executeTakeFirst();
    return row ? toEvent(row) : undefined;
  }

  async eventsOfType(types: readonly string[], opts: { afterSeq?: number; limit?: number; newestFirst?: boolean } = {}): Promise<LedgerEvent[]> {
    if (types.length === 0) return [];
    let q = this.db.selectFrom('events').selectAll().where('type', 'in', [...types]);
    if (opts.afterSeq !== undefined) q = q.where('seq', '>', opts.afterSeq);
    const rows = await q
      .orderBy('seq', opts.newestFirst ? 'desc' : 'asc')
      .limit(opts.limit ?? 100_000)
      .execute();
    return rows.map(toEvent);
  }

  async ingest(result: RunResult, opts: { now?: Date } = {}): Promise<IngestSummary> {
    const now = (opts.now ?? new Date()).toISOString();
    const { run } = result;
    const summary: IngestSummary = {
      runId: run.id,
      new: 0,
      reopened: 0,
      fixed: 0,
      unchanged: 0,
      updated: 0,
      expiredAcceptances: 0,
      events: 0,
      records: new Map(),
    };
    // Group the run's findings by part; a fingerprint repeated within a part counts once.
    const byPart = new Map<string, Map<string, TargetedFinding>>();
    for (const p of run.parts) byPart.set(partKey(p.scanner, p.target), new Map());
    for (const f of result.findings) {
      const k = partKey(f.scanner, f.target);
      let m = byPart.get(k);
      if (!m) {
        m = new Map();
        byPart.set(k, m);
      }
      if (!m.has(f.fingerprint)) m.set(f.fingerprint, f);
    }
    const complete = run.status === 'complete';
    const completedParts = new Set(run.parts.filter((p) => p.status === 'complete').map((p) => partKey(p.scanner, p.target)));
    // Kept with the run (run-artifacts.ts): the parts' files, compressed from now on, off this thread;
    // and the findings as stored, each line written as its record is known, compressed as it goes.
    const partFiles = prepareRunArtifacts(result.artifacts);
    const results = new PiecewiseGzip();

    await this.driver.writeTransaction(this.db, async (trx) => {
      const events: PendingEvent[] = [];
      summary.expiredAcceptances = await this.expireIn(trx, now, events);
      // Written now, so the rows they reopened are read against them below.
      summary.events += events.length;
      await this.appendEvents(trx, events.splice(0), now);

      await trx
        .insertInto('runs')
        .values({
          id: run.id,
          trigger: run.trigger,
          started_at: run.startedAt,
          finished_at: run.finishedAt ?? now,
          status: run.status,
          parts: JSON.stringify(run.parts),
          summary: null,
        })
        .execute();

      const seenUnchanged: number[] = [];
      const dues = new Map<Severity, string | null>();
      const dueOf = (sev: Severity) => {
        if (!dues.has(sev)) dues.set(sev, slaDue(sev, now, this.sla));
        return dues.get(sev)!;
      };
      for (const [key, incoming] of byPart) {
        const [scanner, target] = splitPartKey(key);
        const existing = await this.loadPart(trx, target, scanner);
        // The gate reads these rows' status and acceptance: refuse to build on rows edited outside vigil.
        await this.checkRows(trx, existing, { lastSeen: false });
        const byFp = new Map<string, ExistingRow>();
        for (const r of existing) byFp.set(r.fingerprint, r);

        const inserts: { f: TargetedFinding; due: string | null; values: unknown[] }[] = [];
        const touched: number[] = [];
        // New findings go in as they are classified, in chunks, with their events: a large run's
        // rows and events are never all in memory at once.
        const flushNew = async () => {
          if (inserts.length === 0) return;
          const chunk = inserts.splice(0);
          const ids = await this.driver.bulkInsert(
            trx,
            'findings',
            FINDING_COLUMNS,
            chunk.map((c) => c.values),
            true,
          );
          for (const [j, { f, due, values }] of chunk.entries()) {
            const id = ids[j]!;
            events.push({
              type: 'finding.opened',
              runId: run.id,
              findingId: id,
              actor: null,
              data: { fingerprint: f.fingerprint, target: f.target, scanner: f.scanner, ruleId: f.ruleId, severity: f.severity, slaDue: due, dataHash: values[15] },
            });
            summary.records.set(recordKey(f.target, f.fingerprint), {
              id,
              status: 'open',
              firstSeen: now,
              slaDue: due,
              acceptance: null,
            });
            if (results.writeObjectWith(values[14] as string, resultMembers({ id, status: 'open', firstSeen: now, slaDue: due }))) await results.flush();
          }
          summary.new += chunk.length;
          if (events.length >= CHUNK) {
            summary.events += events.length;
            await this.appendEvents(trx, events.splice(0), now);
          }
        };
        for (const f of incoming.values()) {
          const data = findingJson(f);
          const hash = contentHash(data);
          const row = byFp.get(f.fingerprint);
          if (!row) {
            const due = dueOf(f.severity);
            inserts.push({
              f,
              due,
              // FINDING_COLUMNS order
              values: [
                f.target,
                f.fingerprint,
                f.scanner,
                f.ruleId,
                f.title,
                f.severity,
                severityRank(f.severity),
                'open',
                now,
                now,
                now,
                due,
                run.id,
                formatLocation(f.location),
                data,
                hash,
                null,
                null,
                null,
              ],
            });
            if (inserts.length >= CHUNK) await flushNew();
            continue;
          }
          byFp.delete(f.fingerprint);
          let status = row.status as FindingStatus;
          let due = row.sla_due;
          if (status === 'fixed') {
            // Seen again after being fixed: the SLA clock restarts from now.
            status = 'reopened';
            due = slaDue(f.severity, now, this.sla);
            events.push({
              type: 'finding.reopened',
              runId: run.id,
              findingId: row.id,
              actor: null,
              data: { fingerprint: f.fingerprint, target: f.target, from: 'fixed', severity: f.severity, slaDue: due, dataHash: hash },
            });
            summary.reopened++;
          } else if (row.severity !== f.severity) {
            due = slaDue(f.severity, row.first_seen, this.sla);
          }
          if (status !== row.status || row.data_hash !== hash) {
            await trx
              .updateTable('findings')
              .set({
                status,
                status_changed_at: status !== row.status ? now : undefined,
                title: f.title,
                severity: f.severity,
                severity_rank: severityRank(f.severity),
                rule_id: f.ruleId,
                location: formatLocation(f.location),
                data,
                data_hash: hash,
                sla_due: due,
                last_seen: now,
                last_run_id: run.id,
              })
              .where('id', '=', row.id)
              .execute();
            // Every rewrite of the row is an event, so the chain covers what the row now holds.
            if (status === row.status) {
              events.push(
                row.severity !== f.severity
                  ? { type: 'finding.severity_changed', runId: run.id, findingId: row.id, actor: null, data: { from: row.severity, to: f.severity, slaDue: due, dataHash: hash } }
                  : { type: 'finding.updated', runId: run.id, findingId: row.id, actor: null, data: { dataHash: hash } },
              );
              summary.updated++;
            }
          } else {
            touched.push(row.id);
            summary.unchanged++;
          }
          summary.records.set(recordKey(f.target, f.fingerprint), {
            id: row.id,
            status,
            firstSeen: row.first_seen,
            slaDue: due,
            acceptance: acceptanceOf(row),
            ...(status === 'reopened' && row.status === 'fixed' ? { reopenedNow: true } : {}),
          });
          if (results.writeObjectWith(data, resultMembers({ id: row.id, status, firstSeen: row.first_seen, slaDue: due }))) await results.flush();
        }

        for (const id of touched) seenUnchanged.push(id);
        for (let i = 0; i < touched.length; i += CHUNK) {
          await trx
            .updateTable('findings')
            .set({ last_seen: now, last_run_id: run.id })
            .where('id', 'in', touched.slice(i, i + CHUNK))
            .execute();
        }

        await flushNew();

        // Absent from a complete run of this scanner on this target: fixed. A partial run proves nothing.
        if (complete && completedParts.has(key)) {
          const gone = [...byFp.values()].filter((r) => r.status !== 'fixed' && r.status !== 'false_positive');
          for (let i = 0; i < gone.length; i += CHUNK) {
            const chunk = gone.slice(i, i + CHUNK);
            await trx
              .updateTable('findings')
              .set({ status: 'fixed', status_changed_at: now })
              .where('id', 'in', chunk.map((r) => r.id))
              .execute();
            for (const r of chunk) {
              events.push({
                type: 'finding.fixed',
                runId: run.id,
                findingId: r.id,
                actor: null,
                data: { fingerprint: r.fingerprint, target, from: r.status },
              });
            }
          }
          summary.fixed += gone.length;
        }
      }

      const artifacts = [preparedResults(await results.end()), ...(await Promise.all(partFiles))];
      await insertRunArtifacts(trx, run.id, artifacts, now);

      const counts = {
        new: summary.new,
        reopened: summary.reopened,
        fixed: summary.fixed,
        unchanged: summary.unchanged,
        updated: summary.updated,
      };
      await trx.updateTable('runs').set({ summary: JSON.stringify(counts) }).where('id', '=', run.id).execute();
      events.push({
        type: 'run.finished',
        runId: run.id,
        findingId: null,
        actor: null,
        data: {
          trigger: run.trigger,
          status: run.status,
          startedAt: run.startedAt,
          finishedAt: run.finishedAt,
          parts: run.parts.map((p) => ({ scanner: p.scanner, target: p.target, status: p.status, error: p.error, findings: p.findings, ...(p.notes?.length ? { notes: p.notes } : {}) })),
          counts,
          // Findings seen again unchanged get no event of their own; their last_seen moves with this one.
          seen: idRanges(seenUnchanged),
          // what a report of this run is made from: `ledger.artifacts` checks the files against this
          artifacts: artifactDigests(artifacts),
        },
      });
      summary.events += events.length;
      await this.appendEvents(trx, events, now);
    });
    // PostgreSQL plans from statistics its autovacuum refreshes only now and then: after a large
    // ingest, stale ones (a table thought nearly empty) make a filtered listing sort every match
    // instead of walking an index (300 ms rather than 15 ms at 300,000 findings). Refreshed here.
    if (this.kind === 'postgres' && summary.new + summary.reopened + summary.fixed >= ANALYZE_AFTER_CHANGES) {
      await sql`analyze findings`.execute(this.db);
    }
    return summary;
  }

  async listFindings(q: FindingQuery = {}): Promise<FindingPage> {
    const limit = Math.min(Math.max(q.limit ?? 50, 1), 10_000);
    const after = q.cursor === undefined ? undefined : decodeCursor(q.cursor);
    let query = this.db.selectFrom('findings').selectAll();
    let count = this.db.selectFrom('findings').select((eb) => eb.fn.countAll<number | string>().as('n'));
    const filters: ((qb: any) => any)[] = []; // eslint-disable-line @typescript-eslint/no-explicit-any -- shared by two builder types
    if (q.status?.length) filters.push((qb) => qb.where('status', 'in', q.status));
    if (q.severity?.length) filters.push((qb) => qb.where('severity_rank', 'in', q.severity!.map(severityRank)));
    if (q.target) filters.push((qb) => qb.where('target', '=', q.target));
    if (q.scanner) filters.push((qb) => qb.where('scanner', '=', q.scanner));
    if (q.ruleId) filters.push((qb) => qb.where('rule_id', '=', q.ruleId));
    const like = q.text ? `%${q.text.replace(/[\\%_]/g, (c) => `\\${c}`)}%` : undefined;
    if (like && this.kind === 'postgres' && !q.text!.includes('\u001f')) {
      // one case-insensitive match over the three columns as migration 0009's trigram index holds them (joined
      // by U+001F, which the search does not hold, so no match spans two columns): case-insensitive as on SQLite
      filters.push((qb) => qb.where(sql<boolean>`(${sql.raw(FINDINGS_TEXT_PG)}) ilike ${like} escape '\\'`));
    } else if (like) {
      filters.push((qb) =>
        qb.where((eb: any) => // eslint-disable-line @typescript-eslint/no-explicit-any -- see above
          eb.or([
            sql<boolean>`title like ${like} escape '\\'`,
            sql<boolean>`rule_id like ${like} escape '\\'`,
            sql<boolean>`location like ${like} escape '\\'`,
          ]),
        ),
      );
    }
    for (const f of filters) {
      query = f(query);
      count = f(count);
    }
    if (after) {
      // the rows after the cursor's in (severity_rank desc, id desc) order: the listing's own index serves it
      query = query.where((eb) =>
        eb.or([eb('severity_rank', '<', after.rank), eb.and([eb('severity_rank', '=', after.rank), eb('id', '<', after.id)])]),
      );
    }
    const offset = after ? 0 : q.offset ?? 0;
    const byIds = q.text !== undefined && this.kind === 'sqlite';
    if (byIds) {
      // A text search reads many rows to keep a few. The page's ids are found first, in the same
      // order: the findings_status_sev_text index holds the searched columns, so no row is read
      // until the page's own (at 1M findings, 5–10× faster; same rows, same order). PostgreSQL has
      // no such index (see migration 0006) and plans the plain query better.
      const page = query.clearSelect().select('id').orderBy('severity_rank', 'desc').orderBy('id', 'desc').limit(limit + 1).offset(offset);
      query = this.db.selectFrom('findings').selectAll().where('id', 'in', page);
    }
    // one row more than asked says whether there is a next page
    const rows = await query
      .orderBy('severity_rank', 'desc')
      .orderBy('id', 'desc')
      .limit(limit + 1)
      .offset(byIds ? 0 : offset)
      .execute();
    const more = rows.length > limit;
    if (more) rows.pop();
    const last = rows[rows.length - 1];
    const page: FindingPage = {
      findings: rows.map(toLedgerFinding),
      next: more && last ? encodeCursor(Number(last.severity_rank), Number(last.id)) : null,
    };
    if (q.withTotal) {
      const r = await count.executeTakeFirst();
      page.total = Number(r?.n ?? 0);
    }
    return page;
  }

  overview(now: Date, days: number): Promise<OverviewFacts> {
    // SQLite answers on a thread of its own when it can: the scan would hold this thread's event loop
    return this.driver.overview?.(now, days) ?? overviewFacts(this.db, now, days);
  }

  async findingCounts(q: { lastRunId?: string } = {}): Promise<FindingCount[]> {
    if (q.lastRunId === undefined) return countFindings(this.db);
    let query = this.db
      .selectFrom('findings')
      .select((eb) => ['severity', 'status', eb.fn.countAll<number | string>().as('n')])
      .groupBy(['severity', 'status']);
    if (q.lastRunId !== undefined) query = query.where('last_run_id', '=', q.lastRunId);
    const rows = await query.orderBy('severity').orderBy('status').execute();
    return rows.map((r) => ({ severity: r.severity as Severity, status: r.status as FindingStatus, count: Number(r.n) }));
  }

  async getFinding(id: number): Promise<LedgerFinding | undefined> {
    const row = await this.db.selectFrom('findings').selectAll().where('id', '=', id).executeTakeFirst();
    return row ? toLedgerFinding(row) : undefined;
  }

  async findingEvents(id: number): Promise<LedgerEvent[]> {
    const rows = await this.db.selectFrom('events').selectAll().where('finding_id', '=', id).orderBy('seq').execute();
    return rows.map(toEvent);
  }

  async triage(id: number, change: TriageChange, opts: { now?: Date } = {}): Promise<LedgerFinding> {
    const now = (opts.now ?? new Date()).toISOString();
    validateTriage(change, now);
    return this.driver.writeTransaction(this.db, async (trx) => {
      const row = await trx.selectFrom('findings').selectAll().where('id', '=', id).executeTakeFirst();
      if (!row) throw new VigilError('VIGIL_ERR_FINDING_NOT_FOUND', `no finding with id ${id}`);
      await this.checkRows(trx, [{ ...row, id: Number(row.id) }], { lastSeen: false });
      if (row.status === 'fixed' && change.status !== 'false_positive') {
        throw new VigilError(
          'VIGIL_ERR_TRIAGE_INVALID',
          `finding ${id} is fixed; it reopens by itself when a scan sees it again`,
        );
      }
      const accepted = change.status === 'accepted';
      const expires = accepted && change.expires ? new Date(change.expires).toISOString() : null;
      await trx
        .updateTable('findings')
        .set({
          status: change.status,
          status_changed_at: now,
          accept_justification: change.status === 'accepted' || change.status === 'false_positive' ? change.justification ?? null : null,
          accept_approver: accepted ? change.approver ?? null : null,
          accept_expires: expires,
        })
        .where('id', '=', id)
        .execute();
      await this.appendEvents(
        trx,
        [
          {
            type: 'finding.triaged',
            runId: null,
            findingId: id,
            actor: change.actor,
            data: {
              from: row.status,
              to: change.status,
              justification: change.justification ?? null,
              approver: accepted ? change.approver ?? null : null,
              expires,
              note: change.note ?? null,
            },
          },
        ],
        now,
      );
      const updated = await trx.selectFrom('findings').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
      return toLedgerFinding(updated);
    });
  }

  async expireAcceptances(at: Date = new Date()): Promise<number> {
    const now = at.toISOString();
    // Cheap check first, so read-only commands do not take the write lock for nothing.
    const due = await this.db
      .selectFrom('findings')
      .select('id')
      .where('status', '=', 'accepted')
      .where('accept_expires', 'is not', null)
      .where('accept_expires', '<=', now)
      .limit(1)
      .execute();
    if (due.length === 0) return 0;
    return this.driver.writeTransaction(this.db, async (trx) => {
      const events: PendingEvent[] = [];
      const n = await this.expireIn(trx, now, events);
      await this.appendEvents(trx, events, now);
      return n;
    });
  }

  async listRuns(opts: { trigger?: string; limit?: number } = {}): Promise<Run[]> {
    let q = this.db.selectFrom('runs').selectAll();
    if (opts.trigger) q = q.where('trigger', '=', opts.trigger);
    const rows = await q.orderBy('started_at', 'desc').limit(opts.limit ?? 20).execute();
    return rows.map(toRun);
  }

  async getRun(id: string): Promise<Run | undefined> {
    const row = await this.db.selectFrom('runs').selectAll().where('id', '=', id).executeTakeFirst();
    return row ? toRun(row) : undefined;
  }

  async lastRun(triggers: string[]): Promise<Run | undefined> {
    if (triggers.length === 0) return undefined;
    const row = await this.db
      .selectFrom('runs')
      .selectAll()
      .where('trigger', 'in', triggers)
      .orderBy('started_at', 'desc')
      .limit(1)
      .executeTakeFirst();
    return row ? toRun(row) : undefined;
  }

  async head(): Promise<{ seq: number; hash: string }> {
    const h = await this.db.selectFrom('ledger_head').select(['seq', 'hash']).where('id', '=', 1).executeTakeFirstOrThrow();
    return { seq: Number(h.seq), hash: h.hash };
  }

  async verify(opts: { onProgress?: (checked: number) => void } = {}): Promise<VerifyResult> {
    youngGenerationForVerify();
    // The findings table is read and digested on a second thread while this one walks the chain;
    // that thread then hashes the later part of the chain, which this one only links.
    const start = await this.head();
    const mine = Math.floor(start.seq * MAIN_THREAD_HASHES);
    const digests = this.driver.rowDigests?.(start.seq > mine ? { after: mine, upTo: start.seq } : undefined);
    const share = digests?.events ? { after: mine, upTo: start.seq } : undefined;
    let chain: Awaited<ReturnType<KyselyLedger['verifyChain']>>;
    try {
      chain = await this.verifyChain(opts, share);
      // the second thread's share: an event there whose hash is wrong breaks the chain, unless an earlier break was found here
      if (share && (chain.ok || chain.broken!.seq! > share.after)) {
        const e = await digests!.events!;
        if (e.firstEdited !== null && (chain.ok || e.firstEdited < chain.broken!.seq!)) {
          chain = { ok: false, events: e.firstEdited - 1, headHash: e.prevHash!, broken: { seq: e.firstEdited, reason: EDITED } };
        }
      }
    } catch (e) {
      digests?.stop();
      throw e;
    }
    if (!chain.ok) {
      digests?.stop();
      return chain;
    }
    // The chain is intact: now hold the findings table to what its events say.
    const replay = chain.replay!;
    delete chain.replay;
    const mismatches: StateMismatch[] = [...replay.problems];
    let total = replay.problems.length;
    const note = (m: StateMismatch) => {
      total++;
      if (mismatches.length < MAX_REPORTED) mismatches.push(m);
    };
    const noEvents = (id: number): StateMismatch => ({ findingId: id, field: 'events', stored: 'a row', expected: 'no finding.opened event: the row was inserted outside vigil' });
    const compareRow = (r: readonly unknown[], state: ReplayedState) => {
      const row = materialised(r);
      for (const m of compareState(row, state)) note(m);
      if (contentHash(r[MATERIALISED_COLUMNS.length] as string) !== row.data_hash) {
        note({ findingId: row.id, field: 'data', stored: 'edited', expected: `content whose SHA-1 is ${row.data_hash}` });
      }
    };
    let rows = 0;
    if (digests) {
      // The rows of a page whose digest differs from its replayed states' are read again here and named field by field.
      const d = await digests.result;
      rows = d.rows;
      const suspects = new Map<number, ReplayedState>();
      for (const { ids, digest } of d.pages) {
        // the page's rows that have events, with their states (a row without is noted, not compared)
        const withState: [number, ReplayedState][] = [];
        const fields: (string | number | null)[][] = [];
        let alike = true;
        for (const id of ids) {
          const state = replay.states.get(id);
          if (!state) {
            note(noEvents(id));
            alike = false;
            continue;
          }
          replay.states.delete(id);
          withState.push([id, state]);
          const f = stateFields(state, rankOf);
          if (f) fields.push(f);
          else alike = false;
        }
        if (alike && pageDigest(fields) === digest) continue;
        for (const [id, state] of withState) suspects.set(id, state);
      }
      const ids = [...suspects.keys()];
      for (let i = 0; i < ids.length; i += CHUNK) {
        const found = await this.db
          .selectFrom('findings')
          .select([...MATERIALISED_COLUMNS, 'data'])
          .where('id', 'in', ids.slice(i, i + CHUNK))
          .orderBy('id')
          .execute();
        for (const f of found) compareRow([...MATERIALISED_COLUMNS, 'data'].map((c) => f[c as keyof typeof f]), suspects.get(Number(f.id))!);
      }
    } else {
      for await (const page of this.driver.readPages('findings', [...MATERIALISED_COLUMNS, 'data'], 'id')) {
        for (const r of page) {
          rows++;
          const id = Number(r[0]);
          const state = replay.states.get(id);
          if (!state) {
            note(noEvents(id));
            continue;
          }
          replay.states.delete(id);
          compareRow(r, state);
        }
      }
    }
    for (const id of replay.states.keys()) {
      note({ findingId: id, field: 'row', stored: 'missing', expected: 'a row: its events exist, so it was deleted outside vigil' });
    }
    const findings = { checked: rows, mismatches, total };
    const incidents = await this.verifyIncidents(replay);
    const artifacts = await this.verifyArtifacts();
    const uptime = await this.uptime.verify();
    if (total === 0) {
      const other = [...incidents.problems, ...artifacts.problems, ...uptime.problems];
      if (other.length === 0) return { ...chain, findings, incidents, artifacts, uptime };
      return { ...chain, ok: false, findings, incidents, artifacts, uptime, broken: { seq: null, reason: other[0]! } };
    }
    const first = mismatches[0]!;
    return {
      ...chain,
      ok: false,
      findings,
      broken: { seq: null, findingId: first.findingId, field: first.field, reason: describeMismatch(first) },
    };
  }

  /**
   * Hold every file kept with a run (migration 0007) to the digests its run.finished event chained:
   * a file edited, added or deleted outside vigil is named. Read a run at a time.
   */
  private async verifyArtifacts(): Promise<{ checked: number; problems: string[] }> {
    const problems: string[] = [];
    let checked = 0;
    const expected = new Map<string, Map<string, ArtifactDigest>>();
    // every run.finished event, a page at a time (a ledger of minutely runs holds hundreds of thousands)
    for (let afterSeq = 0; ; ) {
      const page = await this.eventsOfType(['run.finished'], { afterSeq, limit: 10_000 });
      for (const e of page) {
        const list = (e.data as { artifacts?: ArtifactDigest[] }).artifacts;
        if (e.runId && list?.length) expected.set(e.runId, new Map(list.map((a) => [`${a.kind}\u0000${a.target}`, a])));
      }
      if (page.length < 10_000) break;
      afterSeq = page[page.length - 1]!.seq;
    }
    const name = (runId: string, kind: string, target: string) => `run ${runId}: its ${kind}${target ? ` of ${target}` : ''}`;
    const runIds = await this.db.selectFrom('run_artifacts').select('run_id').distinct().execute();
    for (const { run_id: runId } of runIds) {
      const want = expected.get(runId);
      const rows = await this.db.selectFrom('run_artifacts').select(['kind', 'target', 'sha256', 'size', 'content']).where('run_id', '=', runId).execute();
      for (const r of rows) {
        checked++;
        const key = `${r.kind}\u0000${r.target}`;
        const digest = want?.get(key);
        want?.delete(key);
        if (!digest) problems.push(`${name(runId, r.kind, r.target)} is not in its run.finished event: it was added outside vigil`);
        else if (!keptAsChained({ sha256: r.sha256, size: r.size, content: storedBytes(r.content) }, digest)) {
          problems.push(`${name(runId, r.kind, r.target)} differs from the digest its run.finished event chained: it was edited outside vigil`);
        }
      }
      if (!want?.size) expected.delete(runId);
    }
    for (const [runId, left] of expected) {
      for (const key of left.keys()) {
        const [kind, target] = key.split('\u0000') as [string, string];
        problems.push(`${name(runId, kind, target)} is missing: its run.finished event chained it, so it was deleted outside vigil`);
      }
    }
    return { checked, problems };
  }

  /** Hold every incident row to the record its events make. */
  private async verifyIncidents(replay: Replay): Promise<{ checked: number; problems: string[] }> {
    const problems = [...replay.incidentProblems];
    let checked = 0;
    const rows = await this.db.selectFrom('incidents').selectAll().orderBy('id').execute();
    for (const row of rows) {
      checked++;
      const id = Number(row.id);
      const rec = replay.incidents.get(id);
      replay.incidents.delete(id);
      const why = rec ? incidentMismatch(row, rec) : 'it has no incident.opened event: the row was inserted outside vigil';
      if (why && problems.length < MAX_REPORTED) problems.push(`incident ${id}: ${why}`);
    }
    for (const id of replay.incidents.keys()) {
      if (problems.length < MAX_REPORTED) problems.push(`incident ${id}: its events exist but its row does not: it was deleted outside vigil`);
    }
    return { checked, problems };
  }

  /** Recompute every event's hash in order, replaying the findings' states as it goes. */
  private async verifyChain(opts: { onProgress?: (checked: number) => void }, share?: EventShare): Promise<VerifyResult & { replay?: Replay }> {
    const after = share?.after ?? Number.POSITIVE_INFINITY;
    const upTo = share?.upTo ?? Number.NEGATIVE_INFINITY;
    let prev = GENESIS_HASH;
    let expectSeq = 1;
    let checked = 0;
    const replay: Replay = { states: new Map(), problems: [], incidents: new Map(), incidentProblems: [] };
    const findingTypes: ReadonlySet<string> = new Set(FINDING_EVENT_TYPES);
    // Rows come as arrays in EVENT_COLUMNS order, in seq order, a page at a time: constant memory,
    // and no per-row objects for a million events.
    for await (const rows of this.driver.readPages('events', EVENT_COLUMNS, 'seq')) {
      for (const r of rows) {
        const seq = Number(r[0]);
        if (seq !== expectSeq) {
          return { ok: false, events: checked, headHash: prev, broken: { seq: expectSeq, reason: `event ${expectSeq} is missing (next is ${seq})` } };
        }
        if (r[7] !== prev) {
          return { ok: false, events: checked, headHash: prev, broken: { seq, reason: 'prev_hash does not match the previous event: events were deleted or reordered' } };
        }
        const type = r[2] as string;
        const at = r[1] as string;
        const findingId = r[4] === null ? null : Number(r[4]);
        const data = r[6] as string;
        let h: string;
        // an event of the second thread's share is hashed there, against the prev_hash just checked
        if (seq > after && seq <= upTo) h = r[8] as string;
        else {
          h = eventHash({ seq, at, type, runId: r[3] as string | null, findingId, actor: r[5] as string | null, data, prevHash: prev });
          if (h !== r[8]) return { ok: false, events: checked, headHash: prev, broken: { seq, reason: EDITED } };
        }
        if (findingId !== null && findingTypes.has(type)) {
          const next = applyFindingEvent(replay.states.get(findingId), type, at, JSON.parse(data) as Record<string, unknown>);
          if (typeof next === 'string') {
            if (replay.problems.length < MAX_REPORTED) replay.problems.push({ findingId, field: 'events', stored: type, expected: `event ${seq}: ${next}` });
          } else replay.states.set(findingId, next);
        } else if (type.startsWith('incident.')) {
          const d = JSON.parse(data) as Record<string, unknown>;
          const id = incidentIdOf(d);
          const next = id === undefined ? 'no incident id in its data' : applyIncidentEvent(replay.incidents.get(id), { seq, at, type, actor: r[5] as string | null, data: d });
          if (typeof next === 'string') {
            if (replay.incidentProblems.length < MAX_REPORTED) replay.incidentProblems.push(`event ${seq} (${type}): ${next}`);
          } else replay.incidents.set(id!, next);
        } else if (type === 'run.finished') {
          const seen = (JSON.parse(data) as { seen?: [number, number][] }).seen ?? [];
          for (const [a, b] of seen) {
            for (let id = a; id <= b; id++) {
              const st = replay.states.get(id);
              if (st) st.lastSeen = at;
            }
          }
        }
        prev = h;
        expectSeq++;
        checked++;
      }
      opts.onProgress?.(checked);
    }
    const head = await this.head();
    if (head.seq !== checked || head.hash !== prev) {
      return {
        ok: false,
        events: checked,
        headHash: prev,
        broken: {
          seq: Math.min(head.seq, checked) + 1,
          reason: `the recorded head is event ${head.seq} (${head.hash.slice(0, 12)}…) but the chain ends at event ${checked}: events after it were deleted`,
        },
      };
    }
    return { ok: true, events: checked, headHash: prev, replay };
  }

  /**
   * Hold rows a write is about to build on to what their events say. A row edited outside vigil
   * (a status set by hand, an acceptance stretched) would otherwise silence the gate: refuse instead.
   * `last_seen` moves with run events that are not per finding, so it is left to `ledger verify`.
   */
  private async checkRows(trx: Db, rows: readonly MaterialisedRow[], opts: { lastSeen: boolean }): Promise<void> {
    const problems: StateMismatch[] = [];
    let total = 0;
    for (let i = 0; i < rows.length; i += CHUNK) {
      const chunk = rows.slice(i, i + CHUNK);
      const events = await trx
        .selectFrom('events')
        .select(['finding_id', 'seq', 'at', 'type', 'data'])
        .where('finding_id', 'in', chunk.map((r) => r.id))
        // SQLite: `+type` keeps the type filter off the index, so the plan is events_finding's. Without
        // statistics (a ledger never analysed) SQLite took events_type_seq and read every finding
        // event once per chunk: a re-ingest of 100,000 findings spent 3.5 of its 6 s here.
        .where(this.kind === 'sqlite' ? sql<string>`+type` : sql.ref<string>('type'), 'in', [...FINDING_EVENT_TYPES])
        .orderBy('finding_id')
        .orderBy('seq')
        .execute();
      const states = new Map<number, ReplayedState>();
      for (const e of events) {
        const id = Number(e.finding_id);
        const next = applyFindingEvent(states.get(id), e.type, e.at, JSON.parse(e.data) as Record<string, unknown>);
        if (typeof next !== 'string') states.set(id, next);
      }
      for (const row of chunk) {
        const state = states.get(row.id);
        const found: StateMismatch[] = state
          ? compareState(row, opts.lastSeen ? state : { ...state, lastSeen: undefined })
          : [{ findingId: row.id, field: 'events', stored: 'a row', expected: 'no finding.opened event: the row was inserted outside vigil' }];
        total += found.length;
        for (const m of found) if (problems.length < MAX_REPORTED) problems.push(m);
      }
    }
    if (total === 0) return;
    throw new VigilError(
      'VIGIL_ERR_LEDGER_TAMPERED',
      `the findings table disagrees with the ledger's event log, so nothing was recorded and no gate was applied: ` +
        `${describeMismatch(problems[0]!)}${total > 1 ? ` (and ${total - 1} more)` : ''}. ` +
        'Run `vigil ledger verify` for the whole list, and restore the ledger from a backup.',
    );
  }

  async close(): Promise<void> {
    await this.db.destroy();
    await this.driver.close();
  }

  private async loadPart(trx: Db, target: string, scanner: string): Promise<ExistingRow[]> {
    return trx
      .selectFrom('findings')
      .select(['fingerprint', ...MATERIALISED_COLUMNS])
      .where('target', '=', target)
      .where('scanner', '=', scanner)
      .execute()
      .then((rows) => rows.map((r) => ({ ...r, id: Number(r.id), severity_rank: Number(r.severity_rank) })));
  }

  /** Reopen expired acceptances inside a write transaction, queueing their events. */
  private async expireIn(trx: Db, now: string, events: PendingEvent[]): Promise<number> {
    const rows = await trx
      .selectFrom('findings')
      .select(['id', 'accept_expires', 'severity'])
      .where('status', '=', 'accepted')
      .where('accept_expires', 'is not', null)
      .where('accept_expires', '<=', now)
      .execute();
    for (const r of rows) {
      const due = slaDue(r.severity as Severity, now, this.sla);
      await trx.updateTable('findings').set({ status: 'reopened', status_changed_at: now, sla_due: due }).where('id', '=', r.id).execute();
      events.push({
        type: 'finding.acceptance_expired',
        runId: null,
        findingId: Number(r.id),
        actor: null,
        data: { expired: r.accept_expires, slaDue: due },
      });
    }
    return rows.length;
  }

  /** Chain and write events, then move the head — all inside the caller's write transaction. */
  private async appendEvents(trx: Db, pending: PendingEvent[], at: string): Promise<number> {
    if (pending.length === 0) return 0;
    const head = await trx.selectFrom('ledger_head').select(['seq', 'hash']).where('id', '=', 1).executeTakeFirstOrThrow();
    let seq = Number(head.seq);
    const first = seq + 1;
    let prev = head.hash;
    // EVENT_COLUMNS order
    const rows = pending.map((e) => {
      seq++;
      const data = canonicalJson(e.data);
      const hash = eventHash({ seq, at, type: e.type, runId: e.runId, findingId: e.findingId, actor: e.actor, data, prevHash: prev });
      const row = [seq, at, e.type, e.runId, e.findingId, e.actor, data, prev, hash];
      prev = hash;
      return row;
    });
    for (let i = 0; i < rows.length; i += CHUNK) {
      await this.driver.bulkInsert(trx, 'events', EVENT_COLUMNS, rows.slice(i, i + CHUNK), false);
    }
    await trx.updateTable('ledger_head').set({ seq, hash: prev }).where('id', '=', 1).execute();
    return first;
  }
}

const FINDING_COLUMNS = [
  'target',
  'fingerprint',
  'scanner',
  'rule_id',
  'title',
  'severity',
  'severity_rank',
  'status',
  'first_seen',
  'last_seen',
  'status_changed_at',
  'sla_due',
  'last_run_id',
  'location',
  'data',
  'data_hash',
  'accept_justification',
  'accept_approver',
  'accept_expires',
] as const satisfies readonly (keyof Omit<FindingsTable, 'id'>)[];

/** The share of the chain the main thread hashes while the second thread digests the findings; it hashes the rest after (balanced on 1M events, measured). */
const MAIN_THREAD_HASHES = 0.5;
const EDITED = 'hash does not match the content: the event was edited';

/** Event types only the ledger's own methods write: findings', incidents', runs', upgrades', users', tokens' and uptime anchors. */
const RESERVED_TYPE = /^(finding|incident|run|ledger|kev|user|token|uptime)\./;

/** A findings cursor: base64url of `v1.<severity rank>.<id>` — opaque to clients, checked when it comes back. */
function encodeCursor(rank: number, id: number): string {
  return Buffer.from(`v1.${rank}.${id}`, 'utf8').toString('base64url');
}

function decodeCursor(cursor: string): { rank: number; id: number } {
  const m = /^v1\.([0-4])\.([1-9][0-9]{0,14})$/.exec(/^[A-Za-z0-9_-]{1,64}$/.test(cursor) ? Buffer.from(cursor, 'base64url').toString('utf8') : '');
  if (!m) throw new VigilError('VIGIL_ERR_CURSOR_INVALID', 'the cursor is not one vigil made: pass back the previous page\'s "next" unchanged');
  return { rank: Number(m[1]), id: Number(m[2]) };
}

const EVENT_COLUMNS = ['seq', 'at', 'type', 'run_id', 'finding_id', 'actor', 'data', 'prev_hash', 'hash'] as const;

/** Mismatches a result or an error names; the count goes on past it. */
const MAX_REPORTED = 100;

/** The findings' states as the events say, while the chain is read. */
interface Replay {
  states: Map<number, ReplayedState>;
  problems: StateMismatch[];
  incidents: Map<number, IncidentRecord>;
  incidentProblems: string[];
}

function rankOf(severity: string): number | undefined {
  return severity === 'critical' || severity === 'high' || severity === 'medium' || severity === 'low' || severity === 'info' ? severityRank(severity) : undefined;
}

function partKey(scanner: string, target: string): string {
  return `${scanner}\u0000${target}`;
}

function splitPartKey(k: string): [string, string] {
  const i = k.indexOf('\u0000');
  return [k.slice(0, i), k.slice(i + 1)];
}

/** Change detection only, not security: SHA-1 is three times faster than SHA-256 here. */
function contentHash(s: string): string {
  return hash('sha1', s);
}

/** The stored form of a finding, whole (target included), so its hash covers every field. */
function findingJson(f: TargetedFinding): string {
  return JSON.stringify(f);
}

function acceptanceOf(r: {
  accept_justification: string | null;
  accept_approver: string | null;
  accept_expires: string | null;
  status?: string;
}): FindingRecord['acceptance'] {
  if (!r.accept_justification && !r.accept_approver) return null;
  return { justification: r.accept_justification ?? '', approver: r.accept_approver ?? '', expires: r.accept_expires };
}

function toLedgerFinding(r: Selectable<FindingsTable>): LedgerFinding {
  const f = JSON.parse(r.data) as Finding;
  return {
    ...f,
    id: Number(r.id),
    target: r.target,
    status: r.status as FindingStatus,
    firstSeen: r.first_seen,
    lastSeen: r.last_seen,
    slaDue: r.sla_due,
    acceptance: acceptanceOf(r),
    lastRunId: r.last_run_id,
  };
}

function toEvent(r: Selectable<LedgerDatabase['events']>): LedgerEvent {
  return {
    seq: Number(r.seq),
    at: r.at,
    type: r.type,
    runId: r.run_id,
    findingId: r.finding_id === null ? null : Number(r.finding_id),
    actor: r.actor,
    data: JSON.parse(r.data) as unknown,
    hash: r.hash,
  };
}

function validateTriage(c: TriageChange, now: string): void {
  if (c.status === 'accepted') {
    if (!c.justification?.trim()) throw new VigilError('VIGIL_ERR_TRIAGE_INVALID', 'accepting a risk needs a justification');
    if (!c.approver?.trim()) throw new VigilError('VIGIL_ERR_TRIAGE_INVALID', 'accepting a risk needs an approver');
    if (c.expires) {
      const t = Date.parse(c.expires);
      if (Number.isNaN(t)) throw new VigilError('VIGIL_ERR_TRIAGE_INVALID', `expires is not a date: "${c.expires}"`);
      if (t <= Date.parse(now)) throw new VigilError('VIGIL_ERR_TRIAGE_INVALID', `expires ${c.expires} is in the past`);
    }
  } else if (c.status === 'false_positive') {
    if (!c.justification?.trim()) throw new VigilError('VIGIL_ERR_TRIAGE_INVALID', 'marking a false positive needs a justification');
  }
  if (c.status !== 'accepted' && (c.expires || c.approver)) {
    throw new VigilError('VIGIL_ERR_TRIAGE_INVALID', '--expires and --approver apply only to status accepted');
  }
}

