import { readFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { VigilError } from '../../../src/errors.js';
import { createHttpClient } from '../../../scanners/web/http-client.js';
import { openApiRequests, sample } from '../../../scanners/web/openapi.js';
import type { WebRequest } from '../../../scanners/web/types.js';

const FIX = path.resolve('test/fixtures/web/openapi');
const ORIGIN = 'http://127.0.0.1:9';

function find(reqs: WebRequest[], method: string, pathPrefix: string): WebRequest {
  const r = reqs.find((x) => x.method === method && new URL(x.url).pathname.startsWith(pathPrefix));
  if (!r) throw new Error(`no ${method} ${pathPrefix} in ${reqs.map((x) => `${x.method} ${x.url}`).join(', ')}`);
  return r;
}

describe('openApiRequests: OpenAPI 3.0', () => {
  let reqs: WebRequest[];
  beforeAll(async () => {
    reqs = await openApiRequests(path.join(FIX, 'petstore-3.0.yaml'), ORIGIN, createHttpClient({ origin: ORIGIN, rps: 0 }));
  });

  it('makes one request per operation, on the target origin with the server path only', () => {
    expect(reqs.map((r) => `${r.method} ${new URL(r.url).pathname}`).sort()).toEqual([
      'DELETE /v1/pets/00000000-0000-4000-8000-000000000001',
      'GET /v1/pets',
      'POST /v1/pets',
      'PUT /v1/pets/00000000-0000-4000-8000-000000000001',
    ]);
    for (const r of reqs) expect(new URL(r.url).origin).toBe(ORIGIN);
  });

  it('fills query and header parameters from minimum, enum and example', () => {
    const get = find(reqs, 'GET', '/v1/pets');
    expect(new URL(get.url).search).toBe('?limit=5&status=available');
    expect(get.headers['x-trace']).toBe('trace-1');
    expect(get.body).toBeUndefined();
  });

  it('generates a JSON body from the schema (example, date-time, email, boolean, array; cycles cut)', () => {
    const post = find(reqs, 'POST', '/v1/pets');
    expect(post.headers['content-type']).toBe('application/json');
    const body = JSON.parse(post.body ?? '') as Record<string, unknown>;
    expect(body.name).toBe('Fido');
    expect(Number.isNaN(Date.parse(String(body.born)))).toBe(false);
    expect(body.owner).toBe('vigil@example.com');
    expect(body.vaccinated).toBe(true);
    expect(body.tags).toEqual(['vigil']);
    expect(body.parent).toBeNull();
  });

  it('sends a form body for application/x-www-form-urlencoded', () => {
    const put = find(reqs, 'PUT', '/v1/pets/');
    expect(put.headers['content-type']).toBe('application/x-www-form-urlencoded');
    expect(put.body).toBe('name=Rex&age=1');
  });
});

describe('openApiRequests: Swagger 2.0', () => {
  let reqs: WebRequest[];
  beforeAll(async () => {
    reqs = await openApiRequests(path.join(FIX, 'store-2.0.json'), ORIGIN, createHttpClient({ origin: ORIGIN, rps: 0 }));
  });

  it('uses basePath on the target origin, never the spec host', () => {
    expect(reqs.map((r) => `${r.method} ${r.url}`).sort()).toEqual([
      `GET ${ORIGIN}/api/orders/42?fields=id%2Ctotal&verbose=true`,
      `POST ${ORIGIN}/api/login`,
      `POST ${ORIGIN}/api/orders`,
    ]);
  });

  it('builds the body parameter as JSON and formData as a form', () => {
    const order = find(reqs, 'POST', '/api/orders');
    expect(order.headers['content-type']).toBe('application/json');
    expect(JSON.parse(order.body ?? '')).toEqual({ id: 1, status: 'placed', total: 9.5, paid: true });
    const login = find(reqs, 'POST', '/api/login');
    expect(login.headers['content-type']).toBe('application/x-www-form-urlencoded');
    expect(login.body).toBe('user=alice&pin=1');
  });
});

describe('openApiRequests: spec on the target', () => {
  let server: http.Server;
  let origin: string;
  let hits = 0;
  beforeAll(async () => {
    const text = readFileSync(path.join(FIX, 'store-2.0.json'), 'utf8');
    server = http.createServer((req, res) => {
      hits++;
      if (req.url === '/openapi.json') {
        res.setHeader('content-type', 'application/json');
        res.end(text);
      } else {
        res.statusCode = 404;
        res.end('nope');
      }
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((r) => server.close(() => r())));

  it('reads a spec URL through the client', async () => {
    const reqs = await openApiRequests(`${origin}/openapi.json`, origin, createHttpClient({ origin, rps: 0 }));
    expect(reqs).toHaveLength(3);
    expect(reqs.every((r) => r.url.startsWith(`${origin}/api/`))).toBe(true);
  });

  it('reports a spec URL that answers 404', async () => {
    const err = await openApiRequests(`${origin}/missing.json`, origin, createHttpClient({ origin, rps: 0 })).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(VigilError);
    expect((err as VigilError).message).toMatch(/HTTP 404/);
  });

  it('refuses a spec URL on another origin', async () => {
    const before = hits;
    const err = await openApiRequests('http://127.0.0.2:1/openapi.json', origin, createHttpClient({ origin, rps: 0 })).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(VigilError);
    expect((err as VigilError).message).toMatch(/outside the target's origin/);
    expect(hits).toBe(before);
  });
});

describe('openApiRequests: bad specs', () => {
  it.each([
    ['bad.yaml', /bad\.yaml/],
    ['not-openapi.json', /not-openapi\.json/],
    ['missing.json', /missing\.json/],
  ])('%s → VIGIL_ERR_USAGE naming the file', async (file, re) => {
    const err = await openApiRequests(path.join(FIX, file), ORIGIN, createHttpClient({ origin: ORIGIN, rps: 0 })).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(VigilError);
    expect((err as VigilError).code).toBe('VIGIL_ERR_USAGE');
    expect((err as VigilError).message).toMatch(re);
    expect((err as VigilError).message.length).toBeGreaterThan(`OpenAPI spec ${path.join(FIX, file)} could not be read: `.length);
  });
});

describe('sample', () => {
  it.each<[object, unknown]>([
    [{ type: 'string' }, 'vigil'],
    [{ type: 'integer' }, 1],
    [{ type: 'integer', minimum: 10 }, 10],
    [{ type: 'number', maximum: 0 }, 0],
    [{ type: 'boolean' }, true],
    [{ type: 'string', format: 'uuid' }, '00000000-0000-4000-8000-000000000001'],
    [{ type: 'string', format: 'email' }, 'vigil@example.com'],
    [{ type: 'string', minLength: 8 }, 'vigilxxx'],
    [{ type: 'string', maxLength: 3 }, 'vig'],
    [{ type: 'string', enum: ['a', 'b'] }, 'a'],
    [{ type: 'string', default: 'd', example: 'e' }, 'e'],
    [{ type: 'array', items: { type: 'integer' } }, [1]],
    [{ allOf: [{ properties: { a: { type: 'integer' } } }, { properties: { b: { type: 'boolean' } } }] }, { a: 1, b: true }],
    [{ oneOf: [{ type: 'boolean' }, { type: 'string' }] }, true],
  ])('%j → %j', (schema, expected) => {
    expect(sample(schema)).toEqual(expected);
  });
});
