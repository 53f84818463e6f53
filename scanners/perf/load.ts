/**
 * One load level with autocannon: N connections for D seconds against the target's origin, every
 * response's latency and size recorded from autocannon's `response` event (for p95, which its
 * histogram lacks, and for the size trend). A target that stops answering mid-run ends the level
 * early instead of being hammered with refused connections until the timer runs out.
 */
import { createRequire } from 'node:module';
import { LatencySample, SizeThirds, roundFigure } from './stats.js';
import type { LoadRequest } from './budget.js';

/** The slice of autocannon's API the scanner uses (the package ships no types). */
interface AutocannonResult {
  errors: number;
  timeouts: number;
  non2xx: number;
  duration: number;
  requests: { total: number; average: number };
  latency: { p50: number; p99: number; max: number };
}
interface AutocannonInstance {
  stop(): void;
  on(event: 'response', f: (client: unknown, statusCode: number, resBytes: number, responseTime: number) => void): void;
  on(event: 'reqError', f: (err: Error & { code?: string }) => void): void;
}
type Autocannon = (opts: Record<string, unknown>, cb: (err: Error | null, result: AutocannonResult) => void) => AutocannonInstance;

const require = createRequire(import.meta.url);
let cannon: Autocannon | undefined;
function autocannon(): Autocannon {
  cannon ??= require('autocannon') as Autocannon;
  return cannon;
}

export interface LevelPlan {
  /** The target URL, whose origin every request goes to. */
  url: URL;
  /** The load sequence (paths on the origin); empty: the URL itself. */
  requests: readonly LoadRequest[];
  headers: Record<string, string>;
  connections: number;
  durationSeconds: number;
  timeoutMs: number;
  signal: AbortSignal;
  /** Extra trust anchors for https targets (PEM text). */
  ca?: string[];
}

/** What one level measured. */
export interface LevelMeasure {
  connections: number;
  /** How long the level really ran, in seconds. */
  durationSeconds: number;
  /** Responses received. */
  requests: number;
  rps: number;
  latencyMs: { p50: number; p95: number; p99: number; max: number };
  /** Connection errors, timeouts included (autocannon's count). */
  errors: number;
  timeouts: number;
  /** Responses whose status is not 2xx. */
  non2xx: number;
  /** Responses with status 400 or above. */
  httpErrors: number;
  /** (errors + responses ≥ 400) / (responses + errors), in percent. */
  errorRatePct: number;
  meanResponseBytes: number;
  /** Mean response bytes in the first, middle and last third of the level. */
  sizeThirds: (number | undefined)[];
  /** Why the level ended before its time, when it did: the target stopped answering. */
  stoppedEarly?: string;
  /** The last request error's code (ECONNREFUSED, ECONNRESET, timeout). */
  lastError?: string;
}

/** How long without a single response, while requests fail, before the level is ended. */
const SILENCE_MS = 2000;
/** The same test when the level ends by its timer, over a shorter silence (at most a quarter of the level). */
const END_SILENCE_MS = 1000;

/** Run one level; resolves with its figures, rejects with the signal's reason when aborted. */
export function runLevel(p: LevelPlan): Promise<LevelMeasure> {
  return new Promise<LevelMeasure>((resolve, reject) => {
    if (p.signal.aborted) return reject(p.signal.reason);
    const latencies = new LatencySample();
    const sizes = new SizeThirds(p.durationSeconds * 1000);
    const started = performance.now();
    let lastResponse = started;
    let responses = 0;
    let httpErrors = 0;
    let failuresSinceResponse = 0;
    let lastError: string | undefined;
    let stoppedEarly: string | undefined;
    const silence = (now: number) =>
      `the target stopped answering ${roundFigure((lastResponse - started) / 1000)} s into the level (${responses} responses, then ${failuresSinceResponse} failed requests and no answer for ${roundFigure((now - lastResponse) / 1000)} s; last error ${lastError ?? 'unknown'})`;
    let watchdog: NodeJS.Timeout | undefined;
    let instance: AutocannonInstance | undefined;
    let settled = false;
    // autocannon calls back at once (before it returns) when it rejects its options
    const onAbort = () => instance?.stop();
    p.signal.addEventListener('abort', onAbort, { once: true });
    const requests = p.requests.map((r) => ({ method: r.method, path: r.path, ...(r.headers ? { headers: { ...p.headers, ...r.headers } } : {}), ...(r.body !== undefined ? { body: r.body } : {}) }));
    instance = autocannon()(
      {
        url: p.url.origin + p.url.pathname + p.url.search,
        connections: p.connections,
        duration: p.durationSeconds,
        // autocannon counts in seconds and refuses less than one
        timeout: Math.max(1, p.timeoutMs / 1000),
        headers: p.headers,
        ...(requests.length ? { requests } : {}),
        ...(p.ca?.length ? { tlsOptions: { ca: p.ca } } : {}),
      },
      (err, result) => {
        settled = true;
        clearInterval(watchdog);
        p.signal.removeEventListener('abort', onAbort);
        if (p.signal.aborted) return reject(p.signal.reason);
        if (err) return reject(err);
        const now = performance.now();
        const seconds = Math.max(0.001, (now - started) / 1000);
        // gone at the end though the watchdog had not fired yet: the next level would only meet refusals
        if (!stoppedEarly && failuresSinceResponse >= p.connections && now - lastResponse >= Math.min(END_SILENCE_MS, p.durationSeconds * 250)) stoppedEarly = silence(now);
        const attempts = responses + result.errors;
        resolve({
          connections: p.connections,
          durationSeconds: roundFigure(seconds),
          requests: responses,
          rps: roundFigure(responses / seconds),
          latencyMs: roundLatency(latencies.summary()),
          errors: result.errors,
          timeouts: result.timeouts,
          non2xx: result.non2xx,
          httpErrors,
          errorRatePct: attempts ? roundFigure(((result.errors + httpErrors) / attempts) * 100) : 0,
          meanResponseBytes: Math.round(sizes.overall()),
          sizeThirds: sizes.means(),
          ...(stoppedEarly ? { stoppedEarly } : {}),
          ...(lastError ? { lastError } : {}),
        });
      },
    );
    instance.on('response', (_client, statusCode, resBytes, responseTime) => {
      const now = performance.now();
      lastResponse = now;
      failuresSinceResponse = 0;
      responses++;
      if (statusCode >= 400) httpErrors++;
      latencies.add(responseTime);
      sizes.add(now - started, resBytes);
    });
    instance.on('reqError', (e) => {
      failuresSinceResponse++;
      lastError = e.code ?? (/timed out/.test(e.message) ? 'timeout' : e.message.slice(0, 80));
    });
    if (settled) return;
    // every connection has failed at least once and nothing has answered for a while: the target is gone
    watchdog = setInterval(() => {
      const silent = performance.now() - lastResponse;
      if (silent >= SILENCE_MS && failuresSinceResponse >= p.connections) {
        stoppedEarly = silence(performance.now());
        clearInterval(watchdog);
        instance?.stop();
      }
    }, 250);
  });
}

function roundLatency(l: { p50: number; p95: number; p99: number; max: number }): LevelMeasure['latencyMs'] {
  return { p50: roundFigure(l.p50), p95: roundFigure(l.p95), p99: roundFigure(l.p99), max: roundFigure(l.max) };
}
