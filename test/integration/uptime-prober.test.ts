/**
 * The prober against a real HTTP server that is stopped and restarted during the test, on both
 * ledger stores: every result recorded, one run per state change (never per probe), the
 * uptime-probe-down finding opened after N failures in a row and fixed by the first success,
 * state picked up again by a restarted prober, and only the leader probing.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { UptimeProbeConfig } from '../../src/config/types.js';
import { openLedger, type IngestSummary, type Ledger, type ProbeResult } from '../../src/ledger/index.js';
import type { RunResult } from '../../src/model/run.js';
import { Prober, retireRemovedProbes } from '../../src/uptime/prober.js';
import { probeRun } from '../../src/uptime/findings.js';
import { stores } from '../helpers/ledger-stores.js';
import { memoryLogger } from '../helpers/notify-receivers.js';

/** A health endpoint on a fixed port that can be stopped and started again. */
class Health {
  private server: http.Server | undefined;
  port = 0;
  async start(): Promise<void> {
    const server = http.createServer((_req, res) => res.writeHead(200, { 'content-type': 'application/json' }).end('{"status":"ok"}'));
    await new Promise<void>((r) => server.listen(this.port, '127.0.0.1', r));
    this.port = (server.address() as AddressInfo).port;
    this.server = server;
  }
  async stop(): Promise<void> {
    const s = this.server;
    this.server = undefined;
    if (!s) return;
    s.closeAllConnections();
    await new Promise<void>((r) => s.close(() => r()));
  }
}

