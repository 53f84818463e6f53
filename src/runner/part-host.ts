/**
 * The worker-thread side of an isolated part. A shell's worker entry calls `servePart` with its
 * scanner registry; the runner then sends it parts, one at a time, and terminates the thread when
 * a part outlives its timeout. Everything a scanner's context offers is carried over messages: the
 * advisory store is asked through the runner, never opened here.
 */
import { parentPort, workerData } from 'node:worker_threads';
import type { PartArtifact, PartReport } from '../model/run.js';
import type { AdvisoryLookup, PriorFindings, ScanContext, Scanner } from '../model/scanner.js';
import type { Logger } from '../util/logger.js';
import { JournalWriter, cloneableData, fromWire, toWire, type FromWorker, type LogLevel, type PartWorkerData, type ToWorker } from './wire.js';

type RunMessage = Extract<ToWorker, { type: 'run' }>;

interface Running {
  id: number;
  ac: AbortController;
  pending: Map<number, { resolve: (m: unknown) => void; reject: (e: unknown) => void }>;
}

/** Serve parts on this worker thread with scanners from `createScanner`; returns at once, the thread then waits for parts. */
export function servePart(createScanner: (id: string) => Scanner | Promise<Scanner>): void {
  const port = parentPort;
  if (!port) throw new Error('servePart runs in a worker thread started by the runner');
  // a scanner's stray console.log must not land in the machine output on the process's stdout
  process.stdout.write = process.stderr.write.bind(process.stderr) as typeof process.stdout.write;
  // loaded while the runner is still busy elsewhere; a scanner that fails to load fails its part later
  for (const id of (workerData as PartWorkerData | undefined)?.preload ?? []) {
    void Promise.resolve()
      .then(() => createScanner(id))
      .catch(() => undefined);
  }
  let current: Running | undefined;
  const post = (m: FromWorker) => port.postMessage(m);

  port.on('message', (m: ToWorker) => {
    if (m.type === 'run') {
      const running: Running = { id: m.id, ac: new AbortController(), pending: new Map() };
      current = running;
      void runPart(m, running, createScanner, post).finally(() => {
        if (current === running) current = undefined;
      });
    } else if (current?.id !== m.id) {
      // a message for a part this thread has finished: nothing waits for it
    } else if (m.type === 'abort') {
      current.ac.abort(fromWire(m.reason));
    } else if (m.type === 'advisories') {
      const waiting = current.pending.get(m.request);
      current.pending.delete(m.request);
      if (m.error) waiting?.reject(fromWire(m.error));
      else waiting?.resolve(m.json ? parseAdvisories(m.json) : (m.result ?? new Map()));
    } else if (m.type === 'prior') {
      const waiting = current.pending.get(m.request);
      current.pending.delete(m.request);
      if (m.error) waiting?.reject(fromWire(m.error));
      else waiting?.resolve(m.result ?? []);
    }
  });
}

async function runPart(m: RunMessage, running: Running, createScanner: (id: string) => Scanner | Promise<Scanner>, post: (m: FromWorker) => void): Promise<void> {
  const { id } = m;
  const journal = new JournalWriter((buffer) => post({ type: 'batch', id, buffer }));
  const log =
    (level: LogLevel) =>
    (msg: string, data?: Record<string, unknown>): void => {
      const d = cloneableData(data);
      post({ type: 'log', id, level, msg, ...(d ? { data: d } : {}) });
    };
  const logger: Logger = { debug: log('debug'), info: log('info'), warn: log('warn'), error: log('error') };
  let request = 0;
  const advisories: AdvisoryLookup = {
    forPackages: (keys) =>
      new Promise((resolve, reject) => {
        const r = ++request;
        running.pending.set(r, { resolve: resolve as (v: unknown) => void, reject });
        post({ type: 'advisories', id, request: r, keys });
      }),
  };
  const priorFindings: PriorFindings = (query) =>
    new Promise((resolve, reject) => {
      const r = ++request;
      running.pending.set(r, { resolve: resolve as (v: unknown) => void, reject });
      post({ type: 'prior', id, request: r, query });
    });
  let error: unknown;
  let threw = false;
  try {
    const scanner = await createScanner(m.scanner);
    post({ type: 'started', id, version: scanner.version });
    const ctx: ScanContext = {
      signal: running.ac.signal,
      logger,
      baseDir: m.baseDir,
      options: m.options,
      ...(m.advisories ? { advisories } : {}),
      ...(m.priorFindings ? { priorFindings } : {}),
      progress: (note: string) => post({ type: 'progress', id, note }),
      note: (message: string) => post({ type: 'note', id, message }),
      report: (report: PartReport) => post({ type: 'report', id, report }),
      artifact: (artifact: PartArtifact) => post({ type: 'artifact', id, artifact: { kind: artifact.kind, mediaType: artifact.mediaType, content: artifact.content } }),
    };
    for await (const f of scanner.run(m.target, ctx)) journal.write(f);
  } catch (e) {
    threw = true;
    error = e;
  }
  for (const w of running.pending.values()) w.reject(new Error('the part ended'));
  post({ type: 'end', id, ...(threw ? { error: toWire(error) } : {}) });
}

/** Advisories sent as JSON text, parsed here; an advisory affecting several packages becomes one shared object, as the store gives it. */
function parseAdvisories(json: Map<string, string[]>): Map<string, unknown[]> {
  const parsed = new Map<string, unknown>();
  const out = new Map<string, unknown[]>();
  for (const [key, texts] of json) {
    out.set(
      key,
      texts.map((t) => {
        let a = parsed.get(t);
        if (a === undefined) {
          a = JSON.parse(t) as unknown;
          parsed.set(t, a);
        }
        return a;
      }),
    );
  }
  return out;
}
