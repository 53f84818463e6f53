import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AuditProbe } from '../../reports/audit/model.js';
import { gatherAudit } from '../../src/audit/gather.js';
import { makeAuditReport } from '../../src/audit/make.js';
import { loadSigningKey, signingKeyPath } from '../../src/audit/signing-key.js';
import { defaultConfig } from '../../src/config/index.js';
import type { UptimeProbeConfig, VigilConfig } from '../../src/config/types.js';
import { openLedger, type Ledger } from '../../src/ledger/index.js';
import type { ProbeResult } from '../../src/ledger/uptime-store.js';
import { createFinding } from '../../src/model/create.js';
import { runOf } from '../helpers/findings.js';

const MIN = 60_000;
const DAY = 86_400_000;
const T0 = Date.parse('2026-06-01T00:00:00.000Z');
const period = { from: '2026-06-01T00:00:00.000Z', to: '2026-06-08T00:00:00.000Z' };

function probe(name: string, url: string, sloPct: number): UptimeProbeConfig {
  return { name, url, status: ['2xx'], tlsMinDays: 14, everySeconds: 600, failures: 3, sloPct, timeoutSeconds: 10 };
}

/** `count` results every 10 minutes from `start` (+5 min), oldest first; `down(i)` for failures. */
function series(name: string, start: number, count: number, down: (i: number) => boolean): ProbeResult[] {
  return Array.from({ length: count }, (_, i) => ({
    probe: name,
    url: `http://127.0.0.1:8080/${name}`,
    at: new Date(start + 5 * MIN + i * 10 * MIN).toISOString(),
    ok: !down(i),
    status: down(i) ? 503 : 200,
    latencyMs: 30,
    error: down(i) ? 'status 503 (expected 2xx)' : null,
    tlsDaysLeft: null,
  }));
}

function perfRun(at: number, p95: number, breaks: number) {
  const level = (name: string, connections: number) => ({
    level: name,
    connections,
    durationSeconds: 5,
    requests: 4000,
    rps: 800,
    latencyMs: { p50: 5, p95: name === '10x' ? p95 : 12, p99: p95 * 2, max: p95 * 4 },
    errors: 0,
    timeouts: 0,
    non2xx: 0,
    errorRatePct: 0.4,
    meanResponseBytes: 300,
  });
  const data = { perf: { url: 'http://127.0.0.1:8080/', health: { ok: true, status: 200, ms: 2 }, levels: [level('expected', 10), level('10x', 100)], loadGenerator: { sharedCores: true, cores: 2 } } };
  const findings = Array.from({ length: breaks }, (_, i) => ({
    ...createFinding({ scanner: 'perf', ruleId: i ? 'perf-latency-p99' : 'perf-latency-p95', title: 'latency over budget at 10x', severity: 'medium', location: { kind: 'web', url: 'http://127.0.0.1:8080/', method: 'GET', param: '10x' } }),
    target: 'shop-perf',
  }));
  return runOf(findings, [{ scanner: 'perf', target: 'shop-perf', report: { data, lines: [] } }], { startedAt: new Date(at).toISOString() });
}

const pdfText = (file: string) => execFileSync('pdftotext', ['-layout', file, '-'], { encoding: 'utf8' });

