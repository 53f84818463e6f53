/**
 * The `postgres` scanner's budget (issue 15): a database of 1,000 tables and 5,000 row-level
 * security policies (plus foreign keys, indexes, views and functions) scanned in under 5 s.
 *
 * The database is one of its own (`vigil_bench_postgres_<pid>`), built once and dropped at the
 * end. The full scan — connect, every catalog query in one READ ONLY transaction, every lint — is
 * timed in this process, median of 3, and once end to end through `vigil scan postgres` (a fresh
 * process, as a CI job runs it). No peer runs here: splinter is SQL that runs inside a Supabase
 * project (its lint views), not a tool to install beside vigil.
 */
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import type { Finding } from '../src/model/finding.js';
import type { PartReport } from '../src/model/run.js';
import { silentLogger } from '../src/util/logger.js';
import { createPostgresScanner } from '../scanners/postgres/postgres-scanner.js';
import { info, notRun, report, timedProcess } from './lib.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const PG_URL = process.env.VIGIL_BENCH_PG ?? 'postgres://postgres@127.0.0.1:5432/test';
const BUDGET_MS = 5000;
const TABLES = 1000;
const POLICIES_PER_TABLE = 5;
const FUNCTIONS = 200;
const ROUNDS = 3;
const NAME = 'postgres scan 1,000 tables / 5,000 policies';

/** The DDL of tables [from, to): a realistic mix of what the lints judge, flawed in places. */
function tablesSql(from: number, to: number): string {
  const out: string[] = [];
  for (let i = from; i < to; i++) {
    const t = `t${String(i).padStart(4, '0')}`;
    // a table without a primary key (every 50th) cannot be referenced
    const parent = i > 0 && (i - 1) % 50 !== 7 ? `t${String(i - 1).padStart(4, '0')}` : undefined;
    out.push(`create table public.${t} (id bigint generated always as identity ${i % 50 === 7 ? '' : 'primary key'}, ${parent ? `parent_id bigint references public.${parent} (id),` : ''} owner_id bigint not null, tenant text not null, label text, created_at timestamptz not null default now())`);
    // every other foreign key indexed; every 25th table with a duplicate index
    if (parent && i % 2 === 0) out.push(`create index ${t}_parent_idx on public.${t} (parent_id)`);
    out.push(`create index ${t}_owner_idx on public.${t} (owner_id)`);
    if (i % 25 === 0) out.push(`create index ${t}_owner_again_idx on public.${t} (owner_id)`);
    if (i % 10 !== 3) out.push(`alter table public.${t} enable row level security`);
    const policies = [
      `create policy ${t}_read on public.${t} for select using (owner_id = (select current_setting('app.user_id')::bigint))`,
      // a second permissive SELECT policy on every 4th table; per-row current_setting on every 5th
      i % 4 === 0
        ? `create policy ${t}_read_tenant on public.${t} for select using (tenant = current_setting('app.tenant'))`
        : `create policy ${t}_read_tenant on public.${t} as restrictive for select using (tenant = (select current_setting('app.tenant')))`,
      `create policy ${t}_insert on public.${t} for insert with check (owner_id = (select current_setting('app.user_id')::bigint))`,
      `create policy ${t}_update on public.${t} for update using (owner_id = ${i % 5 === 0 ? "current_setting('app.user_id')::bigint" : "(select current_setting('app.user_id')::bigint)"})`,
      `create policy ${t}_delete on public.${t} for delete using (owner_id = (select current_setting('app.user_id')::bigint))`,
    ];
    out.push(...policies.slice(0, POLICIES_PER_TABLE));
    if (i % 20 === 0) out.push(`create view public.${t}_v ${i % 40 === 0 ? 'with (security_invoker = on) ' : ''}as select id, label from public.${t}`);
  }
  return out.join(';\n');
}

function functionsSql(): string {
  const out: string[] = [];
  for (let i = 0; i < FUNCTIONS; i++) {
    const definer = i % 10 === 0 ? 'security definer' : '';
    const path = i % 2 === 0 ? "set search_path = ''" : '';
    out.push(`create function public.f${i}(a bigint, b text) returns bigint language sql stable ${definer} ${path} as $$ select a + length(b) $$`);
  }
  return out.join(';\n');
}

