import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { API_AUTHZ_FIXTURES, API_AUTHZ_SPEC, API_AUTHZ_SWAGGER2, startApiAuthzApp, type ApiAuthzApp } from '../helpers/api-authz-app.js';
import { vigilAsync } from '../helpers/cli.js';
import { freePort } from '../helpers/ports.js';

const dir = mkdtempSync(join(tmpdir(), 'vigil-api-'));
const apps: ApiAuthzApp[] = [];
afterAll(async () => {
  for (const a of apps) await a.close();
  rmSync(dir, { recursive: true, force: true });
});

interface Finding {
  ruleId: string;
  severity: string;
  cwe: string[];
  tags: string[];
  fingerprint: string;
  location: { kind: string; url: string; method: string; param: string };
  evidence: string;
  properties: Record<string, unknown>;
}
interface Out {
  run: { scanners: { status: string; error: string | null; notes: string[]; report?: Report }[] };
  findings: Finding[];
}
interface Report {
  operations: { total: number; sent: number; skippedUnsafe: number; skippedTrace: number };
  identities: { name: string; requests: number; answers: Record<string, number> }[];
}

async function app(o: Parameters<typeof startApiAuthzApp>[0] = {}): Promise<ApiAuthzApp> {
  const a = await startApiAuthzApp(o);
  apps.push(a);
  return a;
}

/** A config with one api target; `options` are the scanner's options (JSON is YAML). */
function config(name: string, origin: string, options: Record<string, unknown>, active = false): string {
  const file = join(dir, `${name}.yaml`);
  writeFileSync(file, `version: 1\ntargets:\n  - name: shop-api\n    kind: url\n    url: ${origin}/\n${active ? '    active: true\n' : ''}    scanners:\n      api: ${JSON.stringify(options)}\n`);
  return file;
}

async function scanConfig(file: string, env: Record<string, string | undefined> = {}, extra: string[] = []) {
  const r = await vigilAsync(['scan', '--config', file, '--no-ledger', '-f', 'json', '--fail-on', 'none', ...extra], { cwd: dir, env });
  return { ...r, out: (r.stdout ? JSON.parse(r.stdout) : undefined) as Out | undefined };
}

const userCredential = (extra: Record<string, unknown> = {}) => ({
  name: 'user',
  headers: { Authorization: 'Bearer ${API_USER_TOKEN}' },
  foreignObjects: { orderId: [2] },
  ...extra,
});

const summary = (o: Out) => o.findings.map((f) => `${f.ruleId} ${f.location.method} ${new URL(f.location.url).pathname.replace(/%7B/g, '{').replace(/%7D/g, '}')} ${f.location.param}`).sort();

const EXPECTED = [
  'api-function-level-authz GET /v1/admin/users user',
  'api-object-level-authz GET /v1/orders/{orderId} user',
  'api-unauthenticated-access GET /v1/orders anonymous',
];

