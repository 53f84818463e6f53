import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { vigilAsync } from '../helpers/cli.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const SPEC = join(ROOT, 'examples/shop/api/openapi.yaml');
const dir = mkdtempSync(join(tmpdir(), 'vigil-api-shop-'));
const servers: http.Server[] = [];
let flawed: string;
let hardened: string;

beforeAll(async () => {
  const { shopHandler } = (await import(join(ROOT, 'examples/shop/web/app.mjs'))) as { shopHandler(o: { hardened: boolean }): http.RequestListener };
  const listen = async (h: http.RequestListener): Promise<string> => {
    const s = http.createServer(h);
    servers.push(s);
    await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
    return `http://127.0.0.1:${(s.address() as AddressInfo).port}`;
  };
  flawed = await listen(shopHandler({ hardened: false }));
  hardened = await listen(shopHandler({ hardened: true }));
});
afterAll(async () => {
  for (const s of servers) await new Promise<void>((r) => s.close(() => r()));
  rmSync(dir, { recursive: true, force: true });
});

interface Out {
  run: { scanners: { status: string; notes: string[] }[] };
  findings: { ruleId: string; severity: string; location: { url: string; method: string; param: string } }[];
}

/** The demo target as the lead configures it: the user token as the low-privilege credential, bob's order 2 as a foreign object. */
async function scanShop(origin: string, name: string, active = false): Promise<Out> {
  const cfg = join(dir, `${name}.yaml`);
  writeFileSync(
    cfg,
    `version: 1\ntargets:\n  - name: shop\n    kind: url\n    url: ${origin}/\n${active ? '    active: true\n' : ''}    scanners:\n      api:\n        openapi: ${JSON.stringify(SPEC)}\n        credentials:\n          - name: alice\n            role: user\n            headers: { Authorization: "Bearer \${SHOP_USER_TOKEN}" }\n            foreignObjects: { id: [2] }\n`,
  );
  const r = await vigilAsync(['scan', '--config', cfg, '--no-ledger', '-f', 'json', '--fail-on', 'none'], { cwd: dir, env: { SHOP_USER_TOKEN: 'demo-user-token' } });
  expect(r.code, r.stderr).toBe(0);
  return JSON.parse(r.stdout) as Out;
}

const summary = (o: Out) => o.findings.map((f) => `${f.ruleId} ${f.severity} ${f.location.method} ${decodeURI(new URL(f.location.url).pathname)} ${f.location.param}`).sort();

describe('the demo shop\'s API (examples/shop/web/api.mjs)', () => {
  it('flawed: the admin route without any check (API2, and API5 for a user) and the order route ignoring its owner (API1)', async () => {
    const o = await scanShop(flawed, 'flawed');
    expect(summary(o)).toEqual([
      'api-function-level-authz high GET /api/admin/users alice',
      'api-object-level-authz high GET /api/orders/{id} alice',
      'api-unauthenticated-access high GET /api/admin/users anonymous',
    ]);
    expect(o.run.scanners[0]!.status).toBe('complete');
  });

  it('hardened: nothing, unsafe methods included (a real order is placed, as the user)', async () => {
    const o = await scanShop(hardened, 'hardened', true);
    expect(summary(o)).toEqual([]);
    expect(o.run.scanners[0]!.notes).toEqual(expect.arrayContaining([expect.stringMatching(/marked active: 1 operation\(s\) with unsafe methods were called \(POST 1\)/)]));
    const mine = (await (await fetch(`${hardened}/api/orders`, { headers: { authorization: 'Bearer demo-user-token' } })).json()) as unknown[];
    expect(mine.length).toBe(2);
  });

  it('/healthz answers status and memory as JSON in both shops', async () => {
    for (const origin of [flawed, hardened]) {
      const res = await fetch(`${origin}/healthz`);
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toBe('application/json');
      const body = (await res.json()) as { status: string; memory: { rss: number; heapUsed: number } };
      expect(body.status).toBe('ok');
      expect(body.memory.rss).toBeGreaterThan(body.memory.heapUsed);
      expect(body.memory.heapUsed).toBeGreaterThan(0);
    }
  });
});
