import { DeliveryError } from './channel.js';

/** How a channel retries: attempts in all, and the exponential backoff between them. */
export interface RetryPolicy {
  attempts: number;
  /** The first wait; each later one doubles, up to maxMs. */
  baseMs: number;
  maxMs: number;
}

export const DEFAULT_BACKOFF = { baseMs: 1_000, maxMs: 30_000 } as const;

/**
 * The wait after the `failed`-th failed attempt: exponential, capped, with "equal jitter"
 * (half fixed, half random) so many senders that failed together do not retry together.
 */
export function backoffMs(failed: number, policy: Pick<RetryPolicy, 'baseMs' | 'maxMs'>, random: () => number = Math.random): number {
  const exp = Math.min(policy.maxMs, policy.baseMs * 2 ** Math.max(0, failed - 1));
  return Math.round(exp / 2 + (random() * exp) / 2);
}

/** A Retry-After header (seconds or an HTTP date) in milliseconds; undefined when absent or unreadable. */
export function retryAfterMs(header: string | null, now = Date.now()): number | undefined {
  if (!header) return undefined;
  const t = header.trim();
  if (/^[0-9]{1,9}$/.test(t)) return Number(t) * 1000;
  const at = Date.parse(t);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}

/** Wait `ms`, or reject with the signal's reason when it aborts first. */
export function sleep(ms: number, signal: AbortSignal): Promise<void> {
  if (signal.aborted) return Promise.reject(abortError(signal));
  return new Promise((resolve, reject) => {
    const onAbort = () => {
      clearTimeout(t);
      reject(abortError(signal));
    };
    const t = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal.addEventListener('abort', onAbort, { once: true });
  });
}

/** The abort as a DeliveryError: retryable, as the alert was not refused. */
export function abortError(signal: AbortSignal): DeliveryError {
  const why = signal.reason instanceof Error ? signal.reason.message : String(signal.reason ?? 'aborted');
  return new DeliveryError(`not delivered: ${why}`, { retryable: true });
}

/**
 * Run `attempt` until it succeeds, fails for good (`retryable: false`), runs out of attempts,
 * or the signal aborts. `onFailure` hears of every failed attempt and the wait before the next.
 * The error thrown at the end carries how many attempts were made.
 */
export async function withRetries<T>(
  policy: RetryPolicy,
  signal: AbortSignal,
  attempt: (n: number) => Promise<T>,
  onFailure: (n: number, error: DeliveryError, waitMs: number | undefined) => void,
): Promise<T> {
  for (let n = 1; ; n++) {
    if (signal.aborted) throw abortError(signal);
    try {
      return await attempt(n);
    } catch (e) {
      const err = e instanceof DeliveryError ? e : new DeliveryError(e instanceof Error ? e.message : String(e), { retryable: true, cause: e });
      const last = n >= policy.attempts || !err.retryable || signal.aborted;
      const wait = last ? undefined : Math.min(policy.maxMs, err.retryAfterMs ?? backoffMs(n, policy));
      onFailure(n, err, wait);
      if (last) throw new DeliveryError(err.message, { retryable: err.retryable, attempts: n, cause: err.cause });
      await sleep(wait!, signal);
    }
  }
}
