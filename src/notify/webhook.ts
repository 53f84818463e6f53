import type { WebhookConfig } from '../config/types.js';
import { describeError } from '../errors.js';
import { redactSecrets } from '../util/redact.js';
import type { Alert } from './alert.js';
import { DeliveryError, type Channel, type SendContext } from './channel.js';
import { expandEnv } from './env.js';
import { alertJson, slackPayload } from './render.js';
import { DEFAULT_BACKOFF, retryAfterMs, withRetries, type RetryPolicy } from './retry.js';

/** Redirects followed, each to the same host only. */
const MAX_REDIRECTS = 3;
/** How much of a refusal's body the log shows (Slack says why in it: `invalid_payload`). */
const BODY_SHOWN = 200;

export interface WebhookOptions {
  env?: NodeJS.ProcessEnv;
  /** Backoff between attempts (tests shorten it); attempts come from the config. */
  backoff?: Pick<RetryPolicy, 'baseMs' | 'maxMs'>;
}

/**
 * POSTs each alert as JSON, or as Slack's `{ text, blocks }` with `format: slack`. 429, 408,
 * 5xx and network errors are retried with backoff (Retry-After honoured); other 4xx are not.
 * A redirect is followed only to the same host (never from https to http); 303 means done.
 */
export class WebhookChannel implements Channel {
  readonly id: string;
  readonly routing;
  private readonly env: NodeJS.ProcessEnv;
  private readonly policy: RetryPolicy;

  constructor(
    private readonly config: WebhookConfig,
    opts: WebhookOptions = {},
  ) {
    this.id = `webhook:${config.name}`;
    this.routing = { events: config.events, minSeverity: config.minSeverity };
    this.env = opts.env ?? process.env;
    this.policy = { attempts: config.attempts, ...(opts.backoff ?? DEFAULT_BACKOFF) };
  }

  /** The request body for an alert, as this webhook's format has it. */
  payload(alert: Alert): string {
    return JSON.stringify(this.config.format === 'slack' ? slackPayload(alert) : alertJson(alert));
  }

  async send(alert: Alert, ctx: SendContext): Promise<void> {
    // read at send time: an alert queued before a variable was set goes out once it is
    const url = parseUrl(expandEnv(this.config.url, this.env, `webhook ${this.config.name} url`));
    const headers: Record<string, string> = { 'user-agent': 'vigil', accept: 'application/json, text/plain, */*' };
    for (const [k, v] of Object.entries(this.config.headers)) headers[k.toLowerCase()] = expandEnv(v, this.env, `webhook ${this.config.name} header ${k}`);
    headers['content-type'] = 'application/json; charset=utf-8';
    const body = this.payload(alert);
    const label = `webhook ${this.config.name} (${url.host})`;
    const started = Date.now();
    await withRetries(
      this.policy,
      ctx.signal,
      async (n) => {
        const status = await this.post(url, headers, body, ctx.signal);
        ctx.logger.info(`notify: ${label} alert ${alert.id} (${alert.event}) delivered: HTTP ${status}, attempt ${n}/${this.policy.attempts}, ${Date.now() - started} ms`);
      },
      (n, err, wait) => {
        const next = wait === undefined ? (err.retryable ? 'giving up' : 'not retried') : `retrying in ${(wait / 1000).toFixed(1)} s`;
        ctx.logger.warn(`notify: ${label} alert ${alert.id} (${alert.event}) attempt ${n}/${this.policy.attempts} failed: ${err.message}; ${next}`);
      },
    );
  }

  /** One attempt: the POST and any same-host redirects; resolves with the final status. */
  private async post(start: URL, headers: Record<string, string>, body: string, outer: AbortSignal): Promise<number> {
    const signal = AbortSignal.any([outer, AbortSignal.timeout(this.config.timeoutSeconds * 1000)]);
    let url = start;
    for (let hop = 0; ; hop++) {
      let res: Response;
      try {
        res = await fetch(url, { method: 'POST', headers, body, redirect: 'manual', signal });
      } catch (e) {
        if (outer.aborted) throw new DeliveryError(`not delivered: ${describeError(outer.reason)}`, { retryable: true });
        if (signal.aborted) throw new DeliveryError(`no answer within ${this.config.timeoutSeconds} s`, { retryable: true, cause: e });
        const net = networkError(e);
        throw new DeliveryError(net.message, { retryable: net.retryable, cause: e });
      }
      const status = res.status;
      if (status >= 200 && status < 300) {
        await res.body?.cancel().catch(() => undefined);
        return status;
      }
      if (status === 303) {
        // "see other": the POST was taken; the answer lives elsewhere and is not needed
        await res.body?.cancel().catch(() => undefined);
        return status;
      }
      if (status === 301 || status === 302 || status === 307 || status === 308) {
        await res.body?.cancel().catch(() => undefined);
        const location = res.headers.get('location');
        const next = location && URL.canParse(location, url.href) ? new URL(location, url) : undefined;
        if (!next) throw new DeliveryError(`HTTP ${status} without a usable Location`, { retryable: false });
        if (next.hostname !== url.hostname || (url.protocol === 'https:' && next.protocol !== 'https:') || !/^https?:$/.test(next.protocol)) {
          // the receiver's host is the one the config trusts with the payload and headers
          throw new DeliveryError(`HTTP ${status} redirect to another host (${next.protocol}//${next.host}) not followed`, { retryable: false });
        }
        if (hop >= MAX_REDIRECTS) throw new DeliveryError(`more than ${MAX_REDIRECTS} redirects`, { retryable: false });
        url = next;
        continue;
      }
      const text = redactSecrets((await readSome(res)).replace(/\s+/g, ' ').trim());
      const shown = text ? `: ${text}` : '';
      const retryable = status === 408 || status === 425 || status === 429 || status >= 500;
      const after = retryable ? retryAfterMs(res.headers.get('retry-after')) : undefined;
      throw new DeliveryError(`HTTP ${status}${shown}`, { retryable, ...(after !== undefined ? { retryAfterMs: after } : {}) });
    }
  }
}

function parseUrl(s: string): URL {
  if (!URL.canParse(s)) throw new DeliveryError('the url is not a URL', { retryable: false });
  const u = new URL(s);
  if (u.protocol !== 'http:' && u.protocol !== 'https:') throw new DeliveryError(`the url is ${u.protocol}, not http or https`, { retryable: false });
  return u;
}

/**
 * fetch's "fetch failed" says nothing: its cause (ECONNREFUSED, ENOTFOUND) does. A failure with
 * a system or socket error code may pass; one without (a port fetch refuses, a URL it will not
 * request) will not, and is not retried.
 */
function networkError(e: unknown): { message: string; retryable: boolean } {
  const cause = e instanceof Error && e.cause instanceof Error ? e.cause : undefined;
  const code = cause && 'code' in cause ? String((cause as NodeJS.ErrnoException).code) : undefined;
  if (code) return { message: `network error ${code}`, retryable: true };
  return { message: redactSecrets(`request refused: ${describeError(cause ?? e)}`), retryable: false };
}

/** The first BODY_SHOWN characters of a response body, never more than a small read. */
async function readSome(res: Response): Promise<string> {
  if (!res.body) return '';
  const reader = res.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  try {
    while (size < BODY_SHOWN * 4) {
      const { done, value } = await reader.read();
      if (done) break;
      chunks.push(value);
      size += value.byteLength;
    }
  } catch {
    // a body cut short still explains what it had
  } finally {
    await reader.cancel().catch(() => undefined);
  }
  return Buffer.concat(chunks).toString('utf8').slice(0, BODY_SHOWN);
}
