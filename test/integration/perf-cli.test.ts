/**
 * `vigil scan perf` through the built CLI against real HTTP(S) servers on loopback: a fast one, one
 * that slows with concurrency, one that leaks, one that dies under load, one that never answers,
 * and health checks that fail. Durations are 1 s a level; budgets sit far from what the servers
 * measure, so the verdicts do not depend on how busy the machine is.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import { readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { fingerprint } from '../../src/model/fingerprint.js';
import type { Location } from '../../src/model/location.js';
import { vigilAsync } from '../helpers/cli.js';
import { freePort } from '../helpers/ports.js';
import { dyingServer, fastServer, fixedServer, hungServer, leakyServer, slowServer, type PerfServer } from '../helpers/perf-servers.js';
import { makePki } from '../helpers/tls-pki.js';

const dir = mkdtempSync(join(tmpdir(), 'vigil-perf-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

interface Level {
  level: string;
  connections: number;
  durationSeconds: number;
  requests: number;
  rps: number;
  latencyMs: { p50: number; p95: number; p99: number; max: number };
  errors: number;
  timeouts: number;
  non2xx: number;
  errorRatePct: number;
  meanResponseBytes: number;
}
interface PerfReport {
  url: string;
  health: { ok: boolean; status: number; ms: number; tlsDaysLeft?: number };
  levels: Level[];
  memory?: { source: string; before: number; after: number; growthPct: number };
  loadGenerator: { sharedCores: boolean; cores: number };
}
interface Out {
  run: { status: string; scanners: { status: string; error: string | null; notes?: string[]; report?: { perf: PerfReport } }[] };
  findings: { ruleId: string; severity: string; fingerprint: string; location: { kind: string; url: string; method: string; param: string }; evidence: string }[];
  gate: { failOn: string; failed: boolean };
}

let n = 0;
/** Write a budget file (YAML unless the name says .json) in the temp folder. */
function budget(text: string, name = `budget-${++n}.yaml`): string {
  const file = join(dir, name);
  writeFileSync(file, text);
  return file;
}

async function scan(url: string, budgetFile: string | undefined, extra: string[] = []): Promise<{ code: number; out: Out; stderr: string; stdout: string }> {
  const args = ['scan', 'perf', url, ...(budgetFile ? ['--budget', budgetFile] : []), '--no-ledger', '-f', 'json', '--fail-on', 'medium', ...extra];
  const r = await vigilAsync(args, { cwd: dir });
  let out = {} as Out;
  try {
    out = JSON.parse(r.stdout || '{}') as Out;
  } catch {
    // exit 2 and 3 print no report: the caller looks at code and stderr
  }
  return { code: r.code, out, stderr: r.stderr, stdout: r.stdout };
}

async function withServer<T>(s: Promise<PerfServer>, f: (server: PerfServer) => Promise<T>): Promise<T> {
  const server = await s;
  try {
    return await f(server);
  } finally {
    await server.close();
  }
}

const rules = (out: Out) => out.findings.map((f) => `${f.ruleId}@${f.location.param}`).sort();
const report = (out: Out) => out.run.scanners[0]!.report!.perf;
const SHORT = 'durationSeconds: 1\ntimeoutMs: 3000\n';

