import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import express from 'express';
import helmet from 'helmet';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Exchange, PassiveRule, WebAlert } from '../../../scanners/web/types.js';
import { ZAP_ALERTS } from '../../../scanners/web/zap-alerts.js';
import { PASSIVE_RULES } from '../../../scanners/web/passive/index.js';
import {
  antiClickjacking, cacheControl, contentTypeOptions, crossDomainMisconfiguration, cspMissing, permissionsPolicy,
  serverVersion, strictTransportSecurity, xPoweredBy,
} from '../../../scanners/web/passive/headers.js';
import { cspWeak, cspWeaknesses } from '../../../scanners/web/passive/csp.js';
import { COOKIE_RULES } from '../../../scanners/web/passive/cookies.js';
import { applicationErrorDisclosure, directoryBrowsing, plausibleTimestamp, privateIpDisclosure, timestampDisclosure } from '../../../scanners/web/passive/disclosure.js';
import { antiCsrfTokens, mixedContent, subresourceIntegrity } from '../../../scanners/web/passive/html-content.js';
import { advisoriesFor, compareVersions, compileDb, vulnerableJsLibrary } from '../../../scanners/web/passive/js-libraries.js';

const HTML = 'text/html; charset=utf-8';
const PAGE = '<!doctype html><html><head><title>t</title></head><body><p>hello</p></body></html>';

interface Mk {
  url?: string;
  method?: string;
  status?: number;
  headers?: Record<string, string | string[]>;
  body?: string;
  reqHeaders?: Record<string, string>;
}

/** An exchange as the crawler would produce it; `headers` replace the default Content-Type when given. */
function mk(o: Mk = {}): Exchange {
  const url = o.url ?? 'http://127.0.0.1:8080/';
  const body = o.body ?? PAGE;
  return {
    request: { method: o.method ?? 'GET', url, headers: o.reqHeaders ?? {} },
    response: { url, status: o.status ?? 200, headers: o.headers ?? { 'content-type': HTML }, body, bodyBytes: Buffer.byteLength(body), truncated: false, elapsedMs: 1, redirects: [] },
    source: 'crawl',
  };
}

function run(rule: PassiveRule, ex: Exchange): WebAlert[] {
  return rule.check(ex, { origin: 'http://127.0.0.1:8080', seen: new Set() });
}

function runAll(ex: Exchange, rules = PASSIVE_RULES): WebAlert[] {
  const ctx = { origin: new URL(ex.request.url).origin, seen: new Set<string>() };
  return rules.flatMap((r) => r.check(ex, ctx));
}

/** The headers helmet() sends by default, as a baseline of a hardened response. */
const HARDENED: Record<string, string> = {
  'content-type': HTML,
  'content-security-policy': "default-src 'self';base-uri 'self';font-src 'self';form-action 'self';frame-ancestors 'self';img-src 'self' data:;object-src 'none';script-src 'self';script-src-attr 'none';style-src 'self';upgrade-insecure-requests",
  'x-frame-options': 'SAMEORIGIN',
  'x-content-type-options': 'nosniff',
  'strict-transport-security': 'max-age=31536000; includeSubDomains',
  'permissions-policy': 'geolocation=()',
};

const riskOf = (a: WebAlert): number => a.risk ?? ZAP_ALERTS[a.pluginId]!.risk;

describe('10020 anti-clickjacking', () => {
  it.each([
    ['no header', {}, undefined, ''],
    ['malformed value', { 'x-frame-options': 'ALLOWALL' }, 'X-Frame-Options Setting Malformed', 'ALLOWALL'],
    ['two entries', { 'x-frame-options': 'DENY, SAMEORIGIN' }, 'Multiple X-Frame-Options Header Entries', 'DENY, SAMEORIGIN'],
    ['CSP without frame-ancestors', { 'content-security-policy': "default-src 'self'" }, undefined, ''],
  ])('alerts: %s', (_, extra, name, evidence) => {
    const alerts = run(antiClickjacking, mk({ headers: { 'content-type': HTML, ...extra } }));
    expect(alerts).toHaveLength(1);
    expect(alerts[0]).toMatchObject({ pluginId: '10020', param: 'x-frame-options', evidence, method: 'GET' });
    expect(alerts[0]!.name).toBe(name);
  });

  it('alerts on X-Frame-Options set through META only', () => {
    const body = '<html><head><meta http-equiv="X-Frame-Options" content="DENY"></head></html>';
    expect(run(antiClickjacking, mk({ body }))[0]).toMatchObject({ name: 'X-Frame-Options Defined via META (Non-compliant with Spec)', evidence: 'DENY' });
  });

  it.each([
    ['DENY', { 'content-type': HTML, 'x-frame-options': 'DENY' }, 200],
    ['sameorigin, any case', { 'content-type': HTML, 'x-frame-options': 'sameorigin' }, 200],
    ['CSP frame-ancestors instead', { 'content-type': HTML, 'content-security-policy': "frame-ancestors 'none'" }, 200],
    ['not HTML', { 'content-type': 'application/json' }, 200],
    ['an error page', { 'content-type': HTML }, 404],
    ['a redirect', { 'content-type': HTML }, 302],
    ['helmet defaults', HARDENED, 200],
  ])('no alert: %s', (_, headers, status) => {
    expect(run(antiClickjacking, mk({ headers, status }))).toEqual([]);
  });

  it('treats a body that starts like HTML as HTML when there is no Content-Type', () => {
    expect(run(antiClickjacking, mk({ headers: {}, body: '<!DOCTYPE html><html></html>' }))).toHaveLength(1);
    expect(run(antiClickjacking, mk({ headers: {}, body: '{"a":1}' }))).toEqual([]);
  });

  it('reports once per origin, as the baseline groups site-wide header problems', () => {
    const ctx = { origin: 'http://127.0.0.1:8080', seen: new Set<string>() };
    const a = antiClickjacking.check(mk({ url: 'http://127.0.0.1:8080/a' }), ctx);
    const b = antiClickjacking.check(mk({ url: 'http://127.0.0.1:8080/b' }), ctx);
    const c = antiClickjacking.check(mk({ url: 'http://localhost:9090/' }), ctx);
    expect([a.length, b.length, c.length]).toEqual([1, 0, 1]);
  });
});

