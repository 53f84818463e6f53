/**
 * What crosses between the runner and a part's worker thread: the messages, thrown values, and the
 * finding journal. Everything here is structured-cloneable; nothing here knows any scanner.
 */
import { deserialize, serialize } from 'node:v8';
import { ERROR_CODES, VigilError, type ErrorCode } from '../errors.js';
import type { Finding } from '../model/finding.js';
import type { PartArtifact, PartReport } from '../model/run.js';
import type { Target } from '../model/target.js';

/** A thrown value as it crosses threads: a VigilError keeps its code and position, any Error its name and stack. */
export type WireError =
  | {
      kind: 'error';
      name: string;
      message: string;
      stack?: string;
      /** VigilError's code, or a Node system error's (`ENOENT`). */
      code?: string;
      file?: string;
      line?: number;
      column?: number;
      cause?: WireError;
    }
  | { kind: 'value'; value: string };

export type LogLevel = 'debug' | 'info' | 'warn' | 'error';

/** What a part's thread is started with. */
export interface PartWorkerData {
  /** Scanner ids whose modules the thread loads at once, before its first part arrives. */
  preload: string[];
}

/** Runner → worker. */
export type ToWorker =
  | {
      type: 'run';
      id: number;
      scanner: string;
      target: Target;
      options: Readonly<Record<string, unknown>>;
      baseDir: string;
      /** Whether the runner has an advisory store to answer `advisories.forPackages` with. */
      advisories: boolean;
      /** Whether the runner has a ledger to answer `priorFindings` with. */
      priorFindings?: boolean;
    }
  | { type: 'abort'; id: number; reason: WireError }
  /** An advisory lookup's answer: as objects, or (`json`) as each advisory's JSON text, parsed on the thread. */
  | { type: 'advisories'; id: number; request: number; result?: Map<string, unknown[]>; json?: Map<string, string[]>; error?: WireError }
  /** A prior-findings lookup's answer. */
  | { type: 'prior'; id: number; request: number; result?: (Finding & { status?: string })[]; error?: WireError };

/** Worker → runner. Every message names the part it belongs to; a reused thread never mixes two. */
export type FromWorker =
  | { type: 'started'; id: number; version: number }
  /** A new journal batch; the batch before it is sealed (the worker writes no more to it). */
  | { type: 'batch'; id: number; buffer: SharedArrayBuffer }
  | { type: 'progress'; id: number; note: string }
  | { type: 'note'; id: number; message: string }
  | { type: 'report'; id: number; report: PartReport }
  /** A file the scanner keeps with the run (its text crosses as a string: no copy of a parsed object). */
  | { type: 'artifact'; id: number; artifact: PartArtifact }
  | { type: 'log'; id: number; level: LogLevel; msg: string; data?: Record<string, unknown> }
  | { type: 'advisories'; id: number; request: number; keys: { ecosystem: string; name: string }[] }
  | { type: 'prior'; id: number; request: number; query: { scanner: string; target: string } }
  /** The part ended: every batch is sealed; `error` is what the scanner threw, if it threw. */
  | { type: 'end'; id: number; error?: WireError };

/** A thrown value, ready to post. */
export function toWire(e: unknown, depth = 0): WireError {
  if (!(e instanceof Error)) return { kind: 'value', value: typeof e === 'string' ? e : String(e) };
  const out: WireError = { kind: 'error', name: e.name, message: e.message };
  if (e.stack !== undefined) out.stack = e.stack;
  const code = (e as { code?: unknown }).code;
  if (typeof code === 'string') out.code = code;
  if (e instanceof VigilError) {
    if (e.file !== undefined) out.file = e.file;
    if (e.line !== undefined) out.line = e.line;
    if (e.column !== undefined) out.column = e.column;
  }
  // one level of cause is what describeError and a debugging reader use; a cycle must not recurse forever
  if (e.cause !== undefined && depth < 3) out.cause = toWire(e.cause, depth + 1);
  return out;
}

/**
 * The thrown value again, on this side: a VigilError when it was one (so `isInputError` and the exit
 * code hold), else an Error of the same name, message and stack.
 */
