import { durationSeconds } from './duration.js';
import { describeValue, formatConfigPath, type Report } from './problem.js';

type Obj = Record<string, unknown>;

function isObj(v: unknown): v is Obj {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

/** `${` not followed by a well-formed `NAME}`: the user meant a reference and mistyped it. */
const BAD_REF = /\$\{(?![A-Za-z_][A-Za-z0-9_]{0,127}\})/;

/** Why a value with `${NAME}` references is malformed; undefined when it is fine. */
export function envRefProblem(value: string): string | undefined {
  return BAD_REF.test(value) ? 'has a "${" that is not a ${NAME} reference to an environment variable' : undefined;
}

/**
 * What the notify section's schema cannot say: unique webhook names, well-formed `${NAME}`
 * references, URLs that parse, per-attempt timeouts above zero, and SMTP auth named in full.
 * Header values are never quoted back: they may hold a token.
 */
export function checkNotify(notify: unknown, report: Report): void {
  if (!isObj(notify)) return;
  const positive = (path: (string | number)[], v: unknown) => {
    if ((typeof v === 'number' || typeof v === 'string') && durationSeconds(v) === 0) {
      report(path, `must be more than 0 seconds (got ${describeValue(v)})`);
    }
  };
  const url = (path: (string | number)[], v: unknown, what: string) => {
    if (typeof v !== 'string') return;
    const ref = envRefProblem(v);
    if (ref) return report(path, ref);
    // a URL that is one reference (or holds some) is checked when it is read, at send time
    if (v.includes('${')) return;
    if (!URL.canParse(v) || !/^https?:$/.test(new URL(v).protocol) || !new URL(v).hostname) {
      report(path, `is not a valid ${what} (got ${describeValue(v)})`);
    }
  };

  const first = new Map<string, number>();
  (Array.isArray(notify.webhooks) ? notify.webhooks : []).forEach((w, i) => {
    if (!isObj(w)) return;
    const at = (...rest: (string | number)[]) => ['notify', 'webhooks', i, ...rest];
    if (typeof w.name === 'string') {
      const prev = first.get(w.name);
      if (prev !== undefined) {
        report(at('name'), `"${w.name}" is already the name of ${formatConfigPath(['notify', 'webhooks', prev])}; webhook names must be unique`);
      } else first.set(w.name, i);
    }
    url(at('url'), w.url, 'http:// or https:// URL');
    positive(at('timeout'), w.timeout);
    if (isObj(w.headers)) {
      for (const [k, v] of Object.entries(w.headers)) {
        if (typeof v === 'string' && envRefProblem(v)) report(at('headers', k), envRefProblem(v)!);
      }
    }
  });

  if (isObj(notify.email)) {
    const e = notify.email;
    positive(['notify', 'email', 'timeout'], e.timeout);
    if ((typeof e.userEnv === 'string') !== (typeof e.passwordEnv === 'string')) {
      const missing = typeof e.userEnv === 'string' ? 'passwordEnv' : 'userEnv';
      report(['notify', 'email'], `SMTP authentication needs both userEnv and passwordEnv; "${missing}" is missing`);
    }
    if (e.secure === true && typeof e.starttls === 'string' && e.starttls !== 'never') {
      report(['notify', 'email', 'starttls'], 'does not apply with secure: true, where TLS starts with the connection');
    }
  }
  if (isObj(notify.sentry)) url(['notify', 'sentry', 'dsn'], notify.sentry.dsn, 'Sentry DSN (https://KEY@HOST/PROJECT)');
}
