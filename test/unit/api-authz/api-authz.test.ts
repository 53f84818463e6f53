import { describe, expect, it } from 'vitest';
import { VigilError } from '../../../src/errors.js';
import { carryOver, evaluate, plan, requiresAuth } from '../../../scanners/api/api-scanner.js';
import { checkOptions, expandEnv, refusalOf, resolveCredentials, type RefuseRule } from '../../../scanners/api/options.js';
import { buildRequest, scrub, type Outcome } from '../../../scanners/api/probe.js';
import { API_RULES } from '../../../scanners/api/rules.js';
import { operationsOf, securityOf, type ApiOperation } from '../../../scanners/api/spec.js';

const op = (o: Partial<ApiOperation> = {}): ApiOperation => ({ method: 'GET', path: '/orders/{id}', security: 'required', params: [{ name: 'id', in: 'path', value: 1 }], ...o });
const ORIGIN = 'http://127.0.0.1:8080';

describe('securityOf: the effective requirement of an operation', () => {
  it.each<[string, unknown, 'required' | 'anonymous']>([
    ['none declared', undefined, 'anonymous'],
    ['security: []', [], 'anonymous'],
    ['one scheme', [{ bearer: [] }], 'required'],
    ['two schemes, either', [{ bearer: [] }, { apiKey: [] }], 'required'],
    ['an empty alternative {}', [{ bearer: [] }, {}], 'anonymous'],
    ['only {}', [{}], 'anonymous'],
  ])('%s', (_n, security, expected) => {
    expect(securityOf(security)).toBe(expected);
  });

  it('an operation\'s own security wins over the document\'s; x-vigil-roles implies credentials unless it lists anonymous', () => {
    const doc = {
      openapi: '3.0.3',
      security: [{ bearer: [] }],
      paths: {
        '/a': { get: { security: [] } },
        '/b': { get: {} },
        '/c': { get: { security: [], 'x-vigil-roles': ['admin'] } },
        '/d': { get: { security: [], 'x-vigil-roles': ['anonymous', 'admin'] } },
      },
    };
    const ops = operationsOf(doc, `${ORIGIN}/`, ORIGIN).operations;
    expect(ops.map((o) => [o.path, o.security, requiresAuth(o)])).toEqual([
      ['/a', 'anonymous', false],
      ['/b', 'required', true],
      ['/c', 'anonymous', true],
      ['/d', 'anonymous', false],
    ]);
  });
});

describe('operationsOf: server prefix, parameters', () => {
  it.each<[string, Record<string, unknown>, string | undefined, string | undefined]>([
    ['no servers', { openapi: '3.1.0' }, undefined, undefined],
    ['a relative server', { openapi: '3.1.0', servers: [{ url: '/api/v2/' }] }, '/api/v2', undefined],
    ['a server on another origin: its path only, and said', { openapi: '3.0.0', servers: [{ url: 'https://evil.example/x' }] }, '/x', 'https://evil.example/x'],
    ['server variables take their default', { openapi: '3.0.0', servers: [{ url: '/{v}/api', variables: { v: { default: 'v3' } } }] }, '/v3/api', undefined],
    ['the same origin is not foreign', { openapi: '3.0.0', servers: [{ url: `${ORIGIN}/base` }] }, '/base', undefined],
    ['Swagger 2.0 basePath', { swagger: '2.0', basePath: '/v1' }, '/v1', undefined],
  ])('%s', (_n, doc, basePath, foreign) => {
    const spec = operationsOf({ ...doc, paths: {} }, `${ORIGIN}/`, ORIGIN);
    expect(spec.basePath).toBe(basePath);
    expect(spec.foreignServer).toBe(foreign);
  });

  it('values from example, examples, default, enum; optional query parameters without an example are left out; credential headers never come from examples', () => {
    const doc = {
      openapi: '3.0.3',
      components: { securitySchemes: { key: { type: 'apiKey', in: 'header', name: 'X-Api-Key' } } },
      paths: {
        '/o/{id}/{kind}': {
          parameters: [{ name: 'id', in: 'path', required: true, schema: { type: 'integer' } }],
          get: {
            parameters: [
              { name: 'kind', in: 'path', required: true, schema: { type: 'string', enum: ['a', 'b'] } },
              { name: 'page', in: 'query', required: true, schema: { type: 'integer', default: 3 } },
              { name: 'q', in: 'query', schema: { type: 'string' } },
              { name: 'sort', in: 'query', examples: { x: { value: 'name' } } },
              { name: 'X-Api-Key', in: 'header', schema: { type: 'string', example: 'from-the-doc' } },
              { name: 'X-Trace', in: 'header', example: 't1' },
            ],
          },
        },
      },
    };
    const [o] = operationsOf(doc, `${ORIGIN}/`, ORIGIN).operations;
    expect(o!.params).toEqual([
      { name: 'id', in: 'path', value: 1 },
      { name: 'kind', in: 'path', value: 'a' },
      { name: 'page', in: 'query', value: 3 },
      { name: 'sort', in: 'query', value: 'name' },
      { name: 'X-Trace', in: 'header', value: 't1' },
    ]);
    const req = buildRequest(ORIGIN, '/api', o!, { name: 'anonymous' }, false);
    expect(req.url).toBe(`${ORIGIN}/api/o/1/a?page=3&sort=name`);
    expect(req.headers).toEqual({ accept: 'application/json, */*;q=0.5', 'x-trace': 't1' });
  });
});

