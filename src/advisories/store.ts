import { sql, type Kysely } from 'kysely';
import type { OsvAdvisory } from '../../scanners/deps/model.js';
import { VigilError } from '../errors.js';
import type { StoreDriver } from '../ledger/kysely-ledger.js';
import type { AdvisoriesTable, AdvisoryPackagesTable, LedgerDatabase } from '../ledger/schema.js';
import { baseEcosystem, comparableName, packageKey } from './package-key.js';
import { normaliseTimestamp } from './timestamp.js';

type Db = Kysely<LedgerDatabase>;

/** What one import changed. Every advisory read lands in exactly one count. */
export interface AdvisoryImportCounts {
  /** New ids. */
  added: number;
  /** Stored ids whose incoming `modified` is newer. */
  updated: number;
  /** Stored ids whose incoming `modified` is the same or older: the stored one stays. */
  unchanged: number;
  /** Advisories marked `withdrawn` (newer than any stored copy): no longer matched. */
  withdrawn: number;
}

/** A package as the audit asks about it. */
export interface PackageRef {
  /** OSV ecosystem: `npm`, `PyPI`; with a release suffix (`Debian:11`) only that release matches. */
  ecosystem: string;
  name: string;
}

/**
 * The offline OSV advisory store, in the ledger's database. A withdrawn advisory is kept as a
 * tombstone — its id, `modified` and JSON, but no package rows — so that importing an older copy
 * of it later (from a stale zip) cannot bring it back; it is never matched and not counted.
 */
export interface AdvisoryStore {
  /**
   * Store advisories in one write transaction: all of them or, when `advisories` (or the iterable
   * producing them) throws, none. An iterable of batches keeps large imports in bounded memory.
   * A stored advisory is replaced only by one with a newer `modified`.
   */
  import(advisories: readonly OsvAdvisory[] | AsyncIterable<readonly OsvAdvisory[]>): Promise<AdvisoryImportCounts>;
  /**
   * Standing advisories affecting each package, keyed by `packageKey(ecosystem, name)` of the
   * key as given; packages with none are absent. Lists are sorted by id; an advisory affecting
   * several of the packages is one shared object (do not mutate it).
   */
  forPackages(keys: readonly PackageRef[]): Promise<Map<string, OsvAdvisory[]>>;
  /** How many advisories stand (withdrawn ones excluded). */
  count(): Promise<number>;
  /** One advisory by OSV id, withdrawn ones included (their `withdrawn` field says so). */
  get(id: string): Promise<OsvAdvisory | undefined>;
}

/** Advisories per write step inside the import transaction. */
const BATCH = 1000;
/** Keys or ids per lookup statement: well under both stores' bind-parameter limits. */
const LOOKUP_CHUNK = 500;

const ADVISORY_COLUMNS = ['id', 'modified', 'withdrawn', 'aliases', 'summary', 'severity', 'data'] as const satisfies readonly (keyof AdvisoriesTable)[];
const PACKAGE_COLUMNS = ['advisory_id', 'ecosystem', 'name', 'ecosystem_base', 'name_key'] as const satisfies readonly (keyof AdvisoryPackagesTable)[];

interface StoredState {
  modified: string;
}

function chunks<T>(xs: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < xs.length; i += size) out.push(xs.slice(i, i + size));
  return out;
}

function isAsyncIterable(x: unknown): x is AsyncIterable<readonly OsvAdvisory[]> {
  return typeof x === 'object' && x !== null && Symbol.asyncIterator in x;
}

/** The advisory store over the ledger's Kysely database and store driver: one code path for SQLite and PostgreSQL. */
export class KyselyAdvisoryStore implements AdvisoryStore {
  constructor(
    private readonly db: Db,
    private readonly driver: StoreDriver,
  ) {}

  async import(advisories: readonly OsvAdvisory[] | AsyncIterable<readonly OsvAdvisory[]>): Promise<AdvisoryImportCounts> {
    const counts: AdvisoryImportCounts = { added: 0, updated: 0, unchanged: 0, withdrawn: 0 };
    await this.driver.writeTransaction(this.db, async (trx) => {
      if (isAsyncIterable(advisories)) {
        for await (const batch of advisories) {
          for (let i = 0; i < batch.length; i += BATCH) await this.writeBatch(trx, batch.slice(i, i + BATCH), counts);
        }
      } else {
        for (let i = 0; i < advisories.length; i += BATCH) await this.writeBatch(trx, advisories.slice(i, i + BATCH), counts);
      }
    });
    return counts;
  }

