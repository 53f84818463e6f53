import type { Kysely } from 'kysely';
import type { KevCatalogue, KevEntry } from '../incidents/kev.js';
import type { Append, WriteTransaction } from './incident-store.js';
import type { LedgerDatabase } from './schema.js';

type Db = Kysely<LedgerDatabase>;

/** What one KEV import changed. */
export interface KevImportSummary {
  catalogVersion: string;
  dateReleased: string;
  entries: number;
  added: number;
  updated: number;
  /** Entries in the store that the new catalogue no longer lists (CISA removes few; they are dropped). */
  removed: number;
}

/** CISA's Known Exploited Vulnerabilities catalogue in the ledger's database. */
export interface KevStore {
  /** Replace the stored catalogue with `catalogue`, all or nothing; chained as a `kev.imported` event. */
  import(catalogue: KevCatalogue, opts?: { file?: string; now?: Date; actor?: string | null }): Promise<KevImportSummary>;
  /** Every CVE id in the catalogue, upper case: what tagsFor's `kev` context takes. */
  ids(): Promise<Set<string>>;
  get(cveId: string): Promise<KevEntry | undefined>;
  count(): Promise<number>;
}

const CHUNK = 500;

export class KyselyKevStore implements KevStore {
  constructor(
    private readonly db: Db,
    private readonly write: WriteTransaction,
    private readonly append: Append,
  ) {}

  async import(catalogue: KevCatalogue, opts: { file?: string; now?: Date; actor?: string | null } = {}): Promise<KevImportSummary> {
    const now = (opts.now ?? new Date()).toISOString();
    return this.write(async (trx) => {
      const existing = new Map<string, string>();
      for (const r of await trx.selectFrom('kev_entries').select(['cve_id', 'data']).execute()) existing.set(r.cve_id, r.data);
      let added = 0;
      let updated = 0;
      const incoming = new Set<string>();
      const inserts: { cve_id: string; date_added: string; due_date: string; data: string }[] = [];
      for (const e of catalogue.vulnerabilities) {
        const id = e.cveID.toUpperCase();
        if (incoming.has(id)) continue;
        incoming.add(id);
        const data = JSON.stringify(e);
        const prior = existing.get(id);
        if (prior === data) continue;
        if (prior === undefined) added++;
        else {
          updated++;
          await trx.deleteFrom('kev_entries').where('cve_id', '=', id).execute();
        }
        inserts.push({ cve_id: id, date_added: e.dateAdded, due_date: e.dueDate, data });
      }
      for (let i = 0; i < inserts.length; i += CHUNK) await trx.insertInto('kev_entries').values(inserts.slice(i, i + CHUNK)).execute();
      const gone = [...existing.keys()].filter((id) => !incoming.has(id));
      for (let i = 0; i < gone.length; i += CHUNK) await trx.deleteFrom('kev_entries').where('cve_id', 'in', gone.slice(i, i + CHUNK)).execute();
      const summary: KevImportSummary = {
        catalogVersion: catalogue.catalogVersion,
        dateReleased: catalogue.dateReleased,
        entries: incoming.size,
        added,
        updated,
        removed: gone.length,
      };
      await this.append(trx, [{ type: 'kev.imported', runId: null, findingId: null, actor: opts.actor ?? null, data: { ...summary, ...(opts.file ? { file: opts.file } : {}) } }], now);
      return summary;
    });
  }

  async ids(): Promise<Set<string>> {
    const rows = await this.db.selectFrom('kev_entries').select('cve_id').execute();
    return new Set(rows.map((r) => r.cve_id));
  }

  async get(cveId: string): Promise<KevEntry | undefined> {
    const r = await this.db.selectFrom('kev_entries').select('data').where('cve_id', '=', cveId.toUpperCase()).executeTakeFirst();
    return r ? (JSON.parse(r.data) as KevEntry) : undefined;
  }

  async count(): Promise<number> {
    const r = await this.db.selectFrom('kev_entries').select((eb) => eb.fn.countAll<number | string>().as('n')).executeTakeFirst();
    return Number(r?.n ?? 0);
  }
}
