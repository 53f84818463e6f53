import { ROLES, type Role } from '../ledger/auth-store.js';

/** Who may call a route: no one needs credentials (`public`), or a valid token or user of one of these roles. */
export type Access = 'public' | readonly Role[];

const ALL: readonly Role[] = ROLES;
const READERS: readonly Role[] = ['admin', 'analyst', 'auditor'];
const WRITERS: readonly Role[] = ['admin', 'analyst'];
const ADMIN: readonly Role[] = ['admin'];

/**
 * The dashboard's pages and forms, by the same rules as the API routes they show: a page of
 * findings is for whoever may list findings, the triage form for whoever may triage. A page needs a
 * session (log in at /login), never a token or Basic credentials, so every form is CSRF-checked.
 */
export const PAGES = {
  'GET /login': 'public',
  'POST /login': 'public',
  'GET /assets/app.css': 'public',
  'GET /assets/app.js': 'public',
  'POST /logout': ALL,
  'GET /': ALL,
  'GET /events': ALL,
  'GET /findings': ALL,
  'GET /findings/:id': ALL,
  'POST /findings/:id/triage': WRITERS,
  'GET /datamap': ALL,
  // as GET /api/uptime: probe results are for people, not CI
  'GET /uptime': READERS,
  // as GET /api/perf: the figures are the runs' own, which every role may read
  'GET /perf': ALL,
  'GET /incidents': READERS,
  'GET /incidents/:id': READERS,
  'POST /incidents/:id/act': WRITERS,
  'GET /reports': READERS,
  'GET /settings': ADMIN,
  'POST /settings/tokens': ADMIN,
  'POST /settings/tokens/:id/revoke': ADMIN,
} as const satisfies Record<string, Access>;

/**
 * Every route of `vigil serve`, by `METHOD /path` as fastify registers it, and who may call it.
 * The one place permissions are decided: each route's auth check is derived from its row when the
 * route is registered, and a route without a row refuses to register (src/server/auth.ts).
 *
 * `admin` everything; `analyst` read, triage, incident actions and reports; `auditor` read and
 * reports; `ci` findings, runs, the gate and submitting scan results.
 */
export const PERMISSIONS = {
  'GET /healthz': 'public',
  'GET /readyz': 'public',
  'GET /metrics': ALL,
  'GET /api/openapi.json': ALL,

  'GET /api/runs': ALL,
  'GET /api/runs/:id': ALL,
  'GET /api/gate': ALL,
  // what a run kept: readers, and CI for the SARIF and SBOM of its own runs
  'GET /api/runs/:id/report': ALL,
  'GET /api/runs/:id/sbom': ALL,
  'POST /api/runs': WRITERS,
  // CI pipelines submit their own tools' results (SARIF) as a run
  'POST /api/runs/import': ['admin', 'ci'],

  'GET /api/findings': ALL,
  'GET /api/findings/:id': ALL,
  'POST /api/findings/:id/triage': WRITERS,

  'GET /api/incidents': READERS,
  'GET /api/incidents/:id': READERS,
  'POST /api/incidents/:id/ack': WRITERS,
  'POST /api/incidents/:id/resolve': WRITERS,

  // uptime probe results and availability (vigil serve's prober); the perf trend is read from runs, as GET /api/runs
  'GET /api/uptime': READERS,
  'GET /api/uptime/:probe/results': READERS,
  'GET /api/perf': ALL,

  'GET /api/reports/audit': READERS,
  'GET /api/reports/ropa': READERS,
  'GET /api/reports/files': READERS,
  'GET /api/reports/files/:name': READERS,

  // read-only views of vigil.yaml: targets' locations and options may hold credentials (shown redacted)
  'GET /api/schedules': ADMIN,
  'GET /api/targets': ADMIN,

  'GET /api/tokens': ADMIN,
  'POST /api/tokens': ADMIN,
  'DELETE /api/tokens/:id': ADMIN,

  ...PAGES,
} as const satisfies Record<string, Access>;

export type RouteKey = keyof typeof PERMISSIONS;

/** The row for a route, or undefined when the table does not name it. */
export function accessFor(method: string, url: string): Access | undefined {
  const key = `${method.toUpperCase()} ${url}`;
  return Object.hasOwn(PERMISSIONS, key) ? PERMISSIONS[key as RouteKey] : undefined;
}

/** The roles that may call a route, for documentation (`public` for none needed). */
export function describeAccess(a: Access): string {
  return a === 'public' ? 'public: no credentials needed' : `roles: ${a.join(', ')}`;
}

/** Whether a route is a dashboard page or form (session only) rather than an API route. */
export function isPageRoute(method: string, url: string): boolean {
  return Object.hasOwn(PAGES, `${method.toUpperCase()} ${url}`);
}
