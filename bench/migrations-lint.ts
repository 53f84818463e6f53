/**
 * Migration lint budget (issue 15): `vigil scan migrations` over 1,000 realistic migration files
 * (5–30 statements each, safe and unsafe mixed) under 3 s end to end (the CLI in a child
 * process, median of 3), beside squawk alone on the same files (its binary, one invocation,
 * same number of runs). Both read the same 1,000 files; vigil also parses each with libpg_query
 * and runs its own checks, so the difference is vigil's share.
 */
import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createMigrationsScanner } from '../scanners/migrations/migrations-scanner.js';
import { squawkCommand } from '../scanners/migrations/squawk.js';
import { silentLogger } from '../src/util/logger.js';
import { info, notRun, report, timedProcess } from './lib.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const VIGIL = join(ROOT, 'bin', 'vigil.js');
const FILES = 1000;
const RUNS = 3;
const BUDGET_MS = 3000;

/** A small deterministic generator, so every run lints the same corpus. */
function prng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** 1,000 migration files as a growing app writes them; returns the number of statements. */
export function writeCorpus(dir: string): number {
  const rnd = prng(15);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)]!;
  const tables: string[] = [];
  let statements = 0;
  for (let i = 0; i < FILES; i++) {
    const out: string[] = [];
    if (rnd() < 0.6) out.push("SET lock_timeout = '2s';", "SET statement_timeout = '5min';");
    const n = 5 + Math.floor(rnd() * 26) - out.length;
    for (let k = 0; k < n; k++) {
      const t = tables.length && rnd() < 0.85 ? pick(tables) : `t_${i}_${k}`;
      const c = `c_${i}_${k}`;
      const r = rnd();
      if (!tables.includes(t)) {
        tables.push(t);
        out.push(`CREATE TABLE IF NOT EXISTS ${t} (\n  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,\n  name text NOT NULL,\n  amount numeric(12, 2),\n  created_at timestamptz NOT NULL DEFAULT now()\n);`);
      } else if (r < 0.1) out.push(`CREATE INDEX ${t}_${c}_idx ON ${t} (name);`);
      else if (r < 0.2) out.push(`CREATE INDEX CONCURRENTLY IF NOT EXISTS ${t}_${c}_idx ON ${t} (created_at);`);
      else if (r < 0.3) out.push(`ALTER TABLE ${t} ADD COLUMN ${c} text NOT NULL;`);
      else if (r < 0.42) out.push(`ALTER TABLE ${t} ADD COLUMN IF NOT EXISTS ${c} text;`);
      else if (r < 0.5) out.push(`ALTER TABLE ${t} ADD CONSTRAINT ${c}_ck CHECK (amount >= 0)${rnd() < 0.5 ? ' NOT VALID' : ''};`);
      else if (r < 0.56) out.push(`ALTER TABLE ${t} ALTER COLUMN amount TYPE numeric(14, 2);`);
      else if (r < 0.64) out.push(`UPDATE ${t} SET name = lower(name)${rnd() < 0.5 ? ` WHERE id BETWEEN ${k * 1000} AND ${k * 1000 + 999}` : ''};`);
      else if (r < 0.67) out.push(`VACUUM ${rnd() < 0.3 ? 'FULL ' : ''}${t};`);
      else if (r < 0.75) out.push(`CREATE OR REPLACE VIEW ${t}_v_${k} AS\n  SELECT id, name, amount FROM ${t} WHERE amount > 0;`);
      else if (r < 0.82) out.push(`-- keep the audit trail; step ${k}\nINSERT INTO ${t} (name, amount) VALUES ('x; y', ${k});`);
      else if (r < 0.88) out.push(`CREATE OR REPLACE FUNCTION ${t}_touch_${k}() RETURNS trigger LANGUAGE plpgsql AS $$\nBEGIN\n  NEW.created_at := now();\n  RETURN NEW;\nEND $$;`);
      else if (r < 0.93) out.push(`COMMENT ON TABLE ${t} IS 'owned by team ${k % 7}';`);
      else out.push(`ALTER TABLE ${t} ADD CONSTRAINT ${c}_fk FOREIGN KEY (id) REFERENCES ${pick(tables)} (id)${rnd() < 0.5 ? ' NOT VALID' : ''};`);
    }
    statements += out.length;
    writeFileSync(join(dir, `${String(i + 1).padStart(4, '0')}_change_${i}.sql`), `${out.join('\n\n')}\n`);
  }
  return statements;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

