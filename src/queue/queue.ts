import { createHash } from 'node:crypto';
import PgBoss from 'pg-boss';
import pg from 'pg';
import { describeError } from '../errors.js';
import type { Logger } from '../util/logger.js';

/** The advisory lock key under which processes set the queue up ("vigQ" in ASCII). */
const SETUP_LOCK = 0x76696751;

/** The pg-boss queue scheduled runs go through when `vigil serve --queue` hands them to workers. */
export const SCAN_QUEUE = 'vigil-scan';

/** One scheduled run, as the leader queues it and a worker takes it. */
export interface ScanJob {
  schedule: string;
  /** `schedule:<name>`, `catch-up:<name>` or `start:<name>`: recorded as the run's trigger. */
  trigger: string;
  /** The schedule's fire time this run answers (ISO). */
  due: string;
  targets?: string[];
  scanners?: string[];
}

export interface QueueOptions {
  logger: Logger;
  /** For jobs this process queues: one a worker took and did not finish within this is failed and retried by another (a worker killed mid-job). */
  expireInSeconds?: number;
  retryLimit?: number;
  /** How often expired jobs are looked for; default 10 s. */
  maintenanceIntervalSeconds?: number;
  pollingIntervalSeconds?: number;
}

/**
 * The job id of one fire of one schedule: a UUID derived from the trigger and the fire time, so
 * the same run queued twice (two leaders for a moment, a restart) is one job, and a worker that
 * finds a run with this id already in the ledger knows the job ran.
 */
export function scanJobId(job: Pick<ScanJob, 'trigger' | 'due'>): string {
  const h = createHash('sha256').update(`vigil-scan\u0000${job.trigger}\u0000${job.due}`).digest('hex');
  // RFC 4122 layout, version 8 (custom), variant 10
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-8${h.slice(13, 16)}-${((parseInt(h.slice(16, 18), 16) & 0x3f) | 0x80).toString(16)}${h.slice(18, 20)}-${h.slice(20, 32)}`;
}

/** pg-boss on the ledger's PostgreSQL database (its own `pgboss` schema). */
export class ScanQueue {
  private constructor(
    private readonly boss: PgBoss,
    private readonly opts: QueueOptions,
  ) {}

  static async open(url: string, opts: QueueOptions): Promise<ScanQueue> {
    const boss = new PgBoss({
      connectionString: url,
      application_name: 'vigil-queue',
      max: 4,
      maintenanceIntervalSeconds: opts.maintenanceIntervalSeconds ?? 10,
      monitorStateIntervalSeconds: 60,
    });
    boss.on('error', (e: unknown) => opts.logger.error(`queue: ${describeError(e)}`));
    // pg-boss's first start on a database creates its schema; several processes starting at once
    // deadlock there (seen with two serve instances): one at a time, under an advisory lock.
    const lock = new pg.Client({ connectionString: url, application_name: 'vigil-queue-setup' });
    await lock.connect();
    try {
      await lock.query('select pg_advisory_lock($1)', [SETUP_LOCK]);
      await boss.start();
      await boss.createQueue(SCAN_QUEUE, { name: SCAN_QUEUE, retryLimit: opts.retryLimit ?? 3, retryDelay: 1 });
    } finally {
      await lock.end().catch(() => undefined); // ending the session frees the lock
    }
    return new ScanQueue(boss, opts);
  }

  /** Queue one run; 'duplicate' when a job for the same fire is already there. */
  async enqueue(job: ScanJob): Promise<'queued' | 'duplicate'> {
    const id = await this.boss.send(SCAN_QUEUE, job, {
      id: scanJobId(job),
      ...(this.opts.expireInSeconds ? { expireInSeconds: this.opts.expireInSeconds } : {}),
      retryLimit: this.opts.retryLimit ?? 3,
      retryDelay: 1,
    });
    return id ? 'queued' : 'duplicate';
  }

  /** Take jobs one at a time and hand each to `run`; a throw fails the job (retried up to retryLimit). */
  async work(run: (job: ScanJob, id: string) => Promise<void>): Promise<void> {
    await this.boss.work<ScanJob>(SCAN_QUEUE, { batchSize: 1, pollingIntervalSeconds: this.opts.pollingIntervalSeconds ?? 1 }, async (jobs) => {
      for (const j of jobs) await run(j.data, j.id);
    });
  }

  /** Stop taking jobs; waits for the one in hand (up to `timeoutMs`). */
  async stop(timeoutMs = 30_000): Promise<void> {
    await this.boss.stop({ graceful: true, timeout: timeoutMs, wait: true });
  }
}
