import { randomUUID } from 'node:crypto';
import { VigilError, describeError } from '../errors.js';
import { uniqueFingerprints } from '../model/fingerprint.js';
import { sortFindings } from '../model/create.js';
import type { PartReport, PartStatus, Run, RunPart, RunResult, TargetedFinding } from '../model/run.js';
import { runStatusOf } from '../model/run.js';
import type { AdvisoryLookup, Scanner, ScanOptions } from '../model/scanner.js';
import type { Target } from '../model/target.js';
import { silentLogger, type Logger } from '../util/logger.js';

/** One scanner on one target, with the user's options for that pair. */
export interface PlanItem {
  target: Target;
  scanner: string;
  options: ScanOptions;
}

export type ProgressEvent =
  | { type: 'start'; total: number }
  | { type: 'part-start'; scanner: string; target: string }
  | { type: 'note'; scanner: string; target: string; note: string }
  | { type: 'part-end'; part: RunPart; done: number; total: number };

export interface RunnerOptions {
  /** Resolves scanner ids to instances (scanners/index.ts in production). */
  createScanner: (id: string) => Scanner | Promise<Scanner>;
  trigger: string;
  baseDir: string;
  concurrency?: number;
  /** Per scanner-and-target part. */
  timeoutMs?: number;
  signal?: AbortSignal;
  logger?: Logger;
  onProgress?: (e: ProgressEvent) => void;
  now?: () => Date;
  /** Injected into every scanner's context. */
  advisories?: AdvisoryLookup;
}

/**
 * Run every plan item with bounded concurrency. A part that throws, times out or is aborted
 * is recorded with its error and the others go on; the run's status says how it went.
 */
export async function runScan(plan: readonly PlanItem[], opts: RunnerOptions): Promise<RunResult> {
  const now = opts.now ?? (() => new Date());
  const logger = opts.logger ?? silentLogger;
  const concurrency = Math.max(1, opts.concurrency ?? 4);
  const timeoutMs = opts.timeoutMs ?? 600_000;
  const startedAt = now().toISOString();
  const parts: RunPart[] = new Array(plan.length);
  const found: TargetedFinding[][] = new Array(plan.length);
  const errors = new Map<string, unknown>();
  opts.onProgress?.({ type: 'start', total: plan.length });

  let next = 0;
  let done = 0;
  const worker = async () => {
    while (next < plan.length) {
      const i = next++;
      const item = plan[i]!;
      const r = await runPart(item, opts, timeoutMs, logger, now);
      parts[i] = r.part;
      found[i] = r.findings;
      if (r.error !== undefined) errors.set(`${item.scanner}\u0000${item.target.name}`, r.error);
      done++;
      opts.onProgress?.({ type: 'part-end', part: r.part, done, total: plan.length });
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, plan.length) }, worker));

  const run: Run = {
    id: randomUUID(),
    trigger: opts.trigger,
    startedAt,
    finishedAt: now().toISOString(),
    status: runStatusOf(parts),
    parts,
  };
  const findings = sortFindings(found.flat());
  return { run, findings, errors };
}

async function runPart(
  item: PlanItem,
  opts: RunnerOptions,
  timeoutMs: number,
  logger: Logger,
  now: () => Date,
): Promise<{ part: RunPart; findings: TargetedFinding[]; error?: unknown }> {
  const startedAt = now().toISOString();
  const ac = new AbortController();
  const onOuterAbort = () => ac.abort(opts.signal!.reason ?? new Error('aborted'));
  if (opts.signal?.aborted) onOuterAbort();
  else opts.signal?.addEventListener('abort', onOuterAbort, { once: true });
  const timer = setTimeout(
    () => ac.abort(new VigilError('VIGIL_ERR_SCANNER_TIMEOUT', `${item.scanner} on ${item.target.name} ran past ${Math.round(timeoutMs / 1000)} s`)),
    timeoutMs,
  );
  // A scanner that ignores its signal still cannot hold the run: the abort wins the race.
  const aborted = new Promise<never>((_, reject) => {
    if (ac.signal.aborted) reject(ac.signal.reason);
    ac.signal.addEventListener('abort', () => reject(ac.signal.reason), { once: true });
  });
  aborted.catch(() => undefined);

  let scannerVersion = 0;
  const findings: TargetedFinding[] = [];
  const notes: string[] = [];
  let partReport: PartReport | undefined;
  let status: PartStatus = 'complete';
  let error: unknown;
  opts.onProgress?.({ type: 'part-start', scanner: item.scanner, target: item.target.name });
  try {
    const scanner = await opts.createScanner(item.scanner);
    scannerVersion = scanner.version;
    const ctx = {
      signal: ac.signal,
      logger,
      baseDir: opts.baseDir,
      options: item.options,
      ...(opts.advisories ? { advisories: opts.advisories } : {}),
      progress: (note: string) => opts.onProgress?.({ type: 'note', scanner: item.scanner, target: item.target.name, note }),
      note: (message: string) => {
        // bounded: a scanner noting every file of a huge tree must not grow the run without limit
        if (notes.length < 1000) notes.push(message);
        else if (notes.length === 1000) notes.push('… more notes were dropped');
      },
      report: (r: PartReport) => {
        partReport = r;
      },
    };
    const it = scanner.run(item.target, ctx)[Symbol.asyncIterator]();
    try {
      for (;;) {
        const r = await Promise.race([it.next(), aborted]);
        if (r.done) break;
        // Tagged in place: a copy per finding would double a large run's memory.
        const f = r.value as TargetedFinding;
        f.target = item.target.name;
        findings.push(f);
      }
    } finally {
      if (ac.signal.aborted) void Promise.resolve(it.return?.()).catch(() => undefined);
    }
  } catch (e) {
    error = e;
    status =
      e instanceof VigilError && e.code === 'VIGIL_ERR_SCANNER_TIMEOUT'
        ? 'timeout'
        : opts.signal?.aborted && e === opts.signal.reason
          ? 'aborted'
          : 'failed';
    logger.warn(`${item.scanner} on ${item.target.name} ${status}: ${describeError(e)}`);
  } finally {
    clearTimeout(timer);
    opts.signal?.removeEventListener('abort', onOuterAbort);
  }
  // What a failed part found before it failed is still real; the partial run just proves no fixes.
  const unique = uniqueFingerprints(findings) as TargetedFinding[];
  const part: RunPart = {
    scanner: item.scanner,
    scannerVersion,
    target: item.target.name,
    status,
    error: error === undefined ? null : describeError(error),
    findings: unique.length,
    ...(notes.length ? { notes } : {}),
    ...(partReport ? { report: partReport } : {}),
    startedAt,
    finishedAt: now().toISOString(),
  };
  return error === undefined ? { part, findings: unique } : { part, findings: unique, error };
}
