import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openLedger, type Ledger } from '../../src/ledger/index.js';
import { buildServer } from '../../src/server/index.js';
import { createServerLogger, humanLine, humanStream } from '../../src/server/log.js';
import { createMetrics, type ServerMetrics } from '../../src/server/metrics.js';
import { LogCapture } from '../helpers/api.js';
import { vigilSpawn } from '../helpers/cli.js';
import { freePort } from '../helpers/ports.js';
import { sarifLog } from '../helpers/sarif.js';
import { fileFinding, runOf } from '../helpers/findings.js';

const dir = mkdtempSync(join(tmpdir(), 'vigil-observe-'));
const location = join(dir, 'ledger.db');
let ledger: Ledger;
let metrics: ServerMetrics;
let app: FastifyInstance;
let secret: string;
const logs = new LogCapture();

beforeAll(async () => {
  ledger = await openLedger(location);
  secret = (await ledger.auth.createToken({ name: 'ops-bot', role: 'auditor' }, { actor: 'test' })).secret;
  metrics = createMetrics(ledger, { processMetrics: false, ledgerFile: location });
  app = buildServer({ ledger, version: 'test', schedules: () => [], ledgerLocation: location, logger: createServerLogger({ level: 'debug', stream: logs }), metrics });
  await app.ready();
});
afterAll(async () => {
  await app.close();
  await ledger.close();
  rmSync(dir, { recursive: true, force: true });
});

const auth = () => ({ authorization: `Bearer ${secret}` });

describe('/metrics', () => {
  it('has request durations by route pattern, scan durations, scheduler lag, findings, ledger size', async () => {
    // a scheduled run, due 90 s before it started, with a part that took 12 s
    const started = new Date(Date.now() - 60_000);
    const result = runOf(
      [fileFinding(1, { severity: 'high' }), fileFinding(2, { severity: 'critical' })],
      [{ scanner: 'import', startedAt: started.toISOString(), finishedAt: new Date(started.getTime() + 12_000).toISOString() }],
      { trigger: 'schedule:nightly', startedAt: started.toISOString() },
    );
    await ledger.ingest(result);
    metrics.observeRun(result, { due: new Date(started.getTime() - 90_000) });
    const listed = await app.inject({ url: '/api/findings?severity=high', headers: auth() });
    expect(listed.statusCode).toBe(200);
    const id = (listed.json() as { findings: { id: number }[] }).findings[0]!.id;
    expect((await app.inject({ url: `/api/findings/${id}`, headers: auth() })).statusCode).toBe(200);
    expect((await app.inject({ url: '/api/findings/999999', headers: auth() })).statusCode).toBe(404);
    expect((await app.inject({ url: '/no/such/path?x=1' })).statusCode).toBe(404);

    const r = await app.inject({ url: '/metrics', headers: auth() });
    expect(r.statusCode).toBe(200);
    const text = r.body;
    expect(text).toMatch(/^vigil_http_request_duration_seconds_count\{route="\/api\/findings",method="GET",status_code="200"\} 1$/m);
    // the pattern, never the id or a raw URL
    expect(text).toMatch(/^vigil_http_request_duration_seconds_count\{route="\/api\/findings\/:id",method="GET",status_code="200"\} 1$/m);
    expect(text).toMatch(/^vigil_http_request_duration_seconds_count\{route="\/api\/findings\/:id",method="GET",status_code="404"\} 1$/m);
    expect(text).toMatch(/^vigil_http_request_duration_seconds_count\{route="unmatched",method="GET",status_code="404"\} 1$/m);
    expect(text).not.toContain('findings/999999');
    expect(text).not.toContain('/no/such/path');
    expect(text).toMatch(/^vigil_scan_duration_seconds_sum\{scanner="import",status="complete"\} 12$/m);
    expect(text).toMatch(/^vigil_scan_duration_seconds_bucket\{le="10",scanner="import",status="complete"\} 0$/m);
    expect(text).toMatch(/^vigil_scan_duration_seconds_bucket\{le="30",scanner="import",status="complete"\} 1$/m);
    expect(text).toMatch(/^vigil_runs_total\{trigger="schedule",status="complete"\} 1$/m);
    expect(text).toMatch(/^vigil_scheduler_lag_seconds_sum\{schedule="nightly"\} 90$/m);
    expect(text).toMatch(/^vigil_findings\{severity="high",status="open"\} 1$/m);
    expect(text).toMatch(/^vigil_findings\{severity="critical",status="open"\} 1$/m);
    expect(text).toMatch(/^vigil_findings\{severity="low",status="fixed"\} 0$/m);
    const events = Number(/^vigil_ledger_events (\d+)$/m.exec(text)?.[1]);
    expect(events).toBe((await ledger.head()).seq);
    expect(Number(/^vigil_ledger_file_bytes (\d+)$/m.exec(text)?.[1])).toBeGreaterThan(4096);
    for (const line of text.split('\n').filter((l) => l && !l.startsWith('#'))) expect(line).toMatch(/^vigil_/);
  });

  it('findingCounts (the gauge\'s source) keeps its order: by severity, then status', async () => {
    const counts = await ledger.findingCounts();
    const keys = counts.map((c) => `${c.severity}/${c.status}`);
    expect(keys).toEqual([...keys].sort());
    expect(counts.reduce((n, c) => n + c.count, 0)).toBe(2);
  });
});