  /**
   * One batch, as if its advisories came one after another: a repeated id within the batch is
   * judged against the copy before it, exactly as across batches.
   */
  private async writeBatch(trx: Db, batch: readonly OsvAdvisory[], counts: AdvisoryImportCounts): Promise<void> {
    if (batch.length === 0) return;
    const keyed = batch.map(keyOf);
    const stored = new Map<string, StoredState>();
    for (const ids of chunks([...new Set(keyed.map((k) => k.id))], LOOKUP_CHUNK)) {
      const rows = await trx.selectFrom('advisories').select(['id', 'modified']).where('id', 'in', ids).execute();
      for (const r of rows) stored.set(r.id, { modified: r.modified });
    }
    const current = new Map(stored);
    const writes = new Map<string, Keyed>();
    for (const k of keyed) {
      const cur = current.get(k.id);
      if (cur && k.modified <= cur.modified) {
        counts.unchanged++;
        continue;
      }
      if (k.withdrawn !== null) counts.withdrawn++;
      else if (cur) counts.updated++;
      else counts.added++;
      current.set(k.id, { modified: k.modified });
      writes.set(k.id, k);
    }
    if (writes.size === 0) return;

    // Replacing is delete-then-insert: the package rows of the old copy go with it.
    const replaced = [...writes.keys()].filter((id) => stored.has(id));
    for (const ids of chunks(replaced, LOOKUP_CHUNK)) {
      await trx.deleteFrom('advisory_packages').where('advisory_id', 'in', ids).execute();
      await trx.deleteFrom('advisories').where('id', 'in', ids).execute();
    }
    const advisoryRows: unknown[][] = [];
    const packageRows: unknown[][] = [];
    for (const k of writes.values()) {
      const a = k.advisory;
      // ADVISORY_COLUMNS order
      advisoryRows.push([
        k.id,
        k.modified,
        k.withdrawn,
        JSON.stringify(Array.isArray(a.aliases) ? a.aliases : []),
        typeof a.summary === 'string' ? a.summary : '',
        JSON.stringify(Array.isArray(a.severity) ? a.severity : []),
        JSON.stringify(a),
      ]);
      if (k.withdrawn === null) packageRowsOf(a, packageRows);
    }
    await this.driver.bulkInsert(trx, 'advisories', ADVISORY_COLUMNS, advisoryRows, false);
    for (const rows of chunks(packageRows, BATCH)) await this.driver.bulkInsert(trx, 'advisory_packages', PACKAGE_COLUMNS, rows, false);
  }

  async forPackages(keys: readonly PackageRef[]): Promise<Map<string, OsvAdvisory[]>> {
    const { idsByKey, dataById } = await this.lookup(keys);
    const byId = new Map<string, OsvAdvisory>();
    for (const [id, data] of dataById) byId.set(id, JSON.parse(data) as OsvAdvisory);
    const out = new Map<string, OsvAdvisory[]>();
    for (const [key, ids] of idsByKey) {
      const list = ids.flatMap((id) => byId.get(id) ?? []);
      if (list.length) out.set(key, list);
    }
    return out;
  }

  /**
   * forPackages with each advisory as its stored JSON text, unparsed: for a caller that hands the
   * answer to another thread, where text is copied far more cheaply than objects are cloned.
   */
  async forPackagesJson(keys: readonly PackageRef[]): Promise<Map<string, string[]>> {
    const { idsByKey, dataById } = await this.lookup(keys);
    const out = new Map<string, string[]>();
    for (const [key, ids] of idsByKey) {
      const list = ids.flatMap((id) => dataById.get(id) ?? []);
      if (list.length) out.set(key, list);
    }
    return out;
  }

