import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import type { NotifyConfig, WebhookConfig } from '../../../src/config/types.js';
import { makeAlert, type Alert } from '../../../src/notify/alert.js';
import { Notifier } from '../../../src/notify/notifier.js';
import { OUTBOX_FILE, type OutboxEntry } from '../../../src/notify/outbox.js';
import { STATE_FILE } from '../../../src/notify/state.js';
import { freePort } from '../../helpers/ports.js';
import { memoryLogger, startHttpReceiver, type HttpReceiver } from '../../helpers/notify-receivers.js';

const FAST = { baseMs: 5, maxMs: 20 };
const root = mkdtempSync(join(tmpdir(), 'vigil-notifier-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
let n = 0;
const freshDir = () => join(root, `case-${n++}`, '.vigil');

const receivers: HttpReceiver[] = [];
afterEach(async () => {
  await Promise.all(receivers.splice(0).map((r) => r.close()));
});

function webhook(name: string, url: string, over: Partial<WebhookConfig> = {}): WebhookConfig {
  return {
    name,
    url,
    format: 'json',
    headers: {},
    attempts: 3,
    timeoutSeconds: 5,
    events: ['finding.new', 'sla.breach', 'scan.failed', 'incident.escalated'],
    minSeverity: 'high',
    ...over,
  };
}

function notifyConfig(webhooks: WebhookConfig[], over: Partial<NotifyConfig> = {}): NotifyConfig {
  return { minSeverity: 'high', dedupeWindowSeconds: 24 * 3600, waitOnExitSeconds: 5, webhooks, ...over };
}

function newFinding(key: string, severity: 'critical' | 'high' | 'medium' = 'critical', title = `Finding ${key}`): Alert {
  return makeAlert('finding.new', [{ key, severity, title, target: 'app', ruleId: 'r1' }]);
}

const bodies = (r: HttpReceiver) => r.requests.map((q) => JSON.parse(q.body) as { event: string; items: { key: string }[] });

describe('Notifier', () => {
  it('suppresses an alert with the same key within the window, also after a restart, and sends it again after the window', async () => {
    const r = await startHttpReceiver();
    receivers.push(r);
    const dir = freshDir();
    let now = new Date('2030-01-01T00:00:00Z');
    const make = (logger = memoryLogger()) => Notifier.create(notifyConfig([webhook('ops', r.url)]), { stateDir: dir, logger, backoff: FAST, now: () => now });

    const first = await make();
    await first.dispatch([newFinding('finding.new:app:a'), newFinding('finding.new:app:b')]);
    await first.close(5_000);
    expect(bodies(r).flatMap((b) => b.items.map((i) => i.key))).toEqual(['finding.new:app:a', 'finding.new:app:b']);
    expect(JSON.parse(readFileSync(join(dir, STATE_FILE), 'utf8'))).toMatchObject({ version: 1, sent: { 'finding.new:app:a': now.toISOString() } });

    // a new process, 23 hours later: a is a duplicate, c is not
    now = new Date('2030-01-01T23:00:00Z');
    const logger = memoryLogger();
    const second = await make(logger);
    await second.dispatch([makeAlert('finding.new', [
      { key: 'finding.new:app:a', severity: 'critical', title: 'again' },
      { key: 'finding.new:app:c', severity: 'high', title: 'new one' },
    ])]);
    const out = await second.close(5_000);
    expect(out).toMatchObject({ delivered: 1, queued: 0, suppressed: 1 });
    expect(bodies(r)[2]!.items.map((i) => i.key)).toEqual(['finding.new:app:c']);
    expect(logger.lines.some((l) => l.includes('1 already alerted within 24 h'))).toBe(true);

    // past the window, a is sent again
    now = new Date('2030-01-02T00:00:01Z');
    const third = await make();
    await third.dispatch([newFinding('finding.new:app:a')]);
    await third.close(5_000);
    expect(bodies(r)).toHaveLength(4);
    expect(bodies(r)[3]!.items.map((i) => i.key)).toEqual(['finding.new:app:a']);
  });

  it('routes by event and minSeverity per channel', async () => {
    const all = await startHttpReceiver();
    const crit = await startHttpReceiver();
    receivers.push(all, crit);
    const notifier = await Notifier.create(
      notifyConfig([webhook('all', all.url), webhook('crit', crit.url, { minSeverity: 'critical', events: ['finding.new'] })]),
      { stateDir: freshDir(), logger: memoryLogger(), backoff: FAST },
    );
    expect(notifier.minSeverity).toBe('high');
    await notifier.dispatch([
      makeAlert('finding.new', [
        { key: 'k1', severity: 'critical', title: 'c' },
        { key: 'k2', severity: 'high', title: 'h' },
      ]),
      makeAlert('scan.failed', [{ key: 'k3', severity: 'high', title: 'tls on web failed' }]),
    ]);
    await notifier.close(5_000);
    expect(bodies(all).map((b) => [b.event, b.items.map((i) => i.key)])).toEqual([
      ['finding.new', ['k1', 'k2']],
      ['scan.failed', ['k3']],
    ]);
    expect(bodies(crit).map((b) => [b.event, b.items.map((i) => i.key)])).toEqual([['finding.new', ['k1']]]);
  });

  it('writes what it cannot deliver to the outbox and delivers it on the next call', async () => {
    const port = await freePort();
    const dir = freshDir();
    const config = notifyConfig([webhook('ops', `http://127.0.0.1:${port}/hook`)]);
    const logger = memoryLogger();
    const down = await Notifier.create(config, { stateDir: dir, logger, backoff: FAST });
    await down.dispatch([newFinding('finding.new:app:x'), makeAlert('sla.breach', [{ key: 'sla.breach:1:d', severity: 'high', title: 'overdue' }])]);
    const out = await down.close(5_000);
    expect(out).toMatchObject({ delivered: 0, queued: 2 });
    const lines = readFileSync(join(dir, OUTBOX_FILE), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as OutboxEntry);
    expect(lines.map((e) => [e.channel, e.alert.event, e.tries])).toEqual([
      ['webhook:ops', 'finding.new', 1],
      ['webhook:ops', 'sla.breach', 1],
    ]);
    expect(lines[0]!.lastError).toMatch(/network error ECONNREFUSED/);
    // the second alert was not tried: the channel had just given up on the first
    expect(lines[1]!.lastError).toMatch(/gave up on an earlier alert/);
    expect(logger.lines.some((l) => l.includes('queued in') && l.includes(OUTBOX_FILE))).toBe(true);

    // the receiver is back: the next run (or serve) delivers the outbox, and empties it
    const r = await startHttpReceiver(undefined, port);
    receivers.push(r);
    const up = await Notifier.create(config, { stateDir: dir, logger: memoryLogger(), backoff: FAST });
    await up.retryOutbox();
    expect(await up.close(5_000)).toMatchObject({ delivered: 2, queued: 0 });
    expect(bodies(r).map((b) => b.event)).toEqual(['finding.new', 'sla.breach']);
    expect(bodies(r)[0]!.items[0]!.key).toBe('finding.new:app:x');
    expect(existsSync(join(dir, OUTBOX_FILE))).toBe(false);
    expect(readdirSync(dir).filter((f) => f.endsWith('.claim'))).toEqual([]);
    // a retry of an alert is not a new alert: dedupe does not hold it back
    expect(await (await Notifier.create(config, { stateDir: dir, logger: memoryLogger() })).close(100)).toMatchObject({ delivered: 0 });
  });

  it('waits at most its exit bound for a receiver that hangs, then queues the alert', async () => {
    const r = await startHttpReceiver(() => 'hang');
    receivers.push(r);
    const dir = freshDir();
    const notifier = await Notifier.create(notifyConfig([webhook('slow', r.url, { timeoutSeconds: 60 })]), { stateDir: dir, logger: memoryLogger(), backoff: FAST });
    void notifier.dispatch([newFinding('finding.new:app:slow')]);
    const out = await notifier.close(300);
    expect(out).toMatchObject({ delivered: 0, queued: 1 });
    expect(r.requests).toHaveLength(1);
    const [entry] = readFileSync(join(dir, OUTBOX_FILE), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as OutboxEntry);
    expect(entry!.alert.items[0]!.key).toBe('finding.new:app:slow');
    expect(entry!.lastError).toMatch(/vigil waited 0 s|not delivered/);
  });

  it('takes over the outbox claim of a process that died, and skips lines a crash cut short', async () => {
    const r = await startHttpReceiver();
    receivers.push(r);
    const dir = freshDir();
    const config = notifyConfig([webhook('ops', r.url)]);
    const entry: OutboxEntry = { v: 1, channel: 'webhook:ops', alert: newFinding('finding.new:app:orphan'), queuedAt: new Date().toISOString(), tries: 1 };
    const gone: OutboxEntry = { v: 1, channel: 'webhook:removed', alert: newFinding('finding.new:app:gone'), queuedAt: new Date().toISOString(), tries: 1 };
    const old: OutboxEntry = { v: 1, channel: 'webhook:ops', alert: newFinding('finding.new:app:old'), queuedAt: '2000-01-01T00:00:00.000Z', tries: 9 };
    const { mkdirSync } = await import('node:fs');
    mkdirSync(dir, { recursive: true });
    // pid 2^22 + 1 is above Linux's pid_max default: no process has it
    writeFileSync(join(dir, `${OUTBOX_FILE}.4194305.abcdef.claim`), `${JSON.stringify(entry)}\n${JSON.stringify(gone)}\n${JSON.stringify(old)}\n{"v":1,"chan`);
    const logger = memoryLogger();
    const notifier = await Notifier.create(config, { stateDir: dir, logger, backoff: FAST });
    await notifier.retryOutbox();
    await notifier.close(5_000);
    expect(bodies(r).map((b) => b.items[0]!.key)).toEqual(['finding.new:app:orphan']);
    expect(readdirSync(dir).filter((f) => f.includes('claim'))).toEqual([]);
    const log = logger.lines.join('\n');
    expect(log).toContain('1 unreadable line(s)');
    expect(log).toContain('no channel webhook:removed in the config any more');
    expect(log).toMatch(/error: notify: dropped alert .* undelivered since 2000-01-01/);
  });

  it('incidentEscalated sends one alert per incident and level', async () => {
    const r = await startHttpReceiver();
    receivers.push(r);
    const notifier = await Notifier.create(notifyConfig([webhook('ops', r.url)]), { stateDir: freshDir(), logger: memoryLogger(), backoff: FAST });
    const incident = { id: 'INC-1', title: 'Data breach', severity: 'critical' as const, level: 1, reason: 'not acknowledged in 30 min' };
    await notifier.incidentEscalated(incident);
    await notifier.incidentEscalated(incident);
    await notifier.incidentEscalated({ ...incident, level: 2 });
    await notifier.close(5_000);
    expect(bodies(r).map((b) => [b.event, b.items[0]!.key])).toEqual([
      ['incident.escalated', 'incident.escalated:INC-1:1'],
      ['incident.escalated', 'incident.escalated:INC-1:2'],
    ]);
  });
});
