import { afterEach, describe, expect, it } from 'vitest';
import type { SentryConfig } from '../../../src/config/types.js';
import { incidentAlert, makeAlert } from '../../../src/notify/alert.js';
import type { DeliveryError } from '../../../src/notify/channel.js';
import { SentryChannel } from '../../../src/notify/sentry.js';
import { memoryLogger, startSentryReceiver, type SentryReceiver } from '../../helpers/notify-receivers.js';

const FAST = { baseMs: 5, maxMs: 20 };
const TOKEN = 'xoxb-1234567890-abcdefghij';

const receivers: SentryReceiver[] = [];
const channels: SentryChannel[] = [];
afterEach(async () => {
  await Promise.all(channels.splice(0).map((c) => c.close()));
  await Promise.all(receivers.splice(0).map((r) => r.close()));
});

function channel(dsn: string, over: Partial<SentryConfig> = {}, opts: ConstructorParameters<typeof SentryChannel>[1] = {}): SentryChannel {
  const c = new SentryChannel({ dsn, errors: true, events: ['finding.new', 'incident.escalated'], minSeverity: 'critical', environment: 'test', ...over }, { backoff: FAST, ...opts });
  channels.push(c);
  return c;
}

async function send(c: SentryChannel, a = findingAlert()) {
  const logger = memoryLogger();
  try {
    await c.send(a, { signal: new AbortController().signal, logger });
    return { logger, error: undefined };
  } catch (e) {
    return { logger, error: e as DeliveryError };
  }
}

function findingAlert() {
  return makeAlert(
    'finding.new',
    [
      {
        key: 'finding.new:api:fp-77',
        severity: 'critical',
        title: `Slack token ${TOKEN} in config`,
        target: 'api',
        scanner: 'code',
        ruleId: 'secrets/slack-token',
        location: 'src/config.ts:3',
        findingId: 77,
        fingerprint: 'fp-77',
        cwe: ['CWE-798'],
      },
    ],
    { runId: 'run-5', trigger: 'cli' },
  );
}

describe('Sentry channel against a local envelope endpoint', () => {
  it('sends a critical finding as an event: message, level, tags, fingerprint and context, secrets redacted', async () => {
    const r = await startSentryReceiver();
    receivers.push(r);
    const { error, logger } = await send(channel(r.dsn));
    expect(error).toBeUndefined();
    const envelopes = r.requests.filter((q) => q.url.startsWith('/api/42/envelope/'));
    expect(envelopes).toHaveLength(1);
    const [event] = r.events();
    expect(event).toMatchObject({
      level: 'fatal',
      environment: 'test',
      release: 'vigil@0.1.0',
      fingerprint: ['vigil', 'finding.new', 'finding.new:api:fp-77'],
      tags: {
        'vigil.event': 'finding.new',
        'vigil.severity': 'critical',
        'vigil.target': 'api',
        'vigil.scanner': 'code',
        'vigil.rule': 'secrets/slack-token',
        'vigil.trigger': 'cli',
      },
      contexts: { vigil: { findingId: 77, location: 'src/config.ts:3', runId: 'run-5', cwe: ['CWE-798'] } },
    });
    const message = (event!.message as string | { formatted?: string }) ?? '';
    const text = typeof message === 'string' ? message : (message.formatted ?? '');
    expect(text).toContain('[critical] #77 Slack token xoxb…[redacted] in config (secrets/slack-token)');
    expect(JSON.stringify(r.requests.map((q) => q.body))).not.toContain(TOKEN);
    expect(logger.lines.some((l) => l.includes(`sentry (127.0.0.1:${r.port})`) && l.includes('delivered: 1 event(s)'))).toBe(true);
  });

  it('an incident escalation is an event with the incident tag', async () => {
    const r = await startSentryReceiver();
    receivers.push(r);
    const a = incidentAlert({ id: 'INC-3', title: 'Personal data breach', severity: 'high', level: 2, reason: 'GDPR Art. 33 clock: 12 h left', runbook: 'gdpr-breach' });
    expect((await send(channel(r.dsn), a)).error).toBeUndefined();
    expect(r.events()).toMatchObject([
      { level: 'error', tags: { 'vigil.event': 'incident.escalated', 'vigil.incident': 'INC-3' }, fingerprint: ['vigil', 'incident.escalated', 'incident.escalated:INC-3:2'] },
    ]);
  });

  it('retries when the endpoint answers 500, and fails when it never accepts', async () => {
    const r = await startSentryReceiver((n) => (n < 1 ? 500 : 200));
    receivers.push(r);
    const ok = await send(channel(r.dsn));
    expect(ok.error).toBeUndefined();
    expect(r.requests.filter((q) => q.url.startsWith('/api/42/envelope/'))).toHaveLength(2);
    expect(r.events()).toHaveLength(1);
    expect(ok.logger.lines.some((l) => /attempt 1\/3 failed: HTTP 500/.test(l))).toBe(true);

    const down = await startSentryReceiver(() => 503);
    receivers.push(down);
    const bad = await send(channel(down.dsn, {}, { attempts: 2 }));
    expect(bad.error).toMatchObject({ retryable: true, attempts: 2 });
    expect(down.events()).toHaveLength(0);
  });

  it('reads the DSN from SENTRY_DSN when the config has none', async () => {
    const r = await startSentryReceiver();
    receivers.push(r);
    const c = new SentryChannel({ errors: true, events: ['finding.new'], minSeverity: 'critical' }, { env: { SENTRY_DSN: r.dsn }, backoff: FAST });
    channels.push(c);
    expect((await send(c)).error).toBeUndefined();
    expect(r.events()).toHaveLength(1);
  });
});
