/**
 * The `datamap` scanner's budget: a data map declaring 2,000 fields, with drift over 1,000
 * migration files and a live PostgreSQL schema of 500 tables, checked in under 2 s.
 *
 * Measured two ways, best of 3 each: `vigil scan datamap` end to end (a fresh process, as a CI
 * job runs it: start-up, loading the map, policies, law checks, reading every source, drift), and
 * the same work in this process (what a long-running `vigil serve` pays per run). The database is
 * one of its own (`vigil_bench_datamap_<pid>`), made for the run and dropped after it; the
 * migrations and the map are written to a temporary folder. No peer runs here: `fides evaluate`
 * is a Python tool and PyPI is out of reach, and it reads neither migrations nor databases.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { stringify } from 'yaml';
import { info, notRun, report, timedProcess } from './lib.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const PG_URL = process.env.VIGIL_BENCH_PG ?? 'postgres://postgres@127.0.0.1:5432/test';
const BUDGET_MS = 2000;
const MIGRATIONS = 1000;
const LIVE_TABLES = 500;
const DECLARED_FIELDS = 2000;
const ROUNDS = 3;

/** Column names a real schema has: personal data among bookkeeping. */
const COLUMNS = ['email', 'full_name', 'phone', 'created_at', 'status', 'amount', 'notes', 'ip_address', 'birth_date', 'street', 'city', 'postal_code'];

/** 1,000 migrations: 400 tables created, then columns added, renamed and dropped across the rest. */
function writeMigrations(dir: string): { tables: string[] } {
  const tables: string[] = [];
  for (let i = 0; i < MIGRATIONS; i++) {
    const name = `${String(i + 1).padStart(4, '0')}_step.sql`;
    let sql: string;
    if (i < 400) {
      const t = `app_t${String(i).padStart(3, '0')}`;
      tables.push(t);
      const cols = COLUMNS.slice(0, 4 + (i % 6)).map((c) => `  ${c} ${c.endsWith('_at') || c === 'birth_date' ? 'timestamptz' : c === 'amount' ? 'numeric(10,2)' : c === 'ip_address' ? 'inet' : 'text'}`);
      sql = `-- table ${t}\nCREATE TABLE ${t} (\n  id bigserial PRIMARY KEY,\n${cols.join(',\n')}\n);\n`;
    } else {
      const t = tables[i % tables.length]!;
      sql =
        i % 3 === 0
          ? `ALTER TABLE ${t} ADD COLUMN device_id text;\n`
          : i % 3 === 1
            ? `ALTER TABLE ${t} RENAME COLUMN notes TO remarks;\n`
            : `CREATE INDEX ${t}_idx_${i} ON ${t} (created_at);\nCOMMENT ON TABLE ${t} IS 'step ${i}';\n`;
    }
    writeFileSync(join(dir, name), sql);
  }
  return { tables };
}

/** A data map whose one dataset declares 2,000 fields over the migrations' tables and the live ones. */
function writeMap(dir: string, tables: string[], liveTables: string[]): void {
  const collections: { name: string; fields: { name: string; data_categories: string[] }[] }[] = [];
  let declared = 0;
  const all = [...tables, ...liveTables];
  for (let i = 0; declared < DECLARED_FIELDS; i++) {
    const t = all[i % all.length]!;
    let c = collections.find((x) => x.name === t);
    if (!c) collections.push((c = { name: t, fields: [] }));
    const col = COLUMNS[c.fields.length % COLUMNS.length]!;
    if (c.fields.some((f) => f.name === col)) continue;
    c.fields.push({ name: col, data_categories: [col === 'email' ? 'user.contact.email' : col === 'phone' ? 'user.contact.phone_number' : 'user'] });
    declared++;
  }
  const map = {
    organization: [{ fides_key: 'bench_org', name: 'Bench Org', controller: { name: 'Bench Org', email: 'privacy@bench.example' }, security_policy: 'https://bench.example/security' }],
    system: [
      {
        fides_key: 'bench_app',
        name: 'Bench app',
        organization_fides_key: 'bench_org',
        system_type: 'Application',
        responsibility: ['Controller'],
        data_security_practices: 'encrypted at rest',
        privacy_declarations: [{ name: 'Service', data_use: 'essential.service', data_categories: ['user.contact.email'], data_subjects: ['customer'], legal_basis_for_processing: 'Contract', retention_period: '1 year', dataset_references: ['bench_db'] }],
      },
    ],
    dataset: [{ fides_key: 'bench_db', name: 'Bench database', collections }],
  };
  writeFileSync(join(dir, 'map.yml'), stringify(map));
}

