/**
 * The `code` scanner's budget: on a corpus of real JavaScript (over a million lines from popular
 * packages), `vigil scan code` with the default JS/TS pack runs at least 3× faster than ESLint 9
 * with eslint-plugin-security's recommended rules in ESLint's fastest configuration, measured side
 * by side in this one run; and over a million lines in under 30 s on 2 cores, under 1 GB of memory.
 *
 * Like with like:
 * - both tools analyse exactly the same files. The corpus is the packages' sources as published;
 *   vigil skips minified, generated and oversized files (scanners/code/files.ts), so the list of
 *   files it analyses is computed with its own walker and ESLint is told to ignore the rest. Each
 *   tool's own output says how many files it analysed (vigil's note, ESLint's JSON results), and
 *   the run stops if the two lists differ;
 * - ESLint runs single-threaded, with `--concurrency=auto` (ESLint ≥ 9.34) and, when auto starts
 *   fewer worker threads than there are cores (on 2 cores it starts none), with one per core;
 * - runs are interleaved (vigil, ESLint auto, ESLint single, …, then again), best of three each,
 *   so a neighbour's load on the machine falls on all of them alike.
 *
 * Each tool runs as its users run it, in its own process tree, and is measured the same way: wall
 * time from spawn to exit, and peak memory as the larger of two figures — `/usr/bin/time -f %M`
 * (exact, but only the largest single process of the tree, because that is what the kernel's
 * rusage keeps) and the sum of VmRSS over the whole tree read from /proc every 200 ms (catches
 * processes running side by side, but can miss a peak shorter than a sample). The peak reported
 * is the highest of the three runs.
 */
import { spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { describeSkips, lineCount, walkSourceFiles, type SkipReason } from '../scanners/code/files.js';
import { info, notRun, ratio, report, timed } from './lib.js';

/** The packages whose own sources make the corpus; their dependencies are installed but not copied. */
const PACKAGES = ['lodash', 'express', 'react-dom', 'moment', 'webpack', 'rxjs', 'three', '@babel/core', 'typescript'];
/** What ESLint's default flat config lints, and what vigil reads as JavaScript. */
const SOURCE = /\.(?:js|mjs|cjs)$/;
/** `--concurrency` arrived in ESLint 9.34. */
const ESLINT_CONCURRENCY_SINCE = [9, 34] as const;
const ROUNDS = 3;
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
  /** The first and the last 64 KiB of stderr. */
  stderrHead: string;
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

/** Every source file under `dir`, skipping nested node_modules and symlinks (npm links .bin entries). */
function* sourceFiles(dir: string): Generator<string> {
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, e.name);
    if (e.isDirectory()) {
      if (e.name !== 'node_modules') yield* sourceFiles(path);
    } else if (e.isFile() && SOURCE.test(e.name)) yield path;
  }
}

/**
 * Copy the chosen packages' sources out of node_modules (both tools skip node_modules) into
 * `.vigil/bench/code-corpus/src/<package>/…`, all of them, bundles included: what each tool skips
 * is decided afterwards, once, for both. Only when the lockfile or the selection changed.
 */
function prepareCorpus(): Corpus {
  const lockHash = sha256(join(CORPUS_PACKAGE, 'package-lock.json'));
  installCorpus(lockHash);
  const src = join(WORK, 'src');
  const stampFile = join(WORK, 'stamp.json');
  const key = JSON.stringify({ lockHash, packages: PACKAGES, source: SOURCE.source, copy: 'all' });
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
      const buf = readFileSync(file);
      const to = join(src, pkg, relative(from, file));
      mkdirSync(dirname(to), { recursive: true });
      writeFileSync(to, buf);
      files++;
      lines += lineCount(buf.toString('utf8'));
      bytes += buf.length;
    }
  }
  writeFileSync(stampFile, JSON.stringify({ key, files, lines, bytes }));
  return { src, files, lines, bytes };
}

interface FileSet {
  /** Root-relative, `/`-separated paths, sorted. */
  paths: string[];
  lines: number;
  bytes: number;
}

