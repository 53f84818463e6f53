import type { FastifyInstance, FastifyReply, FastifyRequest, RequestPayload, RouteOptions } from 'fastify';
import { VigilError } from '../errors.js';
import type { AuthStore, Principal } from '../ledger/auth-store.js';
import { accessFor, describeAccess, isPageRoute, type Access } from './permissions.js';
import { SESSION_COOKIE, cookieValue, type Session, type SessionStore } from './sessions.js';

declare module 'fastify' {
  interface FastifyRequest {
    /** Who the request acts as; set by the route's auth check (null on public routes). */
    principal: Principal | null;
    /** The dashboard session the request came with, when its auth check accepted one. */
    session: Session | null;
  }
  interface FastifyInstance {
    /** Every route registered, with who may call it (its row of PERMISSIONS). */
    vigilRoutes: readonly { method: string; url: string; access: Access }[];
  }
}

/** How many failed credential checks one address may make in a window before it is refused outright. */
export interface FailureLimit {
  max: number;
  windowMs: number;
}

export const DEFAULT_FAILURE_LIMIT: FailureLimit = { max: 20, windowMs: 10 * 60_000 };

/** Addresses tracked at most: past it the oldest windows are dropped, so a spray of addresses cannot grow memory without bound. */
const MAX_TRACKED = 10_000;

/** Failed token and password checks per address, in fixed windows. */
export class FailureCounter {
  private readonly windows = new Map<string, { count: number; resetAt: number }>();

  constructor(private readonly limit: FailureLimit) {}

  /** Milliseconds until `ip` may try again, or 0 when it may now. */
  blockedFor(ip: string, now = Date.now()): number {
    const w = this.windows.get(ip);
    if (!w) return 0;
    if (w.resetAt <= now) {
      this.windows.delete(ip);
      return 0;
    }
    return w.count >= this.limit.max ? w.resetAt - now : 0;
  }

  note(ip: string, now = Date.now()): void {
    let w = this.windows.get(ip);
    if (!w || w.resetAt <= now) {
      this.windows.delete(ip);
      if (this.windows.size >= MAX_TRACKED) this.prune(now);
      w = { count: 0, resetAt: now + this.limit.windowMs };
      this.windows.set(ip, w);
    }
    w.count++;
  }

  private prune(now: number): void {
    for (const [ip, w] of this.windows) if (w.resetAt <= now) this.windows.delete(ip);
    // still full: drop the oldest windows (a Map iterates in insertion order)
    for (const ip of this.windows.keys()) {
      if (this.windows.size < MAX_TRACKED) break;
      this.windows.delete(ip);
    }
  }
}

/**
 * Give every route the auth check its row of PERMISSIONS says, as the route is registered; a route
 * the table does not name refuses to register, so none can be added without deciding who may call it.
 * Installed on the root instance before any route is registered.
 */
export function installAuth(app: FastifyInstance, store: AuthStore, limit: FailureLimit, sessions?: SessionStore): FailureCounter {
  const failures = new FailureCounter(limit);
  const registered: { method: string; url: string; access: Access }[] = [];
  app.decorate('vigilRoutes', registered);
  app.decorateRequest('principal', null);
  app.decorateRequest('session', null);
  app.addHook('onRoute', (route: RouteOptions) => {
    const methods = Array.isArray(route.method) ? route.method : [route.method];
    const rules = methods.map((m) => accessFor(m, route.url));
    const access = rules[0];
    if (!access || rules.some((r) => r !== access)) {
      throw new VigilError('VIGIL_ERR_INTERNAL', `route ${methods.join(',')} ${route.url} has no row in src/server/permissions.ts: decide who may call it there`);
    }
    for (const method of methods) registered.push({ method, url: route.url, access });
    route.schema = { ...route.schema, ...documentAccess(route.schema, access) };
    if (access === 'public') return;
    const check = methods.every((m) => isPageRoute(m, route.url)) ? sessionCheck(sessions, access) : authCheck(store, failures, access, sessions);
    // preParsing: after the rate limit (onRequest), so a flood is refused before any credential is
    // looked at; before the body is read, so nobody unauthenticated makes the server parse one
    const hook = async (request: FastifyRequest, reply: FastifyReply, payload: RequestPayload): Promise<RequestPayload> => {
      await check(request, reply);
      return payload;
    };
    const prior = route.preParsing;
    route.preParsing = prior === undefined ? [hook] : Array.isArray(prior) ? [hook, ...prior] : [hook, prior];
  });
  return failures;
}

