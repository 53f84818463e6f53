/**
 * One probe against real servers on loopback: HTTP status and body assertions, redirects not
 * followed, refused and hung servers, and HTTPS with trusted, untrusted, expired and soon-expiring
 * certificates from the test PKI.
 */
import { execFileSync } from 'node:child_process';
import http from 'node:http';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MAX_BODY_BYTES, probeOnce, type ProbeSpec } from '../../src/uptime/probe.js';
import { makePki, type Pki } from '../helpers/tls-pki.js';
import { nodeTlsServer, silentServer, type Running } from '../helpers/tls-servers.js';
import { freePort } from '../helpers/ports.js';

function spec(url: string, extra: Partial<ProbeSpec> = {}): ProbeSpec {
  return { name: 'p', url, status: ['2xx'], tlsMinDays: 14, timeoutMs: 5_000, ...extra };
}

/** An HTTP server on 127.0.0.1 answering by path; every request is counted. */
async function httpServer(): Promise<{ url: string; hits: string[]; close(): Promise<void> }> {
  const hits: string[] = [];
  const server = http.createServer((req, res) => {
    hits.push(req.url ?? '');
    if (req.url === '/healthz') return res.writeHead(200, { 'content-type': 'application/json' }).end('{"status":"ok"}');
    if (req.url === '/degraded') return res.writeHead(200).end('{"status":"degraded"}');
    if (req.url === '/down') return res.writeHead(503).end('no');
    if (req.url === '/moved') return res.writeHead(302, { location: '/elsewhere' }).end();
    if (req.url === '/big') {
      // the needle only after the first 64 KiB: a probe reads no further
      res.writeHead(200);
      res.write('x'.repeat(MAX_BODY_BYTES + 10));
      return res.end('NEEDLE');
    }
    if (req.url === '/auth') return res.writeHead(req.headers.authorization ? 200 : 401).end('ok');
    res.writeHead(404).end();
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    hits,
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((r) => server.close(() => r()));
    },
  };
}

describe('probeOnce over HTTP', () => {
  let srv: Awaited<ReturnType<typeof httpServer>>;
  beforeAll(async () => {
    srv = await httpServer();
  });
  afterAll(async () => srv.close());

  it('passes a 2xx with the body it asserts, and records status and latency', async () => {
    const r = await probeOnce(spec(`${srv.url}/healthz`, { body: '"status":"ok"' }));
    expect(r).toMatchObject({ probe: 'p', url: `${srv.url}/healthz`, ok: true, status: 200, error: null, tlsDaysLeft: null });
    expect(r.latencyMs).toBeGreaterThanOrEqual(0);
    expect(Date.parse(r.at)).not.toBeNaN();
  });

  it.each([
    { path: '/degraded', extra: { body: '"status":"ok"' }, status: 200, error: 'body lacks "\\"status\\":\\"ok\\""' },
    { path: '/down', extra: {}, status: 503, error: 'status 503 (expected 2xx)' },
    { path: '/healthz', extra: { status: [204, '3xx'] as ProbeSpec['status'] }, status: 200, error: 'status 200 (expected 204, 3xx)' },
    { path: '/big', extra: { body: 'NEEDLE' }, status: 200, error: 'body lacks "NEEDLE"' },
  ])('fails $path: $error', async ({ path, extra, status, error }) => {
    expect(await probeOnce(spec(`${srv.url}${path}`, extra))).toMatchObject({ ok: false, status, error });
  });

  it('does not follow a redirect', async () => {
    const before = srv.hits.length;
    expect(await probeOnce(spec(`${srv.url}/moved`))).toMatchObject({ ok: false, status: 302, error: 'status 302 (expected 2xx)' });
    expect(srv.hits.slice(before)).toEqual(['/moved']);
    // unless a redirect is what the probe expects
    expect(await probeOnce(spec(`${srv.url}/moved`, { status: [302] }))).toMatchObject({ ok: true, status: 302 });
  });

  it('sends the credentials a URL holds but never records them', async () => {
    const url = srv.url.replace('http://', 'http://ops:hunter2@');
    const r = await probeOnce(spec(`${url}/auth`));
    expect(r).toMatchObject({ ok: true, status: 200 });
    expect(JSON.stringify(r)).not.toContain('hunter2');
    expect(r.url).toBe(`${srv.url.replace('http://', 'http://ops:***@')}/auth`);
  });

  it('fails a refused connection, and a server that never answers within the timeout', async () => {
    const port = await freePort();
    expect(await probeOnce(spec(`http://127.0.0.1:${port}/healthz`))).toMatchObject({ ok: false, status: null, error: 'connection refused' });
    const hung = await silentServer();
    try {
      const r = await probeOnce(spec(`http://127.0.0.1:${hung.port}/healthz`, { timeoutMs: 300 }));
      expect(r).toMatchObject({ ok: false, status: null, error: 'timeout after 0.3 s' });
    } finally {
      await hung.close();
    }
  });

  it('stops at once when its signal aborts, and says so', async () => {
    const hung = await silentServer();
    try {
      const stop = new AbortController();
      const pending = probeOnce(spec(`http://127.0.0.1:${hung.port}/`, { timeoutMs: 60_000 }), { signal: stop.signal });
      setTimeout(() => stop.abort(), 50);
      expect(await pending).toMatchObject({ ok: false, error: 'stopped' });
    } finally {
      await hung.close();
    }
  });
});

