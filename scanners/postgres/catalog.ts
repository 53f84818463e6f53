/**
 * The catalog queries: one set-based query per kind of object, never one per table, so a database
 * of thousands of tables and policies is read in a handful of round trips. Every query takes the
 * schemas to skip as $1 and leaves out PostgreSQL's own schemas and objects that belong to an
 * extension. Queries that need a privilege a plain role may lack are asked for only when
 * `has_*_privilege` says they will work (see postgres-scanner.ts).
 */

/** Schema filter shared by the queries: not skipped, not PostgreSQL's own (pg_*, information_schema). */
const SCHEMA_OK = (n: string) => `${n}.nspname <> all($1::text[]) and ${n}.nspname not like 'pg\\_%' and ${n}.nspname <> 'information_schema'`;
/** Not created by an extension. */
const NOT_EXTENSION = (oid: string, catalog: string) => `not exists (select 1 from pg_catalog.pg_depend d where d.classid = '${catalog}'::regclass and d.objid = ${oid} and d.deptype = 'e')`;

/** What the server and the session are. */
export const SERVER_SQL = `
select current_database() as database,
       current_user as "user",
       current_setting('server_version') as version,
       current_setting('server_version_num')::int as version_num,
       current_setting('ssl') as ssl,
       current_setting('listen_addresses', true) as listen_addresses,
       current_setting('pgrst.db_schemas', true) as pgrst_schemas,
       (select rolsuper from pg_catalog.pg_roles where rolname = current_user) as superuser,
       exists (select 1 from pg_catalog.pg_roles where rolname = 'anon') and exists (select 1 from pg_catalog.pg_roles where rolname = 'authenticated') as supabase,
       has_function_privilege('pg_catalog.pg_hba_file_rules()', 'EXECUTE') as can_read_hba,
       (select n.nspname from pg_catalog.pg_extension e join pg_catalog.pg_namespace n on n.oid = e.extnamespace where e.extname = 'pg_stat_statements') as pgss_schema,
       to_regclass('auth.users') is not null as has_auth_users`;

export interface ServerRow {
  database: string;
  user: string;
  version: string;
  version_num: number;
  ssl: string;
  listen_addresses: string | null;
  pgrst_schemas: string | null;
  superuser: boolean;
  supabase: boolean;
  can_read_hba: boolean;
  pgss_schema: string | null;
  has_auth_users: boolean;
}

/** On Supabase: the schemas the API roles may use ($1: schemas to skip). */
export const API_SCHEMAS_SQL = `
select n.nspname as schema from pg_catalog.pg_namespace n
where ${SCHEMA_OK('n')}
  and (has_schema_privilege('anon', n.oid, 'USAGE') or has_schema_privilege('authenticated', n.oid, 'USAGE'))
order by 1`;

/**
 * Tables, views, materialized views and foreign tables: RLS state, policy count, primary key,
 * PUBLIC's privileges and (on Supabase) the API roles' SELECT. `$2`: true on Supabase.
 */
export const RELATIONS_SQL = `
select n.nspname as schema, c.relname as name, c.relkind as kind, c.relispartition as partition,
       c.relrowsecurity as rls, coalesce(c.reloptions, '{}') as options,
       (select count(*)::int from pg_catalog.pg_policy p where p.polrelid = c.oid) as policies,
       exists (select 1 from pg_catalog.pg_constraint k where k.conrelid = c.oid and k.contype = 'p') as has_pk,
       has_table_privilege('public', c.oid, 'SELECT, INSERT, UPDATE, DELETE, TRUNCATE, REFERENCES, TRIGGER') as public_grant,
       case when $2 then has_table_privilege('anon', c.oid, 'SELECT') or has_table_privilege('authenticated', c.oid, 'SELECT') else false end as api_select
from pg_catalog.pg_class c
join pg_catalog.pg_namespace n on n.oid = c.relnamespace
where c.relkind in ('r', 'p', 'v', 'm', 'f')
  and ${SCHEMA_OK('n')}
  and ${NOT_EXTENSION('c.oid', 'pg_catalog.pg_class')}
order by 1, 2`;

