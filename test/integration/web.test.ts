import { spawn, type ChildProcess } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import express from 'express';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { vigilAsync } from '../helpers/cli.js';
import { freePort } from '../helpers/ports.js';
import { startZapReplay } from '../helpers/zap-replay.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'vigil-web-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

interface Out {
  run: { scanners: { status: string; error: string | null; notes: string[] }[] };
  findings: { ruleId: string; severity: string; location: { url: string; method: string; param?: string }; evidence: string }[];
}

async function scan(url: string, extra: string[] = [], env: Record<string, string | undefined> = {}): Promise<Out> {
  const r = await vigilAsync(['scan', 'web', url, '--no-ledger', '-f', 'json', '--fail-on', 'none', ...extra], { cwd: dir, env: { ZAP_API_URL: undefined, ...env } });
  if (!r.stdout) throw new Error(`vigil printed nothing (exit ${r.code}): ${r.stderr}`);
  return JSON.parse(r.stdout) as Out;
}

const ids = (o: Out, min?: string[]) => [...new Set(o.findings.filter((f) => !min || min.includes(f.severity)).map((f) => f.ruleId))].sort();

type Closable = { close(): Promise<void> | void };
const running: Closable[] = [];
afterAll(async () => {
  for (const r of running) await r.close();
});