describe('10021 X-Content-Type-Options', () => {
  it.each([
    ['HTML without the header', { 'content-type': HTML }, ''],
    ['JavaScript without the header', { 'content-type': 'application/javascript' }, ''],
    ['CSS without the header', { 'content-type': 'text/css' }, ''],
    ['a wrong value', { 'content-type': HTML, 'x-content-type-options': 'sniff' }, 'sniff'],
  ])('alerts: %s', (_, headers, evidence) => {
    expect(run(contentTypeOptions, mk({ headers }))).toEqual([expect.objectContaining({ pluginId: '10021', param: 'x-content-type-options', evidence })]);
  });

  it.each([
    ['nosniff', { 'content-type': HTML, 'x-content-type-options': 'nosniff' }, 200, PAGE],
    ['NoSniff', { 'content-type': HTML, 'x-content-type-options': 'NoSniff' }, 200, PAGE],
    ['an empty body', { 'content-type': HTML }, 200, ''],
    ['a server error', { 'content-type': HTML }, 500, PAGE],
    ['helmet defaults', HARDENED, 200, PAGE],
  ])('no alert: %s', (_, headers, status, body) => {
    expect(run(contentTypeOptions, mk({ headers, status, body }))).toEqual([]);
  });
});

describe('10035 HSTS', () => {
  const https = 'https://127.0.0.1:8443/';
  it.each([
    ['missing', undefined, undefined, ''],
    ['max-age=0', 'max-age=0', 'Strict-Transport-Security Disabled', 'max-age=0'],
    ['no max-age', 'includeSubDomains', 'Strict-Transport-Security Missing Max-Age (Non-compliant with Spec)', 'includeSubDomains'],
    ['malformed max-age', 'max-age=soon', 'Strict-Transport-Security Max-Age Malformed (Non-compliant with Spec)', 'max-age=soon'],
    ['two headers', ['max-age=1', 'max-age=2'], 'Strict-Transport-Security Multiple Header Entries (Non-compliant with Spec)', 'max-age=1, max-age=2'],
  ])('alerts on HTTPS: %s', (_, sts, name, evidence) => {
    const headers: Record<string, string | string[]> = { 'content-type': HTML, ...(sts ? { 'strict-transport-security': sts } : {}) };
    const alerts = run(strictTransportSecurity, mk({ url: https, headers }));
    expect(alerts).toEqual([expect.objectContaining({ pluginId: '10035', param: 'strict-transport-security', evidence })]);
    expect(alerts[0]!.name).toBe(name);
  });

  it('notes (informational) an HSTS header sent over plain HTTP', () => {
    expect(run(strictTransportSecurity, mk({ headers: { 'strict-transport-security': 'max-age=10' } }))).toEqual([
      expect.objectContaining({ name: 'Strict-Transport-Security Header on Plain HTTP Response', risk: 0 }),
    ]);
  });

  it.each([
    ['HTTPS with a valid header', https, { 'strict-transport-security': 'max-age=31536000; includeSubDomains' }],
    ['plain HTTP without it', 'http://127.0.0.1:8080/', {}],
  ])('no alert: %s', (_, url, headers) => {
    expect(run(strictTransportSecurity, mk({ url, headers: { 'content-type': HTML, ...headers } }))).toEqual([]);
  });
});

describe('10038 CSP missing', () => {
  it('alerts on an HTML page without a policy', () => {
    expect(run(cspMissing, mk())).toEqual([expect.objectContaining({ pluginId: '10038', param: 'content-security-policy', evidence: '' })]);
  });

  it('reports obsolete and report-only headers (informational) besides the missing policy', () => {
    const alerts = run(cspMissing, mk({ headers: { 'content-type': HTML, 'x-content-security-policy': "default-src 'self'", 'content-security-policy-report-only': "default-src 'self'" } }));
    expect(alerts.map((a) => [a.name ?? ZAP_ALERTS['10038']!.name, riskOf(a)])).toEqual([
      ['Obsolete Content Security Policy (CSP) Header Found', 0],
      ['Content Security Policy (CSP) Report-Only Header Found', 0],
      ['Content Security Policy (CSP) Header Not Set', 2],
    ]);
  });

  it.each([
    ['a CSP header', { headers: { 'content-type': HTML, 'content-security-policy': "default-src 'self'" } }],
    ['a CSP meta element', { body: `<html><head><meta http-equiv="Content-Security-Policy" content="default-src 'self'"></head></html>` }],
    ['JSON', { headers: { 'content-type': 'application/json' }, body: '{}' }],
    ['helmet defaults', { headers: HARDENED }],
  ])('no alert: %s', (_, o) => {
    expect(run(cspMissing, mk(o))).toEqual([]);
  });
});

