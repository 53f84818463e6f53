/**
 * The runner's side of isolated parts: each part runs on a worker thread (started from a shell's
 * entry module, see part-host.ts), so a scanner that blocks its thread — a catastrophic regex, an
 * endless loop — is ended by terminating the thread, and the run goes on.
 */
import { Worker } from 'node:worker_threads';
import { VigilError, describeError } from '../errors.js';
import type { Finding } from '../model/finding.js';
import type { PartArtifact, PartReport } from '../model/run.js';
import type { AdvisoryLookup, PriorFindings, ScanOptions } from '../model/scanner.js';
import type { Target } from '../model/target.js';
import type { Logger } from '../util/logger.js';
import { JournalReader, fromWire, toWire, type FromWorker, type PartWorkerData, type ToWorker } from './wire.js';

/** Where a part's output goes, on the runner's thread. */
export interface PartSink {
  version(v: number): void;
  finding(f: Finding): void;
  progress(note: string): void;
  note(message: string): void;
  report(r: PartReport): void;
  artifact(a: PartArtifact): void;
}

export interface IsolatedPart {
  scanner: string;
  target: Target;
  options: ScanOptions;
  baseDir: string;
  advisories?: AdvisoryLookup;
  priorFindings?: PriorFindings;
  logger: Logger;
  sink: PartSink;
  /** Aborted on timeout or by the caller: the part gets `graceMs` to stop, then its thread is terminated. */
  signal: AbortSignal;
  graceMs: number;
}

let nextPartId = 0;

/**
 * One worker thread that runs parts one after another. A part that ends by itself leaves the
 * thread for the next part (its modules stay loaded); a part that is aborted, crashes the thread
 * or outlives its grace ends the thread.
 */
export class PartThread {
  private readonly worker: Worker;
  private alive = true;
  /** Why the thread ended, for a part that was running when it did. */
  private onGone: ((e: unknown) => void) | undefined;
  private onMessage: ((m: FromWorker) => void) | undefined;
  private readonly exited: Promise<void>;

  constructor(url: URL, preload: readonly string[] = []) {
    this.worker = new Worker(url, { workerData: { preload: [...preload] } satisfies PartWorkerData });
    // an idle thread never keeps the process alive; a running part does
    this.worker.unref();
    this.worker.on('message', (m: FromWorker) => this.onMessage?.(m));
    this.worker.on('error', (e) => {
      // an exception nothing in the thread caught: the thread is ending
      this.alive = false;
      this.onGone?.(e);
    });
    this.exited = new Promise((resolve) => {
      this.worker.once('exit', (code) => {
        this.alive = false;
        this.onGone?.(new Error(`the scanner's thread exited (code ${code}) before the part ended`));
        resolve();
      });
    });
  }

  get usable(): boolean {
    return this.alive;
  }

  /** End the thread (and any threads it started) and wait until it is gone. */
  async terminate(): Promise<void> {
    this.alive = false;
    await this.worker.terminate();
    await this.exited;
  }

