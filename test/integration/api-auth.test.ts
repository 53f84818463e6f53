import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import SwaggerParser from '@apidevtools/swagger-parser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROLES, type Role } from '../../src/ledger/auth-store.js';
import { PAGES, PERMISSIONS, isPageRoute } from '../../src/server/permissions.js';
import { apiFixture, type ApiFixture } from '../helpers/api.js';
import { fileFinding, runOf } from '../helpers/findings.js';

/** A request for each route that no allowed caller can turn into a change: unknown ids, or a query or body the schema refuses. */
const SAMPLE: Record<string, { url: string; payload?: unknown }> = {
  'GET /healthz': { url: '/healthz' },
  'GET /readyz': { url: '/readyz' },
  'GET /metrics': { url: '/metrics' },
  'GET /api/openapi.json': { url: '/api/openapi.json' },
  'GET /api/runs': { url: '/api/runs' },
  'GET /api/runs/:id': { url: '/api/runs/no-such-run' },
  'GET /api/gate': { url: '/api/gate?failOn=high' },
  'GET /api/runs/:id/report': { url: '/api/runs/no-such-run/report?format=sarif' },
  'GET /api/runs/:id/sbom': { url: '/api/runs/no-such-run/sbom' },
  'POST /api/runs': { url: '/api/runs', payload: { target: 'app', force: true } },
  'POST /api/runs/import': { url: '/api/runs/import?target=app&format=csv', payload: { version: '2.1.0', runs: [] } },
  'GET /api/findings': { url: '/api/findings?limit=2' },
  'GET /api/findings/:id': { url: '/api/findings/999999' },
  'POST /api/findings/:id/triage': { url: '/api/findings/999999/triage', payload: { status: 'triaged' } },
  'GET /api/incidents': { url: '/api/incidents' },
  'GET /api/incidents/:id': { url: '/api/incidents/999999' },
  'POST /api/incidents/:id/ack': { url: '/api/incidents/999999/ack', payload: { action: 'note', note: 'n' } },
  'POST /api/incidents/:id/resolve': { url: '/api/incidents/999999/resolve', payload: {} },
  'GET /api/uptime': { url: '/api/uptime' },
  'GET /api/uptime/:probe/results': { url: '/api/uptime/no-such-probe/results' },
  'GET /api/perf': { url: '/api/perf?limit=5' },
  'GET /api/reports/audit': { url: '/api/reports/audit?format=docx' },
  'GET /api/reports/ropa': { url: '/api/reports/ropa?format=docx' },
  'GET /api/reports/files': { url: '/api/reports/files' },
  'GET /api/reports/files/:name': { url: '/api/reports/files/no-such-report.pdf' },
  'GET /api/schedules': { url: '/api/schedules' },
  'GET /api/targets': { url: '/api/targets' },
  'GET /api/tokens': { url: '/api/tokens' },
  'POST /api/tokens': { url: '/api/tokens', payload: { name: 'x', role: 'root' } },
  'DELETE /api/tokens/:id': { url: '/api/tokens/999999' },
};

