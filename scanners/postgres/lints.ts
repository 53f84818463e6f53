/**
 * The postgres scanner's lints as data: one record per rule id. Where Supabase's database linter
 * (splinter) has the check, the id, title and level are splinter's, so Supabase users recognise
 * them, and the reference is splinter's documentation page; checks splinter lacks carry vigil's
 * own snake_case ids and `source: 'vigil'`. The findings code only says which lint fired and why.
 *
 * Levels map to severities as splinter's dashboard ranks them: ERROR → high, WARN → medium,
 * INFO → low. The level itself is kept in finding.properties.level.
 */
import type { Severity } from '../../src/model/severity.js';

export type LintLevel = 'ERROR' | 'WARN' | 'INFO';
export type LintCategory = 'SECURITY' | 'PERFORMANCE';

export interface Lint {
  title: string;
  level: LintLevel;
  categories: readonly LintCategory[];
  /** `splinter`: Supabase's lint of that name; `vigil`: vigil's own. */
  source: 'splinter' | 'vigil';
  /** splinter's number (`0013`), for its documentation URL. */
  splinterNumber?: string;
  description: string;
  remediation: string;
  cwe: readonly string[];
  controls: readonly string[];
  references?: readonly string[];
}

/** ERROR → high, WARN → medium, INFO → low. */
export const LEVEL_SEVERITY: Record<LintLevel, Severity> = { ERROR: 'high', WARN: 'medium', INFO: 'low' };

const RLS_DOCS = 'https://www.postgresql.org/docs/current/ddl-rowsecurity.html';
const ACCESS = ['SOC2:CC6.1', 'ISO27001:A.8.3'] as const;
const PRIVILEGE = ['SOC2:CC6.3', 'ISO27001:A.8.2'] as const;
const CRYPTO = ['SOC2:CC6.7', 'ISO27001:A.8.24'] as const;
const CAPACITY = ['ISO27001:A.8.6'] as const;