export async function benchDatamap(): Promise<void> {
  const name = `datamap: map of ${DECLARED_FIELDS.toLocaleString('en')} fields, drift over ${MIGRATIONS.toLocaleString('en')} migrations + ${LIVE_TABLES} live tables`;
  const admin = new pg.Client({ connectionString: PG_URL });
  try {
    await admin.connect();
  } catch (e) {
    notRun(name, `PostgreSQL at ${PG_URL} is unreachable (${(e as Error).message}); start it or set VIGIL_BENCH_PG`);
    return;
  }
  const db = `vigil_bench_datamap_${process.pid}`;
  const work = mkdtempSync(join(tmpdir(), 'vigil-bench-datamap-'));
  try {
    await admin.query(`CREATE DATABASE ${db}`);
    const url = new URL(PG_URL);
    url.pathname = `/${db}`;
    const live = new pg.Client({ connectionString: url.toString() });
    await live.connect();
    const liveTables: string[] = [];
    const ddl: string[] = [];
    for (let i = 0; i < LIVE_TABLES; i++) {
      const t = `live_t${String(i).padStart(3, '0')}`;
      liveTables.push(t);
      ddl.push(`CREATE TABLE ${t} (id bigserial PRIMARY KEY, email text, full_name text, phone text, created_at timestamptz, status text, amount numeric(10,2));`);
    }
    await live.query(ddl.join('\n'));
    await live.end();

    const migrations = join(work, 'migrations');
    const fides = join(work, '.fides');
    mkdirSync(migrations);
    mkdirSync(fides);
    const { tables } = writeMigrations(migrations);
    writeMap(fides, tables, liveTables);

    const { loadDataMap, declaredFields } = await import('../scanners/datamap/fides.js');
    const { evaluatePolicies } = await import('../scanners/datamap/policies.js');
    const { checkLaw } = await import('../scanners/datamap/law.js');
    const { readSources, driftFindings } = await import('../scanners/datamap/drift/index.js');

    const cli: number[] = [];
    const inProcess: number[] = [];
    let findings = -1;
    let processed = '';
    for (let round = 0; round < ROUNDS; round++) {
      const p = await timedProcess(process.execPath, [join(ROOT, 'bin', 'vigil.js'), 'scan', 'datamap', fides, '--sources', migrations, url.toString(), '--no-ledger', '--format', 'json', '--fail-on', 'none'], work);
      if (p.status !== 0) {
        notRun(name, `vigil exited ${p.status}: ${p.stderr.trim().split('\n').slice(-2).join(' / ')}`);
        return;
      }
      cli.push(p.ms);
      const out = JSON.parse(p.stdout) as { findings: unknown[] };
      findings = out.findings.length;
      processed = p.stderr.split('\n').find((l) => l.includes('drift:') && l.includes('read')) ?? '';

      const t = performance.now();
      const map = await loadDataMap([fides]);
      const declared = declaredFields(map);
      evaluatePolicies(map);
      checkLaw(map, { dpiaSubjectThreshold: 5000, ccpa: true });
      const read = await readSources([migrations, url.toString()], { baseDir: work, signal: new AbortController().signal });
      driftFindings(declared, read.fields, { baseDir: work });
      inProcess.push(performance.now() - t);
      if (declared.length !== DECLARED_FIELDS) throw new Error(`the map declares ${declared.length} fields, not ${DECLARED_FIELDS}`);
    }
    const best = (xs: number[]) => Math.min(...xs);
    report(`${name}, vigil scan datamap end to end`, best(cli), 'ms', BUDGET_MS, `runs ${cli.map((x) => (x / 1000).toFixed(2)).join(', ')} s; ${findings} findings; ${processed.replace(/^.*drift: /, '')}`);
    info('datamap: the same work in one process (load, policies, law, sources, drift)', best(inProcess), 'ms', `runs ${inProcess.map((x) => x.toFixed(0)).join(', ')} ms`);
  } finally {
    await admin.query(`DROP DATABASE IF EXISTS ${db} WITH (FORCE)`).catch(() => undefined);
    await admin.end();
    rmSync(work, { recursive: true, force: true });
  }
}

if (import.meta.url === `file://${process.argv[1]}`) await benchDatamap();