export function fromWire(w: WireError): unknown {
  if (w.kind === 'value') return w.value;
  const cause = w.cause ? { cause: fromWire(w.cause) } : undefined;
  let e: Error;
  if (w.name === 'VigilError' && w.code !== undefined && Object.hasOwn(ERROR_CODES, w.code)) {
    const pos = { ...(w.file !== undefined ? { file: w.file } : {}), ...(w.line !== undefined ? { line: w.line } : {}), ...(w.column !== undefined ? { column: w.column } : {}) };
    e = new VigilError(w.code as ErrorCode, w.message, pos, cause);
  } else {
    e = new Error(w.message, cause);
    e.name = w.name;
    if (w.code !== undefined) (e as Error & { code?: string }).code = w.code;
  }
  if (w.stack !== undefined) e.stack = w.stack;
  return e;
}

/** A log call's data, or a plain copy of it when it holds something that cannot be cloned. */
export function cloneableData(data: Record<string, unknown> | undefined): Record<string, unknown> | undefined {
  if (data === undefined) return undefined;
  try {
    return structuredClone(data);
  } catch {
    try {
      return JSON.parse(JSON.stringify(data)) as Record<string, unknown>;
    } catch {
      return { unserialisable: true };
    }
  }
}

/** Bytes of one journal batch; a finding bigger than that gets a batch of its own size. */
const BATCH_BYTES = 256 * 1024;
/** Bytes before the records: the committed length (Int32), padded to 8. */
const HEADER = 8;

/**
 * The worker's side of the finding journal. Each finding is serialised (structured clone, as
 * postMessage does) into a SharedArrayBuffer the runner already holds, so a finding is safe the
 * moment it is yielded: a scanner that then blocks its thread for good loses nothing when the
 * thread is terminated. Only opening a batch costs a message, not every finding.
 */
export class JournalWriter {
  private buffer: SharedArrayBuffer | undefined;
  private bytes: Uint8Array = new Uint8Array(0);
  private view: DataView = new DataView(new ArrayBuffer(0));
  private committed: Int32Array = new Int32Array(0);
  private used = 0;

  constructor(private readonly open: (buffer: SharedArrayBuffer) => void) {}

  write(finding: Finding): void {
    const record = serialize(finding);
    const need = 4 + record.length;
    if (!this.buffer || this.used + need > this.buffer.byteLength) this.next(Math.max(BATCH_BYTES, HEADER + need));
    this.view.setUint32(this.used, record.length, true);
    this.bytes.set(record, this.used + 4);
    this.used += need;
    // the store is what publishes the record: the reader never reads past it
    Atomics.store(this.committed, 0, this.used);
  }

  private next(size: number): void {
    const buffer = new SharedArrayBuffer(size);
    this.buffer = buffer;
    this.bytes = new Uint8Array(buffer);
    this.view = new DataView(buffer);
    this.committed = new Int32Array(buffer, 0, 1);
    this.used = HEADER;
    Atomics.store(this.committed, 0, HEADER);
    this.open(buffer);
  }
}

/** The runner's side: reads every committed finding, in order, whether or not the worker still lives. */
export class JournalReader {
  private readonly batches: { buffer: SharedArrayBuffer; read: number }[] = [];

  add(buffer: SharedArrayBuffer): void {
    this.batches.push({ buffer, read: HEADER });
  }

  /** Findings committed since the last drain; sealed batches are let go once read. */
  drain(): Finding[] {
    const out: Finding[] = [];
    for (let i = 0; i < this.batches.length; i++) {
      const b = this.batches[i]!;
      const end = Atomics.load(new Int32Array(b.buffer, 0, 1), 0);
      const view = new DataView(b.buffer);
      while (b.read < end) {
        const len = view.getUint32(b.read, true);
        out.push(deserialize(Buffer.from(b.buffer, b.read + 4, len)) as Finding);
        b.read += 4 + len;
      }
    }
    // every batch but the newest is sealed and now read
    if (this.batches.length > 1) this.batches.splice(0, this.batches.length - 1);
    return out;
  }
}
