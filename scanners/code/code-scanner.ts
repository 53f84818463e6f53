import { stat } from 'node:fs/promises';
import path from 'node:path';
import { VigilError } from '../../src/errors.js';
import { createFinding } from '../../src/model/create.js';
import type { Finding } from '../../src/model/finding.js';
import { CODE_BINDING_CHARS, CODE_FIX_SEPARATOR, codeFindingTitle, redactStoredCodeFinding, secretMetavariableNames } from '../../src/model/redact-finding.js';
import type { Scanner, ScanContext } from '../../src/model/scanner.js';
import type { Severity } from '../../src/model/severity.js';
import type { Target } from '../../src/model/target.js';
import { redactSecrets } from '../../src/util/redact.js';
import { loadRuleFiles, type CodeRule } from './engine/rules.js';
import { bundledRulesDir } from './bundled.js';
import { describeSkips, lineCount, sourceBytesAtLeast, walkSourceFiles, type SkipReason } from './files.js';
import { secretPolicy } from './secret-metavariables.js';
import type { RuleMatch, RuleProblem, SourceFile } from './types.js';

export const CODE_SCANNER_ID = 'code';

/** Below this much source, worker threads cost more to start than they save. */
const WORKER_THRESHOLD_BYTES = 4 * 1024 * 1024;

/** Options of the `code` scanner (config `options:` or CLI flags). */
export interface CodeOptions {
  /** Rule files or folders; default the bundled pack `rules/code`. */
  rules?: string | string[];
  engine?: 'auto' | 'embedded' | 'semgrep';
  include?: string[];
  exclude?: string[];
  /** The secrets pass (secretlint's recommended preset plus vigil's own rules); default on. */
  secrets?: boolean;
  includeGenerated?: boolean;
  maxFileBytes?: number;
}

/**
 * `code`: Semgrep-format rules over a source tree — with the `semgrep` binary when one is on
 * PATH (`engine: auto`) or asked for, otherwise with vigil's embedded engine on ast-grep — plus a
 * secrets pass. Rules that cannot be evaluated and files that do not parse are noted on the run,
 * never skipped silently.
 */
export class CodeScanner implements Scanner {
  readonly id = CODE_SCANNER_ID;
  readonly version = 1;

