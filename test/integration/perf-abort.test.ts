/**
 * The perf scanner in process, against a real server on loopback: an abort (timeout, shutdown)
 * stops the load at once and closes every socket, and ctx.report gets the shape the dashboard reads.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import type { PartReport } from '../../src/model/run.js';
import type { ScanContext } from '../../src/model/scanner.js';
import { silentLogger } from '../../src/util/logger.js';
import { createPerfScanner } from '../../scanners/perf/perf-scanner.js';
import { fastServer, leakyServer } from '../helpers/perf-servers.js';

function context(options: Record<string, unknown>, signal: AbortSignal) {
  const notes: string[] = [];
  const reports: PartReport[] = [];
  const ctx: ScanContext = {
    signal,
    logger: silentLogger,
    progress: () => undefined,
    note: (m) => void notes.push(m),
    report: (r) => void reports.push(r),
    baseDir: process.cwd(),
    options,
  };
  return { ctx, notes, reports };
}

async function drain(it: AsyncIterable<unknown>): Promise<unknown[]> {
  const out: unknown[] = [];
  for await (const x of it) out.push(x);
  return out;
}

describe('perf scanner in process', () => {
  it('an abort mid-load rejects with the abort reason and no new request reaches the server after it', async () => {
    const s = await fastServer();
    try {
      const ac = new AbortController();
      const { ctx } = context({ durationSeconds: 60 }, ac.signal);
      const run = drain(createPerfScanner().run({ name: 't', kind: 'url', location: s.url }, ctx));
      // wait until the load is really on
      while (s.requests() < 200) await sleep(20);
      const reason = new Error('timed out');
      ac.abort(reason);
      await expect(run).rejects.toBe(reason);
      const atStop = s.requests();
      await sleep(500);
      // requests already on the wire may still land; nothing new starts
      expect(s.requests() - atStop).toBeLessThanOrEqual(10);
    } finally {
      await s.close();
    }
  });

  it('the report has the dashboard\'s shape, figures as numbers', async () => {
    const s = await leakyServer(1000);
    try {
      const { ctx, reports, notes } = context({ durationSeconds: 1, memory: { url: '/metrics' }, peak: { p95Ms: 100_000 } }, new AbortController().signal);
      await drain(createPerfScanner().run({ name: 't', kind: 'url', location: s.url }, ctx));
      expect(reports).toHaveLength(1);
      const perf = (reports[0]!.data as { perf: Record<string, unknown> }).perf;
      expect(Object.keys(perf).sort()).toEqual(['health', 'levels', 'loadGenerator', 'memory', 'url']);
      expect(perf['url']).toBe(s.url);
      expect(perf['health']).toMatchObject({ ok: true, status: 200, ms: expect.any(Number) });
      const levels = perf['levels'] as Record<string, unknown>[];
      expect(levels.map((l) => l['level'])).toEqual(['expected', '10x']);
      for (const l of levels) {
        expect(Object.keys(l).sort()).toEqual(['connections', 'durationSeconds', 'errorRatePct', 'errors', 'latencyMs', 'level', 'meanResponseBytes', 'non2xx', 'requests', 'rps', 'timeouts']);
        expect(Object.values(l['latencyMs'] as object).every((v) => typeof v === 'number')).toBe(true);
      }
      expect(perf['memory']).toMatchObject({ source: 'json:heapUsed', before: expect.any(Number), after: expect.any(Number), growthPct: expect.any(Number) });
      expect(perf['loadGenerator']).toEqual({ sharedCores: true, cores: expect.any(Number) });
      const lines = reports[0]!.lines!;
      expect(lines[1]).toMatch(/^expected \(10 conns\): [\d.]+ req\/s, p95 [\d.]+ ms, p99 [\d.]+ ms, errors [\d.]+ %$/);
      expect(lines[2]).toMatch(/^10x \(100 conns\): /);
      expect(lines[lines.length - 1]).toMatch(/^the load generator ran on this machine and shared its \d+ cores with the server$/);
      expect(notes[0]).toBe(lines[lines.length - 1]);
    } finally {
      await s.close();
    }
  });
});
