import { randomBytes } from 'node:crypto';
import type { EventEmitter } from 'node:events';
import type { Socket } from 'node:net';
import { CronExpressionParser } from 'cron-parser';
import type { FastifyError, FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import { VigilError, isVigilError } from '../../errors.js';
import type { IncidentAction } from '../../incidents/actions.js';
import { incidentView } from '../../incidents/view.js';
import type { Ledger } from '../../ledger/ledger.js';
import { ACTIVE_STATUSES, FINDING_STATUSES, TRIAGE_STATUSES, type FindingStatus, type LedgerFinding, type TriageStatus } from '../../model/finding.js';
import { SEVERITIES, type Severity } from '../../model/severity.js';
import type { FailureCounter } from '../auth.js';
import { errorBody } from '../error-reply.js';
import { actorOf } from '../principal.js';
import { INTEGER_ID_PARAMS, NO_QUERY } from '../schemas.js';
import { LOGIN_CSRF_COOKIE, SESSION_COOKIE, SESSION_TTL_MS, cookieValue, sameToken, setCookie, type SessionStore } from '../sessions.js';
import { APP_CSS, APP_JS } from './assets.js';
import { html, mayUse, page, type Html } from './html.js';
import { slaBreachesAt } from '../../ledger/overview.js';
import { OverviewCache } from './overview-cache.js';
import * as P from './pages.js';
import type { VigilConfig } from '../../config/types.js';
import { availabilityPanel } from './uptime-pages.js';
import { ProbeSummaryCache, uptimePageRoutes } from './uptime-routes.js';

/** A scheduled run starting or finishing, as `vigil serve` emits it on `runEvents` ('run'). */
export interface RunEvent {
  phase: 'started' | 'progress' | 'finished';
  trigger: string;
  at: string;
  /** When finished: the run's status, or `error`. */
  status?: string;
  /** Parts (scanner × target) done so far and in all, once the run has planned them. */
  done?: number;
  total?: number;
  /** When a part ends (progress): which, and how it ended. */
  part?: { scanner: string; target: string; status: string; findings: number };
}

export interface DashboardDeps {
  ledger: Ledger;
  sessions: SessionStore;
  /** The failed-credential counter the API's auth uses: a failed login counts against the same address. */
  failures: FailureCounter;
  schedules: () => { name: string; cron: string; running: boolean }[];
  runEvents?: EventEmitter;
  /** Compute the overview's facts at start-up, so the first view does not wait for the scan. */
  warmOverview?: boolean;
  /** Served over HTTPS: cookies get `Secure`. */
  secure: boolean;
  /** Whether the report routes are served (the server has a config). */
  reports: boolean;
  /** The server's config: the uptime probes and their SLOs. */
  config?: VigilConfig;
}

const TEXT = { type: 'string', maxLength: 200 } as const;
const LONG = { type: 'string', maxLength: 4000 } as const;
const CSRF = { type: 'string', maxLength: 100 } as const;
const FORM_LIMIT = 64 * 1024;
const TREND_DAYS = 90;
/** Data-map findings the data-map page lists at most. */
const DATAMAP_MAX = 20_000;

/**
 * The dashboard: server-made HTML pages over the ledger, for a logged-in person. Each page's auth
 * check (session, role) comes from its row of PAGES; every form POST carries the session's CSRF
 * token; errors are pages, and a page without a session sends the browser to /login.
 */
export function dashboardRoutes(deps: DashboardDeps): FastifyPluginAsync {
  const { ledger, sessions } = deps;
  const overview = new OverviewCache(ledger, TREND_DAYS);
  const probeCache = new ProbeSummaryCache(ledger, deps.config);
  if (deps.warmOverview) overview.warm();
  return async (app) => {
    // pages are not the API: kept out of the OpenAPI document
    app.addHook('onRoute', (route) => {
      route.schema = { ...route.schema, hide: true } as typeof route.schema;
    });
    app.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string', bodyLimit: FORM_LIMIT }, (_req, body, done) => {
      done(null, Object.fromEntries(new URLSearchParams(body as string)));
    });

    app.setErrorHandler((error: FastifyError, request: FastifyRequest, reply: FastifyReply) => {
      // a form's body limit is the form parser's
      const body = errorBody(error, { bodyLimit: FORM_LIMIT });
      if (body.statusCode === 401 && request.method === 'GET') return reply.redirect(`/login?next=${encodeURIComponent(request.url.slice(0, 500))}`, 303);
      if (body.statusCode >= 500) request.log.error({ err: error }, 'page failed');
      else request.log.info({ code: body.code, statusCode: body.statusCode }, 'page refused');
      if (body.statusCode === 401) return reply.redirect('/login', 303);
      const user = request.session ? { principal: request.session.principal, csrf: request.session.csrf } : undefined;
      return send(reply.code(body.statusCode), page({ title: body.statusCode === 403 ? 'Not allowed' : 'Something went wrong', ...(user ? { user } : {}), body: P.errorPageBody(body.message) }));
    });

    // Every form of a session carries its CSRF token; checked before the form is validated or acted on.
    app.addHook('preValidation', async (request) => {
      if (request.method !== 'POST' || !request.session) return;
      const b = request.body as Record<string, unknown> | undefined;
      if (!sameToken(b?._csrf, request.session.csrf)) throw new VigilError('VIGIL_ERR_AUTH_FORBIDDEN', 'the form has no valid CSRF token: reload the page and send it again');
    });

    const viewer = (request: FastifyRequest): P.Viewer => {
      const s = request.session;
      if (!s) throw new VigilError('VIGIL_ERR_INTERNAL', `${request.routeOptions.url} is a page but has no session`);
      return { principal: s.principal, csrf: s.csrf };
    };
    const show = (request: FastifyRequest, reply: FastifyReply, title: string, active: string, body: Html) => send(reply, page({ title, active, user: viewer(request), body }));

    app.get('/assets/app.css', { schema: { querystring: NO_QUERY } }, async (_req, reply) =>
      reply.header('content-type', 'text/css; charset=utf-8').header('cache-control', 'public, max-age=3600').send(APP_CSS),
    );
    app.get('/assets/app.js', { schema: { querystring: NO_QUERY } }, async (_req, reply) =>
      reply.header('content-type', 'text/javascript; charset=utf-8').header('cache-control', 'public, max-age=3600').send(APP_JS),
    );

    // --- sessions -------------------------------------------------------------------------------

    app.get<{ Querystring: { next?: string } }>(
      '/login',
      { schema: { querystring: { type: 'object', additionalProperties: false, properties: { next: { type: 'string', maxLength: 500 } } } } },
      async (request, reply) => {
        const csrf = randomBytes(24).toString('base64url');
        void reply.header('set-cookie', setCookie(LOGIN_CSRF_COOKIE, csrf, { secure: deps.secure, maxAgeSeconds: 3600 }));
        return send(reply, page({ title: 'Log in', body: P.loginBody({ csrf, next: safeNext(request.query.next) }) }));
      },
    );

    app.post<{ Body: { username?: string; password?: string; next?: string; _csrf?: string } }>(
      '/login',
      {
        schema: {
          body: { type: 'object', additionalProperties: false, properties: { username: TEXT, password: { type: 'string', maxLength: 1024 }, next: { type: 'string', maxLength: 500 }, _csrf: CSRF } },
        },
      },
      async (request, reply) => {
        const b = request.body;
        const next = safeNext(b.next);
        // no session yet: the form's token must match the cookie /login set (double submit)
        if (!sameToken(b._csrf, cookieValue(request.headers.cookie, LOGIN_CSRF_COOKIE) ?? '\0')) {
          throw new VigilError('VIGIL_ERR_AUTH_FORBIDDEN', 'the login form has no valid CSRF token: reload /login and try again');
        }
        const again = (status: number, error: string) => {
          const csrf = randomBytes(24).toString('base64url');
          void reply.header('set-cookie', setCookie(LOGIN_CSRF_COOKIE, csrf, { secure: deps.secure, maxAgeSeconds: 3600 }));
          return send(reply.code(status), page({ title: 'Log in', body: P.loginBody({ csrf, next, error }) }));
        };
        const wait = deps.failures.blockedFor(request.ip);
        if (wait > 0) {
          void reply.header('retry-after', String(Math.ceil(wait / 1000)));
          return again(429, `Too many failed logins from this address; try again in ${Math.ceil(wait / 1000)} s.`);
        }
        const r = await ledger.auth.checkPassword(b.username ?? '', b.password ?? '');
        if (!r.ok) {
          deps.failures.note(request.ip);
          return again(401, 'Wrong user name or password, or the user is disabled.');
        }
        const { id } = await sessions.create(r.principal);
        request.log.info({ user: r.principal.name }, 'dashboard login');
        void reply.header('set-cookie', [
          setCookie(SESSION_COOKIE, id, { secure: deps.secure, maxAgeSeconds: SESSION_TTL_MS / 1000 }),
          setCookie(LOGIN_CSRF_COOKIE, '', { secure: deps.secure, maxAgeSeconds: 0 }),
        ]);
        return reply.redirect(next, 303);
      },
    );

    app.post('/logout', { schema: { body: { type: 'object', additionalProperties: false, properties: { _csrf: CSRF } } } }, async (request, reply) => {
      await sessions.destroy(cookieValue(request.headers.cookie, SESSION_COOKIE));
      void reply.header('set-cookie', setCookie(SESSION_COOKIE, '', { secure: deps.secure, maxAgeSeconds: 0 }));
      return reply.redirect('/login', 303);
    });

    // --- pages ----------------------------------------------------------------------------------

    app.get('/', { schema: { querystring: NO_QUERY } }, async (request, reply) => {
      const now = new Date();
      const open = Object.fromEntries(SEVERITIES.map((s) => [s, 0])) as Record<Severity, number>;
      const facts = await overview.get(now);
      for (const c of facts.counts) if (ACTIVE_STATUSES.includes(c.status)) open[c.severity] += c.count;
      const slaBreaches = slaBreachesAt(facts, now);
      const trend = facts.trend;
      const lastRun = (await ledger.listRuns({ limit: 1 }))[0];
      const nextRuns = deps.schedules().map((s) => ({ name: s.name, running: s.running, at: nextFire(s.cron, now) }));
      const body = P.overviewBody({ open, trend, slaBreaches, lastRun, nextRuns });
      // the panel shows what /uptime shows, to the roles that may open it, and only when there are probes
      const probes = mayUse(viewer(request).principal.role, 'GET /uptime') ? await probeCache.get(now) : [];
      return show(request, reply, 'Overview', '/', probes.length ? html`${availabilityPanel(probes)}${body}` : body);
    });

    uptimePageRoutes(app, { ledger, ...(deps.config ? { config: deps.config } : {}), show });

    app.get<{ Querystring: P.FindingFilters & { cursor?: string } }>(
      '/findings',
      {
        schema: {
          querystring: {
            type: 'object',
            additionalProperties: false,
            properties: { severity: TEXT, status: TEXT, scanner: TEXT, target: TEXT, text: TEXT, cursor: { type: 'string', pattern: '^[A-Za-z0-9_-]{0,64}$' } },
          },
        },
      },
      async (request, reply) => {
        const q = request.query;
        const severity = SEVERITIES.find((s) => s === q.severity);
        const status: FindingStatus[] | undefined = q.status === 'all' ? undefined : q.status && (FINDING_STATUSES as readonly string[]).includes(q.status) ? [q.status as FindingStatus] : [...ACTIVE_STATUSES];
        await ledger.expireAcceptances();
        const found = await ledger.listFindings({
          ...(status ? { status } : {}),
          ...(severity ? { severity: [severity] } : {}),
          ...(q.scanner ? { scanner: q.scanner } : {}),
          ...(q.target ? { target: q.target } : {}),
          ...(q.text ? { text: q.text } : {}),
          ...(q.cursor ? { cursor: q.cursor } : {}),
          limit: 50,
        });
        const filters: P.FindingFilters = {
          ...(severity ? { severity } : {}),
          ...(q.status ? { status: q.status } : {}),
          ...(q.scanner ? { scanner: q.scanner } : {}),
          ...(q.target ? { target: q.target } : {}),
          ...(q.text ? { text: q.text } : {}),
        };
        const nextHref = `/findings?${new URLSearchParams({ ...filters, ...(found.next ? { cursor: found.next } : {}) }).toString()}`;
        return show(request, reply, 'Findings', '/findings', P.findingsBody(filters, found.findings, found.next, nextHref));
      },
    );

    app.get<{ Params: { id: number }; Querystring: { saved?: string } }>(
      '/findings/:id',
      { schema: { params: INTEGER_ID_PARAMS, querystring: { type: 'object', additionalProperties: false, properties: { saved: { type: 'string', maxLength: 1 } } } } },
      async (request, reply) => {
        const f = await findingOr404(ledger, request.params.id);
        const body = P.findingBody(viewer(request), f, await ledger.findingEvents(f.id), request.query.saved ? { notice: 'Triage saved.' } : {});
        return show(request, reply, `Finding #${f.id}: ${f.title}`, '/findings', body);
      },
    );

    app.post<{ Params: { id: number }; Body: Record<string, string | undefined> }>(
      '/findings/:id/triage',
      {
        schema: {
          params: INTEGER_ID_PARAMS,
          body: { type: 'object', additionalProperties: false, properties: { status: TEXT, justification: LONG, approver: TEXT, expires: TEXT, note: LONG, _csrf: CSRF } },
        },
      },
      async (request, reply) => {
        const id = request.params.id;
        const b = request.body;
        const given = (k: string) => (b[k] ? { [k]: b[k] } : {});
        try {
          if (!(TRIAGE_STATUSES as readonly string[]).includes(b.status ?? '')) throw new VigilError('VIGIL_ERR_API_INVALID', `status must be one of ${TRIAGE_STATUSES.join(', ')}`);
          await ledger.triage(id, {
            status: b.status as TriageStatus,
            actor: actorOf(request),
            ...given('justification'),
            ...given('approver'),
            ...given('expires'),
            ...given('note'),
          });
        } catch (e) {
          if (!isVigilError(e) || e.statusCode >= 500 || e.code === 'VIGIL_ERR_FINDING_NOT_FOUND') throw e;
          const f = await findingOr404(ledger, id);
          const values = Object.fromEntries(Object.entries(b).filter(([k, v]) => k !== '_csrf' && v !== undefined)) as Record<string, string>;
          const body = P.findingBody(viewer(request), f, await ledger.findingEvents(id), { error: e.message, values });
          return show(request, reply.code(e.statusCode), `Finding #${f.id}: ${f.title}`, '/findings', body);
        }
        return reply.redirect(`/findings/${id}?saved=1`, 303);
      },
    );

    app.get<{ Querystring: { status: 'open' | 'resolved' | 'all' } }>(
      '/incidents',
      { schema: { querystring: { type: 'object', additionalProperties: false, properties: { status: { type: 'string', enum: ['open', 'resolved', 'all'], default: 'open' } } } } },
      async (request, reply) => {
        const status = request.query.status;
        const now = new Date();
        const list = await ledger.incidents.list({ ...(status !== 'all' ? { status } : {}), limit: 200 });
        return show(request, reply, 'Incidents', '/incidents', P.incidentsBody(list.map((r) => incidentView(r, now)), status));
      },
    );

    app.get<{ Params: { id: number }; Querystring: { saved?: string } }>(
      '/incidents/:id',
      { schema: { params: INTEGER_ID_PARAMS, querystring: { type: 'object', additionalProperties: false, properties: { saved: { type: 'string', maxLength: 1 } } } } },
      async (request, reply) => {
        const rec = await ledger.incidents.get(request.params.id);
        if (!rec) throw new VigilError('VIGIL_ERR_INCIDENT_NOT_FOUND', `no incident with id ${request.params.id}`);
        const now = new Date();
        const v = incidentView(rec, now);
        return show(request, reply, `Incident #${v.id}: ${v.title}`, '/incidents', P.incidentBody(viewer(request), v, now, request.query.saved ? { notice: 'Recorded.' } : {}));
      },
    );

    // an incident action from the incident page: one event of the chain with the user as actor, as POST /api/incidents/:id/ack and /resolve
    app.post<{ Params: { id: number }; Body: Record<string, string | undefined> }>(
      '/incidents/:id/act',
      {
        schema: {
          params: INTEGER_ID_PARAMS,
          body: {
            type: 'object',
            additionalProperties: false,
            required: ['action'],
            properties: { action: { type: 'string', enum: ['step', 'clock', 'waive', 'aware', 'note', 'resolve'] }, step: TEXT, clock: TEXT, note: LONG, _csrf: CSRF },
            // a clock's notice fields (GDPR Art. 33(3) and the like), as `--field id=value`
            patternProperties: { '^field_[A-Za-z0-9_.-]{1,100}$': LONG },
          },
        },
      },
      async (request, reply) => {
        const id = request.params.id;
        const b = request.body;
        const note = b.note?.trim() ? { note: b.note.trim() } : {};
        const need = (k: 'step' | 'clock'): string => {
          if (!b[k]) throw new VigilError('VIGIL_ERR_API_INVALID', `the ${b.action} action needs a ${k}`);
          return b[k];
        };
        try {
          const action: IncidentAction =
            b.action === 'step'
              ? { kind: 'step', step: need('step'), ...note }
              : b.action === 'clock'
                ? { kind: 'clock', clock: need('clock'), fields: noticeFields(b), ...note }
                : b.action === 'waive'
                  ? { kind: 'waive', clock: need('clock'), note: note.note ?? '' }
                  : b.action === 'aware'
                    ? { kind: 'aware', ...note }
                    : b.action === 'resolve'
                      ? { kind: 'resolve', ...note }
                      : { kind: 'note', note: note.note ?? '' };
          await ledger.incidents.act(id, action, { actor: actorOf(request) });
        } catch (e) {
          if (!isVigilError(e) || e.statusCode >= 500 || e.code === 'VIGIL_ERR_INCIDENT_NOT_FOUND') throw e;
          const rec = await ledger.incidents.get(id);
          if (!rec) throw e;
          const now = new Date();
          const v = incidentView(rec, now);
          return show(request, reply.code(e.statusCode), `Incident #${v.id}: ${v.title}`, '/incidents', P.incidentBody(viewer(request), v, now, { error: e.message }));
        }
        return reply.redirect(`/incidents/${id}?saved=1`, 303);
      },
    );

    app.get('/datamap', { schema: { querystring: NO_QUERY } }, async (request, reply) => {
      const found = await allFindings(ledger, { status: [...ACTIVE_STATUSES], scanner: 'datamap' }, DATAMAP_MAX);
      const byRule = new Map<string, { ruleId: string; title: string; count: number; worst: Severity }>();
      for (const f of found) {
        const r = byRule.get(f.ruleId) ?? { ruleId: f.ruleId, title: f.title, count: 0, worst: f.severity };
        r.count++;
        if (SEVERITIES.indexOf(f.severity) < SEVERITIES.indexOf(r.worst)) r.worst = f.severity;
        byRule.set(f.ruleId, r);
      }
      const rows = [...byRule.values()].sort((a, b) => SEVERITIES.indexOf(a.worst) - SEVERITIES.indexOf(b.worst) || b.count - a.count || a.ruleId.localeCompare(b.ruleId));
      return show(request, reply, 'Data map', '/datamap', P.datamapBody(rows));
    });

    app.get('/reports', { schema: { querystring: NO_QUERY } }, async (request, reply) => {
      const now = Date.now();
      const day = (ms: number) => new Date(ms).toISOString().slice(0, 10);
      if (!deps.reports) return show(request, reply, 'Reports', '/reports', P.errorPageBody('This server runs without a config, so it makes no reports.'));
      return show(request, reply, 'Reports', '/reports', P.reportsBody({ from: day(now - 90 * 86_400_000), to: day(now), ropa: true }));
    });

    app.get('/settings', { schema: { querystring: NO_QUERY } }, async (request, reply) => {
      return show(request, reply, 'Settings', '/settings', P.settingsBody(viewer(request), await ledger.auth.listTokens(), {}));
    });

    app.post<{ Body: { name?: string; role?: string; expires?: string } }>(
      '/settings/tokens',
      { schema: { body: { type: 'object', additionalProperties: false, properties: { name: TEXT, role: TEXT, expires: TEXT, _csrf: CSRF } } } },
      async (request, reply) => {
        const b = request.body;
        try {
          const made = await ledger.auth.createToken({ name: b.name ?? '', role: b.role ?? '', expires: b.expires || null }, { actor: actorOf(request) });
          void reply.header('cache-control', 'no-store');
          return show(request, reply, 'Settings', '/settings', P.settingsBody(viewer(request), await ledger.auth.listTokens(), { created: { name: made.token.name, secret: made.secret } }));
        } catch (e) {
          if (!isVigilError(e) || e.statusCode >= 500) throw e;
          return show(request, reply.code(e.statusCode), 'Settings', '/settings', P.settingsBody(viewer(request), await ledger.auth.listTokens(), { error: e.message }));
        }
      },
    );

    app.post<{ Params: { id: number } }>(
      '/settings/tokens/:id/revoke',
      { schema: { params: INTEGER_ID_PARAMS, body: { type: 'object', additionalProperties: false, properties: { _csrf: CSRF } } } },
      async (request, reply) => {
        await ledger.auth.revokeToken(request.params.id, { actor: actorOf(request) });
        return reply.redirect('/settings', 303);
      },
    );

    // --- live run progress ----------------------------------------------------------------------

    const streams = new Set<Socket>();
    app.addHook('preClose', async () => {
      // a stream never ends by itself: end it and drop its connection, or closing would wait for the browser
      for (const s of streams) s.destroy();
      streams.clear();
    });
    app.get('/events', { schema: { querystring: NO_QUERY } }, async (_request, reply) => {
      reply.hijack();
      const raw = reply.raw;
      raw.writeHead(200, { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-store', 'x-content-type-options': 'nosniff' });
      raw.write('retry: 10000\n\n');
      for (const r of deps.schedules().filter((s) => s.running)) raw.write(sse({ phase: 'started', trigger: `schedule:${r.name}`, at: new Date().toISOString() }));
      const onRun = (e: RunEvent) => raw.write(sse(e));
      deps.runEvents?.on('run', onRun);
      // a comment now and then keeps proxies from closing an idle stream
      const beat = setInterval(() => raw.write(': keep-alive\n\n'), 25_000);
      beat.unref();
      const socket = raw.socket;
      if (socket) {
        streams.add(socket);
        socket.once('close', () => streams.delete(socket));
      }
      // the response's close: the stream ended or the browser went away (the request's own close comes earlier)
      raw.once('close', () => {
        clearInterval(beat);
        deps.runEvents?.off('run', onRun);
      });
    });
  };
}

function sse(e: RunEvent): string {
  return `event: run\ndata: ${JSON.stringify(e)}\n\n`;
}

function send(reply: FastifyReply, body: string): FastifyReply {
  return reply.header('content-type', 'text/html; charset=utf-8').header('cache-control', 'no-store').send(body);
}

/** The notice fields of a clock form (`field_<id>`), the empty ones left out. */
function noticeFields(body: Record<string, string | undefined>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(body)) if (k.startsWith('field_') && v?.trim()) out[k.slice('field_'.length)] = v.trim();
  return out;
}