describe('request ids and logs', () => {
  it('echoes a safe x-request-id and logs every request line with it', async () => {
    const r = await app.inject({ url: '/api/findings', headers: { ...auth(), 'x-request-id': 'ci-run.42:abc_DEF-1' } });
    expect(r.statusCode).toBe(200);
    expect(r.headers['x-request-id']).toBe('ci-run.42:abc_DEF-1');
    const mine = logs.lines.map((l) => JSON.parse(l) as { reqId?: string; msg: string }).filter((l) => l.reqId === 'ci-run.42:abc_DEF-1');
    expect(mine.map((l) => l.msg)).toEqual(expect.arrayContaining(['incoming request', 'request completed']));
  });

  it('replaces an unsafe or missing x-request-id with a fresh UUID, also on errors', async () => {
    const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
    for (const given of ['evil id"}\u0007', 'x'.repeat(200), undefined]) {
      const r = await app.inject({ url: '/api/findings', headers: given === undefined ? {} : { 'x-request-id': given } });
      expect(r.statusCode).toBe(401);
      expect(r.headers['x-request-id']).toMatch(uuid);
    }
    const a = await app.inject({ url: '/healthz' });
    const b = await app.inject({ url: '/healthz' });
    expect(a.headers['x-request-id']).not.toBe(b.headers['x-request-id']);
  });

  it('every line about a request has its id, and no token appears in any line', async () => {
    await app.inject({ url: `/api/findings?token=${secret}`, headers: auth() });
    await app.inject({ url: '/api/findings', headers: { authorization: `Bearer ${secret}x` } });
    for (const line of logs.lines) {
      const o = JSON.parse(line) as { reqId?: string; req?: unknown; res?: unknown };
      if (o.req || o.res) expect(o.reqId).toBeTruthy();
    }
    expect(logs.text).not.toContain(secret);
    expect(logs.text).not.toContain(secret.slice(4));
    expect(logs.text).toContain('[REDACTED]');
  });
});

describe('human-readable lines', () => {
  it('formats a pino line as HH:MM:SS level message with the request parts', () => {
    const time = new Date(2026, 11, 7, 9, 5, 3).getTime();
    expect(humanLine(JSON.stringify({ level: 30, time, msg: 'request completed', reqId: 'r1', res: { statusCode: 200 }, responseTime: 3.25 }))).toBe(
      '09:05:03 info  request completed 200 3.3 ms [r1]\n',
    );
    expect(humanLine(JSON.stringify({ level: 40, time, msg: 'incoming request', reqId: 'r2', req: { method: 'GET', url: '/api/findings' } }))).toBe(
      '09:05:03 warn  incoming request GET /api/findings [r2]\n',
    );
    expect(humanLine('not json')).toBe('not json\n');
  });

  it('a logger on the human stream still redacts tokens', () => {
    const out: string[] = [];
    const sink = new Writable({ write: (c: Buffer, _e, done) => (out.push(c.toString()), done()) });
    const log = createServerLogger({ stream: humanStream(sink) });
    log.info({ req: { method: 'GET', url: '/x?t=vgl_abcdefghijkl' } }, 'incoming request');
    expect(out.join('')).toMatch(/^\d\d:\d\d:\d\d info {2}incoming request GET \/x\?t=vgl_\[REDACTED\]\n$/);
  });
});

describe('vigil serve', () => {
  it('its runs feed the scan metrics; piped, its log lines are JSON with request ids', async () => {
    const home = mkdtempSync(join(tmpdir(), 'vigil-observe-serve-'));
    try {
      writeFileSync(join(home, 'app.sarif'), sarifLog([{ rule: 'js/xss', level: 'error', file: 'a.js', line: 1, snippet: 'x.innerHTML = y' }]));
      writeFileSync(
        join(home, 'vigil.yaml'),
        'ledger: ledger.db\ntargets:\n  - name: app\n    kind: path\n    path: app.sarif\n    scanners: [import]\nschedules:\n  - name: hourly\n    cron: "0 * * * *"\n    runOnStart: true\n',
      );
      const l = await openLedger(join(home, 'ledger.db'));
      const token = (await l.auth.createToken({ name: 'prom', role: 'ci' }, { actor: 'test' })).secret;
      await l.close();
      const port = await freePort();
      const child = vigilSpawn(['serve', '--port', String(port)], { cwd: home, env: { NODE_ENV: undefined } });
      let out = '';
      child.stdout.on('data', (d) => (out += d));
      child.stderr.on('data', (d) => (out += d));
      try {
        for (let i = 0; i < 300 && !/run start:hourly complete/.test(out); i++) await new Promise((r) => setTimeout(r, 100));
        const r = await fetch(`http://127.0.0.1:${port}/metrics`, { headers: { authorization: `Bearer ${token}`, 'x-request-id': 'scrape-1' } });
        expect(r.headers.get('x-request-id')).toBe('scrape-1');
        const text = await r.text();
        expect(text).toMatch(/^vigil_scan_duration_seconds_count\{scanner="import",status="complete"\} 1$/m);
        expect(text).toMatch(/^vigil_runs_total\{trigger="start",status="complete"\} 1$/m);
        expect(text).toMatch(/^vigil_findings\{severity="high",status="open"\} 1$/m);
        expect(text).toMatch(/^vigil_ledger_file_bytes \d+$/m);
        // a start-up run was not due at a cron time: no lag observed
        expect(text).not.toMatch(/^vigil_scheduler_lag_seconds_count/m);
        const exited = new Promise<number | null>((res) => child.on('exit', (code) => res(code)));
        child.kill('SIGTERM');
        expect(await exited).toBe(0);
        const lines = out.split('\n').filter((x) => x.startsWith('{')).map((x) => JSON.parse(x) as { reqId?: string; msg: string });
        expect(lines.filter((x) => x.reqId === 'scrape-1').map((x) => x.msg)).toEqual(expect.arrayContaining(['incoming request', 'request completed']));
        expect(out).not.toContain(token);
      } finally {
        child.kill('SIGKILL');
      }
    } finally {
      rmSync(home, { recursive: true, force: true });
    }
  }, 60_000);
});
