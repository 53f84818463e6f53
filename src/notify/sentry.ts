/**
 * Sentry, through @sentry/node, in two roles: vigil's own failures with their stack traces
 * (one global client, set up once per process and flushed at exit), and alerts as events (a
 * client of the channel's own, whose transport reports each event's fate so an undelivered one
 * goes to the outbox). @sentry/node loads only when a DSN is known: it is heavy.
 */
import { randomUUID } from 'node:crypto';
import type { SentryConfig } from '../config/types.js';
import { describeError, isVigilError } from '../errors.js';
import type { SeverityLevel } from '@sentry/node';
import { redactSecrets } from '../util/redact.js';
import { alertSeverity, redactDeep, type Alert, type AlertItem } from './alert.js';
import { DeliveryError, type Channel, type SendContext } from './channel.js';
import { expandEnv } from './env.js';
import { itemLine } from './render.js';
import { abortError, DEFAULT_BACKOFF, withRetries, type RetryPolicy } from './retry.js';

type SentryModule = typeof import('@sentry/node');
type Envelope = Parameters<ReturnType<SentryModule['makeNodeTransport']>['send']>[0];

let sentryModule: Promise<SentryModule> | undefined;
function loadSentry(): Promise<SentryModule> {
  sentryModule ??= import('@sentry/node');
  return sentryModule;
}

/** The release vigil reports. */
const RELEASE = 'vigil@0.1.0';

const LEVELS: Record<AlertItem['severity'], SeverityLevel> = {
  critical: 'fatal',
  high: 'error',
  medium: 'warning',
  low: 'info',
  info: 'info',
};

/** An event as Sentry sends it, every string redacted: the floor for anything that leaves. */
function redactEvent<E>(event: E): E {
  return redactDeep(event);
}

/** The DSN to use: the config's (with `${VAR}` read), else SENTRY_DSN; undefined when neither gives one. */
export function sentryDsn(config: SentryConfig | undefined, env: NodeJS.ProcessEnv = process.env): string | undefined {
  if (config?.dsn) return expandEnv(config.dsn, env, 'sentry dsn');
  return env.SENTRY_DSN || undefined;
}

// ---- vigil's own errors -------------------------------------------------------------------

let errorReporting: { dsn: string } | undefined;

/**
 * Report vigil's own failures to Sentry from now on. Once per process: a second call (the CLI
 * saw SENTRY_DSN, then a config named the same or another DSN) keeps the first.
 */
export async function initErrorReporting(opts: { dsn: string; environment?: string }): Promise<boolean> {
  if (errorReporting) return true;
  const Sentry = await loadSentry();
  Sentry.init({
    dsn: opts.dsn,
    release: RELEASE,
    ...(opts.environment ? { environment: opts.environment } : {}),
    // no tracing, no instrumentation of other modules, no process handlers: errors only
    defaultIntegrations: false,
    integrations: [Sentry.linkedErrorsIntegration(), Sentry.contextLinesIntegration(), Sentry.nodeContextIntegration()],
    skipOpenTelemetrySetup: true,
    registerEsmLoaderHooks: false,
    sendClientReports: false,
    sendDefaultPii: false,
    beforeSend: (event) => redactEvent(event),
    beforeBreadcrumb: (b) => redactEvent(b),
  });
  errorReporting = { dsn: opts.dsn };
  return true;
}

/** True once initErrorReporting ran. */
export function errorReportingActive(): boolean {
  return errorReporting !== undefined;
}

/** Send one of vigil's own failures, with its stack trace and tags; a no-op when error reporting is off. */
export async function reportFailure(error: unknown, tags: Record<string, string> = {}): Promise<void> {
  if (!errorReporting) return;
  const Sentry = await loadSentry();
  Sentry.withScope((scope) => {
    scope.setTags({ ...tags, ...(isVigilError(error) ? { 'vigil.code': error.code } : {}) });
    Sentry.captureException(error instanceof Error ? error : new Error(describeError(error)));
  });
}

/** Wait at most `ms` for reported failures to be sent; true when all were. */
export async function flushErrorReporting(ms: number): Promise<boolean> {
  if (!errorReporting) return true;
  const Sentry = await loadSentry();
  return Sentry.flush(ms);
}

// ---- alerts as events ---------------------------------------------------------------------

interface Outcome {
  ok: boolean;
  error?: string;
  retryable?: boolean;
}

export interface SentryChannelOptions {
  env?: NodeJS.ProcessEnv;
  backoff?: Pick<RetryPolicy, 'baseMs' | 'maxMs'>;
  /** How long one event may take to be accepted. */
  timeoutMs?: number;
  attempts?: number;
}

/**
 * Each item of an alert becomes one Sentry event: a message with a level from the severity,
 * tags (event, severity, target, scanner, rule, trigger), the vigil context, and a fingerprint
 * of the item's dedupe key so Sentry groups every event of one finding into one issue.
 */
export class SentryChannel implements Channel {
  readonly id = 'sentry';
  readonly routing;
  private client: Promise<{ capture(item: AlertItem, alert: Alert): Promise<Outcome>; close(): Promise<void> }> | undefined;
  private readonly env: NodeJS.ProcessEnv;
  private readonly policy: RetryPolicy;
  private readonly timeoutMs: number;

  constructor(
    private readonly config: SentryConfig,
    opts: SentryChannelOptions = {},
  ) {
    this.routing = { events: config.events, minSeverity: config.minSeverity };
    this.env = opts.env ?? process.env;
    this.policy = { attempts: opts.attempts ?? 3, ...(opts.backoff ?? DEFAULT_BACKOFF) };
    this.timeoutMs = opts.timeoutMs ?? 10_000;
  }

