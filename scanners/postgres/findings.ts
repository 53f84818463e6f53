/**
 * What the catalog says → findings. Pure: the scanner reads a snapshot of the catalog in one
 * read-only transaction (postgres-scanner.ts), and everything here judges that snapshot, so the
 * judgement is testable as tables of rows.
 */
import { createFinding } from '../../src/model/create.js';
import type { Finding } from '../../src/model/finding.js';
import type { DatabaseLocation } from '../../src/model/location.js';
import { redactSecrets } from '../../src/util/redact.js';
import type { DuplicateIndexRow, ForeignKeyRow, FunctionRow, HbaRow, NamedRow, PolicyRow, RelationRow, RoleRow, ServerRow, SlowQueryRow, UnusedIndexRow } from './catalog.js';
import { LEVEL_SEVERITY, LINTS, lintReferences, type LintId, type LintLevel } from './lints.js';
import { readsUserMetadata, unwrappedCalls } from './policy-text.js';

export const POSTGRES_SCANNER_ID = 'postgres';

/** Which schemas count as exposed, and why. */
export interface Exposure {
  /** Supabase's API roles (anon, authenticated) exist. */
  supabase: boolean;
  schemas: string[];
  /** How the schemas were chosen, for evidence: "the API roles' USAGE", "configured", "pgrst.db_schemas". */
  basis: string;
}

/** Everything the lints judge, read in one transaction. Optional parts could not be read (see the notes). */
export interface CatalogSnapshot {
  server: ServerRow;
  exposure: Exposure;
  relations: RelationRow[];
  policies: PolicyRow[];
  foreignKeys: ForeignKeyRow[];
  duplicateIndexes: DuplicateIndexRow[];
  unusedIndexes: UnusedIndexRow[];
  functions: FunctionRow[];
  authUsersViews: NamedRow[];
  extensionsInPublic: NamedRow[];
  roles: RoleRow[];
  hba?: HbaRow[];
  slowQueries?: SlowQueryRow[];
  slowQueryMs: number;
  skipRoles: string[];
}

/** Longest evidence excerpt of a policy expression or a query text. */
const MAX_TEXT = 300;

function excerpt(text: string): string {
  const one = text.replace(/\s+/g, ' ').trim();
  return redactSecrets(one.length > MAX_TEXT ? `${one.slice(0, MAX_TEXT)}…` : one);
}

function q(schema: string, name: string): string {
  return `${schema}.${name}`;
}

const CMD: Record<PolicyRow['cmd'], string[]> = { r: ['SELECT'], a: ['INSERT'], w: ['UPDATE'], d: ['DELETE'], '*': ['SELECT', 'INSERT', 'UPDATE', 'DELETE'] };

