/**
 * The `code` scanner's file walker: which files under a root get scanned, in what order, and why
 * the others were not.
 *
 * Ignore files, as git reads them (`gitignore: false` turns off the first three, as Semgrep's
 * `--no-git-ignore` does):
 * - `.gitignore` in the root and in every folder below it, each pattern relative to its own folder;
 *   a deeper file overrides a shallower one, and within a file the last matching pattern wins;
 *   `!negation` re-includes, except below an ignored folder (git does not descend there, nor do we);
 *   a trailing `/` matches folders only.
 * - `.git/info/exclude` of the root, with the lowest precedence, as in git.
 * - `.semgrepignore` in the root, read as if appended to the root's `.gitignore` (Semgrep's rule),
 *   so its `!negations` can re-include what the root `.gitignore` excludes. It is honoured even
 *   when `gitignore` is false.
 * - `.gitignore` files above the root and the user's global excludes file are not read.
 * - Always skipped: folders named `.git` (and a `.git` file of a worktree), `.vigil` and, unless
 *   `includeNodeModules`, `node_modules`, at any depth. With `includeNodeModules`, a `node_modules`
 *   folder is entered even when an ignore file lists it, and only its own ignore files apply inside.
 *
 * `include` / `exclude` (and rule `paths:`, through `pathFilter`), as Semgrep matches them:
 * - A pattern is a glob (picomatch syntax: `*`, `?`, `**`, `[abc]`, `{a,b}`; `*` matches dotfiles)
 *   tested against the path relative to the root with `/` separators, and against each of its
 *   parent folders: a pattern that names a folder covers everything under it.
 * - A pattern matches at any depth, slash or not, as Semgrep does: `*.test.js` and `tests` match
 *   anywhere, and so does `project/tests` (it matches `project/tests/a.js` and `x/project/tests/a.js`).
 *   A leading `/` or `./` anchors it to the root (Semgrep matches nothing for a leading `/`; anchoring
 *   is what such a pattern asks for). A trailing `/` matches folders only.
 * - A path passes when it matches no exclude pattern and, if include patterns are given, at least
 *   one include pattern: exclusion wins. An empty pattern or one starting with `!` is refused.
 *
 * What is yielded: files with a language (by extension, or by shebang for a file without an
 * extension); with `allFiles`, every other text file too (language undefined). Skipped by default
 * (`includeGenerated` keeps them all):
 * - declarations: `.d.ts`, `.d.mts`, `.d.cts`, `.pyi`: types only, no logic for a rule to find;
 * - minified: `*.min.js` (`.mjs`, `.cjs`, `.css`); or, in the first 64 Ki characters, a line longer
 *   than 5,000 characters, or an average line longer than 500 over a sample of at least 2 KiB (a
 *   short one-line file is not minified);
 * - generated: `*.bundle.js`, `*-bundle.js`; source maps (`*.map` holding JSON); files whose first
 *   2 KiB carry a generator marker (see GENERATED_MARKERS) in a comment: the marker's line starts
 *   with a comment or docstring opener, or no quote precedes the marker on its line, so a string
 *   literal naming a marker does not hide a file from the scan.
 * Always skipped: files over `maxFileBytes` (default 1 MiB; 0 or less means no limit), binary files
 * (a NUL byte in the first 8 KiB), symbolic links (never followed, like git and Semgrep: no loops, no
 * escape from the root) and files or folders that cannot be read.
 *
 * Every skip is reported through `opts.onSkip(relPath, reason)` in walk order; folders (ignored,
 * excluded or unreadable ones) are reported once, with a trailing `/`, not file by file. Files the
 * walk never considered (no language and not `allFiles`, `.git` contents) are not reported.
 * `describeSkips` turns counts into "skipped 12 minified, 3 generated, 4 too large, 2 binary".
 *
 * Files are yielded sorted by relPath (code-unit order); up to 8 are read at a time.
 */