describe('10055 CSP weaknesses', () => {
  const ok = "frame-ancestors 'none'; form-action 'self'";
  it.each([
    ['a wildcard default-src', "default-src *", ['CSP: Wildcard Directive', 'CSP: Failure to Define Directive with No Fallback']],
    ['an https: scheme source', `default-src 'self'; img-src https:; ${ok}`, ['CSP: Wildcard Directive']],
    ['script-src unsafe-inline', `default-src 'self'; script-src 'self' 'unsafe-inline'; ${ok}`, ['CSP: script-src unsafe-inline']],
    ['style-src unsafe-inline', `default-src 'self'; style-src 'self' 'unsafe-inline'; ${ok}`, ['CSP: style-src unsafe-inline']],
    ['unsafe-inline through default-src', `default-src 'self' 'unsafe-inline'; ${ok}`, ['CSP: script-src unsafe-inline', 'CSP: style-src unsafe-inline']],
    ['script-src unsafe-eval', `default-src 'self'; script-src 'self' 'unsafe-eval'; ${ok}`, ['CSP: script-src unsafe-eval']],
    ['script-src unsafe-hashes', `default-src 'self'; script-src 'self' 'unsafe-hashes'; ${ok}`, ['CSP: script-src unsafe-hashes']],
    ['no default-src', `script-src 'self'; ${ok}`, ['CSP: Wildcard Directive', 'CSP: style-src unsafe-inline']],
    ['no frame-ancestors / form-action', "default-src 'self'", ['CSP: Failure to Define Directive with No Fallback']],
    ['a nonce neutralises unsafe-inline', `default-src 'self'; script-src 'nonce-r4nd0m' 'unsafe-inline'; ${ok}`, []],
    ['a strict policy', `default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; connect-src 'self'; base-uri 'self'; ${ok}`, []],
  ])('%s', (_, policy, names) => {
    expect(cspWeaknesses(policy).map((f) => f.name).sort()).toEqual([...names].sort());
    const alerts = run(cspWeak, mk({ headers: { 'content-type': HTML, 'content-security-policy': policy } }));
    expect(alerts.map((a) => a.name).sort()).toEqual([...names].sort());
    for (const a of alerts) expect(a).toMatchObject({ pluginId: '10055', param: 'Content-Security-Policy', evidence: policy, risk: 2 });
  });

  it('lists the wildcard directives in Other Info', () => {
    const [a] = run(cspWeak, mk({ headers: { 'content-type': HTML, 'content-security-policy': "default-src 'self'; connect-src *; frame-ancestors 'self'; form-action 'none'" } }));
    expect(a).toMatchObject({ name: 'CSP: Wildcard Directive' });
    expect(a!.otherInfo).toMatch(/: connect-src$/);
  });

  it('reports the obsolete X-Content-Security-Policy header, Low without a real policy', () => {
    const alerts = run(cspWeak, mk({ headers: { 'content-type': HTML, 'x-content-security-policy': "default-src 'self'" } }));
    expect(alerts).toEqual([expect.objectContaining({ name: 'CSP: X-Content-Security-Policy', risk: 1, param: 'x-content-security-policy' })]);
  });

  it('does not look at non-HTML responses', () => {
    expect(run(cspWeak, mk({ headers: { 'content-type': 'application/json', 'content-security-policy': 'default-src *' }, body: '{}' }))).toEqual([]);
  });
});

describe('10063 Permissions-Policy', () => {
  it.each([
    ['HTML without it', { 'content-type': HTML }, undefined, 'permissions-policy'],
    ['JavaScript without it', { 'content-type': 'text/javascript' }, undefined, 'permissions-policy'],
    ['only the deprecated Feature-Policy', { 'content-type': HTML, 'feature-policy': "camera 'none'" }, 'Deprecated Feature Policy Header Set', 'feature-policy'],
  ])('alerts: %s', (_, headers, name, param) => {
    const alerts = run(permissionsPolicy, mk({ headers }));
    expect(alerts).toEqual([expect.objectContaining({ pluginId: '10063', param })]);
    expect(alerts[0]!.name).toBe(name);
  });

  it.each([
    ['present', { 'content-type': HTML, 'permissions-policy': 'camera=()' }],
    ['JSON', { 'content-type': 'application/json' }],
  ])('no alert: %s', (_, headers) => {
    expect(run(permissionsPolicy, mk({ headers }))).toEqual([]);
  });
});

describe('10036 Server version / 10037 X-Powered-By', () => {
  it.each([
    ['Apache/2.4.41 (Ubuntu)', true],
    ['Microsoft-IIS/10.0', true],
    ['nginx/1.25.3', true],
    ['nginx', false],
    ['cloudflare', false],
  ])('Server: %s → alert %s', (server, alerts) => {
    const out = run(serverVersion, mk({ headers: { 'content-type': HTML, server } }));
    expect(out).toEqual(alerts ? [expect.objectContaining({ pluginId: '10036', param: 'server', evidence: server })] : []);
  });

  it.each([
    [{ 'x-powered-by': 'Express' }, 'X-Powered-By: Express'],
    [{ 'x-powered-by': ['PHP/8.1.2', 'ASP.NET'] }, 'X-Powered-By: PHP/8.1.2'],
  ])('X-Powered-By %j', (extra, evidence) => {
    expect(run(xPoweredBy, mk({ headers: { 'content-type': HTML, ...extra } }))).toEqual([expect.objectContaining({ pluginId: '10037', param: 'x-powered-by', evidence })]);
  });

  it('no X-Powered-By, no alert', () => {
    expect(run(xPoweredBy, mk({ headers: HARDENED }))).toEqual([]);
  });
});