  /** Each asked key's advisory ids (sorted), and each advisory's stored JSON once. */
  private async lookup(keys: readonly PackageRef[]): Promise<{ idsByKey: Map<string, string[]>; dataById: Map<string, string> }> {
    // What is asked, grouped by what the index holds: (base ecosystem, comparable name).
    const wanted = new Map<string, { key: string; release: string | undefined }[]>();
    const lookups: [string, string][] = [];
    const seen = new Set<string>();
    for (const { ecosystem, name } of keys) {
      const key = packageKey(ecosystem, name);
      if (seen.has(key)) continue;
      seen.add(key);
      const base = baseEcosystem(ecosystem);
      const nameKey = comparableName(base, name);
      const lookup = `${base}\u0000${nameKey}`;
      let list = wanted.get(lookup);
      if (!list) {
        list = [];
        wanted.set(lookup, list);
        lookups.push([base, nameKey]);
      }
      list.push({ key, release: base === ecosystem ? undefined : ecosystem });
    }
    // Two steps: the package index for ids, then each advisory once, however many of the
    // packages it affects (a join measured 15% slower: it reads shared advisories repeatedly).
    const idsByKey = new Map<string, Set<string>>();
    const allIds = new Set<string>();
    for (const chunk of chunks(lookups, LOOKUP_CHUNK)) {
      // `in (values …)` rather than Kysely's tuple list: SQLite plans the list of row values as
      // an ephemeral table probed against the index, two to three times faster here.
      const { rows } = await sql<Pick<AdvisoryPackagesTable, 'ecosystem_base' | 'name_key' | 'ecosystem' | 'advisory_id'>>`
        select ecosystem_base, name_key, ecosystem, advisory_id from advisory_packages
        where (ecosystem_base, name_key) in (values ${sql.join(chunk.map(([e, n]) => sql`(${e}, ${n})`))})`.execute(this.db);
      for (const r of rows) {
        for (const w of wanted.get(`${r.ecosystem_base}\u0000${r.name_key}`) ?? []) {
          if (w.release !== undefined && w.release !== r.ecosystem) continue;
          let ids = idsByKey.get(w.key);
          if (!ids) {
            ids = new Set();
            idsByKey.set(w.key, ids);
          }
          ids.add(r.advisory_id);
          allIds.add(r.advisory_id);
        }
      }
    }
    const dataById = new Map<string, string>();
    for (const ids of chunks([...allIds], LOOKUP_CHUNK)) {
      const rows = await this.db.selectFrom('advisories').select(['id', 'data']).where('id', 'in', ids).execute();
      for (const r of rows) dataById.set(r.id, r.data);
    }
    // A row deleted between the two reads (a concurrent import) is simply not returned: callers skip ids without data.
    return { idsByKey: new Map([...idsByKey].map(([key, ids]) => [key, [...ids].sort()])), dataById };
  }

  async count(): Promise<number> {
    const r = await this.db
      .selectFrom('advisories')
      .select((eb) => eb.fn.countAll().as('n'))
      .where('withdrawn', 'is', null)
      .executeTakeFirstOrThrow();
    return Number(r.n);
  }

  async get(id: string): Promise<OsvAdvisory | undefined> {
    const r = await this.db.selectFrom('advisories').select('data').where('id', '=', id).executeTakeFirst();
    return r ? (JSON.parse(r.data) as OsvAdvisory) : undefined;
  }
}

/** An advisory with its timestamps in comparable form. */
interface Keyed {
  id: string;
  modified: string;
  withdrawn: string | null;
  advisory: OsvAdvisory;
}

/**
 * The store checks only what it keys on: the importer validates the whole OSV shape with file,
 * line and path, but other callers (tests, future feeds) reach the store directly.
 */
function keyOf(a: OsvAdvisory, i: number): Keyed {
  const id: unknown = a?.id;
  if (typeof id !== 'string' || id === '') {
    throw new VigilError('VIGIL_ERR_OSV_INVALID', `advisory ${i} of the batch: "id" must be a non-empty string`);
  }
  const modified = typeof a.modified === 'string' ? normaliseTimestamp(a.modified) : undefined;
  if (modified === undefined) {
    throw new VigilError('VIGIL_ERR_OSV_INVALID', `advisory ${id}: "modified" must be an RFC 3339 date-time, got ${JSON.stringify(a.modified)}`);
  }
  let withdrawn: string | null = null;
  if (a.withdrawn !== undefined) {
    const w = typeof a.withdrawn === 'string' ? normaliseTimestamp(a.withdrawn) : undefined;
    if (w === undefined) {
      throw new VigilError('VIGIL_ERR_OSV_INVALID', `advisory ${id}: "withdrawn" must be an RFC 3339 date-time, got ${JSON.stringify(a.withdrawn)}`);
    }
    withdrawn = w;
  }
  return { id, modified, withdrawn, advisory: a };
}

/** One row per distinct (ecosystem, name) the advisory affects, in PACKAGE_COLUMNS order. */
function packageRowsOf(a: OsvAdvisory, out: unknown[][]): void {
  if (!Array.isArray(a.affected)) return;
  const seen = new Set<string>();
  for (const aff of a.affected) {
    const p = aff?.package;
    if (!p || typeof p.ecosystem !== 'string' || typeof p.name !== 'string' || !p.ecosystem || !p.name) continue;
    const k = packageKey(p.ecosystem, p.name);
    if (seen.has(k)) continue;
    seen.add(k);
    out.push([a.id, p.ecosystem, p.name, baseEcosystem(p.ecosystem), comparableName(p.ecosystem, p.name)]);
  }
}
