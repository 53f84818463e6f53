/**
 * Child process for the memory budget: scan a SARIF file and ingest it, nothing else, then
 * print this process's peak RSS in MB. Run alone so nothing else inflates the figure.
 */
import { openLedger } from '../src/ledger/index.js';
import { runScan } from '../src/runner/index.js';
import { createScanner } from '../scanners/index.js';

const [sarif, ledgerFile] = process.argv.slice(2);
const result = await runScan([{ target: { name: 'big', kind: 'path', location: sarif! }, scanner: 'import', options: {} }], {
  createScanner,
  trigger: 'bench',
  baseDir: process.cwd(),
});
const ledger = await openLedger(ledgerFile!);
const s = await ledger.ingest(result);
await ledger.close();
if (s.new !== 100_000) throw new Error(`expected 100,000 new findings, got ${s.new}`);
process.stdout.write(`${process.resourceUsage().maxRSS / 1024}\n`);