describe('vigil scan api against a real API on loopback', () => {
  it('finds exactly the three planted flaws (API2, API5, API1), sends no unsafe method, stays on the target', async () => {
    const a = await app();
    const r = await scanConfig(config('main', a.origin, { openapi: API_AUTHZ_SPEC, credentials: [userCredential()] }), { API_USER_TOKEN: a.tokens.user });
    expect(r.code, r.stderr).toBe(0);
    const o = r.out!;
    expect(summary(o)).toEqual(EXPECTED);
    const byRule = Object.fromEntries(o.findings.map((f) => [f.ruleId, f]));
    expect(byRule['api-unauthenticated-access']).toMatchObject({ severity: 'high', cwe: ['CWE-306'], properties: { operationId: 'listOrders', owasp: 'API2:2023', expected: '401', got: 200 } });
    expect(byRule['api-unauthenticated-access']!.tags).toContain('owasp-api:API2:2023');
    expect(byRule['api-function-level-authz']).toMatchObject({ severity: 'high', cwe: ['CWE-285'], properties: { operationId: 'listUsers', owasp: 'API5:2023', expected: '403', got: 200 } });
    expect(byRule['api-object-level-authz']).toMatchObject({ severity: 'high', cwe: ['CWE-639'], properties: { operationId: 'getOrder', owasp: 'API1:2023', parameter: 'orderId', value: '2', got: 200 } });
    // the URL template, on the target's origin, not the document's server
    expect(byRule['api-object-level-authz']!.location.url).toBe(`${a.origin}/v1/orders/{orderId}`);
    expect(byRule['api-object-level-authz']!.evidence).toMatch(/GET \/v1\/orders\/2 .*HTTP 200/);

    // not active: GET only (the document's POST, DELETE and TRACE never reach the server)
    expect([...new Set(a.requests.map((q) => q.method))]).toEqual(['GET']);
    expect(a.requests.some((q) => q.url.startsWith('/v1/orders?limit=10'))).toBe(true);
    const scanner = o.run.scanners[0]!;
    expect(scanner.status).toBe('complete');
    expect(scanner.notes).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^2 operation\(s\) not called \(POST 1, DELETE 1\): only GET, HEAD and OPTIONS/),
        expect.stringMatching(/^1 TRACE operation\(s\) not called/),
        expect.stringMatching(/server https:\/\/api\.elsewhere\.example\/v1 is not the target: only its path "\/v1" is used/),
      ]),
    );
    const rep = scanner.report!;
    expect(rep.operations).toEqual({ total: 10, sent: 7, skippedUnsafe: 2, skippedTrace: 1 });
    // anonymous 7 calls; the user 7 calls and 1 foreign-object request
    expect(rep.identities.map((i) => [i.name, i.requests])).toEqual([['anonymous', 7], ['user', 8]]);
    expect(rep.identities[0]!.answers).toEqual({ '2xx': 3, '401': 4 });
    expect(a.requests.filter((q) => q.who === 'user')).toHaveLength(8);
    expect(a.requests.filter((q) => q.who === 'none')).toHaveLength(7);
  });

  it('the credential never appears in the JSON or SARIF output, even when the API echoes it', async () => {
    const a = await app();
    const cfg = config('secret', a.origin, { openapi: API_AUTHZ_SPEC, credentials: [userCredential()] });
    for (const format of ['json', 'sarif']) {
      const r = await vigilAsync(['scan', '--config', cfg, '--no-ledger', '-f', format, '--fail-on', 'none'], { cwd: dir, env: { API_USER_TOKEN: a.tokens.user } });
      expect(r.code, r.stderr).toBe(0);
      expect(r.stdout).toContain('api-function-level-authz');
      expect(r.stdout).not.toContain(a.tokens.user);
      expect(r.stdout.slice(0, 50)).not.toBe('');
      expect(r.stderr).not.toContain(a.tokens.user);
    }
    // the echo was there to leak: the evidence shows where it was cut
    const { out } = await scanConfig(cfg, { API_USER_TOKEN: a.tokens.user });
    expect(out!.findings.find((f) => f.ruleId === 'api-function-level-authz')!.evidence).toContain('[redacted]');
  });

  it('CLI: vigil scan api URL --openapi FILE, no credential: the anonymous pass alone, and a note saying so', async () => {
    const a = await app();
    const r = await vigilAsync(['scan', 'api', `${a.origin}/`, '--openapi', API_AUTHZ_SPEC, '--no-ledger', '--fail-on', 'high'], { cwd: dir });
    // the gate fails on the high finding
    expect(r.code, r.stderr).toBe(1);
    expect(r.stdout).toContain('api-unauthenticated-access');
    expect(r.stdout).not.toContain('api-function-level-authz');
    expect(r.stderr).toMatch(/no credential given/);
    expect(new Set(a.requests.map((q) => q.who))).toEqual(new Set(['none']));
  });

  it('CLI: --header "Authorization: Bearer …" is the low-privilege credential (named cli); its value is never printed', async () => {
    const a = await app();
    const r = await vigilAsync(['scan', 'api', `${a.origin}/`, '--openapi', API_AUTHZ_SPEC, '--header', `Authorization: Bearer ${a.tokens.user}`, '--no-ledger', '-f', 'json', '--fail-on', 'none'], { cwd: dir });
    expect(r.code, r.stderr).toBe(0);
    const o = JSON.parse(r.stdout) as Out;
    expect(summary(o)).toEqual(['api-function-level-authz GET /v1/admin/users cli', 'api-unauthenticated-access GET /v1/orders anonymous']);
    expect(r.stdout + r.stderr).not.toContain(a.tokens.user);
  });

  it('active: POST and DELETE are sent with the document\'s example body; TRACE never', async () => {
    const a = await app();
    const r = await scanConfig(config('active', a.origin, { openapi: API_AUTHZ_SPEC, credentials: [userCredential()] }, true), { API_USER_TOKEN: a.tokens.user });
    expect(r.code, r.stderr).toBe(0);
    const posts = a.requests.filter((q) => q.method === 'POST');
    expect(posts.map((q) => [q.url, q.who]).sort()).toEqual([['/v1/orders', 'none'], ['/v1/orders', 'user']]);
    expect(JSON.parse(posts[0]!.body)).toEqual({ item: 'tea', quantity: 1 });
    expect(a.requests.some((q) => q.method === 'DELETE')).toBe(true);
    expect(a.requests.some((q) => q.method === 'TRACE')).toBe(false);
    expect(r.out!.run.scanners[0]!.notes).toEqual(expect.arrayContaining([expect.stringMatching(/marked active: 3 operation\(s\) with unsafe methods were called \(POST 1, DELETE 2\)|marked active: 2 operation\(s\) with unsafe methods were called \(POST 1, DELETE 1\)/)]));
    // the server's correct POST and DELETE checks make no finding; the planted three still show
    expect(summary(r.out!)).toEqual(EXPECTED);
  });

  it('Swagger 2.0: the same API, the same findings', async () => {
    const a = await app();
    const r = await scanConfig(config('v2', a.origin, { openapi: API_AUTHZ_SWAGGER2, credentials: [userCredential()] }), { API_USER_TOKEN: a.tokens.user });
    expect(r.code, r.stderr).toBe(0);
    expect(summary(r.out!)).toEqual(EXPECTED);
  });

  it('OpenAPI 3.1 in JSON (examples as a list): the same findings', async () => {
    const a = await app();
    const doc = parse(readFileSync(API_AUTHZ_SPEC, 'utf8')) as { openapi: string; components: { parameters: { OrderId: { schema: Record<string, unknown> } } } };
    doc.openapi = '3.1.0';
    doc.components.parameters.OrderId.schema = { type: ['integer'], examples: [1] };
    const file = join(dir, 'openapi-3.1.json');
    writeFileSync(file, JSON.stringify(doc, null, 2));
    const r = await scanConfig(config('v31', a.origin, { openapi: file, credentials: [userCredential()] }), { API_USER_TOKEN: a.tokens.user });
    expect(r.code, r.stderr).toBe(0);
    expect(summary(r.out!)).toEqual(EXPECTED);
    expect(a.requests.some((q) => q.url === '/v1/orders/1' && q.who === 'user')).toBe(true);
  });

  it('the document served by the target (a URL on its origin); fingerprints do not change between runs', async () => {
    const a = await app();
    const cfg = config('url', a.origin, { openapi: `${a.origin}/openapi.yaml`, credentials: [userCredential()] });
    const one = await scanConfig(cfg, { API_USER_TOKEN: a.tokens.user });
    const two = await scanConfig(cfg, { API_USER_TOKEN: a.tokens.user });
    expect(summary(one.out!), one.stderr).toEqual(EXPECTED);
    expect(two.out!.findings.map((f) => f.fingerprint).sort()).toEqual(one.out!.findings.map((f) => f.fingerprint).sort());
  });

  it('a document URL on another origin is refused before any request', async () => {
    const a = await app();
    const r = await scanConfig(config('offorigin', a.origin, { openapi: 'http://127.0.0.2:9/openapi.yaml' }));
    expect(r.code, r.stderr).toBe(2);
    expect(r.stderr).toMatch(/outside the target's origin/);
    expect(a.requests).toHaveLength(0);
  });

  it('config mustRefuse (operationIds, path globs with methods) on top of x-vigil-roles', async () => {
    const a = await app();
    const cred = userCredential({ foreignObjects: undefined, mustRefuse: ['me', { path: '/products', methods: ['GET'] }, { path: '/admin/**', methods: ['POST'] }] });
    delete (cred as Record<string, unknown>).foreignObjects;
    const r = await scanConfig(config('refuse', a.origin, { openapi: API_AUTHZ_SPEC, credentials: [cred] }), { API_USER_TOKEN: a.tokens.user });
    expect(r.code, r.stderr).toBe(0);
    expect(summary(r.out!)).toEqual([
      'api-function-level-authz GET /v1/admin/users user',
      'api-function-level-authz GET /v1/me user',
      'api-function-level-authz GET /v1/products user',
      'api-unauthenticated-access GET /v1/orders anonymous',
    ]);
  });

  it('a credential the API does not accept is named in a note', async () => {
    const a = await app();
    const r = await scanConfig(config('invalid', a.origin, { openapi: API_AUTHZ_SPEC, credentials: [{ name: 'stale', headers: { Authorization: 'Bearer not-a-real-token' } }] }));
    expect(r.code, r.stderr).toBe(0);
    expect(r.out!.run.scanners[0]!.notes).toEqual(expect.arrayContaining([expect.stringMatching(/credential "stale" got the same answers as requests without credentials/)]));
    expect(JSON.stringify(r.out)).not.toContain('not-a-real-token');
  });
});

