import { mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { overviewOnWorker } from './overview-worker.js';
import { Kysely, Migrator, PostgresDialect, SqliteDialect, sql, type SqliteDatabase } from 'kysely';
import type BetterSqlite3 from 'better-sqlite3';
import { isPostgresUrl } from '../config/defaults.js';
import { VigilError } from '../errors.js';
import { redactUrlCredentials } from '../util/redact.js';
import type { Ledger } from './ledger.js';
import { postgresBulkInsert, postgresReadPages, sqliteBulkInsert, sqliteReadPages } from './bulk.js';
import { KyselyLedger, type StoreDriver } from './kysely-ledger.js';
import { digestRowsOnWorker } from './verify-digests.js';
import { migrationProvider, migrations, type Dialect } from './migrations.js';
import type { LedgerDatabase } from './schema.js';
import { DEFAULT_SLA, type SlaDays } from './sla.js';

export interface OpenLedgerOptions {
  sla?: SlaDays;
}

// One definition of the default file and of what a PostgreSQL location looks like: the config's.
export { DEFAULT_LEDGER, isPostgresUrl } from '../config/defaults.js';

/** A ledger location with its password replaced by `***`, for logs and messages. */
export function redactLedgerUrl(loc: string): string {
  return redactUrlCredentials(loc);
}

/** Open (and migrate) the ledger at a file path (SQLite) or a postgres:// URL. */
export async function openLedger(location: string, opts: OpenLedgerOptions = {}): Promise<Ledger> {
  const sla = opts.sla ?? DEFAULT_SLA;
  if (isPostgresUrl(location)) return openPostgres(location, sla);
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(location)) {
    throw new VigilError(
      'VIGIL_ERR_LEDGER_URL',
      `"${redactLedgerUrl(location)}" is neither a file path (SQLite) nor a postgres:// URL`,
    );
  }
  return openSqlite(location, sla);
}

async function openSqlite(file: string, sla: SlaDays): Promise<Ledger> {
  const { default: Database } = await import('better-sqlite3');
  const path = resolve(file);
  let database;
  try {
    mkdirSync(dirname(path), { recursive: true });
    database = new Database(path);
    // Rows hold a finding's JSON (~0.5-1 KB): 8 KiB pages take ingest about 8% faster than 4 KiB.
    // It only applies to a new file, before WAL is turned on.
    database.pragma('page_size = 8192');
    database.pragma('journal_mode = WAL');
    database.pragma('synchronous = NORMAL');
    // Large ingests touch many index pages; 32 MiB of cache holds them (more bought no speed here).
    database.pragma('cache_size = -32768');
    // Another vigil process (serve and a CLI triage) may hold the write lock for a moment.
    database.pragma('busy_timeout = 10000');
  } catch (e) {
    throw new VigilError('VIGIL_ERR_LEDGER_UNAVAILABLE', `cannot open SQLite ledger: ${(e as Error).message}`, { file: path }, { cause: e });
  }
  const db = new Kysely<LedgerDatabase>({ dialect: new SqliteDialect({ database: withStatementCache(database) }) });
  const insert = sqliteBulkInsert(database);
  const driver: StoreDriver = {
    kind: 'sqlite',
    description: path,
    // BEGIN IMMEDIATE takes the write lock up front: the chain head read inside cannot go stale.
    async writeTransaction(kdb, fn) {
      return kdb.connection().execute(async (conn) => {
        await sql`begin immediate`.execute(conn);
        try {
          const out = await fn(conn);
          await sql`commit`.execute(conn);
          return out;
        } catch (e) {
          await sql`rollback`.execute(conn).catch(() => undefined);
          throw e;
        }
      });
    },
    bulkInsert: (_trx, table, columns, rows, returnIds) => insert(table, columns, rows, returnIds),
    readPages: (table, columns, key) => sqliteReadPages(database, table, columns, key),
    rowDigests: (events) => digestRowsOnWorker(path, events),
    overview: (now, days) => overviewOnWorker(path, now, days),
    async close() {
      // Kysely's destroy closes the database.
    },
  };
  await migrate(db, 'sqlite', path);
  return new KyselyLedger(db, driver, sla);
}

