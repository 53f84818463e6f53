import { afterEach, describe, expect, it } from 'vitest';
import type { WebhookConfig } from '../../../src/config/types.js';
import { makeAlert, type Alert } from '../../../src/notify/alert.js';
import { DeliveryError } from '../../../src/notify/channel.js';
import { WebhookChannel } from '../../../src/notify/webhook.js';
import { memoryLogger, startHttpReceiver, type HttpReceiver } from '../../helpers/notify-receivers.js';

const FAST = { baseMs: 5, maxMs: 20 };
const TOKEN = 'ghp_0123456789abcdefghijklmnopqrstuvwxyzAB';

function hook(url: string, over: Partial<WebhookConfig> = {}): WebhookConfig {
  return {
    name: 'ops',
    url,
    format: 'json',
    headers: {},
    attempts: 5,
    timeoutSeconds: 5,
    events: ['finding.new', 'sla.breach', 'scan.failed', 'incident.escalated'],
    minSeverity: 'high',
    ...over,
  };
}

function alert(title = 'SQL injection in login'): Alert {
  return makeAlert(
    'finding.new',
    [
      {
        key: 'finding.new:app:fp1',
        severity: 'critical',
        title,
        target: 'app',
        scanner: 'code',
        ruleId: 'js/sql-injection',
        location: 'src/login.ts:12',
        findingId: 7,
      },
    ],
    { runId: 'run-1', trigger: 'cli' },
  );
}

const receivers: HttpReceiver[] = [];
async function receiver(...args: Parameters<typeof startHttpReceiver>): Promise<HttpReceiver> {
  const r = await startHttpReceiver(...args);
  receivers.push(r);
  return r;
}
afterEach(async () => {
  await Promise.all(receivers.splice(0).map((r) => r.close()));
});

async function send(channel: WebhookChannel, a: Alert = alert(), signal = new AbortController().signal) {
  const logger = memoryLogger();
  let error: DeliveryError | undefined;
  try {
    await channel.send(a, { signal, logger });
  } catch (e) {
    error = e as DeliveryError;
  }
  return { logger, error };
}

