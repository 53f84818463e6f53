import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import https from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { openLedger } from '../../src/ledger/index.js';
import { vigil, vigilSpawn } from '../helpers/cli.js';
import { freePort } from '../helpers/ports.js';
import { sarifLog } from '../helpers/sarif.js';

const dir = mkdtempSync(join(tmpdir(), 'vigil-serve-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function until<T>(fn: () => Promise<T | undefined>, ms: number): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await fn().catch(() => undefined);
    if (v !== undefined) return v;
    if (Date.now() > end) throw new Error('timed out waiting');
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe('vigil serve', () => {
  it('serves /healthz, runs the start-up run into the ledger, and stops on SIGTERM', async () => {
    writeFileSync(join(dir, 'app.sarif'), sarifLog([{ rule: 'js/xss', level: 'error', file: 'a.js', line: 1, snippet: 'x.innerHTML = y' }]));
    writeFileSync(
      join(dir, 'vigil.yaml'),
      'ledger: ledger.db\ntargets:\n  - name: app\n    kind: path\n    path: app.sarif\n    scanners: [import]\nschedules:\n  - name: hourly\n    cron: "0 * * * *"\n    runOnStart: true\n',
    );
    const port = await freePort();
    const child = vigilSpawn(['serve', '--port', String(port)], { cwd: dir });
    let logs = '';
    child.stdout.on('data', (d) => (logs += d));
    child.stderr.on('data', (d) => (logs += d));
    try {
      const health = await until(async () => {
        const r = await fetch(`http://127.0.0.1:${port}/healthz`);
        return r.ok ? ((await r.json()) as { status: string; ledger: { kind: string; events: number }; schedules: { name: string }[] }) : undefined;
      }, 15_000);
      expect(health.status).toBe('ok');
      expect(health.ledger.kind).toBe('sqlite');
      expect(health.schedules.map((s) => s.name)).toEqual(['hourly']);
      await until(async () => (/run start:hourly complete/.test(logs) ? true : undefined), 15_000);
      const exited = new Promise<number | null>((r) => child.on('exit', (code) => r(code)));
      child.kill('SIGTERM');
      expect(await exited).toBe(0);
      const l = await openLedger(join(dir, 'ledger.db'));
      const run = await l.lastRun(['start:hourly']);
      expect(run).toMatchObject({ status: 'complete', parts: [{ scanner: 'import', target: 'app', findings: 1 }] });
      expect((await l.listFindings()).findings[0]!.ruleId).toBe('js/xss');
      await l.close();
    } finally {
      child.kill('SIGKILL');
    }
  }, 40_000);

  it('--demo serves the shop over HTTPS with a local CA it makes, and the start-up run checks it with tls', async () => {
    const demo = mkdtempSync(join(tmpdir(), 'vigil-demo-'));
    const [port, shopPort] = [await freePort(), await freePort()];
    writeFileSync(
      join(demo, 'vigil.yaml'),
      `ledger: ledger.db\ntargets:\n  - name: shop-https\n    kind: host\n    host: localhost:${shopPort}\n    scanners:\n      tls: { ca: .vigil/demo-tls/ca.pem }\nschedules:\n  - name: hourly\n    cron: "0 * * * *"\n    runOnStart: true\n`,
    );
    const child = vigilSpawn(['serve', '--port', String(port), '--demo', String(shopPort)], { cwd: demo });
    let logs = '';
    child.stdout.on('data', (d) => (logs += d));
    child.stderr.on('data', (d) => (logs += d));
    try {
      await until(async () => (/run start:hourly complete/.test(logs) ? true : undefined), 30_000);
      // the shop answers over HTTPS with a certificate from the local CA
      const page = await new Promise<string>((resolve, reject) => {
        https
          .get({ host: '127.0.0.1', port: shopPort, servername: 'localhost', ca: readFileSync(join(demo, '.vigil/demo-tls/ca.pem')) }, (res) => {
            let body = '';
            res.on('data', (d) => (body += d));
            res.on('end', () => resolve(`${res.headers['strict-transport-security']}\n${body}`));
          })
          .on('error', reject);
      });
      expect(page).toMatch(/^max-age=63072000; includeSubDomains\n[\s\S]*vigil demo shop/);
      // the demo's first audit report, signed, in .vigil/reports, its path printed
      const pdf = await until(async () => /audit report: (\S+\.pdf)/.exec(logs)?.[1], 60_000);
      expect(pdf.startsWith(join(demo, '.vigil', 'reports'))).toBe(true);
      expect(readFileSync(pdf).subarray(0, 5).toString()).toBe('%PDF-');
      const exited = new Promise<number | null>((r) => child.on('exit', (code) => r(code)));
      child.kill('SIGTERM');
      expect(await exited).toBe(0);
      const l = await openLedger(join(demo, 'ledger.db'));
      const run = await l.lastRun(['start:hourly']);
      // a well-set-up host: the part completed and found nothing to report
      expect(run).toMatchObject({ status: 'complete', parts: [{ scanner: 'tls', target: 'shop-https', status: 'complete', findings: 0 }] });
      // the schedule as the chain recorded it, the report key and the report itself are events
      expect((await l.eventsOfType(['schedule.changed'])).map((e) => e.data)).toEqual([
        { change: 'added', schedule: { name: 'hourly', cron: '0 * * * *', timezone: null, targets: null, scanners: null } },
      ]);
      expect((await l.eventsOfType(['signing-key.recorded', 'report.generated'])).map((e) => e.type)).toEqual(['signing-key.recorded', 'report.generated']);
      await l.close();
      const v = vigil(['report', 'verify', pdf, '--ledger', join(demo, 'ledger.db')], { cwd: demo });
      expect(v.stdout).toMatch(/^VERIFIED/);
      expect(v.code).toBe(0);
    } finally {
      child.kill('SIGKILL');
      rmSync(demo, { recursive: true, force: true });
    }
  }, 120_000);
});
