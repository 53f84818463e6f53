import { randomUUID } from 'node:crypto';
import { VigilError, describeError } from '../errors.js';
import { uniqueFingerprints } from '../model/fingerprint.js';
import { sortFindings } from '../model/create.js';
import type { PartArtifact, PartReport, PartStatus, Run, RunArtifact, RunPart, RunResult, TargetedFinding } from '../model/run.js';
import { PART_ARTIFACT_KINDS, runStatusOf } from '../model/run.js';
import type { AdvisoryLookup, PriorFindings, ScanContext, Scanner, ScanOptions } from '../model/scanner.js';
import type { Target } from '../model/target.js';
import { silentLogger, type Logger } from '../util/logger.js';
import { PartThreads, type PartSink } from './isolated.js';

/** One scanner on one target, with the user's options for that pair. */
export interface PlanItem {
  target: Target;
  scanner: string;
  options: ScanOptions;
  /** Leave the part out, recorded as `skipped` with this reason as its note (nothing runs). */
  skip?: string;
}

export type ProgressEvent =
  | { type: 'start'; total: number }
  | { type: 'part-start'; scanner: string; target: string }
  | { type: 'note'; scanner: string; target: string; note: string }
  | { type: 'part-end'; part: RunPart; done: number; total: number };

export interface RunnerOptions {
  /**
   * Resolves scanner ids to instances on this thread (tests, embedders). A part run this way is
   * ended at its timeout only if it gives the event loop back: one that blocks the thread holds the run.
   */
  createScanner?: (id: string) => Scanner | Promise<Scanner>;
  /**
   * A worker entry module that calls `servePart` with the scanner registry (the shell's
   * scanners/part-worker.js). When given, every part runs on a worker thread that is terminated
   * when the part outlives its timeout or the run is aborted; `createScanner` is then not used.
   * Threads started ahead (PartThreads, warm) are used and ended with the run.
   */
  partWorker?: URL | PartThreads;
  /** How long an aborted part on a worker thread gets to stop by itself before its thread is terminated; default 2 s (at most the timeout). */
  abortGraceMs?: number;
  trigger: string;
  /** The run's id; a random UUID when absent (a queued job passes its own, so a retry is recognised). */
  runId?: string;
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
  /** Injected into every scanner's context (see ScanContext.priorFindings). */
  priorFindings?: PriorFindings;
}

/**
 * Run every plan item with bounded concurrency. A part that throws, times out or is aborted
 * is recorded with its error and the others go on; the run's status says how it went. With
 * `partWorker`, parts run on worker threads and a part that blocks its thread is terminated.
 */
export async function runScan(plan: readonly PlanItem[], opts: RunnerOptions): Promise<RunResult> {
  const now = opts.now ?? (() => new Date());
  const logger = opts.logger ?? silentLogger;
  const concurrency = Math.max(1, opts.concurrency ?? 4);
  const timeoutMs = opts.timeoutMs ?? 600_000;
  const startedAt = now().toISOString();
  const parts: RunPart[] = new Array(plan.length);
  const found: TargetedFinding[][] = new Array(plan.length);
  const made: RunArtifact[][] = new Array(plan.length);
  const errors = new Map<string, unknown>();
  if (!opts.partWorker && !opts.createScanner) throw new VigilError('VIGIL_ERR_INTERNAL', 'runScan needs partWorker or createScanner');
  opts.onProgress?.({ type: 'start', total: plan.length });

  // one thread per lane at most, each reused by the lane's next part unless its part was ended
  const threads = opts.partWorker instanceof PartThreads ? opts.partWorker : opts.partWorker ? new PartThreads(opts.partWorker) : undefined;
  const graceMs = Math.max(0, opts.abortGraceMs ?? Math.min(2000, timeoutMs));

  let next = 0;
  let done = 0;
  const worker = async () => {
    while (next < plan.length) {
      const i = next++;
      const item = plan[i]!;
      const r = await runPart(item, opts, { timeoutMs, graceMs, logger, now, threads });
      parts[i] = r.part;
      found[i] = r.findings;
      made[i] = r.artifacts.map((a) => ({ ...a, scanner: item.scanner, target: item.target.name }));
      if (r.error !== undefined) errors.set(`${item.scanner}\u0000${item.target.name}`, r.error);
      done++;
      opts.onProgress?.({ type: 'part-end', part: r.part, done, total: plan.length });
    }
  };
  try {
    await Promise.all(Array.from({ length: Math.min(concurrency, plan.length) }, worker));
  } finally {
    await threads?.close();
  }

  const run: Run = {
    id: opts.runId ?? randomUUID(),
    trigger: opts.trigger,
    startedAt,
    finishedAt: now().toISOString(),
    status: runStatusOf(parts),
    parts,
  };
  const findings = sortFindings(found.flat());
  const artifacts = made.flat();
  return artifacts.length ? { run, findings, errors, artifacts } : { run, findings, errors };
}

interface PartEnv {
  timeoutMs: number;
  graceMs: number;
  logger: Logger;
  now: () => Date;
  threads: PartThreads | undefined;
}

