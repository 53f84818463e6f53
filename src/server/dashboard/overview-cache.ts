import type { Ledger } from '../../ledger/ledger.js';
import type { OverviewFacts } from '../../ledger/overview.js';

/** Above this, a computation is slow enough that readers get the last result while a new one runs. */
const SLOW_MS = 100;

/**
 * The overview's counts, trend and due dates, kept until the ledger changes (its head moves) or
 * the UTC day turns; SLA breaches are counted from the due dates at each view (slaBreachesAt), so
 * the clock needs no new scan. On a small ledger a stale read recomputes at once; on a large one
 * (the last computation took over 100 ms) a stale read answers the previous result and starts one
 * recomputation (on SQLite on a thread of its own), so a page waits on a full scan only when
 * nothing has been computed yet — and `warm()` starts that at start-up.
 */
export class OverviewCache {
  private last: { key: string; facts: OverviewFacts; tookMs: number } | undefined;
  private running: Promise<OverviewFacts> | undefined;

  constructor(
    private readonly ledger: Ledger,
    private readonly days: number,
  ) {}

  async get(now: Date): Promise<OverviewFacts> {
    const key = await this.keyAt(now);
    const last = this.last;
    if (last?.key === key) return last.facts;
    const fresh = this.compute(key, now);
    if (last && last.tookMs > SLOW_MS) {
      fresh.catch(() => undefined); // a failed background refresh is retried by the next read
      return last.facts;
    }
    return fresh;
  }

  /** Start computing now (at server start), so the first view does not wait; failures are left for the first view to meet. */
  warm(now = new Date()): void {
    void this.keyAt(now)
      .then((key) => this.compute(key, now))
      .catch(() => undefined);
  }

  private async keyAt(now: Date): Promise<string> {
    const head = await this.ledger.head();
    return `${head.seq}:${head.hash}:${now.toISOString().slice(0, 10)}`;
  }

  private compute(key: string, now: Date): Promise<OverviewFacts> {
    if (this.running) return this.running;
    const started = performance.now();
    this.running = this.ledger
      .overview(now, this.days)
      .then((facts) => {
        this.last = { key, facts, tookMs: performance.now() - started };
        return facts;
      })
      .finally(() => {
        this.running = undefined;
      });
    return this.running;
  }
}