interface Selection {
  analysed: FileSet;
  skipped: FileSet & { reasons: Partial<Record<SkipReason, number>> };
}

/** Lines and bytes of files under `root`. */
function measureFiles(root: string, paths: string[]): FileSet {
  let lines = 0;
  let bytes = 0;
  for (const p of paths) {
    const buf = readFileSync(join(root, p));
    lines += lineCount(buf.toString('utf8'));
    bytes += buf.length;
  }
  return { paths, lines, bytes };
}

/**
 * The files `vigil scan code` analyses in the corpus and those it skips, by its own walker with
 * the options the scan uses (defaults: secrets on, generated files skipped, 1 MiB per file).
 */
async function selectFiles(src: string): Promise<Selection> {
  const analysed: string[] = [];
  const skipped: string[] = [];
  const reasons: Partial<Record<SkipReason, number>> = {};
  for await (const f of walkSourceFiles(src, {
    allFiles: true,
    onSkip: (relPath, reason) => {
      skipped.push(relPath);
      reasons[reason] = (reasons[reason] ?? 0) + 1;
    },
  })) {
    if (f.language !== undefined) analysed.push(f.relPath);
  }
  if (skipped.some((p) => p.endsWith('/'))) throw new Error(`vigil skips whole folders of the corpus (${skipped.filter((p) => p.endsWith('/')).join(', ')}): tell ESLint the same`);
  return { analysed: measureFiles(src, analysed.sort()), skipped: { ...measureFiles(src, skipped.sort()), reasons } };
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

const KEEP_STDERR = 64 * 1024;

/** Run a command under /usr/bin/time in `cwd`: wall time, peak memory, exit status, stderr. */
async function measure(label: string, command: string, args: string[], cwd: string, scratch: string, env: NodeJS.ProcessEnv = process.env): Promise<Measured> {
  const rssFile = join(scratch, `${label}-rss.txt`);
  const t = performance.now();
  const child = spawn(TIME_BIN, ['-f', '%M', '-o', rssFile, command, ...args], { cwd, env, stdio: ['ignore', 'ignore', 'pipe'] });
  let head = '';
  let stderr = '';
  child.stderr.setEncoding('utf8');
  child.stderr.on('data', (d: string) => {
    // The start says what a tool chose to do, the end why a run failed; a chatty tool must not grow either without bound.
    if (head.length < KEEP_STDERR) head += d.slice(0, KEEP_STDERR - head.length);
    stderr = (stderr + d).slice(-KEEP_STDERR);
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
  return { status, ms, peakMb: Math.max(largestMb, treeMb), largestMb, treeMb, stderrHead: head, stderr };
}

function lastLine(text: string): string {
  return text.trim().split('\n').pop()?.trim() || '(no output on stderr)';
}

/** A path as a glob that matches only itself (minimatch, as ESLint reads `ignores`). */
function literalGlob(path: string): string {
  return path.replace(/[\\*?[\]{}()!+@#]/g, (c) => `\\${c}`);
}

/** The flat config ESLint runs with: eslint-plugin-security's recommended rules, and vigil's skips as ignores. */
function writeEslintConfig(srcFromWork: string, skipped: readonly string[]): string {
  const file = join(WORK, 'eslint.config.mjs');
  const plugin = pathToFileURL(join(CORPUS_PACKAGE, 'node_modules', 'eslint-plugin-security', 'index.js')).href;
  writeFileSync(
    file,
    [
      '// Written by bench/code.ts on every run; edits are lost.',
      `import security from ${JSON.stringify(plugin)};`,
      '',
      '// The files vigil skips (minified, generated, too large): ESLint analyses the same files as vigil.',
      `const vigilSkips = ${JSON.stringify(skipped.map((p) => literalGlob(`${srcFromWork}/${p}`)), null, 1)};`,
      '',
      'export default [{ ignores: vigilSkips }, security.configs.recommended];',
      '',
    ].join('\n'),
  );
  return file;
}

interface EslintFigures {
  findings: number;
  /** Root-relative paths of the files in its results. */
  files: string[];
  unparsed: number;
}

/** Count ESLint's JSON output: security/* messages are findings; fatal messages are files it could not parse. */
function readEslintOutput(file: string, src: string): EslintFigures {
  const results = JSON.parse(readFileSync(file, 'utf8')) as { filePath: string; messages: { ruleId: string | null; fatal?: boolean }[] }[];
  let findings = 0;
  let unparsed = 0;
  for (const r of results) {
    if (r.messages.some((m) => m.fatal)) unparsed++;
    for (const m of r.messages) if (m.ruleId?.startsWith('security/')) findings++;
  }
  // ESLint reports real paths: the corpus folder may be reached through a link
  const root = realpathSync(src);
  return { findings, files: results.map((r) => relative(root, r.filePath).split('\\').join('/')).sort(), unparsed };
}

/** The note vigil's code scanner leaves on its run part: how much the rules read. */
const VIGIL_FILES_NOTE = /^rules ran on ([\d,]+) files \(([\d,]+) lines, ([\d,]+) bytes\)/;

interface VigilFigures {
  findings: number;
  files: number;
  lines: number;
  bytes: number;
  notes: string[];
}

/** Count vigil's JSON output, or say why there is nothing to count. */
function readVigilOutput(file: string): VigilFigures | { error: string } {
  let out: { run?: { scanners?: { status: string; error: string | null; notes?: string[] }[] }; findings?: unknown[] };
  try {
    out = JSON.parse(readFileSync(file, 'utf8')) as typeof out;
  } catch (e) {
    return { error: `its JSON output ${file} could not be read: ${(e as Error).message}` };
  }
  const failed = out.run?.scanners?.find((p) => p.status !== 'complete');
  if (failed) return { error: `the code scanner ended ${failed.status}: ${failed.error}` };
  if (!Array.isArray(out.findings)) return { error: `its JSON output ${file} has no findings list` };
  const notes = out.run?.scanners?.flatMap((p) => p.notes ?? []) ?? [];
  const m = notes.map((n) => VIGIL_FILES_NOTE.exec(n)).find((x) => x);
  if (!m) return { error: `its run notes do not say how many files it analysed: ${JSON.stringify(notes)}` };
  const n = (s: string) => Number(s.replace(/,/g, ''));
  return { findings: out.findings.length, files: n(m[1]!), lines: n(m[2]!), bytes: n(m[3]!), notes };
}

/** What ESLint's `--concurrency=auto` chose, from its own debug line. */
function eslintThreads(stderrHead: string): number | undefined {
  if (/Linting in single-thread mode/.test(stderrHead)) return 1;
  const m = /Linting using (\d+) worker thread/.exec(stderrHead);
  return m ? Number(m[1]) : undefined;
}

function versionAtLeast(version: string, min: readonly number[]): boolean {
  const parts = version.split('.').map((x) => Number.parseInt(x, 10));
  for (let i = 0; i < min.length; i++) {
    if ((parts[i] ?? 0) !== min[i]) return (parts[i] ?? 0) > min[i]!;
  }
  return true;
}

interface Side {
  label: string;
  runs: Measured[];
  best(): Measured;
  peakMb(): number;
}

function side(label: string): Side {
  const runs: Measured[] = [];
  return {
    label,
    runs,
    best: () => runs.reduce((a, b) => (b.ms < a.ms ? b : a)),
    peakMb: () => Math.max(...runs.map((r) => r.peakMb)),
  };
}

const s = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
const n = (x: number) => x.toLocaleString('en');
const mb = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(1)} MB`;
const times = (x: Side) => x.runs.map((r) => (r.ms / 1000).toFixed(1)).join(', ');

function memoryNote(x: Side): string {
  const m = x.runs.reduce((a, b) => (b.peakMb > a.peakMb ? b : a));
  return `highest of ${x.runs.length} runs: largest process ${m.largestMb.toFixed(0)} MB (time -f %M), whole tree ${m.treeMb.toFixed(0)} MB (/proc every ${SAMPLE_MS} ms)`;
}

/** The corpus, the shared file list, then vigil and ESLint's configurations interleaved; prints the figures against the budgets. */
export async function benchCode(): Promise<void> {
  if (!existsSync(TIME_BIN)) throw new Error(`${TIME_BIN} is missing: install the Debian package \`time\` (apt-get install time)`);
  const [corpus, prepMs] = await timed(async () => prepareCorpus());
  info(
    `code: corpus of ${PACKAGES.length} packages' own sources`,
    corpus.bytes / 1024 / 1024,
    'MB',
    `${n(corpus.files)} files, ${n(corpus.lines)} lines; prepared in ${(prepMs / 1000).toFixed(1)} s`,
  );
  const sel = await selectFiles(corpus.src);
  const a = sel.analysed;
  const lines = n(a.lines);
  info(
    'code: both tools analyse the same files',
    a.bytes / 1024 / 1024,
    'MB',
    `${n(a.paths.length)} files, ${lines} lines; vigil ${describeSkips(sel.skipped.reasons) || 'skips none'} (${n(sel.skipped.paths.length)} files, ` +
      `${n(sel.skipped.lines)} lines, ${((100 * sel.skipped.bytes) / corpus.bytes).toFixed(0)} % of the bytes) and ESLint is told to ignore them too`,
  );

  const eslintPackage = JSON.parse(readFileSync(join(CORPUS_PACKAGE, 'node_modules', 'eslint', 'package.json'), 'utf8')) as { version: string };
  if (!versionAtLeast(eslintPackage.version, ESLINT_CONCURRENCY_SINCE)) {
    throw new Error(`bench/code-corpus installs ESLint ${eslintPackage.version}; --concurrency needs ${ESLINT_CONCURRENCY_SINCE.join('.')} or later: raise its pin`);
  }
  const cores = availableParallelism();
  const scratch = mkdtempSync(join(tmpdir(), 'vigil-bench-code-'));
  try {
    const eslintBin = realpathSync(join(CORPUS_PACKAGE, 'node_modules', '.bin', 'eslint'));
    const srcFromWork = relative(WORK, corpus.src);
    const config = writeEslintConfig(srcFromWork, sel.skipped.paths);
    // ESLint's own debug line says how many threads `auto` chose; only its main module's namespace, a handful of lines.
    const eslintEnv = { ...process.env, DEBUG: 'eslint:eslint' };
    const eslintArgs = (concurrency: string, out: string) => [
      eslintBin,
      '--config',
      config,
      '--no-inline-config',
      `--concurrency=${concurrency}`,
      '--format',
      'json',
      '--output-file',
      out,
      srcFromWork,
    ];
    const vigilArgs = (out: string) => [join(ROOT, 'bin', 'vigil.js'), 'scan', 'code', relative(ROOT, corpus.src), '--no-ledger', '--format', 'json', '--output', out, '--fail-on', 'none'];

    const vigil = side('vigil');
    const auto = side('ESLint --concurrency=auto');
    const single = side('ESLint --concurrency=off');
    let perCore: Side | undefined;
    let autoThreads: number | undefined;
    let vigilFigures: VigilFigures | undefined;
    const eslintFigures = new Map<Side, EslintFigures>();

    const runEslint = async (x: Side, concurrency: string, round: number): Promise<void> => {
      const out = join(scratch, `eslint-${concurrency}-${round}.json`);
      const m = await measure(`eslint-${concurrency}`, process.execPath, eslintArgs(concurrency, out), WORK, scratch, eslintEnv);
      // 1 is "problems found"; 2 is ESLint itself failing.
      if (m.status !== 0 && m.status !== 1) throw new Error(`ESLint --concurrency=${concurrency} failed (${m.status}): ${m.stderr}`);
      const e = readEslintOutput(out, corpus.src);
      rmSync(out, { force: true });
      if (e.files.join('\n') !== a.paths.join('\n')) {
        const mine = new Set(a.paths);
        const its = new Set(e.files);
        const extra = e.files.filter((p) => !mine.has(p));
        const missing = a.paths.filter((p) => !its.has(p));
        throw new Error(`ESLint analysed ${e.files.length} files, not vigil's ${a.paths.length}: ${extra.length} more (${extra.slice(0, 5).join(', ')}), ${missing.length} fewer (${missing.slice(0, 5).join(', ')})`);
      }
      const before = eslintFigures.get(x);
      if (before && before.findings !== e.findings) throw new Error(`ESLint --concurrency=${concurrency} found ${e.findings} this round, ${before.findings} before`);
      eslintFigures.set(x, e);
      if (concurrency === 'auto') autoThreads = eslintThreads(m.stderrHead);
      x.runs.push(m);
    };

    for (let round = 0; round < ROUNDS; round++) {
      process.stderr.write(`code: round ${round + 1} of ${ROUNDS}\n`);
      const out = join(scratch, `vigil-${round}.json`);
      const m = await measure('vigil', process.execPath, vigilArgs(out), ROOT, scratch);
      const v = m.status === 0 ? readVigilOutput(out) : { error: `exit ${m.status}: ${lastLine(m.stderr)}` };
      if ('error' in v) {
        notRun(`code: vigil scan code on ${lines} lines`, `vigil's side could not run — ${v.error}`);
        return;
      }
      if (vigilFigures && vigilFigures.findings !== v.findings) throw new Error(`vigil found ${v.findings} this round, ${vigilFigures.findings} before`);
      if (v.files !== a.paths.length) throw new Error(`vigil's note says it analysed ${v.files} files, its walker listed ${a.paths.length}`);
      vigilFigures = v;
      vigil.runs.push(m);

      await runEslint(auto, 'auto', round);
      await runEslint(single, 'off', round);
      // On 2 cores `auto` starts no worker at all (it allows half the cores): one per core is then ESLint's other real choice.
      if (autoThreads === undefined) throw new Error(`ESLint --concurrency=auto did not say how many threads it used (DEBUG=eslint:eslint): ${auto.runs.at(-1)?.stderrHead.slice(0, 500)}`);
      if (autoThreads < cores && cores > 1) {
        perCore ??= side(`ESLint --concurrency=${cores}`);
        await runEslint(perCore, String(cores), round);
      }
    }

    const v = vigilFigures!;
    const eslints = [auto, single, ...(perCore ? [perCore] : [])];
    const bestEslint = eslints.reduce((x, y) => (y.best().ms < x.best().ms ? y : x));
    const vigilMs = vigil.best().ms;
    ratio(
      `code: ESLint's best (${bestEslint.label.replace('ESLint ', '')}) / vigil`,
      bestEslint.best().ms / vigilMs,
      3,
      `ESLint ${s(bestEslint.best().ms)}, vigil ${s(vigilMs)}; best of ${ROUNDS} interleaved runs each, ${cores} cores`,
    );
    report(
      `code: vigil scan code on ${lines} lines`,
      vigilMs,
      's',
      30_000,
      `runs ${times(vigil)} s; ${n(v.findings)} findings; its note: rules ran on ${n(v.files)} files, ${n(v.lines)} lines, ${mb(v.bytes)}`,
    );
    report('code: vigil scan code peak memory', vigil.peakMb(), 'MB', 1024, memoryNote(vigil));
    for (const x of eslints) {
      const e = eslintFigures.get(x)!;
      const threads = x === auto ? ` (auto chose ${autoThreads === 1 ? 'one thread: no worker' : `${autoThreads} worker threads`})` : '';
      info(
        `code: ${x.label}`,
        x.best().ms,
        's',
        `runs ${times(x)} s${threads}; ${n(e.findings)} findings in ${n(e.files.length)} files (its JSON results), ${e.unparsed} it could not parse; ${(x.best().ms / vigilMs).toFixed(2)} × vigil`,
      );
      info(`code: ${x.label} peak memory`, x.peakMb(), 'MB', memoryNote(x));
    }
  } finally {
    // VIGIL_BENCH_KEEP=1 keeps the scratch folder (vigil's JSON output, ESLint's config); the folder is printed.
    if (process.env.VIGIL_BENCH_KEEP) process.stderr.write(`kept ${scratch}\n`);
    else rmSync(scratch, { recursive: true, force: true });
  }
}

if (import.meta.url === `file://${process.argv[1]}`) await benchCode();