async function until<T>(what: string, fn: () => T | undefined | Promise<T | undefined>, ms = 20_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await fn();
    if (v !== undefined && v !== false) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

function probeConfig(port: number, over: Partial<UptimeProbeConfig> = {}): UptimeProbeConfig {
  return { name: 'health', url: `http://127.0.0.1:${port}/healthz`, status: ['2xx'], body: '"status":"ok"', tlsMinDays: 14, everySeconds: 0.2, failures: 3, sloPct: 99.9, timeoutSeconds: 5, ...over };
}

/** A prober whose results and ingested runs the test can watch. */
function watched(ledger: Ledger, probes: UptimeProbeConfig[], isLeader?: () => boolean) {
  const results: ProbeResult[] = [];
  const runs: { result: RunResult; summary: IngestSummary }[] = [];
  const logger = memoryLogger();
  const prober = new Prober({
    probes,
    ledger,
    logger,
    ...(isLeader ? { isLeader } : {}),
    onResult: (r) => results.push(r),
    afterIngest: async (result, summary) => {
      runs.push({ result, summary });
    },
  });
  return { prober, results, runs, logger };
}

const rules = (r: RunResult) => r.findings.map((f) => f.ruleId).sort();

describe.each(stores)('the uptime prober ($name)', (store) => {
  let ledger: Ledger;
  let teardown: () => Promise<void>;
  const health = new Health();
  beforeAll(async () => {
    const s = await store.setup();
    teardown = s.teardown;
    ledger = await openLedger(s.location);
    await health.start();
  });
  afterAll(async () => {
    await health.stop();
    await ledger.close();
    await teardown();
  });

  it('records up, down after 3 failures, and up again when the server is restarted, with a run per change', async () => {
    const w = watched(ledger, [probeConfig(health.port)]);
    w.prober.start();
    try {
      await until('two successes', () => w.results.filter((r) => r.ok).length >= 2);
      await health.stop();
      await until('the probe-down run', () => w.runs.find((r) => rules(r.result).includes('uptime-probe-down')));
      await health.start();
      await until('the run after recovery', () => w.results.at(-1)?.ok && w.runs.length >= 3 && !rules(w.runs.at(-1)!.result).includes('uptime-probe-down'));
    } finally {
      await w.prober.stop();
    }
    // every result is in the ledger, in order: up, then at least 3 failures, then up
    const stored = (await ledger.uptime.results('health', { limit: 10_000 })).reverse();
    expect(stored).toEqual(w.results);
    const pattern = stored.map((r) => (r.ok ? 'u' : 'd')).join('');
    expect(pattern).toMatch(/^u{2,}d{3,}u+$/);
    expect(stored.find((r) => !r.ok)!.error).toBe('connection refused');

    // one run per change: the first failure breaks the SLO, the third opens the outage, the first success closes it
    expect(w.runs.map((r) => rules(r.result))).toEqual([['uptime-slo-breach'], ['uptime-probe-down', 'uptime-slo-breach'], ['uptime-slo-breach']]);
    expect(w.runs.map((r) => r.result.run.trigger)).toEqual(['uptime:health', 'uptime:health', 'uptime:health']);
    expect(w.runs.map((r) => [r.summary.new, r.summary.fixed])).toEqual([[1, 0], [1, 0], [0, 1]]);
    const down = (await ledger.listFindings({ scanner: 'uptime', ruleId: 'uptime-probe-down' })).findings;
    expect(down).toHaveLength(1);
    expect(down[0]).toMatchObject({ status: 'fixed', target: 'health', severity: 'high', location: { kind: 'web', url: `http://127.0.0.1:${health.port}/healthz`, method: 'GET' } });
    expect(down[0]!.evidence).toMatch(/^3 probes in a row failed since \S+; the last: connection refused$/);
    const slo = (await ledger.listFindings({ scanner: 'uptime', ruleId: 'uptime-slo-breach' })).findings;
    expect(slo).toMatchObject([{ status: 'open', severity: 'medium' }]);
    // one line per state change, none per probe
    expect(w.logger.lines.filter((l) => /uptime: health/.test(l))).toHaveLength(3);
    expect((await ledger.verify()).ok).toBe(true);
  });

  it('picks up an open outage after a restart of the prober, and fixes it at the first success', async () => {
    await health.stop();
    const a = watched(ledger, [probeConfig(health.port)]);
    a.prober.start();
    try {
      await until('the probe-down run', () => a.runs.find((r) => rules(r.result).includes('uptime-probe-down')));
    } finally {
      await a.prober.stop();
    }
    const reopened = (await ledger.listFindings({ scanner: 'uptime', ruleId: 'uptime-probe-down' })).findings;
    expect(reopened).toMatchObject([{ status: 'reopened' }]);

    // a new prober (as after a restart of vigil serve) while it is still down: no new run
    const b = watched(ledger, [probeConfig(health.port)]);
    b.prober.start();
    try {
      await until('two more failures', () => b.results.length >= 2);
      expect(b.runs).toEqual([]);
      await health.start();
      await until('the run after recovery', () => b.runs.find((r) => !rules(r.result).includes('uptime-probe-down')));
    } finally {
      await b.prober.stop();
    }
    expect(b.runs).toHaveLength(1);
    const after = (await ledger.listFindings({ scanner: 'uptime', ruleId: 'uptime-probe-down' })).findings;
    expect(after).toMatchObject([{ status: 'fixed', id: reopened[0]!.id }]);
  });

  it('probes only while it leads, and closes the findings of probes no longer configured', async () => {
    let leads = false;
    const w = watched(ledger, [probeConfig(health.port, { name: 'follower' })], () => leads);
    w.prober.start();
    try {
      await new Promise((r) => setTimeout(r, 600));
      expect(w.results).toEqual([]);
      leads = true;
      await until('a result once it leads', () => w.results.length >= 1);
    } finally {
      await w.prober.stop();
    }
    // a probe removed from the config while down
    const url = 'http://127.0.0.1:9/healthz';
    await ledger.ingest(probeRun({ name: 'old', url }, { down: { since: new Date().toISOString(), failures: 3, lastError: 'connection refused' } }, new Date()));
    expect(await retireRemovedProbes(ledger, ['health', 'follower'])).toEqual(['old']);
    expect((await ledger.listFindings({ scanner: 'uptime', target: 'old' })).findings).toMatchObject([{ status: 'fixed' }]);
    expect(await retireRemovedProbes(ledger, ['health', 'follower'])).toEqual([]);
  });
});