/** Where to go after login: a path on this server only (never `//host` or a scheme). */
function safeNext(next: string | undefined): string {
  if (!next || !next.startsWith('/') || next.startsWith('//') || next.startsWith('/\\') || next.startsWith('/login')) return '/';
  return next;
}

async function findingOr404(ledger: Ledger, id: number): Promise<LedgerFinding> {
  const f = await ledger.getFinding(id);
  if (!f) throw new VigilError('VIGIL_ERR_FINDING_NOT_FOUND', `no finding with id ${id}`);
  return f;
}

/** Every finding of a query, a page at a time, up to `max`. */
async function allFindings(ledger: Ledger, q: { status: FindingStatus[]; scanner?: string }, max: number): Promise<LedgerFinding[]> {
  const out: LedgerFinding[] = [];
  let cursor: string | undefined;
  for (;;) {
    const page = await ledger.listFindings({ ...q, limit: 1000, ...(cursor ? { cursor } : {}) });
    out.push(...page.findings);
    if (!page.next || out.length >= max) return out;
    cursor = page.next;
  }
}

function nextFire(cron: string, now: Date): string | null {
  try {
    return CronExpressionParser.parse(cron, { currentDate: now, tz: 'UTC' }).next().toDate().toISOString();
  } catch {
    return null;
  }
}
