/**
 * Cookie attribute rules, per cookie set in Set-Cookie: no HttpOnly (10010), no Secure on HTTPS
 * (10011), no or a weak SameSite (10054). Each cookie name is reported once per origin and rule,
 * and cookies being deleted (expired) are skipped, as ZAP does.
 */
import type { Exchange, PassiveContext, PassiveRule, WebAlert } from '../types.js';
import { firstTime, headerValues, isHttps, makeAlert, originOf, urlOf, type AlertFields } from './util.js';

export interface SetCookie {
  name: string;
  value: string;
  /** Lower-case attribute names → values ('' for flags). */
  attrs: Map<string, string>;
  /** The header value as received. */
  raw: string;
}

/** Parse one Set-Cookie header value (RFC 6265 §5.2, leniently). */
export function parseSetCookie(raw: string): SetCookie | undefined {
  const [pair, ...rest] = raw.split(';');
  const eq = pair!.indexOf('=');
  if (eq < 0) return undefined;
  const name = pair!.slice(0, eq).trim();
  if (!name) return undefined;
  const attrs = new Map<string, string>();
  for (const a of rest) {
    const i = a.indexOf('=');
    const k = (i < 0 ? a : a.slice(0, i)).trim().toLowerCase();
    if (k && !attrs.has(k)) attrs.set(k, i < 0 ? '' : a.slice(i + 1).trim());
  }
  return { name, value: pair!.slice(eq + 1).trim(), attrs, raw };
}

/** True for a cookie the server is deleting: Max-Age ≤ 0, or Expires in the past. */
export function isExpired(c: SetCookie, now = Date.now()): boolean {
  const maxAge = c.attrs.get('max-age');
  if (maxAge !== undefined && /^-?\d+$/.test(maxAge)) return Number(maxAge) <= 0;
  const exp = c.attrs.get('expires');
  if (exp !== undefined) {
    const t = Date.parse(exp);
    return Number.isFinite(t) && t < now;
  }
  return false;
}

/** The live cookies this response sets. */
export function cookiesOf(ex: Exchange): SetCookie[] {
  // set-cookie is always an array in node; a string (hand-built exchanges) may still be one cookie
  return headerValues(ex, 'set-cookie').map(parseSetCookie).filter((c): c is SetCookie => c !== undefined && !isExpired(c));
}

function perCookie(ex: Exchange, ctx: PassiveContext, id: string, c: SetCookie, f: AlertFields = {}): WebAlert[] {
  if (!firstTime(ctx, `${id}|${originOf(urlOf(ex))}|${c.name}`)) return [];
  return [makeAlert(ex, id, { param: c.name, evidence: `Set-Cookie: ${c.name}`, ...f })];
}

export const cookieNoHttpOnly: PassiveRule = {
  id: '10010',
  check(ex, ctx) {
    return cookiesOf(ex).filter((c) => !c.attrs.has('httponly')).flatMap((c) => perCookie(ex, ctx, '10010', c));
  },
};

export const cookieNoSecure: PassiveRule = {
  id: '10011',
  check(ex, ctx) {
    // over plain HTTP a Secure cookie would not even be stored, so ZAP only asks on HTTPS
    if (!isHttps(ex)) return [];
    return cookiesOf(ex).filter((c) => !c.attrs.has('secure')).flatMap((c) => perCookie(ex, ctx, '10011', c));
  },
};

export const cookieSameSite: PassiveRule = {
  id: '10054',
  check(ex, ctx) {
    const out: WebAlert[] = [];
    for (const c of cookiesOf(ex)) {
      const ss = c.attrs.get('samesite');
      if (ss === undefined) out.push(...perCookie(ex, ctx, '10054', c));
      else if (ss.toLowerCase() === 'none') out.push(...perCookie(ex, ctx, '10054', c, { name: 'Cookie with SameSite Attribute None' }));
      else if (!['lax', 'strict'].includes(ss.toLowerCase())) out.push(...perCookie(ex, ctx, '10054', c, { name: 'Cookie with Invalid SameSite Attribute' }));
    }
    return out;
  },
};

export const COOKIE_RULES: PassiveRule[] = [cookieNoHttpOnly, cookieNoSecure, cookieSameSite];
