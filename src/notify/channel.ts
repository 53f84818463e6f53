import type { NotifyRouting } from '../config/types.js';
import type { Logger } from '../util/logger.js';
import type { Alert } from './alert.js';

/** Where alerts go: a webhook, e-mail, Sentry. */
export interface Channel {
  /** `webhook:<name>`, `email`, `sentry`: what the outbox and the logs call it. */
  readonly id: string;
  readonly routing: NotifyRouting;
  /**
   * Deliver one alert, retrying what is worth retrying; resolves when it is delivered and
   * rejects (with a DeliveryError) when it is not. Stops when `signal` aborts.
   */
  send(alert: Alert, ctx: SendContext): Promise<void>;
  /** Release sockets and clients. */
  close?(): Promise<void>;
}

export interface SendContext {
  signal: AbortSignal;
  /** Every attempt's outcome goes here, without secrets. */
  logger: Logger;
}

/** A failed delivery. `retryable: false` means trying again now is pointless (a 400, a refused redirect, a missing variable). */
export class DeliveryError extends Error {
  readonly retryable: boolean;
  /** Tries made before giving up. */
  readonly attempts: number;
  /** What the receiver asked for (Retry-After), in milliseconds. */
  readonly retryAfterMs?: number;

  constructor(message: string, opts: { retryable: boolean; attempts?: number; retryAfterMs?: number; cause?: unknown }) {
    super(message, opts.cause === undefined ? undefined : { cause: opts.cause });
    this.name = 'DeliveryError';
    this.retryable = opts.retryable;
    this.attempts = opts.attempts ?? 0;
    if (opts.retryAfterMs !== undefined) this.retryAfterMs = opts.retryAfterMs;
  }
}
