import path from 'node:path';
import { VigilError } from '../../src/errors.js';
import { createFinding } from '../../src/model/create.js';
import type { Finding } from '../../src/model/finding.js';
import type { FileLocation } from '../../src/model/location.js';
import type { Scanner, ScanContext } from '../../src/model/scanner.js';
import type { Severity } from '../../src/model/severity.js';
import type { Target } from '../../src/model/target.js';
import { redactSecrets } from '../../src/util/redact.js';
import { Checks, type Hit } from './checks.js';
import { listMigrations, MAX_FILE_BYTES, readMigration, type MigrationFile } from './files.js';
import { References } from './references.js';
import { isSquawkRule, isVigilRule, ruleOf, VIGIL_RULES } from './rules.js';
import { runSquawk, squawkVersion, type SquawkViolation } from './squawk.js';
import { ByteLines } from '../../src/util/byte-lines.js';
import { loadParser, parseFile, type ParsedFile, type Statement } from './statements.js';

export const MIGRATIONS_SCANNER_ID = 'migrations';

/** Options of the `migrations` scanner (a config target's `scanners: { migrations: {…} }`). */
export interface MigrationsOptions {
  /** The PostgreSQL version the migrations run on (`15`, `"16.2"`): squawk's --pg-version; security_invoker needs 15. */
  pgVersion?: string | number;
  /** The migration tool wraps each file in a transaction (squawk's --assume-in-transaction). */
  assumeInTransaction?: boolean;
  /** Rule ids to skip (squawk's or vigil's). */
  exclude?: string[];
  /** Supabase checks: default on when the SQL names auth./storage. or the folder is supabase/migrations. */
  supabase?: boolean | 'auto';
}

const OPTION_KEYS = ['pgVersion', 'assumeInTransaction', 'exclude', 'supabase'] as const;
const SNIPPET_CHARS = 400;
const RELEASED: Readonly<Record<string, unknown>> = Object.freeze({});

/**
 * `migrations`: SQL migrations checked for operations that lock or break a live database.
 * squawk is the engine (its rules, ids and `.squawk.toml`); vigil adds, with PostgreSQL's own
 * parser (libpg_query), what squawk lacks: VACUUM FULL, whole-table UPDATE/DELETE, drops and
 * renames still referenced, and Supabase's splinter lints at migration time.
 *
 * A file that does not parse is a `syntax-error` finding at its line (high: the migration fails
 * when applied), with a note; the other files are checked as usual.
 */
export class MigrationsScanner implements Scanner {
  readonly id = MIGRATIONS_SCANNER_ID;
  readonly version = 1;