  async *run(target: Target, ctx: ScanContext): AsyncIterable<Finding> {
    if (target.kind !== 'path') throw new VigilError('VIGIL_ERR_USAGE', `code scans a folder or a file; "${target.name}" is a ${target.kind}`);
    const opts = checkOptions(ctx.options);
    const root = path.resolve(ctx.baseDir, target.location);
    const note = (m: string) => ctx.note?.(m) ?? ctx.logger.warn(m);
    const rulePaths = (opts.rules === undefined ? [bundledRulesDir()] : Array.isArray(opts.rules) ? opts.rules : [opts.rules]).map((r) => path.resolve(ctx.baseDir, r));

    ctx.progress('loading rules');
    const loaded = await loadRuleFiles(rulePaths);
    for (const p of loaded.problems) note(`rule not evaluated: ${p.toString()}`);
    for (const r of loaded.rules) {
      if (r.unappliedOptions) note(`rule ${r.id} (${r.source.file}:${r.source.line}): the embedded engine does not apply: ${r.unappliedOptions.join(', ')}`);
      const problem = secretPolicy(r).problem;
      if (problem) note(`rule ${r.id} (${r.source.file}:${r.source.line}): ${problem}`);
    }
    const engine = await chooseEngine(opts.engine ?? 'auto');

    const skipped: Partial<Record<SkipReason, number>> = {};
    const wantSecrets = opts.secrets !== false;
    // relPaths are relative to the root folder, or to a root file's own folder (its name alone)
    const rootDir = (await stat(root).catch(() => undefined))?.isFile() ? path.dirname(root) : root;
    const reportPath = (rel: string) => {
      const abs = path.resolve(rootDir, rel);
      const fromBase = path.relative(ctx.baseDir, abs);
      return (fromBase && !fromBase.startsWith('..') && !path.isAbsolute(fromBase) ? fromBase : rel).split(path.sep).join('/');
    };
    const byId = new Map(loaded.rules.map((r) => [r.id, r]));
    const secrets = wantSecrets ? await import('./secrets/index.js') : undefined;
    const secretOut: Finding[] = [];

    // The walk hands each file on as it is read: to the secrets pass (here, on the main thread) and,
    // on a big tree, to worker threads that evaluate the rules meanwhile; a small tree is evaluated
    // here after the walk, because starting workers would cost more than they save.
    const embedded = engine.kind === 'embedded';
    const files: SourceFile[] = [];
    const pending: SourceFile[] = [];
    let pendingBytes = 0;
    let pool: import('./engine/pool.js').EvaluationPool | undefined;
    let added = 0;
    const read = { files: 0, lines: 0, bytes: 0 };
    const startPool = async () => {
      const { EvaluationPool } = await import('./engine/pool.js');
      return new EvaluationPool(loaded.rules, { signal: ctx.signal, onProgress: (n) => ctx.progress(`${n}/${added} files evaluated`) });
    };
    try {
      // a tree plainly big enough gets its worker threads now, so they start while the walk reads
      if (embedded && import.meta.url.endsWith('.js') && rootDir === root && (await sourceBytesAtLeast(root, WORKER_THRESHOLD_BYTES))) pool = await startPool();
      ctx.progress(`reading ${root}`);
      for await (const f of walkSourceFiles(root, {
        ...(opts.include ? { include: opts.include } : {}),
        ...(opts.exclude ? { exclude: opts.exclude } : {}),
        ...(opts.includeGenerated ? { includeGenerated: true } : {}),
        ...(opts.maxFileBytes !== undefined ? { maxFileBytes: opts.maxFileBytes } : {}),
        allFiles: wantSecrets,
        signal: ctx.signal,
        onSkip: (_p, reason) => {
          skipped[reason] = (skipped[reason] ?? 0) + 1;
        },
      })) {
        if (secrets) {
          const hits = await secrets.scanSecrets(f);
          if (hits.length) secretOut.push(...secrets.secretFindings(hits.map((h) => ({ ...h, path: reportPath(h.path) }))));
        }
        if (f.language === undefined) continue;
        read.files++;
        read.lines += lineCount(f.text);
        read.bytes += Buffer.byteLength(f.text);
        if (!embedded) {
          files.push(f);
        } else if (pool) {
          pool.add(f);
          added++;
        } else {
          pending.push(f);
          pendingBytes += f.text.length;
          if (pendingBytes >= WORKER_THRESHOLD_BYTES && import.meta.url.endsWith('.js')) {
            pool = await startPool();
            const first = pending.splice(0);
            for (const p of first) pool.add(p);
            added = first.length;
          }
        }
      }
      const skips = describeSkips(skipped);
      if (skips) note(skips);
      // what the rules read, as Semgrep's "Ran N rules on M files" says it: how much of the tree was scanned
      note(`rules ran on ${read.files.toLocaleString('en')} files (${read.lines.toLocaleString('en')} lines, ${read.bytes.toLocaleString('en')} bytes)`);

      if (engine.kind === 'semgrep') {
        ctx.progress(`semgrep ${engine.version} on ${files.length} files`);
        const { runSemgrep } = await import('./semgrep-cli.js');
        const ruleFiles = [...new Set(loaded.rules.map((r) => r.source.file))];
        const r = await runSemgrep({ semgrep: engine.path, ruleFiles, root: rootDir, files: files.map((f) => f.path), signal: ctx.signal, ruleIds: [...byId.keys()] });
        for (const p of r.problems) note(`semgrep: ${p.ruleId ? `rule ${p.ruleId}: ` : ''}${p.problem}`);
        for (const m of r.matches) yield matchToFinding(m, byId.get(m.ruleId), reportPath(m.path), 'semgrep');
        if (r.exitCode >= 2) throw new VigilError('VIGIL_ERR_SEMGREP', `semgrep stopped short (exit ${r.exitCode}); findings so far are kept, and none is marked fixed`);
      } else {
        const unparsed: string[] = [];
        const ruleNotes = new Set<string>();
        const noteProblem = (p: RuleProblem, where: string) => {
          const key = `${p.ruleId ?? ''}\u0000${p.problem}`;
          if (ruleNotes.has(key)) return;
          ruleNotes.add(key);
          note(`rule ${p.ruleId ?? '?'} could not be evaluated${p.source ? ` (${p.source.file}:${p.source.line})` : ''}${where}: ${p.problem}`);
        };
        if (pool) {
          ctx.progress('waiting for the worker threads');
          const r = await pool.finish();
          for (const p of r.problems) noteProblem(p, '');
          for (const p of r.parseProblems) unparsed.push(`${p.path}:${p.line}`);
          for (const m of r.matches) yield matchToFinding(m, byId.get(m.ruleId), reportPath(m.path), 'embedded');
        } else {
          const { evaluateFile } = await import('./engine/evaluate.js');
          const { ruleSelector } = await import('./engine/select.js');
          const rulesFor = ruleSelector(loaded.rules);
          let done = 0;
          for (const f of pending) {
            if (ctx.signal.aborted) throw ctx.signal.reason;
            if (++done % 200 === 0) ctx.progress(`${done}/${pending.length} files`);
            const rules = rulesFor(f);
            if (rules.length === 0) continue;
            const res = evaluateFile(rules, f);
            for (const p of res.problems) noteProblem(p, ` on ${f.relPath}`);
            if (res.parseProblem) unparsed.push(`${f.relPath}:${res.parseProblem.line}`);
            for (const m of res.matches) yield matchToFinding(m, byId.get(m.ruleId), reportPath(m.path), 'embedded');
          }
        }
        if (unparsed.length) note(`${unparsed.length} file(s) did not parse cleanly (matches in the broken parts may be missed): ${unparsed.slice(0, 20).join(', ')}${unparsed.length > 20 ? ', …' : ''}`);
      }
    } finally {
      await pool?.close();
    }
    yield* secretOut;
  }
}

