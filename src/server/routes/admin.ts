import type { FastifyPluginAsync } from 'fastify';
import { CronExpressionParser } from 'cron-parser';
import type { ScheduleConfig, TargetConfig, VigilConfig } from '../../config/types.js';
import type { Ledger } from '../../ledger/ledger.js';
import { scheduleTriggers } from '../../scheduler/scheduler.js';
import { REDACTED, redactSecrets, redactUrlCredentials } from '../../util/redact.js';
import { NO_QUERY, responses } from '../schemas.js';

export interface AdminDeps {
  ledger: Ledger;
  /** The config the server runs with; without one there are no targets and only the schedules' names and crons. */
  config?: VigilConfig;
  schedules: () => { name: string; cron: string; running: boolean }[];
}

/** What stands in for a credential. */
const MASK = '***';

/** Option, header and query-parameter names whose values are credentials. */
const SECRET_NAME = /pass|pwd|secret|token|key|auth|cookie|credential|session|signature/i;

/** Option objects every value of which is a credential, or may be: request headers, a login form's fields. */
const ALL_SECRET = new Set(['headers', 'form']);

/** `${NAME}`: a reference to the environment, not a value; shown as written. */
const ENV_REF = /^\$\{[A-Za-z_][A-Za-z0-9_]*\}$/;

/** A URL's scheme at the start of a location. */
const SCHEME = /^[A-Za-z][A-Za-z0-9+.-]*:\/\//;

/** `password=…` in a libpq keyword/value connection string. */
const KEYWORD_PASSWORD = /\b(password|sslpassword)(\s*=\s*)('[^']*'|[^\s']+)/gi;

const RUN_SUMMARY = {
  type: ['object', 'null'],
  required: ['id', 'trigger', 'status', 'startedAt', 'finishedAt'],
  properties: { id: { type: 'string' }, trigger: { type: 'string' }, status: { type: 'string' }, startedAt: { type: 'string' }, finishedAt: { type: ['string', 'null'] } },
} as const;

const SCHEDULE_VIEW = {
  type: 'object',
  required: ['name', 'cron', 'timezone', 'targets', 'scanners', 'runOnStart', 'running', 'nextRun', 'lastRun'],
  properties: {
    name: { type: 'string' },
    cron: { type: 'string' },
    timezone: { type: ['string', 'null'], description: 'null: the server\'s local time' },
    targets: { type: ['array', 'null'], items: { type: 'string' }, description: 'null: every target' },
    scanners: { type: ['array', 'null'], items: { type: 'string' }, description: 'null: every scanner of each target' },
    runOnStart: { type: 'boolean' },
    running: { type: 'boolean', description: 'a run of it is going in this server now' },
    nextRun: { type: ['string', 'null'], description: 'when the cron fires next' },
    lastRun: { ...RUN_SUMMARY, description: 'its newest recorded run: scheduled, caught up or at start-up' },
  },
} as const;

const TARGET_VIEW = {
  type: 'object',
  required: ['name', 'kind', 'location', 'active', 'scanners'],
  properties: {
    name: { type: 'string' },
    kind: { type: 'string' },
    location: { type: 'string', description: 'the path, URL, host or connection URL, with any password, token or secret parameter shown as ***' },
    active: { type: 'boolean' },
    systems: { type: 'array', items: { type: 'string' } },
    scanners: {
      type: 'array',
      items: {
        type: 'object',
        required: ['id', 'options'],
        properties: { id: { type: 'string' }, options: { type: 'object', additionalProperties: true, description: 'as in vigil.yaml; header values, cookies, form fields and secret-named options shown as ***' } },
      },
    },
  },
} as const;

/** `/api/schedules` and `/api/targets`: what the server's config schedules and scans, read-only and with credentials redacted. */
export function adminRoutes(deps: AdminDeps): FastifyPluginAsync {
  return async (app) => {
    app.get(
      '/api/schedules',
      {
        schema: {
          tags: ['admin'],
          summary: 'The schedules of the server\'s config, with their next and last runs',
          description:
            'Read-only: schedules are edited in vigil.yaml (and take effect when `vigil serve` restarts). `lastRun` is the newest run recorded with the ' +
            'schedule\'s triggers (`schedule:`, `catch-up:`, `start:`); a run started by `POST /api/runs` is recorded as `api:<caller>`.',
          querystring: NO_QUERY,
          response: responses({ 200: { type: 'object', required: ['schedules'], properties: { schedules: { type: 'array', items: SCHEDULE_VIEW } } } }),
        },
      },
      async () => {
        const state = new Map(deps.schedules().map((s) => [s.name, s]));
        const configured: readonly ScheduleConfig[] = deps.config?.schedules ?? deps.schedules().map((s) => ({ name: s.name, cron: s.cron, runOnStart: false }));
        const now = new Date();
        const schedules = [];
        for (const s of configured) {
          const last = await deps.ledger.lastRun(scheduleTriggers(s.name));
          const timezone = s.timezone ?? null;
          schedules.push({
            name: s.name,
            cron: s.cron,
            timezone,
            targets: s.targets ?? null,
            scanners: s.scanners ?? null,
            runOnStart: s.runOnStart,
            running: state.get(s.name)?.running ?? false,
            nextRun: nextFire(s.cron, now, timezone),
            lastRun: last ? { id: last.id, trigger: last.trigger, status: last.status, startedAt: last.startedAt, finishedAt: last.finishedAt } : null,
          });
        }
        return { schedules };
      },
    );

    app.get(
      '/api/targets',
      {
        schema: {
          tags: ['admin'],
          summary: 'The targets of the server\'s config, credentials redacted',
          description:
            'Read-only: targets are edited in vigil.yaml (and take effect when `vigil serve` restarts); only they are ever scanned. ' +
            'A password in a location\'s URL or connection string, a query parameter or option whose name says secret (token, key, password, auth, cookie, …), ' +
            'every request header value and login form field are shown as `***`; `${VAR}` references to the environment are shown as written.',
          querystring: NO_QUERY,
          response: responses({ 200: { type: 'object', required: ['targets'], properties: { targets: { type: 'array', items: TARGET_VIEW } } } }),
        },
      },
      async () => ({ targets: (deps.config?.targets ?? []).map(targetView) }),
    );
  };
}

