/**
 * A live PostgreSQL database → its tables and columns, read from information_schema.columns.
 * The session is made read-only before anything else is sent (`SET default_transaction_read_only`)
 * and every statement has a time limit; the abort signal closes the connection.
 *
 * Read: ordinary and partitioned tables (not their partitions, not views) in every schema except
 * PostgreSQL's own (`pg_*`, information_schema). Supabase's managed schemas (auth, storage, …)
 * are read like any other: auth.users holds e-mail addresses and phone numbers all the same.
 */
import pg from 'pg';
import { redactUrlCredentials } from '../../../src/util/redact.js';
import type { ReadResult, ObservedFieldDetail } from './observed.js';
import { redactDatabaseUrl } from './postgres-url.js';

export interface PostgresReadOptions {
  signal: AbortSignal;
  /** Connection and per-statement time limit, in milliseconds. */
  timeoutMs: number;
  /** At most this many columns are read. */
  maxColumns: number;
}

const COLUMNS_SQL = `
select c.table_schema, c.table_name, c.column_name, c.data_type, c.udt_name, c.character_maximum_length
from information_schema.columns c
join pg_catalog.pg_namespace n on n.nspname = c.table_schema
join pg_catalog.pg_class k on k.relnamespace = n.oid and k.relname = c.table_name
where k.relkind in ('r', 'p')
  and not k.relispartition
  and c.table_schema <> 'information_schema'
  and c.table_schema not like 'pg\\_%'
order by c.table_schema, c.table_name, c.ordinal_position
limit $1`;

interface ColumnRow {
  table_schema: string;
  table_name: string;
  column_name: string;
  data_type: string;
  udt_name: string;
  character_maximum_length: number | null;
}

function typeOf(r: ColumnRow): string {
  if (r.data_type === 'USER-DEFINED') return r.udt_name;
  if (r.data_type === 'ARRAY') return `${r.udt_name.replace(/^_/, '')}[]`;
  return r.character_maximum_length ? `${r.data_type}(${r.character_maximum_length})` : r.data_type;
}

/**
 * A connection whose session refuses writes (`default_transaction_read_only`) and cuts any
 * statement at `timeoutMs`; nothing else is sent before those two settings.
 */
export async function connectReadOnly(url: string, timeoutMs: number): Promise<pg.Client> {
  const client = new pg.Client({
    connectionString: url,
    connectionTimeoutMillis: timeoutMs,
    query_timeout: timeoutMs + 1000,
    application_name: 'vigil-datamap-drift',
  });
  // an error event on an idle client must not become an uncaught exception
  client.on('error', () => undefined);
  try {
    await client.connect();
    await client.query('SET default_transaction_read_only = on');
    await client.query(`SET statement_timeout = ${Math.max(1, Math.floor(timeoutMs))}`);
    return client;
  } catch (e) {
    await client.end().catch(() => undefined);
    throw e;
  }
}

/** Introspect one database. Connection and query failures are problems; an abort throws the signal's reason. */
export async function readPostgres(url: string, opts: PostgresReadOptions): Promise<ReadResult> {
  const source = redactDatabaseUrl(url);
  opts.signal.throwIfAborted();
  let client: pg.Client | undefined;
  const onAbort = () => void client?.end().catch(() => undefined);
  opts.signal.addEventListener('abort', onAbort, { once: true });
  try {
    client = await connectReadOnly(url, opts.timeoutMs);
    opts.signal.throwIfAborted();
    const res = await client.query<ColumnRow>(COLUMNS_SQL, [opts.maxColumns + 1]);
    const rows = res.rows;
    const problems = rows.length > opts.maxColumns ? [{ source, problem: `stopped after ${opts.maxColumns} columns: the rest were not compared` }] : [];
    const fields: ObservedFieldDetail[] = rows.slice(0, opts.maxColumns).map((r) => ({
      origin: 'postgres',
      source,
      table: `${r.table_schema}.${r.table_name}`,
      column: r.column_name,
      type: typeOf(r),
    }));
    return { fields, problems };
  } catch (e) {
    if (opts.signal.aborted) throw opts.signal.reason;
    return { fields: [], problems: [{ source, problem: `could not read the database: ${redactUrlCredentials((e as Error).message)}` }] };
  } finally {
    opts.signal.removeEventListener('abort', onAbort);
    await client?.end().catch(() => undefined);
  }
}
