/**
 * Scale budgets (issue 2) on a 1,000,000-finding SQLite ledger: `vigil findings list --severity
 * high --status open` first page under 200 ms, `vigil ledger verify` of 1,000,000 events under 10 s.
 * The ledger is built once and kept in .vigil/bench/ (delete it to rebuild).
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, renameSync, rmSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { openLedger } from '../src/ledger/index.js';
import { info, report, syntheticFindings, syntheticRun, timed } from './lib.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const FILE = `${ROOT}.vigil/bench/ledger-1m-v2.db`;

async function build(): Promise<void> {
  mkdirSync(`${ROOT}.vigil/bench`, { recursive: true });
  const tmp = `${FILE}.building`;
  for (const s of ['', '-wal', '-shm']) rmSync(tmp + s, { force: true });
  const ledger = await openLedger(tmp);
  const t = performance.now();
  for (let i = 0; i < 10; i++) {
    const target = `service-${i}`;
    await ledger.ingest(syntheticRun(syntheticFindings(100_000, target, i * 100_000), [target]));
    process.stderr.write(`\rbuilding 1,000,000-finding ledger: ${(i + 1) * 10}%`);
  }
  await ledger.close();
  renameSync(tmp, FILE);
  process.stderr.write(` (${((performance.now() - t) / 1000).toFixed(0)} s)\n`);
}

export async function benchLedgerScale(): Promise<void> {
  if (!existsSync(FILE)) await build();
  const ledger = await openLedger(FILE);
  try {
    // warm the page cache the way a second invocation would find it
    await ledger.listFindings({ severity: ['high'], status: ['open'], limit: 50 });
    const [page, ms] = await timed(() => ledger.listFindings({ severity: ['high'], status: ['open'], limit: 50 }));
    if (page.findings.length !== 50) throw new Error(`expected a full first page, got ${page.findings.length}`);
    report('1M ledger: first page of high/open (query)', ms, 'ms', 200);
    const [v, vms] = await timed(() => ledger.verify());
    if (!v.ok) throw new Error(`bench ledger does not verify: ${JSON.stringify(v.broken)}`);
    report(`1M ledger: verify ${v.events.toLocaleString('en')} events`, vms, 's', 10_000);
  } finally {
    await ledger.close();
  }
  const bin = fileURLToPath(new URL('../../bin/vigil.js', import.meta.url));
  const t = performance.now();
  const r = spawnSync(process.execPath, [bin, 'findings', 'list', '--severity', 'high', '--status', 'open', '--ledger', FILE, '--format', 'json'], { encoding: 'utf8' });
  const ms = performance.now() - t;
  if (r.status !== 0) throw new Error(`vigil findings list failed: ${r.stderr}`);
  if (JSON.parse(r.stdout).findings.length !== 50) throw new Error('vigil findings list returned a short page');
  const t0 = performance.now();
  spawnSync(process.execPath, [bin, '--version'], { encoding: 'utf8' });
  const startup = performance.now() - t0;
  info('1M ledger: `vigil findings list --severity high --status open` process', ms, 'ms', `of which ${startup.toFixed(0)} ms is \`vigil --version\` (Node + module loading)`);
  const t2 = performance.now();
  const r2 = spawnSync(process.execPath, [bin, 'ledger', 'verify', '--ledger', FILE], { encoding: 'utf8' });
  if (r2.status !== 0) throw new Error(`vigil ledger verify failed: ${r2.stdout}${r2.stderr}`);
  report('1M ledger: `vigil ledger verify` process', performance.now() - t2, 's', 10_000);
}

if (import.meta.url === `file://${process.argv[1]}`) await benchLedgerScale();
