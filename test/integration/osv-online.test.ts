import { readFileSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { vigilSpawn } from '../helpers/cli.js';

const SHOP = fileURLToPath(new URL('../../examples/shop', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'vigil-osv-online-'));

/**
 * OSV API replay: osv.dev cannot be reached from here, so this loopback server answers
 * `POST /v1/querybatch` and `GET /v1/vulns/{id}` with recorded answers in OSV's response shapes
 * (results in query order, `{}` for no vulnerabilities, `next_page_token` paging), serving the
 * example shop's advisories as the records.
 */
function osvReplay(mode: { fail?: boolean }): Server {
  const recorded: Record<string, { pages: string[][] }> = {
    'npm/lodash@4.17.20': { pages: [['GHSA-35jh-r3h4-6jhm'], ['GHSA-29mw-wpgm-hmr9']] },
    'npm/qs@6.7.0': { pages: [['GHSA-hrpp-h998-j3pp']] },
  };
  const requests: unknown[] = [];
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (d) => (body += d));
    req.on('end', () => {
      if (mode.fail) {
        res.writeHead(500).end('upstream error');
        return;
      }
      if (req.method === 'POST' && req.url === '/v1/querybatch') {
        const q = JSON.parse(body) as { queries: { package: { ecosystem: string; name: string }; version: string; page_token?: string }[] };
        requests.push(q);
        const results = q.queries.map((x) => {
          const rec = recorded[`${x.package.ecosystem}/${x.package.name}@${x.version}`];
          if (!rec) return {};
          const page = x.page_token ? Number(x.page_token) : 0;
          const vulns = rec.pages[page]!.map((id) => ({ id, modified: '2024-06-01T00:00:00Z' }));
          return page + 1 < rec.pages.length ? { vulns, next_page_token: String(page + 1) } : { vulns };
        });
        res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ results }));
        return;
      }
      const m = /^\/v1\/vulns\/([A-Za-z0-9-]+)$/.exec(req.url ?? '');
      if (req.method === 'GET' && m) {
        res.writeHead(200, { 'content-type': 'application/json' }).end(readFileSync(join(SHOP, 'advisories', `${m[1]}.json`)));
        return;
      }
      res.writeHead(404, { 'content-type': 'application/json' }).end('{"code":5,"message":"Not Found"}');
    });
  });
  (server as Server & { requests?: unknown[] }).requests = requests;
  return server;
}

async function run(args: string[], env: Record<string, string>): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = vigilSpawn(args, { cwd: dir, env });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d) => (stdout += d));
  child.stderr.on('data', (d) => (stderr += d));
  const code = await new Promise<number | null>((r) => child.on('exit', r));
  return { code, stdout, stderr };
}

let ok: Server;
let broken: Server;
beforeAll(async () => {
  ok = osvReplay({});
  broken = osvReplay({ fail: true });
  await Promise.all([ok, broken].map((s) => new Promise<void>((r) => s.listen(0, '127.0.0.1', () => r()))));
});
afterAll(async () => {
  await Promise.all([ok, broken].map((s) => new Promise((r) => s.close(r))));
  rmSync(dir, { recursive: true, force: true });
});

const url = (s: Server) => `http://127.0.0.1:${(s.address() as AddressInfo).port}`;

describe('deps --online (OSV querybatch, against a replay)', () => {
  it('is off by default: an empty offline store finds nothing and asks nobody', async () => {
    const r = await run(['scan', 'deps', SHOP, '-f', 'json', '--no-ledger'], { OSV_API_URL: url(ok) });
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout).findings.filter((f: { ruleId: string }) => f.ruleId.startsWith('GHSA-'))).toEqual([]);
    expect((ok as Server & { requests: unknown[] }).requests).toHaveLength(0);
  });

  it('with --online, queries every component version, follows page tokens and matches the records', async () => {
    const r = await run(['scan', 'deps', SHOP, '-f', 'json', '--no-ledger', '--online'], { OSV_API_URL: url(ok) });
    expect(r.code, r.stderr).toBe(1);
    const ids = JSON.parse(r.stdout).findings.map((f: { ruleId: string }) => f.ruleId).filter((id: string) => id.startsWith('GHSA-')).sort();
    expect(ids).toEqual(['GHSA-29mw-wpgm-hmr9', 'GHSA-35jh-r3h4-6jhm', 'GHSA-hrpp-h998-j3pp']);
    const first = (ok as Server & { requests: { queries: { package: { name: string } }[] }[] }).requests[0]!;
    expect(first.queries.some((q) => q.package.name === 'express')).toBe(true);
  });

  it('an API failure is a scanner failure (exit 3), not a pass', async () => {
    const r = await run(['scan', 'deps', SHOP, '--no-ledger', '--online'], { OSV_API_URL: url(broken) });
    expect(r.code).toBe(3);
    expect(r.stderr).toMatch(/VIGIL_ERR_OSV_ONLINE: OSV API .*\/v1\/querybatch: HTTP 500/);
  });
});
