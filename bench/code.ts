/**
 * The `code` scanner's budget: on a corpus of real JavaScript (over a million lines from popular
 * packages), `vigil scan code` with the default JS/TS pack runs at least 3× faster than ESLint 9
 * with eslint-plugin-security's recommended rules on the same files, measured side by side in
 * this one run; and over a million lines in under 30 s on 2 cores, under 1 GB of memory.
 *
 * Both tools run as their users run them, each in its own process tree, and are measured the
 * same way: wall time from spawn to exit, and peak memory as the larger of two figures —
 * `/usr/bin/time -f %M` (exact, but only the largest single process of the tree, because that is
 * what the kernel's rusage keeps) and the sum of VmRSS over the whole tree read from /proc every
 * 200 ms (catches processes running side by side, but can miss a peak shorter than a sample).
 */
import { spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { info, notRun, ratio, report, timed } from './lib.js';

/** The packages whose own sources make the corpus; their dependencies are installed but not copied. */
const PACKAGES = ['lodash', 'express', 'react-dom', 'moment', 'webpack', 'rxjs', 'three', '@babel/core', 'typescript'];
const SOURCE = /\.(?:js|mjs|cjs)$/;
// Minified bundles are left out, by name and by any line over MAX_LINE characters (bundles not named
// `.min.js`): neither tool is built for them, and the codebases their users scan are not made of them.
const MINIFIED = /\.min\.(?:js|mjs|cjs)$/;
const MAX_LINE = 5_000;
const TIME_BIN = '/usr/bin/time';
const SAMPLE_MS = 200;

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const CORPUS_PACKAGE = join(ROOT, 'bench', 'code-corpus');
const WORK = join(ROOT, '.vigil', 'bench', 'code-corpus');

interface Corpus {
  src: string;
  files: number;
  lines: number;
  bytes: number;
}

interface Measured {
  status: number | null;
  ms: number;
  /** The larger of /usr/bin/time's %M and the sampled tree sum, in MB. */
  peakMb: number;
  largestMb: number;
  treeMb: number;
  stderr: string;
}

function sha256(file: string): string {
  return createHash('sha256').update(readFileSync(file)).digest('hex');
}

function readOr(file: string, fallback: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return fallback;
  }
}

/** `npm ci` the corpus package when its node_modules is missing or was installed from another lockfile. */
function installCorpus(lockHash: string): void {
  // Inside node_modules, so a fresh `npm ci` (which empties it) also drops the stamp.
  const stamp = join(CORPUS_PACKAGE, 'node_modules', '.vigil-bench-stamp');
  if (readOr(stamp, '') === lockHash) return;
  process.stderr.write('code: installing the corpus packages (npm ci --prefix bench/code-corpus)…\n');
  // No install scripts: the corpus is read, never run, and a benchmark should not execute 250 packages' hooks.
  const r = spawnSync('npm', ['ci', '--prefix', CORPUS_PACKAGE, '--ignore-scripts', '--no-audit', '--no-fund'], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`npm ci --prefix bench/code-corpus failed (${r.status ?? r.signal ?? r.error?.message}): ${r.stderr}`);
  writeFileSync(stamp, lockHash);
}

function countLines(text: string): { lines: number; longest: number } {
  let lines = 0;
  let longest = 0;
  let start = 0;
  for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', start)) {
    longest = Math.max(longest, i - start);
    lines++;
    start = i + 1;
  }
  if (start < text.length) {
    longest = Math.max(longest, text.length - start);
    lines++;
  }
  return { lines, longest };
}

/** Every source file under `dir`, skipping nested node_modules and symlinks (npm links .bin entries). */
function* sourceFiles(dir: string): Generator<string> {
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, e.name);
    if (e.isDirectory()) {
      if (e.name !== 'node_modules') yield* sourceFiles(path);
    } else if (e.isFile() && SOURCE.test(e.name) && !MINIFIED.test(e.name)) yield path;
  }
}

/**
 * Copy the chosen packages' sources out of node_modules (both tools skip node_modules) into
 * `.vigil/bench/code-corpus/src/<package>/…`; only when the lockfile or the selection changed.
 */