describe('buildRequest', () => {
  const cred = resolveCredentials(checkOptions({ openapi: 'x.yaml', credentials: [{ name: 'u', headers: { Authorization: 'Bearer ${T}' } }] }, '/'), { T: 'tok-123456' })[0]!;

  it('a foreign object replaces the example value; the credential\'s headers are added', () => {
    const r = buildRequest(ORIGIN, '', op(), { name: 'u', credential: cred }, false, { param: 'id', value: '42/x' });
    expect(r.url).toBe(`${ORIGIN}/orders/42%2Fx`);
    expect(r.headers['authorization']).toBe('Bearer tok-123456');
  });

  it('a body only when asked (active) and never on GET; undeclared template parameters get a placeholder', () => {
    const body = { contentType: 'application/json', text: '{"a":1}' };
    expect(buildRequest(ORIGIN, '', op({ method: 'POST', body }), { name: 'anonymous' }, true).body).toBe('{"a":1}');
    expect(buildRequest(ORIGIN, '', op({ method: 'POST', body }), { name: 'anonymous' }, false).body).toBeUndefined();
    expect(buildRequest(ORIGIN, '', op({ method: 'GET', body }), { name: 'anonymous' }, true).body).toBeUndefined();
    expect(buildRequest(ORIGIN, '', op({ path: '/a/{x}/b', params: [] }), { name: 'anonymous' }, false).url).toBe(`${ORIGIN}/a/1/b`);
  });
});

