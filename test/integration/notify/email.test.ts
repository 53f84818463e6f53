import { readFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { SMTPServer, type SMTPServerOptions } from 'smtp-server';
import { afterEach, describe, expect, it } from 'vitest';
import type { EmailConfig } from '../../../src/config/types.js';
import { makeAlert } from '../../../src/notify/alert.js';
import type { DeliveryError } from '../../../src/notify/channel.js';
import { EmailChannel } from '../../../src/notify/email.js';
import { memoryLogger } from '../../helpers/notify-receivers.js';
import { makePki } from '../../helpers/tls-pki.js';

const PASSWORD = 'smtp-Pa55word-never-logged';
const TOKEN = 'glpat-abcdefghijklmnopqrstuvwx';
const FAST = { baseMs: 5, maxMs: 20 };

interface Mail {
  from: string;
  to: string[];
  raw: string;
  secure: boolean;
  user?: string;
}

/** A real SMTP receiver on loopback; `reply` may refuse a message (a 451 before a 250). */
async function smtpReceiver(opts: Partial<SMTPServerOptions> & { reply?: (n: number) => Error | undefined } = {}) {
  const mails: Mail[] = [];
  const auths: { user: string; pass: string }[] = [];
  let n = 0;
  const { reply, ...rest } = opts;
  const server = new SMTPServer({
    authOptional: true,
    onAuth(auth, _session, cb) {
      auths.push({ user: auth.username ?? '', pass: auth.password ?? '' });
      if (auth.username === 'vigil' && auth.password === PASSWORD) cb(null, { user: auth.username });
      else cb(new Error('Invalid username or password'));
    },
    onData(stream, session, cb) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        const refusal = reply?.(n++);
        if (refusal) return cb(refusal);
        mails.push({
          from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
          to: session.envelope.rcptTo.map((r) => r.address),
          raw: Buffer.concat(chunks).toString('utf8'),
          secure: session.secure,
          ...(session.user ? { user: String(session.user) } : {}),
        });
        cb(null);
      });
    },
    ...rest,
  });
  server.on('error', () => undefined);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.server.address() as AddressInfo).port;
  servers.push(server);
  return { port, mails, auths };
}

const servers: SMTPServer[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => new Promise<void>((r) => s.close(() => r()))));
});

function config(port: number, over: Partial<EmailConfig> = {}): EmailConfig {
  return {
    host: '127.0.0.1',
    port,
    secure: false,
    starttls: 'never',
    from: 'vigil@example.test',
    to: ['security@example.test', 'oncall@example.test'],
    attempts: 3,
    timeoutSeconds: 5,
    events: ['finding.new', 'sla.breach', 'scan.failed', 'incident.escalated'],
    minSeverity: 'high',
    ...over,
  };
}

const alert = () =>
  makeAlert(
    'sla.breach',
    [
      { key: 'sla.breach:3:2024-01-01', severity: 'high', title: `Hard-coded token ${TOKEN}`, target: 'shop', ruleId: 'secrets/gitlab', location: 'config.js:4', findingId: 3, slaDue: '2024-01-01T00:00:00.000Z' },
      { key: 'sla.breach:4:2024-01-02', severity: 'critical', title: 'Known-vulnerable lodash <4.17.21', target: 'shop', ruleId: 'GHSA-35jh-r3h4-6jhm', location: 'pkg:npm/lodash@4.17.20', findingId: 4, slaDue: '2024-01-02T00:00:00.000Z' },
    ],
    { runId: 'r-9', trigger: 'schedule:nightly' },
  );

async function send(channel: EmailChannel) {
  const logger = memoryLogger();
  try {
    await channel.send(alert(), { signal: new AbortController().signal, logger });
    return { logger, error: undefined };
  } catch (e) {
    return { logger, error: e as DeliveryError };
  }
}

/** The raw message with quoted-printable soft line breaks joined and =XX decoded. */
function decodeQp(raw: string): string {
  const joined = raw.replace(/=\r?\n/g, '');
  const bytes: number[] = [];
  for (let i = 0; i < joined.length; i++) {
    if (joined[i] === '=' && /^[0-9A-F]{2}$/.test(joined.slice(i + 1, i + 3))) {
      bytes.push(parseInt(joined.slice(i + 1, i + 3), 16));
      i += 2;
    } else bytes.push(...Buffer.from(joined[i]!, 'utf8'));
  }
  return Buffer.from(bytes).toString('utf8');
}

