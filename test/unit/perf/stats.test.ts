import { describe, expect, it } from 'vitest';
import { growthPct, keepsRising, LatencySample, percentileOf, roundFigure, SizeThirds, thirdsRise } from '../../../scanners/perf/stats.js';

describe('percentiles of the scanner\'s own latencies', () => {
  it('nearest rank over 1..100 ms', () => {
    const s = new LatencySample();
    for (let i = 100; i >= 1; i--) s.add(i);
    expect(s.count).toBe(100);
    expect(s.summary()).toEqual({ p50: 50, p95: 95, p99: 99, max: 100 });
  });

  it('nothing recorded: zeros, not NaN', () => {
    expect(new LatencySample().summary()).toEqual({ p50: 0, p95: 0, p99: 0, max: 0 });
  });

  it('past its cap it keeps a uniform sample: percentiles stay close, max stays exact, memory stays bounded', () => {
    const s = new LatencySample(1000);
    for (let i = 1; i <= 100_000; i++) s.add(i % 1000);
    s.add(5000);
    const r = s.summary();
    expect(r.max).toBe(5000);
    expect(s.count).toBe(100_001);
    // a 1,000-value sample of a uniform 0..999: p95 within a few percent of 950
    expect(Math.abs(r.p95 - 950)).toBeLessThan(60);
  });

  it.each([
    [[], 95, 0],
    [[7], 95, 7],
    [[1, 2], 50, 1],
    [[1, 2], 51, 2],
  ])('percentileOf(%j, %d) = %d', (xs, p, want) => {
    expect(percentileOf(xs, p)).toBe(want);
  });
});

describe('trend tests', () => {
  it.each<[string, number[], boolean]>([
    ['a steady rise', [10, 11, 12, 13, 14, 15, 16, 17, 18], true],
    ['a rise with noise', [10, 12, 11, 14, 13, 16, 15, 18, 17], true],
    ['one step, then flat', [10, 10, 10, 10, 20, 20, 20, 20, 20], false],
    ['flat', [5, 5, 5, 5, 5, 5], false],
    ['up then down (a GC after the load)', [10, 20, 30, 30, 20, 10], false],
    ['too few samples', [1, 2], false],
    ['three rising samples', [1, 2, 3], true],
  ])('keepsRising: %s', (_what, xs, want) => {
    expect(keepsRising(xs)).toBe(want);
  });

  it('thirdsRise needs all three thirds, each above the one before', () => {
    expect(thirdsRise([1, 2, 3])).toBe(true);
    expect(thirdsRise([1, 3, 3])).toBe(false);
    expect(thirdsRise([1, undefined, 3])).toBe(false);
  });

  it('SizeThirds puts responses in the third of the level they came in', () => {
    const t = new SizeThirds(3000);
    t.add(0, 100);
    t.add(999, 300);
    t.add(1500, 400);
    t.add(2999, 900);
    // a late response (after the timer) belongs to the last third
    t.add(3500, 1100);
    expect(t.means()).toEqual([200, 400, 1000]);
    expect(t.overall()).toBe(560);
  });

  it('growth and rounding', () => {
    expect(growthPct(100, 150)).toBe(50);
    expect(growthPct(0, 150)).toBe(0);
    expect([roundFigure(1234.56), roundFigure(12.345), roundFigure(1.23456), roundFigure(Number.NaN)]).toEqual([1235, 12.3, 1.23, 0]);
  });
});
