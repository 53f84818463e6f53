import type pg from 'pg';
import { VigilError } from '../../src/errors.js';
import type { Finding } from '../../src/model/finding.js';
import type { Scanner, ScanContext } from '../../src/model/scanner.js';
import type { Target } from '../../src/model/target.js';
import { redactSecrets } from '../../src/util/redact.js';
import {
  API_SCHEMAS_SQL, AUTH_USERS_VIEWS_SQL, DUPLICATE_INDEX_SQL, EXTENSIONS_IN_PUBLIC_SQL, FUNCTIONS_SQL, HBA_SQL, HIDDEN_QUERIES_SQL, POLICIES_SQL,
  RELATIONS_SQL, ROLES_SQL, SERVER_SQL, SLOW_QUERIES_SQL, UNINDEXED_FK_SQL, UNUSED_INDEX_SQL,
  type DuplicateIndexRow, type ForeignKeyRow, type FunctionRow, type HbaRow, type NamedRow, type PolicyRow, type RelationRow, type RoleRow, type ServerRow, type SlowQueryRow, type UnusedIndexRow,
} from './catalog.js';
import { connect, hardClose } from './connect.js';
import { lintSnapshot, POSTGRES_SCANNER_ID, type CatalogSnapshot, type Exposure } from './findings.js';
import { LINT_IDS } from './lints.js';
import { checkOptions, endpointOf, SYSTEM_SCHEMAS, type ResolvedOptions } from './options.js';

/**
 * `postgres`: the posture of one PostgreSQL database, with Supabase's database linter (splinter)
 * lints under splinter's names and vigil's own for what splinter lacks (TLS, pg_hba, roles, slow
 * queries). One connection, one READ ONLY transaction, one set-based query per kind of object;
 * a role with no special grants is enough, and what it cannot see is skipped with a note.
 */
export class PostgresScanner implements Scanner {
  readonly id = POSTGRES_SCANNER_ID;
  readonly version = 1;

  async *run(target: Target, ctx: ScanContext): AsyncIterable<Finding> {
    const opts = checkOptions(ctx.options);
    const ep = endpointOf(target);
    ctx.progress(`connecting to ${ep.host}:${ep.port}/${ep.database}`);
    const client = await connect(ep, { connectTimeoutMs: opts.connectTimeoutMs, statementTimeoutMs: opts.statementTimeoutMs, signal: ctx.signal });
    const onAbort = () => hardClose(client);
    ctx.signal.addEventListener('abort', onAbort, { once: true });
    let snapshot: CatalogSnapshot;
    try {
      snapshot = await readSnapshot(client, opts, ctx);
    } catch (e) {
      if (ctx.signal.aborted) throw ctx.signal.reason;
      if (e instanceof VigilError) throw e;
      throw new VigilError('VIGIL_ERR_DATABASE_CONNECT', `postgres: reading the catalog of ${ep.host}:${ep.port}/${ep.database} failed: ${redactSecrets((e as Error).message)}`, {}, { cause: e });
    } finally {
      ctx.signal.removeEventListener('abort', onAbort);
      await client.end().catch(() => undefined);
    }
    const findings = lintSnapshot(snapshot);
    ctx.report?.(summary(snapshot, findings));
    yield* findings;
  }
}

