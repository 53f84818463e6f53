/**
 * Site-wide response-header rules of ZAP's baseline: anti-clickjacking (10020), nosniff (10021),
 * HSTS (10035), CSP missing (10038), Permissions-Policy (10063), Server version (10036),
 * X-Powered-By (10037), cache control (10015) and CORS (10098). Missing-header problems are a
 * property of the site, so each is reported once per origin and variant, as the baseline does.
 */
import type { Exchange, PassiveContext, PassiveRule, WebAlert } from '../types.js';
import {
  firstTime, header, headerValues, isCss, isFont, isHtml, isHttps, isImage, isJavaScript, isSuccess, makeAlert,
  metaHttpEquiv, originOf, siteKey, urlOf, type AlertFields,
} from './util.js';

/** Report a site-wide problem the first time it is seen on this origin. */
function once(ex: Exchange, ctx: PassiveContext, id: string, f: AlertFields): WebAlert[] {
  return firstTime(ctx, siteKey(ex, id, f.name ?? '')) ? [makeAlert(ex, id, f)] : [];
}

/** Directive names of a CSP, lower-case. */
function cspDirectiveNames(policy: string): string[] {
  return policy.split(';').map((d) => d.trim().split(/\s+/)[0]!.toLowerCase()).filter(Boolean);
}

export const antiClickjacking: PassiveRule = {
  id: '10020',
  check(ex, ctx) {
    // ZAP at its default threshold: only successful HTML pages can be framed to any effect
    if (!isHtml(ex) || !isSuccess(ex)) return [];
    // frame-ancestors supersedes X-Frame-Options (CSP Level 2), so ZAP stays quiet when it is there
    if (headerValues(ex, 'content-security-policy').some((p) => cspDirectiveNames(p).includes('frame-ancestors'))) return [];
    const raw = headerValues(ex, 'x-frame-options');
    if (raw.length === 0) {
      const meta = metaHttpEquiv(ex.response.body, 'x-frame-options');
      if (meta.length) {
        return once(ex, ctx, '10020', { name: 'X-Frame-Options Defined via META (Non-compliant with Spec)', param: 'x-frame-options', evidence: meta[0]! });
      }
      return once(ex, ctx, '10020', { param: 'x-frame-options' });
    }
    // node joins repeated headers with ", "; either way it is more than one entry
    const values = raw.flatMap((v) => v.split(',')).map((v) => v.trim());
    if (values.length > 1) {
      return once(ex, ctx, '10020', { name: 'Multiple X-Frame-Options Header Entries', param: 'x-frame-options', evidence: values.join(', ') });
    }
    const v = values[0]!;
    if (!/^(?:deny|sameorigin)$/i.test(v)) {
      return once(ex, ctx, '10020', { name: 'X-Frame-Options Setting Malformed', param: 'x-frame-options', evidence: v });
    }
    return [];
  },
};

export const contentTypeOptions: PassiveRule = {
  id: '10021',
  check(ex, ctx) {
    if (!isSuccess(ex) || (ex.response.bodyBytes === 0 && ex.response.body === '')) return [];
    const v = header(ex, 'x-content-type-options');
    if (v !== undefined && v.split(',')[0]!.trim().toLowerCase() === 'nosniff') return [];
    return once(ex, ctx, '10021', {
      param: 'x-content-type-options',
      evidence: v ?? '',
      otherInfo: 'This issue still applies to error type pages (401, 403, 500, etc.) as those pages are often still affected by injection issues; only the first response of the site is reported.',
    });
  },
};

export const strictTransportSecurity: PassiveRule = {
  id: '10035',
  check(ex, ctx) {
    const values = headerValues(ex, 'strict-transport-security');
    if (!isHttps(ex)) {
      // browsers ignore HSTS over plain HTTP (RFC 6797 §8.1), which ZAP notes as informational
      if (values.length === 0) return [];
      return once(ex, ctx, '10035', { name: 'Strict-Transport-Security Header on Plain HTTP Response', risk: 0, param: 'strict-transport-security', evidence: values[0]! });
    }
    if (ex.response.status >= 300 && ex.response.status < 400) return [];
    if (values.length === 0) {
      const meta = metaHttpEquiv(ex.response.body, 'strict-transport-security');
      if (meta.length) return once(ex, ctx, '10035', { name: 'Strict-Transport-Security Defined via META (Non-compliant with Spec)', param: 'strict-transport-security', evidence: meta[0]! });
      return once(ex, ctx, '10035', { param: 'strict-transport-security' });
    }
    if (values.length > 1) return once(ex, ctx, '10035', { name: 'Strict-Transport-Security Multiple Header Entries (Non-compliant with Spec)', param: 'strict-transport-security', evidence: values.join(', ') });
    const v = values[0]!;
    const m = /(?:^|;)\s*max-age\s*=\s*"?([^";]*)"?/i.exec(v);
    if (!m) return once(ex, ctx, '10035', { name: 'Strict-Transport-Security Missing Max-Age (Non-compliant with Spec)', param: 'strict-transport-security', evidence: v });
    if (!/^\d+$/.test(m[1]!.trim())) return once(ex, ctx, '10035', { name: 'Strict-Transport-Security Max-Age Malformed (Non-compliant with Spec)', param: 'strict-transport-security', evidence: v });
    if (Number(m[1]) === 0) return once(ex, ctx, '10035', { name: 'Strict-Transport-Security Disabled', param: 'strict-transport-security', evidence: v });
    return [];
  },
};