/**
 * A dashboard page's check: a live session (the cookie), whose role the page's row allows. Tokens
 * and Basic credentials are not taken here: a browser sends Basic credentials by itself, so a form
 * that took them could be posted from another site.
 */
function sessionCheck(sessions: SessionStore | undefined, allowed: readonly string[]) {
  return async (request: FastifyRequest): Promise<void> => {
    const session = await sessions?.get(cookieValue(request.headers.cookie, SESSION_COOKIE));
    if (!session) throw new VigilError('VIGIL_ERR_AUTH_REQUIRED', 'log in to use the dashboard');
    if (!allowed.includes(session.principal.role)) {
      throw new VigilError('VIGIL_ERR_AUTH_FORBIDDEN', `role ${session.principal.role} may not ${request.method} ${request.routeOptions.url} (roles that may: ${allowed.join(', ')})`);
    }
    request.session = session;
    request.principal = session.principal;
  };
}

/** The route's roles in its OpenAPI description, and the security it needs. */
function documentAccess(schema: RouteOptions['schema'], access: Access): Record<string, unknown> {
  const s = (schema ?? {}) as { description?: string };
  return {
    description: [s.description, `Access — ${describeAccess(access)}.`].filter(Boolean).join('\n\n'),
    security: access === 'public' ? [] : [{ bearerAuth: [] }, { basicAuth: [] }],
  };
}

function authCheck(store: AuthStore, failures: FailureCounter, allowed: readonly string[], sessions: SessionStore | undefined) {
  return async (request: FastifyRequest, reply: FastifyReply): Promise<void> => {
    const ip = request.ip;
    const wait = failures.blockedFor(ip);
    if (wait > 0) {
      void reply.header('retry-after', String(Math.ceil(wait / 1000)));
      throw new VigilError('VIGIL_ERR_API_RATE_LIMITED', `too many failed token or password checks from this address; try again in ${Math.ceil(wait / 1000)} s`);
    }
    const header = request.headers.authorization;
    // the dashboard's session is taken for reading only (its report links, its live events): a
    // request that changes something carries a token or Basic credentials, which no other site can send
    const session = !header && request.method === 'GET' ? await sessions?.get(cookieValue(request.headers.cookie, SESSION_COOKIE)) : undefined;
    if (session) {
      if (!allowed.includes(session.principal.role)) {
        throw new VigilError('VIGIL_ERR_AUTH_FORBIDDEN', `role ${session.principal.role} may not ${request.method} ${request.routeOptions.url} (roles that may: ${allowed.join(', ')})`);
      }
      request.session = session;
      request.principal = session.principal;
      return;
    }
    // a token is read from the Authorization header only: query strings end up in logs and histories
    if (!header) throw new VigilError('VIGIL_ERR_AUTH_REQUIRED', 'this route needs credentials: Authorization: Bearer <token> (vigil tokens create) or HTTP Basic (vigil users add)');
    const principal = await authenticate(store, header);
    if (typeof principal === 'string') {
      failures.note(ip);
      throw new VigilError('VIGIL_ERR_AUTH_REQUIRED', principal);
    }
    if (!allowed.includes(principal.role)) {
      throw new VigilError('VIGIL_ERR_AUTH_FORBIDDEN', `role ${principal.role} may not ${request.method} ${request.routeOptions.url} (roles that may: ${allowed.join(', ')})`);
    }
    request.principal = principal;
  };
}

/** The principal an Authorization header names, or why it names none (a message for the client). */
async function authenticate(store: AuthStore, header: string): Promise<Principal | string> {
  const sp = header.indexOf(' ');
  const scheme = (sp < 0 ? header : header.slice(0, sp)).toLowerCase();
  const value = sp < 0 ? '' : header.slice(sp + 1).trim();
  if (scheme === 'bearer') {
    const r = await store.resolveToken(value);
    if (r.ok) return r.principal;
    return r.reason === 'expired' ? 'the token has expired' : r.reason === 'revoked' ? 'the token was revoked' : 'the token is not valid';
  }
  if (scheme === 'basic') {
    const decoded = value.length <= 1024 ? Buffer.from(value, 'base64').toString('utf8') : '';
    const colon = decoded.indexOf(':');
    if (colon <= 0) return 'HTTP Basic: send base64 of name:password';
    const r = await store.checkPassword(decoded.slice(0, colon), decoded.slice(colon + 1));
    if (r.ok) return r.principal;
    // one message for an unknown name, a wrong password and a disabled user: none tells which names exist
    return 'wrong user name or password, or the user is disabled';
  }
  return 'the Authorization header must be Bearer <token> or Basic <credentials>';
}