function prepareCorpus(): Corpus {
  const lockHash = sha256(join(CORPUS_PACKAGE, 'package-lock.json'));
  installCorpus(lockHash);
  const src = join(WORK, 'src');
  const stampFile = join(WORK, 'stamp.json');
  const key = JSON.stringify({ lockHash, packages: PACKAGES, source: SOURCE.source, minified: MINIFIED.source, maxLine: MAX_LINE });
  const stamp = JSON.parse(readOr(stampFile, '{}')) as Partial<Corpus> & { key?: string };
  if (stamp.key === key && existsSync(src)) return { src, files: stamp.files!, lines: stamp.lines!, bytes: stamp.bytes! };

  // The stamp goes first: a copy cut short must not pass for a complete one next time.
  rmSync(stampFile, { force: true });
  rmSync(src, { recursive: true, force: true });
  mkdirSync(src, { recursive: true });
  let files = 0;
  let lines = 0;
  let bytes = 0;
  for (const pkg of PACKAGES) {
    const from = join(CORPUS_PACKAGE, 'node_modules', pkg);
    if (!existsSync(from)) throw new Error(`bench/code-corpus: ${pkg} is not installed in ${from}; is it in bench/code-corpus/package.json?`);
    for (const file of sourceFiles(from)) {
      const text = readFileSync(file, 'utf8');
      const counted = countLines(text);
      if (counted.longest > MAX_LINE) continue;
      const to = join(src, pkg, relative(from, file));
      mkdirSync(dirname(to), { recursive: true });
      writeFileSync(to, text);
      files++;
      lines += counted.lines;
      bytes += Buffer.byteLength(text);
    }
  }
  writeFileSync(stampFile, JSON.stringify({ key, files, lines, bytes }));
  return { src, files, lines, bytes };
}

/** Sum of VmRSS (MB) over `root` and all its descendants, from /proc. */
function treeRssMb(root: number): number {
  const children = new Map<number, number[]>();
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    // The command name in parentheses may hold spaces and parentheses: the parent pid follows the last ')'.
    const stat = readOr(`/proc/${name}/stat`, '');
    const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
    if (!children.has(ppid)) children.set(ppid, []);
    children.get(ppid)!.push(Number(name));
  }
  let kb = 0;
  const queue = [root];
  for (let pid = queue.pop(); pid !== undefined; pid = queue.pop()) {
    const rss = /^VmRSS:\s+(\d+) kB/m.exec(readOr(`/proc/${pid}/status`, ''));
    if (rss) kb += Number(rss[1]);
    queue.push(...(children.get(pid) ?? []));
  }
  return kb / 1024;
}

/** Run a command under /usr/bin/time in `cwd`: wall time, peak memory, exit status, stderr. */
async function measure(label: string, command: string, args: string[], cwd: string, scratch: string): Promise<Measured> {
  const rssFile = join(scratch, `${label}-rss.txt`);
  const t = performance.now();
  const child = spawn(TIME_BIN, ['-f', '%M', '-o', rssFile, command, ...args], { cwd, stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr.setEncoding('utf8');
  child.stderr.on('data', (d: string) => {
    // Only the end matters (the reason a run failed); a chatty tool must not grow this without bound.
    stderr = (stderr + d).slice(-64 * 1024);
  });
  let treeMb = 0;
  const sampler = setInterval(() => {
    if (child.pid) treeMb = Math.max(treeMb, treeRssMb(child.pid));
  }, SAMPLE_MS);
  const status = await new Promise<number | null>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code) => resolve(code));
  }).finally(() => clearInterval(sampler));
  const ms = performance.now() - t;
  // time(1) writes "Command exited with non-zero status N" before the figure when the command fails.
  const largestMb = Number(readOr(rssFile, '0').trim().split('\n').pop()) / 1024;
  return { status, ms, peakMb: Math.max(largestMb, treeMb), largestMb, treeMb, stderr };
}

function lastLine(text: string): string {
  return text.trim().split('\n').pop()?.trim() || '(no output on stderr)';
}

function memoryNote(m: Measured): string {
  return `largest process ${m.largestMb.toFixed(0)} MB (time -f %M), whole tree ${m.treeMb.toFixed(0)} MB (/proc every ${SAMPLE_MS} ms)`;
}

/** The flat config ESLint runs with: eslint-plugin-security's recommended rules and nothing else. */
function writeEslintConfig(): string {
  const file = join(WORK, 'eslint.config.mjs');
  const plugin = pathToFileURL(join(CORPUS_PACKAGE, 'node_modules', 'eslint-plugin-security', 'index.js')).href;
  writeFileSync(
    file,
    [
      '// Written by bench/code.ts on every run; edits are lost.',
      `import security from ${JSON.stringify(plugin)};`,
      '',
      'export default [security.configs.recommended];',
      '',
    ].join('\n'),
  );
  return file;
}

interface EslintFigures {
  findings: number;
  files: number;
  unparsed: number;
}

/** Count ESLint's JSON output: security/* messages are findings; fatal messages are files it could not parse. */
function readEslintOutput(file: string): EslintFigures {
  const results = JSON.parse(readFileSync(file, 'utf8')) as { messages: { ruleId: string | null; fatal?: boolean }[] }[];
  let findings = 0;
  let unparsed = 0;
  for (const r of results) {
    if (r.messages.some((m) => m.fatal)) unparsed++;
    for (const m of r.messages) if (m.ruleId?.startsWith('security/')) findings++;
  }
  return { findings, files: results.length, unparsed };
}