export const cspMissing: PassiveRule = {
  id: '10038',
  check(ex, ctx) {
    if (!isHtml(ex) || !isSuccess(ex)) return [];
    const out: WebAlert[] = [];
    const hasCsp = headerValues(ex, 'content-security-policy').length > 0 || metaHttpEquiv(ex.response.body, 'content-security-policy').length > 0;
    for (const obsolete of ['x-content-security-policy', 'x-webkit-csp']) {
      const v = header(ex, obsolete);
      if (v !== undefined) out.push(...once(ex, ctx, '10038', { name: 'Obsolete Content Security Policy (CSP) Header Found', risk: 0, param: obsolete, evidence: v }));
    }
    const ro = header(ex, 'content-security-policy-report-only');
    if (ro !== undefined) out.push(...once(ex, ctx, '10038', { name: 'Content Security Policy (CSP) Report-Only Header Found', risk: 0, param: 'content-security-policy-report-only', evidence: ro }));
    if (!hasCsp) out.push(...once(ex, ctx, '10038', { param: 'content-security-policy' }));
    return out;
  },
};

export const permissionsPolicy: PassiveRule = {
  id: '10063',
  check(ex, ctx) {
    if (!isSuccess(ex) || !(isHtml(ex) || isJavaScript(ex))) return [];
    if (header(ex, 'permissions-policy') !== undefined) return [];
    const fp = header(ex, 'feature-policy');
    if (fp !== undefined) return once(ex, ctx, '10063', { name: 'Deprecated Feature Policy Header Set', param: 'feature-policy', evidence: fp });
    return once(ex, ctx, '10063', { param: 'permissions-policy' });
  },
};

export const serverVersion: PassiveRule = {
  id: '10036',
  check(ex, ctx) {
    const v = header(ex, 'server');
    // any digit, as ZAP: "Apache/2.4.1", "nginx/1.25.3", "Microsoft-IIS/10.0"
    if (v === undefined || !/\d/.test(v)) return [];
    return once(ex, ctx, '10036', { param: 'server', evidence: v });
  },
};

export const xPoweredBy: PassiveRule = {
  id: '10037',
  check(ex, ctx) {
    const values = headerValues(ex, 'x-powered-by');
    if (values.length === 0) return [];
    const lines = values.map((v) => `X-Powered-By: ${v}`);
    return once(ex, ctx, '10037', { param: 'x-powered-by', evidence: lines[0]!, ...(lines.length > 1 ? { otherInfo: lines.join('\n') } : {}) });
  },
};

export const cacheControl: PassiveRule = {
  id: '10015',
  check(ex, ctx) {
    if (!isSuccess(ex) || ex.response.body === '') return [];
    // static resources are meant to be cached
    if (isImage(ex) || isCss(ex) || isJavaScript(ex) || isFont(ex)) return [];
    const sensitive = isHttps(ex) || headerValues(ex, 'set-cookie').length > 0 || ex.request.headers['authorization'] !== undefined;
    if (!sensitive) return [];
    const cc = header(ex, 'cache-control');
    const lc = (cc ?? '').toLowerCase();
    if (cc !== undefined && ['no-store', 'no-cache', 'must-revalidate'].every((d) => lc.includes(d))) return [];
    return once(ex, ctx, '10015', {
      param: 'cache-control',
      evidence: cc ?? '',
      otherInfo: 'The response looks user-specific (HTTPS, a Set-Cookie or an authorised request). If it holds sensitive data, send Cache-Control: no-cache, no-store, must-revalidate.',
    });
  },
};

export const crossDomainMisconfiguration: PassiveRule = {
  id: '10098',
  check(ex, ctx) {
    const acao = header(ex, 'access-control-allow-origin');
    if (acao === undefined) return [];
    const v = acao.trim();
    const creds = (header(ex, 'access-control-allow-credentials') ?? '').trim().toLowerCase() === 'true';
    const key = `10098|${urlOf(ex)}`;
    if (v === '*') {
      if (!firstTime(ctx, key)) return [];
      return [makeAlert(ex, '10098', {
        param: 'access-control-allow-origin',
        evidence: `Access-Control-Allow-Origin: ${v}`,
        otherInfo: 'The CORS misconfiguration on the web server permits cross-domain read requests from arbitrary third party domains, using unauthenticated APIs on this domain. Browsers do not send credentials with a wildcard, but data reachable without them (intranet-only services, IP-restricted APIs) is exposed.',
      })];
    }
    if (!creds) return [];
    const sentOrigin = ex.request.headers['origin'];
    const own = originOf(urlOf(ex));
    // an echoed foreign Origin (or "null", which sandboxed frames and file: pages send) with credentials lets any site read authenticated responses
    const reflected = sentOrigin !== undefined && v === sentOrigin.trim() && v !== own;
    if (!(reflected || v.toLowerCase() === 'null')) return [];
    if (!firstTime(ctx, key)) return [];
    return [makeAlert(ex, '10098', {
      param: 'access-control-allow-origin',
      evidence: `Access-Control-Allow-Origin: ${v}`,
      confidence: reflected ? 3 : 2,
      otherInfo: `The server answers Access-Control-Allow-Origin: ${v} together with Access-Control-Allow-Credentials: true, so ${reflected ? 'the requesting foreign origin' : 'any sandboxed or file: document'} can read authenticated responses.`,
    })];
  },
};

export const HEADER_RULES: PassiveRule[] = [
  antiClickjacking, contentTypeOptions, strictTransportSecurity, cspMissing, permissionsPolicy,
  serverVersion, xPoweredBy, cacheControl, crossDomainMisconfiguration,
];
