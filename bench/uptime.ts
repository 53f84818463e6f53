/**
 * Uptime probes (issue 15): 5 probes, each probed every minute for 30 days (216,000 results) in an
 * SQLite ledger. `vigil serve` records each result on its own (budget: 50 ms at p99, so a minute's
 * probes never queue), the dashboard reads every probe's 24 h / 7 d / 30 d windows (budget 100 ms median:
 * SQL aggregates over the (probe, at) index, not rows), the audit report a 30-day period (budget
 * 500 ms), and `ledger verify` recomputes every probe chain (budget 5 s).
 * Run alone: `npx tsc -p tsconfig.json && node dist/bench/uptime.js`.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { openLedger, type ProbeResult } from '../src/ledger/index.js';
import { info, report } from './lib.js';

const PROBES = 5;
const DAYS = 30;
const MIN = 60_000;

function quantile(xs: number[], q: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(s.length * q))]!;
}

export async function benchUptime(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'vigil-bench-uptime-'));
  const ledger = await openLedger(join(dir, 'ledger.db'));
  try {
    const end = Date.parse('2026-12-01T00:00:00.000Z');
    const start = end - DAYS * 1440 * MIN;
    const t0 = performance.now();
    for (let day = 0; day < DAYS; day++) {
      const batch: ProbeResult[] = [];
      for (let p = 0; p < PROBES; p++) {
        for (let m = 0; m < 1440; m++) {
          const at = start + (day * 1440 + m) * MIN + p * 1000;
          // an outage of ~20 minutes every 3 days, and a stray failure now and then
          const ok = !((day % 3 === 0 && m >= 600 && m < 620) || (m * 7 + p) % 997 === 0);
          batch.push({ probe: `svc-${p}`, url: `https://svc-${p}.example/healthz`, at: new Date(at).toISOString(), ok, status: ok ? 200 : 503, latencyMs: 20 + (m % 30), error: ok ? null : 'status 503 (expected 2xx)', tlsDaysLeft: 60 });
        }
      }
      await ledger.uptime.record(batch);
    }
    const rows = PROBES * DAYS * 1440;
    info(`fill: ${rows.toLocaleString('en')} results`, performance.now() - t0, 'ms');

    const one: number[] = [];
    for (let i = 0; i < 200; i++) {
      const t = performance.now();
      await ledger.uptime.record([{ probe: `svc-${i % PROBES}`, url: 'https://svc.example/healthz', at: new Date(end + i * MIN).toISOString(), ok: true, status: 200, latencyMs: 20, error: null, tlsDaysLeft: 60 }]);
      one.push(performance.now() - t);
    }
    report('record one result (p99 of 200)', quantile(one, 0.99), 'ms', 50);

    const now = new Date(end + 200 * MIN);
    await ledger.uptime.summary(now);
    const sums: number[] = [];
    for (let i = 0; i < 20; i++) {
      const t = performance.now();
      await ledger.uptime.summary(now);
      sums.push(performance.now() - t);
    }
    // the median: the machine is shared, and a scheduler's stall is not the query's cost
    report(`summary: ${PROBES} probes × 3 windows (median of 20)`, quantile(sums, 0.5), 'ms', 100, `p99 ${quantile(sums, 0.99).toFixed(1)} ms`);

    let t = performance.now();
    const period = await ledger.uptime.period({ from: new Date(start).toISOString(), to: now.toISOString() });
    report(`period: 30 days, ${PROBES} probes (outages ${period.map((p) => p.outages).join('/')})`, performance.now() - t, 'ms', 500);

    t = performance.now();
    const v = await ledger.verify();
    if (!v.ok || v.uptime?.checked !== rows + 200) throw new Error(`verify: ${v.broken?.reason ?? `checked ${v.uptime?.checked}`}`);
    report(`ledger verify (${(rows + 200).toLocaleString('en')} probe results, ${v.uptime.anchors} anchors)`, performance.now() - t, 'ms', 5_000);
  } finally {
    await ledger.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) await benchUptime();
