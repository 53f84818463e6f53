import { sql, type Kysely, type Migration, type MigrationProvider } from 'kysely';
import { redactStoredFinding } from '../model/redact-finding.js';
import { upgradeTo0003, type StoredFindingRewrite } from './upgrade-0003.js';

/** Which SQL dialect a migration writes for; the few differences are named here. */
export type Dialect = 'sqlite' | 'postgres';

/**
 * The same migrations for both stores; dialect differences are confined to column types.
 * `rewrite` is how 0003 redacts stored findings (kept injectable for its tests).
 */
export function migrations(dialect: Dialect, rewrite: StoredFindingRewrite = REWRITE): Record<string, Migration> {
  const idType = dialect === 'postgres' ? 'serial' : 'integer';
  return {
    '0001-initial': {
      async up(db: Kysely<any>) {
        await db.schema
          .createTable('runs')
          .addColumn('id', 'text', (c) => c.primaryKey())
          .addColumn('trigger', 'text', (c) => c.notNull())
          .addColumn('started_at', 'text', (c) => c.notNull())
          .addColumn('finished_at', 'text')
          .addColumn('status', 'text', (c) => c.notNull())
          .addColumn('parts', 'text', (c) => c.notNull())
          .addColumn('summary', 'text')
          .execute();
        await db.schema.createIndex('runs_trigger_started').on('runs').columns(['trigger', 'started_at']).execute();

        await db.schema
          .createTable('findings')
          .addColumn('id', idType, (c) => (dialect === 'sqlite' ? c.primaryKey().autoIncrement() : c.primaryKey()))
          .addColumn('target', 'text', (c) => c.notNull())
          .addColumn('fingerprint', 'text', (c) => c.notNull())
          .addColumn('scanner', 'text', (c) => c.notNull())
          .addColumn('rule_id', 'text', (c) => c.notNull())
          .addColumn('title', 'text', (c) => c.notNull())
          .addColumn('severity', 'text', (c) => c.notNull())
          .addColumn('severity_rank', 'integer', (c) => c.notNull())
          .addColumn('status', 'text', (c) => c.notNull())
          .addColumn('first_seen', 'text', (c) => c.notNull())
          .addColumn('last_seen', 'text', (c) => c.notNull())
          .addColumn('status_changed_at', 'text', (c) => c.notNull())
          .addColumn('sla_due', 'text')
          .addColumn('last_run_id', 'text')
          .addColumn('location', 'text', (c) => c.notNull())
          .addColumn('data', 'text', (c) => c.notNull())
          .addColumn('data_hash', 'text', (c) => c.notNull())
          .addColumn('accept_justification', 'text')
          .addColumn('accept_approver', 'text')
          .addColumn('accept_expires', 'text')
          // The fingerprint already names the scanner; leading with it lets ingest load one part by prefix.
          .addUniqueConstraint('findings_target_scanner_fp', ['target', 'scanner', 'fingerprint'])
          .execute();
        // The dashboard's and CLI's default listing: by status and severity, newest first.
        await db.schema
          .createIndex('findings_status_sev_id')
          .on('findings')
          .columns(['status', 'severity_rank', 'id'])
          .execute();
        await db.schema.createIndex('findings_sev_id').on('findings').columns(['severity_rank', 'id']).execute();

        await db.schema
          .createTable('events')
          .addColumn('seq', 'integer', (c) => c.primaryKey())
          .addColumn('at', 'text', (c) => c.notNull())
          .addColumn('type', 'text', (c) => c.notNull())
          .addColumn('run_id', 'text')
          .addColumn('finding_id', 'integer')
          .addColumn('actor', 'text')
          .addColumn('data', 'text', (c) => c.notNull())
          .addColumn('prev_hash', 'text', (c) => c.notNull())
          .addColumn('hash', 'text', (c) => c.notNull())
          .execute();
        await db.schema.createIndex('events_finding').on('events').columns(['finding_id', 'seq']).execute();

        // The head of the chain, kept apart so that deleting the newest events is detected too.
        await db.schema
          .createTable('ledger_head')
          .addColumn('id', 'integer', (c) => c.primaryKey())
          .addColumn('seq', 'integer', (c) => c.notNull())
          .addColumn('hash', 'text', (c) => c.notNull())
          .execute();
        await sql`insert into ledger_head (id, seq, hash) values (1, 0, ${GENESIS_HASH})`.execute(db);
      },
    },
    // The offline OSV advisory store (src/advisories). "if not exists": these tables hold
    // downloaded data, not the ledger's record, and may outlive a rebuilt migration table.
    '0002-advisories': {
      async up(db: Kysely<any>) {
        await db.schema
          .createTable('advisories')
          .ifNotExists()
          .addColumn('id', 'text', (c) => c.primaryKey())
          .addColumn('modified', 'text', (c) => c.notNull())
          .addColumn('withdrawn', 'text')
          .addColumn('aliases', 'text', (c) => c.notNull())
          .addColumn('summary', 'text', (c) => c.notNull())
          .addColumn('severity', 'text', (c) => c.notNull())
          .addColumn('data', 'text', (c) => c.notNull())
          .execute();
        await db.schema
          .createTable('advisory_packages')
          .ifNotExists()
          .addColumn('advisory_id', 'text', (c) => c.notNull())
          .addColumn('ecosystem', 'text', (c) => c.notNull())
          .addColumn('name', 'text', (c) => c.notNull())
          .addColumn('ecosystem_base', 'text', (c) => c.notNull())
          .addColumn('name_key', 'text', (c) => c.notNull())
          // Leading with the advisory: replacing or withdrawing one deletes its rows by prefix.
          .addPrimaryKeyConstraint('advisory_packages_pk', ['advisory_id', 'ecosystem', 'name'])
          .execute();
        // The audit's lookup: every advisory of a package, by base ecosystem and comparable name.
        // It covers the columns the lookup reads, so the audit never visits the table itself.
        await db.schema
          .createIndex('advisory_packages_lookup')
          .ifNotExists()
          .on('advisory_packages')
          .columns(['ecosystem_base', 'name_key', 'ecosystem', 'advisory_id'])
          .execute();
      },
    },
    // The findings table under the hash chain (checkpoint events), code findings' secrets redacted.
    '0003-chain-state': {
      async up(db: Kysely<any>) {
        if (dialect === 'postgres') {
          await upgradeTo0003(db, rewrite); // inside the migrator's transaction
          return;
        }
        // Kysely runs SQLite migrations outside a transaction: this one is all or nothing by itself.
        await sql`begin immediate`.execute(db);
        let redacted = 0;
        try {
          ({ redacted } = await upgradeTo0003(db, rewrite));
          await sql`commit`.execute(db);
        } catch (e) {
          await sql`rollback`.execute(db).catch(() => undefined);
          throw e;
        }
        // The file's free space still holds the secrets 0.1.0 wrote (old row versions): rebuild it.
        if (redacted > 0) {
          await sql`vacuum`.execute(db);
          await sql`pragma wal_checkpoint(truncate)`.execute(db);
        }
      },
    },
    // Incidents (src/incidents): one row per incident, its state materialised from its hash-chained
    // events; CISA's KEV catalogue beside the OSV store; events found by type for reports.
    // "if not exists", like 0002: a migration table rebuilt by hand must not strand the ledger.
    '0004-incidents': {
      async up(db: Kysely<any>) {
        await db.schema
          .createTable('incidents')
          .ifNotExists()
          .addColumn('id', idType, (c) => (dialect === 'sqlite' ? c.primaryKey().autoIncrement() : c.primaryKey()))
          // what opened it: `finding:<id>` or `scan-failed:<schedule>`; one open incident per key
          .addColumn('key', 'text', (c) => c.notNull())
          .addColumn('runbook', 'text', (c) => c.notNull())
          .addColumn('status', 'text', (c) => c.notNull())
          .addColumn('severity', 'text', (c) => c.notNull())
          .addColumn('finding_id', 'integer')
          .addColumn('opened_at', 'text', (c) => c.notNull())
          .addColumn('resolved_at', 'text')
          // JSON: the incident as its events make it (IncidentRecord)
          .addColumn('data', 'text', (c) => c.notNull())
          .execute();
        await db.schema.createIndex('incidents_key').ifNotExists().on('incidents').columns(['key', 'id']).execute();
        await db.schema.createIndex('incidents_status').ifNotExists().on('incidents').columns(['status', 'id']).execute();
        await db.schema.createIndex('incidents_finding').ifNotExists().on('incidents').columns(['finding_id']).execute();
        await db.schema.createIndex('events_type_seq').ifNotExists().on('events').columns(['type', 'seq']).execute();
        await db.schema
          .createTable('kev_entries')
          .ifNotExists()
          .addColumn('cve_id', 'text', (c) => c.primaryKey())
          .addColumn('date_added', 'text', (c) => c.notNull())
          .addColumn('due_date', 'text', (c) => c.notNull())
          .addColumn('data', 'text', (c) => c.notNull())
          .execute();
      },
    },
    // Who may use `vigil serve`'s API (src/ledger/auth-store.ts): users with scrypt password hashes,
    // and API tokens stored as their SHA-256 only. Adding, creating and revoking are chained events;
    // the secrets never are. "if not exists", like 0004.
    '0005-auth': {
      async up(db: Kysely<any>) {
        await db.schema
          .createTable('users')
          .ifNotExists()
          .addColumn('id', idType, (c) => (dialect === 'sqlite' ? c.primaryKey().autoIncrement() : c.primaryKey()))
          .addColumn('name', 'text', (c) => c.notNull().unique())
          .addColumn('role', 'text', (c) => c.notNull())
          // `scrypt$N$r$p$salt$hash`: the parameters travel with the hash, so they can be raised later
          .addColumn('password_hash', 'text', (c) => c.notNull())
          .addColumn('created_at', 'text', (c) => c.notNull())
          .addColumn('disabled_at', 'text')
          .execute();
        await db.schema
          .createTable('api_tokens')
          .ifNotExists()
          .addColumn('id', idType, (c) => (dialect === 'sqlite' ? c.primaryKey().autoIncrement() : c.primaryKey()))
          .addColumn('name', 'text', (c) => c.notNull())
          .addColumn('role', 'text', (c) => c.notNull())
          // SHA-256 (hex) of the token: a request's token is found by its hash, never stored itself
          .addColumn('token_hash', 'text', (c) => c.notNull().unique())
          // the token's first characters, to tell tokens apart in a list
          .addColumn('prefix', 'text', (c) => c.notNull())
          .addColumn('created_at', 'text', (c) => c.notNull())
          .addColumn('expires_at', 'text')
          .addColumn('revoked_at', 'text')
          .addColumn('last_used_at', 'text')
          .execute();
        await db.schema.createIndex('api_tokens_created').ifNotExists().on('api_tokens').columns(['created_at', 'id']).execute();
      },
    },
    '0006-findings-text': {
      async up(db: Kysely<any>) {
        // A text search (`--text`, `?text=`) reads its candidates from this index alone, in the
        // listing's order, never the rows (see listFindings). SQLite only: PostgreSQL refuses b-tree
        // entries over ~2.7 kB, which a long location could reach.
        if (dialect === 'sqlite') {
          await db.schema
            .createIndex('findings_status_sev_text')
            .ifNotExists()
            .on('findings')
            .columns(['status', 'severity_rank', 'id', 'title', 'rule_id', 'location'])
            .execute();
        }
      },
    },
    // Files kept with each run (src/ledger/run-artifacts.ts): its findings as reported, the SBOMs its
    // deps parts matched; gzip-compressed, their digests in the run's run.finished event. A run
    // recorded before this has none. "if not exists", like 0004.
    '0007-run-artifacts': {
      async up(db: Kysely<any>) {
        await db.schema
          .createTable('run_artifacts')
          .ifNotExists()
          .addColumn('run_id', 'text', (c) => c.notNull())
          .addColumn('kind', 'text', (c) => c.notNull())
          // the part's target; '' for what belongs to the whole run
          .addColumn('target', 'text', (c) => c.notNull())
          .addColumn('name', 'text', (c) => c.notNull())
          .addColumn('media_type', 'text', (c) => c.notNull())
          // of the stored (compressed) content, as the run's run.finished event records it
          .addColumn('sha256', 'text', (c) => c.notNull())
          .addColumn('size', dialect === 'postgres' ? 'bigint' : 'integer', (c) => c.notNull())
          .addColumn('content', dialect === 'postgres' ? 'bytea' : 'blob', (c) => c.notNull())
          .addColumn('created_at', 'text', (c) => c.notNull())
          .addPrimaryKeyConstraint('run_artifacts_pk', ['run_id', 'kind', 'target'])
          .execute();
      },
    },
    // Dashboard sessions (src/server/sessions.ts), shared by every `vigil serve` on the ledger and
    // kept across restarts: only the SHA-256 of a session id is stored. Not chained: a session is
    // not a change to what the ledger records. "if not exists", like 0004.
    '0008-sessions': {
      async up(db: Kysely<any>) {
        await db.schema
          .createTable('sessions')
          .ifNotExists()
          .addColumn('id_hash', 'text', (c) => c.primaryKey())
          .addColumn('user_id', 'integer', (c) => c.notNull())
          .addColumn('csrf', 'text', (c) => c.notNull())
          .addColumn('created_at', 'text', (c) => c.notNull())
          .addColumn('expires_at', 'text', (c) => c.notNull())
          .execute();
        await db.schema.createIndex('sessions_user').ifNotExists().on('sessions').columns(['user_id', 'created_at']).execute();
        await db.schema.createIndex('sessions_expires').ifNotExists().on('sessions').columns(['expires_at']).execute();
      },
    },
    // A text search on PostgreSQL (`--text`, `?text=`) through a trigram index over title, rule and
    // location (joined by U+001F, which no search may hold): a text nothing holds is answered from
    // the index (~1 ms at 1,000,000 findings, not a ~400 ms walk of every row). pg_trgm ships with
    // PostgreSQL (contrib) and is a trusted extension; where it cannot be created (a role without
    // CREATE on the database, a server without contrib) the search still works, unindexed. Builds
    // in ~15 s per 1,000,000 findings. SQLite has its covering index (0006).
    '0009-findings-trgm': {
      async up(db: Kysely<any>) {
        if (dialect !== 'postgres') return;
        await sql`savepoint vigil_trgm`.execute(db);
        try {
          await sql`create extension if not exists pg_trgm`.execute(db);
          await sql.raw(`create index if not exists findings_text_trgm on findings using gin ((${FINDINGS_TEXT_PG}) gin_trgm_ops)`).execute(db);
          await sql`release savepoint vigil_trgm`.execute(db);
        } catch {
          await sql`rollback to savepoint vigil_trgm`.execute(db);
        }
      },
    },
    // Uptime probes of `vigil serve` (src/uptime, src/ledger/uptime-store.ts): one row per probe
    // result, each hashed with the previous row of the same probe; the chains' heads are anchored in
    // the event chain by uptime.anchor events. Every read is a range of one probe's index entries:
    // the windows are SQL aggregates over (probe, at, ok), never the rows. "if not exists", like 0004.
    '0010-uptime': {
      async up(db: Kysely<any>) {
        await db.schema
          .createTable('probe_results')
          .ifNotExists()
          .addColumn('id', idType, (c) => (dialect === 'sqlite' ? c.primaryKey().autoIncrement() : c.primaryKey()))
          .addColumn('probe', 'text', (c) => c.notNull())
          .addColumn('url', 'text', (c) => c.notNull())
          .addColumn('at', 'text', (c) => c.notNull())
          // 1 up, 0 down: summed for availability in both dialects
          .addColumn('ok', 'integer', (c) => c.notNull())
          .addColumn('status', 'integer')
          .addColumn('latency_ms', 'integer')
          .addColumn('error', 'text')
          .addColumn('tls_days_left', 'integer')
          .addColumn('hash', 'text', (c) => c.notNull())
          .execute();
        await db.schema.createIndex('probe_results_probe_at').ifNotExists().on('probe_results').columns(['probe', 'at', 'ok']).execute();
        // the chain's order and each probe's head
        await db.schema.createIndex('probe_results_probe_id').ifNotExists().on('probe_results').columns(['probe', 'id']).execute();
        // the current streak: the last success, then the failures after it
        await db.schema.createIndex('probe_results_probe_ok_at').ifNotExists().on('probe_results').columns(['probe', 'ok', 'at']).execute();
      },
    },
  };
}

/**
 * 0.1.0 stored code findings with their secrets and fingerprinted the raw match, and fingerprinted
 * secrets-pass findings with the secret's hash: redact, re-fingerprint.
 */
const REWRITE: StoredFindingRewrite = (f) => redactStoredFinding(f);

/** The text a PostgreSQL search reads: what migration 0009's trigram index holds, written the same way. */
export const FINDINGS_TEXT_PG = 'title || chr(31) || rule_id || chr(31) || location';

/** The `prev_hash` of the first event. */
export const GENESIS_HASH = '0'.repeat(64);

/** Kysely's migration provider over the list above. */
export function migrationProvider(dialect: Dialect): MigrationProvider {
  return { getMigrations: async () => migrations(dialect) };
}
