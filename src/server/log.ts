import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import pino, { type DestinationStream, type Logger as PinoLogger } from 'pino';

/** An incoming `x-request-id` vigil will reuse: short, and nothing that could forge a log line or a header. */
const SAFE_REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;

/** The request's id: the caller's `x-request-id` when it is safe to repeat, otherwise a new UUID. */
export function requestIdOf(req: IncomingMessage): string {
  const given = req.headers['x-request-id'];
  return typeof given === 'string' && SAFE_REQUEST_ID.test(given) ? given : randomUUID();
}

const LEVELS: Record<number, string> = { 10: 'trace', 20: 'debug', 30: 'info', 40: 'warn', 50: 'error', 60: 'fatal' };
const two = (n: number) => String(n).padStart(2, '0');

/** One pino JSON line as `HH:MM:SS level message`, with the request's method, URL, status and id when it has them. */
export function humanLine(json: string): string {
  let o: Record<string, unknown>;
  try {
    o = JSON.parse(json) as Record<string, unknown>;
  } catch {
    return json.endsWith('\n') ? json : `${json}\n`;
  }
  const t = new Date(typeof o.time === 'number' ? o.time : Date.now());
  const parts = [`${two(t.getHours())}:${two(t.getMinutes())}:${two(t.getSeconds())}`, (LEVELS[o.level as number] ?? String(o.level)).padEnd(5), String(o.msg ?? '')];
  const req = o.req as { method?: string; url?: string } | undefined;
  if (req?.method) parts.push(`${req.method} ${req.url ?? ''}`);
  const res = o.res as { statusCode?: number } | undefined;
  if (res?.statusCode) parts.push(String(res.statusCode));
  if (typeof o.responseTime === 'number') parts.push(`${o.responseTime.toFixed(1)} ms`);
  const err = o.err as { message?: string } | undefined;
  if (err?.message) parts.push(`— ${err.message}`);
  if (o.reqId) parts.push(`[${String(o.reqId)}]`);
  return `${parts.join(' ')}\n`;
}

/** A pino destination that writes each line for a person to read (see humanLine). */
export function humanStream(out: NodeJS.WritableStream): DestinationStream {
  return { write: (chunk: string) => void out.write(chunk.split('\n').filter(Boolean).map(humanLine).join('')) };
}

/** Lines for a person on a terminal, JSON when piped or in production. */
function defaultStream(): DestinationStream {
  return process.stdout.isTTY && process.env.NODE_ENV !== 'production' ? humanStream(process.stdout) : process.stdout;
}

/** Anything token-shaped in a logged string: vigil's own tokens, and whatever follows `Bearer`/`Basic`. */
const SECRET_IN_TEXT = /vgl_[A-Za-z0-9_-]{4,}|\b(Bearer|Basic)\s+[A-Za-z0-9._~+/=-]+/gi;

/** A string with every token-shaped part replaced. */
export function redactSecrets(s: string): string {
  return s.replace(SECRET_IN_TEXT, (m, scheme: string | undefined) => (scheme ? `${scheme} [REDACTED]` : 'vgl_[REDACTED]'));
}

/**
 * The server's pino logger: Authorization and Cookie headers are redacted wherever they would be
 * logged, and a request's URL is logged with any token-shaped value replaced (a token put in a query
 * string is refused, but the line saying so must not carry it). On a terminal (not in production) the
 * lines are `HH:MM:SS level message`; piped, they are JSON.
 */
export function createServerLogger(opts: { level?: string; stream?: DestinationStream } = {}): PinoLogger {
  return pino(
    {
      base: { service: 'vigil' },
      level: opts.level ?? process.env.VIGIL_LOG_LEVEL ?? 'info',
      redact: {
        paths: [
          'req.headers.authorization',
          'req.headers.cookie',
          'req.headers["proxy-authorization"]',
          'res.headers["set-cookie"]',
          'headers.authorization',
          'headers.cookie',
        ],
        censor: '[REDACTED]',
      },
      serializers: {
        req: (req: { method?: string; url?: string; ip?: string; hostname?: string }) => ({
          method: req.method,
          url: redactSecrets(req.url ?? ''),
          host: req.hostname,
          remoteAddress: req.ip,
        }),
        err: (err: Error) => {
          const s = pino.stdSerializers.err(err);
          return { ...s, message: redactSecrets(s.message), stack: redactSecrets(s.stack) };
        },
      },
    },
    opts.stream ?? defaultStream(),
  );
}
