/**
 * Read what reality holds: each source is a folder or file (relative to the base folder) or a
 * `postgres://` URL. In folders (walked as the code scanner walks them: .gitignore honoured,
 * node_modules and symbolic links skipped), these are read:
 * - `*.sql`: migrations, replayed in migration order (file paths compared with numbers as
 *   numbers, as Flyway, golang-migrate and the timestamped Supabase and Prisma folders order
 *   them); down migrations are skipped;
 * - `*.prisma`: Prisma schemas;
 * - `.ts`, `.tsx`, `.js`, `.jsx`, `.mjs`, `.cjs`, `.mts`, `.cts` that mention Drizzle tables or TypeORM
 *   entities (declaration files excluded).
 *
 * Nothing stops the reading but an abort: a file that does not parse, a folder or file that does
 * not exist, a database that cannot be reached, each is a SourceProblem and the rest is read.
 * The work is bounded: files over `maxFileBytes` are skipped (and named), at most `maxFiles`
 * files are read in all, a database gives at most `maxColumns` columns.
 */
import { stat } from 'node:fs/promises';
import path from 'node:path';
import { walkSourceFiles, type SkipReason } from '../../code/files.js';
import type { SourceProblem } from '../types.js';
import type { ObservedFieldDetail } from './observed.js';
import { redactDatabaseUrl } from './postgres-url.js';

export interface SourceLimits {
  /** Larger files are not read (default 5 MiB). */
  maxFileBytes: number;
  /** At most this many files are read over all sources (default 20,000). */
  maxFiles: number;
  /** At most this many columns are read from one database (default 200,000). */
  maxColumns: number;
  /** Connection and statement time limit for a database, in milliseconds (default 15 s). */
  databaseTimeoutMs: number;
}

export const DEFAULT_SOURCE_LIMITS: Readonly<SourceLimits> = {
  maxFileBytes: 5 * 1024 * 1024,
  maxFiles: 20_000,
  maxColumns: 200_000,
  databaseTimeoutMs: 15_000,
};

export interface ReadSourcesOptions {
  /** Relative sources are resolved against this folder, and file names in results are relative to it. */
  baseDir: string;
  signal: AbortSignal;
  limits?: Partial<SourceLimits>;
}

export interface SourcesRead {
  fields: ObservedFieldDetail[];
  problems: SourceProblem[];
  /** The files (relative to baseDir) and databases (without password) that were read. */
  read: string[];
}

const FILE_PATTERNS = ['*.sql', '*.prisma', '*.ts', '*.tsx', '*.mts', '*.cts', '*.js', '*.jsx', '*.mjs', '*.cjs'];
const DECLARATION_PATTERNS = ['*.d.ts', '*.d.mts', '*.d.cts'];

