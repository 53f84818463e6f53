import type { ScheduleConfig } from '../config/types.js';
import { describeError } from '../errors.js';
import type { Ledger } from '../ledger/ledger.js';
import type { ServerMetrics } from '../server/metrics.js';
import type { Logger } from '../util/logger.js';
import { previousFire } from '../scheduler/index.js';

/** How often `vigil serve --queue` reads the runs recorded since its last look. */
export const OBSERVE_EVERY_MS = 10_000;

/**
 * With `--queue`, runs happen in `vigil worker`s, so this server's scan-duration and scheduler-lag
 * metrics come from the ledger instead: every `run.finished` event chained since the server
 * started (by any worker, or an import through the API) is fed to the metrics once. A scheduled
 * run's lag is measured from its schedule's latest fire before the run started — the time its job
 * was due.
 */
export function observeRecordedRuns(deps: {
  ledger: Ledger;
  metrics: ServerMetrics;
  schedules: readonly ScheduleConfig[];
  logger: Logger;
  everyMs?: number;
}): { stop(): void; poll(): Promise<void> } {
  const { ledger, metrics, logger } = deps;
  let afterSeq: number | undefined;
  let running: Promise<void> | undefined;
  const poll = async (): Promise<void> => {
    if (afterSeq === undefined) afterSeq = (await ledger.head()).seq;
    for (;;) {
      const events = await ledger.eventsOfType(['run.finished'], { afterSeq, limit: 200 });
      for (const e of events) {
        afterSeq = e.seq;
        const run = e.runId ? await ledger.getRun(e.runId) : undefined;
        if (!run) continue;
        const [kind, name] = run.trigger.split(':', 2);
        const schedule = kind === 'schedule' || kind === 'catch-up' ? deps.schedules.find((s) => s.name === name) : undefined;
        metrics.observeRun({ run }, schedule ? { due: previousFire(schedule.cron, new Date(run.startedAt), schedule.timezone) } : {});
      }
      if (events.length < 200) return;
    }
  };
  const tick = () => {
    running ??= poll()
      .catch((e: unknown) => logger.warn(`metrics: could not read the runs recorded by workers: ${describeError(e)}`))
      .finally(() => (running = undefined));
  };
  void tick();
  const timer = setInterval(tick, deps.everyMs ?? OBSERVE_EVERY_MS);
  timer.unref();
  return { stop: () => clearInterval(timer), poll };
}
