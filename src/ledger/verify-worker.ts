/**
 * `ledger verify`'s second thread (SQLite): reads every findings row, checks its content against
 * its data_hash, and sends back each row's state digest, while the main thread recomputes the
 * event chain; then hashes the events of its share of the chain, each against its own stored
 * prev_hash (the main thread checks that every prev_hash is the hash of the event before, so the
 * two together are the whole chain check). Read-only; it never writes the file.
 */
import { hash } from 'node:crypto';
import { eventHash } from './hash-chain.js';
import type { EventHashes } from './verify-digests.js';
import { parentPort, workerData } from 'node:worker_threads';
import Database from 'better-sqlite3';
import { pageDigest, rowFields } from './row-digest.js';
import { MATERIALISED_COLUMNS, materialised } from './replay.js';

/** What the main thread sends: the ledger file. */
export interface VerifyWorkerInit {
  file: string;
  /** The events this thread hashes: after < seq ≤ upTo. */
  events?: { after: number; upTo: number } | undefined;
}

/** One page's ids, in id order, and the digest of their rows' states; then `{ done: rows }`. */
export type VerifyWorkerMessage =
  | { ids: number[]; digest: string }
  | { done: number }
  | { events: EventHashes }
  | { error: string };

const PAGE = 2_000;

function main(): void {
  const { file, events } = workerData as VerifyWorkerInit;
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
      const fields: (string | number | null)[][] = new Array(page.length);
      for (let i = 0; i < page.length; i++) {
        const r = page[i]!;
        const row = materialised(r);
        const dataOk = hash('sha1', r[columns.length] as string) === row.data_hash;
        ids[i] = row.id;
        fields[i] = rowFields(row, dataOk);
      }
      rows += page.length;
      if (page.length) parentPort!.postMessage({ ids, digest: pageDigest(fields) } satisfies VerifyWorkerMessage);
      if (page.length < PAGE) break;
      after = ids[ids.length - 1]!;
    }
    parentPort!.postMessage({ done: rows } satisfies VerifyWorkerMessage);
    if (events) parentPort!.postMessage({ events: hashEvents(db, events.after, events.upTo) } satisfies VerifyWorkerMessage);
  } catch (e) {
    parentPort!.postMessage({ error: (e as Error).message } satisfies VerifyWorkerMessage);
  } finally {
    db.close();
  }
}

/** Hash each event of the share against its stored prev_hash; the first whose stored hash differs. */
function hashEvents(db: Database.Database, after: number, upTo: number): EventHashes {
  const stmt = db
    .prepare('select "seq","at","type","run_id","finding_id","actor","data","prev_hash","hash" from events where seq > ? and seq <= ? order by seq limit ' + PAGE)
    .raw(true);
  let checked = 0;
  for (let from = after; ; ) {
    const page = stmt.all(from, upTo) as unknown[][];
    for (const r of page) {
      const seq = Number(r[0]);
      const h = eventHash({
        seq,
        at: r[1] as string,
        type: r[2] as string,
        runId: r[3] as string | null,
        findingId: r[4] === null ? null : Number(r[4]),
        actor: r[5] as string | null,
        data: r[6] as string,
        prevHash: r[7] as string,
      });
      if (h !== r[8]) return { checked, firstEdited: seq, prevHash: r[7] as string };
      checked++;
    }
    if (page.length < PAGE) return { checked, firstEdited: null, prevHash: null };
    from = Number(page[page.length - 1]![0]);
  }
}

main();
