import type { Kysely, Selectable } from 'kysely';
import { VigilError } from '../errors.js';
import { actionEvent, type IncidentAction, type NewIncident } from '../incidents/actions.js';
import { applyIncidentEvent, type IncidentRecord } from '../incidents/record.js';
import { canonicalJson } from './hash-chain.js';
import type { IncidentsTable, LedgerDatabase } from './schema.js';

type Db = Kysely<LedgerDatabase>;

/** An event for the chain (kysely-ledger's PendingEvent). */
export interface ChainEvent {
  type: string;
  runId: string | null;
  findingId: number | null;
  actor: string | null;
  data: unknown;
}

/** Chains events inside a write transaction and returns the seq of the first. */
export type Append = (trx: Db, events: ChainEvent[], at: string) => Promise<number>;
export type WriteTransaction = <T>(fn: (trx: Db) => Promise<T>) => Promise<T>;

export interface IncidentQuery {
  status?: 'open' | 'resolved';
  /** Opened before this time (ISO). */
  openedBefore?: string;
  /** Still open at, or resolved after, this time (ISO): the incidents a period saw. */
  activeAfter?: string;
  limit?: number;
}

/** The incidents half of the ledger: every change is an event of the hash chain. */
export interface IncidentLedger {
  /** Open incidents (or record a recurrence on an open one) in one transaction; returns what changed. */
  open(items: readonly NewIncident[], opts?: { now?: Date; runId?: string | null }): Promise<{ opened: IncidentRecord[]; recurred: IncidentRecord[] }>;
  /** One action by `actor`; throws VIGIL_ERR_INCIDENT_ACTION when it does not apply. */
  act(id: number, action: IncidentAction, opts: { actor: string | null; now?: Date }): Promise<IncidentRecord>;
  list(q?: IncidentQuery): Promise<IncidentRecord[]>;
  get(id: number): Promise<IncidentRecord | undefined>;
}

/** Incidents over Kysely, sharing the findings' write transaction and chain. */
export class KyselyIncidents implements IncidentLedger {
  constructor(
    private readonly db: Db,
    private readonly write: WriteTransaction,
    private readonly append: Append,
  ) {}

  async open(items: readonly NewIncident[], opts: { now?: Date; runId?: string | null } = {}): Promise<{ opened: IncidentRecord[]; recurred: IncidentRecord[] }> {
    const out = { opened: [] as IncidentRecord[], recurred: [] as IncidentRecord[] };
    if (items.length === 0) return out;
    const now = (opts.now ?? new Date()).toISOString();
    const runId = opts.runId ?? null;
    return this.write(async (trx) => {
      const keys = [...new Set(items.map((i) => i.key))];
      const latest = new Map<string, Selectable<IncidentsTable>>();
      for (let i = 0; i < keys.length; i += 500) {
        const rows = await trx.selectFrom('incidents').selectAll().where('key', 'in', keys.slice(i, i + 500)).orderBy('id').execute();
        for (const r of rows) latest.set(r.key, r); // ascending ids: the last one wins
      }
      const seen = new Set<string>();
      for (const item of items) {
        if (seen.has(item.key)) continue;
        seen.add(item.key);
        const prior = latest.get(item.key);
        if (prior) {
          if (prior.status === 'open') {
            if (item.mode !== 'recur') continue;
            const rec = await this.checked(trx, prior);
            out.recurred.push(await this.record(trx, rec, { type: 'incident.recurred', data: { incident: rec.id, detail: item.detail } }, null, now, runId));
            continue;
          }
          if (item.mode === 'once' && !item.reopened) continue;
        }
        const ins = await trx
          .insertInto('incidents')
          .values({
            key: item.key,
            runbook: item.runbook.id,
            status: 'open',
            severity: item.severity,
            finding_id: item.findingId,
            opened_at: now,
            resolved_at: null,
            data: '{}',
          })
          .returning('id')
          .executeTakeFirstOrThrow();
        const id = Number(ins.id);
        const data = {
          incident: id,
          key: item.key,
          runbook: item.runbook,
          title: item.title,
          severity: item.severity,
          findingId: item.findingId,
          target: item.target,
          detail: item.detail,
        };
        const seq = await this.append(trx, [{ type: 'incident.opened', runId, findingId: item.findingId, actor: null, data }], now);
        const rec = applyIncidentEvent(undefined, { seq, at: now, type: 'incident.opened', actor: null, data: JSON.parse(canonicalJson(data)) as Record<string, unknown> });
        if (typeof rec === 'string') throw new VigilError('VIGIL_ERR_INTERNAL', rec);
        await this.store(trx, rec);
        out.opened.push(rec);
      }
      return out;
    });
  }

