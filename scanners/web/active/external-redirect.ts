/**
 * 20019 External Redirect. Set the parameter to a URL on a host that cannot exist
 * (`vigil-redirect.invalid`, RFC 6761) in a few spellings browsers accept, and alert when the
 * response sends the browser there: a 3xx Location, a Refresh header, a meta refresh, or a script
 * assigning location. Redirects are never followed (the client would refuse the host anyway);
 * the 3xx itself is the evidence.
 */
import { extractMetaRefresh } from '../html.js';
import type { ActiveRule, AttackPoint, HttpClient, WebAlert } from '../types.js';
import { attackAlert, headerValue, sendAttack } from './shared.js';

const ID = '20019';
export const REDIRECT_HOST = 'vigil-redirect.invalid';

const PAYLOADS = [`https://${REDIRECT_HOST}/`, `//${REDIRECT_HOST}/`, `HtTp://${REDIRECT_HOST}/`, `/\\${REDIRECT_HOST}/`, `\\\\${REDIRECT_HOST}/`];

/** True when a redirect target, resolved against the page the way a browser would, lands on our host. */
function pointsToUs(target: string, pageUrl: string): boolean {
  try {
    // WHATWG URL parsing treats backslashes like slashes for http(s), as browsers do
    return new URL(target.trim(), pageUrl).hostname === REDIRECT_HOST;
  } catch {
    return false;
  }
}

const JS_LOCATION = /\b(?:(?:window|document|top|self|parent)\.)?location(?:\.href)?\s*=\s*(['"`])([^'"`]*)\1|\blocation\.(?:replace|assign)\(\s*(['"`])([^'"`]*)\3/g;

/** How the response redirects to our host (the evidence), or undefined. */
function redirectEvidence(status: number, location: string | undefined, refresh: string | undefined, body: string, pageUrl: string): string | undefined {
  if (status >= 300 && status < 400 && location !== undefined && pointsToUs(location, pageUrl)) return location;
  if (refresh !== undefined) {
    const m = /url\s*=\s*['"]?([^'"]+)/i.exec(refresh);
    if (m?.[1] && pointsToUs(m[1], pageUrl)) return refresh;
  }
  if (!body.includes(REDIRECT_HOST)) return undefined;
  const meta = extractMetaRefresh(body, pageUrl);
  if (meta !== undefined && pointsToUs(meta, pageUrl)) return meta;
  for (const m of body.matchAll(JS_LOCATION)) {
    const target = m[2] ?? m[4];
    if (target !== undefined && pointsToUs(target, pageUrl)) return m[0];
  }
  return undefined;
}

async function run(point: AttackPoint, client: HttpClient, signal?: AbortSignal): Promise<WebAlert[]> {
  for (const payload of PAYLOADS) {
    const sent = await sendAttack(client, point, payload, { followRedirects: false }, signal);
    if (!sent) continue;
    const { res } = sent;
    const evidence = redirectEvidence(res.status, headerValue(res, 'location'), headerValue(res, 'refresh'), res.body, sent.req.url);
    if (evidence !== undefined) return [attackAlert(ID, point, sent, payload, evidence)];
  }
  return [];
}

/** The external redirect rule (ZAP 20019). */
export const externalRedirectRule: ActiveRule = { id: ID, run };
