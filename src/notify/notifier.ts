import { dirname, join, resolve } from 'node:path';
import { isPostgresUrl } from '../config/defaults.js';
import type { NotifyConfig, NotifyEvent } from '../config/types.js';
import { describeError } from '../errors.js';
import { severityRank, type Severity } from '../model/severity.js';
import type { Logger } from '../util/logger.js';
import { redactSecrets } from '../util/redact.js';
import { incidentAlert, type Alert, type EscalatedIncident } from './alert.js';
import { DeliveryError, type Channel } from './channel.js';
import { EmailChannel } from './email.js';
import { Outbox, type OutboxClaim, type OutboxEntry } from './outbox.js';
import type { RetryPolicy } from './retry.js';
import { SentryChannel } from './sentry.js';
import { DedupeState, STATE_FILE } from './state.js';
import { WebhookChannel } from './webhook.js';

/** Events whose items are findings, filtered by a channel's minSeverity. */
const FINDING_EVENTS: readonly NotifyEvent[] = ['finding.new', 'sla.breach'];
/** An outbox entry this old is dropped, with an error in the log. */
const OUTBOX_MAX_AGE_MS = 7 * 86_400_000;
/** At most this many entries are kept in the outbox; the oldest go first. */
const OUTBOX_MAX_ENTRIES = 1_000;
/** After a channel gave up on an alert, the next alerts for it go straight to the outbox for this long. */
const CHANNEL_DOWN_MS = 60_000;
/** After the exit wait, aborted sends get this long to wind down before they are queued regardless. */
const ABORT_GRACE_MS = 2_000;

export interface NotifierOptions {
  /** Folder of notify-state.json and the outbox: `.vigil`, beside a SQLite ledger. */
  stateDir: string;
  logger: Logger;
  env?: NodeJS.ProcessEnv;
  now?: () => Date;
  /** Backoff of the channels built from the config (tests shorten it). */
  backoff?: Pick<RetryPolicy, 'baseMs' | 'maxMs'>;
  /** Used instead of the channels the config names. */
  channels?: Channel[];
}

interface Delivery {
  channel: Channel;
  entry: OutboxEntry;
  done: boolean;
  promise?: Promise<void>;
}

/** What a notifier did by the time it closed. */
export interface NotifyOutcome {
  delivered: number;
  /** Written to the outbox for the next run or `vigil serve` to retry. */
  queued: number;
  /** Items not sent because the same key was alerted within the dedupe window. */
  suppressed: number;
}

/** The channels the notify section names. A Sentry section without any DSN is left out, with a warning. */
export function channelsFromConfig(config: NotifyConfig, opts: Pick<NotifierOptions, 'env' | 'backoff' | 'logger'>): Channel[] {
  const env = opts.env ?? process.env;
  const common = { env, ...(opts.backoff ? { backoff: opts.backoff } : {}) };
  const channels: Channel[] = config.webhooks.map((w) => new WebhookChannel(w, common));
  if (config.email) channels.push(new EmailChannel(config.email, common));
  if (config.sentry) {
    if (config.sentry.dsn || env.SENTRY_DSN) channels.push(new SentryChannel(config.sentry, common));
    else opts.logger.warn('notify: notify.sentry has no dsn and SENTRY_DSN is not set: no alerts go to Sentry');
  }
  return channels;
}

/**
 * Routes alerts to channels and delivers them in the background: deduplicated against the
 * state file, each channel in order (one alert at a time), every attempt logged. What is not
 * delivered — the channel gave up, or the process is exiting — goes to the outbox, which the
 * next run (or `vigil serve`) retries. Nothing here ever throws into a scan.
 */
export class Notifier {
  readonly channels: Channel[];
  readonly outbox: Outbox;
  private readonly logger: Logger;
  private readonly now: () => Date;
  private readonly abort = new AbortController();
  private readonly queues = new Map<string, Promise<void>>();
  private readonly inflight = new Set<Delivery>();
  private readonly claims = new Map<OutboxClaim, Delivery[]>();
  private readonly background = new Set<Promise<unknown>>();
  private readonly downUntil = new Map<string, number>();
  private retrying: Promise<void> | undefined;
  private closed = false;
  private readonly outcome: NotifyOutcome = { delivered: 0, queued: 0, suppressed: 0 };

  private constructor(
    readonly config: NotifyConfig,
    private readonly state: DedupeState,
    opts: NotifierOptions,
  ) {
    this.logger = opts.logger;
    this.now = opts.now ?? (() => new Date());
    this.outbox = new Outbox(opts.stateDir);
    this.channels = opts.channels ?? channelsFromConfig(config, opts);
  }

  /** A notifier for the config, with its dedupe state loaded from `stateDir`. */
  static async create(config: NotifyConfig, opts: NotifierOptions): Promise<Notifier> {
    const { state, problem } = await DedupeState.load(join(opts.stateDir, STATE_FILE), config.dedupeWindowSeconds * 1000);
    if (problem) opts.logger.warn(`notify: ${problem}`);
    return new Notifier(config, state, opts);
  }