/** One full scan in this process: findings and the run's summary. */
async function scanOnce(url: string): Promise<{ findings: Finding[]; report?: PartReport }> {
  let rep: PartReport | undefined;
  const findings: Finding[] = [];
  const ctx = { signal: new AbortController().signal, logger: silentLogger, progress: () => undefined, note: () => undefined, report: (r: PartReport) => (rep = r), baseDir: ROOT, options: {} };
  for await (const f of createPostgresScanner().run({ name: 'bench', kind: 'database', location: url }, ctx)) findings.push(f);
  return { findings, ...(rep ? { report: rep } : {}) };
}

/** Build the database, time the scans, print the figures beside the budget, drop the database. */
export async function benchPostgres(): Promise<void> {
  const db = `vigil_bench_postgres_${process.pid}`;
  const admin = new pg.Client({ connectionString: PG_URL });
  try {
    await admin.connect();
  } catch (e) {
    notRun(NAME, `PostgreSQL not reachable at ${PG_URL}: ${(e as Error).message}`);
    return;
  }
  const url = new URL(PG_URL);
  url.pathname = `/${db}`;
  try {
    await admin.query(`DROP DATABASE IF EXISTS ${db} WITH (FORCE)`);
    await admin.query(`CREATE DATABASE ${db}`);
    const build = new pg.Client({ connectionString: url.toString() });
    await build.connect();
    const t = performance.now();
    try {
      for (let i = 0; i < TABLES; i += 100) {
        await build.query(`begin; ${tablesSql(i, Math.min(TABLES, i + 100))}; commit`);
        process.stderr.write(`\rbuilding ${TABLES} tables / ${TABLES * POLICIES_PER_TABLE} policies: ${Math.round(((i + 100) / TABLES) * 100)}%`);
      }
      await build.query(functionsSql());
    } finally {
      await build.end();
    }
    process.stderr.write(` (${((performance.now() - t) / 1000).toFixed(0)} s)\n`);

    const runs: number[] = [];
    let last: { findings: Finding[]; report?: PartReport } | undefined;
    for (let r = 0; r < ROUNDS; r++) {
      const s = performance.now();
      last = await scanOnce(url.toString());
      runs.push(performance.now() - s);
    }
    const data = (last?.report?.data ?? {}) as { tables?: number; policies?: number; functions?: number; counts?: Record<string, number> };
    if (data.tables !== TABLES || data.policies !== TABLES * POLICIES_PER_TABLE) throw new Error(`the scan read ${data.tables} tables and ${data.policies} policies, not ${TABLES} and ${TABLES * POLICIES_PER_TABLE}`);
    const median = [...runs].sort((a, b) => a - b)[Math.floor(runs.length / 2)]!;
    const fired = Object.entries(data.counts ?? {}).filter(([, n]) => n > 0).map(([id, n]) => `${id} ${n}`).join(', ');
    report(NAME, median, 's', BUDGET_MS, `median of ${ROUNDS} (${runs.map((x) => (x / 1000).toFixed(2)).join(', ')} s); ${data.tables} tables, ${data.policies} policies, ${data.functions} functions; ${last!.findings.length} findings`);
    process.stdout.write(`      findings by lint: ${fired}\n`);

    const p = await timedProcess(process.execPath, [`${ROOT}bin/vigil.js`, 'scan', 'postgres', url.toString(), '--no-ledger', '-f', 'json', '--fail-on', 'none'], ROOT);
    if (p.status !== 0) info('postgres: vigil scan postgres end to end (failed)', p.ms, 'ms', p.stderr.trim().split('\n').slice(-1)[0] ?? '');
    else info('postgres: vigil scan postgres end to end (fresh process)', p.ms, 'ms', `${(JSON.parse(p.stdout) as { findings: unknown[] }).findings.length} findings`);
    process.stdout.write('      no peer: splinter runs as SQL views inside a Supabase project, not as a tool beside vigil\n');
  } finally {
    await admin.query(`DROP DATABASE IF EXISTS ${db} WITH (FORCE)`).catch(() => undefined);
    await admin.end();
  }
}

if (import.meta.url === `file://${process.argv[1]}`) await benchPostgres();