  /**
   * Run one part. Resolves when the scanner finishes, rejects with what it threw; after an abort it
   * rejects with the signal's reason once the thread has stopped — by itself within the grace, or
   * terminated.
   */
  run(part: IsolatedPart): Promise<void> {
    const id = ++nextPartId;
    const journal = new JournalReader();
    const flush = () => {
      for (const f of journal.drain()) part.sink.finding(f);
    };
    return new Promise<void>((resolve, reject) => {
      let settled = false;
      let grace: NodeJS.Timeout | undefined;
      const finish = (outcome: { error?: unknown; threw: boolean }) => {
        if (settled) return;
        settled = true;
        if (grace) clearTimeout(grace);
        part.signal.removeEventListener('abort', onAbort);
        this.onMessage = undefined;
        this.onGone = undefined;
        // what the scanner wrote before it stopped is read even from a terminated thread
        flush();
        if (part.signal.aborted) {
          // an aborted part never leaves a thread behind: it may still be busy with the part (the
          // thread stays referenced until it is gone, so the process waits for it)
          const reason: unknown = part.signal.reason;
          void this.terminate().then(
            () => reject(reason),
            () => reject(reason),
          );
          return;
        }
        this.worker.unref();
        if (outcome.threw) reject(outcome.error);
        else resolve();
      };
      const onAbort = () => {
        if (!this.alive) return finish({ threw: true, error: part.signal.reason });
        this.worker.postMessage({ type: 'abort', id, reason: toWire(part.signal.reason) } satisfies ToWorker);
        // well-behaved scanners stop at the signal; one that blocks its thread cannot, and is ended
        grace = setTimeout(() => finish({ threw: true, error: part.signal.reason }), part.graceMs);
      };
      this.onGone = (e) => finish({ threw: true, error: e });
      this.onMessage = (m) => {
        if (m.id !== id) return;
        switch (m.type) {
          case 'started':
            part.sink.version(m.version);
            break;
          case 'batch':
            journal.add(m.buffer);
            flush();
            break;
          case 'progress':
            part.sink.progress(m.note);
            break;
          case 'note':
            part.sink.note(m.message);
            break;
          case 'report':
            part.sink.report(m.report);
            break;
          case 'artifact':
            part.sink.artifact(m.artifact);
            break;
          case 'log':
            part.logger[m.level](m.msg, m.data);
            break;
          case 'advisories':
            void this.answer(part, id, m);
            break;
          case 'prior':
            void this.answerPrior(part, id, m);
            break;
          case 'end':
            finish(m.error ? { threw: true, error: fromWire(m.error) } : { threw: false });
            break;
        }
      };
      if (!this.alive) return finish({ threw: true, error: new Error("the scanner's thread has ended") });
      this.worker.ref();
      try {
        this.worker.postMessage({
          type: 'run',
          id,
          scanner: part.scanner,
          target: part.target,
          options: part.options,
          baseDir: part.baseDir,
          advisories: part.advisories !== undefined,
          priorFindings: part.priorFindings !== undefined,
        } satisfies ToWorker);
      } catch (e) {
        // options that cannot be cloned (a function, a class instance with private state) are a caller's bug
        return finish({
          threw: true,
          error: new VigilError('VIGIL_ERR_INTERNAL', `the options of ${part.scanner} on ${part.target.name} cannot be passed to its thread: ${describeError(e)}`),
        });
      }
      if (part.signal.aborted) onAbort();
      else part.signal.addEventListener('abort', onAbort, { once: true });
    });
  }

  /** Answer the thread's prior-findings lookup from the runner's ledger. */
  private async answerPrior(part: IsolatedPart, id: number, m: Extract<FromWorker, { type: 'prior' }>): Promise<void> {
    let reply: ToWorker;
    try {
      if (!part.priorFindings) throw new VigilError('VIGIL_ERR_INTERNAL', 'no ledger was given to this run');
      reply = { type: 'prior', id, request: m.request, result: await part.priorFindings(m.query) };
    } catch (e) {
      reply = { type: 'prior', id, request: m.request, error: toWire(e) };
    }
    if (this.alive) this.worker.postMessage(reply);
  }

  /** Answer the thread's advisory lookup from the runner's store. */
  private async answer(part: IsolatedPart, id: number, m: Extract<FromWorker, { type: 'advisories' }>): Promise<void> {
    let reply: ToWorker;
    try {
      if (!part.advisories) throw new VigilError('VIGIL_ERR_INTERNAL', 'no advisory store was given to this run');
      const store = part.advisories;
      reply = store.forPackagesJson
        ? { type: 'advisories', id, request: m.request, json: await store.forPackagesJson(m.keys) }
        : { type: 'advisories', id, request: m.request, result: await store.forPackages(m.keys) };
    } catch (e) {
      reply = { type: 'advisories', id, request: m.request, error: toWire(e) };
    }
    if (this.alive) this.worker.postMessage(reply);
  }
}

/**
 * Threads for one run: a part takes an idle thread or starts one; `close` ends them all. A shell
 * may start it before the run, so threads boot and load the scanners the plan names while it is
 * still opening the ledger; idle threads never keep the process alive.
 */
export class PartThreads {
  private readonly idle: PartThread[] = [];
  private readonly all = new Set<PartThread>();

  /** `warm` threads start now, each loading the scanners in `preload`. */
  constructor(
    private readonly url: URL,
    opts: { warm?: number; preload?: readonly string[] } = {},
  ) {
    for (let i = 0; i < (opts.warm ?? 0); i++) this.idle.push(this.start(opts.preload));
  }

  async run(part: IsolatedPart): Promise<void> {
    // a run aborted before this part began: no thread is started only to be ended
    if (part.signal.aborted) throw part.signal.reason;
    let thread = this.idle.shift();
    while (thread && !thread.usable) thread = this.idle.shift();
    thread ??= this.start();
    try {
      await thread.run(part);
    } finally {
      if (thread.usable) this.idle.push(thread);
      else this.all.delete(thread);
    }
  }

  async close(): Promise<void> {
    const threads = [...this.all];
    this.all.clear();
    this.idle.length = 0;
    await Promise.all(threads.map((t) => t.terminate()));
  }

  private start(preload?: readonly string[]): PartThread {
    const t = new PartThread(this.url, preload);
    this.all.add(t);
    return t;
  }
}
