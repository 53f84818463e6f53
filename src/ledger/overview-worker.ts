/**
 * The dashboard overview's scan of an SQLite ledger, on a thread of its own: better-sqlite3 runs a
 * query on the thread that asks, so on the server's thread a one-second scan of a large ledger
 * would hold every request behind it. Read-only; it never writes the file.
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Worker, isMainThread, parentPort, workerData } from 'node:worker_threads';
import Database from 'better-sqlite3';
import { Kysely, SqliteDialect } from 'kysely';
import { overviewFacts, type OverviewFacts } from './overview.js';
import type { LedgerDatabase } from './schema.js';

interface Init {
  /** Tells this module's own thread apart from another worker that merely imports it. */
  task: 'vigil-overview';
  file: string;
  now: string;
  days: number;
}

type Reply = { facts: OverviewFacts } | { error: string };

/** The worker's module: this file when built; under the test runner (TypeScript sources), the built twin. */
function workerUrl(): URL | undefined {
  const here = import.meta.url;
  const url = here.endsWith('.js') ? new URL(here) : new URL('../../dist/src/ledger/overview-worker.js', here);
  return existsSync(fileURLToPath(url)) ? url : undefined;
}

/** The overview's facts computed on a worker thread over its own read-only connection; undefined when the worker's module is not built. */
export function overviewOnWorker(file: string, now: Date, days: number): Promise<OverviewFacts> | undefined {
  const url = workerUrl();
  if (!url) return undefined;
  return new Promise((resolve, reject) => {
    const worker = new Worker(url, { workerData: { task: 'vigil-overview', file, now: now.toISOString(), days } satisfies Init });
    let settled = false;
    worker.once('message', (m: Reply) => {
      settled = true;
      if ('facts' in m) resolve(m.facts);
      else reject(new Error(`the overview's scan failed: ${m.error}`));
    });
    worker.once('error', (e) => {
      settled = true;
      reject(e);
    });
    worker.once('exit', (code) => {
      if (!settled) reject(new Error(`the overview's scan stopped (exit ${code}) before answering`));
    });
  });
}

async function main(): Promise<void> {
  const { file, now, days } = workerData as Init;
  const db = new Kysely<LedgerDatabase>({ dialect: new SqliteDialect({ database: new Database(file, { readonly: true, fileMustExist: true }) }) });
  try {
    parentPort!.postMessage({ facts: await overviewFacts(db, new Date(now), days) } satisfies Reply);
  } catch (e) {
    parentPort!.postMessage({ error: (e as Error).message } satisfies Reply);
  } finally {
    await db.destroy();
  }
}

if (!isMainThread && parentPort && (workerData as Partial<Init> | undefined)?.task === 'vigil-overview') void main();
