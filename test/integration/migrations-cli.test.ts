/**
 * `vigil scan migrations <folder>` end to end through the built CLI, with the real squawk binary:
 * the demo shop's planted flaws, the gate's exit code, a Supabase folder, bad input and a
 * config target with options.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { vigil } from '../helpers/cli.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'vigil-migrations-cli-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

interface Out {
  run: { status: string; scanners: { status: string; error: string | null; report?: Record<string, unknown> }[] };
  findings: { ruleId: string; severity: string; location: { path: string; startLine: number; snippet?: string }; evidence?: string; properties?: { engine?: string } }[];
}

function tree(name: string, files: Record<string, string>): string {
  const root = join(dir, name);
  for (const [f, text] of Object.entries(files)) {
    mkdirSync(join(root, f, '..'), { recursive: true });
    writeFileSync(join(root, f), text);
  }
  return root;
}

describe('vigil scan migrations', () => {
  it('reports the shop\'s planted flaws (README table), high ones failing the gate', () => {
    const r = vigil(['scan', 'migrations', 'examples/shop/migrations', '--no-ledger', '-f', 'json', '--fail-on', 'high'], { cwd: ROOT });
    expect(r.code, r.stderr).toBe(1);
    const out = JSON.parse(r.stdout) as Out;
    expect(out.run.scanners[0]).toMatchObject({ status: 'complete', error: null });
    const high = out.findings.filter((f) => f.severity === 'high').map((f) => `${f.location.path.replace('examples/shop/migrations/', '').slice(0, 4)}:${f.location.startLine} ${f.ruleId} ${f.properties?.engine}`);
    expect(high.sort()).toEqual(
      [
        '0004:4 adding-required-field squawk',
        '0004:6 require-concurrent-index-creation squawk',
        '0004:9 adding-foreign-key-constraint squawk',
        '0004:9 constraint-missing-not-valid squawk',
        '0004:11 changing-column-type squawk',
        '0004:14 unbatched-update vigil',
        '0004:16 vacuum-full vigil',
        '0005:4 ban-drop-column squawk',
        '0005:4 drop-still-referenced vigil',
      ].sort(),
    );
    const medium = new Set(out.findings.filter((f) => f.severity === 'medium').map((f) => f.ruleId));
    expect([...medium].sort()).toEqual(['require-lock-timeout', 'require-statement-timeout']);
    const drop = out.findings.find((f) => f.ruleId === 'drop-still-referenced')!;
    expect(drop.evidence).toContain('view public.order_fulfilment (examples/shop/migrations/0004_order_fulfilment.sql:18)');
    expect(out.run.scanners[0]!.report).toMatchObject({ files: 5, statements: 14, unparsable: 0, supabase: false, squawk: { version: 'squawk 2.66.0' } });
  });

  it('a single .sql file is a target too', () => {
    const r = vigil(['scan', 'migrations', 'examples/shop/migrations/0004_order_fulfilment.sql', '--no-ledger', '-f', 'json', '--fail-on', 'none'], { cwd: ROOT });
    expect(r.code, r.stderr).toBe(0);
    const out = JSON.parse(r.stdout) as Out;
    expect(new Set(out.findings.map((f) => f.location.path))).toEqual(new Set(['examples/shop/migrations/0004_order_fulfilment.sql']));
    expect(out.findings.map((f) => f.ruleId)).toEqual(expect.arrayContaining(['vacuum-full', 'unbatched-update', 'require-concurrent-index-creation']));
    expect(out.findings.map((f) => f.ruleId)).not.toContain('drop-still-referenced');
  });

  it('a Supabase project: splinter-style findings, and a syntax error as a finding with a note', () => {
    const root = tree('supa', {
      'supabase/migrations/20240101000000_init.sql': [
        "SET lock_timeout = '2s';",
        'create table public.profiles (id uuid primary key references auth.users (id), username text);',
        'create table public.notes (id bigint generated always as identity primary key, owner uuid, body text);',
        'alter table public.notes enable row level security;',
        'create policy "own notes" on public.notes for select using (auth.uid() = owner);',
        'create view public.user_emails as select id, email from auth.users;',
        'create function public.handle_new_user() returns trigger language plpgsql security definer as $$',
        'begin insert into public.profiles (id) values (new.id); return new; end $$;',
      ].join('\n'),
      'supabase/migrations/20240102000000_broken.sql': 'create tabel public.x (id bigint);\n',
    });
    const r = vigil(['scan', 'migrations', 'supabase/migrations', '--no-ledger', '-f', 'json', '--fail-on', 'none'], { cwd: root });
    expect(r.code, r.stderr).toBe(0);
    const out = JSON.parse(r.stdout) as Out;
    const vigilIds = out.findings.filter((f) => f.properties?.engine === 'vigil').map((f) => `${f.location.path}:${f.location.startLine} ${f.ruleId}`);
    expect(vigilIds.sort()).toEqual(
      [
        'supabase/migrations/20240101000000_init.sql:2 rls-disabled-in-public',
        'supabase/migrations/20240101000000_init.sql:5 auth-rls-initplan',
        'supabase/migrations/20240101000000_init.sql:6 auth-users-exposed',
        'supabase/migrations/20240101000000_init.sql:6 security-definer-view',
        'supabase/migrations/20240101000000_init.sql:7 function-search-path-mutable',
        'supabase/migrations/20240102000000_broken.sql:1 syntax-error',
      ].sort(),
    );
    expect(r.stderr).toMatch(/note: migrations on supabase\/migrations: supabase\/migrations\/20240102000000_broken\.sql:1: does not parse \(syntax error at or near "tabel"\)/);
  });

  it('config options reach the scanner; a bad option is exit 2; a missing folder is exit 2', () => {
    const root = tree('cfg', {
      'db/0001_a.sql': 'CREATE INDEX i ON t (a);\nVACUUM FULL t;\n',
      'vigil.yaml': 'targets:\n  - name: db\n    kind: path\n    path: db\n    scanners:\n      migrations:\n        exclude: [vacuum-full, require-concurrent-index-creation]\n        pgVersion: 16\n',
    });
    const ok = vigil(['scan', '--config', 'vigil.yaml', '--no-ledger', '-f', 'json', '--fail-on', 'high'], { cwd: root });
    expect(ok.code, ok.stderr).toBe(0);
    const ids = (JSON.parse(ok.stdout) as Out).findings.map((f) => f.ruleId);
    expect(ids).toContain('require-lock-timeout');
    expect(ids).not.toContain('vacuum-full');
    expect(ids).not.toContain('require-concurrent-index-creation');

    writeFileSync(join(root, 'vigil.yaml'), 'targets:\n  - name: db\n    kind: path\n    path: db\n    scanners:\n      migrations:\n        exclude: [no-such-rule]\n');
    const bad = vigil(['scan', '--config', 'vigil.yaml', '--no-ledger', '-f', 'json'], { cwd: root });
    expect(bad.stderr).toMatch(/VIGIL_ERR_CONFIG_INVALID.*no rule "no-such-rule"/);

    const missing = vigil(['scan', 'migrations', 'nowhere', '--no-ledger'], { cwd: root });
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/nowhere/);
  });
});