describe('e-mail channel against a real SMTP server (smtp-server)', () => {
  it('logs in over STARTTLS (checked against the private CA) and sends a text and HTML message', async () => {
    const pki = makePki();
    const smtp = await smtpReceiver({ key: readFileSync(pki.good.key), cert: readFileSync(pki.good.chain) });
    const env = { SMTP_USER: 'vigil', SMTP_PASSWORD: PASSWORD };
    const channel = new EmailChannel(
      config(smtp.port, { host: 'localhost', starttls: 'required', userEnv: 'SMTP_USER', passwordEnv: 'SMTP_PASSWORD', ca: pki.root.cert }),
      { env, backoff: FAST },
    );
    const { error, logger } = await send(channel);
    expect(error).toBeUndefined();
    expect(smtp.mails).toHaveLength(1);
    const m = smtp.mails[0]!;
    expect(m).toMatchObject({ from: 'vigil@example.test', to: ['security@example.test', 'oncall@example.test'], secure: true, user: 'vigil' });
    const raw = decodeQp(m.raw);
    expect(raw).toMatch(/^Subject: \[vigil\] 2 findings past their SLA \(critical\)\r?$/m);
    expect(raw).toMatch(/^From: vigil@example\.test\r?$/m);
    expect(raw).toMatch(/^To: security@example\.test, oncall@example\.test\r?$/m);
    expect(raw).toMatch(/^X-Vigil-Event: sla\.breach\r?$/m);
    expect(raw).toMatch(/^X-Vigil-Severity: critical\r?$/m);
    expect(raw).toMatch(/^Content-Type: multipart\/alternative;/m);
    expect(raw).toMatch(/^Content-Type: text\/plain/m);
    expect(raw).toMatch(/^Content-Type: text\/html/m);
    // the plain part lists each finding; the HTML part escapes what it shows
    expect(raw).toContain('- [critical] #4 Known-vulnerable lodash <4.17.21 (GHSA-35jh-r3h4-6jhm) — shop: pkg:npm/lodash@4.17.20 (SLA due 2024-01-02)');
    expect(raw).toContain('Known-vulnerable lodash &lt;4.17.21');
    expect(raw).toContain('run schedule:nightly, id r-9');
    // the token in a finding's title never leaves, the password never reaches the log
    expect(raw).not.toContain(TOKEN);
    expect(raw).toContain('glpa…[redacted]');
    expect(logger.lines.join('\n')).not.toContain(PASSWORD);
    expect(logger.lines.some((l) => l.includes(`email to 2 recipients via localhost:${smtp.port}`) && l.includes('delivered: 250'))).toBe(true);
  });

  it('retries a 451 and delivers on the next attempt; a 550 is not retried', async () => {
    const temp = await smtpReceiver({
      disabledCommands: ['STARTTLS'],
      reply: (n) => (n === 0 ? Object.assign(new Error('Try again later'), { responseCode: 451 }) : undefined),
    });
    const r1 = await send(new EmailChannel(config(temp.port), { backoff: FAST }));
    expect(r1.error).toBeUndefined();
    expect(temp.mails).toHaveLength(1);
    expect(r1.logger.lines.some((l) => /attempt 1\/3 failed: SMTP 451/.test(l))).toBe(true);

    let tries = 0;
    const perm = await smtpReceiver({
      disabledCommands: ['STARTTLS'],
      reply: () => {
        tries++;
        return Object.assign(new Error('Mailbox unavailable'), { responseCode: 550 });
      },
    });
    const r2 = await send(new EmailChannel(config(perm.port), { backoff: FAST }));
    expect(r2.error).toMatchObject({ retryable: false });
    expect(r2.error!.message).toMatch(/^SMTP 550/);
    expect(tries).toBe(1);
  });

  it('with starttls required, never sends the password to a server that offers no STARTTLS', async () => {
    const smtp = await smtpReceiver({ disabledCommands: ['STARTTLS'] });
    const env = { SMTP_USER: 'vigil', SMTP_PASSWORD: PASSWORD };
    const { error } = await send(new EmailChannel(config(smtp.port, { starttls: 'required', userEnv: 'SMTP_USER', passwordEnv: 'SMTP_PASSWORD' }), { env, backoff: FAST }));
    expect(error).toBeDefined();
    expect(smtp.auths).toEqual([]);
    expect(smtp.mails).toEqual([]);
  });

  it('a wrong password fails at once, without retries', async () => {
    const pki = makePki();
    const smtp = await smtpReceiver({ key: readFileSync(pki.good.key), cert: readFileSync(pki.good.chain) });
    const env = { SMTP_USER: 'vigil', SMTP_PASSWORD: 'wrong-password' };
    const { error } = await send(
      new EmailChannel(config(smtp.port, { host: 'localhost', starttls: 'required', userEnv: 'SMTP_USER', passwordEnv: 'SMTP_PASSWORD', ca: pki.root.cert }), { env, backoff: FAST }),
    );
    expect(error).toMatchObject({ retryable: false });
    expect(error!.message).toMatch(/^SMTP 535/);
    expect(smtp.auths).toHaveLength(1);
  });
});
