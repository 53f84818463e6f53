/**
 * The postgres scanner's judgements as tables: policy text, pg_hba lines, the ssl setting, roles,
 * options and targets. What a real server cannot show here (a pg_hba.conf with network lines, a
 * server listening beyond the loopback) is judged from the rows PostgreSQL would return.
 */
import { describe, expect, it } from 'vitest';
import { VigilError } from '../../../src/errors.js';
import type { HbaRow, RoleRow } from '../../../scanners/postgres/catalog.js';
import { hbaWithoutSsl, lintSnapshot, roleProblems, sslFinding, type CatalogSnapshot } from '../../../scanners/postgres/findings.js';
import { LEVEL_SEVERITY, LINTS, LINT_IDS, lintReferences } from '../../../scanners/postgres/lints.js';
import { checkOptions, DEFAULT_SKIP_ROLES, endpointOf } from '../../../scanners/postgres/options.js';
import { readsUserMetadata, unwrappedCalls } from '../../../scanners/postgres/policy-text.js';

describe('unwrappedCalls: per-row calls in a policy as pg_get_expr prints it', () => {
  const cases: [string | null, string[]][] = [
    [null, []],
    ['published', []],
    ['(author = auth.uid())', ['auth.uid()']],
    ['(author = ( SELECT auth.uid() AS uid))', []],
    ["(customer_id = ( SELECT (current_setting('app.customer_id'::text))::bigint AS current_setting))", []],
    ["(tenant = (current_setting('app.tenant'::text))::integer)", ['current_setting()']],
    ["(tenant = (pg_catalog.current_setting('app.tenant'::text))::integer)", ['current_setting()']],
    ["(tenant = ( SELECT pg_catalog.current_setting('app.tenant'::text) AS current_setting))", []],
    // one call wrapped, the same call unwrapped elsewhere: still per row
    ['((a = ( SELECT auth.uid() AS uid)) OR (b = auth.uid()))', ['auth.uid()']],
    ["((auth.jwt() ->> 'role'::text) = 'admin'::text)", ['auth.jwt()']],
    ['(x = my_current_setting(1))', []],
    ["((auth.role() = 'x'::text) AND (auth.email() = current_setting('a'::text)))", ['auth.role()', 'auth.email()', 'current_setting()']],
  ];
  it.each(cases)('%s → %j', (expr, calls) => {
    expect(unwrappedCalls(expr)).toEqual(calls);
  });

  it('stays linear on a long hostile expression', () => {
    const hostile = `${'( SELECT '.repeat(50_000)}current_setting(${'('.repeat(50_000)}`;
    expect(unwrappedCalls(hostile)).toEqual([]);
    expect(unwrappedCalls('auth.uid('.repeat(100_000))).toEqual(['auth.uid()']);
  });

  it('readsUserMetadata', () => {
    expect(readsUserMetadata("((auth.jwt() -> 'user_metadata'::text) ->> 'role'::text)")).toBe(true);
    expect(readsUserMetadata("((auth.jwt() -> 'app_metadata'::text) ->> 'role'::text)")).toBe(false);
    expect(readsUserMetadata(null)).toBe(false);
  });
});

const hba = (line: number, type: string, address: string | null, netmask: string | null, auth = 'scram-sha-256'): HbaRow => ({ line_number: line, type, database: ['all'], user_name: ['all'], address, netmask, auth_method: auth, error: null });

describe('hbaWithoutSsl', () => {
  it('keeps host and hostnossl lines from the network; leaves out local, hostssl, loopback, reject and broken lines', () => {
    const rows: HbaRow[] = [
      hba(1, 'local', null, null, 'peer'),
      hba(2, 'host', '127.0.0.1', '255.255.255.255', 'trust'),
      hba(3, 'host', '::1', 'ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff'),
      hba(4, 'hostssl', '0.0.0.0', '0.0.0.0'),
      hba(5, 'host', '10.0.0.0', '255.0.0.0'),
      hba(6, 'hostnossl', 'all', null),
      hba(7, 'host', '0.0.0.0', '0.0.0.0', 'reject'),
      { ...hba(8, 'host', '0.0.0.0', '0.0.0.0'), error: 'invalid authentication method "x"' },
      hba(9, 'host', '127.0.0.0', '254.0.0.0'),
      hba(10, 'host', 'samenet', null),
    ];
    expect(hbaWithoutSsl(rows).map((r) => r.line_number)).toEqual([5, 6, 9, 10]);
  });
});

