import cron, { type ScheduledTask } from 'node-cron';
import { CronExpressionParser } from 'cron-parser';
import type { ScheduleConfig } from '../config/types.js';
import type { Ledger } from '../ledger/ledger.js';
import { describeError } from '../errors.js';
import { silentLogger, type Logger } from '../util/logger.js';

/** Runs one schedule's scan and stores it; the scheduler only decides when. */
export type ExecuteRun = (schedule: ScheduleConfig, trigger: string) => Promise<void>;

export interface SchedulerOptions {
  schedules: readonly ScheduleConfig[];
  ledger: Ledger;
  execute: ExecuteRun;
  logger?: Logger;
  now?: () => Date;
}

/** Triggers recorded for a schedule's runs; catch-up and start-up runs count as its runs. */
export function scheduleTriggers(name: string): string[] {
  return [`schedule:${name}`, `catch-up:${name}`, `start:${name}`];
}

/** The newest time `expr` fired at or before `now`, in `timezone` (UTC when absent). */
export function previousFire(expr: string, now: Date, timezone?: string): Date {
  const it = CronExpressionParser.parse(expr, { currentDate: now, tz: timezone ?? 'UTC' });
  return it.prev().toDate();
}

/**
 * node-cron schedules from the config. One run of a schedule at a time (a tick that finds the
 * previous run still going is skipped and logged); a fire missed while vigil was down runs once
 * at start; `runOnStart` schedules run once at start regardless.
 */
export class Scheduler {
  private readonly tasks: ScheduledTask[] = [];
  private readonly inFlight = new Map<string, Promise<void>>();
  private readonly logger: Logger;
  private readonly now: () => Date;
  private stopped = false;

  constructor(private readonly opts: SchedulerOptions) {
    this.logger = opts.logger ?? silentLogger;
    this.now = opts.now ?? (() => new Date());
  }

  /** Register every schedule, then start the catch-up and start-up runs (not awaited). */
  async start(): Promise<void> {
    for (const s of this.opts.schedules) {
      const task = cron.schedule(s.cron, () => this.trigger(s, `schedule:${s.name}`), {
        name: `vigil:${s.name}`,
        ...(s.timezone ? { timezone: s.timezone } : {}),
        noOverlap: true,
      });
      this.tasks.push(task);
    }
    for (const s of this.opts.schedules) {
      const reason = await this.startupReason(s);
      if (reason) void this.trigger(s, `${reason}:${s.name}`);
    }
  }

  /** Why a schedule should run now at start-up, if it should: a missed fire, or runOnStart. */
  async startupReason(s: ScheduleConfig): Promise<'catch-up' | 'start' | undefined> {
    const last = await this.opts.ledger.lastRun(scheduleTriggers(s.name));
    if (last) {
      const prev = previousFire(s.cron, this.now(), s.timezone);
      if (Date.parse(last.startedAt) < prev.getTime()) {
        this.logger.info(`schedule ${s.name} missed its run at ${prev.toISOString()} (last ran ${last.startedAt}); running it now`);
        return 'catch-up';
      }
    }
    return s.runOnStart ? 'start' : undefined;
  }

  /** Start a run of `s` unless one is already going; resolves when that run ends. */
  trigger(s: ScheduleConfig, trigger: string): Promise<void> {
    if (this.stopped) return Promise.resolve();
    const running = this.inFlight.get(s.name);
    if (running) {
      this.logger.warn(`schedule ${s.name}: previous run still going; skipping ${trigger}`);
      return running;
    }
    const p = this.opts
      .execute(s, trigger)
      .catch((e) => this.logger.error(`schedule ${s.name} (${trigger}) failed: ${describeError(e)}`))
      .finally(() => this.inFlight.delete(s.name));
    this.inFlight.set(s.name, p);
    return p;
  }

  /** True while a run of the named schedule is going. */
  isRunning(name: string): boolean {
    return this.inFlight.has(name);
  }

  /** Resolves when no run is in flight (runs started meanwhile are waited for too). */
  async idle(): Promise<void> {
    while (this.inFlight.size) await Promise.allSettled([...this.inFlight.values()]);
  }

  /** Stop the timers and wait for runs in flight. */
  async stop(): Promise<void> {
    this.stopped = true;
    for (const t of this.tasks) await t.destroy();
    this.tasks.length = 0;
    await Promise.allSettled([...this.inFlight.values()]);
  }
}