describe('credentials and refusals', () => {
  it.each<[string, RefuseRule[], string, Partial<ApiOperation>, boolean]>([
    ['x-vigil-roles without the role', [], 'user', { roles: ['admin'] }, true],
    ['x-vigil-roles with the role', [], 'admin', { roles: ['admin'] }, false],
    ['an operationId', ['getOrder'], 'user', { operationId: 'getOrder' }, true],
    ['{ operationId }', [{ operationId: 'getOrder' }], 'user', { operationId: 'other' }, false],
    ['a path glob, any method', [{ path: '/admin/**' }], 'user', { path: '/admin/users/{id}' }, true],
    ['a path glob, another method', [{ path: '/admin/**', methods: ['DELETE'] }], 'user', { path: '/admin/users' }, false],
    ['a path glob, the method', [{ path: '/admin/**', methods: ['GET'] }], 'user', { path: '/admin/users' }, true],
    ['`*` stops at a slash', [{ path: '/orders/*' }], 'user', { path: '/orders/{id}/items' }, false],
    ['nothing said', [], 'user', {}, false],
  ])('%s', (_n, rules, role, o, expected) => {
    expect(refusalOf(rules, role)(op(o))).toBe(expected);
  });

  it('${NAME} comes from the environment; an unset one names the variable, never a value', () => {
    expect(expandEnv('Bearer ${TOKEN}', { TOKEN: 'abc' }, 'h')).toBe('Bearer abc');
    expect(() => expandEnv('Bearer ${MISSING_ONE}', {}, 'credential "u" header Authorization')).toThrow(/MISSING_ONE is not set/);
    try {
      expandEnv('${A}', {}, 'x');
    } catch (e) {
      expect((e as VigilError).code).toBe('VIGIL_ERR_USAGE');
    }
  });

  it.each<[string, Record<string, unknown>, RegExp]>([
    ['an unknown option', { openapi: 'a.yaml', rsp: 3 }, /unknown option "rsp"/],
    ['a header value that is not a string (the value is not echoed)', { openapi: 'a.yaml', credentials: [{ name: 'u', headers: { Authorization: 12345678 } }] }, /headers\.Authorization is a string$/],
    ['two credentials with one name', { openapi: 'a.yaml', credentials: [{ name: 'u', headers: { A: 'x' } }, { name: 'u', headers: { A: 'y' } }] }, /two credentials are named "u"/],
    ['the name anonymous', { openapi: 'a.yaml', lowPrivilege: { name: 'anonymous', headers: { A: 'x' } } }, /"anonymous" names the requests without credentials/],
    ['a bad mustRefuse entry', { openapi: 'a.yaml', credentials: [{ name: 'u', headers: { A: 'x' }, mustRefuse: [{ path: 'admin' }] }] }, /mustRefuse\[0\] is an operationId/],
    ['a bad method', { openapi: 'a.yaml', credentials: [{ name: 'u', headers: { A: 'x' }, mustRefuse: [{ path: '/a', methods: ['FETCH'] }] }] }, /methods is a list of HTTP methods/],
    ['rps out of range', { openapi: 'a.yaml', rps: 0 }, /rps is a number from 0.1/],
  ])('bad options: %s', (_n, raw, message) => {
    expect(() => checkOptions(raw, '/base')).toThrow(message);
    expect(() => checkOptions(raw, '/base')).toThrow(VigilError);
  });

  it('the document path is resolved against the config folder; a URL is kept', () => {
    expect(checkOptions({ openapi: 'api/openapi.yaml' }, '/srv/app').openapi).toBe('/srv/app/api/openapi.yaml');
    expect(checkOptions({ openapi: 'http://h/openapi.json' }, '/srv/app').openapi).toBe('http://h/openapi.json');
    expect(() => checkOptions({}, '/srv')).toThrow(/--openapi/);
  });
});

describe('scrub: what is kept of a response body', () => {
  it('credential values (whole and the token after the scheme) are taken out, whitespace collapsed, the text cut', () => {
    const t = scrub(`{"debug": {"authorization": "Bearer tok-SECRET-1"},\n\n  "other": "tok-SECRET-1"}`, ['Bearer tok-SECRET-1', 'tok-SECRET-1']);
    expect(t).not.toContain('SECRET');
    expect(t).toBe('{"debug": {"authorization": "…[redacted]"}, "other": "…[redacted]"}');
    expect(scrub('x'.repeat(5000), [])).toHaveLength(241);
  });
});