describe('vigil scan perf against real servers on loopback', () => {
  it('a fast server: no findings, exit 0 at --fail-on medium, both levels measured and the shared cores said', async () => {
    await withServer(fastServer(), async (s) => {
      const { code, out, stderr } = await scan(s.url, budget(SHORT));
      expect(code, stderr).toBe(0);
      expect(rules(out)).toEqual([]);
      const r = report(out);
      expect(r.health).toMatchObject({ ok: true, status: 200 });
      expect(r.levels.map((l) => [l.level, l.connections])).toEqual([
        ['expected', 10],
        ['10x', 100],
      ]);
      for (const l of r.levels) {
        expect(l.requests).toBeGreaterThan(0);
        expect(l.errors).toBe(0);
        expect(l.errorRatePct).toBe(0);
        expect(l.latencyMs.p50).toBeLessThanOrEqual(l.latencyMs.p95);
        expect(l.latencyMs.p95).toBeLessThanOrEqual(l.latencyMs.p99);
        expect(l.latencyMs.p99).toBeLessThanOrEqual(l.latencyMs.max);
        expect(l.meanResponseBytes).toBeGreaterThan('{"status":"ok"}'.length);
      }
      expect(r.loadGenerator.sharedCores).toBe(true);
      expect(r.loadGenerator.cores).toBeGreaterThan(0);
      expect(out.run.scanners[0]!.notes).toContain(`the load generator ran on this machine and shared its ${r.loadGenerator.cores} cores with the server`);
      // the server saw the health check and both levels
      expect(s.requests()).toBeGreaterThanOrEqual(1 + r.levels[0]!.requests + r.levels[1]!.requests);
    });
  });

  it('a server that slows under concurrency: p95 and p99 break the budget at 10x only, medium, and --fail-on medium fails', async () => {
    // 10 ms per request in flight: about 100 ms at 10 connections, about 1000 ms at 100 (2 s levels: two rounds of answers)
    await withServer(slowServer(10), async (s) => {
      const b = budget(`durationSeconds: 2\ntimeoutMs: 5000\nexpected: {p95Ms: 400, p99Ms: 400}\npeak: {p95Ms: 400, p99Ms: 400}\n`);
      const { code, out, stderr } = await scan(s.url, b);
      expect(code, stderr).toBe(1);
      expect(rules(out)).toEqual(['perf-latency-p95@10x', 'perf-latency-p99@10x']);
      expect(out.findings.every((f) => f.severity === 'medium')).toBe(true);
      const p95 = out.findings.find((f) => f.ruleId === 'perf-latency-p95')!;
      expect(p95.evidence).toMatch(/^p95 \d+(\.\d+)? ms at 100 connections \(budget 400 ms\); \d+ responses in [\d.]+ s$/);
      expect(p95.location).toEqual({ kind: 'web', url: s.url, method: 'GET', param: '10x' });
      // the measured figures are in the evidence, never in the fingerprint: it is the rule and the place alone
      expect(p95.fingerprint).toBe(fingerprint({ scanner: 'perf', ruleId: 'perf-latency-p95', location: p95.location as Location }));
      expect(out.gate.failed).toBe(true);
    });
  });

  it('a budget severity makes a 10x latency break high', async () => {
    await withServer(slowServer(10), async (s) => {
      const { code, out, stderr } = await scan(s.url, budget('durationSeconds: 2\ntimeoutMs: 5000\npeak: {p95Ms: 400, severity: high}\n'), ['--fail-on', 'high']);
      expect(code, stderr).toBe(1);
      expect(out.findings.map((f) => [f.ruleId, f.severity])).toEqual([['perf-latency-p95', 'high']]);
    });
  });

  it('a leaking server: memory growth and response-size growth, and the memory figures in the report', async () => {
    await withServer(leakyServer(4000), async (s) => {
      const b = budget(`${SHORT}memory: {url: /metrics, growthPct: 20}\nresponseSizeGrowthPct: 20\npeak: {p95Ms: 10000}\n`);
      const { code, out, stderr } = await scan(s.url, b);
      expect(code, stderr).toBe(1);
      expect(rules(out)).toEqual(['perf-memory-growth@memory', 'perf-response-size-growth@response-size']);
      const mem = report(out).memory!;
      expect(mem.source).toBe('json:heapUsed');
      expect(mem.after).toBeGreaterThan(mem.before);
      expect(mem.growthPct).toBeGreaterThan(20);
      expect(out.findings.find((f) => f.ruleId === 'perf-memory-growth')!.evidence).toMatch(/^json:heapUsed rose [\d.]+ % across the run, from [\d.]+ MiB to [\d.]+ MiB, rising through \d+ samples \(budget 20 %\)$/);
    });
  });

  it('a fast server with a metrics endpoint that does not leak: no memory finding', async () => {
    // the fixed server answers every path alike, /metrics included, with one unchanging memory figure
    await withServer(fixedServer(200, JSON.stringify({ memory: { heapUsed: 50_000_000, rss: 90_000_000 } })), async (s) => {
      const { code, out, stderr } = await scan(s.url, budget(`${SHORT}memory: {url: /metrics}\n`));
      expect(code, stderr).toBe(0);
      expect(rules(out)).toEqual([]);
      expect(report(out).memory).toEqual({ source: 'json:memory.heapUsed', before: 50_000_000, after: 50_000_000, growthPct: 0 });
    });
  });

  it('a server that dies under load: an error-rate finding at the level it died, the rest skipped with a note', async () => {
    await withServer(dyingServer(150), async (s) => {
      const { code, out, stderr } = await scan(s.url, budget(SHORT));
      expect(code, stderr).toBe(1);
      expect(rules(out)).toEqual(['perf-error-rate@expected']);
      const f = out.findings[0]!;
      expect(f.severity).toBe('high');
      expect(f.evidence).toMatch(/ECONNREFUSED|ECONNRESET/);
      expect(f.evidence).toContain('the target stopped answering');
      expect(report(out).levels.map((l) => l.level)).toEqual(['expected']);
      expect(out.run.scanners[0]!.notes!.join('\n')).toMatch(/expected level: the target stopped answering .*; the 10x level was not run/);
    });
  });

  it('a refused port: exit 3, VIGIL_ERR_TARGET_UNREACHABLE, nothing loaded', async () => {
    const port = await freePort();
    const { code, stderr, out } = await scan(`http://127.0.0.1:${port}/`, budget(SHORT));
    expect(code).toBe(3);
    expect(stderr).toMatch(/perf: GET http:\/\/127\.0\.0\.1:\d+\/ got no answer \(ECONNREFUSED/);
    expect(out.run?.scanners[0]?.status).toBe('failed');
  });

  it('a server that accepts and never answers: unreachable within the request timeout, no hang', async () => {
    await withServer(hungServer(), async (s) => {
      const { code, stderr } = await scan(s.url, budget('durationSeconds: 1\ntimeoutMs: 1000\n'));
      expect(code).toBe(3);
      expect(stderr).toMatch(/got no answer \(no complete answer within 1000 ms\)/);
    });
  });

  it('a scan past its --timeout stops the load at once (exit 3, timed out)', async () => {
    await withServer(fastServer(), async (s) => {
      // 2 × 30 s of load were asked for: only a generator that stops with the timeout ends inside this test's 30 s
      const { code, out, stderr } = await scan(s.url, budget('durationSeconds: 30\n'), ['--timeout', '2']);
      expect(code).toBe(3);
      expect(out.run.scanners[0]!.status).toBe('timeout');
      expect(stderr).toContain('VIGIL_ERR_SCANNER_TIMEOUT');
    });
  });

  it('a health check with the wrong status: perf-health-status, load skipped, a note says so', async () => {
    await withServer(fixedServer(503, '{"status":"down"}'), async (s) => {
      const { code, out, stderr } = await scan(s.url, budget(SHORT));
      expect(code, stderr).toBe(1);
      expect(rules(out)).toEqual(['perf-health-status@health']);
      expect(out.findings[0]!.evidence).toBe(`GET ${s.url}: GET answered 503; expected a 2xx status`);
      expect(report(out).health).toMatchObject({ ok: false, status: 503 });
      expect(report(out).levels).toEqual([]);
      expect(s.requests()).toBe(1);
      expect(out.run.scanners[0]!.notes!.join('\n')).toContain('the load test was skipped');
    });
  });

  it('a health body that does not say healthy: perf-health-body (JSON key and substring)', async () => {
    await withServer(fixedServer(200, '{"status":"degraded","checks":{"db":false}}'), async (s) => {
      const json = await scan(s.url, budget(`${SHORT}health: {path: /healthz, json: {status: ok}}\n`));
      expect(rules(json.out)).toEqual(['perf-health-body@health']);
      expect(json.out.findings[0]!.evidence).toBe(`GET ${s.url}healthz: the JSON body's status is not "ok" (status="degraded")`);
      const nested = await scan(s.url, budget(`${SHORT}health: {json: {checks.db: true}}\n`));
      expect(rules(nested.out)).toEqual(['perf-health-body@health']);
      const sub = await scan(s.url, budget(`${SHORT}health: {body: '"status":"ok"'}\n`));
      expect(rules(sub.out)).toEqual(['perf-health-body@health']);
      expect(s.requests()).toBe(3);
    });
  });

  it('headers from the budget are sent and never printed', async () => {
    const secret = 'Bearer s3cr3t-t0ken-value-0123456789';
    await withServer(fixedServer(401, 'no'), async (s) => {
      const { out, stdout, stderr } = await scan(s.url, budget(`${SHORT}headers: {Authorization: "${secret}"}\n`));
      expect(rules(out)).toEqual(['perf-health-status@health']);
      expect(stdout + stderr).not.toContain('s3cr3t');
    });
    // a server that only answers with the header: it is sent with the health check and the load
    const { default: http } = await import('node:http');
    const server = http.createServer((req, res) => {
      res.writeHead(req.headers.authorization === secret ? 200 : 401);
      res.end('ok');
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    try {
      const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
      const { code, out, stdout, stderr } = await scan(url, budget(`${SHORT}headers: {Authorization: "${secret}"}\n`));
      expect(code, stderr).toBe(0);
      expect(report(out).levels.every((l) => l.non2xx === 0 && l.requests > 0)).toBe(true);
      expect(stdout + stderr).not.toContain('s3cr3t');
    } finally {
      server.closeAllConnections();
      await new Promise<void>((r) => server.close(() => r()));
    }
  });
});

describe('vigil scan perf with credentials in the URL', () => {
  it('user:password in the target URL is sent as Basic auth with the health check and the load, and kept out of the findings and report', async () => {
    const { default: http } = await import('node:http');
    const expected = `Basic ${Buffer.from('alice:pa ss').toString('base64')}`;
    const server = http.createServer((req, res) => {
      res.writeHead(req.headers.authorization === expected ? 200 : 401);
      res.end('ok');
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    try {
      const port = (server.address() as AddressInfo).port;
      const { code, out, stderr } = await scan(`http://alice:pa%20ss@127.0.0.1:${port}/`, budget(SHORT));
      expect(code, stderr).toBe(0);
      const r = report(out);
      expect(r.url).toBe(`http://127.0.0.1:${port}/`);
      expect(r.levels.every((l) => l.requests > 0 && l.non2xx === 0)).toBe(true);
      expect(JSON.stringify([out.findings, r, out.run.scanners[0]!.notes])).not.toContain('pa%20ss');
    } finally {
      server.closeAllConnections();
      await new Promise<void>((r) => server.close(() => r()));
    }
  });
});

describe('vigil scan perf from a config', () => {
  it('vigil.yaml: the budget path resolves against the config\'s folder and inline keys win over the file\'s', async () => {
    await withServer(slowServer(10), async (s) => {
      const cfgDir = mkdtempSync(join(dir, 'cfg-'));
      mkdirSync(join(cfgDir, 'budgets'));
      writeFileSync(join(cfgDir, 'budgets', 'perf.yaml'), 'durationSeconds: 2\ntimeoutMs: 5000\nexpected: {p99Ms: 100000}\npeak: {p95Ms: 400, p99Ms: 400}\n');
      writeFileSync(
        join(cfgDir, 'vigil.yaml'),
        `targets:\n  - name: slow\n    kind: url\n    url: ${s.url}\n    scanners:\n      perf:\n        budget: budgets/perf.yaml\n        expected: {p95Ms: 1}\n        peak: {p99Ms: 100000}\n`,
      );
      const r = await vigilAsync(['scan', '--config', join(cfgDir, 'vigil.yaml'), '--no-ledger', '-f', 'json', '--fail-on', 'high'], { cwd: cfgDir });
      const out = JSON.parse(r.stdout) as Out;
      expect(r.code, r.stderr).toBe(1);
      // expected: the inline p95 of 1 ms breaks (high); the file's p99 holds. 10x: the file's p95 breaks, the inline p99 holds
      expect(out.findings.map((f) => `${f.ruleId}@${f.location.param}:${f.severity}`).sort()).toEqual(['perf-latency-p95@10x:medium', 'perf-latency-p95@expected:high']);
    });
  });
});

describe('vigil scan perf on https', () => {
  async function httpsServer(leaf: 'good' | 'expiring20'): Promise<PerfServer> {
    const pki = makePki();
    const server = https.createServer({ key: readFileSync(pki[leaf].key), cert: readFileSync(pki[leaf].chain) }, (_req, res) => res.end('ok'));
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const port = (server.address() as AddressInfo).port;
    return {
      url: `https://localhost:${port}/`,
      requests: () => 0,
      close: () =>
        new Promise<void>((r) => {
          server.closeAllConnections();
          server.close(() => r());
        }),
    };
  }

  it('an untrusted certificate fails the health check (perf-health-tls, load skipped); with --ca it passes', async () => {
    await withServer(httpsServer('good'), async (s) => {
      const untrusted = await scan(s.url, budget(SHORT));
      expect(rules(untrusted.out)).toEqual(['perf-health-tls@health']);
      expect(untrusted.out.findings[0]!.evidence).toMatch(/not trusted for localhost: UNABLE_TO_GET_ISSUER_CERT_LOCALLY|not trusted for localhost: SELF_SIGNED/);
      expect(report(untrusted.out).levels).toEqual([]);
      const trusted = await scan(s.url, budget(SHORT), ['--ca', makePki().root.cert]);
      expect(trusted.code, trusted.stderr).toBe(0);
      expect(report(trusted.out).health.tlsDaysLeft).toBeGreaterThan(80);
      expect(report(trusted.out).levels).toHaveLength(2);
    });
  });

  it('a certificate expiring within the budget\'s days: a medium perf-health-tls, and the load still runs', async () => {
    await withServer(httpsServer('expiring20'), async (s) => {
      const { out, stderr } = await scan(s.url, budget(`${SHORT}health: {tlsExpiryDays: 30}\n`), ['--ca', makePki().root.cert]);
      expect(rules(out), stderr).toEqual(['perf-health-tls@health']);
      expect(out.findings[0]!.severity).toBe('medium');
      expect(out.findings[0]!.evidence).toMatch(/expires .*, in 1\d days \(budget: at least 30\)/);
      expect(report(out).levels).toHaveLength(2);
    });
  });
});

describe('vigil scan perf with bad input', () => {
  it.each([
    ['YAML syntax', 'bad.yaml', 'durationSeconds: 1\npeak: p95Ms: 100\n', 'VIGIL_ERR_BUDGET_PARSE', 2],
    ['an unknown key', 'unknown.yaml', 'durationSeconds: 1\npeak:\n  p95: 100\n', 'VIGIL_ERR_BUDGET_INVALID', 3],
    ['a wrong type', 'type.yaml', 'durationSeconds: 1\n\nexpectedConnections: many\n', 'VIGIL_ERR_BUDGET_INVALID', 3],
    ['a number out of range', 'range.yaml', 'durationSeconds: 0.1\n', 'VIGIL_ERR_BUDGET_INVALID', 1],
    ['an off-origin load path', 'path.yaml', 'durationSeconds: 1\npath: //evil.example/\n', 'VIGIL_ERR_BUDGET_INVALID', 2],
    ['JSON syntax', 'bad.json', '{\n  "durationSeconds": 1,\n  "peak": {"p95Ms": }\n}\n', 'VIGIL_ERR_BUDGET_PARSE', 3],
    ['a JSON schema break', 'schema.json', '{\n  "durationSeconds": 1,\n  "peak": {"errorRatePct": 150}\n}\n', 'VIGIL_ERR_BUDGET_INVALID', 3],
  ])('%s: exit 2 naming the file and line, nothing loaded', async (_what, name, text, code, line) => {
    await withServer(fastServer(), async (s) => {
      const file = budget(text, name);
      const r = await scan(s.url, file);
      expect(r.code).toBe(2);
      expect(r.stderr).toContain(code);
      // the CLI names the file relative to the working folder, then line and column
      expect(r.stderr).toContain(`${name}:${line}:`);
      expect(s.requests()).toBe(0);
    });
  });

  it('a memory URL on another origin is a usage error naming the budget line; nothing loaded', async () => {
    await withServer(fastServer(), async (s) => {
      const file = budget('durationSeconds: 1\nmemory:\n  url: http://127.0.0.2:9/metrics\n');
      const r = await scan(s.url, file);
      expect(r.code).toBe(2);
      expect(r.stderr).toContain('VIGIL_ERR_USAGE');
      expect(r.stderr).toMatch(new RegExp(`${basename(file)}:3:`));
      expect(r.stderr).toContain('not on the target\'s origin');
      expect(s.requests()).toBe(0);
    });
  });

  it('a missing budget file: exit 2 naming it', async () => {
    const r = await scan('http://127.0.0.1:9/', join(dir, 'nope.yaml'));
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('nope.yaml');
  });
});