describe('probeOnce over HTTPS', () => {
  let pki: Pki;
  let ca: string;
  let dir: string;
  const servers: Running[] = [];
  const serve = async (key: string, cert: string) => {
    const s = await nodeTlsServer({ key, cert, httpHeaders: {} });
    servers.push(s);
    return `https://localhost:${s.port}/healthz`;
  };
  beforeAll(() => {
    pki = makePki();
    ca = readFileSync(pki.root.cert, 'utf8');
    dir = mkdtempSync(join(tmpdir(), 'vigil-uptime-tls-'));
  });
  afterAll(async () => {
    for (const s of servers) await s.close();
    rmSync(dir, { recursive: true, force: true });
  });

  /** A leaf for localhost that the test PKI's intermediate signs for `days` days from now. */
  function leafFor(days: number): { key: string; chain: string } {
    const key = join(dir, `leaf-${days}.key`);
    const csr = join(dir, `leaf-${days}.csr`);
    const cert = join(dir, `leaf-${days}.pem`);
    const ext = join(dir, 'ext.cnf');
    writeFileSync(ext, 'subjectAltName = DNS:localhost,IP:127.0.0.1\nbasicConstraints = CA:FALSE\nextendedKeyUsage = serverAuth\n');
    const openssl = (...args: string[]) => execFileSync('openssl', args, { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] });
    openssl('genpkey', '-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:P-256', '-out', key);
    openssl('req', '-new', '-key', key, '-subj', '/CN=localhost', '-out', csr);
    openssl('x509', '-req', '-in', csr, '-CA', pki.intermediate.cert, '-CAkey', pki.intermediate.key, '-set_serial', String(1000 + days), '-days', String(days), '-extfile', ext, '-out', cert);
    const chain = join(dir, `leaf-${days}.chain.pem`);
    writeFileSync(chain, readFileSync(cert, 'utf8') + readFileSync(pki.intermediate.cert, 'utf8'));
    return { key, chain };
  }

  it('passes a trusted certificate (the private CA added to the system roots) and reports its days left', async () => {
    const r = await probeOnce(spec(await serve(pki.good.key, pki.good.chain), { ca }));
    expect(r).toMatchObject({ ok: true, status: 200, error: null });
    expect(r.tlsDaysLeft).toBeGreaterThanOrEqual(87);
    expect(r.tlsDaysLeft).toBeLessThanOrEqual(89);
  });

  it('fails a certificate that expires in 5 days, with its days left', async () => {
    const leaf = leafFor(5);
    const r = await probeOnce(spec(await serve(leaf.key, leaf.chain), { ca }));
    expect(r).toMatchObject({ ok: false, status: 200, error: expect.stringMatching(/^TLS: certificate expires in [45] days \(minimum 14\)$/) });
    expect([4, 5]).toContain(r.tlsDaysLeft);
    // with a lower minimum it passes
    expect(await probeOnce(spec(r.url, { ca, tlsMinDays: 3 }))).toMatchObject({ ok: true });
  });

  it.each([
    { leaf: 'expired', withCa: true, error: 'TLS: certificate expired' },
    { leaf: 'selfSigned', withCa: true, error: 'TLS: certificate not trusted (self-signed)' },
    { leaf: 'good', withCa: false, error: 'TLS: certificate not trusted (unknown issuer)' },
    { leaf: 'wrongHost', withCa: true, error: 'TLS: certificate does not name the host' },
  ] as const)('fails $leaf (CA given: $withCa): $error', async ({ leaf, withCa, error }) => {
    const l = pki[leaf];
    const r = await probeOnce(spec(await serve(l.key, l.chain), withCa ? { ca } : {}));
    expect(r).toMatchObject({ ok: false, status: null, error });
  });
});
