import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { VerifyWorkerInit, VerifyWorkerMessage } from './verify-worker.js';

/** Every findings row's state digest, page by page in id order. */
export interface RowDigests {
  pages: { ids: number[]; digests: string[] }[];
  rows: number;
}

/** The worker's module: beside this one when built; under the test runner (TypeScript sources), the built twin. */
function workerUrl(): URL | undefined {
  const here = import.meta.url;
  const url = here.endsWith('.js') ? new URL('./verify-worker.js', here) : new URL('../../dist/src/ledger/verify-worker.js', here);
  return existsSync(fileURLToPath(url)) ? url : undefined;
}

/**
 * Digest the SQLite ledger's findings rows on a second thread while the caller recomputes the
 * chain; undefined when the worker's module cannot be found (the caller then does it inline).
 */
export function digestRowsOnWorker(file: string): { result: Promise<RowDigests>; stop: () => void } | undefined {
  const url = workerUrl();
  if (!url) return undefined;
  const worker = new Worker(url, { workerData: { file } satisfies VerifyWorkerInit });
  const pages: RowDigests['pages'] = [];
  const result = new Promise<RowDigests>((resolve, reject) => {
    worker.on('message', (m: VerifyWorkerMessage) => {
      if ('ids' in m) pages.push(m);
      else if ('done' in m) resolve({ pages, rows: m.done });
      else reject(new Error(`verify: reading the findings table failed: ${m.error}`));
    });
    worker.once('error', reject);
    worker.once('exit', (code) => reject(new Error(`verify: the findings reader exited (${code}) before it finished`)));
  });
  result.catch(() => undefined);
  return { result, stop: () => void worker.terminate() };
}
