/** The logging surface every part of vigil uses; pino satisfies it, and so does the CLI's stderr logger. */
export interface Logger {
  debug(msg: string, data?: Record<string, unknown>): void;
  info(msg: string, data?: Record<string, unknown>): void;
  warn(msg: string, data?: Record<string, unknown>): void;
  error(msg: string, data?: Record<string, unknown>): void;
}

/** A logger that drops everything (tests, library use). */
export const silentLogger: Logger = { debug() {}, info() {}, warn() {}, error() {} };

/** Plain lines on stderr: `vigil: warn: message`. Debug only with VIGIL_DEBUG. */
export function stderrLogger(stream: NodeJS.WritableStream = process.stderr): Logger {
  const write = (level: string, msg: string, data?: Record<string, unknown>) => {
    const extra = data && Object.keys(data).length ? ` ${JSON.stringify(data)}` : '';
    stream.write(`vigil: ${level}: ${msg}${extra}\n`);
  };
  return {
    debug: (m, d) => {
      if (process.env.VIGIL_DEBUG) write('debug', m, d);
    },
    info: (m, d) => write('info', m, d),
    warn: (m, d) => write('warn', m, d),
    error: (m, d) => write('error', m, d),
  };
}

/** pino's call shape (fields first, message second). */
interface FieldsFirst {
  debug(fields: object, msg: string): void;
  info(fields: object, msg: string): void;
  warn(fields: object, msg: string): void;
  error(fields: object, msg: string): void;
}

/** A pino logger as vigil's Logger. */
export function fieldsFirstLogger(log: FieldsFirst): Logger {
  return {
    debug: (m, d) => log.debug(d ?? {}, m),
    info: (m, d) => log.info(d ?? {}, m),
    warn: (m, d) => log.warn(d ?? {}, m),
    error: (m, d) => log.error(d ?? {}, m),
  };
}
