/**
 * The arithmetic of a load run: percentiles from the scanner's own per-response latencies,
 * response sizes by third of the run, growth and trend tests. Pure functions, no I/O.
 */

/** Every response's latency is kept up to this many; past it, a uniform sample of this size (reservoir). */
const LATENCY_CAP = 250_000;

/**
 * The latencies of one load level. autocannon's own histogram reports p97.5 and p99 but no p95,
 * so the scanner records each response's time from autocannon's `response` event and computes the
 * percentiles itself (nearest rank). Memory stays bounded: beyond LATENCY_CAP responses it keeps
 * a uniform random sample (Vitter's algorithm R), which estimates the percentiles to well under a
 * percent at that size.
 */
export class LatencySample {
  private readonly values: Float64Array;
  private seen = 0;
  private maxMs = 0;

  constructor(private readonly cap = LATENCY_CAP) {
    this.values = new Float64Array(cap);
  }

  /** Record one response's latency in ms. */
  add(ms: number): void {
    if (!(ms >= 0)) return;
    if (ms > this.maxMs) this.maxMs = ms;
    if (this.seen < this.cap) this.values[this.seen] = ms;
    else {
      const j = Math.floor(Math.random() * (this.seen + 1));
      if (j < this.cap) this.values[j] = ms;
    }
    this.seen++;
  }

  /** How many responses were recorded. */
  get count(): number {
    return this.seen;
  }

  /** p50, p95, p99 (nearest rank) and the exact max; zeros when nothing was recorded. */
  summary(): { p50: number; p95: number; p99: number; max: number } {
    const n = Math.min(this.seen, this.cap);
    const sorted = this.values.slice(0, n).sort();
    return { p50: percentileOf(sorted, 50), p95: percentileOf(sorted, 95), p99: percentileOf(sorted, 99), max: this.maxMs };
  }
}

/** The nearest-rank percentile of sorted values (0 when there are none). */
export function percentileOf(sorted: ArrayLike<number>, p: number): number {
  const n = sorted.length;
  if (!n) return 0;
  const rank = Math.min(n, Math.max(1, Math.ceil((p / 100) * n)));
  return sorted[rank - 1]!;
}

/** Mean response size in each third of a run, by the time each response came. */
export class SizeThirds {
  private readonly bytes = [0, 0, 0];
  private readonly counts = [0, 0, 0];

  constructor(private readonly durationMs: number) {}

  /** Record a response of `bytes` that came `elapsedMs` after the level started. */
  add(elapsedMs: number, bytes: number): void {
    const i = Math.min(2, Math.max(0, Math.floor((elapsedMs / this.durationMs) * 3)));
    this.bytes[i]! += bytes;
    this.counts[i]! += 1;
  }

  /** The three means; a third with no response has none (undefined). */
  means(): (number | undefined)[] {
    return this.bytes.map((b, i) => (this.counts[i] ? b / this.counts[i]! : undefined));
  }

  /** The mean over the whole run. */
  overall(): number {
    const n = this.counts[0]! + this.counts[1]! + this.counts[2]!;
    return n ? (this.bytes[0]! + this.bytes[1]! + this.bytes[2]!) / n : 0;
  }
}

/** Percent change from `before` to `after` (0 when before is not above 0). */
export function growthPct(before: number, after: number): number {
  return before > 0 ? ((after - before) / before) * 100 : 0;
}

/**
 * Whether a series keeps rising rather than stepping once: the medians of its first, middle and
 * last thirds rise strictly. A single step (flat, jump, flat) leaves two thirds level and fails.
 * Fewer than three values say nothing about a trend.
 */
export function keepsRising(values: readonly number[]): boolean {
  const n = values.length;
  if (n < 3) return false;
  const a = Math.floor(n / 3);
  const b = Math.floor((2 * n) / 3);
  const m1 = median(values.slice(0, Math.max(1, a)));
  const m2 = median(values.slice(a, Math.max(a + 1, b)));
  const m3 = median(values.slice(b));
  return m1 < m2 && m2 < m3;
}

/** The thirds of a size series rise strictly (each third's mean above the one before). */
export function thirdsRise(means: readonly (number | undefined)[]): boolean {
  const [a, b, c] = means;
  return a !== undefined && b !== undefined && c !== undefined && a < b && b < c;
}

function median(xs: readonly number[]): number {
  const s = [...xs].sort((x, y) => x - y);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

/** Round for the report: whole numbers from 100 up, one decimal from 10, two below. */
export function roundFigure(n: number): number {
  if (!Number.isFinite(n)) return 0;
  const a = Math.abs(n);
  const d = a >= 100 ? 0 : a >= 10 ? 1 : 2;
  const f = 10 ** d;
  return Math.round(n * f) / f;
}