describe('10015 cache control (informational)', () => {
  it.each([
    ['an HTTPS page without Cache-Control', { url: 'https://127.0.0.1:8443/account' }, ''],
    ['an HTTP page setting a cookie', { headers: { 'content-type': HTML, 'set-cookie': ['sid=1; HttpOnly'] } }, ''],
    ['an authorised request', { reqHeaders: { authorization: 'Bearer x' } }, ''],
    ['an HTTPS page with weak directives', { url: 'https://127.0.0.1:8443/', headers: { 'content-type': HTML, 'cache-control': 'private, max-age=0' } }, 'private, max-age=0'],
  ])('alerts: %s', (_, o, evidence) => {
    expect(run(cacheControl, mk(o))).toEqual([expect.objectContaining({ pluginId: '10015', param: 'cache-control', evidence })]);
    expect(ZAP_ALERTS['10015']!.risk).toBe(0);
  });

  it.each([
    ['a plain HTTP page', {}],
    ['no-cache, no-store, must-revalidate', { url: 'https://127.0.0.1:8443/', headers: { 'content-type': HTML, 'cache-control': 'no-cache, no-store, must-revalidate' } }],
    ['an image over HTTPS', { url: 'https://127.0.0.1:8443/logo.png', headers: { 'content-type': 'image/png' } }],
    ['a stylesheet over HTTPS', { url: 'https://127.0.0.1:8443/a.css', headers: { 'content-type': 'text/css' } }],
  ])('no alert: %s', (_, o) => {
    expect(run(cacheControl, mk(o))).toEqual([]);
  });
});

describe('10098 cross-domain misconfiguration', () => {
  it.each([
    ['ACAO *', { 'access-control-allow-origin': '*' }, {}, 'Access-Control-Allow-Origin: *'],
    ['a reflected foreign origin with credentials', { 'access-control-allow-origin': 'https://evil.example', 'access-control-allow-credentials': 'true' }, { origin: 'https://evil.example' }, 'Access-Control-Allow-Origin: https://evil.example'],
    ['null with credentials', { 'access-control-allow-origin': 'null', 'access-control-allow-credentials': 'true' }, {}, 'Access-Control-Allow-Origin: null'],
  ])('alerts: %s', (_, headers, reqHeaders, evidence) => {
    expect(run(crossDomainMisconfiguration, mk({ headers: { 'content-type': 'application/json', ...headers }, reqHeaders, body: '{}' }))).toEqual([
      expect.objectContaining({ pluginId: '10098', param: 'access-control-allow-origin', evidence }),
    ]);
  });

  it.each([
    ['no CORS headers', {}, {}],
    ['a reflected origin without credentials', { 'access-control-allow-origin': 'https://evil.example' }, { origin: 'https://evil.example' }],
    ['its own origin with credentials', { 'access-control-allow-origin': 'http://127.0.0.1:8080', 'access-control-allow-credentials': 'true' }, { origin: 'http://127.0.0.1:8080' }],
  ])('no alert: %s', (_, headers, reqHeaders) => {
    expect(run(crossDomainMisconfiguration, mk({ headers: { 'content-type': 'application/json', ...headers }, reqHeaders, body: '{}' }))).toEqual([]);
  });
});

describe('10010 / 10011 / 10054 cookies', () => {
  const https = 'https://127.0.0.1:8443/';
  it.each([
    ['bare cookie over HTTP', 'http://127.0.0.1:8080/', 'sid=abc', [['10010', undefined], ['10054', undefined]]],
    ['bare cookie over HTTPS', https, 'sid=abc', [['10010', undefined], ['10011', undefined], ['10054', undefined]]],
    ['HttpOnly + Secure + SameSite=Strict', https, 'sid=abc; Path=/; HttpOnly; Secure; SameSite=Strict', []],
    ['SameSite=Lax, any case', https, 'sid=abc; httponly; secure; samesite=lax', []],
    ['SameSite=None', https, 'sid=abc; HttpOnly; Secure; SameSite=None', [['10054', 'Cookie with SameSite Attribute None']]],
    ['SameSite=Bogus', https, 'sid=abc; HttpOnly; Secure; SameSite=Bogus', [['10054', 'Cookie with Invalid SameSite Attribute']]],
    ['no HttpOnly only', https, 'sid=abc; Secure; SameSite=Lax', [['10010', undefined]]],
    ['a cookie being deleted (Max-Age=0)', https, 'sid=; Max-Age=0', []],
    ['a cookie being deleted (Expires in the past)', https, 'sid=; Expires=Thu, 01 Jan 1970 00:00:00 GMT', []],
  ])('%s', (_, url, cookie, expected) => {
    const alerts = runAll(mk({ url, headers: { 'content-type': HTML, 'set-cookie': [cookie] } }), COOKIE_RULES);
    expect(alerts.map((a) => [a.pluginId, a.name])).toEqual(expected);
    for (const a of alerts) expect(a).toMatchObject({ param: 'sid', evidence: 'Set-Cookie: sid' });
  });

  it('reports each cookie name once, and each cookie of a response', () => {
    const ctx = { origin: 'http://127.0.0.1:8080', seen: new Set<string>() };
    const r = COOKIE_RULES[0]!;
    const first = r.check(mk({ headers: { 'set-cookie': ['a=1', 'b=2; HttpOnly', 'c=3'] } }), ctx);
    const again = r.check(mk({ url: 'http://127.0.0.1:8080/other', headers: { 'set-cookie': ['a=9'] } }), ctx);
    expect(first.map((a) => a.param)).toEqual(['a', 'c']);
    expect(again).toEqual([]);
  });
});