async function openPostgres(url: string, sla: SlaDays): Promise<Ledger> {
  const pg = await import('pg');
  // Text is fine for our columns; counts come back as strings and are converted where read.
  const pool = new pg.default.Pool({ connectionString: url, max: 4 });
  const description = redactLedgerUrl(url);
  try {
    const c = await pool.connect();
    c.release();
  } catch (e) {
    await pool.end().catch(() => undefined);
    throw new VigilError('VIGIL_ERR_LEDGER_UNAVAILABLE', `cannot connect to PostgreSQL ledger ${description}: ${(e as Error).message}`, {}, { cause: e });
  }
  const db = new Kysely<LedgerDatabase>({ dialect: new PostgresDialect({ pool }) });
  const driver: StoreDriver = {
    kind: 'postgres',
    description,
    async writeTransaction(kdb, fn) {
      return kdb.transaction().execute(async (trx) => {
        // One writer at a time across every process sharing this database: the chain has one head.
        await sql`select pg_advisory_xact_lock(${LOCK_KEY})`.execute(trx);
        return fn(trx);
      });
    },
    bulkInsert: (trx, table, columns, rows, returnIds) => // Only findings ask for ids back, and a fingerprint is unique within one part's chunk.
      postgresBulkInsert(trx, table, columns, PG_TYPES[table]!(columns), rows, returnIds, returnIds ? 'fingerprint' : undefined),
    readPages: (table, columns, key) => postgresReadPages(pool, table, columns, key),
    async close() {
      // Kysely's destroy ends the pool.
    },
  };
  await migrate(db, 'postgres', description);
  return new KyselyLedger(db, driver, sla);
}

/** Column types for PostgreSQL's unnest() arrays: integers where the schema has them, text otherwise. */
const PG_INTEGER_COLUMNS = new Set(['severity_rank', 'seq', 'finding_id', 'id']);
const PG_TYPES: Record<string, (columns: readonly string[]) => string[]> = {
  findings: (cols) => cols.map((c) => (PG_INTEGER_COLUMNS.has(c) ? 'integer' : 'text')),
  events: (cols) => cols.map((c) => (PG_INTEGER_COLUMNS.has(c) ? 'integer' : 'text')),
  advisories: (cols) => cols.map(() => 'text'),
  advisory_packages: (cols) => cols.map(() => 'text'),
};

/** An arbitrary constant naming vigil's ledger lock ("vigil" in ASCII). */
const LOCK_KEY = 0x76696769;

async function migrate(db: Kysely<LedgerDatabase>, dialect: Dialect, where: string): Promise<void> {
  // Up to date is the common case: check with one read, so read-only commands never take
  // the migration lock (a write) or pay for the migrator.
  const known = Object.keys(migrations(dialect)).sort();
  const applied = await sql<{ name: string }>`select name from kysely_migration order by name`
    .execute(db)
    .then((r) => r.rows.map((x) => x.name))
    .catch(() => [] as string[]);
  // A newer vigil's ledger: its schema means things this one does not know. Refuse; change nothing.
  const unknown = applied.filter((n) => !known.includes(n));
  if (unknown.length) {
    await db.destroy().catch(() => undefined);
    throw new VigilError(
      'VIGIL_ERR_LEDGER_TOO_NEW',
      `the ledger ${where} was written by a newer vigil (schema ${unknown.join(', ')}; this vigil knows up to ${known[known.length - 1]}): upgrade vigil to use it; it was not changed`,
    );
  }
  if (applied.length === known.length) return;
  const migrator = new Migrator({ db, provider: migrationProvider(dialect) });
  const { error } = await migrator.migrateToLatest();
  if (error) {
    await db.destroy().catch(() => undefined);
    if (error instanceof VigilError) throw error;
    throw new VigilError('VIGIL_ERR_LEDGER_UNAVAILABLE', `cannot migrate ledger ${where}: ${(error as Error).message}`, {}, { cause: error });
  }
}

/** Statements kept prepared, by their SQL text (most recently used last). */
const STATEMENT_CACHE = 256;

/**
 * The database as kysely sees it, with each SQL text prepared once: kysely's SQLite driver prepares
 * every query it runs, which costs about as much as running a short one (an API page's queries are
 * the same few texts with different parameters). A statement still busy with an iteration is not
 * handed out again; a new one is prepared beside it.
 */
function withStatementCache(database: BetterSqlite3.Database): SqliteDatabase {
  const cache = new Map<string, BetterSqlite3.Statement>();
  return {
    close: () => database.close(),
    prepare(text: string) {
      let stmt = cache.get(text);
      if (stmt && !stmt.busy) {
        cache.delete(text);
      } else {
        stmt = database.prepare(text);
        if (cache.size >= STATEMENT_CACHE) cache.delete(cache.keys().next().value!);
      }
      cache.set(text, stmt);
      return stmt;
    },
  };
}