/** Read everything the lints need, in one READ ONLY transaction. */
async function readSnapshot(client: pg.Client, opts: ResolvedOptions, ctx: ScanContext): Promise<CatalogSnapshot> {
  const note = (m: string) => ctx.note?.(m);
  const skip = [...new Set([...SYSTEM_SCHEMAS, ...opts.skipSchemas])];
  const rows = async <T>(sql: string, params: unknown[] = []): Promise<T[]> => {
    ctx.signal.throwIfAborted();
    return (await client.query(sql, params)).rows as T[];
  };
  /** A query some roles may not run: its failure is a note, and the transaction goes on. */
  const optional = async <T>(what: string, sql: string, params: unknown[] = []): Promise<T[] | undefined> => {
    await client.query('SAVEPOINT vigil_optional');
    try {
      const r = await rows<T>(sql, params);
      await client.query('RELEASE SAVEPOINT vigil_optional');
      return r;
    } catch (e) {
      if (ctx.signal.aborted) throw e;
      await client.query('ROLLBACK TO SAVEPOINT vigil_optional');
      note(`${what} skipped: ${redactSecrets((e as Error).message)}`);
      return undefined;
    }
  };

  await client.query(`BEGIN READ ONLY; SET LOCAL statement_timeout = ${Math.floor(opts.statementTimeoutMs)}`);
  try {
    const [server] = await rows<ServerRow>(SERVER_SQL);
    if (!server) throw new Error('the server returned no settings');
    if (server.version_num < 130000) note(`PostgreSQL ${server.version}: vigil's lints are written for PostgreSQL 13 and later; some may fail`);
    if (server.superuser) note(`scanned as superuser "${server.user}": a role with no special grants (plus pg_read_all_settings for pg_hba.conf, pg_read_all_stats for every slow query) is enough`);
    const exposure = await exposureOf(server, opts, skip, rows);
    ctx.progress('reading the catalog');
    const relations = await rows<RelationRow>(RELATIONS_SQL, [skip, server.supabase]);
    const policies = await rows<PolicyRow>(POLICIES_SQL, [skip]);
    const foreignKeys = await rows<ForeignKeyRow>(UNINDEXED_FK_SQL, [skip]);
    const duplicateIndexes = await rows<DuplicateIndexRow>(DUPLICATE_INDEX_SQL, [skip]);
    const unusedIndexes = await rows<UnusedIndexRow>(UNUSED_INDEX_SQL, [skip]);
    const functions = await rows<FunctionRow>(FUNCTIONS_SQL, [skip, server.supabase]);
    const authUsersViews = server.has_auth_users ? await rows<NamedRow>(AUTH_USERS_VIEWS_SQL, [skip]) : [];
    const extensionsInPublic = await rows<NamedRow>(EXTENSIONS_IN_PUBLIC_SQL);
    const roles = await rows<RoleRow>(ROLES_SQL, [skip]);

    let hba: HbaRow[] | undefined;
    if (server.can_read_hba) hba = await optional<HbaRow>('pg_hba.conf check', HBA_SQL);
    else note(`pg_hba.conf check skipped: role "${server.user}" may not read pg_hba_file_rules (it needs superuser or EXECUTE on pg_hba_file_rules())`);

    let slowQueries: SlowQueryRow[] | undefined;
    if (!server.pgss_schema) note('slow query check skipped: the pg_stat_statements extension is not installed in this database (CREATE EXTENSION pg_stat_statements, with it in shared_preload_libraries)');
    else if (server.version_num < 130000) note('slow query check skipped: pg_stat_statements before PostgreSQL 13 has no mean_exec_time');
    else {
      const schema = quoteIdent(server.pgss_schema);
      slowQueries = await optional<SlowQueryRow>('slow query check', SLOW_QUERIES_SQL(schema), [opts.slowQueryMs]);
      const hidden = await optional<{ n: number }>('slow query check', HIDDEN_QUERIES_SQL(schema));
      if (hidden?.[0]?.n) note(`slow query check: ${hidden[0].n} pg_stat_statements entr${hidden[0].n === 1 ? 'y' : 'ies'} of other roles not visible to "${server.user}" (grant it pg_read_all_stats to see them)`);
    }
    return { server, exposure, relations, policies, foreignKeys, duplicateIndexes, unusedIndexes, functions, authUsersViews, extensionsInPublic, roles, hba, slowQueries, slowQueryMs: opts.slowQueryMs, skipRoles: opts.skipRoles };
  } finally {
    await client.query('ROLLBACK').catch(() => undefined);
  }
}

/**
 * Which schemas clients reach. On Supabase: PostgREST's pgrst.db_schemas when the database
 * says, else the schemas anon or authenticated may use; configured ones are added. On a plain
 * PostgreSQL: the configured ones (default public).
 */
async function exposureOf(server: ServerRow, opts: ResolvedOptions, skip: string[], rows: <T>(sql: string, params?: unknown[]) => Promise<T[]>): Promise<Exposure> {
  if (!server.supabase) return { supabase: false, schemas: opts.exposedSchemas, basis: opts.exposedConfigured ? 'configured exposedSchemas' : 'the default exposed schema' };
  let schemas: string[];
  let basis: string;
  if (server.pgrst_schemas) {
    schemas = server.pgrst_schemas.split(',').map((x) => x.trim()).filter(Boolean);
    basis = 'pgrst.db_schemas';
  } else {
    schemas = (await rows<{ schema: string }>(API_SCHEMAS_SQL, [skip])).map((r) => r.schema);
    basis = 'anon or authenticated has USAGE';
  }
  if (opts.exposedConfigured) {
    schemas = [...new Set([...schemas, ...opts.exposedSchemas])];
    basis += ', or configured exposedSchemas';
  }
  return { supabase: true, schemas, basis };
}

function quoteIdent(s: string): string {
  return `"${s.replace(/"/g, '""')}"`;
}

/** The run's summary: what was read and what each lint found. */
function summary(s: CatalogSnapshot, findings: Finding[]): { data: Record<string, unknown>; lines: string[] } {
  const counts: Record<string, number> = {};
  for (const id of LINT_IDS) counts[id] = 0;
  for (const f of findings) counts[f.ruleId] = (counts[f.ruleId] ?? 0) + 1;
  const tables = s.relations.filter((r) => r.kind === 'r' || r.kind === 'p').length;
  const data = {
    database: s.server.database,
    serverVersion: s.server.version,
    user: s.server.user,
    supabase: s.exposure.supabase,
    exposedSchemas: s.exposure.schemas,
    exposureBasis: s.exposure.basis,
    tables,
    views: s.relations.filter((r) => r.kind === 'v' || r.kind === 'm').length,
    policies: s.policies.length,
    functions: s.functions.length,
    roles: s.roles.length,
    hbaChecked: s.hba !== undefined,
    slowQueriesChecked: s.slowQueries !== undefined,
    counts,
  };
  const fired = Object.entries(counts).filter(([, n]) => n > 0);
  return {
    data,
    lines: [
      `${s.server.database} on PostgreSQL ${s.server.version}${s.exposure.supabase ? ' (Supabase)' : ''}: ${tables} tables, ${s.policies.length} policies, ${s.functions.length} functions; exposed schemas ${s.exposure.schemas.join(', ') || 'none'} (${s.exposure.basis})`,
      fired.length ? `lints: ${fired.map(([id, n]) => `${id} ${n}`).join(', ')}` : 'lints: nothing found',
    ],
  };
}

/** The registry's factory. */
export function createPostgresScanner(): Scanner {
  return new PostgresScanner();
}
