/**
 * Cookies as observed fields, and what a cookie's name says it holds.
 *
 * What the web scanner records today: it keeps no list of the cookies it saw. Its passive rules
 * 10010 (no HttpOnly), 10011 (no Secure, HTTPS only) and 10054 (no or a weak SameSite) report
 * each offending cookie once per origin, as a finding whose location is `{ kind: 'web', url,
 * param: <cookie name> }`, and the ledger keeps those findings under the URL target's name. So
 * the cookies that can be recovered are the ones that break at least one of those rules; a
 * cookie set with HttpOnly, Secure and SameSite=Lax/Strict leaves no trace, and neither does a
 * cookie set only by JavaScript (the embedded engine does not run scripts).
 * `cookiesFromWebFindings` turns those findings (from `ledger.listFindings({ scanner: 'web',
 * target })`) into observed fields.
 */
import type { Finding } from '../../../src/model/finding.js';
import type { Classification, ObservedField } from '../types.js';
import { classifyColumn } from './classify.js';
import { tokenise } from './tokens.js';

/** The web scanner's rules (ZAP plugin ids) whose findings name a cookie in `location.param`. */
export const WEB_COOKIE_RULE_IDS: ReadonlySet<string> = new Set(['10010', '10011', '10054']);

/**
 * The cookies named by web-scanner findings, one observed field per origin and cookie name.
 * Findings the ledger marks `fixed` are left out: the cookie may be gone, or merely fixed.
 */
export function cookiesFromWebFindings(findings: readonly (Finding & { status?: string })[]): ObservedField[] {
  const out: ObservedField[] = [];
  const seen = new Set<string>();
  for (const f of findings) {
    if (f.scanner !== 'web' || !WEB_COOKIE_RULE_IDS.has(f.ruleId) || f.status === 'fixed') continue;
    const loc = f.location;
    if (loc.kind !== 'web' || !loc.param) continue;
    let origin: string;
    try {
      origin = new URL(loc.url).origin;
    } catch {
      continue;
    }
    const key = `${origin}\u0000${loc.param}`;
    if (seen.has(key)) continue;
    seen.add(key);
    out.push({ origin: 'cookie', source: loc.url, table: origin, column: loc.param });
  }
  return out;
}

interface KnownCookie {
  /** The name, or its start when it ends with `*`. */
  name: string;
  what: string;
}

/** Tracking and analytics cookies by their well-known names: each identifies a browser or a person. */
const KNOWN_TRACKERS: readonly KnownCookie[] = [
  { name: '_ga', what: 'Google Analytics' },
  { name: '_ga_*', what: 'Google Analytics' },
  { name: '_gid', what: 'Google Analytics' },
  { name: '_gat*', what: 'Google Analytics' },
  { name: '__utm*', what: 'Google Analytics (classic)' },
  { name: '_gcl_*', what: 'Google Ads' },
  { name: '_fbp', what: 'Meta Pixel' },
  { name: '_fbc', what: 'Meta Pixel' },
  { name: '_hj*', what: 'Hotjar' },
  { name: 'ajs_anonymous_id', what: 'Segment' },
  { name: 'ajs_user_id', what: 'Segment' },
  { name: 'mp_*', what: 'Mixpanel' },
  { name: 'amp_*', what: 'Amplitude' },
  { name: 'hubspotutk', what: 'HubSpot' },
  { name: '__hs*', what: 'HubSpot' },
  { name: 'intercom-*', what: 'Intercom' },
  { name: '__stripe_mid', what: 'Stripe fraud prevention' },
  { name: '__stripe_sid', what: 'Stripe fraud prevention' },
  { name: '_clck', what: 'Microsoft Clarity' },
  { name: '_clsk', what: 'Microsoft Clarity' },
  { name: 'muid', what: 'Microsoft Advertising' },
  { name: '_uetsid', what: 'Microsoft Advertising' },
  { name: '_uetvid', what: 'Microsoft Advertising' },
  { name: '_ttp', what: 'TikTok Pixel' },
  { name: 'li_*', what: 'LinkedIn Insight' },
  { name: 'bcookie', what: 'LinkedIn' },
  { name: '_pin_unauth', what: 'Pinterest Tag' },
  { name: '_rdt_uuid', what: 'Reddit Pixel' },
  { name: 'phpsessid', what: 'PHP session' },
  { name: 'jsessionid', what: 'Java servlet session' },
  { name: 'asp.net_sessionid', what: 'ASP.NET session' },
  { name: 'connect.sid', what: 'Express session' },
];

function knownTracker(name: string): KnownCookie | undefined {
  const n = name.toLowerCase();
  return KNOWN_TRACKERS.find((k) => (k.name.endsWith('*') ? n.startsWith(k.name.slice(0, -1)) : n === k.name));
}

/** Words that make a cookie a session or login cookie: an identifier of the browser's session. */
const SESSION_WORDS = new Set(['session', 'sess', 'sid', 'auth', 'token', 'login', 'remember', 'jwt', 'csrf', 'xsrf']);

/**
 * What a cookie holds, by its name: a known tracker's or a session cookie's id, else what the
 * column classifier makes of the name (a cookie named `email` holds an e-mail address), else
 * "data stored in a cookie" with low confidence: every undeclared cookie is drift.
 */
export function classifyCookie(name: string): Classification {
  const known = knownTracker(name);
  if (known) return { category: 'user.device.cookie_id', confidence: 'high', reason: `cookie "${name}" (${known.what})` };
  const words = tokenise(name);
  const byName = classifyColumn(name);
  if (byName && byName.category !== 'user.authorization.credentials' && byName.category !== 'user.device.cookie_id') return { ...byName, reason: `cookie ${byName.reason}` };
  if (byName || words.some((w) => SESSION_WORDS.has(w))) return { category: 'user.device.cookie_id', confidence: 'high', reason: `cookie "${name}" (session or login)` };
  return { category: 'user.device.cookie', confidence: 'low', reason: `cookie "${name}"` };
}