describe('the audit report\'s availability section', () => {
  const dir = mkdtempSync(join(tmpdir(), 'vigil-audit-uptime-'));
  const dbFile = join(dir, 'ledger.db');
  let ledger: Ledger;
  const config: VigilConfig = {
    ...defaultConfig(dir),
    uptime: { probes: [probe('shop', 'http://127.0.0.1:8080/shop', 99.9), probe('api', 'http://127.0.0.1:8080/api', 99.5), probe('queue', 'https://bot:s3cret-pw@127.0.0.1:9000/health', 99)] },
  };

  beforeAll(async () => {
    ledger = await openLedger(dbFile);
    // a day before the period (left out), then the 7 days of the period: 1,008 checks each
    // shop: down for 6 checks on day 2 and 2 checks on day 5 → 1,000 of 1,008 up
    await ledger.uptime.record(series('shop', T0 - DAY, 144 + 1008, (i) => i < 10 || (i >= 144 + 300 && i < 144 + 306) || (i >= 144 + 700 && i < 144 + 702)));
    await ledger.uptime.record(series('api', T0, 1008, () => false));
    // a probe no longer in the config
    await ledger.uptime.record(series('legacy', T0 + 2 * DAY, 6, () => false));
    // after the period: left out
    await ledger.uptime.record(series('shop', T0 + 8 * DAY, 10, () => true));

    await ledger.ingest(perfRun(T0 + 1 * DAY, 1800, 2));
    await ledger.ingest(perfRun(T0 + 6 * DAY, 210, 0));
    await ledger.ingest(perfRun(T0 + 9 * DAY, 5000, 2)); // after the period
    // a target whose health check failed: the scanner skipped the load and stored no level
    const broken = runOf([], [{ scanner: 'perf', target: 'broken-perf', report: { data: { perf: { url: 'http://127.0.0.1:8081/', health: { ok: false, status: 503, ms: 4 }, levels: [], loadGenerator: { sharedCores: true, cores: 2 } } }, lines: [] } }], { startedAt: new Date(T0 + 3 * DAY).toISOString() });
    await ledger.ingest(broken);
  });
  afterAll(async () => {
    await ledger.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('gathers each probe\'s checks, availability against its SLO, outages and chain head for the period', async () => {
    const key = await loadSigningKey(ledger, signingKeyPath(ledger, dbFile, null), { create: true, actor: 'test' });
    const r = await gatherAudit(ledger, config, { period, now: new Date(T0 + 10 * DAY), key });
    const a = r.availability;
    expect(a.configured).toEqual(['shop', 'api', 'queue']);
    const by = (n: string) => a.probes.find((p) => p.probe === n) as AuditProbe;
    expect(a.probes.map((p) => p.probe)).toEqual(['api', 'legacy', 'queue', 'shop']);
    expect(by('shop')).toMatchObject({ checks: 1008, up: 1000, outages: 2, sloPct: 99.9, verdict: 'breached', configured: true });
    expect(by('shop').availabilityPct).toBeCloseTo((1000 / 1008) * 100, 6);
    // the longest outage is the 6-check one: 50 to 60 minutes, by how the store counts its ends
    expect(by('shop').longestOutageMinutes).toBeGreaterThanOrEqual(50);
    expect(by('shop').longestOutageMinutes).toBeLessThanOrEqual(60);
    expect(by('api')).toMatchObject({ checks: 1008, up: 1008, availabilityPct: 100, outages: 0, sloPct: 99.5, verdict: 'met' });
    expect(by('queue')).toMatchObject({ checks: 0, availabilityPct: null, verdict: 'no-data', chainHead: null, url: 'https://bot:***@127.0.0.1:9000/health' });
    expect(by('legacy')).toMatchObject({ checks: 6, configured: false, sloPct: 99.9, verdict: 'met' });
    for (const n of ['shop', 'api', 'legacy']) expect(by(n).chainHead).toMatch(/^[0-9a-f]{64}$/);
    // api's last row in the period is its last row of all: the head its uptime.anchor event holds in the main chain
    const anchors = (await ledger.eventsOfType(['uptime.anchor'])).map((e) => e.data as { probe: string; head: string });
    expect(anchors.filter((x) => x.probe === 'api').map((x) => x.head)).toContain(by('api').chainHead);
    expect(a.perf).toEqual([
      expect.objectContaining({ target: 'broken-perf', p95Ms: null, verdict: 'not measured', healthOk: false }),
      expect.objectContaining({ target: 'shop-perf', p95Ms: 210, connections: 100, errorRatePct: 0.4, breaks: 0, verdict: 'within budget', healthOk: true, sharedCores: true }),
    ]);
    expect(r.summary).toContain('4 uptime probes: 2 met their availability SLO in the period, 1 breached it, 1 made no check.');
  });

  it('prints them in the signed PDF: the table, the breach, the absent probe, the chain heads and the perf budget line', async () => {
    const out = join(dir, 'audit.pdf');
    const made = await makeAuditReport(ledger, config, { period, format: 'pdf', ledgerLocation: dbFile, actor: 'test', now: new Date(T0 + 10 * DAY), output: out });
    const text = pdfText(out);
    const section = text.slice(text.indexOf('Availability\n'), text.indexOf('Appendix: open findings'));
    expect(section).toContain('4 uptime probes in the period: 2 met their availability SLO, 1 breached it, 1 made no check.');
    const line = (name: string) => section.split('\n').find((l) => new RegExp(`^\\s*${name}\\b`).test(l)) ?? '';
    expect(line('shop')).toMatch(/1008\s+99\.206 %\s+99\.9 %\s+BREACHED\s+2\s+/);
    expect(line('api')).toMatch(/1008\s+100\.000 %\s+99\.5 %\s+met\s+0\s+–/);
    expect(line('queue')).toMatch(/0\s+–\s+99 %\s+no checks/);
    expect(line('legacy')).toMatch(/legacy \(no\s.*\s6\s+100\.000 %\s+99\.9 %\s+met\s/);
    expect(section).toMatch(/longer\s+\(default\)/);
    const heads = made.report.availability.probes.filter((p) => p.chainHead).map((p) => p.chainHead!);
    expect(heads).toHaveLength(3);
    for (const h of heads) expect(section.replace(/\s+/g, '')).toContain(h);
    expect(section).toContain('no result in the period');
    expect(section).toContain('Performance budgets');
    const flat = section.replace(/\s+/g, ' ');
    const shopRun = made.report.availability.perf.find((p) => p.target === 'shop-perf')!.runId;
    expect(flat).toContain(`shop-perf: p95 210 ms at 100 connections, errors 0.4 % — within budget. Run ${shopRun}, 2026-06-07 00:00 UTC.`);
    expect(section).toContain('shared its cores with the server');
    expect(flat).toContain('broken-perf: no load figures — not measured: the health check failed, so the load was not run.');
    // ledger verify recomputed every probe chain, and the Integrity section says so
    expect(text.replace(/\s+/g, ' ')).toContain('2176 uptime probe results recomputed over 3 probe chains');
    expect(text).not.toContain('s3cret-pw');
    // still a sound, tagged PDF with every font embedded
    expect(execFileSync('qpdf', ['--check', out], { encoding: 'utf8' })).toMatch(/No syntax or stream encoding errors/);
    for (const font of execFileSync('pdffonts', [out], { encoding: 'utf8' }).split('\n').slice(2).filter(Boolean)) expect(font).toMatch(/\syes\s+yes\s+yes\s/);
    expect(execFileSync('pdfinfo', ['-struct', out], { encoding: 'utf8' })).toContain('Sect');
    expect(text).not.toContain('5000 ms');
  });
});

describe('the audit report without uptime probes', () => {
  const dir = mkdtempSync(join(tmpdir(), 'vigil-audit-noprobe-'));
  const dbFile = join(dir, 'ledger.db');
  let ledger: Ledger;

  beforeAll(async () => {
    ledger = await openLedger(dbFile);
  });
  afterAll(async () => {
    await ledger.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('says in one line that availability was not measured, and that no perf scan ran', async () => {
    const out = join(dir, 'audit.pdf');
    const made = await makeAuditReport(ledger, defaultConfig(dir), { period, format: 'pdf', ledgerLocation: dbFile, actor: 'test', now: new Date(T0 + 10 * DAY), output: out });
    expect(made.report.availability).toEqual({ configured: [], probes: [], perf: [] });
    const text = pdfText(out).replace(/\s+/g, ' ');
    expect(text).toContain('Availability No uptime probes are configured (vigil.yaml has no uptime probes) and the ledger holds no probe results for the period, so availability was not measured.');
    expect(text).toContain('No perf scan ran in the period, so no performance budget was checked.');
  });
});