/** Calls that certainly define models (literal alternatives only: linear). */
const MODEL_CALL = /@Entity\(|(?:pg|mysql|sqlite|singlestore)Table\(/;

const SKIP_WORDS: Partial<Record<SkipReason, string>> = {
  'too-large': 'is larger than the file size limit: not read',
  unreadable: 'cannot be read',
};

/**
 * Compare paths as migration tools order files: runs of digits by value (`V2__` before `V10__`),
 * a separator before a digit (`V1__` before `V1_1__`), everything else by code unit. Linear in
 * the paths' length.
 */
export function compareMigrationPaths(a: string, b: string): number {
  let i = 0;
  let j = 0;
  while (i < a.length && j < b.length) {
    const ca = a.charCodeAt(i);
    const cb = b.charCodeAt(j);
    const da = ca >= 48 && ca <= 57;
    const db = cb >= 48 && cb <= 57;
    if (da && db) {
      let ei = i;
      while (ei < a.length && isDigit(a.charCodeAt(ei))) ei++;
      let ej = j;
      while (ej < b.length && isDigit(b.charCodeAt(ej))) ej++;
      let si = i;
      while (si < ei - 1 && a.charCodeAt(si) === 48) si++;
      let sj = j;
      while (sj < ej - 1 && b.charCodeAt(sj) === 48) sj++;
      const byLength = ei - si - (ej - sj);
      if (byLength) return byLength;
      for (let k = 0; k < ei - si; k++) {
        const d = a.charCodeAt(si + k) - b.charCodeAt(sj + k);
        if (d) return d;
      }
      // equal values: fewer leading zeros first, then carry on
      const byZeros = ei - i - (ej - j);
      if (byZeros) return byZeros;
      i = ei;
      j = ej;
      continue;
    }
    if (ca !== cb) {
      // a version ends before it goes on: Flyway's V1__ comes before V1_1__ (1 before 1.1)
      if (da && isSeparator(cb)) return 1;
      if (db && isSeparator(ca)) return -1;
      return ca - cb;
    }
    i++;
    j++;
  }
  return a.length - i - (b.length - j);
}

/** True for `postgres://` and `postgresql://` sources. */
function isPostgresUrl(source: string): boolean {
  const lower = source.slice(0, 16).toLowerCase();
  return lower.startsWith('postgres://') || lower.startsWith('postgresql://');
}

/** Cheap text tests before parsing: could this file define Drizzle tables or TypeORM entities? */
function mentionsDrizzle(text: string): boolean {
  return text.includes('Table(') || text.includes('TableCreator(') || text.includes('.table(');
}

function mentionsTypeorm(text: string): boolean {
  return text.includes('@Entity');
}

function isSeparator(c: number): boolean {
  return c === 95 || c === 46 || c === 45; // _ . -
}

function isDigit(c: number): boolean {
  return c >= 48 && c <= 57;
}

function toRel(baseDir: string, abs: string): string {
  const rel = path.relative(baseDir, abs);
  return (rel === '' ? path.basename(abs) : rel).split(path.sep).join('/');
}

interface FileRead {
  /** Relative to baseDir: what findings show. */
  rel: string;
  /** Relative to the source's own folder: what migration order is decided on. */
  inSource: string;
  text: string;
}

/** Read every source; see the module doc. Rejects only when the signal aborts. */
export async function readSources(sources: string[], opts: ReadSourcesOptions): Promise<SourcesRead> {
  const limits: SourceLimits = { ...DEFAULT_SOURCE_LIMITS, ...(opts.limits ?? {}) };
  const baseDir = path.resolve(opts.baseDir);
  const out: SourcesRead = { fields: [], problems: [], read: [] };
  const budget = { files: limits.maxFiles, exhausted: false };
  for (const source of sources) {
    opts.signal.throwIfAborted();
    if (isPostgresUrl(source)) {
      // each reader's module (and its parser or driver) is loaded the first time it is needed
      const { readPostgres } = await import('./postgres.js');
      const r = await readPostgres(source, { signal: opts.signal, timeoutMs: limits.databaseTimeoutMs, maxColumns: limits.maxColumns });
      out.fields.push(...r.fields);
      out.problems.push(...r.problems);
      if (r.problems.length === 0 || r.fields.length > 0) out.read.push(redactDatabaseUrl(source));
      continue;
    }
    if (/^[a-z][a-z0-9+.-]{0,20}:\/\//i.test(source)) {
      // a site is not fetched here: the web scanner, which keeps to its target, already saw its cookies
      out.problems.push({
        source: redactDatabaseUrl(source),
        problem: 'is a URL drift does not read: databases are read from postgres:// URLs; a site\'s cookies come from the web scanner\'s findings for it (cookiesFromWebFindings)',
      });
      continue;
    }
    await readPath(source, baseDir, limits, budget, opts.signal, out);
  }
  return out;
}

async function readPath(source: string, baseDir: string, limits: SourceLimits, budget: { files: number; exhausted: boolean }, signal: AbortSignal, out: SourcesRead): Promise<void> {
  const abs = path.resolve(baseDir, source);
  try {
    const s = await stat(abs);
    if (!s.isDirectory() && !s.isFile()) {
      out.problems.push({ source, problem: 'is neither a file nor a folder' });
      return;
    }
    if (s.isFile() && !FILE_PATTERNS.some((p) => abs.toLowerCase().endsWith(p.slice(1)))) {
      out.problems.push({ source, problem: 'is not a SQL migration, Prisma schema, or JavaScript/TypeScript model file' });
      return;
    }
  } catch {
    out.problems.push({ source, problem: 'no such file or folder' });
    return;
  }
  if (budget.exhausted) return;
  const sql: FileRead[] = [];
  const others: FileRead[] = [];
  const root = abs;
  for await (const f of walkSourceFiles(abs, {
    allFiles: true,
    includeGenerated: true,
    include: FILE_PATTERNS,
    exclude: DECLARATION_PATTERNS,
    maxFileBytes: limits.maxFileBytes,
    signal,
    onSkip: (relPath, reason) => {
      const why = SKIP_WORDS[reason];
      if (why) out.problems.push({ source: toRel(baseDir, path.join(root, relPath)), problem: why });
    },
  })) {
    if (budget.files <= 0) {
      budget.exhausted = true;
      out.problems.push({ source, problem: `stopped after ${limits.maxFiles} files: the rest were not read` });
      break;
    }
    budget.files--;
    const rec: FileRead = { rel: toRel(baseDir, f.path), inSource: f.relPath, text: f.text };
    (f.path.toLowerCase().endsWith('.sql') ? sql : others).push(rec);
  }

  if (sql.length) {
    const { isDownMigration, loadSqlParser, MigrationSchema } = await import('./sql.js');
    await loadSqlParser();
    const schema = new MigrationSchema(out.problems);
    sql.sort((a, b) => compareMigrationPaths(a.inSource, b.inSource));
    for (const f of sql) {
      signal.throwIfAborted();
      if (isDownMigration(path.posix.basename(f.inSource))) continue;
      if (schema.applyFile(f.rel, f.text)) out.read.push(f.rel);
    }
    out.fields.push(...schema.fields());
  }
  for (const f of others) {
    signal.throwIfAborted();
    try {
      await readModelFile(f, out);
    } catch (e) {
      // a reader meeting a tree it did not expect must not end the drift check
      out.problems.push({ source: f.rel, problem: `could not be read: ${(e as Error).message}` });
    }
  }
}

/** A Prisma schema, or a JavaScript/TypeScript file that may define Drizzle tables or TypeORM entities. */
async function readModelFile(f: FileRead, out: SourcesRead): Promise<void> {
  if (f.rel.toLowerCase().endsWith('.prisma')) {
    const { readPrismaSchema } = await import('./prisma.js');
    const r = readPrismaSchema(f.rel, f.text);
    out.fields.push(...r.fields);
    out.problems.push(...r.problems);
    if (!r.problems.length) out.read.push(f.rel);
    return;
  }
  const drizzle = mentionsDrizzle(f.text);
  const typeorm = mentionsTypeorm(f.text);
  if (!drizzle && !typeorm) return;
  const [{ readDrizzle }, { readTypeorm }, { parseModelFile, syntaxProblem }] = await Promise.all([import('./drizzle.js'), import('./typeorm.js'), import('./ts-ast.js')]);
  const tree = parseModelFile(f.rel, f.text);
  if (!tree) return;
  const fields = [...(drizzle ? readDrizzle(f.rel, tree) : []), ...(typeorm ? readTypeorm(f.rel, tree) : [])];
  // `createTable(` or `@Entity` in passing is common; a syntax error matters where models are
  if (!fields.length && !MODEL_CALL.test(f.text)) return;
  const problem = syntaxProblem(tree, f.rel);
  if (problem) out.problems.push(problem);
  if (!fields.length) return;
  out.fields.push(...fields);
  out.read.push(f.rel);
}