describe('bad input and bad targets', () => {
  it.each([
    ['broken YAML', 'broken-yaml.yaml', /broken-yaml\.yaml:9:\d+: .*not valid YAML/],
    ['security that is not a list', 'bad-security.yaml', /bad-security\.yaml:6:\d+: OpenAPI document: paths\.\/orders\.get\.security: must be a list/],
    ['a $ref to nothing', 'bad-ref.json', /bad-ref\.json:7:\d+: OpenAPI document: .*\$ref: could not be resolved/],
  ])('%s → exit 2 naming the file and line', async (_name, file, message) => {
    const a = await app();
    const r = await vigilAsync(['scan', 'api', `${a.origin}/`, '--openapi', join(API_AUTHZ_FIXTURES, file), '--no-ledger', '-f', 'json'], { cwd: dir });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/VIGIL_ERR_USAGE/);
    expect(r.stderr).toMatch(message);
    expect(a.requests).toHaveLength(0);
  });

  it('a missing document, no --openapi, an unset environment variable → exit 2 with the reason', async () => {
    const a = await app();
    const missing = await vigilAsync(['scan', 'api', `${a.origin}/`, '--openapi', join(dir, 'nope.yaml'), '--no-ledger'], { cwd: dir });
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/VIGIL_ERR_INPUT_NOT_FOUND.*nope\.yaml/);
    const none = await vigilAsync(['scan', 'api', `${a.origin}/`, '--no-ledger'], { cwd: dir });
    expect(none.code).toBe(2);
    expect(none.stderr).toMatch(/--openapi/);
    const unset = await scanConfig(config('unset', a.origin, { openapi: API_AUTHZ_SPEC, credentials: [userCredential()] }), { API_USER_TOKEN: undefined });
    expect(unset.code).toBe(2);
    expect(unset.stderr).toMatch(/environment variable API_USER_TOKEN is not set/);
    expect(a.requests).toHaveLength(0);
  });

  it('nothing listening → exit 3, VIGIL_ERR_TARGET_UNREACHABLE', async () => {
    const port = await freePort();
    const r = await vigilAsync(['scan', 'api', `http://127.0.0.1:${port}/`, '--openapi', API_AUTHZ_SPEC, '--no-ledger', '-f', 'json'], { cwd: dir });
    expect(r.code).toBe(3);
    expect(r.stderr).toMatch(/VIGIL_ERR_TARGET_UNREACHABLE: api: the target http:\/\/127\.0\.0\.1:\d+ did not answer the first request: .*ECONNREFUSED/);
  });

  it('an operation that stops answering keeps its finding open in the ledger: a timeout is not a fix', async () => {
    const hangPaths = new Set<string>();
    const a = await startApiAuthzApp({ hangPaths });
    try {
      const ledger = join(dir, `carry-${Date.now()}.db`);
      const file = config('carry', a.origin, { openapi: API_AUTHZ_SPEC, timeoutMs: 500, credentials: [userCredential()] });
      const env = { API_USER_TOKEN: a.tokens.user };
      const first = await vigilAsync(['scan', '--config', file, '--ledger', ledger, '-f', 'json', '--fail-on', 'none'], { cwd: dir, env });
      expect(first.code, first.stderr).toBe(0);
      expect(summary(JSON.parse(first.stdout) as Out)).toEqual(EXPECTED);
      // the admin route now hangs: its function-level finding is not seen, but not proven fixed either
      hangPaths.add('/v1/admin/users');
      const second = await vigilAsync(['scan', '--config', file, '--ledger', ledger, '-f', 'json', '--fail-on', 'none'], { cwd: dir, env });
      expect(second.code, second.stderr).toBe(0);
      expect(second.stderr).toMatch(/1 finding\(s\) from earlier runs kept open: their operations got no answer this time/);
      expect(second.stderr).toMatch(/ledger .*: 0 new, 0 reopened, 0 fixed/);
      const list = await vigilAsync(['findings', 'list', '--ledger', ledger, '--status', 'all', '--format', 'json'], { cwd: dir });
      const statuses = (JSON.parse(list.stdout) as { findings: { ruleId: string; status: string }[] }).findings.map((f) => `${f.ruleId} ${f.status}`).sort();
      expect(statuses).toEqual(['api-function-level-authz open', 'api-object-level-authz open', 'api-unauthenticated-access open']);
    } finally {
      await a.close();
    }
  });

  it('a server that accepts and never answers → exit 3 after the request timeout, a clear error', async () => {
    const a = await app({ mode: 'hang' });
    const r = await scanConfig(config('hang', a.origin, { openapi: API_AUTHZ_SPEC, timeoutMs: 500 }));
    expect(r.code).toBe(3);
    expect(r.stderr).toMatch(/VIGIL_ERR_TARGET_UNREACHABLE: .*no complete answer within the 500 ms timeout/);
  });

  it('a server that dies midway: the answers before are reported, the rest noted, and the part failed so nothing is taken as fixed', async () => {
    // anonymous requests first, one at a time: the 4th answer is GET /v1/orders (the planted API2), then it dies
    const a = await app({ dieAfter: 4 });
    const r = await scanConfig(config('dies', a.origin, { openapi: API_AUTHZ_SPEC, concurrency: 1, credentials: [userCredential()] }), { API_USER_TOKEN: a.tokens.user });
    expect(r.code, r.stderr).toBe(3);
    expect(summary(r.out!)).toEqual(['api-unauthenticated-access GET /v1/orders anonymous']);
    const part = r.out!.run.scanners[0]!;
    expect(part.status).toBe('failed');
    expect(part.error).toMatch(/VIGIL_ERR_TARGET_UNREACHABLE: api: the target stopped answering \(5 requests in a row without an answer\) after 4 answers; 11 request\(s\) unanswered or not sent/);
    expect(part.notes).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^the target stopped answering \(5 requests in a row without an answer\): 6 request\(s\) not sent/),
        expect.stringMatching(/^5 request\(s\) got no answer, their operations are unchecked: GET \/orders\/\{orderId\} as anonymous: .*(ECONNREFUSED|ECONNRESET|socket hang up)/),
      ]),
    );
  });

  it('the scanner stops at the run\'s --timeout while a request hangs (its own request timeout is longer)', async () => {
    const a = await app({ mode: 'hang' });
    const r = await vigilAsync(['scan', 'api', `${a.origin}/`, '--openapi', API_AUTHZ_SPEC, '--timeout', '1', '--no-ledger', '-f', 'json', '--fail-on', 'none'], { cwd: dir });
    expect(r.code, r.stderr).toBe(3);
    const out = JSON.parse(r.stdout) as Out;
    expect(out.run.scanners[0]!.status).toBe('timeout');
    expect(r.stderr).toMatch(/api on .* timeout: VIGIL_ERR_SCANNER_TIMEOUT/);
  });

  it('a server on the document\'s URL that hangs → exit 3 within the time limit', async () => {
    const server = http.createServer(() => undefined);
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    try {
      const r = await scanConfig(config('spec-hang', origin, { openapi: `${origin}/openapi.yaml`, timeoutMs: 500 }));
      expect(r.code).toBe(3);
      expect(r.stderr).toMatch(/VIGIL_ERR_TARGET_UNREACHABLE: api: the OpenAPI document could not be read: .*500 ms timeout/);
    } finally {
      server.closeAllConnections();
      await new Promise<void>((r) => server.close(() => r()));
    }
  });
});