describe('webhook channel against a real HTTP server', () => {
  it('retries 503s with backoff and delivers on the third attempt', async () => {
    const r = await receiver((_q, n) => (n < 2 ? { status: 503, body: 'busy' } : { status: 200, body: 'ok' }));
    const { error, logger } = await send(new WebhookChannel(hook(`${r.url}/hook`), { backoff: FAST }));
    expect(error).toBeUndefined();
    expect(r.requests).toHaveLength(3);
    // the same payload each time
    expect(new Set(r.requests.map((q) => q.body)).size).toBe(1);
    const body = JSON.parse(r.requests[2]!.body) as Record<string, unknown>;
    expect(body).toMatchObject({ schemaVersion: 1, event: 'finding.new', severity: 'critical', run: { id: 'run-1', trigger: 'cli' } });
    expect(body.items).toMatchObject([{ key: 'finding.new:app:fp1', title: 'SQL injection in login', findingId: 7 }]);
    expect(r.requests[0]!.headers['content-type']).toBe('application/json; charset=utf-8');
    // every attempt's outcome is logged
    expect(logger.lines.filter((l) => /attempt [12]\/5 failed: HTTP 503: busy; retrying/.test(l))).toHaveLength(2);
    expect(logger.lines.some((l) => /delivered: HTTP 200, attempt 3\/5/.test(l))).toBe(true);
  });

  it('does not retry a 400, and says why', async () => {
    const r = await receiver(() => ({ status: 400, body: 'invalid_payload' }));
    const { error } = await send(new WebhookChannel(hook(r.url), { backoff: FAST }));
    expect(r.requests).toHaveLength(1);
    expect(error).toBeInstanceOf(DeliveryError);
    expect(error!.retryable).toBe(false);
    expect(error!.message).toBe('HTTP 400: invalid_payload');
  });

  it('gives up after the configured attempts on 500s and on a 429 honours Retry-After', async () => {
    const r = await receiver(() => ({ status: 500 }));
    const { error } = await send(new WebhookChannel(hook(r.url, { attempts: 3 }), { backoff: FAST }));
    expect(r.requests).toHaveLength(3);
    expect(error).toMatchObject({ retryable: true, attempts: 3 });

    const r2 = await receiver((_q, n) => (n === 0 ? { status: 429, headers: { 'retry-after': '0' } } : { status: 204 }));
    expect((await send(new WebhookChannel(hook(r2.url), { backoff: FAST }))).error).toBeUndefined();
    expect(r2.requests).toHaveLength(2);
  });

  it('retries network errors (nothing listening) until its attempts run out', async () => {
    const r = await receiver();
    const url = r.url;
    await r.close();
    receivers.splice(receivers.indexOf(r), 1);
    const { error, logger } = await send(new WebhookChannel(hook(url, { attempts: 2 }), { backoff: FAST }));
    expect(error).toMatchObject({ retryable: true, attempts: 2 });
    expect(error!.message).toMatch(/network error ECONNREFUSED/);
    expect(logger.lines.filter((l) => l.includes('failed: network error'))).toHaveLength(2);
  });

  it('ends an attempt at its timeout and tries again', async () => {
    const r = await receiver((_q, n) => (n === 0 ? 'hang' : { status: 200 }));
    const { error } = await send(new WebhookChannel(hook(r.url, { timeoutSeconds: 0.3 }), { backoff: FAST }));
    expect(error).toBeUndefined();
    expect(r.requests).toHaveLength(2);
  });

  it('follows a redirect on the same host, never one to another host', async () => {
    const other = await receiver();
    const r = await receiver((q) =>
      q.url === '/old' ? { status: 308, headers: { location: '/new' } } : q.url === '/away' ? { status: 307, headers: { location: `http://localhost:${other.port}/steal` } } : { status: 200 },
    );
    expect((await send(new WebhookChannel(hook(`${r.url}/old`), { backoff: FAST }))).error).toBeUndefined();
    expect(r.requests.map((q) => [q.method, q.url])).toEqual([
      ['POST', '/old'],
      ['POST', '/new'],
    ]);
    expect(r.requests[1]!.body).toBe(r.requests[0]!.body);

    const { error } = await send(new WebhookChannel(hook(`${r.url}/away`, { headers: { authorization: 'Bearer x' } }), { backoff: FAST }));
    expect(error).toMatchObject({ retryable: false });
    expect(error!.message).toMatch(/redirect to another host \(http:\/\/localhost:\d+\) not followed/);
    expect(other.requests).toHaveLength(0);
  });

  it('sends headers read from the environment and never logs their values', async () => {
    const r = await receiver((_q, n) => (n === 0 ? { status: 502 } : { status: 200 }));
    const env = { HOOK_TOKEN: TOKEN, HOOK_PATH: 'T000/B000' };
    const channel = new WebhookChannel(hook(`${r.url}/services/\${HOOK_PATH}`, { headers: { Authorization: 'Bearer ${HOOK_TOKEN}', 'X-Team': 'sec' } }), { env, backoff: FAST });
    const { error, logger } = await send(channel);
    expect(error).toBeUndefined();
    expect(r.requests[1]!.url).toBe('/services/T000/B000');
    expect(r.requests[1]!.headers.authorization).toBe(`Bearer ${TOKEN}`);
    expect(r.requests[1]!.headers['x-team']).toBe('sec');
    const log = logger.lines.join('\n');
    expect(log).toContain(`webhook ops (127.0.0.1:${r.port})`);
    expect(log).not.toContain(TOKEN);
    expect(log).not.toContain('T000/B000');
  });

  it('a variable that is not set fails the delivery without a request, naming the variable', async () => {
    const r = await receiver();
    const { error } = await send(new WebhookChannel(hook(r.url, { headers: { Authorization: 'Bearer ${NOT_SET_ANYWHERE}' } }), { env: {}, backoff: FAST }));
    expect(error).toMatchObject({ retryable: false });
    expect(error!.message).toContain('NOT_SET_ANYWHERE not set');
    expect(r.requests).toHaveLength(0);
  });

  it('format slack posts text and blocks', async () => {
    const r = await receiver();
    await send(new WebhookChannel(hook(r.url, { format: 'slack' }), { backoff: FAST }), alert('XSS <script> & more'));
    const body = JSON.parse(r.requests[0]!.body) as { text: string; blocks: { type: string; text?: { type: string; text: string } }[] };
    expect(Object.keys(body).sort()).toEqual(['blocks', 'text']);
    expect(body.text).toContain('[vigil] 1 new finding (critical)');
    expect(body.blocks.map((b) => b.type)).toEqual(['header', 'section', 'context']);
    expect(body.blocks[0]!.text).toEqual({ type: 'plain_text', text: '[vigil] 1 new finding (critical)', emoji: false });
    expect(body.blocks[1]!.text!.type).toBe('mrkdwn');
    // Slack's mrkdwn needs &, < and > escaped
    expect(body.blocks[1]!.text!.text).toContain('XSS &lt;script&gt; &amp; more');
    expect(body.blocks[1]!.text!.text).toContain('app: src/login.ts:12');
  });

  it('redacts secrets from the payload', async () => {
    const r = await receiver();
    await send(new WebhookChannel(hook(r.url), { backoff: FAST }), alert(`Token ${TOKEN} committed; db postgres://admin:hunter2hunter2@db/x`));
    const body = r.requests[0]!.body;
    expect(body).not.toContain(TOKEN);
    expect(body).not.toContain('hunter2hunter2');
    expect(body).toContain('ghp_…[redacted]');
  });

  it('stops at once when aborted between attempts', async () => {
    const r = await receiver(() => ({ status: 503 }));
    const ac = new AbortController();
    const channel = new WebhookChannel(hook(r.url, { attempts: 10 }), { backoff: { baseMs: 60_000, maxMs: 60_000 } });
    const p = send(channel, alert(), ac.signal);
    while (r.requests.length === 0) await new Promise((res) => setTimeout(res, 10));
    ac.abort(new Error('exiting'));
    const { error } = await p;
    expect(error).toMatchObject({ retryable: true });
    expect(error!.message).toContain('exiting');
    expect(r.requests).toHaveLength(1);
  });
});