/** Time vigil end to end and squawk alone on the same 1,000 files. */
export async function benchMigrations(): Promise<void> {
  const work = mkdtempSync(join(tmpdir(), 'vigil-bench-migrations-'));
  const dir = join(work, 'migrations');
  mkdirSync(dir);
  try {
    const statements = writeCorpus(dir);
    const name = `${FILES} migration files (${statements} statements)`;
    const vigilMs: number[] = [];
    let vigilFacts = '';
    for (let i = 0; i < RUNS; i++) {
      const p = await timedProcess(process.execPath, [VIGIL, 'scan', 'migrations', dir, '--no-ledger', '-f', 'json', '--fail-on', 'none'], work);
      if (p.status !== 0) return notRun(`${name}, vigil scan migrations`, `vigil exited ${p.status}: ${p.stderr.trim().split('\n').slice(-2).join(' / ')}`);
      vigilMs.push(p.ms);
      const out = JSON.parse(p.stdout) as { findings: { properties?: { engine?: string } }[]; run: { scanners: { report?: { files: number; statements: number } }[] } };
      const rep = out.run.scanners[0]?.report;
      const bySquawk = out.findings.filter((f) => f.properties?.engine === 'squawk').length;
      vigilFacts = `${rep?.files} files, ${rep?.statements} statements parsed, ${out.findings.length} findings (${bySquawk} from squawk, ${out.findings.length - bySquawk} vigil's own)`;
    }
    // on a shared machine the load decides much of the figure: print it beside
    report(`${name}, vigil scan migrations end to end`, median(vigilMs), 'ms', BUDGET_MS, `median of ${vigilMs.map((x) => (x / 1000).toFixed(2)).join(', ')} s; ${vigilFacts}; load average ${loadavg()[0]!.toFixed(1)}`);

    // the scanner alone, in this process: no CLI start-up, worker thread or output formatting
    const inProcess: number[] = [];
    for (let i = 0; i < RUNS; i++) {
      const t = performance.now();
      let n = 0;
      const ctx = { signal: new AbortController().signal, logger: silentLogger, progress: () => undefined, note: () => undefined, baseDir: work, options: {} };
      for await (const _f of createMigrationsScanner().run({ name: 'm', kind: 'path', location: dir }, ctx)) n++;
      inProcess.push(performance.now() - t);
      if (n === 0) throw new Error('the scanner found nothing in the corpus');
    }
    info('migrations: the scanner alone in one process (squawk included)', median(inProcess), 'ms', `median of ${inProcess.map((x) => x.toFixed(0)).join(', ')} ms`);

    const { cmd, args } = squawkCommand();
    const files = readdirSync(dir).sort();
    const squawkMs: number[] = [];
    let squawkFacts = '';
    for (let i = 0; i < RUNS; i++) {
      const p = await timedProcess(cmd, [...args, '--reporter', 'json', ...files], dir);
      if (p.status !== 0 && p.status !== 1) return notRun(`${name}, squawk alone`, `squawk exited ${p.status}`);
      squawkMs.push(p.ms);
      const v = JSON.parse(p.stdout) as { file: string }[];
      squawkFacts = `${files.length} files, ${v.length} violations in ${new Set(v.map((x) => x.file)).size} files`;
    }
    process.stdout.write(`info  ${`${name}, squawk alone (its binary, one run)`.padEnd(58)} ${`${median(squawkMs).toFixed(1)} ms`.padStart(11)}   median of ${squawkMs.map((x) => (x / 1000).toFixed(2)).join(', ')} s; ${squawkFacts}; like-for-like on squawk's rules, without vigil's parse and checks or node start-up\n`);
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

if (import.meta.url === `file://${process.argv[1]}`) await benchMigrations();