/** The findings of one snapshot, in lint order. */
export function lintSnapshot(s: CatalogSnapshot): Finding[] {
  const out: Finding[] = [];
  const add = (id: LintId, location: DatabaseLocation, evidence: string, extra: { level?: LintLevel; context?: string; properties?: Record<string, unknown> } = {}) => {
    const lint = LINTS[id];
    const level = extra.level ?? lint.level;
    out.push(
      createFinding({
        scanner: POSTGRES_SCANNER_ID,
        ruleId: id,
        title: lint.title,
        severity: LEVEL_SEVERITY[level],
        confidence: 'high',
        cwe: [...lint.cwe],
        location,
        evidence: redactSecrets(evidence),
        remediation: lint.remediation,
        references: lintReferences(id),
        tags: ['postgres', lint.source, ...lint.categories.map((c) => c.toLowerCase())],
        controls: [...lint.controls],
        properties: { level, source: lint.source, ...(s.exposure.supabase ? { supabase: true } : {}), ...extra.properties },
        ...(extra.context ? { fingerprintContext: extra.context } : {}),
      }),
    );
  };
  const exposedSchemas = new Set(s.exposure.schemas);
  const schemaBasis = (schema: string) => `schema ${schema} is exposed (${s.exposure.basis})`;
  /** Why a table-like relation is reachable by clients, or undefined. PUBLIC's grants count on a plain PostgreSQL. */
  const tableExposure = (r: RelationRow): string | undefined => {
    if (exposedSchemas.has(r.schema)) return schemaBasis(r.schema);
    if (!s.exposure.supabase && r.public_grant) return 'PUBLIC holds privileges on it';
    return undefined;
  };
  /** Views and the like: on Supabase, splinter's rule (the API roles may select it); otherwise the exposed schemas or PUBLIC's grants. */
  const viewExposure = (r: RelationRow): string | undefined => {
    if (s.exposure.supabase) return exposedSchemas.has(r.schema) && r.api_select ? `${schemaBasis(r.schema)} and anon or authenticated may select it` : undefined;
    return tableExposure(r);
  };

  const tables = s.relations.filter((r) => r.kind === 'r' || r.kind === 'p');
  const policiesOf = new Map<string, PolicyRow[]>();
  for (const p of s.policies) {
    const k = q(p.schema, p.table);
    const list = policiesOf.get(k);
    if (list) list.push(p);
    else policiesOf.set(k, [p]);
  }

  for (const t of tables) {
    const at: DatabaseLocation = { kind: 'database', schema: t.schema, table: t.name };
    const exposed = tableExposure(t);
    if (!t.rls && exposed) add('rls_disabled_in_public', at, `table ${q(t.schema, t.name)} has row-level security disabled; ${exposed}`, { properties: { exposure: exposed } });
    if (!t.rls && t.policies > 0) {
      const names = (policiesOf.get(q(t.schema, t.name)) ?? []).map((p) => p.name);
      add('policy_exists_rls_disabled', at, `table ${q(t.schema, t.name)} has ${t.policies} polic${t.policies === 1 ? 'y' : 'ies'} (${names.join(', ')}) but row-level security is disabled, so none applies`);
    }
    if (t.rls && t.policies === 0) add('rls_enabled_no_policy', at, `table ${q(t.schema, t.name)} has row-level security enabled and no policy: only its owner and BYPASSRLS roles see rows`);
    if (!t.has_pk && !t.partition) add('no_primary_key', at, `table ${q(t.schema, t.name)} has no primary key`);
  }

  for (const [key, list] of policiesOf) {
    const { schema, table } = list[0]!;
    // role × action → the permissive policies that apply
    const groups = new Map<string, string[]>();
    for (const p of list) {
      if (!p.permissive) continue;
      for (const role of p.roles) for (const action of CMD[p.cmd]) {
        const k = `${role}\u0000${action}`;
        const g = groups.get(k);
        if (g) g.push(p.name);
        else groups.set(k, [p.name]);
      }
    }
    const byRole = new Map<string, string[]>();
    for (const [k, names] of groups) {
      if (names.length < 2) continue;
      const [role, action] = k.split('\u0000') as [string, string];
      const line = `${action}: ${names.join(', ')}`;
      const r = byRole.get(role);
      if (r) r.push(line);
      else byRole.set(role, [line]);
    }
    for (const [role, lines] of [...byRole].sort((a, b) => (a[0] < b[0] ? -1 : 1))) {
      add('multiple_permissive_policies', { kind: 'database', schema, table }, `table ${key} has several permissive policies for role ${role === 'public' ? 'PUBLIC' : role} on ${lines.join('; ')}`, { context: `role:${role}`, properties: { role } });
    }
    for (const p of list) {
      const at: DatabaseLocation = { kind: 'database', schema, table, object: { type: 'policy', name: p.name } };
      const calls = [...new Set([...unwrappedCalls(p.qual), ...unwrappedCalls(p.with_check)])];
      if (calls.length) add('auth_rls_initplan', at, `policy ${p.name} on ${key} calls ${calls.join(', ')} per row: ${excerpt([p.qual && `USING (${p.qual})`, p.with_check && `WITH CHECK (${p.with_check})`].filter(Boolean).join(' '))}`);
      if (readsUserMetadata(p.qual) || readsUserMetadata(p.with_check)) add('rls_references_user_metadata', at, `policy ${p.name} on ${key} reads user_metadata: ${excerpt([p.qual, p.with_check].filter(Boolean).join(' / '))}`);
    }
  }

  for (const fk of s.foreignKeys) {
    add('unindexed_foreign_keys', { kind: 'database', schema: fk.schema, table: fk.table, object: { type: 'constraint', name: fk.name } }, `foreign key ${fk.name} on ${q(fk.schema, fk.table)} (${fk.columns.join(', ')}) → ${fk.references} has no index on its columns`);
  }
  for (const d of s.duplicateIndexes) {
    add('duplicate_index', { kind: 'database', schema: d.schema, table: d.table, object: { type: 'index', name: d.indexes.join(', ') } }, `indexes ${d.indexes.join(', ')} on ${q(d.schema, d.table)} are identical`);
  }
  for (const u of s.unusedIndexes) {
    add('unused_index', { kind: 'database', schema: u.schema, table: u.table, object: { type: 'index', name: u.name } }, `index ${u.name} on ${q(u.schema, u.table)} has not been scanned since statistics were reset, while the table is in use`);
  }

  for (const v of s.relations) {
    if (v.kind === 'v') {
      const invoker = v.options.some((o) => /^security_invoker=(on|true|yes|1)$/i.test(o));
      const exposed = viewExposure(v);
      if (!invoker && exposed) add('security_definer_view', { kind: 'database', schema: v.schema, object: { type: 'view', name: v.name } }, `view ${q(v.schema, v.name)} runs with its owner's privileges (no security_invoker); ${exposed}`, { properties: { exposure: exposed } });
    } else if (v.kind === 'm') {
      const exposed = viewExposure(v);
      if (exposed) add('materialized_view_in_api', { kind: 'database', schema: v.schema, object: { type: 'view', name: v.name } }, `materialized view ${q(v.schema, v.name)}: ${exposed}`, { properties: { exposure: exposed } });
    } else if (v.kind === 'f') {
      const exposed = viewExposure(v);
      if (exposed) add('foreign_table_in_api', { kind: 'database', schema: v.schema, table: v.name }, `foreign table ${q(v.schema, v.name)}: ${exposed}`, { properties: { exposure: exposed } });
    }
  }
  const byName = new Map(s.relations.map((r) => [q(r.schema, r.name), r]));
  for (const v of s.authUsersViews) {
    const r = byName.get(q(v.schema, v.name));
    const invoker = r?.options.some((o) => /^security_invoker=(on|true|yes|1)$/i.test(o)) ?? false;
    const exposed = r && viewExposure(r);
    if (exposed && !invoker) add('auth_users_exposed', { kind: 'database', schema: v.schema, object: { type: 'view', name: v.name } }, `view ${q(v.schema, v.name)} reads auth.users with its owner's privileges; ${exposed}`, { properties: { exposure: exposed } });
  }

  for (const f of s.functions) {
    const at: DatabaseLocation = { kind: 'database', schema: f.schema, object: { type: 'function', name: `${f.name}(${f.arg_types})` } };
    const sig = `${q(f.schema, f.name)}(${f.args})`;
    if (!f.fixed_search_path) add('function_search_path_mutable', at, `function ${sig} does not set search_path${f.security_definer ? ' and is SECURITY DEFINER' : ''}`);
    if (!f.security_definer) continue;
    if (s.exposure.supabase) {
      if (f.anon_execute) add('anon_security_definer_function_executable', at, `SECURITY DEFINER function ${sig} is executable by anon`);
      if (f.authenticated_execute) add('authenticated_security_definer_function_executable', at, `SECURITY DEFINER function ${sig} is executable by authenticated`);
    } else {
      const why = [exposedSchemas.has(f.schema) ? schemaBasis(f.schema) : '', f.public_execute ? 'PUBLIC may execute it' : ''].filter(Boolean);
      if (why.length) add('security_definer_function', at, `SECURITY DEFINER function ${sig} runs with its owner's privileges; ${why.join('; ')}`, { properties: { exposure: why.join('; ') } });
    }
  }

  for (const e of s.extensionsInPublic) add('extension_in_public', { kind: 'database', schema: 'public', object: { type: 'extension', name: e.name } }, `extension ${e.name} is installed in schema public`);

  const ssl = sslFinding(s.server);
  if (ssl) add('ssl_disabled', { kind: 'database', schema: '', object: { type: 'setting', name: 'ssl' } }, ssl.evidence, { level: ssl.level });
  for (const h of hbaWithoutSsl(s.hba ?? [])) add('hba_host_without_ssl', { kind: 'database', schema: '', object: { type: 'hba', name: `line ${h.line_number}` } }, hbaEvidence(h));

  for (const r of roleProblems(s.roles, s.skipRoles)) add(r.id, { kind: 'database', schema: '', object: { type: 'role', name: r.role } }, r.evidence, { level: r.level });

  for (const sq of s.slowQueries ?? []) {
    add('slow_query', { kind: 'database', schema: '', object: { type: 'query', name: sq.queryid } }, `mean ${sq.mean_ms.toFixed(0)} ms over ${sq.calls} call(s) (max ${sq.max_ms.toFixed(0)} ms; budget ${s.slowQueryMs} ms): ${excerpt(sq.query)}`, { properties: { meanMs: Math.round(sq.mean_ms), calls: Number(sq.calls) } });
  }
  return out;
}

