import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import type { ParseProblem, RuleMatch, RuleProblem, SourceFile } from '../types.js';
import { compiledPatterns, type CompiledPatterns } from './pattern.js';
import type { CodeRule } from './rules.js';
import type { WorkerBatch, WorkerInit, WorkerResult } from './worker.js';

/** Source a worker evaluates before it is replaced by a fresh one (a fresh worker recompiles the patterns it meets, so not often). */
const RECYCLE_BYTES = 64 * 1024 * 1024;

/** Files per message: big enough that messaging costs nothing, small enough to balance the workers. */
const BATCH_BYTES = 512 * 1024;

export interface PoolResult {
  matches: RuleMatch[];
  problems: RuleProblem[];
  parseProblems: ParseProblem[];
}

/**
 * Batches a worker holds at once. Two (the next already copied while it works on one) was
 * measured on the code benchmark: no faster, and the peak memory more than doubled.
 */
const IN_FLIGHT = 1;

interface Slot {
  worker: Worker;
  /** Source sent to this worker so far. */
  bytes: number;
  /** Batches sent and not yet answered. */
  busy: number;
  ready: boolean;
  retiring: boolean;
}

/**
 * Files evaluated on worker threads (one per core, at most `threads`) while they are still being
 * found: `add` files in walk order as the walk yields them, then `finish` for the results, which
 * come back in the order the files were added. Batches go to whichever worker is free; the main
 * thread only walks and hands out work. An abort, or a worker that dies, fails `finish` and ends
 * every worker.
 */
export class EvaluationPool {
  private readonly slots: Slot[] = [];
  private readonly queue: number[] = [];
  /** Batches by id until sent: the worker has its own copy then, and the source is not held twice. */
  private readonly batches: (SourceFile[] | undefined)[] = [];
  /** Files in each batch, for progress. */
  private readonly counts: number[] = [];
  private readonly results: WorkerResult[] = [];
  private current: SourceFile[] = [];
  private currentBytes = 0;
  private closed = false;
  /** Set by `close`: workers exiting after it are not failures. */
  private ended = false;
  private done = 0;
  private failure: unknown;
  private settle: { resolve: () => void; reject: (e: unknown) => void } | undefined;
  private readonly url = new URL(`./worker${import.meta.url.endsWith('.ts') ? '.ts' : '.js'}`, import.meta.url);
  private readonly onAbort = () => this.fail(this.opts.signal!.reason);
  /** Taken once: a recycled worker gets the same. */
  private readonly patterns: CompiledPatterns = compiledPatterns();

  constructor(
    private readonly rules: readonly CodeRule[],
    private readonly opts: { threads?: number; signal?: AbortSignal; onProgress?: (done: number) => void } = {},
  ) {
    opts.signal?.addEventListener('abort', this.onAbort, { once: true });
    const threads = Math.max(1, opts.threads ?? availableParallelism());
    // started now, so that loading the engine overlaps the walk that finds the files
    for (let i = 0; i < threads; i++) this.start();
  }

  add(file: SourceFile): void {
    if (this.closed) throw new Error('EvaluationPool.add after finish');
    this.current.push(file);
    this.currentBytes += file.text.length;
    if (this.currentBytes >= BATCH_BYTES) this.flush();
  }

  async finish(): Promise<PoolResult> {
    this.closed = true;
    this.flush();
    try {
      await new Promise<void>((resolve, reject) => {
        if (this.failure !== undefined) return reject(this.failure);
        this.settle = { resolve, reject };
        this.check();
      });
    } finally {
      this.ended = true;
      await this.close();
    }
    return {
      matches: this.results.flatMap((r) => r.matches),
      problems: this.results.flatMap((r) => r.problems),
      parseProblems: this.results.flatMap((r) => r.parseProblems),
    };
  }

  /** Ends every worker; for a caller that stops before `finish` (its walk failed or was aborted). */
  async close(): Promise<void> {
    if (!this.ended) this.fail(new Error('the worker pool was closed before its results were read'));
    this.ended = true;
    this.opts.signal?.removeEventListener('abort', this.onAbort);
    await Promise.all(this.slots.map((s) => s.worker.terminate()));
  }

  private flush(): void {
    if (this.current.length === 0) return;
    this.batches.push(this.current);
    this.counts.push(this.current.length);
    this.queue.push(this.batches.length - 1);
    this.current = [];
    this.currentBytes = 0;
    for (const s of this.slots) if (s.ready && !s.retiring) this.feed(s);
  }

  private start(): void {
    const slot: Slot = { worker: new Worker(this.url, { workerData: { rules: [...this.rules], patterns: this.patterns } satisfies WorkerInit }), bytes: 0, busy: 0, ready: false, retiring: false };
    this.slots.push(slot);
    slot.worker.on('message', (m: WorkerResult | { ready: true }) => {
      if ('ready' in m) slot.ready = true;
      else {
        this.results[m.id] = m;
        slot.busy--;
        this.done += this.counts[m.id]!;
        this.opts.onProgress?.(this.done);
      }
      this.feed(slot);
    });
    slot.worker.on('error', (e) => this.fail(e));
    slot.worker.on('exit', (code) => {
      if (code !== 0 && !slot.retiring && !this.ended) this.fail(new Error(`a code-scanner worker stopped (exit ${code})`));
    });
  }

  /** Tops a worker up to IN_FLIGHT batches, or retires it once it has done its share. */
  private feed(slot: Slot): void {
    if (this.failure !== undefined || slot.retiring) return;
    if (slot.bytes >= RECYCLE_BYTES) {
      if (slot.busy > 0) return;
      // ending a thread is what returns the native memory of the trees it parsed, which V8's
      // collector frees only lazily
      slot.retiring = true;
      void slot.worker.terminate();
      if (this.queue.length > 0 || !this.closed) this.start();
      return this.check();
    }
    while (slot.busy < IN_FLIGHT && this.queue.length > 0) {
      const id = this.queue.shift()!;
      const files = this.batches[id]!;
      this.batches[id] = undefined;
      for (const f of files) slot.bytes += f.text.length;
      slot.busy++;
      slot.worker.postMessage({ id, files } satisfies WorkerBatch);
    }
    this.check();
  }

  /** Settles `finish` once every batch is back. */
  private check(): void {
    if (!this.settle || !this.closed || this.failure !== undefined) return;
    if (this.queue.length === 0 && this.slots.every((s) => s.busy === 0)) this.settle.resolve();
  }

  private fail(e: unknown): void {
    if (this.failure !== undefined) return;
    this.failure = e;
    for (const s of this.slots) void s.worker.terminate();
    this.settle?.reject(e);
  }
}

/** Evaluate a list of files on worker threads; results come back in the files' order. */
export async function evaluateInWorkers(
  rules: readonly CodeRule[],
  files: readonly SourceFile[],
  opts: { threads?: number; signal?: AbortSignal; onProgress?: (done: number) => void } = {},
): Promise<PoolResult> {
  const pool = new EvaluationPool(rules, opts);
  for (const f of files) pool.add(f);
  return pool.finish();
}
