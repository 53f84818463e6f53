import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { vigilAsync, vigilSpawn } from '../../helpers/cli.js';
import { startHttpReceiver, startSentryReceiver, type HttpReceiver } from '../../helpers/notify-receivers.js';
import { freePort } from '../../helpers/ports.js';
import { sarifLog } from '../../helpers/sarif.js';

const root = mkdtempSync(join(tmpdir(), 'vigil-notify-cli-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
const HOOK_TOKEN = 'hook-secret-value-0123456789';

interface Posted {
  event: string;
  items: { title: string; ruleId?: string; severity: string; key: string }[];
}
const posted = (r: HttpReceiver) => r.requests.map((q) => JSON.parse(q.body) as Posted);

function config(port: number, extra = ''): string {
  return `ledger: ledger.db
targets:
  - name: app
    kind: path
    path: app.sarif
    scanners: [import]
notify:
  waitOnExit: 1s
  webhooks:
    - name: ops
      url: http://127.0.0.1:${port}/hook
      headers:
        X-Hook-Token: \${HOOK_TOKEN}
${extra}`;
}

describe('vigil scan with notify', () => {
  it('alerts new high findings after ingest, not the same ones again, and queues alerts it cannot deliver for the next run', async () => {
    const dir = join(root, 'scan');
    const { mkdirSync } = await import('node:fs');
    mkdirSync(dir);
    const port = await freePort();
    writeFileSync(join(dir, 'vigil.yaml'), config(port));
    writeFileSync(join(dir, 'app.sarif'), sarifLog([{ rule: 'js/sql-injection', level: 'error', file: 'src/db.js', line: 4, securitySeverity: '9.8' }, { rule: 'js/weak', level: 'note', file: 'a.js', line: 1 }]));
    const env = { HOOK_TOKEN };

    const r = await startHttpReceiver(undefined, port);
    try {
      const first = await vigilAsync(['scan'], { cwd: dir, env });
      expect(first.code, first.stderr).toBe(1);
      // the new critical, and the incident it opened under the fallback runbook (runbooks notify on open)
      expect(posted(r).map((p) => p.event).sort()).toEqual(['finding.new', 'incident.escalated']);
      expect(posted(r).find((p) => p.event === 'finding.new')).toMatchObject({ items: [{ ruleId: 'js/sql-injection', severity: 'critical' }] });
      expect(posted(r).find((p) => p.event === 'incident.escalated')).toMatchObject({ items: [{ title: expect.stringMatching(/^Incident 1 opened: /), severity: 'critical' }] });
      expect(r.requests[0]!.headers['x-hook-token']).toBe(HOOK_TOKEN);
      expect(first.stderr).toMatch(/notify: webhook ops \(127\.0\.0\.1:\d+\) alert .* \(finding\.new\) delivered: HTTP 200/);
      expect(first.stderr).not.toContain(HOOK_TOKEN);

      // nothing new: nothing sent (and no second incident for the same finding)
      const second = await vigilAsync(['scan'], { cwd: dir, env });
      expect(second.code, second.stderr).toBe(1);
      expect(posted(r)).toHaveLength(2);
    } finally {
      await r.close();
    }

    // a new finding while the receiver is down: the scan's result is unchanged, the alert waits in the outbox
    writeFileSync(
      join(dir, 'app.sarif'),
      sarifLog([
        { rule: 'js/sql-injection', level: 'error', file: 'src/db.js', line: 4, securitySeverity: '9.8' },
        { rule: 'js/path-traversal', level: 'error', file: 'src/files.js', line: 9, securitySeverity: '7.5' },
        { rule: 'js/weak', level: 'note', file: 'a.js', line: 1 },
      ]),
    );
    const started = Date.now();
    const third = await vigilAsync(['scan', '--format', 'json'], { cwd: dir, env });
    expect(third.code, third.stderr).toBe(1);
    expect(JSON.parse(third.stdout)).toMatchObject({ summary: { critical: 1, high: 1 } });
    // the wait at exit is bounded (waitOnExit: 1s, plus start-up and the scan)
    expect(Date.now() - started).toBeLessThan(20_000);
    expect(third.stderr).toMatch(/queued in .*notify-outbox\.jsonl/);
    const outbox = join(dir, 'notify-outbox.jsonl');
    expect(existsSync(outbox)).toBe(true);
    const queued = readFileSync(outbox, 'utf8');
    expect(queued).toContain('js/path-traversal');
    expect(queued).not.toContain(HOOK_TOKEN);

    // the receiver is back: the next run delivers the queued alert (and nothing else is new)
    const back = await startHttpReceiver(undefined, port);
    try {
      const fourth = await vigilAsync(['scan'], { cwd: dir, env });
      expect(fourth.code, fourth.stderr).toBe(1);
      expect(posted(back)).toHaveLength(1);
      expect(posted(back)[0]).toMatchObject({ event: 'finding.new', items: [{ ruleId: 'js/path-traversal', severity: 'high' }] });
      expect(existsSync(outbox)).toBe(false);
    } finally {
      await back.close();
    }
    expect(JSON.parse(readFileSync(join(dir, 'notify-state.json'), 'utf8')).sent).toBeTypeOf('object');
  }, 60_000);

  it('a bad notify key stops the scan with exit 2 and the line', async () => {
    const dir = join(root, 'bad');
    const { mkdirSync } = await import('node:fs');
    mkdirSync(dir);
    writeFileSync(join(dir, 'vigil.yaml'), config(1, '      retries: 3\n'));
    writeFileSync(join(dir, 'app.sarif'), sarifLog([]));
    const r = await vigilAsync(['scan'], { cwd: dir });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('VIGIL_ERR_CONFIG_INVALID: vigil.yaml:14:7: notify.webhooks[0]: unknown key "retries" (expected one of: name, url, format, headers, attempts, timeout, events, minSeverity)');
  });
});

describe('Sentry error reporting from the CLI', () => {
  it('sends an exit-3 failure with its stack trace when SENTRY_DSN is set; bad input (exit 2) is not sent', async () => {
    const sentry = await startSentryReceiver();
    try {
      const dir = join(root, 'sentry');
      const { mkdirSync } = await import('node:fs');
      mkdirSync(dir);
      writeFileSync(join(dir, 'bad.db'), 'not a database, not at all');
      const r = await vigilAsync(['findings', 'list', '--ledger', 'bad.db'], { cwd: dir, env: { SENTRY_DSN: sentry.dsn } });
      expect(r.code, r.stderr).toBe(3);
      const [event] = sentry.events();
      expect(event).toBeDefined();
      const ex = (event!.exception as { values: { type: string; value: string; stacktrace?: { frames: { filename?: string; function?: string }[] } }[] }).values.at(-1)!;
      expect(ex.type).toBe('VigilError');
      expect(ex.value).toContain('cannot open SQLite ledger');
      expect(ex.stacktrace!.frames.length).toBeGreaterThan(0);
      expect(ex.stacktrace!.frames.some((f) => (f.filename ?? '').includes('ledger'))).toBe(true);
      expect(event).toMatchObject({ release: 'vigil@0.1.0', tags: { 'vigil.code': 'VIGIL_ERR_LEDGER_UNAVAILABLE' } });

      const usage = await vigilAsync(['scan', 'nope', 'x'], { cwd: dir, env: { SENTRY_DSN: sentry.dsn } });
      expect(usage.code).toBe(2);
      expect(sentry.events()).toHaveLength(1);
    } finally {
      await sentry.close();
    }
  });
});

describe('vigil serve with notify', () => {
  it('alerts a failed scheduled scan part', async () => {
    const dir = join(root, 'serve');
    const { mkdirSync } = await import('node:fs');
    mkdirSync(dir);
    const hook = await startHttpReceiver();
    const closed = await freePort();
    const port = await freePort();
    writeFileSync(
      join(dir, 'vigil.yaml'),
      `ledger: ledger.db
runner:
  timeout: 20s
targets:
  - name: api
    kind: tls
    host: 127.0.0.1:${closed}
    scanners: [tls]
schedules:
  - name: hourly
    cron: "0 * * * *"
    runOnStart: true
notify:
  webhooks:
    - name: ops
      url: ${hook.url}/hook
`,
    );
    const child = vigilSpawn(['serve', '--port', String(port)], { cwd: dir });
    let logs = '';
    child.stdout.on('data', (d) => (logs += d));
    child.stderr.on('data', (d) => (logs += d));
    try {
      const end = Date.now() + 30_000;
      while (!posted(hook).some((p) => p.event === 'scan.failed') && Date.now() < end) await new Promise((r) => setTimeout(r, 100));
      const alert = posted(hook).find((p) => p.event === 'scan.failed');
      expect(alert, logs).toBeDefined();
      expect(alert!.items).toMatchObject([{ key: 'scan.failed:hourly:tls:api', severity: 'high' }]);
      expect(alert!.items[0]!.title).toBe('tls on api failed in run start:hourly');
      const exited = new Promise<number | null>((r) => child.on('exit', (code) => r(code)));
      child.kill('SIGTERM');
      expect(await exited).toBe(0);
    } finally {
      child.kill('SIGKILL');
      await hook.close();
    }
  }, 45_000);
});
