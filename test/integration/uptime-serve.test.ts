/**
 * `vigil serve` with an `uptime:` section, end to end: the built CLI probes a real health server
 * that the test stops and restarts; the outage becomes a finding and an alert delivered to a real
 * webhook receiver, the recovery fixes it, /metrics shows the probe, and SIGTERM stops it all.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { openLedger } from '../../src/ledger/index.js';
import { vigilSpawn } from '../helpers/cli.js';
import { startHttpReceiver } from '../helpers/notify-receivers.js';
import { freePort } from '../helpers/ports.js';

const home = mkdtempSync(join(tmpdir(), 'vigil-uptime-serve-'));
afterAll(() => rmSync(home, { recursive: true, force: true }));

async function until(what: string, fn: () => boolean | Promise<boolean>, ms = 30_000): Promise<void> {
  const end = Date.now() + ms;
  while (!(await fn())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

async function healthServer(port: number): Promise<() => Promise<void>> {
  const server = http.createServer((_req, res) => res.writeHead(200).end('{"status":"ok"}'));
  await new Promise<void>((r) => server.listen(port, '127.0.0.1', r));
  return async () => {
    server.closeAllConnections();
    await new Promise<void>((r) => server.close(() => r()));
  };
}

describe('vigil serve with uptime probes', () => {
  it('alerts an outage of a stopped server, fixes it when the server is back, and exits on SIGTERM', async () => {
    const hook = await startHttpReceiver();
    const healthPort = await freePort();
    let stopHealth = await healthServer(healthPort);
    writeFileSync(join(home, 'app.sarif'), JSON.stringify({ version: '2.1.0', runs: [] }));
    writeFileSync(
      join(home, 'vigil.yaml'),
      `ledger: ledger.db
targets:
  - name: app
    kind: path
    path: app.sarif
    scanners: [import]
notify:
  webhooks:
    - name: ops
      url: ${hook.url}/hook
uptime:
  every: 0.3s
  failures: 3
  timeout: 5s
  probes:
    - name: health
      url: http://127.0.0.1:${healthPort}/healthz
      body: '"status":"ok"'
`,
    );
    const l = await openLedger(join(home, 'ledger.db'));
    const token = (await l.auth.createToken({ name: 'prom', role: 'ci' }, { actor: 'test' })).secret;
    await l.close();
    const port = await freePort();
    const child = vigilSpawn(['serve', '--port', String(port)], { cwd: home });
    let logs = '';
    child.stdout.on('data', (d) => (logs += d));
    child.stderr.on('data', (d) => (logs += d));
    const exited = new Promise<number | null>((r) => child.on('exit', (code) => r(code)));
    const metric = async () => {
      const r = await fetch(`http://127.0.0.1:${port}/metrics`, { headers: { authorization: `Bearer ${token}` } }).catch(() => undefined);
      return r?.ok ? r.text() : '';
    };
    try {
      await until('the probe up in /metrics', async () => /^vigil_uptime_probe_up\{probe="health"\} 1$/m.test(await metric()));
      expect(logs).toMatch(/uptime: probing 1 health URLs \(health\)/);
      await stopHealth();
      await until('the outage logged', () => /uptime: health \(http:\/\/127\.0\.0\.1:\d+\/healthz\) is down: 3 probes in a row failed since \S+; the last: connection refused/.test(logs));
      await until('the alert', () => hook.requests.some((q) => q.body.includes('uptime-probe-down')));
      const alert = JSON.parse(hook.requests.find((q) => q.body.includes('uptime-probe-down'))!.body) as { event: string; items: { ruleId: string; severity: string; target: string; title: string }[] };
      expect(alert).toMatchObject({ event: 'finding.new', items: [{ ruleId: 'uptime-probe-down', severity: 'high', target: 'health', title: 'Health check health is failing' }] });
      expect(await metric()).toMatch(/^vigil_uptime_probe_up\{probe="health"\} 0$/m);
      stopHealth = await healthServer(healthPort);
      await until('the recovery logged', () => /uptime: health \(http:\/\/127\.0\.0\.1:\d+\/healthz\) is up again/.test(logs));
      child.kill('SIGTERM');
      expect(await exited).toBe(0);
    } finally {
      child.kill('SIGKILL');
      await stopHealth();
      await hook.close();
    }
    // one line per state change, not per probe
    expect(logs.match(/uptime: health/g)!.length).toBeLessThanOrEqual(4);
    const ledger = await openLedger(join(home, 'ledger.db'));
    try {
      const pattern = (await ledger.uptime.results('health', { limit: 10_000 })).reverse().map((r) => (r.ok ? 'u' : 'd')).join('');
      expect(pattern).toMatch(/^u+d{3,}u+$/);
      expect((await ledger.listFindings({ scanner: 'uptime', ruleId: 'uptime-probe-down' })).findings).toMatchObject([{ status: 'fixed', target: 'health' }]);
      const runs = await ledger.listRuns({ trigger: 'uptime:health' });
      expect(runs.length).toBeLessThanOrEqual(3);
      expect((await ledger.verify()).ok).toBe(true);
    } finally {
      await ledger.close();
    }
  }, 90_000);
});