describe('evaluate: findings from answers', () => {
  const creds = resolveCredentials(
    checkOptions({ openapi: 'a.yaml', credentials: [{ name: 'user', headers: { Authorization: 'Bearer t0k3n' }, foreignObjects: { id: [2] } }] }, '/'),
    {},
  );
  const user = creds[0]!;
  const ops = [op({ operationId: 'getOrder' }), op({ path: '/admin', params: [], roles: ['admin'], operationId: 'admin' }), op({ path: '/public', params: [], security: 'anonymous' })];
  const jobs = plan(ops, creds, ORIGIN, '/v1', false);

  it('plan: every operation anonymous, then per credential, with a foreign-object request where a secured path has the parameter', () => {
    expect(jobs.map((j) => `${j.identity.name} ${j.kind} ${new URL(j.request.url).pathname}`)).toEqual([
      'anonymous call /v1/orders/1',
      'anonymous call /v1/admin',
      'anonymous call /v1/public',
      'user call /v1/orders/1',
      'user foreign /v1/orders/2',
      'user call /v1/admin',
      'user call /v1/public',
    ]);
  });

  const answer = (statuses: number[]): Outcome[] => jobs.map((job, i) => ({ job, status: statuses[i]!, excerpt: '{}' }));

  it('carryOver: what the ledger holds of an operation that got no answer stays open; answered ones and ones found again do not repeat', () => {
    // last run: everything open
    const before = evaluate(answer([200, 200, 200, 200, 200, 200, 200]), ORIGIN, '/v1');
    // this run: the admin call as user timed out, the rest answered correctly
    const now: Outcome[] = jobs.map((job, i) => (job.identity.name === 'user' && job.op.path === '/admin' ? { job, error: 'no answer within 500 ms' } : { job, status: [401, 401, 200, 200, 404, 403, 200][i]!, excerpt: '{}' }));
    const found = evaluate(now, ORIGIN, '/v1');
    expect(found).toEqual([]);
    const ledger = before.map((f) => ({ ...f, status: 'open', id: 7, target: 'api', firstSeen: '2026-12-01T00:00:00.000Z' }));
    const carried = carryOver(ledger, now.filter((o) => o.status === undefined), found, ORIGIN, '/v1');
    expect(carried.map((f) => `${f.ruleId} ${f.location.kind === 'web' ? f.location.param : ''}`)).toEqual(['api-function-level-authz user']);
    // reported as the finding it was, without the ledger's own fields
    expect(carried[0]).toEqual(before.find((f) => f.ruleId === 'api-function-level-authz'));
    // found again this run: not repeated
    expect(carryOver(ledger, now.filter((o) => o.status === undefined), before, ORIGIN, '/v1')).toEqual([]);
  });

  it.each<[string, number[], string[]]>([
    ['a correct API', [401, 401, 200, 200, 404, 403, 200], []],
    ['all open', [200, 200, 200, 200, 200, 200, 200], ['api-unauthenticated-access GET /orders/{id} anonymous', 'api-unauthenticated-access GET /admin anonymous', 'api-object-level-authz GET /orders/{id} user', 'api-function-level-authz GET /admin user']],
    ['a redirect is not an answer in 2xx', [302, 302, 200, 200, 302, 302, 200], []],
    ['5xx without credentials', [500, 401, 200, 200, 404, 403, 200], ['api-server-error GET /orders/{id} anonymous']],
  ])('%s', (_n, statuses, expected) => {
    const fs = evaluate(answer(statuses), ORIGIN, '/v1');
    expect(fs.map((f) => `${f.ruleId} ${f.location.kind === 'web' ? `${f.location.method} ${f.location.url.slice(ORIGIN.length + 3)} ${f.location.param}` : ''}`)).toEqual(expected);
    for (const f of fs) {
      const rule = API_RULES[f.ruleId as keyof typeof API_RULES];
      expect(f.severity).toBe(rule.severity);
      expect(f.tags).toContain(`owasp-api:${rule.owasp}`);
    }
  });

  it('fingerprints come from the URL template, not the values sent', () => {
    const a = evaluate(answer([200, 401, 200, 200, 404, 403, 200]), ORIGIN, '/v1')[0]!;
    const other = jobs.map((j) => ({ ...j, request: { ...j.request, url: j.request.url.replace('/orders/1', '/orders/7') } }));
    const b = evaluate(other.map((job, i) => ({ job, status: [200, 401, 200, 200, 404, 403, 200][i]! })), ORIGIN, '/v1')[0]!;
    expect(a.location).toEqual({ kind: 'web', url: `${ORIGIN}/v1/orders/{id}`, method: 'GET', param: 'anonymous' });
    expect(b.fingerprint).toBe(a.fingerprint);
    expect(b.evidence).not.toBe(a.evidence);
  });

  it('the credential is never in a finding', () => {
    const fs = evaluate(answer([200, 200, 200, 200, 200, 200, 200]), ORIGIN, '/v1');
    expect(JSON.stringify(fs)).not.toContain('t0k3n');
    expect(user.secrets).toEqual(['Bearer t0k3n', 't0k3n']);
  });
});