export interface RelationRow {
  schema: string;
  name: string;
  kind: 'r' | 'p' | 'v' | 'm' | 'f';
  partition: boolean;
  rls: boolean;
  options: string[];
  policies: number;
  has_pk: boolean;
  public_grant: boolean;
  api_select: boolean;
}

/** Every policy with its roles (`public` for PUBLIC) and expressions as PostgreSQL prints them. */
export const POLICIES_SQL = `
select n.nspname as schema, c.relname as "table", p.polname as name, p.polpermissive as permissive, p.polcmd as cmd,
       array(select case when r = 0 then 'public' else pg_catalog.pg_get_userbyid(r)::text end from unnest(p.polroles) r order by 1) as roles,
       pg_catalog.pg_get_expr(p.polqual, p.polrelid) as qual,
       pg_catalog.pg_get_expr(p.polwithcheck, p.polrelid) as with_check
from pg_catalog.pg_policy p
join pg_catalog.pg_class c on c.oid = p.polrelid
join pg_catalog.pg_namespace n on n.oid = c.relnamespace
where ${SCHEMA_OK('n')}
  and ${NOT_EXTENSION('c.oid', 'pg_catalog.pg_class')}
order by 1, 2, 3`;

export interface PolicyRow {
  schema: string;
  table: string;
  name: string;
  permissive: boolean;
  /** r, a (insert), w (update), d, or * (all). */
  cmd: 'r' | 'a' | 'w' | 'd' | '*';
  roles: string[];
  qual: string | null;
  with_check: string | null;
}

/**
 * Foreign keys no index covers: no valid, non-partial index whose leading columns are exactly the
 * key's columns (in any order), as splinter judges it.
 */
export const UNINDEXED_FK_SQL = `
select n.nspname as schema, c.relname as "table", k.conname as name,
       array(select a.attname::text from unnest(k.conkey) with ordinality u(attnum, i)
             join pg_catalog.pg_attribute a on a.attrelid = k.conrelid and a.attnum = u.attnum order by u.i) as columns,
       k.confrelid::regclass::text as references
from pg_catalog.pg_constraint k
join pg_catalog.pg_class c on c.oid = k.conrelid
join pg_catalog.pg_namespace n on n.oid = c.relnamespace
where k.contype = 'f'
  and ${SCHEMA_OK('n')}
  and ${NOT_EXTENSION('c.oid', 'pg_catalog.pg_class')}
  and not exists (
    select 1 from pg_catalog.pg_index i
    where i.indrelid = k.conrelid and i.indisvalid and i.indpred is null
      and (string_to_array(i.indkey::text, ' ')::int2[])[1:cardinality(k.conkey)] @> k.conkey
      and (string_to_array(i.indkey::text, ' ')::int2[])[1:cardinality(k.conkey)] <@ k.conkey)
order by 1, 2, 3`;

export interface ForeignKeyRow {
  schema: string;
  table: string;
  name: string;
  columns: string[];
  references: string;
}

/** Sets of identical indexes of one table (columns, operator classes, collations, expressions, predicate). */
export const DUPLICATE_INDEX_SQL = `
select n.nspname as schema, c.relname as "table", array_agg(ic.relname::text order by ic.relname) as indexes
from pg_catalog.pg_index i
join pg_catalog.pg_class ic on ic.oid = i.indexrelid
join pg_catalog.pg_class c on c.oid = i.indrelid
join pg_catalog.pg_namespace n on n.oid = c.relnamespace
where ${SCHEMA_OK('n')}
  and ${NOT_EXTENSION('c.oid', 'pg_catalog.pg_class')}
group by n.nspname, c.relname, i.indrelid, i.indkey::text, i.indclass::text, i.indcollation::text,
         coalesce(pg_catalog.pg_get_expr(i.indexprs, i.indrelid), ''), coalesce(pg_catalog.pg_get_expr(i.indpred, i.indrelid), '')
having count(*) > 1
order by 1, 2, 3`;