describe('10096 timestamp disclosure (informational)', () => {
  const now = Math.floor(Date.now() / 1000);
  it('alerts on a plausible Unix timestamp in the body and in a header', () => {
    const alerts = run(timestampDisclosure, mk({ headers: { 'content-type': 'application/json', 'x-generated-at': String(now - 60) }, body: `{"created":${now}}` }));
    expect(alerts.map((a) => a.evidence)).toEqual([String(now - 60), String(now)]);
    expect(alerts[0]).toMatchObject({ pluginId: '10096' });
    expect(alerts[0]!.otherInfo).toMatch(/evaluates to: \d{4}-\d\d-\d\d/);
  });

  it.each([
    ['ignored headers (ETag, Cache-Control)', { etag: `"${now}"`, 'cache-control': `max-age=${now}` }, 'nothing here'],
    ['a timestamp far outside ten years', {}, 'id 1000000001'],
    ['an eleven-digit number', {}, `n=${now}1`],
    ['a percentage', {}, `${now}%`],
  ])('no alert: %s', (_, headers, body) => {
    expect(run(timestampDisclosure, mk({ headers: { 'content-type': 'text/plain', ...headers }, body }))).toEqual([]);
  });

  it.each([
    [1_700_000_000, 1_700_000_000 + 3600, true],
    [1_700_000_000, 1_700_000_000 - 11 * 365 * 86400, false],
    [2_147_000_000, 2_147_483_648, false],
  ])('plausibleTimestamp(now=%d, %d) = %s', (nowS, t, expected) => {
    expect(plausibleTimestamp(t, nowS)).toBe(expected);
  });
});

describe('2 private IP disclosure', () => {
  it.each([
    ['10.0.0.5', '10.0.0.5'],
    ['upstream 192.168.1.20:8080 failed', '192.168.1.20:8080'],
    ['<!-- db at 172.16.3.4 -->', '172.16.3.4'],
    ['host ip-10-0-56-78.ec2.internal', 'ip-10-0-56-78'],
  ])('alerts on %j', (body, evidence) => {
    expect(run(privateIpDisclosure, mk({ body }))).toEqual([expect.objectContaining({ pluginId: '2', evidence })]);
  });

  it.each([
    ['a public address', '8.8.8.8'],
    ['outside 172.16/12', '172.32.0.1'],
    ['a version string', 'codec vp09.1.10.0.0.1 and 1.192.168.1.1'],
    ['an impossible octet', '10.0.0.300'],
  ])('no alert: %s', (_, body) => {
    expect(run(privateIpDisclosure, mk({ body }))).toEqual([]);
  });

  it('does not report the internal host naming itself', () => {
    expect(run(privateIpDisclosure, mk({ url: 'http://10.0.0.5/', body: 'served by 10.0.0.5' }))).toEqual([]);
  });
});

describe('90022 application error disclosure', () => {
  it.each([
    ['Python', 'Traceback (most recent call last):\n  File "app.py", line 3', 'Traceback (most recent call last)'],
    ['Node (Object.<anonymous>)', 'TypeError: x is not a function\n    at Object.<anonymous> (/app/server.js:10:5)', 'at Object.<anonymous> (/app/server.js:10:5)'],
    ['Node (express layer)', '<pre>Error: boom<br> &nbsp; &nbsp;at Layer.handle</pre>\n    at Layer.handle [as handle_request] (/app/node_modules/express/lib/router/layer.js:95:5)', 'at Layer.handle [as handle_request] (/app/node_modules/express/lib/router/layer.js:95:5)'],
    ['SQLite', 'SQLITE_ERROR: near "x": syntax error', 'SQLITE_ERROR'],
    ['MySQL', "You have an error in your SQL syntax; check the manual that corresponds to your MySQL server version", 'You have an error in your SQL syntax'],
    ['PostgreSQL', 'ERROR:  syntax error at or near "x"', 'ERROR:  syntax error at or near'],
    ['Java', 'java.lang.NullPointerException\n\tat com.example.Foo.bar(Foo.java:42)', 'java.lang.NullPointerException'],
    ['.NET', "<h1>Server Error in '/' Application.</h1>", "Server Error in '/' Application"],
    ['PHP', '<b>Fatal error</b>:  Uncaught Error in /var/www/index.php', '<b>Fatal error</b>:'],
  ])('alerts (Medium) on a %s error', (_, body, evidence) => {
    const alerts = run(applicationErrorDisclosure, mk({ status: 500, body }));
    expect(alerts).toEqual([expect.objectContaining({ pluginId: '90022', evidence })]);
    expect(riskOf(alerts[0]!)).toBe(2);
  });

  it('alerts (Low) on a bare 500 Internal Server Error', () => {
    expect(run(applicationErrorDisclosure, mk({ status: 500, body: 'Internal Server Error' }))).toEqual([
      expect.objectContaining({ pluginId: '90022', risk: 1, evidence: 'HTTP/1.1 500 Internal Server Error' }),
    ]);
  });

  it.each([
    ['a normal page', 200, { 'content-type': HTML }, PAGE],
    ['the words alone on a 200', 200, { 'content-type': HTML }, '<p>Internal Server Error is a status code</p>'],
    ['a JavaScript file', 200, { 'content-type': 'application/javascript' }, 'const s = "Traceback (most recent call last)";'],
  ])('no alert: %s', (_, status, headers, body) => {
    expect(run(applicationErrorDisclosure, mk({ status, headers, body }))).toEqual([]);
  });
});

