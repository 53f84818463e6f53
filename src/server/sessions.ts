import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Principal } from '../ledger/auth-store.js';

/** The dashboard's session cookie. */
export const SESSION_COOKIE = 'vigil_session';
/** The login form's CSRF cookie (double submit: the form carries the same value). */
export const LOGIN_CSRF_COOKIE = 'vigil_login_csrf';
/** How long a session lasts after login. */
export const SESSION_TTL_MS = 12 * 60 * 60_000;
/** Sessions held at most: past it the oldest are dropped (memory stays bounded). */
const MAX_SESSIONS = 10_000;

/** A logged-in person: who, the token their forms must carry, and when it ends. */
export interface Session {
  principal: Principal;
  csrf: string;
  expiresAt: number;
}

/**
 * Dashboard sessions, in memory: a restart logs everyone out. Only the SHA-256 of a session id is
 * kept, so a heap dump or a log of this map does not hand out live cookies.
 */
export class SessionStore {
  private readonly byHash = new Map<string, Session>();

  constructor(private readonly ttlMs = SESSION_TTL_MS) {}

  /** A new session for `principal`; the id goes in the cookie and is not kept. */
  create(principal: Principal, now = Date.now()): { id: string; session: Session } {
    if (this.byHash.size >= MAX_SESSIONS) this.prune(now);
    const id = randomBytes(32).toString('base64url');
    const session: Session = { principal, csrf: randomBytes(32).toString('base64url'), expiresAt: now + this.ttlMs };
    this.byHash.set(hashOf(id), session);
    return { id, session };
  }

  /** The live session a cookie's id names, if any. */
  get(id: string | undefined, now = Date.now()): Session | undefined {
    if (!id || id.length > 200) return undefined;
    const h = hashOf(id);
    const s = this.byHash.get(h);
    if (!s) return undefined;
    if (s.expiresAt <= now) {
      this.byHash.delete(h);
      return undefined;
    }
    return s;
  }

  destroy(id: string | undefined): void {
    if (id) this.byHash.delete(hashOf(id));
  }

  private prune(now: number): void {
    for (const [h, s] of this.byHash) if (s.expiresAt <= now) this.byHash.delete(h);
    for (const h of this.byHash.keys()) {
      if (this.byHash.size < MAX_SESSIONS) break;
      this.byHash.delete(h);
    }
  }
}

function hashOf(id: string): string {
  return createHash('sha256').update(id).digest('hex');
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