export interface DuplicateIndexRow {
  schema: string;
  table: string;
  indexes: string[];
}

/**
 * Indexes never scanned, on tables in use since statistics began (rows written, or read through
 * an index): an index on a table nobody uses yet says nothing. Sequential scans do not count as
 * use, as building an index scans its table. Unique, primary-key and constraint indexes enforce
 * something, so they are left out.
 */
export const UNUSED_INDEX_SQL = `
select s.schemaname as schema, s.relname as "table", s.indexrelname as name
from pg_catalog.pg_stat_user_indexes s
join pg_catalog.pg_index i on i.indexrelid = s.indexrelid
join pg_catalog.pg_stat_user_tables t on t.relid = s.relid
join pg_catalog.pg_namespace n on n.nspname = s.schemaname
where s.idx_scan = 0
  and not i.indisunique and not i.indisprimary
  and (coalesce(t.idx_scan, 0) > 0 or t.n_tup_ins + t.n_tup_upd + t.n_tup_del > 0)
  and not exists (select 1 from pg_catalog.pg_constraint k where k.conindid = s.indexrelid)
  and ${SCHEMA_OK('n')}
  and ${NOT_EXTENSION('s.relid', 'pg_catalog.pg_class')}
order by 1, 2, 3`;

export interface UnusedIndexRow {
  schema: string;
  table: string;
  name: string;
}

/** Functions and procedures: SECURITY DEFINER, a fixed search_path, who may execute them. `$2`: Supabase. */
export const FUNCTIONS_SQL = `
select n.nspname as schema, p.proname as name, pg_catalog.pg_get_function_identity_arguments(p.oid) as args,
       pg_catalog.oidvectortypes(p.proargtypes) as arg_types,
       p.prosecdef as security_definer,
       exists (select 1 from unnest(coalesce(p.proconfig, '{}')) cfg where cfg like 'search\\_path=%') as fixed_search_path,
       has_function_privilege('public', p.oid, 'EXECUTE') as public_execute,
       case when $2 then has_function_privilege('anon', p.oid, 'EXECUTE') else false end as anon_execute,
       case when $2 then has_function_privilege('authenticated', p.oid, 'EXECUTE') else false end as authenticated_execute
from pg_catalog.pg_proc p
join pg_catalog.pg_namespace n on n.oid = p.pronamespace
where p.prokind in ('f', 'p')
  and ${SCHEMA_OK('n')}
  and ${NOT_EXTENSION('p.oid', 'pg_catalog.pg_proc')}
order by 1, 2, 3`;

export interface FunctionRow {
  schema: string;
  name: string;
  /** With parameter names, as \df prints them: for evidence. */
  args: string;
  /** Types only (`integer, text`): the location, so renaming a parameter keeps the fingerprint. */
  arg_types: string;
  security_definer: boolean;
  fixed_search_path: boolean;
  public_execute: boolean;
  anon_execute: boolean;
  authenticated_execute: boolean;
}

/** Views that read auth.users (asked only when auth.users exists). */
export const AUTH_USERS_VIEWS_SQL = `
select distinct n.nspname as schema, c.relname as name
from pg_catalog.pg_depend d
join pg_catalog.pg_rewrite rw on rw.oid = d.objid and d.classid = 'pg_catalog.pg_rewrite'::regclass
join pg_catalog.pg_class c on c.oid = rw.ev_class
join pg_catalog.pg_namespace n on n.oid = c.relnamespace
where d.refclassid = 'pg_catalog.pg_class'::regclass and d.refobjid = 'auth.users'::regclass
  and c.relkind in ('v', 'm') and c.oid <> 'auth.users'::regclass
  and ${SCHEMA_OK('n')}
order by 1, 2`;

export interface NamedRow {
  schema: string;
  name: string;
}

/** Extensions installed in the public schema (plpgsql is there by default and harmless). */
export const EXTENSIONS_IN_PUBLIC_SQL = `
select 'public' as schema, e.extname as name
from pg_catalog.pg_extension e
where e.extnamespace = (select oid from pg_catalog.pg_namespace where nspname = 'public')
  and e.extname <> 'plpgsql'
order by 2`;