const OPTION_KEYS = ['rules', 'engine', 'include', 'exclude', 'secrets', 'includeGenerated', 'maxFileBytes'] as const;

/** The target's options for `code`, checked: a misspelt key or a wrong type is bad input, not a silent default. */
function checkOptions(raw: Readonly<Record<string, unknown>>): CodeOptions {
  const bad = (problem: string): never => {
    throw new VigilError('VIGIL_ERR_CONFIG_INVALID', `code: ${problem}`);
  };
  for (const k of Object.keys(raw)) if (!(OPTION_KEYS as readonly string[]).includes(k)) bad(`unknown option "${k}" (known: ${OPTION_KEYS.join(', ')})`);
  const strings = (k: string) => {
    const v = raw[k];
    if (v !== undefined && !(typeof v === 'string' || (Array.isArray(v) && v.every((x) => typeof x === 'string')))) bad(`${k} is a path or a list of them`);
  };
  strings('rules');
  strings('include');
  strings('exclude');
  if (raw['engine'] !== undefined && !['auto', 'embedded', 'semgrep'].includes(String(raw['engine']))) bad(`engine "${String(raw['engine'])}" is not auto, embedded or semgrep`);
  for (const k of ['secrets', 'includeGenerated']) if (raw[k] !== undefined && typeof raw[k] !== 'boolean') bad(`${k} is true or false`);
  if (raw['maxFileBytes'] !== undefined && !Number.isInteger(raw['maxFileBytes'])) bad('maxFileBytes is a whole number of bytes');
  const out = raw as CodeOptions;
  return { ...out, ...(typeof raw['include'] === 'string' ? { include: [raw['include']] } : {}), ...(typeof raw['exclude'] === 'string' ? { exclude: [raw['exclude']] } : {}) };
}

type Engine = { kind: 'embedded' } | { kind: 'semgrep'; path: string; version: string };