  async send(alert: Alert, ctx: SendContext): Promise<void> {
    const dsn = sentryDsn(this.config, this.env);
    if (!dsn) throw new DeliveryError('sentry: no DSN (notify.sentry.dsn or SENTRY_DSN)', { retryable: false });
    this.client ??= this.makeClient(dsn);
    const client = await this.client;
    const label = `sentry (${safeHost(dsn)})`;
    // items already accepted are not sent again when a later one fails and the alert is retried
    const pending = [...alert.items];
    await withRetries(
      this.policy,
      ctx.signal,
      async (n) => {
        while (pending.length) {
          const item = pending[0]!;
          const outcome = await raceAbort(withTimeout(client.capture(item, alert), this.timeoutMs), ctx.signal);
          if (!outcome.ok) throw new DeliveryError(outcome.error ?? 'not accepted', { retryable: outcome.retryable ?? true });
          pending.shift();
        }
        ctx.logger.info(`notify: ${label} alert ${alert.id} (${alert.event}) delivered: ${alert.items.length} event(s), attempt ${n}/${this.policy.attempts}`);
      },
      (n, err, wait) => {
        const next = wait === undefined ? (err.retryable ? 'giving up' : 'not retried') : `retrying in ${(wait / 1000).toFixed(1)} s`;
        ctx.logger.warn(`notify: ${label} alert ${alert.id} (${alert.event}) attempt ${n}/${this.policy.attempts} failed: ${err.message}; ${next}`);
      },
    );
  }

  async close(): Promise<void> {
    const c = await this.client?.catch(() => undefined);
    await c?.close();
  }

  private async makeClient(dsn: string) {
    const Sentry = await loadSentry();
    const waiting = new Map<string, (o: Outcome) => void>();
    const settle = (id: string | undefined, o: Outcome) => {
      if (!id) return;
      waiting.get(id)?.(o);
      waiting.delete(id);
    };
    // the SDK's own transport, watched: its answer for each event decides delivered or not
    const transport: typeof Sentry.makeNodeTransport = (options) => {
      const inner = Sentry.makeNodeTransport(options);
      return {
        send: async (envelope: Envelope) => {
          const id = (envelope[0] as { event_id?: string }).event_id;
          try {
            const res = await inner.send(envelope);
            const code = res.statusCode;
            if (code !== undefined && code >= 200 && code < 300) settle(id, { ok: true });
            else settle(id, { ok: false, error: code === undefined ? 'dropped by the SDK (rate limit)' : `HTTP ${code}`, retryable: code === undefined || code === 429 || code >= 500 });
            return res;
          } catch (e) {
            settle(id, { ok: false, error: redactSecrets(describeError(e)), retryable: true });
            throw e;
          }
        },
        flush: (t?: number) => inner.flush(t),
      };
    };
    const client = new Sentry.NodeClient({
      dsn,
      release: RELEASE,
      ...(this.config.environment ? { environment: this.config.environment } : {}),
      integrations: [],
      stackParser: Sentry.defaultStackParser,
      transport,
      sendClientReports: false,
      beforeSend: (event) => redactEvent(event),
    });
    client.init();
    return {
      capture: (item: AlertItem, alert: Alert): Promise<Outcome> => {
        const id = eventId();
        const done = new Promise<Outcome>((resolve) => waiting.set(id, resolve));
        const scope = new Sentry.Scope();
        scope.setLevel(LEVELS[item.severity]);
        scope.setFingerprint(['vigil', alert.event, item.key]);
        scope.setTags({
          'vigil.event': alert.event,
          'vigil.severity': item.severity,
          ...(item.target ? { 'vigil.target': item.target } : {}),
          ...(item.scanner ? { 'vigil.scanner': item.scanner } : {}),
          ...(item.ruleId ? { 'vigil.rule': item.ruleId } : {}),
          ...(alert.trigger ? { 'vigil.trigger': alert.trigger } : {}),
          ...(item.incidentId ? { 'vigil.incident': item.incidentId } : {}),
        });
        scope.setContext('vigil', {
          alertId: alert.id,
          key: item.key,
          alertSeverity: alertSeverity(alert),
          ...(alert.runId ? { runId: alert.runId } : {}),
          ...(item.findingId !== undefined ? { findingId: item.findingId } : {}),
          ...(item.location ? { location: item.location } : {}),
          ...(item.fingerprint ? { fingerprint: item.fingerprint } : {}),
          ...(item.firstSeen ? { firstSeen: item.firstSeen } : {}),
          ...(item.slaDue ? { slaDue: item.slaDue } : {}),
          ...(item.cwe ? { cwe: item.cwe } : {}),
          ...(item.aliases ? { aliases: item.aliases } : {}),
          ...(item.detail ? { detail: item.detail } : {}),
        });
        client.captureMessage(itemLine(item), LEVELS[item.severity], { event_id: id }, scope);
        return done.finally(() => waiting.delete(id));
      },
      close: async () => {
        await client.close(2_000);
      },
    };
  }
}

/** Sentry's event ids: 32 lowercase hex digits. */
function eventId(): string {
  return randomUUID().replace(/-/g, '');
}

function safeHost(dsn: string): string {
  try {
    return new URL(dsn).host;
  } catch {
    return 'bad dsn';
  }
}

function withTimeout(p: Promise<Outcome>, ms: number): Promise<Outcome> {
  let t: NodeJS.Timeout | undefined;
  const timeout = new Promise<Outcome>((resolve) => {
    t = setTimeout(() => resolve({ ok: false, error: `no answer within ${ms / 1000} s`, retryable: true }), ms);
  });
  return Promise.race([p, timeout]).finally(() => clearTimeout(t));
}

function raceAbort<T>(p: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) return Promise.reject(abortError(signal));
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(abortError(signal));
    signal.addEventListener('abort', onAbort, { once: true });
    p.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
  });
}