/** Count vigil's JSON output, or say why there is nothing to count. */
function readVigilOutput(file: string): { findings: number } | { error: string } {
  let out: { run?: { scanners?: { status: string; error: string | null }[] }; findings?: unknown[] };
  try {
    out = JSON.parse(readFileSync(file, 'utf8')) as typeof out;
  } catch (e) {
    return { error: `its JSON output ${file} could not be read: ${(e as Error).message}` };
  }
  const failed = out.run?.scanners?.find((p) => p.status !== 'complete');
  if (failed) return { error: `the code scanner ended ${failed.status}: ${failed.error}` };
  if (!Array.isArray(out.findings)) return { error: `its JSON output ${file} has no findings list` };
  return { findings: out.findings.length };
}

/** The corpus, then ESLint and vigil on it one after the other; prints the figures against the budgets. */
export async function benchCode(): Promise<void> {
  if (!existsSync(TIME_BIN)) throw new Error(`${TIME_BIN} is missing: install the Debian package \`time\` (apt-get install time)`);
  const [corpus, prepMs] = await timed(async () => prepareCorpus());
  const lines = corpus.lines.toLocaleString('en');
  info(
    `code: corpus of ${PACKAGES.length} packages' own sources`,
    corpus.bytes / 1024 / 1024,
    'MB',
    `${corpus.files.toLocaleString('en')} files, ${lines} lines; prepared in ${(prepMs / 1000).toFixed(1)} s`,
  );
  const cores = `${cpus().length} cores`;
  const scratch = mkdtempSync(join(tmpdir(), 'vigil-bench-code-'));
  try {
    const eslintOut = join(scratch, 'eslint.json');
    const eslintBin = realpathSync(join(CORPUS_PACKAGE, 'node_modules', '.bin', 'eslint'));
    // Defaults otherwise: no cache (none is asked for), one thread (ESLint's --concurrency is off by default).
    const eslint = await measure(
      'eslint',
      process.execPath,
      [eslintBin, '--config', writeEslintConfig(), '--no-inline-config', '--format', 'json', '--output-file', eslintOut, relative(WORK, corpus.src)],
      WORK,
      scratch,
    );
    // 1 is "problems found"; 2 is ESLint itself failing.
    if (eslint.status !== 0 && eslint.status !== 1) throw new Error(`ESLint failed (${eslint.status}): ${eslint.stderr}`);
    const e = readEslintOutput(eslintOut);
    info(
      `code: ESLint 9 + eslint-plugin-security on ${lines} lines`,
      eslint.ms,
      's',
      `${e.findings.toLocaleString('en')} findings in ${e.files.toLocaleString('en')} files, ${e.unparsed} files it could not parse`,
    );
    info('code: ESLint peak memory', eslint.peakMb, 'MB', memoryNote(eslint));

    const vigilOut = join(scratch, 'vigil.json');
    const vigil = await measure(
      'vigil',
      process.execPath,
      [join(ROOT, 'bin', 'vigil.js'), 'scan', 'code', relative(ROOT, corpus.src), '--no-ledger', '--format', 'json', '--output', vigilOut, '--fail-on', 'none'],
      ROOT,
      scratch,
    );
    const scanName = `code: vigil scan code on ${lines} lines`;
    const v = vigil.status === 0 ? readVigilOutput(vigilOut) : { error: `exit ${vigil.status}: ${lastLine(vigil.stderr)}` };
    if ('error' in v) {
      notRun(scanName, `vigil's side could not run — ${v.error}`);
      notRun('code: ESLint/vigil wall time', `needs vigil's figure; ESLint took ${(eslint.ms / 1000).toFixed(1)} s`);
      return;
    }
    report(scanName, vigil.ms, 's', 30_000, `${v.findings.toLocaleString('en')} findings, ${cores}`);
    report('code: vigil scan code peak memory', vigil.peakMb, 'MB', 1024, memoryNote(vigil));
    ratio('code: ESLint/vigil wall time', eslint.ms / vigil.ms, 3, `ESLint ${(eslint.ms / 1000).toFixed(1)} s, vigil ${(vigil.ms / 1000).toFixed(1)} s`);
  } finally {
    // VIGIL_BENCH_KEEP=1 keeps both tools' JSON output for a look at what each found; the folder is printed.
    if (process.env.VIGIL_BENCH_KEEP) process.stderr.write(`kept ${scratch}\n`);
    else rmSync(scratch, { recursive: true, force: true });
  }
}

if (import.meta.url === `file://${process.argv[1]}`) await benchCode();
