import pino, { type DestinationStream, type Logger as PinoLogger } from 'pino';

/** Anything token-shaped in a logged string: vigil's own tokens, and whatever follows `Bearer`/`Basic`. */
const SECRET_IN_TEXT = /vgl_[A-Za-z0-9_-]{4,}|\b(Bearer|Basic)\s+[A-Za-z0-9._~+/=-]+/gi;

/** A string with every token-shaped part replaced. */
export function redactSecrets(s: string): string {
  return s.replace(SECRET_IN_TEXT, (m, scheme: string | undefined) => (scheme ? `${scheme} [REDACTED]` : 'vgl_[REDACTED]'));
}

/**
 * The server's pino logger: Authorization and Cookie headers are redacted wherever they would be
 * logged, and a request's URL is logged with any token-shaped value replaced (a token put in a query
 * string is refused, but the line saying so must not carry it).
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
    opts.stream ?? process.stdout,
  );
}
