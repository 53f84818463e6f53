import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import type { ParseProblem, RuleMatch, RuleProblem, SourceFile } from '../types.js';
import type { CodeRule } from './rules.js';
import type { WorkerBatch, WorkerInit, WorkerResult } from './worker.js';

/** Source a worker evaluates before it is replaced by a fresh one (a fresh worker recompiles the patterns, ~0.7 s, so not often). */
const RECYCLE_BYTES = 64 * 1024 * 1024;

/** Files per message: big enough that messaging costs nothing, small enough to balance the workers. */
const BATCH_BYTES = 512 * 1024;

export interface PoolResult {
  matches: RuleMatch[];
  problems: RuleProblem[];
  parseProblems: ParseProblem[];
}

/**
 * Evaluate files on worker threads (one per core, at most `threads`), in batches; results come
 * back in the files' order. The main thread only hands out work, so two cores scan two files at
 * once. An abort terminates the workers.
 */
export async function evaluateInWorkers(
  rules: readonly CodeRule[],
  files: readonly SourceFile[],
  opts: { threads?: number; signal?: AbortSignal; onProgress?: (done: number) => void } = {},
): Promise<PoolResult> {
  const batches: SourceFile[][] = [];
  let current: SourceFile[] = [];
  let bytes = 0;
  // in walk order: sorting biggest first would have both workers hold the two largest trees at once
  for (const f of files) {
    current.push(f);
    bytes += f.text.length;
    if (bytes >= BATCH_BYTES) {
      batches.push(current);
      current = [];
      bytes = 0;
    }
  }
  if (current.length) batches.push(current);
  const threads = Math.max(1, Math.min(opts.threads ?? availableParallelism(), batches.length));
  const results: WorkerResult[] = new Array(batches.length);
  const url = new URL(`./worker${import.meta.url.endsWith('.ts') ? '.ts' : '.js'}`, import.meta.url);
  const workers: Worker[] = [];
  let next = 0;
  let done = 0;
  try {
    await new Promise<void>((resolve, reject) => {
      let finished = 0;
      const onAbort = () => reject(opts.signal!.reason);
      if (opts.signal?.aborted) return onAbort();
      opts.signal?.addEventListener('abort', onAbort, { once: true });
      // a worker is replaced after RECYCLE_BYTES of source: ending a thread is what returns the
      // native memory of the trees it parsed, which V8's collector frees only lazily
      const start = (): void => {
        const w = new Worker(url, { workerData: { rules: [...rules] } satisfies WorkerInit });
        workers.push(w);
        let bytes = 0;
        let retiring = false;
        const feed = () => {
          if (next >= batches.length) {
            if (++finished === threads) resolve();
            return;
          }
          if (bytes >= RECYCLE_BYTES) {
            retiring = true;
            void w.terminate();
            start();
            return;
          }
          const id = next++;
          for (const f of batches[id]!) bytes += f.text.length;
          w.postMessage({ id, files: batches[id]! } satisfies WorkerBatch);
        };
        w.on('message', (m: WorkerResult | { ready: true }) => {
          if ('ready' in m) return feed();
          results[m.id] = m;
          done += batches[m.id]!.length;
          opts.onProgress?.(done);
          feed();
        });
        w.on('error', reject);
        w.on('exit', (code) => {
          if (code !== 0 && !retiring && finished < threads) reject(new Error(`a code-scanner worker stopped (exit ${code})`));
        });
      };
      for (let i = 0; i < threads; i++) start();
    });
  } finally {
    await Promise.all(workers.map((w) => w.terminate()));
  }
  return {
    matches: results.flatMap((r) => r.matches),
    problems: results.flatMap((r) => r.problems),
    parseProblems: results.flatMap((r) => r.parseProblems),
  };
}