describe('10033 directory browsing', () => {
  it.each([
    ['nginx autoindex', '<html><head><title>Index of /files/</title></head><body><h1>Index of /files/</h1><hr><pre><a href="../">../</a>\n<a href="a.txt">a.txt</a></pre><hr></body></html>', 'nginx'],
    ['Apache', '<html><head><title>Index of /files</title></head><body><h1>Index of /files</h1><ul><li><a href="/"> Parent Directory</a></li></ul><address>Apache/2.4.41 Server at x Port 80</address></body></html>', 'Apache'],
    ['http-server', '<!doctype html><html><head><title>Index of /</title></head><body><h1>Index of /</h1><table><tr><td><i class="icon icon-_blank"></i></td><td class="perms"><code>(-rw-r--r--)</code></td><td class="display-name"><a href="/a.txt">a.txt</a></td></tr></table></body></html>', 'http-server'],
    ['serve-index', '<!DOCTYPE html><html><head><title>listing directory /</title></head><body><div id="wrapper"><h1><a href="/">~</a> / </h1><ul id="files" class="view-tiles"><li><a href="/a.txt">a.txt</a></li></ul></div></body></html>', 'serve-index'],
    ['IIS', '<html><body><H1>127.0.0.1 - /</H1><hr><pre><A HREF="/">[To Parent Directory]</A><br><br></pre></body></html>', 'IIS'],
  ])('alerts on %s listings', (_, body, label) => {
    const alerts = run(directoryBrowsing, mk({ body }));
    expect(alerts).toHaveLength(1);
    expect(alerts[0]).toMatchObject({ pluginId: '10033' });
    expect(alerts[0]!.evidence).not.toBe('');
    expect(alerts[0]!.otherInfo).toContain(label);
  });

  it('does not alert on a page that talks about an index', () => {
    expect(run(directoryBrowsing, mk({ body: '<html><head><title>Index of products</title></head><body>Index of /</body></html>' }))).toEqual([]);
  });
});

describe('10202 absence of anti-CSRF tokens', () => {
  const page = (form: string): string => `<!doctype html><html><body>${form}</body></html>`;
  it.each([
    ['a POST form without a token', '<form method="post" action="/login"><input name="user"><input type="password" name="pw"></form>', '<form method="post" action="/login">'],
    ['a token in a visible field only', '<form method="POST" action="/t"><input type="text" name="csrf_token"></form>', '<form method="POST" action="/t">'],
  ])('alerts: %s', (_, form, evidence) => {
    const alerts = run(antiCsrfTokens, mk({ body: page(form) }));
    expect(alerts).toEqual([expect.objectContaining({ pluginId: '10202', evidence })]);
  });

  it.each([
    ['csrf_token', '<form method="post"><input type="hidden" name="csrf_token" value="x"></form>'],
    ['_csrf (csurf)', '<form method="post"><input type=hidden name=_csrf value=x></form>'],
    ['authenticity_token (Rails)', '<form method="post"><input type="hidden" name="authenticity_token" value="x"></form>'],
    ['__RequestVerificationToken (ASP.NET)', '<form method="post"><input name="__RequestVerificationToken" type="hidden" value="x" /></form>'],
    ['csrfmiddlewaretoken (Django)', '<form method="post"><input type="hidden" name="csrfmiddlewaretoken" value="x"></form>'],
    ['a GET search form', '<form action="/search"><input name="q"></form>'],
    ['a form inside a comment', '<!-- <form method="post"><input name="a"></form> -->'],
  ])('no alert: %s', (_, form) => {
    expect(run(antiCsrfTokens, mk({ body: page(form) }))).toEqual([]);
  });
});

describe('10040 mixed content', () => {
  const https = 'https://127.0.0.1:8443/';
  it.each([
    ['an http script', '<script src="http://cdn.example/x.js"></script>', 'Secure Pages Include Mixed Content (Including Scripts)', undefined, 'http://cdn.example/x.js'],
    ['an http stylesheet', '<link rel="stylesheet" href="http://cdn.example/x.css">', undefined, 1, 'http://cdn.example/x.css'],
    ['an http image', '<img src="http://img.example/a.png">', undefined, 1, 'http://img.example/a.png'],
    ['an http iframe', '<iframe src="http://w.example/"></iframe>', undefined, 1, 'http://w.example/'],
  ])('alerts: %s', (_, html, name, risk, evidence) => {
    const alerts = run(mixedContent, mk({ url: https, body: `<html><body>${html}</body></html>` }));
    expect(alerts).toHaveLength(1);
    expect(alerts[0]).toMatchObject({ pluginId: '10040', evidence });
    expect(alerts[0]!.name).toBe(name);
    expect(alerts[0]!.risk).toBe(risk);
  });

  it.each([
    ['the same over plain HTTP', 'http://127.0.0.1:8080/', '<script src="http://cdn.example/x.js"></script>'],
    ['https resources', https, '<script src="https://cdn.example/x.js"></script><img src="/a.png">'],
    ['an http link that loads nothing', https, '<link rel="canonical" href="http://example.com/"><a href="http://example.com/">x</a>'],
  ])('no alert: %s', (_, url, html) => {
    expect(run(mixedContent, mk({ url, body: `<html><body>${html}</body></html>` }))).toEqual([]);
  });
});

describe('90003 sub-resource integrity', () => {
  it.each([
    ['a CDN script', '<script src="https://cdn.example.com/lib.js"></script>', '<script src="https://cdn.example.com/lib.js">'],
    ['a protocol-relative stylesheet', '<link rel="stylesheet" href="//cdn.example.com/a.css">', '<link rel="stylesheet" href="//cdn.example.com/a.css">'],
  ])('alerts: %s', (_, html, evidence) => {
    expect(run(subresourceIntegrity, mk({ body: `<html><head>${html}</head></html>` }))).toEqual([expect.objectContaining({ pluginId: '90003', evidence })]);
  });

  it.each([
    ['with integrity', '<script src="https://cdn.example.com/lib.js" integrity="sha384-abc" crossorigin="anonymous"></script>'],
    ['same origin, relative', '<script src="/js/app.js"></script>'],
    ['same origin, absolute', '<script src="http://127.0.0.1:8080/js/app.js"></script>'],
    ['a canonical link', '<link rel="canonical" href="https://other.example/">'],
    ['an inline script', '<script>1</script>'],
  ])('no alert: %s', (_, html) => {
    expect(run(subresourceIntegrity, mk({ body: `<html><head>${html}</head></html>` }))).toEqual([]);
  });
});

