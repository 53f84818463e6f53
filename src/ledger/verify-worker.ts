/**
 * `ledger verify`'s second thread (SQLite): reads every findings row, checks its content against
 * its data_hash, and sends back each row's state digest, while the main thread recomputes the
 * event chain. Read-only; it never writes the file.
 */
import { hash } from 'node:crypto';
import { parentPort, workerData } from 'node:worker_threads';
import Database from 'better-sqlite3';
import { rowFields, stateDigest } from './row-digest.js';
import { MATERIALISED_COLUMNS, materialised } from './replay.js';

/** What the main thread sends: the ledger file. */
export interface VerifyWorkerInit {
  file: string;
}

/** One page of digests, in id order; then `{ done: rows }`. */
export type VerifyWorkerMessage = { ids: number[]; digests: string[] } | { done: number } | { error: string };

const PAGE = 2_000;

function main(): void {
  const { file } = workerData as VerifyWorkerInit;
  const columns = MATERIALISED_COLUMNS;
  const db = new Database(file, { readonly: true, fileMustExist: true });
  try {
    const stmt = db
      .prepare(`select ${columns.map((c) => `"${c}"`).join(',')}, "data" from findings where id > ? order by id limit ${PAGE}`)
      .raw(true);
    let after = -1;
    let rows = 0;
    for (;;) {
      const page = stmt.all(after) as unknown[][];
      const ids: number[] = new Array(page.length);
      const digests: string[] = new Array(page.length);
      for (let i = 0; i < page.length; i++) {
        const r = page[i]!;
        const row = materialised(r);
        const dataOk = hash('sha1', r[columns.length] as string) === row.data_hash;
        ids[i] = row.id;
        digests[i] = stateDigest(rowFields(row, dataOk));
      }
      rows += page.length;
      if (page.length) parentPort!.postMessage({ ids, digests } satisfies VerifyWorkerMessage);
      if (page.length < PAGE) break;
      after = ids[ids.length - 1]!;
    }
    parentPort!.postMessage({ done: rows } satisfies VerifyWorkerMessage);
  } catch (e) {
    parentPort!.postMessage({ error: (e as Error).message } satisfies VerifyWorkerMessage);
  } finally {
    db.close();
  }
}

main();