  /** The events some channel takes. */
  get events(): Set<NotifyEvent> {
    return new Set(this.channels.flatMap((c) => c.routing.events));
  }

  /** The lowest severity a channel takes finding alerts at: what is worth working out. */
  get minSeverity(): Severity {
    const mins = this.channels.filter((c) => c.routing.events.some((e) => FINDING_EVENTS.includes(e))).map((c) => c.routing.minSeverity);
    return mins.length ? mins.reduce((a, b) => (severityRank(b) < severityRank(a) ? b : a)) : this.config.minSeverity;
  }

  /** What was delivered, queued and suppressed so far. */
  get counts(): Readonly<NotifyOutcome> {
    return this.outcome;
  }

  /**
   * Send alerts, in the background: items alerted within the dedupe window are dropped, the
   * rest go to every channel whose events (and, for findings, minSeverity) take them.
   * Returns at once; `close` waits for the deliveries.
   */
  dispatch(alerts: readonly Alert[]): Promise<void> {
    const started: Promise<void>[] = [];
    const now = this.now();
    for (const alert of alerts) {
      const fresh = alert.items.filter((i) => !this.state.recent(i.key, now));
      const dropped = alert.items.length - fresh.length;
      this.outcome.suppressed += dropped;
      const routed = new Set<string>();
      const to: string[] = [];
      for (const channel of this.channels) {
        if (!channel.routing.events.includes(alert.event)) continue;
        const items = FINDING_EVENTS.includes(alert.event)
          ? fresh.filter((i) => severityRank(i.severity) >= severityRank(channel.routing.minSeverity))
          : fresh;
        if (!items.length) continue;
        for (const i of items) routed.add(i.key);
        to.push(channel.id);
        const entry: OutboxEntry = { v: 1, channel: channel.id, alert: { ...alert, items }, queuedAt: now.toISOString(), tries: 0 };
        started.push(this.enqueue(channel, entry).promise!);
      }
      for (const k of routed) this.state.mark(k, now);
      if (to.length || dropped) {
        const sent = to.length ? `${routed.size} item(s) to ${to.join(', ')}` : 'nothing to send';
        const dup = dropped ? `; ${dropped} already alerted within ${formatSeconds(this.config.dedupeWindowSeconds)}` : '';
        this.logger.info(`notify: alert ${alert.id} (${alert.event}): ${sent}${dup}`);
      }
    }
    this.track(this.state.save().catch((e: unknown) => this.logger.warn(`notify: cannot save ${this.state.file}: ${describeError(e)}`)));
    return Promise.all(started).then(() => undefined);
  }

  /** For the incidents engine: an incident escalated. Resolves once the alert is delivered or queued in the outbox. */
  incidentEscalated(incident: EscalatedIncident): Promise<void> {
    return this.dispatch([incidentAlert(incident, this.now())]);
  }

  /** Retry what the outbox holds (one retry at a time); resolves once each entry is delivered or queued again. */
  retryOutbox(): Promise<void> {
    if (this.closed) return Promise.resolve();
    this.retrying ??= this.retryOnce().finally(() => (this.retrying = undefined));
    return this.retrying;
  }

  private async retryOnce(): Promise<void> {
    let claim: OutboxClaim | undefined;
    try {
      claim = await this.outbox.claim();
    } catch (e) {
      this.logger.warn(`notify: cannot read ${this.outbox.file}: ${describeError(e)}`);
      return;
    }
    if (!claim) return;
    if (claim.unreadable) this.logger.warn(`notify: ${claim.unreadable} unreadable line(s) in ${this.outbox.file} skipped`);
    const now = this.now().getTime();
    let entries = claim.entries.sort((a, b) => Date.parse(a.queuedAt) - Date.parse(b.queuedAt));
    if (entries.length > OUTBOX_MAX_ENTRIES) {
      const over = entries.slice(0, entries.length - OUTBOX_MAX_ENTRIES);
      for (const e of over) this.logger.error(`notify: outbox holds more than ${OUTBOX_MAX_ENTRIES} alerts; dropped alert ${e.alert.id} (${e.alert.event}) for ${e.channel}, queued ${e.queuedAt}`);
      entries = entries.slice(-OUTBOX_MAX_ENTRIES);
    }
    const deliveries: Delivery[] = [];
    for (const e of entries) {
      const channel = this.channels.find((c) => c.id === e.channel);
      if (now - Date.parse(e.queuedAt) > OUTBOX_MAX_AGE_MS) {
        this.logger.error(`notify: dropped alert ${e.alert.id} (${e.alert.event}) for ${e.channel}: undelivered since ${e.queuedAt} (last error: ${e.lastError ?? 'none'})`);
      } else if (!channel) {
        this.logger.warn(`notify: dropped alert ${e.alert.id} (${e.alert.event}) from the outbox: no channel ${e.channel} in the config any more`);
      } else {
        deliveries.push(this.enqueue(channel, e));
      }
    }
    this.logger.info(`notify: retrying ${deliveries.length} alert(s) from ${this.outbox.file}`);
    this.claims.set(claim, deliveries);
    await Promise.all(deliveries.map((d) => d.promise));
    if (this.claims.delete(claim)) await claim.release();
  }