async function listen(server: http.Server): Promise<string> {
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  running.push({ close: () => new Promise<void>((r) => server.close(() => r())) });
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

/** A child process that serves on `port`; resolves once it answers HTTP. */
async function child(cmd: string, args: string[], port: number): Promise<string> {
  const c: ChildProcess = spawn(cmd, args, { stdio: 'ignore' });
  running.push({ close: () => new Promise<void>((r) => (c.exitCode !== null ? r() : (c.once('exit', () => r()), c.kill()))) });
  const origin = `http://127.0.0.1:${port}`;
  for (let i = 0; i < 100; i++) {
    const ok = await new Promise<boolean>((r) => http.get(`${origin}/`, (res) => (res.resume(), r(true))).on('error', () => r(false)));
    if (ok) return origin;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`${cmd} did not start on ${port}`);
}

describe('the example shop (examples/shop/web)', () => {
  let flawed: string;
  let hardened: string;
  beforeAll(async () => {
    const { shopHandler } = (await import(join(ROOT, 'examples/shop/web/app.mjs'))) as { shopHandler(o: { hardened: boolean }): http.RequestListener };
    flawed = await listen(http.createServer(shopHandler({ hardened: false })));
    hardened = await listen(http.createServer(shopHandler({ hardened: true })));
  });

  it('passive: the planted header, cookie, form and listing flaws, with ZAP ids', async () => {
    const o = await scan(`${flawed}/`);
    expect(ids(o)).toEqual(['10010', '10015', '10020', '10021', '10033', '10037', '10038', '10054', '10063', '10202']);
    expect(o.findings.find((f) => f.ruleId === '10033')!.location.url).toBe(`${flawed}/files/`);
    expect(o.findings.find((f) => f.ruleId === '10010')!.location.param).toBe('session');
  });

  it('active (--active): reflected XSS, SQL injection through a real SQLite query, open redirect', async () => {
    const o = await scan(`${flawed}/`, ['--active']);
    const high = o.findings.filter((f) => f.severity === 'high');
    expect([...new Set(high.map((f) => `${f.ruleId} ${new URL(f.location.url).pathname} ${f.location.param}`))].sort()).toEqual(
      expect.arrayContaining(['20019 /go to', '40012 /search q', '40018 /product id']),
    );
    expect(o.findings.find((f) => f.ruleId === '40018' && f.location.param === 'id')!.evidence).toMatch(/SQLITE|sqlite|unrecognized token|syntax error/i);
  });

  it('the hardened twin (helmet, encoding, bound parameters) comes out clean of medium and above, active rules included', async () => {
    const o = await scan(`${hardened}/`, ['--active']);
    expect(ids(o, ['critical', 'high', 'medium'])).toEqual([]);
    expect(o.run.scanners[0]!.status).toBe('complete');
  });

  it('a ZAP baseline rules file: IGNORE drops a rule, FAIL raises it to the gate\'s high', async () => {
    const tsv = join(dir, 'rules.tsv');
    writeFileSync(tsv, '# team rules\n10020\tIGNORE\t(clickjacking handled by the proxy)\n10021\tFAIL\n');
    const o = await scan(`${flawed}/`, ['--rules-config', tsv]);
    expect(ids(o)).not.toContain('10020');
    expect(o.findings.find((f) => f.ruleId === '10021')!.severity).toBe('high');
  });
});

describe('third-party servers', () => {
  it('nginx: the default site leaks its version; with autoindex on, the listing is found', async () => {
    // nginx's workers run as www-data: the site must be readable by others (mkdtemp makes 0700 folders)
    chmodSync(dir, 0o755);
    const prefix = join(dir, 'nginx');
    const site = join(prefix, 'site');
    mkdirSync(join(site, 'docs'), { recursive: true });
    mkdirSync(join(prefix, 'logs'), { recursive: true });
    writeFileSync(join(site, 'index.html'), '<!doctype html><html><head><title>Welcome to nginx!</title></head><body><h1>Welcome</h1><a href="/docs/">docs</a></body></html>');
    writeFileSync(join(site, 'docs', 'a.txt'), 'a\n');
    const [plain, listing] = [await freePort(), await freePort()];
    const conf = join(prefix, 'nginx.conf');
    writeFileSync(
      conf,
      `daemon off;\nworker_processes 1;\npid ${prefix}/nginx.pid;\nerror_log ${prefix}/logs/error.log;\nevents { worker_connections 64; }\nhttp {\n  include /etc/nginx/mime.types;\n  default_type application/octet-stream;\n  access_log off;\n  client_body_temp_path ${prefix}/tmp;\n  server { listen 127.0.0.1:${plain}; root ${site}; }\n  server { listen 127.0.0.1:${listing}; root ${site}; autoindex on; }\n}\n`,
    );
    await child('nginx', ['-c', conf, '-p', prefix], plain);
    const a = await scan(`http://127.0.0.1:${plain}/`);
    expect(ids(a)).toContain('10036');
    expect(ids(a)).not.toContain('10033');
    const b = await scan(`http://127.0.0.1:${listing}/`);
    expect(ids(b)).toContain('10033');
    expect(b.findings.find((f) => f.ruleId === '10033')!.location.url).toBe(`http://127.0.0.1:${listing}/docs/`);
  });

  it('http-server (npm) with its directory listing, and a default Express app', async () => {
    const files = join(dir, 'hs');
    mkdirSync(join(files, 'sub'), { recursive: true });
    writeFileSync(join(files, 'sub', 'b.txt'), 'b\n');
    const port = await freePort();
    const origin = await child(process.execPath, [join(ROOT, 'node_modules/http-server/bin/http-server'), files, '-p', String(port), '-a', '127.0.0.1', '-s'], port);
    expect(ids(await scan(`${origin}/`))).toContain('10033');

    const app = express();
    app.get('/', (_req, res) => {
      res.send('<!doctype html><html><body><h1>Hello</h1></body></html>');
    });
    const server = http.createServer(app);
    const e = await scan(`${await listen(server)}/`);
    expect(ids(e)).toEqual(expect.arrayContaining(['10020', '10021', '10037', '10038']));
    expect(ids(e)).not.toContain('10033');
  });
});

describe('scope and consent', () => {
  it('never requests another origin, whatever the pages link to', async () => {
    let elsewhere = 0;
    const other = await listen(http.createServer((_req, res) => (elsewhere++, res.end('x'))));
    const site = await listen(
      http.createServer((req, res) => {
        if (req.url === '/away') {
          res.writeHead(302, { location: `${other}/landing` });
          return res.end();
        }
        res.writeHead(200, { 'content-type': 'text/html' });
        res.end(`<html><body><a href="${other}/page">out</a><a href="/away">redirect</a><form action="${other}/post" method="get"><input name="q"></form><script src="${other}/x.js"></script></body></html>`);
      }),
    );
    await scan(`${site}/`, ['--active']);
    expect(elsewhere).toBe(0);
  });

  it('active rules run only on a target the config marks active: true', async () => {
    const seen: string[] = [];
    const site = await listen(
      http.createServer((req, res) => {
        seen.push(req.url ?? '');
        res.writeHead(200, { 'content-type': 'text/html' });
        res.end('<html><body><a href="/s?q=tea">s</a></body></html>');
      }),
    );
    const cfg = join(dir, 'consent.yaml');
    writeFileSync(cfg, `version: 1\ntargets:\n  - name: site\n    kind: url\n    url: ${site}/\n    scanners:\n      web: { active: true }\n`);
    const r = await vigilAsync(['scan', '--config', cfg, '--no-ledger', '-f', 'json', '--fail-on', 'none'], { cwd: dir, env: { ZAP_API_URL: undefined } });
    const o = JSON.parse(r.stdout) as Out;
    expect(o.run.scanners[0]!.notes.join('\n')).toMatch(/active rules not run: target "site" is not marked active: true/);
    // only the crawl's own requests: no attack payload ever arrived
    expect(seen.filter((u) => /%3C|%27|script|passwd|sleep|vigil-redirect/i.test(u))).toEqual([]);
  });

  it('--openapi adds the spec\'s operations to the scan', async () => {
    const hits: string[] = [];
    const api = await listen(
      http.createServer((req, res) => {
        hits.push(`${req.method} ${req.url}`);
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end('{"ok":true}');
      }),
    );
    const spec = join(dir, 'api.yaml');
    writeFileSync(spec, 'openapi: 3.0.3\ninfo: { title: t, version: "1" }\npaths:\n  /api/items/{id}:\n    get:\n      parameters:\n        - { name: id, in: path, required: true, schema: { type: integer, example: 7 } }\n      responses: { "200": { description: ok } }\n  /api/orders:\n    post:\n      requestBody:\n        content:\n          application/json:\n            schema: { type: object, properties: { qty: { type: integer, example: 2 } } }\n      responses: { "201": { description: created } }\n');
    await scan(`${api}/`, ['--openapi', spec]);
    expect(hits).toEqual(expect.arrayContaining(['GET /api/items/7', 'POST /api/orders']));
  });
});

describe('with a ZAP daemon (ZAP_API_URL): the adapter, against a replay of ZAP\'s API', () => {
  it('spider, passive wait, alerts: the same plugin ids become findings', async () => {
    const replay = await startZapReplay({ apiKey: 'replay-key' });
    running.push(replay);
    const { REPLAY_TARGET } = await import('../helpers/zap-replay.js');
    const o = await scan(REPLAY_TARGET, [], { ZAP_API_URL: replay.url, ZAP_API_KEY: 'replay-key' });
    expect(o.run.scanners[0]!.error).toBeNull();
    expect(ids(o)).toEqual(expect.arrayContaining(['10020', '10021', '10038']));
    expect(replay.callsTo('/JSON/ascan/action/scan/')).toHaveLength(0);
  });
});