/** `ssl = off`: WARN when the server listens beyond the loopback, INFO when it cannot be reached from the network. */
export function sslFinding(server: Pick<ServerRow, 'ssl' | 'listen_addresses'>): { level: LintLevel; evidence: string } | undefined {
  if (server.ssl !== 'off') return undefined;
  const listen = server.listen_addresses;
  if (listen === null) return { level: 'WARN', evidence: 'ssl = off (listen_addresses could not be read)' };
  const addrs = listen.split(',').map((a) => a.trim()).filter(Boolean);
  const loopbackOnly = addrs.every((a) => a === 'localhost' || a === '::1' || a.startsWith('127.'));
  if (loopbackOnly) return { level: 'INFO', evidence: `ssl = off; listen_addresses = '${listen}' (${addrs.length ? 'loopback only, so clear text never leaves the machine' : 'Unix sockets only'})` };
  return { level: 'WARN', evidence: `ssl = off; listen_addresses = '${listen}': clients on the network connect in clear text` };
}

/** True for an address (and mask) inside 127.0.0.0/8 or ::1. */
function isLoopback(address: string | null, netmask: string | null): boolean {
  if (!address) return false;
  if (address === 'localhost' || address === '::1') return true;
  if (!address.startsWith('127.')) return false;
  // 127.x with a mask no wider than /8 stays inside the loopback block
  const first = netmask?.split('.')[0];
  return netmask === null || first === '255';
}

