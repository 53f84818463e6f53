import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ScheduleConfig } from '../../src/config/types.js';
import { openLedger, type Ledger } from '../../src/ledger/index.js';
import { Scheduler, previousFire } from '../../src/scheduler/index.js';
import { runOf } from '../helpers/findings.js';

const dir = mkdtempSync(join(tmpdir(), 'vigil-sched-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

let ledger: Ledger;
let n = 0;
beforeEach(async () => {
  ledger = await openLedger(join(dir, `l${n++}.db`));
});
afterEach(async () => {
  await ledger.close();
});

const sched = (over: Partial<ScheduleConfig> = {}): ScheduleConfig => ({ name: 'nightly', cron: '0 2 * * *', runOnStart: false, ...over });

/** An execute() that records its runs in the ledger like the real one, taking `ms` each. */
function recorder(ms: number) {
  const log = { started: [] as string[], concurrent: 0, maxConcurrent: 0 };
  const execute = async (_s: ScheduleConfig, trigger: string) => {
    log.started.push(trigger);
    log.concurrent++;
    log.maxConcurrent = Math.max(log.maxConcurrent, log.concurrent);
    await new Promise((r) => setTimeout(r, ms));
    await ledger.ingest(runOf([], [{}], { trigger }));
    log.concurrent--;
  };
  return { log, execute };
}

describe('scheduler', () => {
  it('computes the previous fire time of a cron expression', () => {
    expect(previousFire('0 2 * * *', new Date('2026-03-05T10:00:00Z')).toISOString()).toBe('2026-03-05T02:00:00.000Z');
    expect(previousFire('0 2 * * *', new Date('2026-03-05T01:00:00Z')).toISOString()).toBe('2026-03-04T02:00:00.000Z');
  });

  it('runs a schedule on its cron ticks, never two at once', async () => {
    const { log, execute } = recorder(2500);
    const s = new Scheduler({ schedules: [sched({ cron: '* * * * * *' })], ledger, execute });
    await s.start();
    await new Promise((r) => setTimeout(r, 4200));
    await s.stop();
    expect(log.started.length).toBeGreaterThanOrEqual(1);
    expect(log.started.length).toBeLessThanOrEqual(2);
    expect(log.maxConcurrent).toBe(1);
    const runs = await ledger.listRuns();
    expect(runs.length).toBe(log.started.length);
    expect(runs.every((r) => r.trigger === 'schedule:nightly' && r.status === 'complete' && r.finishedAt)).toBe(true);
  }, 15_000);

  it('skips a trigger while the same schedule is running', async () => {
    const { log, execute } = recorder(300);
    const s = new Scheduler({ schedules: [], ledger, execute });
    const a = s.trigger(sched(), 'schedule:nightly');
    const b = s.trigger(sched(), 'schedule:nightly');
    expect(s.isRunning('nightly')).toBe(true);
    await Promise.all([a, b]);
    expect(log.started).toEqual(['schedule:nightly']);
    await s.stop();
  });

  it('runs a fire missed while vigil was down once at start-up', async () => {
    await ledger.ingest(runOf([], [{}], { trigger: 'schedule:nightly', startedAt: '2026-03-03T02:00:00.000Z' }));
    const { log, execute } = recorder(10);
    const s = new Scheduler({ schedules: [sched()], ledger, execute, now: () => new Date('2026-03-05T10:00:00Z') });
    await s.start();
    await s.stop();
    expect(log.started).toEqual(['catch-up:nightly']);
  });

  it('does not catch up when the last run is after the previous fire', async () => {
    await ledger.ingest(runOf([], [{}], { trigger: 'schedule:nightly', startedAt: '2026-03-05T02:00:05.000Z' }));
    const { log, execute } = recorder(10);
    const s = new Scheduler({ schedules: [sched()], ledger, execute, now: () => new Date('2026-03-05T10:00:00Z') });
    expect(await s.startupReason(sched())).toBeUndefined();
    await s.start();
    await s.stop();
    expect(log.started).toEqual([]);
  });

  it('runs runOnStart schedules once at start', async () => {
    const { log, execute } = recorder(10);
    const s = new Scheduler({ schedules: [sched({ runOnStart: true })], ledger, execute });
    await s.start();
    await s.stop();
    expect(log.started).toEqual(['start:nightly']);
    expect((await ledger.lastRun(['start:nightly']))?.status).toBe('complete');
  });

  it('logs a failing run and keeps going', async () => {
    const errors: string[] = [];
    const s = new Scheduler({
      schedules: [],
      ledger,
      execute: async () => {
        throw new Error('disk full');
      },
      logger: { debug() {}, info() {}, warn() {}, error: (m) => errors.push(m) },
    });
    await s.trigger(sched(), 'schedule:nightly');
    expect(errors[0]).toMatch(/nightly.*disk full/);
    expect(s.isRunning('nightly')).toBe(false);
  });
});
