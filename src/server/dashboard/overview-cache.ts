import type { Ledger } from '../../ledger/ledger.js';
import type { OverviewFacts } from '../../ledger/overview.js';

/** Above this, a computation is slow enough that readers get the last result while a new one runs. */
const SLOW_MS = 100;

/**
 * The overview's SLA breaches and trend, kept until the ledger changes (its head moves) or the
 * minute turns (breaches depend on the clock). On a small ledger every stale read recomputes at
 * once; on a large one (the last computation took over 100 ms) a stale read answers the previous
 * result and starts one recomputation in the background, so a page never waits on a full scan
 * except the very first.
 */
export class OverviewCache {
  private last: { key: string; facts: OverviewFacts; tookMs: number } | undefined;
  private running: Promise<OverviewFacts> | undefined;

  constructor(
    private readonly ledger: Ledger,
    private readonly days: number,
  ) {}

  async get(now: Date): Promise<OverviewFacts> {
    const head = await this.ledger.head();
    const key = `${head.seq}:${head.hash}:${Math.floor(now.getTime() / 60_000)}`;
    const last = this.last;
    if (last?.key === key) return last.facts;
    const fresh = this.compute(key, now);
    if (last && last.tookMs > SLOW_MS) {
      fresh.catch(() => undefined); // a failed background refresh is retried by the next read
      return last.facts;
    }
    return fresh;
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