/** pg_hba lines that admit TCP connections from the network without TLS. */
export function hbaWithoutSsl(rows: HbaRow[]): HbaRow[] {
  return rows.filter((h) => !h.error && (h.type === 'host' || h.type === 'hostnossl') && h.auth_method !== 'reject' && !isLoopback(h.address, h.netmask));
}

function hbaEvidence(h: HbaRow): string {
  const addr = h.address ? `${h.address}${h.netmask ? `/${h.netmask}` : ''}` : 'all';
  return `pg_hba.conf line ${h.line_number}: ${h.type} ${(h.database ?? []).join(',')} ${(h.user_name ?? []).join(',')} ${addr} ${h.auth_method ?? ''}`.trim();
}

/**
 * The role lints. The bootstrap superuser (the cluster's `postgres`) is left out: every cluster has
 * it and it owns what its administrators create; flagging it would flag every database. Others:
 * a superuser involved with this database's objects → superuser_role; a login role with BYPASSRLS,
 * CREATEROLE or powerful predefined roles → overprivileged_role (WARN), with only CREATEDB → INFO.
 */
export function roleProblems(roles: RoleRow[], skipRoles: readonly string[]): { id: 'superuser_role' | 'overprivileged_role'; role: string; level: LintLevel; evidence: string }[] {
  const skip = new Set(skipRoles);
  const out: { id: 'superuser_role' | 'overprivileged_role'; role: string; level: LintLevel; evidence: string }[] = [];
  for (const r of roles) {
    if (r.bootstrap || skip.has(r.name)) continue;
    const how = r.how.map((h) => (h === 'owns' ? 'owns objects' : 'holds privileges on tables')).join(' and ');
    if (r.superuser) {
      out.push({ id: 'superuser_role', role: r.name, level: 'ERROR', evidence: `role ${r.name} is SUPERUSER${r.login ? ' and can log in' : ''}; it ${how} in this database` });
      continue;
    }
    if (!r.login) continue;
    const strong = [r.bypassrls ? 'BYPASSRLS' : '', r.createrole ? 'CREATEROLE' : '', ...r.powerful_memberships.map((m) => `member of ${m}`)].filter(Boolean);
    const weak = r.createdb ? ['CREATEDB'] : [];
    if (!strong.length && !weak.length) continue;
    out.push({ id: 'overprivileged_role', role: r.name, level: strong.length ? 'WARN' : 'INFO', evidence: `login role ${r.name} has ${[...strong, ...weak].join(', ')}; it ${how} in this database` });
  }
  return out;
}