describe('sslFinding', () => {
  it.each([
    ['on', '*', undefined],
    ['off', '127.0.0.1', 'INFO'],
    ['off', 'localhost, ::1', 'INFO'],
    ['off', '', 'INFO'],
    ['off', '*', 'WARN'],
    ['off', '127.0.0.1,10.1.2.3', 'WARN'],
    ['off', null, 'WARN'],
  ] as const)('ssl=%s listen_addresses=%j → %s', (ssl, listen, level) => {
    expect(sslFinding({ ssl, listen_addresses: listen })?.level).toBe(level);
  });
});

const role = (name: string, o: Partial<RoleRow> = {}): RoleRow => ({ name, superuser: false, bypassrls: false, createrole: false, createdb: false, login: true, bootstrap: false, how: ['granted'], powerful_memberships: [], ...o });

describe('roleProblems', () => {
  it('flags superusers but the bootstrap one, login roles with strong powers (WARN) or only CREATEDB (INFO), and skips the skip list', () => {
    const got = roleProblems(
      [
        role('postgres', { superuser: true, bootstrap: true, how: ['owns'] }),
        role('admin2', { superuser: true, login: false, how: ['owns'] }),
        role('app', { bypassrls: true }),
        role('files', { powerful_memberships: ['pg_read_server_files'] }),
        role('builder', { createdb: true, how: ['owns'] }),
        role('plain'),
        role('owner_nologin', { login: false, bypassrls: true }),
        role('service_role', { bypassrls: true }),
      ],
      DEFAULT_SKIP_ROLES,
    );
    expect(got.map((r) => [r.id, r.role, r.level])).toEqual([
      ['superuser_role', 'admin2', 'ERROR'],
      ['overprivileged_role', 'app', 'WARN'],
      ['overprivileged_role', 'files', 'WARN'],
      ['overprivileged_role', 'builder', 'INFO'],
    ]);
    expect(got[2]!.evidence).toBe('login role files has member of pg_read_server_files; it holds privileges on tables in this database');
  });
});

describe('lint metadata', () => {
  it('every lint has a level, a description and a remediation; splinter\'s link to splinter\'s page, vigil\'s say so', () => {
    for (const id of LINT_IDS) {
      const l = LINTS[id];
      expect(LEVEL_SEVERITY[l.level]).toBeDefined();
      expect(l.description.length).toBeGreaterThan(20);
      expect(l.remediation.length).toBeGreaterThan(20);
      expect(id).toMatch(/^[a-z]+(_[a-z0-9]+)*$/);
      if (l.source === 'splinter') expect(lintReferences(id)[0]).toBe(`https://supabase.com/docs/guides/database/database-linter?lint=${(l as { splinterNumber: string }).splinterNumber}_${id}`);
      else expect('splinterNumber' in l).toBe(false);
    }
    expect(LEVEL_SEVERITY).toEqual({ ERROR: 'high', WARN: 'medium', INFO: 'low' });
    expect(LINT_IDS.filter((id) => LINTS[id].source === 'vigil')).toEqual(['security_definer_function', 'ssl_disabled', 'hba_host_without_ssl', 'superuser_role', 'overprivileged_role', 'slow_query']);
  });
});