describe('10003 vulnerable JS libraries', () => {
  const js = (url: string, body: string): Exchange => mk({ url, headers: { 'content-type': 'application/javascript' }, body });
  const html = (src: string): Exchange => mk({ body: `<html><head><script src="${src}"></script></head></html>` });
  it.each([
    ['jQuery by file name', html('/js/jquery-1.8.1.min.js'), 'jquery-1.8.1.min.js', 'CVE-2012-6708'],
    ['jQuery on cdnjs', html('https://cdnjs.cloudflare.com/ajax/libs/jquery/3.4.1/jquery.min.js'), 'jquery/3.4.1/jquery.min.js', 'CVE-2020-11022'],
    ['jQuery by banner', js('http://127.0.0.1:8080/static/vendor.js', '/*! jQuery v1.8.1 jquery.com | jquery.org/license */\n(function(){})'), 'jQuery v1.8.1', 'CVE-2012-6708'],
    ['AngularJS by banner', js('http://127.0.0.1:8080/a.js', '/**\n * @license AngularJS v1.5.8\n * (c) 2010-2016 Google, Inc.'), 'AngularJS v1.5.8', 'CVE-2019-10768'],
    ['Bootstrap by file name', html('/css/../js/bootstrap-3.3.7.min.js'), 'bootstrap-3.3.7.min.js', 'CVE-2019-8331'],
    ['Bootstrap 4 by banner', js('http://127.0.0.1:8080/b.js', '/*!\n  * Bootstrap v4.1.0 (https://getbootstrap.com/)'), 'Bootstrap v4.1.0', 'CVE-2018-14040'],
    ['lodash by banner', js('http://127.0.0.1:8080/l.js', '/**\n * @license\n * lodash 4.17.4 (Custom Build) <https://lodash.com/>'), 'lodash 4.17.4', 'CVE-2019-10744'],
    ['Moment by banner', js('http://127.0.0.1:8080/m.js', '//! moment.js\n//! version : 2.18.1\n//! authors'), '//! moment.js\n//! version : 2.18.1', 'CVE-2017-18214'],
    ['Handlebars by banner', js('http://127.0.0.1:8080/h.js', '/**!\n\n @license\n handlebars v4.0.5\n'), 'handlebars v4.0.5', 'CVE-2019-19919'],
    ['Vue 2 by banner', js('http://127.0.0.1:8080/v.js', '/*!\n * Vue.js v2.6.14\n * (c) 2014-2021 Evan You'), 'Vue.js v2.6.14', 'CVE-2024-9506'],
    ['react-dom on unpkg', html('https://unpkg.com/react-dom@16.4.1/umd/react-dom.production.min.js'), 'react-dom@16.4.1/', 'CVE-2018-6341'],
  ])('alerts: %s', (_, ex, evidence, cve) => {
    const alerts = run(vulnerableJsLibrary, ex);
    expect(alerts).toEqual([expect.objectContaining({ pluginId: '10003', evidence })]);
    expect(alerts[0]!.otherInfo).toContain(cve);
  });

  it.each([
    ['a current jQuery', html('/js/jquery-3.7.1.min.js')],
    ['a current jQuery banner', js('http://127.0.0.1:8080/j.js', '/*! jQuery v3.7.1 | (c) OpenJS Foundation */')],
    ['react-dom with the fix', html('https://unpkg.com/react-dom@16.4.2/umd/react-dom.production.min.js')],
    ['lodash 4.17.21', html('/js/lodash-4.17.21.min.js')],
    ['jQuery UI is not jQuery', html('/js/jquery-ui-1.12.1.min.js')],
    ['an unknown library', html('/js/app-1.0.0.js')],
  ])('no alert: %s', (_, ex) => {
    expect(run(vulnerableJsLibrary, ex)).toEqual([]);
  });

  it('reports a script once however many pages include it', () => {
    const ctx = { origin: 'http://127.0.0.1:8080', seen: new Set<string>() };
    const one = vulnerableJsLibrary.check(html('/js/jquery-1.8.1.min.js'), ctx);
    const two = vulnerableJsLibrary.check(mk({ url: 'http://127.0.0.1:8080/other', body: '<script src="/js/jquery-1.8.1.min.js"></script>' }), ctx);
    expect([one.length, two.length]).toEqual([1, 0]);
  });

  it.each([
    ['1.8.1', '1.9.0', -1],
    ['1.10.0', '1.9.0', 1],
    ['3.0.0-beta1', '3.0.0', -1],
    ['3.0.0', '3.0', 0],
    ['4.17.21', '4.17.21', 0],
  ])('compareVersions(%s, %s) = %d', (a, b, expected) => {
    expect(compareVersions(a, b)).toBe(expected);
  });

  it('applies atOrAbove and below bounds', () => {
    const lib = { vulnerabilities: [{ id: 'X', atOrAbove: '4.0.0', below: '4.1.2' }, { id: 'Y', below: '3.4.0' }] };
    expect(advisoriesFor(lib, '4.1.0').map((a) => a.id)).toEqual(['X']);
    expect(advisoriesFor(lib, '3.3.7').map((a) => a.id)).toEqual(['Y']);
    expect(advisoriesFor(lib, '4.1.2')).toEqual([]);
  });

  it('ships a database whose patterns compile and whose advisories are well-formed', () => {
    const file = fileURLToPath(new URL('../../../rules/web/js-libraries.json', import.meta.url));
    const data = JSON.parse(readFileSync(file, 'utf8')) as { libraries: Record<string, { vulnerabilities: { id: string; below: string; atOrAbove?: string }[] }> };
    const libs = compileDb(data, file);
    expect(libs.map((l) => l.name)).toEqual(expect.arrayContaining(['jquery', 'angularjs', 'bootstrap', 'lodash', 'moment', 'handlebars', 'vue', 'react-dom']));
    for (const lib of Object.values(data.libraries)) {
      expect(lib.vulnerabilities.length).toBeGreaterThan(0);
      for (const v of lib.vulnerabilities) {
        expect(v.id).toMatch(/^(?:CVE-\d{4}-\d{4,}|GHSA-[\w-]+)$/);
        if (v.atOrAbove) expect(compareVersions(v.atOrAbove, v.below)).toBeLessThan(0);
      }
    }
    expect(() => compileDb({ libraries: { x: { files: ['('], banners: [], vulnerabilities: [] } } })).toThrow(/bad regex/);
  });
});