/** pg_hba.conf as the server parsed it (superuser or an explicit EXECUTE grant). */
export const HBA_SQL = `
select line_number, type, database, user_name, address, netmask, auth_method, error
from pg_catalog.pg_hba_file_rules
order by line_number`;

export interface HbaRow {
  line_number: number;
  type: string | null;
  database: string[] | null;
  user_name: string[] | null;
  address: string | null;
  netmask: string | null;
  auth_method: string | null;
  error: string | null;
}

/**
 * Roles that own this database's application objects or hold privileges on its tables, with
 * their powers. Cluster-wide roles that touch nothing here are not this database's concern.
 */
export const ROLES_SQL = `
with app_rel as (
  select c.oid, c.relowner, c.relacl from pg_catalog.pg_class c
  join pg_catalog.pg_namespace n on n.oid = c.relnamespace
  where c.relkind in ('r', 'p', 'v', 'm', 'f', 'S') and ${SCHEMA_OK('n')}
), involved as (
  select relowner as role, 'owns' as how from app_rel
  union select (x.a).grantee, 'granted' from (select relowner, aclexplode(relacl) as a from app_rel where relacl is not null) x where (x.a).grantee <> x.relowner
  union select p.proowner, 'owns' from pg_catalog.pg_proc p join pg_catalog.pg_namespace n on n.oid = p.pronamespace where ${SCHEMA_OK('n')}
  union select n.nspowner, 'owns' from pg_catalog.pg_namespace n where ${SCHEMA_OK('n')} and n.nspname <> 'public'
)
select r.rolname as name, r.rolsuper as superuser, r.rolbypassrls as bypassrls, r.rolcreaterole as createrole, r.rolcreatedb as createdb,
       r.rolcanlogin as login, r.oid = 10 as bootstrap,
       array(select distinct how from involved i2 where i2.role = r.oid order by 1) as how,
       array(select g.rolname::text from pg_catalog.pg_roles g
             where g.rolname in ('pg_execute_server_program', 'pg_read_server_files', 'pg_write_server_files', 'pg_write_all_data')
               and not r.rolsuper and pg_catalog.pg_has_role(r.oid, g.oid, 'MEMBER') order by 1) as powerful_memberships
from pg_catalog.pg_roles r
where r.oid in (select role from involved where role <> 0)
order by 1`;

export interface RoleRow {
  name: string;
  superuser: boolean;
  bypassrls: boolean;
  createrole: boolean;
  createdb: boolean;
  login: boolean;
  bootstrap: boolean;
  how: string[];
  powerful_memberships: string[];
}

/**
 * pg_stat_statements entries of this database above the budget ($1, ms), per queryid across
 * users. Rows whose queryid the role may not see (another user's, without pg_read_all_stats) are
 * counted apart. `%s` is the extension's schema, quoted.
 */
export const SLOW_QUERIES_SQL = (schema: string) => `
select s.queryid::text as queryid, min(s.query) as query, sum(s.calls)::bigint::text as calls,
       sum(s.total_exec_time) / nullif(sum(s.calls), 0) as mean_ms, max(s.max_exec_time) as max_ms
from ${schema}.pg_stat_statements s
where s.dbid = (select oid from pg_catalog.pg_database where datname = current_database())
  and s.queryid is not null
group by s.queryid
having sum(s.total_exec_time) / nullif(sum(s.calls), 0) > $1
order by mean_ms desc, queryid
limit 200`;

export interface SlowQueryRow {
  queryid: string;
  query: string;
  calls: string;
  mean_ms: number;
  max_ms: number;
}

/** Rows of pg_stat_statements in this database whose queryid this role may not see. */
export const HIDDEN_QUERIES_SQL = (schema: string) => `
select count(*)::int as n from ${schema}.pg_stat_statements s
where s.dbid = (select oid from pg_catalog.pg_database where datname = current_database()) and s.queryid is null`;