describe('API auth and roles', () => {
  let f: ApiFixture;
  let dir: string;
  let userAuth: { authorization: string };

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'vigil-api-auth-'));
    f = await apiFixture(join(dir, 'ledger.db'), { dir, deps: { limits: { authFailures: { max: 100_000, windowMs: 60_000 }, requestsPerMinute: 100_000 } } });
    await f.ledger.ingest(runOf([fileFinding(1), fileFinding(2)]));
    const { password } = await f.ledger.auth.addUser('dana', 'analyst', { actor: 'test' });
    userAuth = { authorization: `Basic ${Buffer.from(`dana:${password}`).toString('base64')}` };
  });
  afterAll(async () => {
    await f.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('registers exactly the routes of the permission table', () => {
    const registered = f.app.vigilRoutes.map((r) => `${r.method} ${r.url}`).sort();
    expect(registered).toEqual(Object.keys(PERMISSIONS).sort());
    // the dashboard's pages take sessions, not tokens: test/integration/dashboard.test.ts checks them
    expect(Object.keys(SAMPLE).sort()).toEqual(registered.filter((k) => !Object.hasOwn(PAGES, k)));
  });

  it('every route × every role, no token, an expired and a revoked token: allowed exactly as the table says', async () => {
    const callers: [string, Record<string, string>, Role | 'none'][] = [
      ...ROLES.map((r) => [r, f.auth(r), r] as [string, Record<string, string>, Role]),
      ['user dana (analyst, Basic)', userAuth, 'analyst'],
      ['no token', {}, 'none'],
      ['expired', f.auth('expired'), 'none'],
      ['revoked', f.auth('revoked'), 'none'],
      ['malformed', { authorization: 'Bearer not-a-token' }, 'none'],
      ['wrong password', { authorization: `Basic ${Buffer.from('dana:wrong').toString('base64')}` }, 'none'],
    ];
    const seen: string[] = [];
    for (const route of f.app.vigilRoutes.filter((r) => !isPageRoute(r.method, r.url))) {
      const key = `${route.method} ${route.url}`;
      const sample = SAMPLE[key]!;
      for (const [label, headers, role] of callers) {
        const r = await f.app.inject({ method: route.method as 'GET', url: sample.url, headers, ...(sample.payload !== undefined ? { payload: sample.payload } : {}) });
        const what = `${key} as ${label}: ${r.statusCode} ${r.body.slice(0, 200)}`;
        expect(r.statusCode, what).toBeLessThan(500);
        if (route.access === 'public') expect(r.statusCode, what).toBeLessThan(300);
        else if (role === 'none') {
          expect(r.statusCode, what).toBe(401);
          expect(r.json(), what).toMatchObject({ statusCode: 401, code: 'VIGIL_ERR_AUTH_REQUIRED' });
          expect(r.headers['www-authenticate']).toMatch(/^Bearer realm="vigil"/);
        } else if (route.access.includes(role)) expect([401, 403], what).not.toContain(r.statusCode);
        else {
          expect(r.statusCode, what).toBe(403);
          expect(r.json(), what).toMatchObject({ statusCode: 403, code: 'VIGIL_ERR_AUTH_FORBIDDEN' });
        }
        seen.push(key);
      }
    }
    expect(new Set(seen).size).toBe(Object.keys(PERMISSIONS).length - Object.keys(PAGES).length);
    // an expired token is told apart from a revoked one, so its owner knows what to do
    const expired = await f.app.inject({ url: '/api/findings', headers: f.auth('expired') });
    expect(expired.json().message).toBe('the token has expired');
    const revoked = await f.app.inject({ url: '/api/findings', headers: f.auth('revoked') });
    expect(revoked.json().message).toBe('the token was revoked');
  });

  it('a token in the query string is not read, and no token reaches the logs', async () => {
    for (const name of ['token', 'access_token', 'authorization']) {
      const r = await f.app.inject({ url: `/api/findings?${name}=${f.tokens.admin}` });
      expect(r.statusCode).toBe(401);
      expect(r.json().code).toBe('VIGIL_ERR_AUTH_REQUIRED');
    }
    // with valid credentials too, the parameter is refused, not ignored
    const withHeader = await f.app.inject({ url: `/api/findings?token=${f.tokens.ci}`, headers: f.auth('ci') });
    expect(withHeader.statusCode).toBe(400);
    expect(withHeader.json()).toEqual({ statusCode: 400, code: 'VIGIL_ERR_API_INVALID', message: 'querystring: unknown parameter "token"' });
    expect(f.logs.lines.length).toBeGreaterThan(50);
    expect(f.logs.text).toContain('vgl_[REDACTED]');
    for (const secret of Object.values(f.tokens)) {
      expect(f.logs.text).not.toContain(secret);
      expect(f.logs.text).not.toContain(secret.slice(4, 24));
    }
    expect(f.logs.text).not.toContain(userAuth.authorization.slice(6));
  });

  it('serves the OpenAPI 3.1 document of every registered route, valid by swagger-parser', async () => {
    const r = await f.app.inject({ url: '/api/openapi.json', headers: f.auth('ci') });
    expect(r.statusCode).toBe(200);
    const doc = JSON.parse(r.body) as { openapi: string; paths: Record<string, Record<string, { security?: unknown[]; description?: string }>> };
    expect(doc.openapi).toMatch(/^3\.1\./);
    const documented = Object.entries(doc.paths).flatMap(([p, ops]) => Object.keys(ops).map((m) => `${m.toUpperCase()} ${p}`)).sort();
    const registered = f.app.vigilRoutes.filter((x) => !isPageRoute(x.method, x.url)).map((x) => `${x.method} ${x.url.replace(/:([A-Za-z]+)/g, '{$1}')}`).sort();
    expect(documented).toEqual(registered);
    expect(registered.filter((x) => x.includes(' /api/')).length).toBe(27);
    // each operation says who may call it
    expect(doc.paths['/api/tokens']!.post!.description).toContain('roles: admin');
    expect(doc.paths['/healthz']!.get!.security).toEqual([]);
    await SwaggerParser.validate(structuredClone(doc) as never);
  });

  it('sends a strict CSP and the other hardening headers', async () => {
    const r = await f.app.inject({ url: '/healthz' });
    const csp = String(r.headers['content-security-policy']);
    expect(csp).toContain("default-src 'self'");
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("style-src 'self'");
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).not.toMatch(/unsafe-(inline|eval)/);
    expect(r.headers['x-content-type-options']).toBe('nosniff');
    expect(r.headers['x-frame-options']).toBe('DENY');
    expect(r.headers['referrer-policy']).toBe('no-referrer');
    // plain HTTP on loopback: no HSTS
    expect(r.headers['strict-transport-security']).toBeUndefined();
  });

  it('/metrics is Prometheus text: request durations by route, method and status, findings by severity and status', async () => {
    await f.app.inject({ url: '/api/findings/1', headers: f.auth('ci') });
    const r = await f.app.inject({ url: '/metrics', headers: f.auth('ci') });
    expect(r.statusCode).toBe(200);
    expect(r.headers['content-type']).toMatch(/^text\/plain; version=0\.0\.4/);
    const names = new Set([...r.body.matchAll(/^# TYPE (\S+)/gm)].map((m) => m[1]!));
    for (const n of names) expect(n).toMatch(/^vigil_/);
    expect(r.body).toMatch(/^vigil_http_request_duration_seconds_count\{route="\/api\/findings\/:id",method="GET",status_code="200"\} [1-9]/m);
    expect(r.body).toMatch(/^vigil_http_request_duration_seconds_count\{route="\/api\/findings",method="GET",status_code="401"\} [1-9]/m);
    // fileFinding(1) is high and fileFinding(2) medium, both open
    expect(r.body).toMatch(/^vigil_findings\{severity="high",status="open"\} 1$/m);
    expect(r.body).toMatch(/^vigil_findings\{severity="medium",status="open"\} 1$/m);
    expect(r.body).toMatch(/^vigil_findings\{severity="critical",status="open"\} 0$/m);
    expect(r.body).toMatch(/^vigil_ledger_events [1-9]/m);
  });
});

describe('API rate limits', () => {
  let f: ApiFixture;
  beforeAll(async () => {
    f = await apiFixture(join(mkdtempSync(join(tmpdir(), 'vigil-api-rate-')), 'ledger.db'), {
      deps: { limits: { authFailures: { max: 3, windowMs: 60_000 }, requestsPerMinute: 40 } },
    });
  });
  afterAll(async () => {
    await f.close();
  });

  it('refuses an address after too many failed token or password checks, even with a good token; others go on', async () => {
    const from = { remoteAddress: '10.9.8.7' };
    const bad = [
      { authorization: 'Bearer vgl_' + 'A'.repeat(43) },
      { authorization: `Basic ${Buffer.from('nobody:guess').toString('base64')}` },
      f.auth('revoked'),
    ];
    for (const headers of bad) expect((await f.app.inject({ url: '/api/findings', headers, ...from })).statusCode).toBe(401);
    const blocked = await f.app.inject({ url: '/api/findings', headers: f.auth('admin'), ...from });
    expect(blocked.statusCode).toBe(429);
    expect(blocked.json()).toMatchObject({ statusCode: 429, code: 'VIGIL_ERR_API_RATE_LIMITED' });
    expect(Number(blocked.headers['retry-after'])).toBeGreaterThan(0);
    // a missing header is not a failed check, and another address is not held back
    expect((await f.app.inject({ url: '/api/findings', headers: f.auth('admin'), remoteAddress: '10.9.8.6' })).statusCode).toBe(200);
  });

  it('refuses more requests a minute than the limit from one address', async () => {
    const from = { remoteAddress: '10.1.1.1' };
    let last = 0;
    for (let i = 0; i < 41; i++) last = (await f.app.inject({ url: '/healthz', ...from })).statusCode;
    const r = await f.app.inject({ url: '/api/findings', headers: f.auth('ci'), ...from });
    expect(last).toBe(429);
    expect(r.statusCode).toBe(429);
    expect(r.json()).toMatchObject({ statusCode: 429, code: 'VIGIL_ERR_API_RATE_LIMITED' });
    expect(r.headers['retry-after']).toBeDefined();
  });
});