describe('lintSnapshot on rows a server would return', () => {
  const base: CatalogSnapshot = {
    server: { database: 'd', user: 'u', version: '16', version_num: 160000, ssl: 'on', listen_addresses: '*', pgrst_schemas: null, superuser: false, supabase: false, can_read_hba: true, pgss_schema: null, has_auth_users: false },
    exposure: { supabase: false, schemas: ['public'], basis: 'the default exposed schema' },
    relations: [],
    policies: [],
    foreignKeys: [],
    duplicateIndexes: [],
    unusedIndexes: [],
    functions: [],
    authUsersViews: [],
    extensionsInPublic: [],
    roles: [],
    slowQueryMs: 1000,
    skipRoles: [],
  };

  it('an hba line from the network is located by its line; a slow query by its queryid, its text redacted and cut', () => {
    const long = `select * from t where token = 'ghp_${'a'.repeat(36)}' and x in (${'1,'.repeat(400)}1)`;
    const fs = lintSnapshot({ ...base, hba: [hba(92, 'host', '0.0.0.0', '0.0.0.0')], slowQueries: [{ queryid: '-123', query: long, calls: '3', mean_ms: 1500.4, max_ms: 2100 }] });
    expect(fs.map((f) => [f.ruleId, f.location, f.severity])).toEqual([
      ['hba_host_without_ssl', { kind: 'database', schema: '', object: { type: 'hba', name: 'line 92' } }, 'medium'],
      ['slow_query', { kind: 'database', schema: '', object: { type: 'query', name: '-123' } }, 'medium'],
    ]);
    expect(fs[0]!.evidence).toBe('pg_hba.conf line 92: host all all 0.0.0.0/0.0.0.0 scram-sha-256');
    const ev = fs[1]!.evidence!;
    expect(ev).not.toContain('a'.repeat(36));
    expect(ev.length).toBeLessThan(420);
    expect(ev.startsWith('mean 1500 ms over 3 call(s) (max 2100 ms; budget 1000 ms): select * from t where token =')).toBe(true);
  });

  it('fingerprints hold when timings change, and differ between queries', () => {
    const one = (mean: number, id = '7') => lintSnapshot({ ...base, slowQueries: [{ queryid: id, query: 'select 1', calls: '1', mean_ms: mean, max_ms: mean }] })[0]!.fingerprint;
    expect(one(1200)).toBe(one(4800));
    expect(one(1200)).not.toBe(one(1200, '8'));
  });

  it('on a plain PostgreSQL, PUBLIC\'s grants expose a table outside the exposed schemas; on Supabase they do not', () => {
    const rel = { schema: 'private', name: 'kv', kind: 'r' as const, partition: false, rls: false, options: [], policies: 0, has_pk: true, public_grant: true, api_select: false };
    expect(lintSnapshot({ ...base, relations: [rel] }).map((f) => f.ruleId)).toEqual(['rls_disabled_in_public']);
    expect(lintSnapshot({ ...base, exposure: { supabase: true, schemas: ['public'], basis: 'x' }, relations: [rel] })).toEqual([]);
  });
});

describe('options and targets', () => {
  it('checks options and fills defaults', () => {
    expect(checkOptions({})).toMatchObject({ exposedSchemas: ['public'], exposedConfigured: false, slowQueryMs: 1000, connectTimeoutMs: 10_000, statementTimeoutMs: 30_000 });
    expect(checkOptions({ exposedSchemas: ['api'], slowQueryMs: 250 })).toMatchObject({ exposedSchemas: ['api'], exposedConfigured: true, slowQueryMs: 250 });
    const bad = (o: Record<string, unknown>, msg: string) => {
      let err: unknown;
      try {
        checkOptions(o);
      } catch (e) {
        err = e;
      }
      expect(err).toBeInstanceOf(VigilError);
      expect((err as VigilError).code).toBe('VIGIL_ERR_CONFIG_INVALID');
      expect((err as VigilError).message).toBe(msg);
    };
    bad({ exposed: ['x'] }, 'postgres: unknown option "exposed" (known: exposedSchemas, slowQueryMs, skipSchemas, skipRoles, connectTimeoutMs, statementTimeoutMs)');
    bad({ exposedSchemas: 'public' }, 'postgres: exposedSchemas is a list of names (1 to 63 characters each)');
    bad({ slowQueryMs: -1 }, 'postgres: slowQueryMs is a number from 0 to 86400000');
    bad({ connectTimeoutMs: 'soon' }, 'postgres: connectTimeoutMs is a number from 100 to 600000');
  });

  it('takes a postgres:// database target and hides its password', () => {
    const ep = endpointOf({ name: 'db', kind: 'database', location: 'postgresql://app:s3cr%40t@db.internal:6543/shop?sslmode=require' });
    expect(ep).toMatchObject({ host: 'db.internal', port: 6543, database: 'shop', user: 'app' });
    expect(ep.shown).not.toContain('s3cr');
    const usage = (location: string, kind: 'database' | 'url' = 'database') => {
      try {
        endpointOf({ name: 'x', kind, location });
      } catch (e) {
        return (e as VigilError).code + ': ' + (e as VigilError).message;
      }
      return 'accepted';
    };
    expect(usage('https://example.test', 'url')).toBe('VIGIL_ERR_USAGE: postgres scans a database (a postgres:// URL); "x" is a url');
    expect(usage('mysql://u:pw@h/d')).toBe('VIGIL_ERR_USAGE: postgres: "mysql://u:***@h/d" is not a postgres:// URL');
  });
});
