/** The `postgres` scanner's options (config `scanners: { postgres: {…} }` or CLI flags), checked. */
import { VigilError } from '../../src/errors.js';
import type { Target } from '../../src/model/target.js';
import { redactUrlCredentials } from '../../src/util/redact.js';

export interface PostgresOptions {
  /** Schemas clients reach (PostgREST's db-schemas); default ['public'], plus the API roles' on Supabase. */
  exposedSchemas?: string[];
  /** Mean execution time above which a pg_stat_statements entry is a slow query, in ms (default 1000). */
  slowQueryMs?: number;
  /** Schemas no lint looks at; replaces the default (Supabase's managed schemas). PostgreSQL's own are always skipped. */
  skipSchemas?: string[];
  /** Roles the role lints leave alone, besides the bootstrap superuser (default: Supabase's managed roles). */
  skipRoles?: string[];
  /** Connection (TCP, TLS and start-up) time limit, in ms (default 10000). */
  connectTimeoutMs?: number;
  /** Time limit of each catalog query, in ms (default 30000). */
  statementTimeoutMs?: number;
}

/** Resolved options with their defaults. */
export interface ResolvedOptions {
  exposedSchemas: string[];
  /** True when the user named the exposed schemas (on Supabase they add to the API roles' schemas). */
  exposedConfigured: boolean;
  slowQueryMs: number;
  skipSchemas: string[];
  skipRoles: string[];
  connectTimeoutMs: number;
  statementTimeoutMs: number;
}

const OPTION_KEYS = ['exposedSchemas', 'slowQueryMs', 'skipSchemas', 'skipRoles', 'connectTimeoutMs', 'statementTimeoutMs'] as const;

/** PostgreSQL's own schemas: never linted, whatever skipSchemas says. */
export const SYSTEM_SCHEMAS = ['pg_catalog', 'information_schema', 'pg_toast'];

/**
 * Schemas managed by Supabase and common extensions, as splinter leaves them out: their objects
 * are the platform's, not the application's.
 */
export const DEFAULT_SKIP_SCHEMAS = [
  '_timescaledb_cache', '_timescaledb_catalog', '_timescaledb_config', '_timescaledb_internal', 'auth', 'cron', 'extensions',
  'graphql', 'graphql_public', 'net', 'pgmq', 'pgroonga', 'pgsodium', 'pgsodium_masks', 'pgtle', 'pgbouncer', 'realtime',
  'repack', 'storage', 'supabase_functions', 'supabase_migrations', 'tiger', 'topology', 'vault',
];

/** Supabase's managed roles: the platform needs their attributes (service_role bypasses RLS by design). */
export const DEFAULT_SKIP_ROLES = [
  'supabase_admin', 'supabase_auth_admin', 'supabase_storage_admin', 'supabase_functions_admin', 'supabase_realtime_admin',
  'supabase_replication_admin', 'supabase_read_only_user', 'supabase_etl_admin', 'service_role', 'authenticator', 'dashboard_user', 'pgbouncer', 'pgsodium_keyholder', 'pgsodium_keyiduser', 'pgsodium_keymaker',
];

/** Check the options; a wrong one is a config error naming the option. */
export function checkOptions(raw: Readonly<Record<string, unknown>>): ResolvedOptions {
  const bad = (problem: string): never => {
    throw new VigilError('VIGIL_ERR_CONFIG_INVALID', `postgres: ${problem}`);
  };
  for (const k of Object.keys(raw)) if (!(OPTION_KEYS as readonly string[]).includes(k)) bad(`unknown option "${k}" (known: ${OPTION_KEYS.join(', ')})`);
  const names = (k: string): string[] | undefined => {
    const v = raw[k];
    if (v === undefined) return undefined;
    if (!Array.isArray(v) || !v.every((x) => typeof x === 'string' && x.length > 0 && x.length <= 63)) bad(`${k} is a list of names (1 to 63 characters each)`);
    return v as string[];
  };
  const num = (k: string, min: number, max: number): number | undefined => {
    const v = raw[k];
    if (v === undefined) return undefined;
    if (typeof v !== 'number' || !Number.isFinite(v) || v < min || v > max) bad(`${k} is a number from ${min} to ${max}`);
    return v as number;
  };
  const exposed = names('exposedSchemas');
  return {
    exposedSchemas: exposed ?? ['public'],
    exposedConfigured: exposed !== undefined,
    slowQueryMs: num('slowQueryMs', 0, 86_400_000) ?? 1000,
    skipSchemas: names('skipSchemas') ?? DEFAULT_SKIP_SCHEMAS,
    skipRoles: names('skipRoles') ?? DEFAULT_SKIP_ROLES,
    connectTimeoutMs: num('connectTimeoutMs', 100, 600_000) ?? 10_000,
    statementTimeoutMs: num('statementTimeoutMs', 100, 3_600_000) ?? 30_000,
  };
}

/** Where the scanner connects; `shown` is the URL without its password, for messages. */
export interface Endpoint {
  url: string;
  shown: string;
  host: string;
  port: number;
  database: string;
  user: string;
}

/** A `database` target's postgres:// URL, checked; anything else is a usage error. */
export function endpointOf(target: Target): Endpoint {
  if (target.kind !== 'database') {
    throw new VigilError('VIGIL_ERR_USAGE', `postgres scans a database (a postgres:// URL); "${target.name}" is a ${target.kind}`);
  }
  let u: URL;
  try {
    u = new URL(target.location);
  } catch {
    throw new VigilError('VIGIL_ERR_USAGE', `postgres: "${redactUrlCredentials(target.location)}" is not a postgres:// URL`);
  }
  if (u.protocol !== 'postgres:' && u.protocol !== 'postgresql:') {
    throw new VigilError('VIGIL_ERR_USAGE', `postgres: "${redactUrlCredentials(target.location)}" is not a postgres:// URL`);
  }
  const shownUrl = new URL(u.toString());
  shownUrl.password = '';
  shownUrl.searchParams.delete('password');
  const host = decodeURIComponent(u.hostname.replace(/^\[|\]$/g, '')) || 'localhost';
  return {
    url: target.location,
    shown: shownUrl.toString(),
    host,
    port: u.port ? Number(u.port) : 5432,
    database: decodeURIComponent(u.pathname.replace(/^\//, '')) || '(the user\'s database)',
    user: decodeURIComponent(u.username) || process.env['PGUSER'] || '(the default user)',
  };
}