  async act(id: number, action: IncidentAction, opts: { actor: string | null; now?: Date }): Promise<IncidentRecord> {
    const nowDate = opts.now ?? new Date();
    const now = nowDate.toISOString();
    return this.write(async (trx) => {
      const row = await trx.selectFrom('incidents').selectAll().where('id', '=', id).executeTakeFirst();
      if (!row) throw new VigilError('VIGIL_ERR_INCIDENT_NOT_FOUND', `no incident with id ${id}`);
      const rec = await this.checked(trx, row);
      const ev = actionEvent(rec, action, nowDate);
      return this.record(trx, rec, ev, opts.actor, now, null);
    });
  }

  async list(q: IncidentQuery = {}): Promise<IncidentRecord[]> {
    let query = this.db.selectFrom('incidents').select('data');
    if (q.status) query = query.where('status', '=', q.status);
    if (q.openedBefore) query = query.where('opened_at', '<', q.openedBefore);
    if (q.activeAfter) {
      const after = q.activeAfter;
      query = query.where((eb) => eb.or([eb('resolved_at', 'is', null), eb('resolved_at', '>=', after)]));
    }
    const rows = await query.orderBy('id', 'desc').limit(Math.min(Math.max(q.limit ?? 1000, 1), 100_000)).execute();
    return rows.map((r) => JSON.parse(r.data) as IncidentRecord);
  }

  async get(id: number): Promise<IncidentRecord | undefined> {
    const row = await this.db.selectFrom('incidents').select('data').where('id', '=', id).executeTakeFirst();
    return row ? (JSON.parse(row.data) as IncidentRecord) : undefined;
  }

  /** Chain one event for the incident, apply it, store the row; returns the new record. */
  private async record(
    trx: Db,
    rec: IncidentRecord,
    ev: { type: string; data: Record<string, unknown> },
    actor: string | null,
    now: string,
    runId: string | null,
  ): Promise<IncidentRecord> {
    const seq = await this.append(trx, [{ type: ev.type, runId, findingId: rec.findingId, actor, data: ev.data }], now);
    const next = applyIncidentEvent(rec, { seq, at: now, type: ev.type, actor, data: JSON.parse(canonicalJson(ev.data)) as Record<string, unknown> });
    if (typeof next === 'string') throw new VigilError('VIGIL_ERR_INTERNAL', next);
    await this.store(trx, next);
    return next;
  }

  private async store(trx: Db, rec: IncidentRecord): Promise<void> {
    await trx
      .updateTable('incidents')
      .set({ status: rec.status, resolved_at: rec.resolvedAt, severity: rec.severity, data: canonicalJson(rec) })
      .where('id', '=', rec.id)
      .execute();
  }

  /**
   * The row as its events make it, or VIGIL_ERR_LEDGER_TAMPERED: an action never builds on a row
   * edited outside vigil (a clock marked met by hand). The row's timeline names its events.
   */
  private async checked(trx: Db, row: Selectable<IncidentsTable>): Promise<IncidentRecord> {
    const stored = JSON.parse(row.data) as IncidentRecord;
    const seqs = Array.isArray(stored.timeline) ? stored.timeline.map((t) => t.seq) : [];
    const events = seqs.length
      ? await trx.selectFrom('events').select(['seq', 'at', 'type', 'actor', 'data']).where('seq', 'in', seqs).orderBy('seq').execute()
      : [];
    let rec: IncidentRecord | undefined;
    for (const e of events) {
      const next = applyIncidentEvent(rec, { seq: Number(e.seq), at: e.at, type: e.type, actor: e.actor, data: JSON.parse(e.data) as Record<string, unknown> });
      if (typeof next === 'string' || next.id !== Number(row.id)) {
        rec = undefined;
        break;
      }
      rec = next;
    }
    if (!rec || incidentMismatch(row, rec)) {
      throw new VigilError(
        'VIGIL_ERR_LEDGER_TAMPERED',
        `incident ${row.id} in the incidents table disagrees with the ledger's event log, so nothing was recorded. ` +
          'Run `vigil ledger verify` for the whole list, and restore the ledger from a backup.',
      );
    }
    return rec;
  }
}

/** How a stored incident row differs from the record its events make; undefined when it does not. */
export function incidentMismatch(row: Pick<Selectable<IncidentsTable>, 'id' | 'key' | 'runbook' | 'status' | 'severity' | 'finding_id' | 'opened_at' | 'resolved_at' | 'data'>, rec: IncidentRecord): string | undefined {
  if (canonicalJson(JSON.parse(row.data)) !== canonicalJson(rec)) return 'its data differs from what its events say';
  const cols: [string, unknown, unknown][] = [
    ['key', row.key, rec.key],
    ['runbook', row.runbook, rec.runbook.id],
    ['status', row.status, rec.status],
    ['severity', row.severity, rec.severity],
    ['finding_id', row.finding_id === null ? null : Number(row.finding_id), rec.findingId],
    ['opened_at', row.opened_at, rec.openedAt],
    ['resolved_at', row.resolved_at, rec.resolvedAt],
  ];
  for (const [name, stored, expected] of cols) {
    if (stored !== expected) return `${name} is ${JSON.stringify(stored)} but its events say ${JSON.stringify(expected)}`;
  }
  return undefined;
}