import { close, fstat, open as openFd, read } from 'node:fs';
import type { Dirent, Stats } from 'node:fs';
import { readdir, readFile, stat } from 'node:fs/promises';
import { basename, join, resolve } from 'node:path';
import { promisify } from 'node:util';
import ignore from 'ignore';
import type { Ignore } from 'ignore';
import picomatch from 'picomatch/posix.js';
import { VigilError } from '../../src/errors.js';
import { extensionOf, isDeclarationFile, languageOf, shebangLanguage } from './languages.js';
import type { CodeLanguage, SourceFile } from './types.js';

/** Why a file (or folder) was not yielded. */
export type SkipReason =
  | 'ignored' // an ignore file, or a folder always skipped (node_modules, .vigil)
  | 'excluded' // include/exclude
  | 'declaration'
  | 'minified'
  | 'generated'
  | 'too-large'
  | 'binary'
  | 'symlink'
  | 'unreadable';

/** Every reason, in the order `describeSkips` lists them. */
export const SKIP_REASONS: readonly SkipReason[] = ['minified', 'generated', 'declaration', 'too-large', 'binary', 'unreadable', 'symlink', 'excluded', 'ignored'];

export interface WalkOptions {
  /** Only paths matching one of these (Semgrep `paths.include` semantics, see the module doc). */
  include?: string[];
  /** Never paths matching one of these; wins over include. */
  exclude?: string[];
  /** Walk into `node_modules` folders (skipped by default). */
  includeNodeModules?: boolean;
  /** Keep minified, generated and declaration files. */
  includeGenerated?: boolean;
  /** Yield text files of any extension (language undefined when none applies), for the secrets pass. */
  allFiles?: boolean;
  /** Larger files are skipped as `too-large`. Default 1 MiB; 0 or less: no limit. */
  maxFileBytes?: number;
  /** false: disregard `.gitignore` files and `.git/info/exclude` (`.semgrepignore` still applies). Default true. */
  gitignore?: boolean;
  /** Told of every skipped file or folder, in walk order. */
  onSkip?: (relPath: string, reason: SkipReason) => void;
  /** Stops the walk (the generator throws the signal's reason). */
  signal?: AbortSignal;
}

export const DEFAULT_MAX_FILE_BYTES = 1024 * 1024;

/** How many files are opened and read at once. */
const READ_CONCURRENCY = 8;
const BINARY_SNIFF_BYTES = 8 * 1024;
const GENERATED_SNIFF_CHARS = 2 * 1024;
const MINIFIED_SAMPLE_CHARS = 64 * 1024;
const MINIFIED_MAX_LINE = 5000;
const MINIFIED_MAX_AVERAGE_LINE = 500;
/** Below this many characters the average-line test says nothing: one long line of config is not minified code. */
const MINIFIED_MIN_SAMPLE = 2 * 1024;
/** Enough for any shebang line worth reading. */
const SHEBANG_SNIFF_BYTES = 256;

/**
 * Markers code generators write at the top of their output (Go's `Code generated … DO NOT EDIT.`,
 * Facebook's and Thrift's tags). `DO NOT EDIT` counts in capitals only: "please do not edit
 * without review" is a human's note.
 */