  async *run(target: Target, ctx: ScanContext): AsyncIterable<Finding> {
    if (target.kind !== 'path') throw new VigilError('VIGIL_ERR_USAGE', `migrations checks a folder of .sql files or one .sql file; "${target.name}" is a ${target.kind}`);
    const opts = checkOptions(ctx.options);
    const root = path.resolve(ctx.baseDir, target.location);
    const note = (m: string) => (ctx.note ? ctx.note(m) : ctx.logger.warn(m));
    const { dir, files, down } = await listMigrations(root, ctx.baseDir);
    if (down.length) note(`${down.length} down migration${down.length === 1 ? '' : 's'} not checked (they undo others): ${down.slice(0, 5).join(', ')}${down.length > 5 ? ', …' : ''}`);

    const exclude = new Set(opts.exclude ?? []);
    const pgVersion = opts.pgVersion === undefined ? undefined : String(opts.pgVersion);
    ctx.progress(`squawk: ${files.length} files`);

    const readable: MigrationFile[] = [];
    const texts: string[] = [];
    const binary = new Map<number, number>();
    for (const f of files) {
      const read = readMigration(f);
      if (read === undefined) note(`${f.display}: larger than ${MAX_FILE_BYTES / 1024 / 1024} MiB, not checked`);
      else {
        if (read.binary) binary.set(readable.length, read.binary.line);
        readable.push(f);
        texts.push(read.text);
      }
    }
    // squawk refuses a whole batch for one file that is not UTF-8: such a file is only reported
    const forSquawk = readable.filter((_f, i) => !binary.has(i));
    const version = squawkVersion(ctx.signal).catch(() => 'squawk (version unknown)');
    // squawk reads the files itself: it runs while this process parses them
    const squawkRun = forSquawk.length
      ? runSquawk({ cwd: dir, files: forSquawk.map((f) => f.rel), ...(pgVersion ? { pgVersion } : {}), ...(opts.assumeInTransaction !== undefined ? { assumeInTransaction: opts.assumeInTransaction } : {}), exclude: [...exclude].filter(isSquawkRule), signal: ctx.signal })
      : Promise.resolve({ violations: [], failed: [] });
    // an unhandled rejection while parsing must not crash the process; it is awaited below
    squawkRun.catch(() => undefined);

    const supabase = opts.supabase === true || (opts.supabase !== false && looksLikeSupabase(root, texts));
    const pgMajor = pgVersion ? Number.parseInt(pgVersion, 10) : undefined;
    const checks = new Checks({ supabase, ...(pgMajor ? { pgMajor } : {}) });
    const references = new References();
    await loadParser();
    const parsed: ParsedFile[] = [];
    for (let i = 0; i < readable.length; i++) {
      if (ctx.signal.aborted) break;
      const badLine = binary.get(i);
      const p = badLine ? { statements: [], error: { line: badLine, column: 1, message: 'not UTF-8 text (or holds NUL bytes)' } } : parseFile(texts[i]!, i);
      checks.addFile(p.statements);
      references.addFile(p.statements);
      // the checks keep what they need; the trees of a thousand files would only cost collection time
      for (const s of p.statements) s.node = RELEASED;
      parsed.push(p);
      if (i % 200 === 199) ctx.progress(`parsed ${i + 1}/${readable.length} files`);
    }
    const { violations, failed } = await squawkRun;
    const byRel = new Map(readable.map((f, i) => [f.rel, i]));
    for (const x of failed) note(`${readable[byRel.get(x.file) ?? -1]?.display ?? x.file}: squawk failed on this file (${x.message}); squawk's rules did not run on it`);
    if (ctx.signal.aborted) throw ctx.signal.reason ?? new VigilError('VIGIL_ERR_SCANNER_TIMEOUT', 'migrations: aborted');

    const where = (s: Statement) => `${readable[s.fileIndex]!.display}:${s.startLine}`;
    const hits: Hit[] = [...checks.finish(), ...references.finish(where)];

    const findings: Finding[] = [];
    const seen = new Map<string, number>();
    const lineIndexes = new Map<number, ByteLines>();
    const linesOf = (i: number) => lineIndexes.get(i) ?? lineIndexes.set(i, new ByteLines(texts[i]!)).get(i)!;
    const unparsedBySquawk = new Set<string>();
    const squawkCounts = { violations: 0, kept: 0 };
    const newRules = new Set<string>();

    for (let i = 0; i < readable.length; i++) {
      const p = parsed[i]!;
      if (p.error && !exclude.has('syntax-error')) {
        const f = readable[i]!;
        const lineText = linesOf(i).line(p.error.line);
        note(`${f.display}:${p.error.line}: does not parse (${p.error.message}); vigil's checks skipped this file`);
        findings.push(
          build('syntax-error', f, { startLine: p.error.line, endLine: p.error.line, startColumn: p.error.column }, lineText, `${p.error.message} at line ${p.error.line}, column ${p.error.column}`, seen, 'vigil'),
        );
      }
    }

    for (const v of violations) {
      squawkCounts.violations++;
      const i = byRel.get(v.file) ?? byRel.get(v.file.replace(/^\.\//, ''));
      if (i === undefined || exclude.has(v.rule_name)) continue;
      const f = readable[i]!;
      const p = parsed[i]!;
      if (v.rule_name === 'syntax-error') {
        // libpg_query is the judge of what parses; when it accepts the file squawk's own parser is the one wrong
        if (!p.error) unparsedBySquawk.add(f.display);
        continue;
      }
      // a down section is cut before parsing; squawk still reads it
      if (p.downFromLine && v.line + 1 >= p.downFromLine) continue;
      const stmt = p.statements.find((s) => s.startLine <= v.line + 1 && v.line + 1 <= s.endLine);
      const text = stmt?.text ?? linesOf(i).line(v.line + 1);
      const rule = ruleOf(v.rule_name);
      if (!rule.known && !newRules.has(v.rule_name)) (newRules.add(v.rule_name), note(`squawk rule ${v.rule_name} is newer than vigil's table: reported as ${rule.severity}`));
      squawkCounts.kept++;
      findings.push(
        build(v.rule_name, f, { startLine: v.line + 1, endLine: v.line_end + 1, startColumn: v.column + 1, endColumn: v.column_end + 1 }, text, `${v.message}${v.help ? ` ${v.help}` : ''}`, seen, 'squawk', sliceRange(linesOf(i), v)),
      );
    }
    for (const d of unparsedBySquawk) note(`${d}: squawk could not parse this file (PostgreSQL's parser can): squawk's rules did not run on it`);

    for (const h of hits) {
      if (exclude.has(h.ruleId)) continue;
      const f = readable[h.stmt.fileIndex]!;
      findings.push(build(h.ruleId, f, { startLine: h.stmt.startLine, endLine: h.stmt.endLine, startColumn: h.stmt.startColumn }, h.stmt.text, h.evidence, seen, 'vigil', h.subject, h.severity));
    }

    const statements = parsed.reduce((n, p) => n + p.statements.length, 0);
    const squawkName = await version;
    ctx.report?.({
      data: { files: readable.length, downSkipped: down.length, statements, unparsable: parsed.filter((p) => p.error).length, squawk: { version: squawkName, violations: squawkCounts.violations, reported: squawkCounts.kept }, vigilFindings: findings.length - squawkCounts.kept, supabase },
      lines: [
        `${readable.length} migration files, ${statements} statements${down.length ? ` (${down.length} down migrations skipped)` : ''}`,
        `${squawkName}: ${squawkCounts.kept} findings; vigil's checks${supabase ? ' (with Supabase)' : ''}: ${findings.length - squawkCounts.kept}`,
      ],
    });
    yield* findings;
  }
}

/** One finding; the fingerprint hashes the rule, the file, the normalised statement and what in it fired, never the line. */
function build(ruleId: string, f: MigrationFile, pos: Pick<FileLocation, 'startLine' | 'endLine' | 'startColumn' | 'endColumn'>, statement: string, evidence: string, seen: Map<string, number>, engine: 'squawk' | 'vigil', subject = '', severity?: Severity): Finding {
  const rule = ruleOf(ruleId);
  const shown = redactSql(statement);
  const snippet = shown.length > SNIPPET_CHARS ? `${shown.slice(0, SNIPPET_CHARS)}…` : shown;
  const base = `${ruleId}\u0000${f.display}\u0000${normalise(shown)}\u0000${subject}`;
  // the same statement twice in a file (or two int columns in one CREATE TABLE) stay two findings
  const n = (seen.get(base) ?? 0) + 1;
  seen.set(base, n);
  return createFinding({
    scanner: MIGRATIONS_SCANNER_ID,
    ruleId,
    title: rule.title,
    severity: severity ?? rule.severity,
    confidence: engine === 'squawk' || ruleId === 'syntax-error' || ruleId === 'vacuum-full' || ruleId === 'unbatched-update' ? 'high' : 'medium',
    cwe: [...rule.cwe],
    location: { kind: 'file', path: f.display, ...pos, snippet },
    evidence: redactSql(evidence),
    remediation: rule.remediation,
    references: [...rule.references],
    tags: ['migration', ...(rule.engine === 'vigil' && (VIGIL_RULES as Record<string, { supabase?: boolean }>)[ruleId]?.supabase ? ['supabase'] : [])],
    properties: { engine },
    fingerprintContext: `${base}\u0000${n}`,
  });
}

/** The text squawk pointed at (on its first line), to tell apart two findings of one rule in one statement. */
function sliceRange(lines: ByteLines, v: SquawkViolation): string {
  const line = lines.line(v.line + 1);
  return v.line_end === v.line ? line.slice(v.column, Math.max(v.column, v.column_end)) : line.slice(v.column);
}

function normalise(sql: string): string {
  return sql.replace(/\s+/g, ' ').trim().toLowerCase();
}

/** Redact secrets in SQL text: role passwords (`PASSWORD '…'`) besides what src/util/redact knows. */
export function redactSql(text: string): string {
  return redactSecrets(text.replace(/(\bpassword\s+)'(?:[^']|'')*'/gi, (_m, head: string) => `${head}'…[redacted]'`));
}

function looksLikeSupabase(root: string, texts: readonly string[]): boolean {
  if (root.split(path.sep).join('/').includes('supabase/migrations')) return true;
  return texts.some((t) => /\b(?:auth|storage)\.[a-z_]/i.test(t));
}

function checkOptions(raw: Readonly<Record<string, unknown>>): MigrationsOptions {
  const bad = (problem: string): never => {
    throw new VigilError('VIGIL_ERR_CONFIG_INVALID', `migrations: ${problem}`);
  };
  for (const k of Object.keys(raw)) if (!(OPTION_KEYS as readonly string[]).includes(k)) bad(`unknown option "${k}" (known: ${OPTION_KEYS.join(', ')})`);
  const pv = raw['pgVersion'];
  if (pv !== undefined && !((typeof pv === 'number' && pv >= 9 && pv < 100) || (typeof pv === 'string' && /^\d{1,2}(\.\d{1,3})?$/.test(pv)))) bad(`pgVersion "${String(pv)}" is not a PostgreSQL version such as 15 or "16.2"`);
  if (raw['assumeInTransaction'] !== undefined && typeof raw['assumeInTransaction'] !== 'boolean') bad('assumeInTransaction is true or false');
  if (raw['supabase'] !== undefined && ![true, false, 'auto'].includes(raw['supabase'] as boolean)) bad('supabase is true, false or "auto"');
  const ex = raw['exclude'];
  if (ex !== undefined) {
    if (!Array.isArray(ex) || !ex.every((x) => typeof x === 'string')) bad('exclude is a list of rule ids');
    for (const id of ex as string[]) if (!isSquawkRule(id) && !isVigilRule(id)) bad(`exclude: no rule "${id}" (squawk's rule names and vigil's: ${Object.keys(VIGIL_RULES).join(', ')})`);
  }
  return raw as MigrationsOptions;
}

/** The scanner's factory, registered in scanners/index.ts. */
export function createMigrationsScanner(): Scanner {
  return new MigrationsScanner();
}
