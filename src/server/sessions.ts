import { timingSafeEqual } from 'node:crypto';
import type { AuthStore, Principal } from '../ledger/auth-store.js';

/** The dashboard's session cookie. */
export const SESSION_COOKIE = 'vigil_session';
/** The login form's CSRF cookie (double submit: the form carries the same value). */
export const LOGIN_CSRF_COOKIE = 'vigil_login_csrf';
/** How long a session lasts after login. */
export const SESSION_TTL_MS = 12 * 60 * 60_000;

/** A logged-in person: who, the token their forms must carry, and when it ends. */
export interface Session {
  principal: Principal;
  csrf: string;
  expiresAt: number;
}

/**
 * Dashboard sessions, kept in the ledger (its `sessions` table): every `vigil serve` on the same
 * ledger knows them, a restart logs no one out, and each read takes the user as they are now (a
 * disabled user is logged out at their next request; a changed role applies at once). Only the
 * SHA-256 of a session id is stored, so a copy of the database does not hand out live cookies.
 */
export class SessionStore {
  constructor(
    private readonly auth: AuthStore,
    private readonly ttlMs = SESSION_TTL_MS,
  ) {}

  /** A new session for a user; the id goes in the cookie and is not kept. */
  async create(principal: Principal, now = new Date()): Promise<{ id: string; session: Session }> {
    if (principal.kind !== 'user') throw new Error('only a user logs in to the dashboard');
    const s = await this.auth.createSession(principal.id, { ttlMs: this.ttlMs, now });
    return { id: s.id, session: { principal, csrf: s.csrf, expiresAt: Date.parse(s.expiresAt) } };
  }

  /** The live session a cookie's id names, if any. */
  async get(id: string | undefined, now = new Date()): Promise<Session | undefined> {
    if (!id) return undefined;
    const s = await this.auth.session(id, { now });
    return s ? { principal: s.principal, csrf: s.csrf, expiresAt: Date.parse(s.expiresAt) } : undefined;
  }

  async destroy(id: string | undefined): Promise<void> {
    if (id) await this.auth.endSession(id);
  }
}

/** A cookie's value from a Cookie header, or undefined. */
export function cookieValue(header: string | undefined, name: string): string | undefined {
  if (!header) return undefined;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq < 0) continue;
    if (part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim();
  }
  return undefined;
}

/** A Set-Cookie value: HttpOnly, SameSite=Strict, Path=/, and Secure over HTTPS; `maxAgeSeconds` 0 clears it. */
export function setCookie(name: string, value: string, opts: { secure: boolean; maxAgeSeconds: number }): string {
  return `${name}=${value}; Max-Age=${opts.maxAgeSeconds}; Path=/; HttpOnly; SameSite=Strict${opts.secure ? '; Secure' : ''}`;
}

/** Two tokens equal, in constant time. */
export function sameToken(a: unknown, b: string): boolean {
  if (typeof a !== 'string') return false;
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}
