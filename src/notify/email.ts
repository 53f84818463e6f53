import { readFile } from 'node:fs/promises';
import nodemailer from 'nodemailer';
import type { EmailConfig } from '../config/types.js';
import { describeError } from '../errors.js';
import { redactSecrets } from '../util/redact.js';
import { alertSeverity, type Alert } from './alert.js';
import { DeliveryError, type Channel, type SendContext } from './channel.js';
import { abortError, DEFAULT_BACKOFF, withRetries, type RetryPolicy } from './retry.js';
import { alertHtml, alertText, alertTitle } from './render.js';

export interface EmailOptions {
  env?: NodeJS.ProcessEnv;
  backoff?: Pick<RetryPolicy, 'baseMs' | 'maxMs'>;
}

/** nodemailer's error codes for a connection that failed or stalled: worth another try. */
const TRANSIENT_CODES = new Set(['ECONNECTION', 'ETIMEDOUT', 'ESOCKET', 'EDNS', 'ECONNRESET', 'ECONNREFUSED']);

/**
 * Sends each alert as one message (plain text and a simple HTML part) through an SMTP server.
 * TLS is checked against the system's CAs, or the `ca` file; the password comes from the
 * environment variable the config names and is never logged. 4xx SMTP replies and connection
 * failures are retried, 5xx replies and failed logins are not.
 */
export class EmailChannel implements Channel {
  readonly id = 'email';
  readonly routing;
  private readonly env: NodeJS.ProcessEnv;
  private readonly policy: RetryPolicy;

  constructor(
    private readonly config: EmailConfig,
    opts: EmailOptions = {},
  ) {
    this.routing = { events: config.events, minSeverity: config.minSeverity };
    this.env = opts.env ?? process.env;
    this.policy = { attempts: config.attempts, ...(opts.backoff ?? DEFAULT_BACKOFF) };
  }

  async send(alert: Alert, ctx: SendContext): Promise<void> {
    const c = this.config;
    const auth = c.userEnv && c.passwordEnv ? { user: this.envValue(c.userEnv), pass: this.envValue(c.passwordEnv) } : undefined;
    let ca: string | undefined;
    if (c.ca) {
      try {
        ca = await readFile(c.ca, 'utf8');
      } catch (e) {
        throw new DeliveryError(`email: cannot read ca ${c.ca}: ${(e as NodeJS.ErrnoException).code ?? describeError(e)}`, { retryable: false });
      }
    }
    const ms = c.timeoutSeconds * 1000;
    const label = `email to ${c.to.length} recipient${c.to.length === 1 ? '' : 's'} via ${c.host}:${c.port}`;
    // one line: a title from a finding must not add header lines
    const subject = alertTitle(alert).replace(/[\r\n]+/g, ' ');
    await withRetries(
      this.policy,
      ctx.signal,
      async (n) => {
        const transport = nodemailer.createTransport({
          host: c.host,
          port: c.port,
          secure: c.secure,
          requireTLS: !c.secure && c.starttls === 'required',
          ignoreTLS: !c.secure && c.starttls === 'never',
          ...(auth ? { auth } : {}),
          tls: { minVersion: 'TLSv1.2', servername: c.host, ...(ca ? { ca } : {}) },
          connectionTimeout: ms,
          greetingTimeout: ms,
          socketTimeout: ms,
          // the message is built from strings only: no file or URL is ever read into it
          disableFileAccess: true,
          disableUrlAccess: true,
          logger: false,
        });
        const onAbort = () => transport.close();
        ctx.signal.addEventListener('abort', onAbort, { once: true });
        try {
          const aborted = new Promise<never>((_r, reject) => {
            if (ctx.signal.aborted) reject(abortError(ctx.signal));
            ctx.signal.addEventListener('abort', () => reject(abortError(ctx.signal)), { once: true });
          });
          aborted.catch(() => undefined);
          const info = await Promise.race([
            transport.sendMail({
              from: c.from,
              to: c.to,
              subject,
              text: alertText(alert),
              html: alertHtml(alert),
              headers: { 'X-Vigil-Event': alert.event, 'X-Vigil-Alert-Id': alert.id, 'X-Vigil-Severity': alertSeverity(alert) },
              disableFileAccess: true,
              disableUrlAccess: true,
            }),
            aborted,
          ]);
          const reply = redactSecrets(String(info.response ?? '').slice(0, 200));
          ctx.logger.info(`notify: ${label} alert ${alert.id} (${alert.event}) delivered: ${reply}, attempt ${n}/${this.policy.attempts}`);
        } catch (e) {
          if (e instanceof DeliveryError) throw e;
          throw smtpError(e);
        } finally {
          ctx.signal.removeEventListener('abort', onAbort);
          transport.close();
        }
      },
      (n, err, wait) => {
        const next = wait === undefined ? (err.retryable ? 'giving up' : 'not retried') : `retrying in ${(wait / 1000).toFixed(1)} s`;
        ctx.logger.warn(`notify: ${label} alert ${alert.id} (${alert.event}) attempt ${n}/${this.policy.attempts} failed: ${err.message}; ${next}`);
      },
    );
  }

  private envValue(name: string): string {
    const v = this.env[name];
    if (!v) throw new DeliveryError(`email: environment variable ${name} not set`, { retryable: false });
    return v;
  }
}

/** nodemailer's error as a DeliveryError: the SMTP reply code decides whether to retry. */
function smtpError(e: unknown): DeliveryError {
  const err = e as { code?: string; responseCode?: number; response?: string; message?: string };
  const code = typeof err.responseCode === 'number' ? err.responseCode : undefined;
  const what = redactSecrets(String(err.response ?? err.message ?? describeError(e)).replace(/\s+/g, ' ').slice(0, 200));
  if (code !== undefined) return new DeliveryError(`SMTP ${code}: ${what}`, { retryable: code >= 400 && code < 500, cause: e });
  if (err.code === 'EAUTH' || err.code === 'EENVELOPE' || err.code === 'EMESSAGE') {
    return new DeliveryError(`${err.code}: ${what}`, { retryable: false, cause: e });
  }
  return new DeliveryError(`${err.code ?? 'error'}: ${what}`, { retryable: err.code === undefined || TRANSIENT_CODES.has(err.code), cause: e });
}