  /**
   * Wait at most `waitMs` for deliveries in flight; then abort them and queue what is left in
   * the outbox. Saves the dedupe state and closes the channels. Never throws.
   */
  async close(waitMs: number): Promise<NotifyOutcome> {
    this.closed = true;
    const all = () => Promise.all([...this.queues.values(), ...this.background, ...(this.retrying ? [this.retrying] : [])]);
    if (this.inflight.size || this.background.size || this.retrying) {
      const waited = await raceTimeout(all(), waitMs);
      if (!waited) {
        this.abort.abort(new Error(`vigil waited ${Math.round(waitMs / 1000)} s for deliveries`));
        await raceTimeout(all(), ABORT_GRACE_MS);
        for (const d of [...this.inflight]) await this.queue(d, 'not delivered before exit');
      }
    }
    for (const [claim, ds] of this.claims) {
      if (ds.every((d) => d.done)) {
        this.claims.delete(claim);
        await claim.release().catch(() => undefined);
      }
    }
    await this.state.save().catch((e: unknown) => this.logger.warn(`notify: cannot save ${this.state.file}: ${describeError(e)}`));
    await Promise.all(this.channels.map((c) => c.close?.().catch(() => undefined)));
    const { delivered, queued, suppressed } = this.outcome;
    if (delivered || queued) this.logger.info(`notify: ${delivered} delivered, ${queued} queued in ${this.outbox.file}${suppressed ? `, ${suppressed} suppressed as duplicates` : ''}`);
    return { ...this.outcome };
  }

  private enqueue(channel: Channel, entry: OutboxEntry): Delivery {
    const d: Delivery = { channel, entry, done: false };
    this.inflight.add(d);
    const prev = this.queues.get(channel.id) ?? Promise.resolve();
    d.promise = prev.then(() => this.deliver(d));
    this.queues.set(channel.id, d.promise);
    return d;
  }

  private async deliver(d: Delivery): Promise<void> {
    if (d.done) return;
    const { channel, entry } = d;
    if (this.abort.signal.aborted) return this.queue(d, 'not delivered before exit');
    const down = this.downUntil.get(channel.id) ?? 0;
    if (down > Date.now()) return this.queue(d, `${channel.id} gave up on an earlier alert; not tried`);
    try {
      await channel.send(entry.alert, { signal: this.abort.signal, logger: this.logger });
      if (d.done) return;
      d.done = true;
      this.inflight.delete(d);
      this.outcome.delivered++;
    } catch (e) {
      const err = e instanceof DeliveryError ? e : new DeliveryError(describeError(e), { retryable: true });
      if (err.retryable && !this.abort.signal.aborted) this.downUntil.set(channel.id, Date.now() + CHANNEL_DOWN_MS);
      await this.queue(d, err.message);
    }
  }

  /** Put an undelivered alert in the outbox; only if that fails is it lost, and the log says which. */
  private async queue(d: Delivery, why: string): Promise<void> {
    if (d.done) return;
    d.done = true;
    this.inflight.delete(d);
    const entry: OutboxEntry = { ...d.entry, tries: d.entry.tries + 1, lastError: redactSecrets(why), lastTriedAt: this.now().toISOString() };
    try {
      await this.outbox.append([entry]);
      this.outcome.queued++;
      this.logger.warn(`notify: ${d.channel.id} alert ${entry.alert.id} (${entry.alert.event}) queued in ${this.outbox.file}: ${entry.lastError}`);
    } catch (e) {
      this.logger.error(`notify: ${d.channel.id} alert ${entry.alert.id} (${entry.alert.event}) LOST: not delivered (${entry.lastError}) and ${this.outbox.file} cannot be written: ${describeError(e)}`);
    }
  }

  private track(p: Promise<unknown>): void {
    this.background.add(p);
    void p.finally(() => this.background.delete(p));
  }
}

function formatSeconds(s: number): string {
  if (s >= 3600 && s % 3600 === 0) return `${s / 3600} h`;
  if (s >= 60 && s % 60 === 0) return `${s / 60} min`;
  return `${s} s`;
}

/** The folder of the dedupe state and the outbox: beside a SQLite ledger, else `.vigil` under the config's folder. */
export function notifyStateDir(ledgerLocation: string, baseDir: string): string {
  return isPostgresUrl(ledgerLocation) ? join(baseDir, '.vigil') : dirname(resolve(baseDir, ledgerLocation));
}

/** True when `p` settled within `ms`. */
async function raceTimeout(p: Promise<unknown>, ms: number): Promise<boolean> {
  let t: NodeJS.Timeout | undefined;
  const timeout = new Promise<false>((r) => {
    t = setTimeout(() => r(false), ms);
  });
  try {
    return await Promise.race([p.then(() => true as const, () => true as const), timeout]);
  } finally {
    clearTimeout(t);
  }
}
