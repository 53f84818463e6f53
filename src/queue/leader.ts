import pg from 'pg';
import { describeError } from '../errors.js';
import type { Logger } from '../util/logger.js';

/** The advisory lock key of the scheduling leader ("vigL" in ASCII); apart from the ledger's write lock. */
const LEADER_KEY = 0x7669674c;

/**
 * One scheduling leader among the `vigil serve` instances sharing a PostgreSQL ledger: whoever
 * holds a session-level advisory lock. The lock lives as long as this connection, so a leader that
 * dies (or loses its connection) frees it, and a follower takes it at its next try.
 */
export class LeaderLock {
  private client: pg.Client | undefined;
  private timer: NodeJS.Timeout | undefined;
  private leading = false;
  private stopped = false;

  constructor(
    private readonly url: string,
    private readonly logger: Logger,
    private readonly retryMs = 5_000,
  ) {}

  /** True while this process holds the lock. */
  get isLeader(): boolean {
    return this.leading;
  }

  /** Try now, then keep trying every retryMs until the lock is held (and again if it is lost). */
  async start(): Promise<void> {
    await this.tryOnce();
    this.timer = setInterval(() => void this.tryOnce(), this.retryMs);
    this.timer.unref();
  }

  private async tryOnce(): Promise<void> {
    if (this.leading || this.stopped) return;
    try {
      if (!this.client) {
        const c = new pg.Client({ connectionString: this.url, application_name: 'vigil-leader' });
        c.on('error', (e) => this.lost(e));
        await c.connect();
        this.client = c;
      }
      const r = await this.client.query<{ ok: boolean }>('select pg_try_advisory_lock($1) as ok', [LEADER_KEY]);
      if (r.rows[0]?.ok) {
        this.leading = true;
        this.logger.info('scheduler: this instance leads (PostgreSQL advisory lock held); it schedules the runs');
      }
    } catch (e) {
      this.lost(e);
    }
  }

  private lost(e: unknown): void {
    if (this.leading) this.logger.warn(`scheduler: lost the leader lock: ${describeError(e)}`);
    this.leading = false;
    const c = this.client;
    this.client = undefined;
    void c?.end().catch(() => undefined);
  }

  /** Give the lock up and close its connection. */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
    this.leading = false;
    const c = this.client;
    this.client = undefined;
    await c?.end().catch(() => undefined);
  }
}