export const LINTS = {
  unindexed_foreign_keys: {
    title: 'Unindexed foreign keys',
    level: 'INFO',
    categories: ['PERFORMANCE'],
    source: 'splinter',
    splinterNumber: '0001',
    description: 'A foreign key whose columns no index covers: every delete or key update of the referenced row scans the referencing table, and joins on the key cannot use an index.',
    remediation: 'Create an index whose leading columns are the foreign key\'s columns (CREATE INDEX CONCURRENTLY … ON child (fk_column)).',
    cwe: [],
    controls: CAPACITY,
  },
  auth_users_exposed: {
    title: 'Exposed Auth Users',
    level: 'ERROR',
    categories: ['SECURITY'],
    source: 'splinter',
    splinterNumber: '0002',
    description: 'A view in an exposed schema reads auth.users: the e-mail addresses, phone numbers and metadata of every user become readable through the API.',
    remediation: 'Drop the view or move it to a schema the API does not expose; if the API needs it, make it security_invoker and revoke its SELECT from anon, authenticated and PUBLIC.',
    cwe: ['CWE-200'],
    controls: ACCESS,
  },
  auth_rls_initplan: {
    title: 'Auth RLS Initialization Plan',
    level: 'WARN',
    categories: ['PERFORMANCE'],
    source: 'splinter',
    splinterNumber: '0003',
    description: 'A row-level security policy calls current_setting() or auth.<function>() directly, so the call is re-evaluated for every row instead of once per statement.',
    remediation: 'Wrap the call in a sub-select so the planner evaluates it once: replace auth.uid() with (select auth.uid()) and current_setting(\'x\') with (select current_setting(\'x\')).',
    cwe: [],
    controls: CAPACITY,
    references: ['https://supabase.com/docs/guides/database/postgres/row-level-security#call-functions-with-select'],
  },
  no_primary_key: {
    title: 'No Primary Key',
    level: 'INFO',
    categories: ['PERFORMANCE'],
    source: 'splinter',
    splinterNumber: '0004',
    description: 'A table without a primary key: rows cannot be addressed reliably, logical replication cannot replicate its updates and deletes, and duplicates creep in.',
    remediation: 'Add a primary key (ALTER TABLE … ADD PRIMARY KEY (…), or an identity column).',
    cwe: [],
    controls: [],
  },
  unused_index: {
    title: 'Unused Index',
    level: 'INFO',
    categories: ['PERFORMANCE'],
    source: 'splinter',
    splinterNumber: '0005',
    description: 'An index that has never been scanned since statistics were last reset, on a table in use (rows written, or read through another index): it slows every write and takes space for nothing.',
    remediation: 'Check the statistics cover a representative period (pg_stat_user_indexes.idx_scan, on every replica), then DROP INDEX CONCURRENTLY.',
    cwe: [],
    controls: CAPACITY,
  },
  multiple_permissive_policies: {
    title: 'Multiple Permissive Policies',
    level: 'WARN',
    categories: ['PERFORMANCE'],
    source: 'splinter',
    splinterNumber: '0006',
    description: 'More than one permissive policy applies to the same role and action on a table: PostgreSQL evaluates every one of them for every row, and their OR is easy to widen by mistake.',
    remediation: 'Merge the permissive policies for that role and action into one (combine their conditions with OR), or make the narrowing ones RESTRICTIVE.',
    cwe: [],
    controls: CAPACITY,
    references: [RLS_DOCS],
  },
  policy_exists_rls_disabled: {
    title: 'Policy Exists RLS Disabled',
    level: 'ERROR',
    categories: ['SECURITY'],
    source: 'splinter',
    splinterNumber: '0007',
    description: 'Row-level security policies exist on a table whose row-level security is disabled: the policies are ignored and every row is visible to whoever holds a privilege on the table.',
    remediation: 'ALTER TABLE … ENABLE ROW LEVEL SECURITY (and FORCE ROW LEVEL SECURITY if the owner must be bound too), or drop the policies if they are obsolete.',
    cwe: ['CWE-284'],
    controls: ACCESS,
    references: [RLS_DOCS],
  },
  rls_enabled_no_policy: {
    title: 'RLS Enabled No Policy',
    level: 'INFO',
    categories: ['SECURITY'],
    source: 'splinter',
    splinterNumber: '0008',
    description: 'Row-level security is enabled on a table that has no policy: every role but the owner and BYPASSRLS roles sees no rows, which is rarely what was meant.',
    remediation: 'Create the policies the table needs (CREATE POLICY … USING (…)), or say in a comment that deny-all is intended.',
    cwe: [],
    controls: ACCESS,
    references: [RLS_DOCS],
  },
  duplicate_index: {
    title: 'Duplicate Index',
    level: 'WARN',
    categories: ['PERFORMANCE'],
    source: 'splinter',
    splinterNumber: '0009',
    description: 'Two or more indexes of a table are identical (same columns, operator classes, collations, expressions and predicate): every write maintains each copy for nothing.',
    remediation: 'Keep one and DROP INDEX CONCURRENTLY the others (keep the one backing a constraint, if any).',
    cwe: [],
    controls: CAPACITY,
  },
  security_definer_view: {
    title: 'Security Definer View',
    level: 'ERROR',
    categories: ['SECURITY'],
    source: 'splinter',
    splinterNumber: '0010',
    description: 'An exposed view runs with its owner\'s privileges (no security_invoker): it bypasses the row-level security of the tables it reads for whoever may select from it.',
    remediation: 'ALTER VIEW … SET (security_invoker = on) (PostgreSQL 15+), or revoke SELECT on it from the API roles and PUBLIC, or move it out of the exposed schemas.',
    cwe: ['CWE-269'],
    controls: ACCESS,
  },
  function_search_path_mutable: {
    title: 'Function Search Path Mutable',
    level: 'WARN',
    categories: ['SECURITY'],
    source: 'splinter',
    splinterNumber: '0011',
    description: 'A function does not fix its search_path, so the objects it names resolve against the caller\'s search_path: a caller who can create objects in a schema on that path can make it run their code.',
    remediation: 'ALTER FUNCTION … SET search_path = \'\' (and schema-qualify the names in its body), or set it to the trusted schemas it needs, pg_catalog first.',
    cwe: ['CWE-426'],
    controls: ACCESS,
    references: ['https://www.postgresql.org/docs/current/sql-createfunction.html#SQL-CREATEFUNCTION-SECURITY'],
  },
  rls_disabled_in_public: {
    title: 'RLS Disabled in Public',
    level: 'ERROR',
    categories: ['SECURITY'],
    source: 'splinter',
    splinterNumber: '0013',
    description: 'A table clients can reach (in an exposed schema, or with a privilege granted to PUBLIC) has row-level security disabled: any role with a table privilege reads or writes every row.',
    remediation: 'ALTER TABLE … ENABLE ROW LEVEL SECURITY and create the policies that say who sees which rows; or move the table out of the exposed schemas and revoke PUBLIC\'s privileges.',
    cwe: ['CWE-284'],
    controls: ACCESS,
    references: [RLS_DOCS],
  },
  extension_in_public: {
    title: 'Extension in Public',
    level: 'WARN',
    categories: ['SECURITY'],
    source: 'splinter',
    splinterNumber: '0014',
    description: 'An extension is installed in the public schema: its functions and tables sit in the schema clients reach and on everyone\'s search_path.',
    remediation: 'Install extensions in their own schema (CREATE SCHEMA extensions; ALTER EXTENSION … SET SCHEMA extensions, where the extension allows it).',
    cwe: [],
    controls: ACCESS,
  },
  rls_references_user_metadata: {
    title: 'RLS references user metadata',
    level: 'ERROR',
    categories: ['SECURITY'],
    source: 'splinter',
    splinterNumber: '0015',
    description: 'A row-level security policy reads user_metadata from the JWT: end users can edit their own user_metadata, so the policy trusts what the user says about themselves.',
    remediation: 'Base the policy on app_metadata (which only the server can write) or on a table the user cannot write.',
    cwe: ['CWE-639'],
    controls: ACCESS,
  },
  materialized_view_in_api: {
    title: 'Materialized View in API',
    level: 'WARN',
    categories: ['SECURITY'],
    source: 'splinter',
    splinterNumber: '0016',
    description: 'A materialized view in an exposed schema: materialized views have no row-level security, so every row is readable by whoever may select from it.',
    remediation: 'Move the materialized view out of the exposed schemas, or revoke SELECT on it from the API roles and PUBLIC.',
    cwe: ['CWE-284'],
    controls: ACCESS,
  },
  foreign_table_in_api: {
    title: 'Foreign Table in API',
    level: 'WARN',
    categories: ['SECURITY'],
    source: 'splinter',
    splinterNumber: '0017',
    description: 'A foreign table in an exposed schema: foreign tables have no row-level security, so every row of the remote table is readable by whoever may select from it.',
    remediation: 'Move the foreign table out of the exposed schemas, or revoke its privileges from the API roles and PUBLIC.',
    cwe: ['CWE-284'],
    controls: ACCESS,
  },
  anon_security_definer_function_executable: {
    title: 'SECURITY DEFINER Function Executable by Anon',
    level: 'WARN',
    categories: ['SECURITY'],
    source: 'splinter',
    splinterNumber: '0028',
    description: 'The anon role may execute a SECURITY DEFINER function: it runs with its owner\'s privileges and bypasses row-level security, callable by anyone holding the public anon key (/rest/v1/rpc).',
    remediation: 'REVOKE EXECUTE ON FUNCTION … FROM anon, PUBLIC; or make it SECURITY INVOKER; or move it out of the exposed schemas.',
    cwe: ['CWE-269'],
    controls: ACCESS,
  },
  authenticated_security_definer_function_executable: {
    title: 'SECURITY DEFINER Function Executable by Authenticated',
    level: 'WARN',
    categories: ['SECURITY'],
    source: 'splinter',
    splinterNumber: '0029',
    description: 'The authenticated role may execute a SECURITY DEFINER function: it runs with its owner\'s privileges and bypasses row-level security for every signed-in user.',
    remediation: 'REVOKE EXECUTE ON FUNCTION … FROM authenticated, PUBLIC where the function is not meant for every user; or make it SECURITY INVOKER.',
    cwe: ['CWE-269'],
    controls: ACCESS,
  },
  security_definer_function: {
    title: 'SECURITY DEFINER function executable by clients',
    level: 'WARN',
    categories: ['SECURITY'],
    source: 'vigil',
    description: 'A SECURITY DEFINER function in an exposed schema, or executable by PUBLIC (PostgreSQL grants EXECUTE to PUBLIC by default): it runs with its owner\'s privileges, past row-level security, for every caller.',
    remediation: 'REVOKE EXECUTE ON FUNCTION … FROM PUBLIC and grant it only to the roles that need it; make it SECURITY INVOKER if it need not be privileged; always fix its search_path.',
    cwe: ['CWE-269'],
    controls: ACCESS,
    references: ['https://www.postgresql.org/docs/current/sql-createfunction.html#SQL-CREATEFUNCTION-SECURITY'],
  },
  ssl_disabled: {
    title: 'Server accepts connections without TLS (ssl = off)',
    level: 'WARN',
    categories: ['SECURITY'],
    source: 'vigil',
    description: 'The server has ssl off: passwords (unless SCRAM) and every row travel in clear text between clients and the server.',
    remediation: 'Set ssl = on with ssl_cert_file and ssl_key_file, then require it: hostssl lines in pg_hba.conf (and sslmode=verify-full on clients).',
    cwe: ['CWE-319'],
    controls: CRYPTO,
    references: ['https://www.postgresql.org/docs/current/ssl-tcp.html'],
  },
  hba_host_without_ssl: {
    title: 'pg_hba.conf allows non-TLS connections from the network',
    level: 'WARN',
    categories: ['SECURITY'],
    source: 'vigil',
    description: 'A `host` (or `hostnossl`) line of pg_hba.conf admits TCP connections from beyond the loopback without TLS.',
    remediation: 'Change the line to `hostssl` (after enabling ssl), so connections from the network must use TLS.',
    cwe: ['CWE-319'],
    controls: CRYPTO,
    references: ['https://www.postgresql.org/docs/current/auth-pg-hba-conf.html'],
  },
  superuser_role: {
    title: 'Application role is a superuser',
    level: 'ERROR',
    categories: ['SECURITY'],
    source: 'vigil',
    description: 'A superuser other than the bootstrap superuser owns or is granted privileges on this database\'s objects: an application using it bypasses every permission check and row-level security, and can run programs on the server (COPY … PROGRAM).',
    remediation: 'ALTER ROLE … NOSUPERUSER; give the application a role that owns nothing it does not need and holds only the grants it uses.',
    cwe: ['CWE-250'],
    controls: PRIVILEGE,
  },
  overprivileged_role: {
    title: 'Application role holds powers it should not need',
    level: 'WARN',
    categories: ['SECURITY'],
    source: 'vigil',
    description: 'A login role that owns or is granted privileges on this database\'s objects also has BYPASSRLS, CREATEROLE or CREATEDB, or belongs to a predefined role that reads or writes server files or runs programs.',
    remediation: 'ALTER ROLE … NOBYPASSRLS NOCREATEROLE NOCREATEDB and REVOKE the predefined roles; keep those powers on an administrator role the application never logs in as.',
    cwe: ['CWE-250'],
    controls: PRIVILEGE,
  },
  slow_query: {
    title: 'Slow query',
    level: 'WARN',
    categories: ['PERFORMANCE'],
    source: 'vigil',
    description: 'A statement whose mean execution time in pg_stat_statements is above the budget (default 1 s: sub-second responses for every user interaction).',
    remediation: 'EXPLAIN (ANALYZE, BUFFERS) the statement: add the index it lacks, narrow what it reads, or move it off the request path.',
    cwe: [],
    controls: CAPACITY,
    references: ['https://www.postgresql.org/docs/current/pgstatstatements.html'],
  },
} as const satisfies Record<string, Lint>;

export type LintId = keyof typeof LINTS;

/** Every rule id, in the table's order. */
export const LINT_IDS = Object.keys(LINTS) as LintId[];

/** The documentation URL of a lint: splinter's page for splinter's lints. */
export function lintReferences(id: LintId): string[] {
  const l: Lint = LINTS[id];
  const own = l.references ? [...l.references] : [];
  return l.splinterNumber ? [`https://supabase.com/docs/guides/database/database-linter?lint=${l.splinterNumber}_${id}`, ...own] : own;
}