/** When `cron` fires next after `now` (in `timezone`, else the server's local time, as node-cron does), or null when it cannot be read. */
function nextFire(cron: string, now: Date, timezone: string | null): string | null {
  try {
    return CronExpressionParser.parse(cron, { currentDate: now, ...(timezone ? { tz: timezone } : {}) })
      .next()
      .toDate()
      .toISOString();
  } catch {
    return null;
  }
}

/** A target as GET /api/targets shows it: nothing that would let a reader log in where it points. */
export function targetView(t: TargetConfig): Record<string, unknown> {
  return {
    name: t.name,
    kind: t.kind,
    location: redactLocation(t.location),
    active: t.active,
    ...(t.systems ? { systems: t.systems } : {}),
    scanners: Object.entries(t.scanners).map(([id, options]) => ({ id, options: redactOptions(options) })),
  };
}

/**
 * A location with its credentials as `***`: a URL's password and secret-named query parameters,
 * a keyword connection string's password, and any token-shaped text (redactSecrets).
 */
export function redactLocation(location: string): string {
  if (SCHEME.test(location)) {
    let url: URL | undefined;
    try {
      url = new URL(location);
    } catch {
      url = undefined;
    }
    if (url) return redactUrl(url);
    // not a URL the WHATWG parser takes: the generic floor still masks user:password@
    return redactSecrets(redactUrlCredentials(location));
  }
  return redactSecrets(location.replace(KEYWORD_PASSWORD, (_m, name: string, eq: string) => `${name}${eq}${MASK}`));
}

/**
 * A parsed URL, part by part: the generic floor over the whole text would take `key=…&page=2` for
 * one long secret. The password and secret-named parameters become `***`; token-shaped text in
 * the user name, path, other parameters and fragment is masked as redactSecrets masks it.
 */
function redactUrl(url: URL): string {
  const user = decodeURIComponentSafe(url.username);
  const userinfo = url.username || url.password ? `${redactSecrets(user) === user ? url.username : MASK}${url.password ? `:${MASK}` : ''}@` : '';
  const prefix = `${url.protocol}//`;
  // the scheme and host go in, so a hook URL with its secret in the path is recognised
  const base = redactSecrets(`${prefix}${url.host}${url.pathname}`);
  let query = url.search;
  if (url.search) {
    const params = [...url.searchParams];
    const shown = params.map(([k, v]) => [k, SECRET_NAME.test(k) ? MASK : redactSecrets(v)] as const);
    if (shown.some(([, v], i) => v !== params[i]![1])) query = `?${shown.map(([k, v]) => `${encodeQueryPart(k)}=${v === MASK ? v : encodeQueryPart(v)}`).join('&')}`;
  }
  const hash = url.hash ? `#${redactSecrets(decodeURIComponentSafe(url.hash.slice(1)))}` : '';
  // a whole-URL secret (a hook) left nothing of the prefix to put the user name after
  const head = base.startsWith(prefix) ? `${prefix}${userinfo}${base.slice(prefix.length)}` : base;
  return `${head}${query}${hash}`;
}

/** A query name or value, encoded, with a redaction marker left readable. */
function encodeQueryPart(s: string): string {
  return encodeURIComponent(s).replaceAll(encodeURIComponent(REDACTED), REDACTED);
}

function decodeURIComponentSafe(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}

/** A scanner's options with every credential as `***` (see GET /api/targets). */
export function redactOptions(options: Record<string, unknown>): Record<string, unknown> {
  return redactValue(options, '', false, 0) as Record<string, unknown>;
}

function redactValue(value: unknown, key: string, secret: boolean, depth: number): unknown {
  if (typeof value === 'string') {
    if (ENV_REF.test(value)) return value;
    return secret || SECRET_NAME.test(key) ? MASK : redactLocation(value);
  }
  // config nests a few levels at most; anything deeper is not shown
  if (depth > 8) return MASK;
  if (Array.isArray(value)) return value.map((v) => redactValue(v, key, secret, depth + 1));
  if (value !== null && typeof value === 'object') {
    const all = secret || ALL_SECRET.has(key);
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, redactValue(v, k, all, depth + 1)]));
  }
  // a number under a secret name (a PIN) is a secret too; booleans and null say nothing
  return typeof value === 'number' && (secret || SECRET_NAME.test(key)) ? MASK : value;
}
