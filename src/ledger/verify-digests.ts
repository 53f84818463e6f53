import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { VerifyWorkerInit, VerifyWorkerMessage } from './verify-worker.js';

/** The findings rows' ids, page by page in id order, each page with the digest of its rows' states. */
export interface RowDigests {
  pages: { ids: number[]; digest: string }[];
  rows: number;
}

/** The worker's share of the chain: events `after` < seq ≤ `upTo`, each hashed against its own prev_hash. */
export interface EventShare {
  after: number;
  upTo: number;
}

/** What the worker found in its share: how many events it hashed, and the first whose hash is wrong. */
export interface EventHashes {
  checked: number;
  firstEdited: number | null;
  /** The edited event's prev_hash: the hash of the last good event before it. */
  prevHash: string | null;
}

/** The worker's module: beside this one when built; under the test runner (TypeScript sources), the built twin. */
function workerUrl(): URL | undefined {
  const here = import.meta.url;
  const url = here.endsWith('.js') ? new URL('./verify-worker.js', here) : new URL('../../dist/src/ledger/verify-worker.js', here);
  return existsSync(fileURLToPath(url)) ? url : undefined;
}

/** The second thread's work for `ledger verify`, as promises the caller awaits when it needs them. */
export interface VerifyHelper {
  result: Promise<RowDigests>;
  /** Present when the worker was given a share of the chain. */
  events?: Promise<EventHashes>;
  stop: () => void;
}

/**
 * Digest the SQLite ledger's findings rows on a second thread while the caller recomputes the
 * chain, then hash the events of `share` there too (the caller then only checks that each of
 * those events' prev_hash is the hash before it); undefined when the worker's module cannot be
 * found (the caller then does it all inline).
 */
export function digestRowsOnWorker(file: string, share?: EventShare): VerifyHelper | undefined {
  const url = workerUrl();
  if (!url) return undefined;
  const worker = new Worker(url, { workerData: { file, events: share } satisfies VerifyWorkerInit });
  const pages: RowDigests['pages'] = [];
  let resolveEvents: (e: EventHashes) => void = () => undefined;
  let rejectEvents: (e: Error) => void = () => undefined;
  const events = share
    ? new Promise<EventHashes>((res, rej) => {
        resolveEvents = res;
        rejectEvents = rej;
      })
    : undefined;
  const result = new Promise<RowDigests>((resolve, reject) => {
    const fail = (e: Error) => {
      reject(e);
      rejectEvents(e);
    };
    worker.on('message', (m: VerifyWorkerMessage) => {
      if ('ids' in m) pages.push(m);
      else if ('done' in m) resolve({ pages, rows: m.done });
      else if ('events' in m) resolveEvents(m.events);
      else fail(new Error(`verify: reading the ledger on the second thread failed: ${m.error}`));
    });
    worker.once('error', fail);
    worker.once('exit', (code) => fail(new Error(`verify: the second thread exited (${code}) before it finished`)));
  });
  result.catch(() => undefined);
  events?.catch(() => undefined);
  return { result, ...(events ? { events } : {}), stop: () => void worker.terminate() };
}
