/**
 * Ingest budgets (issue 2): 100,000 findings into an empty ledger and again (all duplicates):
 * SQLite under 5 s each, PostgreSQL under 15 s each; the whole `vigil scan import` of a
 * 100,000-result SARIF under 500 MB peak memory. DefectDojo's reported figure for comparison:
 * about 10 minutes for 30,000 findings (it cannot run here, so it is quoted, not measured).
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { openLedger } from '../src/ledger/index.js';
import { info, report, syntheticFindings, syntheticRun, timed } from './lib.js';

const N = 100_000;
const DOJO_MS_PER_FINDING = (10 * 60 * 1000) / 30_000;
const PG_URL = process.env.VIGIL_BENCH_PG ?? 'postgres://postgres@127.0.0.1:5432/test';

/** Ingest into a fresh ledger, then again; `rounds` fresh ledgers, reporting the median of each. */
async function ingestTwice(fresh: () => Promise<{ location: string; drop: () => Promise<void> }>, label: string, budgetMs: number, rounds: number): Promise<void> {
  const findings = syntheticFindings(N, 'bench');
  const firsts: number[] = [];
  const seconds: number[] = [];
  for (let r = 0; r < rounds; r++) {
    const { location, drop } = await fresh();
    const ledger = await openLedger(location);
    try {
      firsts.push((await timed(() => ledger.ingest(syntheticRun(findings, ['bench']))))[1]);
      seconds.push((await timed(() => ledger.ingest(syntheticRun(findings, ['bench']))))[1]);
    } finally {
      await ledger.close();
      await drop();
    }
  }
  const runs = rounds > 1 ? ` (median of ${rounds}: ${firsts.map((t) => (t / 1000).toFixed(1)).join(', ')} s)` : '';
  const first = median(firsts);
  report(`${label}: ingest 100,000 new findings`, first, 's', budgetMs, `DefectDojo ~${((DOJO_MS_PER_FINDING * N) / first).toFixed(0)}× slower (quoted)${runs}`);
  report(`${label}: re-ingest the same 100,000 (all duplicates)`, median(seconds), 's', budgetMs);
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

/** A SARIF log with `n` results, as a large CodeQL or Semgrep run would produce. */
function bigSarif(n: number): string {
  const rules = Array.from({ length: 97 }, (_, i) => ({ id: `js/rule-${i}`, shortDescription: { text: `Rule ${i}` }, properties: { 'security-severity': String((i % 10) + 0.5) } }));
  const results = Array.from({ length: n }, (_, i) => ({
    ruleId: `js/rule-${i % 97}`,
    ruleIndex: i % 97,
    level: 'warning',
    message: { text: `value flows from request parameter ${i % 13} into sink` },
    locations: [{ physicalLocation: { artifactLocation: { uri: `src/module-${i % 1000}/file-${i % 37}.ts` }, region: { startLine: 1 + (i % 400), snippet: { text: `sink(input${i}, options)` } } } }],
  }));
  return JSON.stringify({ version: '2.1.0', runs: [{ tool: { driver: { name: 'BenchTool', rules } }, results }] });
}

async function endToEnd(dir: string): Promise<void> {
  const sarif = join(dir, 'big.sarif');
  writeFileSync(sarif, bigSarif(N));
  const bin = fileURLToPath(new URL('../../bin/vigil.js', import.meta.url));
  const t = performance.now();
  const r = spawnSync('/usr/bin/time', ['-f', '%M', process.execPath, bin, 'scan', 'import', sarif, '--ledger', join(dir, 'e2e.db'), '--format', 'json', '--output', join(dir, 'out.json'), '--fail-on', 'none'], {
    encoding: 'utf8',
    // the command's own messages (the incidents a first scan opens) are not the bench's to cut short
    maxBuffer: 64 * 1024 * 1024,
  });
  const ms = performance.now() - t;
  if (r.status !== 0) throw new Error(`vigil scan failed (${r.status}): ${r.stderr}`);
  const kb = Number(r.stderr.trim().split('\n').pop());
  info('CLI: `vigil scan import` 100,000-result SARIF → ledger + JSON', ms, 's', 'parse + map + ingest + gate + 120 MB of JSON');
  info('CLI: peak memory (max RSS) of that whole command', kb / 1024, 'MB', 'the budget below is for the ingest');
  const child = fileURLToPath(new URL('./ingest-child.js', import.meta.url));
  const c = spawnSync(process.execPath, [child, sarif, join(dir, 'child.db')], { encoding: 'utf8' });
  if (c.status !== 0) throw new Error(`ingest child failed: ${c.stderr}`);
  report('peak memory (max RSS) of scanning + ingesting 100,000 findings', Number(c.stdout.trim()), 'MB', 500);
}

export async function benchIngest(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'vigil-bench-'));
  try {
    let k = 0;
    await ingestTwice(
      async () => {
        const location = join(dir, `ledger-${k++}.db`);
        return { location, drop: async () => rmSync(location, { force: true }) };
      },
      'SQLite',
      5_000,
      3,
    );
    const name = `vigil_bench_${process.pid}`;
    const admin = new pg.Client({ connectionString: PG_URL });
    try {
      await admin.connect();
    } catch (e) {
      process.stdout.write(`FAIL  PostgreSQL: not reachable at ${PG_URL} (${(e as Error).message})\n`);
      process.exitCode = 1;
    }
    if (process.exitCode !== 1) {
      try {
        await ingestTwice(
          async () => {
            await admin.query(`create database ${name}`);
            const u = new URL(PG_URL);
            u.pathname = `/${name}`;
            return { location: u.toString(), drop: async () => void (await admin.query(`drop database if exists ${name} with (force)`)) };
          },
          'PostgreSQL',
          15_000,
          1,
        );
      } finally {
        await admin.end();
      }
    }
    await endToEnd(dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

if (import.meta.url === `file://${process.argv[1]}`) await benchIngest();