const GENERATED_MARKERS = /@generated|DO NOT EDIT|[Aa]uto-?[Gg]enerated|AUTO-?GENERATED/;
/** Lines that open a comment or docstring, in the languages the walker yields. */
const COMMENT_OPENER = /^\s*(?:\/\/|\/\*|\*|#|<!--|--|;|%|"""|''')/;
const MINIFIED_NAME = /\.min\.(?:[cm]?js|css)$/i;
const BUNDLE_NAME = /[.-]bundle\.[cm]?js$/i;

/** Folders never walked, whatever the ignore files say. */
const ALWAYS_SKIPPED_DIRS = new Set(['.git', '.vigil']);

// ---------------------------------------------------------------------------------------------
// include / exclude

interface PatternSet {
  /** Patterns that match files and folders. */
  any: (path: string) => boolean;
  /** Patterns written with a trailing `/`: folders only. */
  dirs: (path: string) => boolean;
}

const NEVER = (): boolean => false;

function compilePatterns(patterns: readonly string[], list: 'include' | 'exclude'): PatternSet {
  const any: string[] = [];
  const dirs: string[] = [];
  for (const raw of patterns) {
    if (typeof raw !== 'string' || raw.trim() === '') throw new VigilError('VIGIL_ERR_USAGE', `an empty pattern in the ${list} list`);
    if (raw.startsWith('!')) {
      throw new VigilError('VIGIL_ERR_USAGE', `the ${list} pattern "${raw}" starts with "!": negation is not supported in include/exclude (list the path under the other key instead)`);
    }
    let p = raw;
    let anchored = false;
    if (p.startsWith('./')) {
      p = p.slice(2);
      anchored = true;
    }
    while (p.startsWith('/')) {
      p = p.slice(1);
      anchored = true;
    }
    const dirOnly = p.endsWith('/');
    while (p.endsWith('/')) p = p.slice(0, -1);
    if (p === '') throw new VigilError('VIGIL_ERR_USAGE', `the ${list} pattern "${raw}" names no path`);
    const glob = anchored || p.startsWith('**/') || p === '**' ? p : `**/${p}`;
    (dirOnly ? dirs : any).push(glob);
  }
  const compile = (globs: string[]) => (globs.length ? picomatch(globs, { dot: true }) : NEVER);
  return { any: compile(any), dirs: compile(dirs) };
}

/** True when the set matches the path itself or one of its parent folders. */
function matchesPathOrParent(set: PatternSet, relPath: string, isDir: boolean): boolean {
  for (let slash = relPath.indexOf('/'); slash !== -1; slash = relPath.indexOf('/', slash + 1)) {
    const parent = relPath.slice(0, slash);
    if (set.any(parent) || set.dirs(parent)) return true;
  }
  return set.any(relPath) || (isDir && set.dirs(relPath));
}

interface CompiledFilter {
  /** True when a file passes. */
  file: (relPath: string) => boolean;
  /** True when nothing under the folder can pass (so the walk need not enter it). */
  dirExcluded: (relPath: string) => boolean;
}

function compileFilter(include?: readonly string[], exclude?: readonly string[]): CompiledFilter | undefined {
  const inc = include?.length ? compilePatterns(include, 'include') : undefined;
  const exc = exclude?.length ? compilePatterns(exclude, 'exclude') : undefined;
  if (!inc && !exc) return undefined;
  const clean = (p: string) => (p.startsWith('./') ? p.slice(2) : p);
  return {
    file: (relPath) => {
      const p = clean(relPath);
      if (exc && matchesPathOrParent(exc, p, false)) return false;
      return !inc || matchesPathOrParent(inc, p, false);
    },
    dirExcluded: (relPath) => exc !== undefined && matchesPathOrParent(exc, clean(relPath), true),
  };
}

/** A predicate for Semgrep-style `paths.include` / `paths.exclude` over root-relative `/` paths; see the module doc. Throws VIGIL_ERR_USAGE for an empty or `!` pattern. */
export function pathFilter(include?: string[], exclude?: string[]): (relPath: string) => boolean {
  const f = compileFilter(include, exclude);
  return f ? f.file : () => true;
}

// ---------------------------------------------------------------------------------------------
// ignore files

/** One ignore file's rules, for the paths under the folder it sits in. */
interface IgnoreLevel {
  /** The folder's relPath with a trailing `/` ('' for the root). */
  prefix: string;
  rules: Ignore;
}

/** Git's answer for a path: the deepest level with an opinion decides. */
function isIgnored(levels: readonly IgnoreLevel[], relPath: string, isDir: boolean): boolean {
  for (let i = levels.length - 1; i >= 0; i--) {
    const level = levels[i]!;
    const sub = relPath.slice(level.prefix.length) + (isDir ? '/' : '');
    let r: ReturnType<Ignore['test']>;
    try {
      r = level.rules.test(sub);
    } catch {
      // The library refuses names it cannot treat as relative paths; no pattern could match those.
      continue;
    }
    if (r.ignored) return true;
    if (r.unignored) return false;
  }
  return false;
}

async function readIgnoreFile(path: string): Promise<string | undefined> {
  try {
    return await readFile(path, 'utf8');
  } catch (e) {
    if (isFsError(e)) return undefined;
    throw e;
  }
}

// ---------------------------------------------------------------------------------------------
// the walk

interface Resolved {
  root: string;
  filter: CompiledFilter | undefined;
  includeNodeModules: boolean;
  includeGenerated: boolean;
  allFiles: boolean;
  maxFileBytes: number;
  gitignore: boolean;
}

/** A file worth opening. */
interface Candidate {
  kind: 'file';
  path: string;
  relPath: string;
  /** From the extension; undefined for allFiles text and extension-less scripts. */
  language: CodeLanguage | undefined;
  /** Extension-less and not allFiles: yielded only when its shebang names a language. */
  needsShebang: boolean;
}

type Step = Candidate | { kind: 'skip'; relPath: string; reason: SkipReason };
type Outcome = { kind: 'file'; file: SourceFile } | { kind: 'skip'; relPath: string; reason: SkipReason } | undefined;

/** A work item on the depth-first stack. */
interface Pending {
  entry: Dirent;
  relPath: string;
  levels: readonly IgnoreLevel[];
}

/**
 * Walk a folder (or one file) and yield the files to scan, sorted by relPath, read with bounded
 * concurrency. Skips are reported through `opts.onSkip`; see the module doc for every rule.
 * Throws VIGIL_ERR_INPUT_NOT_FOUND when the root does not exist.
 */
export async function* walkSourceFiles(root: string, opts: WalkOptions): AsyncGenerator<SourceFile> {
  const absRoot = resolve(root);
  const maxFileBytes = opts.maxFileBytes ?? DEFAULT_MAX_FILE_BYTES;
  const o: Resolved = {
    root: absRoot,
    filter: compileFilter(opts.include, opts.exclude),
    includeNodeModules: opts.includeNodeModules ?? false,
    includeGenerated: opts.includeGenerated ?? false,
    allFiles: opts.allFiles ?? false,
    maxFileBytes: maxFileBytes > 0 ? maxFileBytes : Number.POSITIVE_INFINITY,
    gitignore: opts.gitignore ?? true,
  };

  let rootStat: Stats;
  try {
    // stat, not lstat: a symbolic link given as the root is what the user asked to scan.
    rootStat = await stat(absRoot);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' || code === 'ENOTDIR' ? 'does not exist' : `cannot be read (${code ?? String(e)})`;
    throw new VigilError('VIGIL_ERR_INPUT_NOT_FOUND', `the scan root ${why}: ${absRoot}`, { file: absRoot }, { cause: e });
  }

  let steps: AsyncIterable<Step> | Iterable<Step>;
  if (rootStat.isDirectory()) steps = walkTree(o);
  else if (rootStat.isFile()) {
    const name = basename(absRoot);
    const c = classifyName(o, absRoot, name, name);
    steps = c ? [c] : [];
  } else throw new VigilError('VIGIL_ERR_INPUT_NOT_FOUND', `the scan root is neither a file nor a folder: ${absRoot}`, { file: absRoot });

  // A sliding window keeps READ_CONCURRENCY reads in flight while results leave in walk order.
  const window: Promise<Outcome>[] = [];
  const emit = (outcome: Outcome): SourceFile | undefined => {
    if (outcome?.kind === 'skip') opts.onSkip?.(outcome.relPath, outcome.reason);
    return outcome?.kind === 'file' ? outcome.file : undefined;
  };
  for await (const step of steps) {
    opts.signal?.throwIfAborted();
    const p = step.kind === 'skip' ? Promise.resolve<Outcome>(step) : examine(o, step);
    // If the consumer stops early, unawaited reads must not surface as unhandled rejections.
    p.catch(() => undefined);
    window.push(p);
    if (window.length >= READ_CONCURRENCY) {
      const file = emit(await window.shift()!);
      if (file) yield file;
    }
  }
  while (window.length) {
    opts.signal?.throwIfAborted();
    const file = emit(await window.shift()!);
    if (file) yield file;
  }
}

/**
 * Whether a folder holds at least `limit` bytes of files in a language the engine reads, outside
 * node_modules and vigil's own folders — a quick estimate (sizes from stat, ignore files not read)
 * that stops as soon as the limit is reached, to decide before the walk whether worker threads pay.
 */
export async function sourceBytesAtLeast(root: string, limit: number): Promise<boolean> {
  let total = 0;
  const stack = [resolve(root)];
  while (stack.length) {
    const dir = stack.pop()!;
    let entries: Dirent[];
    try {
      entries = await readdir(dir, { withFileTypes: true });
    } catch {
      continue;
    }
    for (const e of entries) {
      if (e.isDirectory()) {
        if (!ALWAYS_SKIPPED_DIRS.has(e.name) && e.name !== 'node_modules') stack.push(join(dir, e.name));
      } else if (e.isFile() && languageOf(e.name) !== undefined) {
        total += (await stat(join(dir, e.name)).catch(() => undefined))?.size ?? 0;
        if (total >= limit) return true;
      }
    }
  }
  return false;
}

/** Depth-first over the tree with siblings sorted so that the walk order is relPath order. */
async function* walkTree(o: Resolved): AsyncGenerator<Step> {
  const rootLevels: IgnoreLevel[] = [];
  if (o.gitignore) {
    const exclude = await readIgnoreFile(join(o.root, '.git', 'info', 'exclude'));
    if (exclude !== undefined) rootLevels.push({ prefix: '', rules: ignore().add(exclude) });
  }

  const stack: Pending[] = [];
  const rootEntries = yield* listDir(o, o.root, '');
  if (!rootEntries) return;
  pushChildren(stack, rootEntries, '', await levelsFor(o, o.root, '', rootEntries, rootLevels, true));

  while (stack.length) {
    const { entry, relPath, levels } = stack.pop()!;
    const abs = join(o.root, relPath);
    if (entry.isSymbolicLink()) {
      // git keeps a link as a file of its own: ignore files and filters apply to it as to a file.
      if (isIgnored(levels, relPath, false)) yield { kind: 'skip', relPath, reason: 'ignored' };
      else {
        const step = classifyName(o, abs, relPath, entry.name);
        // Reported only when it would have been a target: node_modules/.bin is not news.
        if (step?.kind === 'file') {
          if (!step.needsShebang) yield { kind: 'skip', relPath, reason: 'symlink' };
        } else if (step) yield step;
      }
      continue;
    }
    if (entry.isDirectory()) {
      if (ALWAYS_SKIPPED_DIRS.has(entry.name)) {
        if (entry.name !== '.git') yield { kind: 'skip', relPath: `${relPath}/`, reason: 'ignored' };
        continue;
      }
      const isNodeModules = entry.name === 'node_modules';
      if (isNodeModules && !o.includeNodeModules) {
        yield { kind: 'skip', relPath: `${relPath}/`, reason: 'ignored' };
        continue;
      }
      if (!(isNodeModules && o.includeNodeModules) && isIgnored(levels, relPath, true)) {
        yield { kind: 'skip', relPath: `${relPath}/`, reason: 'ignored' };
        continue;
      }
      if (o.filter?.dirExcluded(relPath)) {
        yield { kind: 'skip', relPath: `${relPath}/`, reason: 'excluded' };
        continue;
      }
      const entries = yield* listDir(o, abs, relPath);
      if (!entries) continue;
      // Outer rules that list node_modules would ignore everything below it by their parent match:
      // asked for explicitly, it is walked as a fresh tree with only its own ignore files.
      const inherited = isNodeModules ? [] : levels;
      pushChildren(stack, entries, `${relPath}/`, await levelsFor(o, abs, `${relPath}/`, entries, inherited, false));
      continue;
    }
    // Sockets, FIFOs and devices are not source files (and opening a FIFO would block the walk).
    if (!entry.isFile()) continue;
    // A worktree's or submodule's `.git` is a file pointing at the real repository.
    if (entry.name === '.git') continue;
    if (isIgnored(levels, relPath, false)) {
      yield { kind: 'skip', relPath, reason: 'ignored' };
      continue;
    }
    const step = classifyName(o, abs, relPath, entry.name);
    if (step) yield step;
  }
}

/** A folder's entries, or undefined (reported as unreadable) when it cannot be listed. */
async function* listDir(o: Resolved, abs: string, relPath: string): AsyncGenerator<Step, Dirent[] | undefined> {
  try {
    return await readdir(abs, { withFileTypes: true });
  } catch (e) {
    if (!isFsError(e)) throw e;
    // The root itself was stat'ed a moment ago: failing to list it is a real error, not a skip.
    if (relPath === '') throw new VigilError('VIGIL_ERR_INPUT_NOT_FOUND', `the scan root cannot be listed (${(e as NodeJS.ErrnoException).code}): ${o.root}`, { file: o.root }, { cause: e });
    yield { kind: 'skip', relPath: `${relPath}/`, reason: 'unreadable' };
    return undefined;
  }
}

/** The ignore levels in force inside a folder: its parent's plus its own `.gitignore` (and, at the root, `.semgrepignore`). */
async function levelsFor(o: Resolved, abs: string, prefix: string, entries: readonly Dirent[], inherited: readonly IgnoreLevel[], isRoot: boolean): Promise<readonly IgnoreLevel[]> {
  // git does not read a .gitignore that is a symbolic link; neither do we.
  const has = (name: string) => entries.some((e) => e.name === name && e.isFile());
  let rules: Ignore | undefined;
  if (o.gitignore && has('.gitignore')) {
    const text = await readIgnoreFile(join(abs, '.gitignore'));
    if (text !== undefined) rules = ignore().add(text);
  }
  if (isRoot && has('.semgrepignore')) {
    const text = await readIgnoreFile(join(abs, '.semgrepignore'));
    // Appended to the root's .gitignore rules, so its negations can undo them.
    if (text !== undefined) rules = (rules ?? ignore()).add(text);
  }
  return rules ? [...inherited, { prefix, rules }] : inherited;
}

function pushChildren(stack: Pending[], entries: Dirent[], prefix: string, levels: readonly IgnoreLevel[]): void {
  // A folder sorts as `name/`: then depth-first order equals sorting the full relPaths.
  const key = (e: Dirent) => (e.isDirectory() ? `${e.name}/` : e.name);
  const keyed = entries.map((e) => [key(e), e] as const);
  keyed.sort((a, b) => (a[0] < b[0] ? 1 : a[0] > b[0] ? -1 : 0));
  for (const [, entry] of keyed) stack.push({ entry, relPath: prefix + entry.name, levels });
}

/** Decide from the name alone: not a target (undefined), skipped, or a candidate to open. */
function classifyName(o: Resolved, abs: string, relPath: string, name: string): Step | undefined {
  const language = languageOf(name);
  const extensionless = extensionOf(name) === '';
  const needsShebang = language === undefined && !o.allFiles && extensionless;
  if (language === undefined && !o.allFiles && !extensionless) return undefined;
  if (o.filter && !o.filter.file(relPath)) {
    // An extension-less file that is not a script was never a target: nothing to report.
    return needsShebang ? undefined : { kind: 'skip', relPath, reason: 'excluded' };
  }
  if (!o.includeGenerated) {
    if (isDeclarationFile(name)) return { kind: 'skip', relPath, reason: 'declaration' };
    if (MINIFIED_NAME.test(name)) return { kind: 'skip', relPath, reason: 'minified' };
    if (BUNDLE_NAME.test(name)) return { kind: 'skip', relPath, reason: 'generated' };
  }
  return { kind: 'file', path: abs, relPath, language, needsShebang };
}

// Plain descriptors rather than fs.promises' FileHandle: on a 4,000-file tree the FileHandle
// round trips cost about a third more, and a walk is four of them per file.
const openAsync = promisify(openFd);
const fstatAsync = promisify(fstat);
const readAsync = promisify(read);
const closeAsync = promisify(close);

/** Open, size-check, read and judge one candidate. */
async function examine(o: Resolved, c: Candidate): Promise<Outcome> {
  const skip = (reason: SkipReason): Outcome => ({ kind: 'skip', relPath: c.relPath, reason });
  let fd: number | undefined;
  try {
    fd = await openAsync(c.path, 'r');
    const st = await fstatAsync(fd);
    if (!st.isFile()) return undefined;
    let language = c.language;
    if (c.needsShebang) {
      const head = await readAt(fd, Math.min(st.size, SHEBANG_SNIFF_BYTES));
      language = shebangLanguage(head.toString('latin1'));
      if (!language) return undefined;
    }
    if (st.size > o.maxFileBytes) return skip('too-large');
    const buf = await readAt(fd, st.size);
    if (buf.subarray(0, BINARY_SNIFF_BYTES).includes(0)) return skip('binary');
    const text = buf.toString('utf8');
    if (language === undefined && extensionOf(c.relPath) === '') language = shebangLanguage(text);
    if (!o.includeGenerated) {
      if (isSourceMap(c.relPath, text) || hasGeneratedMarker(text)) return skip('generated');
      if (looksMinified(text)) return skip('minified');
    }
    return { kind: 'file', file: { path: c.path, relPath: c.relPath, language, text } };
  } catch (e) {
    if (isFsError(e)) return skip('unreadable');
    throw e;
  } finally {
    if (fd !== undefined) await closeAsync(fd).catch(() => undefined);
  }
}

/** The first `length` bytes; fewer if the file shrank since it was stat'ed. */
async function readAt(fd: number, length: number): Promise<Buffer> {
  const buf = Buffer.allocUnsafe(length);
  let filled = 0;
  while (filled < length) {
    const { bytesRead } = await readAsync(fd, buf, filled, length - filled, filled);
    if (bytesRead === 0) break;
    filled += bytesRead;
  }
  return filled === length ? buf : buf.subarray(0, filled);
}

function isSourceMap(relPath: string, text: string): boolean {
  return extensionOf(relPath) === '.map' && text.trimStart().startsWith('{');
}

/** A generator marker in the first 2 KiB, in a comment rather than a string literal (see the module doc). */
function hasGeneratedMarker(text: string): boolean {
  const head = text.slice(0, GENERATED_SNIFF_CHARS);
  if (!GENERATED_MARKERS.test(head)) return false;
  for (const line of head.split('\n')) {
    const m = GENERATED_MARKERS.exec(line);
    if (!m) continue;
    if (COMMENT_OPENER.test(line) || !/["'`]/.test(line.slice(0, m.index))) return true;
  }
  return false;
}

/** The line-length heuristics over the first 64 Ki characters. */
function looksMinified(text: string): boolean {
  const sample = text.length > MINIFIED_SAMPLE_CHARS ? text.slice(0, MINIFIED_SAMPLE_CHARS) : text;
  let lines = 0;
  let start = 0;
  for (;;) {
    const nl = sample.indexOf('\n', start);
    const end = nl < 0 ? sample.length : nl;
    if (end - start > MINIFIED_MAX_LINE) return true;
    if (nl < 0) {
      if (end > start) lines++;
      break;
    }
    lines++;
    start = nl + 1;
  }
  return sample.length >= MINIFIED_MIN_SAMPLE && lines > 0 && sample.length / lines > MINIFIED_MAX_AVERAGE_LINE;
}

function isFsError(e: unknown): boolean {
  return e instanceof Error && typeof (e as NodeJS.ErrnoException).code === 'string' && !(e instanceof VigilError);
}

/** "skipped 12 minified, 3 generated, 4 too large, 2 binary" from counts by reason; '' when nothing was skipped. */
export function describeSkips(counts: Partial<Record<SkipReason, number>>): string {
  const parts = SKIP_REASONS.filter((r) => (counts[r] ?? 0) > 0).map((r) => `${counts[r]} ${r.replace('-', ' ')}`);
  return parts.length ? `skipped ${parts.join(', ')}` : '';
}

/** Lines as editors count them: a last line without a newline counts too. */
export function lineCount(text: string): number {
  let lines = 0;
  let start = 0;
  for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', start)) {
    lines++;
    start = i + 1;
  }
  return start < text.length ? lines + 1 : lines;
}