async function runPart(
  item: PlanItem,
  opts: RunnerOptions,
  env: PartEnv,
): Promise<{ part: RunPart; findings: TargetedFinding[]; artifacts: PartArtifact[]; error?: unknown }> {
  const { timeoutMs, logger, now } = env;
  const startedAt = now().toISOString();
  if (item.skip !== undefined) {
    opts.onProgress?.({ type: 'part-start', scanner: item.scanner, target: item.target.name });
    const part: RunPart = { scanner: item.scanner, scannerVersion: 0, target: item.target.name, status: 'skipped', error: null, findings: 0, notes: [`left out: ${item.skip}`], startedAt, finishedAt: now().toISOString() };
    return { part, findings: [], artifacts: [] };
  }
  const ac = new AbortController();
  const onOuterAbort = () => ac.abort(opts.signal!.reason ?? new Error('aborted'));
  if (opts.signal?.aborted) onOuterAbort();
  else opts.signal?.addEventListener('abort', onOuterAbort, { once: true });
  const timer = setTimeout(
    () => ac.abort(new VigilError('VIGIL_ERR_SCANNER_TIMEOUT', `${item.scanner} on ${item.target.name} ran past ${formatSeconds(timeoutMs)}`)),
    timeoutMs,
  );

  let scannerVersion = 0;
  const findings: TargetedFinding[] = [];
  const notes: string[] = [];
  let partReport: PartReport | undefined;
  const artifacts = new Map<PartArtifact['kind'], PartArtifact>();
  let status: PartStatus = 'complete';
  let error: unknown;
  const sink: PartSink = {
    version: (v) => {
      scannerVersion = v;
    },
    finding: (f) => {
      // Tagged in place: a copy per finding would double a large run's memory.
      const t = f as TargetedFinding;
      t.target = item.target.name;
      findings.push(t);
    },
    progress: (note) => opts.onProgress?.({ type: 'note', scanner: item.scanner, target: item.target.name, note }),
    note: (message) => {
      // bounded: a scanner noting every file of a huge tree must not grow the run without limit
      if (notes.length < 1000) notes.push(message);
      else if (notes.length === 1000) notes.push('… more notes were dropped');
    },
    report: (r) => {
      partReport = r;
    },
    artifact: (a) => {
      if (typeof a?.content === 'string' && typeof a.mediaType === 'string' && PART_ARTIFACT_KINDS.includes(a.kind)) artifacts.set(a.kind, a);
      else logger.warn(`${item.scanner} on ${item.target.name} gave an artifact that is not a known kind with text content; it was not kept`);
    },
  };
  opts.onProgress?.({ type: 'part-start', scanner: item.scanner, target: item.target.name });
  try {
    if (env.threads) {
      await env.threads.run({
        scanner: item.scanner,
        target: item.target,
        options: item.options,
        baseDir: opts.baseDir,
        ...(opts.advisories ? { advisories: opts.advisories } : {}),
        ...(opts.priorFindings ? { priorFindings: opts.priorFindings } : {}),
        logger,
        sink,
        signal: ac.signal,
        graceMs: env.graceMs,
      });
    } else {
      await runInProcess(item, opts, opts.createScanner!, ac.signal, logger, sink);
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
  // Like its findings, what a failed part made before it failed is kept (the SBOM a deps part read).
  const kept = [...artifacts.values()];
  return error === undefined ? { part, findings: unique, artifacts: kept } : { part, findings: unique, artifacts: kept, error };
}

/** A part on this thread: ended at its timeout only when it gives the event loop back. */
async function runInProcess(
  item: PlanItem,
  opts: RunnerOptions,
  createScanner: (id: string) => Scanner | Promise<Scanner>,
  signal: AbortSignal,
  logger: Logger,
  sink: PartSink,
): Promise<void> {
  // A scanner that ignores its signal still cannot hold the run: the abort wins the race.
  const aborted = new Promise<never>((_, reject) => {
    if (signal.aborted) reject(signal.reason);
    signal.addEventListener('abort', () => reject(signal.reason), { once: true });
  });
  aborted.catch(() => undefined);
  const scanner = await createScanner(item.scanner);
  sink.version(scanner.version);
  const ctx: ScanContext = {
    signal,
    logger,
    baseDir: opts.baseDir,
    options: item.options,
    ...(opts.advisories ? { advisories: opts.advisories } : {}),
    ...(opts.priorFindings ? { priorFindings: opts.priorFindings } : {}),
    progress: sink.progress,
    note: sink.note,
    report: sink.report,
    artifact: sink.artifact,
  };
  const it = scanner.run(item.target, ctx)[Symbol.asyncIterator]();
  try {
    for (;;) {
      const r = await Promise.race([it.next(), aborted]);
      if (r.done) break;
      sink.finding(r.value);
    }
  } finally {
    if (signal.aborted) void Promise.resolve(it.return?.()).catch(() => undefined);
  }
}

/** `600 s`, or `0.2 s` for a timeout under a second. */
function formatSeconds(ms: number): string {
  return ms >= 1000 ? `${Math.round(ms / 1000)} s` : `${Math.round(ms / 100) / 10} s`;
}