describe('PASSIVE_RULES', () => {
  it('has one rule per passive plugin of the catalogue, each with ZAP metadata', () => {
    const ids = PASSIVE_RULES.map((r) => r.id);
    expect(new Set(ids).size).toBe(ids.length);
    const passive = Object.entries(ZAP_ALERTS).filter(([, a]) => a.kind === 'passive').map(([id]) => id);
    expect([...ids].sort()).toEqual([...passive].sort());
  });

  it('gives a hardened HTML response nothing above Low', () => {
    const alerts = runAll(mk({ headers: HARDENED }));
    expect(alerts.filter((a) => riskOf(a) >= 2)).toEqual([]);
  });
});

// ---------- real servers on loopback ----------

interface Fetched {
  status: number;
  headers: Record<string, string | string[]>;
  body: string;
}

function get(url: string): Promise<Fetched> {
  return new Promise((resolve, reject) => {
    http.get(url, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const headers: Record<string, string | string[]> = {};
        for (const [k, v] of Object.entries(res.headers)) if (v !== undefined) headers[k] = v;
        resolve({ status: res.statusCode ?? 0, headers, body: Buffer.concat(chunks).toString('utf8') });
      });
      res.on('error', reject);
    }).on('error', reject);
  });
}

async function exchangeFor(url: string): Promise<Exchange> {
  const r = await get(url);
  return {
    request: { method: 'GET', url, headers: {} },
    response: { url, status: r.status, headers: r.headers, body: r.body, bodyBytes: Buffer.byteLength(r.body), truncated: false, elapsedMs: 0, redirects: [] },
    source: 'crawl',
  };
}

function listen(app: express.Express): Promise<{ server: http.Server; base: string }> {
  return new Promise((resolve) => {
    const server = app.listen(0, '127.0.0.1', () => resolve({ server, base: `http://127.0.0.1:${(server.address() as AddressInfo).port}` }));
  });
}

describe('express on loopback', () => {
  const servers: http.Server[] = [];
  const bases: Record<'bare' | 'helmet' | 'strict', string> = { bare: '', helmet: '', strict: '' };

  beforeAll(async () => {
    const page = (_req: express.Request, res: express.Response): void => {
      res.type('html').send(PAGE);
    };
    const bare = express();
    bare.get('/', page);
    const withHelmet = express();
    withHelmet.use(helmet());
    withHelmet.get('/', page);
    // helmet's default CSP keeps 'unsafe-inline' and https: for styles and fonts; this one tightens them
    const strict = express();
    strict.use(helmet({ contentSecurityPolicy: { directives: { 'style-src': ["'self'"], 'font-src': ["'self'"] } } }));
    strict.get('/', page);
    for (const [k, app] of [['bare', bare], ['helmet', withHelmet], ['strict', strict]] as const) {
      const { server, base } = await listen(app);
      servers.push(server);
      bases[k] = base;
    }
  });

  afterAll(async () => {
    await Promise.all(servers.map((s) => new Promise<void>((r) => s.close(() => r()))));
  });

  it('a bare express app gets 10020, 10021, 10038 and 10037', async () => {
    const alerts = runAll(await exchangeFor(`${bases.bare}/`));
    const ids = new Set(alerts.map((a) => a.pluginId));
    for (const id of ['10020', '10021', '10038', '10037']) expect(ids).toContain(id);
    expect(alerts.find((a) => a.pluginId === '10037')).toMatchObject({ evidence: 'X-Powered-By: Express' });
  });

  it("helmet() leaves no header alert of 10020/10021/10038/10037, and its Medium alerts are only ZAP's verdict on its default CSP", async () => {
    const alerts = runAll(await exchangeFor(`${bases.helmet}/`));
    expect(alerts.filter((a) => ['10020', '10021', '10038', '10037'].includes(a.pluginId))).toEqual([]);
    // helmet's default style-src 'self' https: 'unsafe-inline' and font-src 'self' https: data: are what ZAP's 10055 flags
    const mediumOrHigh = alerts.filter((a) => riskOf(a) >= 2);
    expect(mediumOrHigh.map((a) => a.name).sort()).toEqual(['CSP: Wildcard Directive', 'CSP: style-src unsafe-inline']);
    expect(mediumOrHigh.find((a) => a.name === 'CSP: Wildcard Directive')!.otherInfo).toMatch(/style-src, font-src$/);
  });

  it('helmet() with a tightened style-src and font-src gets no Medium or High alert', async () => {
    const alerts = runAll(await exchangeFor(`${bases.strict}/`));
    expect(alerts.filter((a) => riskOf(a) >= 2)).toEqual([]);
  });
});