async function chooseEngine(choice: 'auto' | 'embedded' | 'semgrep'): Promise<Engine> {
  if (choice === 'embedded') return { kind: 'embedded' };
  const { findSemgrep } = await import('./semgrep-cli.js');
  const found = await findSemgrep();
  if (found) return { kind: 'semgrep', ...found };
  if (choice === 'semgrep') throw new VigilError('VIGIL_ERR_USAGE', '--engine semgrep: no semgrep on PATH (or SEMGREP_PATH); install it, or use --engine embedded');
  return { kind: 'embedded' };
}

/** Semgrep's severities on vigil's scale: ERROR is high, WARNING medium, INFO low. */
export function severityOf(s: string | undefined): Severity {
  switch ((s ?? '').toUpperCase()) {
    case 'CRITICAL':
      return 'critical';
    case 'ERROR':
    case 'HIGH':
      return 'high';
    case 'WARNING':
    case 'MEDIUM':
      return 'medium';
    case 'INFO':
    case 'LOW':
      return 'low';
    default:
      return 'info';
  }
}

function list(v: unknown): string[] {
  if (typeof v === 'string') return [v];
  return Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : [];
}

/**
 * A rule match as a Finding: built as 0.1.0 stored it (first 5 lines and 500 characters of the
 * match, bindings of 200, the generic floor over both), then handed to the kernel's
 * `redactStoredCodeFinding`, which takes the secret bindings out of every field and fingerprints
 * the stored snippet (rule + file + redacted matched code; no line numbers) — the same function
 * the ledger migration runs on 0.1.0's findings, so a re-scan finds the migrated rows.
 */
export function matchToFinding(m: RuleMatch, rule: CodeRule | undefined, filePath: string, engine: 'embedded' | 'semgrep'): Finding {
  const meta = rule?.metadata ?? {};
  const snippet = redactSecrets(m.snippet.split('\n').slice(0, 5).join('\n')).slice(0, 500);
  const cwe = [...new Set(list(meta['cwe']).flatMap((c) => c.match(/CWE-\d+/g) ?? []))];
  const owasp = list(meta['owasp']).map((o) => o.split(' - ')[0]!.trim());
  const asvs = list(meta['asvs']);
  const confidence = String(meta['confidence'] ?? 'medium').toLowerCase();
  const location = { kind: 'file' as const, path: filePath, startLine: m.startLine, endLine: m.endLine, startColumn: m.startColumn, endColumn: m.endColumn, snippet };
  const policy = rule ? secretPolicy(rule) : undefined;
  const asStored = createFinding({
    scanner: CODE_SCANNER_ID,
    ruleId: m.ruleId,
    title: codeFindingTitle(m.message),
    severity: severityOf(rule?.severity),
    confidence: confidence === 'high' || confidence === 'low' ? confidence : 'medium',
    cwe,
    location,
    evidence: snippet,
    remediation: m.fix ? `${m.message}${CODE_FIX_SEPARATOR}${m.fix}` : m.message,
    references: list(meta['references']),
    tags: ['code', ...list(meta['category']).map((c) => `category:${c}`), ...list(meta['technology']).map((t) => `technology:${t}`)],
    controls: [...owasp.map((o) => `OWASP:${o}`), ...asvs.map((a) => `ASVS:${a.replace(/^V?/, 'V')}`)],
    properties: { engine, ...(rule ? { ruleFile: rule.source.file } : {}), ...(Object.keys(m.bindings).length ? { bindings: floorBindings(m.bindings) } : {}) },
    // computed by the kernel, from the redacted snippet
    fingerprint: '',
  });
  return redactStoredCodeFinding(asStored, {
    secretMetavariables: secretMetavariableNames(Object.keys(m.bindings), policy?.declared),
    ...(policy?.text.length ? { textMetavariables: policy.text } : {}),
  });
}

function floorBindings(b: Record<string, string>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(b)) out[k] = redactSecrets(v).slice(0, CODE_BINDING_CHARS);
  return out;
}

/** The registry's factory. */
export function createCodeScanner(): Scanner {
  return new CodeScanner();
}
