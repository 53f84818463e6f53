import { execFileSync } from 'node:child_process';
import { chownSync, copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import pg from 'pg';
import { SMTPServer } from 'smtp-server';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { vigilAsync } from '../helpers/cli.js';
import { CA_ISSUERS_URL, makePki, type Pki, type PkiLeaf } from '../helpers/tls-pki.js';
import { freePort } from '../helpers/ports.js';
import { SSL_SETTING_LOCK } from '../helpers/pg.js';
import { nodeTlsServer, opensslServer, plainHttpServer, silentServer, type NodeServerOptions, type Running } from '../helpers/tls-servers.js';

const dir = mkdtempSync(join(tmpdir(), 'vigil-tls-'));
let pki: Pki;
beforeAll(() => {
  pki = makePki();
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Mozilla's intermediate suites for TLS 1.2: forward-secret AEAD only. */
const INTERMEDIATE = 'ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-RSA-AES128-GCM-SHA256:ECDHE-ECDSA-AES256-GCM-SHA384:ECDHE-RSA-AES256-GCM-SHA384:ECDHE-ECDSA-CHACHA20-POLY1305:ECDHE-RSA-CHACHA20-POLY1305';
const HSTS = { 'strict-transport-security': 'max-age=63072000; includeSubDomains' };

interface Report {
  grade: string;
  gradeIgnoringTrust: string;
  protocols: Record<string, boolean>;
  suites: { protocol: string; name: string; ephemeral?: { type: string; size: number } }[];
  chain: { trusted: boolean; incomplete: boolean; unverifiable: boolean; completedWith: string[]; caIssuers?: string[]; hostnameMatches: boolean; certificates: { subject: string }[] };
  profile: { name: string; compliant: boolean; violations: string[] };
  http?: { status: number; hsts?: string };
}
interface Out {
  run: { status: string; scanners: { target: string; status: string; error: string | null; report?: Report }[] };
  findings: { ruleId: string; severity: string; location: { host: string; port: number }; evidence: string }[];
}

async function scan(port: number, extra: string[] = [], host = 'localhost'): Promise<{ code: number; out: Out; stderr: string }> {
  const r = await vigilAsync(['scan', 'tls', `${host}:${port}`, '--ca', pki.root.cert, '--no-ledger', '-f', 'json', '--fail-on', 'none', ...extra], { cwd: dir });
  return { code: r.code, out: JSON.parse(r.stdout || '{}') as Out, stderr: r.stderr };
}

/** A node HTTPS server with a leaf (and its intermediate unless `leafOnly`), Mozilla intermediate settings and HSTS. */
async function serve(leaf: PkiLeaf, o: Partial<NodeServerOptions> & { leafOnly?: boolean } = {}): Promise<Running> {
  const { leafOnly, ...rest } = o;
  return nodeTlsServer({ key: leaf.key, cert: leafOnly ? leaf.cert : leaf.chain, minVersion: 'TLSv1.2', ciphers: INTERMEDIATE, httpHeaders: HSTS, ...rest });
}

async function withServer<T>(s: Promise<Running>, f: (port: number) => Promise<T>): Promise<T> {
  const server = await s;
  try {
    return await f(server.port);
  } finally {
    await server.close();
  }
}

const rules = (out: Out) => out.findings.map((f) => f.ruleId).sort();

describe('vigil scan tls against real servers on loopback', () => {
  it('a well-configured HTTPS server: no findings, grade A+, Mozilla intermediate compliant', async () => {
    await withServer(serve(pki.good), async (port) => {
      const { code, out, stderr } = await scan(port);
      expect(code, stderr).toBe(0);
      expect(rules(out)).toEqual([]);
      const rep = out.run.scanners[0]!.report!;
      expect(rep.grade).toBe('A+');
      expect(rep.protocols).toEqual({ TLSv1: false, 'TLSv1.1': false, 'TLSv1.2': true, 'TLSv1.3': true });
      expect(rep.suites.filter((s) => s.protocol === 'TLSv1.2').map((s) => s.name).sort()).toEqual(['ECDHE-RSA-AES128-GCM-SHA256', 'ECDHE-RSA-AES256-GCM-SHA384', 'ECDHE-RSA-CHACHA20-POLY1305']);
      expect(rep.chain).toMatchObject({ trusted: true, incomplete: false, hostnameMatches: true });
      expect(rep.chain.certificates).toHaveLength(2);
      expect(rep.profile).toEqual({ name: 'intermediate', compliant: true, violations: [] });
      expect(rep.http).toMatchObject({ status: 200, hsts: HSTS['strict-transport-security'] });
      expect(stderr).toMatch(/secure renegotiation .* not checked/);
    });
  });

  it.each([
    // the test PKI's expired certificate was valid for 390 days, past the profile's 366
    ['expired', 'expired', ['tls-cert-expired', 'tls-grade', 'tls-mozilla-profile'], 'T'],
    ['not yet valid', 'notYetValid', ['tls-cert-not-yet-valid', 'tls-grade'], 'T'],
    // (a self-signed certificate has no issuer to revoke it: no revocation finding)
    ['self-signed', 'selfSigned', ['tls-cert-self-signed', 'tls-grade'], 'T'],
    ['RSA 1024', 'rsa1024', ['tls-cert-weak-key', 'tls-grade', 'tls-mozilla-profile'], 'B'],
    // (a P-224 key cannot be served at all: no TLS 1.2/1.3 signature scheme covers it; x509.test.ts reads it)
    ['EC P-256', 'ec', [], 'A+'],
    ['SHA-1 signature', 'sha1', ['tls-cert-weak-signature', 'tls-grade', 'tls-mozilla-profile'], 'T'],
    ['wrong host', 'wrongHost', ['tls-cert-hostname-mismatch', 'tls-grade'], 'M'],
    ['valid 500 days', 'longLived', ['tls-cert-validity-too-long', 'tls-mozilla-profile'], 'A+'],
    ['no OCSP or CRL', 'noRevocation', ['tls-cert-no-revocation'], 'A+'],
  ] as const)('%s → exactly its findings and grade %s', async (_name, leaf, expected, grade) => {
    const l = pki[leaf];
    // OpenSSL refuses to load a SHA-1-signed chain at its default security level
    const o = { ...(leaf === 'selfSigned' ? { cert: l.cert } : {}), ...(leaf === 'sha1' ? { ciphers: `${INTERMEDIATE}:@SECLEVEL=0` } : {}) };
    await withServer(serve(l, o), async (port) => {
      const { out, stderr } = await scan(port);
      expect(rules(out), stderr).toEqual([...expected].sort());
      expect(out.run.scanners[0]!.report!.grade).toBe(grade);
    });
  });

  it('expiring within 20 days is high, within 45 days medium; thresholds are options', async () => {
    await withServer(serve(pki.expiring20), async (port) => {
      const { out } = await scan(port);
      expect(out.findings.filter((f) => f.ruleId === 'tls-cert-expiring').map((f) => f.severity)).toEqual(['high']);
    });
    await withServer(serve(pki.expiring45), async (port) => {
      const { out } = await scan(port);
      expect(out.findings.filter((f) => f.ruleId === 'tls-cert-expiring').map((f) => f.severity)).toEqual(['medium']);
      const cfg = join(dir, 'expiry.yaml');
      // a target of kind tls: a host read for the tls scanner
      writeFileSync(cfg, `version: 1\ntargets:\n  - name: h\n    kind: tls\n    host: localhost:${port}\n    scanners:\n      tls: { ca: ${JSON.stringify(pki.root.cert)}, expiryHighDays: 50, expiryMediumDays: 90 }\n`);
      const r = await vigilAsync(['scan', '--config', cfg, '--no-ledger', '-f', 'json', '--fail-on', 'none'], { cwd: dir });
      const o = JSON.parse(r.stdout) as Out;
      expect(o.findings.filter((f) => f.ruleId === 'tls-cert-expiring').map((f) => f.severity), r.stderr).toEqual(['high']);
    });
  });

  describe('a server that does not send its intermediate: trust judged with what vigil has locally, never by fetching the AIA URL', () => {
    const INT = 'O=Vigil Test, CN=Vigil Test Intermediate CA';
    /** `vigil scan tls` with exactly these flags: no --ca unless given, NODE_EXTRA_CA_CERTS as given (unset by default). */
    async function scanWith(port: number, flags: string[], env: Record<string, string | undefined> = {}) {
      const r = await vigilAsync(['scan', 'tls', `localhost:${port}`, '--no-ledger', '-f', 'json', '--fail-on', 'none', ...flags], { cwd: dir, env: { NODE_EXTRA_CA_CERTS: undefined, ...env } });
      return { ...r, out: JSON.parse(r.stdout || '{}') as Out };
    }
    const caBundle = () => {
      // a private PKI's CA bundle: the root and its intermediate in one file
      const f = join(dir, 'ca-bundle.pem');
      writeFileSync(f, pki.root.certPem + pki.intermediate.certPem);
      return f;
    };

    // flags and environment are functions: the PKI is built in beforeAll
    it.each<[string, boolean, () => string[], () => Record<string, string>, string[], Partial<Report['chain']>, string]>([
      ['leaf only, the root and its intermediate in the --ca bundle', true, () => ['--ca', caBundle()], () => ({}), ['tls-cert-incomplete-chain', 'tls-grade'], { trusted: true, incomplete: true, unverifiable: false, completedWith: [INT] }, 'B'],
      ['leaf only, root by --ca, intermediate by NODE_EXTRA_CA_CERTS', true, () => ['--ca', pki.root.cert], () => ({ NODE_EXTRA_CA_CERTS: pki.intermediate.cert }), ['tls-cert-incomplete-chain', 'tls-grade'], { trusted: true, incomplete: true, unverifiable: false, completedWith: [INT] }, 'B'],
      ['leaf only, root by --ca, intermediate by --intermediates', true, () => ['--ca', pki.root.cert, '--intermediates', pki.intermediate.cert], () => ({}), ['tls-cert-incomplete-chain', 'tls-grade'], { trusted: true, incomplete: true, unverifiable: false, completedWith: [INT] }, 'B'],
      ['leaf only, root by --ca, the intermediate nowhere', true, () => ['--ca', pki.root.cert], () => ({}), ['tls-cert-chain-unverifiable', 'tls-cert-incomplete-chain', 'tls-grade'], { trusted: false, incomplete: true, unverifiable: true, completedWith: [], caIssuers: [CA_ISSUERS_URL] }, 'B'],
      // an intermediate links a chain and never anchors one: with the root unknown, the completed chain is untrusted
      ['leaf only, intermediate by --intermediates, root unknown', true, () => ['--intermediates', pki.intermediate.cert], () => ({}), ['tls-cert-incomplete-chain', 'tls-cert-untrusted', 'tls-grade'], { trusted: false, incomplete: true, unverifiable: false, completedWith: [INT] }, 'T'],
      ['the complete chain to an unknown root', false, () => [], () => ({}), ['tls-cert-untrusted', 'tls-grade'], { trusted: false, incomplete: false, unverifiable: false, completedWith: [] }, 'T'],
    ])('%s', async (_name, leafOnly, flags, env, expected, chain, grade) => {
      await withServer(serve(pki.good, { leafOnly }), async (port) => {
        const { out, stderr } = await scanWith(port, flags(), env());
        expect(rules(out), stderr).toEqual(expected);
        const rep = out.run.scanners[0]!.report!;
        expect(rep.chain).toMatchObject(chain);
        expect(rep.chain.certificates).toHaveLength(leafOnly ? 1 : 2);
        expect(rep.grade).toBe(grade);
      });
    });

    it('the unverifiable finding names the AIA caIssuers URL as evidence; the grade says why it is B', async () => {
      await withServer(serve(pki.good, { leafOnly: true }), async (port) => {
        const { out } = await scanWith(port, ['--ca', pki.root.cert]);
        const f = out.findings.find((x) => x.ruleId === 'tls-cert-chain-unverifiable')!;
        expect(f.severity).toBe('medium');
        expect(f.evidence).toContain(CA_ISSUERS_URL);
        expect(f.evidence).toContain(`issuer "${INT}"`);
        const rep = out.run.scanners[0]!.report!;
        expect(rep.gradeIgnoringTrust).toBe('B');
        expect(out.findings.find((x) => x.ruleId === 'tls-grade')!.evidence).toMatch(/chain cannot be completed without fetching the issuer \(AIA\), so trust was not judged: capped at B/);
      });
    });

    it('a root given as an intermediate is ignored with a note: it does not become a trust anchor', async () => {
      await withServer(serve(pki.good, { leafOnly: true }), async (port) => {
        const { out, stderr } = await scanWith(port, ['--intermediates', pki.root.cert]);
        expect(rules(out)).toEqual(['tls-cert-chain-unverifiable', 'tls-cert-incomplete-chain', 'tls-grade']);
        expect(stderr).toMatch(/intermediates: .*root\.pem: "O=Vigil Test, CN=Vigil Test Root CA" is self-signed, a root: ignored here/);
      });
    });

    it('vigil.yaml: the target\'s intermediates option, relative to the config file', async () => {
      await withServer(serve(pki.good, { leafOnly: true }), async (port) => {
        const sub = mkdtempSync(join(dir, 'cfg-'));
        copyFileSync(pki.intermediate.cert, join(sub, 'int.pem'));
        const cfg = join(sub, 'vigil.yaml');
        writeFileSync(cfg, `version: 1\ntargets:\n  - name: h\n    kind: tls\n    host: localhost:${port}\n    scanners:\n      tls:\n        ca: ${JSON.stringify(pki.root.cert)}\n        intermediates: int.pem\n`);
        const r = await vigilAsync(['scan', '--config', cfg, '--no-ledger', '-f', 'json', '--fail-on', 'none'], { cwd: dir, env: { NODE_EXTRA_CA_CERTS: undefined } });
        const out = JSON.parse(r.stdout) as Out;
        expect(rules(out), r.stderr).toEqual(['tls-cert-incomplete-chain', 'tls-grade']);
        expect(out.run.scanners[0]!.report!).toMatchObject({ grade: 'B', chain: { trusted: true, completedWith: [INT] } });
      });
    });
  });

  it('without --ca the private root is not trusted: untrusted chain, grade T', async () => {
    await withServer(serve(pki.good), async (port) => {
      const r = await vigilAsync(['scan', 'tls', `localhost:${port}`, '--no-ledger', '-f', 'json', '--fail-on', 'none'], { cwd: dir, env: { NODE_EXTRA_CA_CERTS: undefined } });
      const out = JSON.parse(r.stdout) as Out;
      expect(rules(out)).toEqual(['tls-cert-untrusted', 'tls-grade']);
      // NODE_EXTRA_CA_CERTS is honoured as Node users expect
      const r2 = await vigilAsync(['scan', 'tls', `localhost:${port}`, '--no-ledger', '-f', 'json', '--fail-on', 'none'], { cwd: dir, env: { NODE_EXTRA_CA_CERTS: pki.root.cert } });
      expect(rules(JSON.parse(r2.stdout) as Out)).toEqual([]);
    });
  });

  it('HSTS: missing, and a short max-age without includeSubDomains', async () => {
    await withServer(serve(pki.good, { httpHeaders: {} }), async (port) => {
      const { out } = await scan(port);
      expect(rules(out)).toEqual(['tls-hsts-missing']);
      expect(out.run.scanners[0]!.report!.grade).toBe('A');
    });
    await withServer(serve(pki.good, { httpHeaders: { 'strict-transport-security': 'max-age=3600' } }), async (port) => {
      const { out } = await scan(port);
      expect(rules(out)).toEqual(['tls-hsts-no-subdomains', 'tls-hsts-short-max-age']);
    });
  });

  it('TLS 1.0 only, CBC suites with SECLEVEL=0 (openssl s_server): deprecated protocol, no TLS 1.2/1.3, grade C', async () => {
    const server = opensslServer(['-key', pki.good.key, '-cert', pki.good.cert, '-cert_chain', pki.intermediate.cert, '-tls1', '-cipher', 'ECDHE-RSA-AES128-SHA:AES256-SHA:@SECLEVEL=0']);
    await withServer(server, async (port) => {
      const { out, stderr } = await scan(port);
      // s_server takes the client's order unless told -serverpref
      expect(rules(out), stderr).toEqual([
        'tls-cipher-cbc-only',
        'tls-cipher-client-order',
        'tls-cipher-no-aead',
        'tls-cipher-no-forward-secrecy',
        'tls-grade',
        'tls-mozilla-profile',
        'tls-protocol-no-tls1.2',
        'tls-protocol-no-tls1.3',
        'tls-protocol-tls1.0',
      ]);
      const rep = out.run.scanners[0]!.report!;
      expect(rep.protocols).toEqual({ TLSv1: true, 'TLSv1.1': false, 'TLSv1.2': false, 'TLSv1.3': false });
      expect(rep.suites.map((s) => s.name).sort()).toEqual(['AES256-SHA', 'ECDHE-RSA-AES128-SHA']);
      expect(rep.grade).toBe('C');
    });
  });

  it('DHE with a 1024-bit group and the client\'s cipher order: weak DH, grade B', async () => {
    const server = nodeTlsServer({
      key: pki.good.key,
      cert: pki.good.chain,
      maxVersion: 'TLSv1.2',
      ciphers: 'DHE-RSA-AES128-GCM-SHA256:DHE-RSA-AES256-SHA:@SECLEVEL=0',
      dhparam: pki.dhParams1024,
      honorCipherOrder: false,
      httpHeaders: HSTS,
    });
    await withServer(server, async (port) => {
      const { out, stderr } = await scan(port);
      expect(rules(out), stderr).toEqual(['tls-cipher-client-order', 'tls-dh-weak', 'tls-grade', 'tls-mozilla-profile', 'tls-protocol-no-tls1.3']);
      const rep = out.run.scanners[0]!.report!;
      expect(rep.suites.map((s) => s.ephemeral)).toEqual([{ type: 'DH', size: 1024 }, { type: 'DH', size: 1024 }]);
      expect(rep.grade).toBe('B');
    });
  });

  it('anonymous and NULL suites (what this OpenSSL can still speak at SECLEVEL=0): critical findings, grade F', async () => {
    const server = nodeTlsServer({
      key: pki.good.key,
      cert: pki.good.chain,
      maxVersion: 'TLSv1.2',
      ciphers: 'ECDHE-RSA-AES128-GCM-SHA256:ADH-AES128-GCM-SHA256:NULL-SHA256:@SECLEVEL=0',
      // anonymous DH needs a group
      dhparam: pki.dhParams2048,
      honorCipherOrder: true,
      httpHeaders: HSTS,
    });
    await withServer(server, async (port) => {
      const { out, stderr } = await scan(port);
      const critical = out.findings.filter((f) => f.severity === 'critical').map((f) => f.ruleId).sort();
      expect(critical, stderr).toEqual(['tls-cipher-anonymous', 'tls-cipher-null']);
      expect(out.findings.find((f) => f.ruleId === 'tls-cipher-anonymous')!.evidence).toContain('ADH-AES128-GCM-SHA256');
      expect(out.findings.find((f) => f.ruleId === 'tls-cipher-null')!.evidence).toContain('NULL-SHA256');
      const rep = out.run.scanners[0]!.report!;
      expect(rep.suites.map((s) => s.name).sort()).toEqual(['ADH-AES128-GCM-SHA256', 'ECDHE-RSA-AES128-GCM-SHA256', 'NULL-SHA256']);
      expect(rep.grade).toBe('F');
    });
  });

  it('the Mozilla modern profile lists what breaks it', async () => {
    await withServer(serve(pki.good), async (port) => {
      const { out } = await scan(port, ['--profile', 'modern']);
      expect(rules(out)).toEqual(['tls-mozilla-profile']);
      const rep = out.run.scanners[0]!.report!;
      expect(rep.profile.name).toBe('modern');
      expect(rep.profile.violations.join('\n')).toMatch(/TLSv1\.2/);
    });
  });

  it('the table output is a compact report of the host', async () => {
    await withServer(serve(pki.good), async (port) => {
      const r = await vigilAsync(['scan', 'tls', `localhost:${port}`, '--ca', pki.root.cert, '--no-ledger', '--fail-on', 'none'], { cwd: dir });
      expect(r.stdout).toMatch(/tls on localhost:\d+/);
      expect(r.stdout).toMatch(/grade A\+/);
      expect(r.stdout).toMatch(/protocols TLS 1\.0 no, TLS 1\.1 no, TLS 1\.2 yes, TLS 1\.3 yes/);
      expect(r.stdout).toMatch(/certificate .*CN=localhost, RSA 2048, sha256WithRSAEncryption/);
    });
  });
});

describe('STARTTLS', () => {
  it('SMTP: EHLO, STARTTLS, then the same checks (a real smtp-server receiver)', async () => {
    const smtp = new SMTPServer({ key: readFileSync(pki.good.key), cert: readFileSync(pki.good.chain), minVersion: 'TLSv1.2', ciphers: INTERMEDIATE, authOptional: true, disabledCommands: ['AUTH'] });
    smtp.on('error', () => undefined);
    await new Promise<void>((r) => smtp.listen(0, '127.0.0.1', r));
    const port = (smtp.server.address() as AddressInfo).port;
    try {
      const { code, out, stderr } = await scan(port, ['--starttls', 'smtp']);
      expect(code, stderr).toBe(0);
      const rep = out.run.scanners[0]!.report!;
      expect(rep).toMatchObject({ starttls: 'smtp', grade: 'A', chain: { trusted: true, hostnameMatches: true, incomplete: false } });
      // no HTTP over a mail port, so no HSTS findings
      expect(rep.http).toBeUndefined();
      expect(rules(out)).toEqual([]);
    } finally {
      await new Promise<void>((r) => smtp.close(() => r()));
    }
  });

  it('PostgreSQL: SSLRequest, then the checks (the real server, with SSL turned on for the test)', async () => {
    // the server reads its key as its own user; the test turns SSL on with the test PKI and restores the settings after
    const sslDir = mkdtempSync(join(tmpdir(), 'vigil-pg-ssl-'));
    const key = join(sslDir, 'server.key');
    const cert = join(sslDir, 'server.crt');
    copyFileSync(pki.good.key, key);
    copyFileSync(pki.good.chain, cert);
    const uid = Number(execFileSync('id', ['-u', 'postgres'], { encoding: 'utf8' }).trim());
    for (const f of [sslDir, key, cert]) chownSync(f, uid, uid);
    const admin = new pg.Client({ connectionString: 'postgres://postgres@127.0.0.1:5432/postgres' });
    await admin.connect();
    // the postgres scanner's tests expect ssl off: they hold this lock shared while they scan
    await admin.query('SELECT pg_advisory_lock($1)', [SSL_SETTING_LOCK]);
    try {
      await admin.query(`ALTER SYSTEM SET ssl_cert_file = '${cert}'`);
      await admin.query(`ALTER SYSTEM SET ssl_key_file = '${key}'`);
      await admin.query('ALTER SYSTEM SET ssl = on');
      await admin.query('SELECT pg_reload_conf()');
      let on = '';
      for (let i = 0; i < 50 && on !== 'on'; i++) {
        on = ((await admin.query('SHOW ssl')).rows[0] as { ssl: string }).ssl;
        if (on !== 'on') await new Promise((r) => setTimeout(r, 100));
      }
      expect(on, 'PostgreSQL did not turn SSL on (see its log)').toBe('on');
      const { code, out, stderr } = await scan(5432);
      expect(code, stderr).toBe(0);
      const rep = out.run.scanners[0]!.report!;
      expect(rep).toMatchObject({ starttls: 'postgres', chain: { trusted: true, hostnameMatches: true } });
      expect(rep.protocols['TLSv1.2']).toBe(true);
      expect(rep.http).toBeUndefined();
      // PostgreSQL's default ssl_ciphers (HIGH:MEDIUM:+3DES:!aNULL) keep static-RSA suites
      expect(rules(out)).toContain('tls-cipher-no-forward-secrecy');
      expect(rules(out).filter((r) => r.startsWith('tls-cert-'))).toEqual([]);
    } finally {
      await admin.query('ALTER SYSTEM RESET ssl');
      await admin.query('ALTER SYSTEM RESET ssl_cert_file');
      await admin.query('ALTER SYSTEM RESET ssl_key_file');
      await admin.query('SELECT pg_reload_conf()');
      // new sessions see ssl off again before the lock goes (a session's SHOW follows the reload)
      for (let i = 0; i < 50; i++) {
        const check = new pg.Client({ connectionString: 'postgres://postgres@127.0.0.1:5432/postgres' });
        await check.connect();
        const off = ((await check.query('SHOW ssl')).rows[0] as { ssl: string }).ssl === 'off';
        await check.end();
        if (off) break;
        await new Promise((r) => setTimeout(r, 100));
      }
      await admin.end();
      rmSync(sslDir, { recursive: true, force: true });
    }
  });
});

describe('hosts that cannot be checked', () => {
  it.each([
    ['a port that does not speak TLS', () => plainHttpServer(), /does not speak TLS/],
    ['a server that hangs mid-handshake', () => silentServer(), /within 1000 ms/],
  ] as const)('%s: exit 3 with a clear error, within the timeout', async (_n, start, message) => {
    await withServer(start(), async (port) => {
      const cfg = join(dir, `bad-${port}.yaml`);
      writeFileSync(cfg, `version: 1\ntargets:\n  - name: h\n    kind: host\n    host: 127.0.0.1:${port}\n    scanners:\n      tls: { timeoutMs: 1000 }\n`);
      const r = await vigilAsync(['scan', '--config', cfg, '--no-ledger', '-f', 'json', '--fail-on', 'none'], { cwd: dir });
      expect(r.code).toBe(3);
      const out = JSON.parse(r.stdout) as Out;
      expect(out.run.scanners[0]!.error).toMatch(message);
    });
  });

  it('an unreachable host fails alone: the other hosts of the run still finish', async () => {
    const closed = await freePort();
    await withServer(serve(pki.good), async (good) => {
      await withServer(silentServer(), async (hang) => {
        const cfg = join(dir, 'many.yaml');
        const t = (name: string, port: number) => `  - name: ${name}\n    kind: host\n    host: localhost:${port}\n    scanners:\n      tls: { ca: ${JSON.stringify(pki.root.cert)}, timeoutMs: 1000 }\n`;
        writeFileSync(cfg, `version: 1\ntargets:\n${t('good', good)}${t('closed', closed)}${t('hang', hang)}`);
        const r = await vigilAsync(['scan', '--config', cfg, '--no-ledger', '-f', 'json', '--fail-on', 'none'], { cwd: dir });
        const out = JSON.parse(r.stdout) as Out;
        expect(out.run.status).toBe('partial');
        const by = Object.fromEntries(out.run.scanners.map((p) => [p.target, p]));
        expect(by['good']!.status).toBe('complete');
        expect(by['good']!.report!.grade).toBe('A+');
        expect(by['closed']!.error).toMatch(/connection refused/);
        expect(by['hang']!.error).toMatch(/within 1000 ms/);
      });
    });
  });

  it('a malformed intermediates file is exit 2 naming the file and the line of the bad block, from the CLI and from vigil.yaml', async () => {
    const bad = join(dir, 'bad-intermediates.pem');
    writeFileSync(bad, `${pki.intermediate.certPem}# and another\n${'-----BEGIN CERTIFICATE-----'}\nnot base64 at all!\n-----END CERTIFICATE-----\n`);
    const line = pki.intermediate.certPem.split('\n').length + 1;
    const r = await vigilAsync(['scan', 'tls', 'localhost:1', '--intermediates', bad, '--no-ledger'], { cwd: dir });
    expect(r.code, r.stderr).toBe(2);
    expect(r.stderr).toContain(`VIGIL_ERR_CERT_INVALID: bad-intermediates.pem:${line}: certificate 2 (line ${line}): the block is not valid base64`);
    const cfg = join(dir, 'bad-intermediates.yaml');
    writeFileSync(cfg, `version: 1\ntargets:\n  - name: h\n    kind: tls\n    host: localhost:1\n    scanners:\n      tls: { intermediates: bad-intermediates.pem }\n`);
    const c = await vigilAsync(['scan', '--config', cfg, '--no-ledger'], { cwd: dir });
    expect(c.code, c.stderr).toBe(2);
    expect(c.stderr).toContain(`bad-intermediates.pem:${line}: certificate 2 (line ${line})`);
    // a missing file is bad input too
    const m = await vigilAsync(['scan', 'tls', 'localhost:1', '--intermediates', join(dir, 'nope.pem'), '--no-ledger'], { cwd: dir });
    expect(m.code).toBe(2);
    expect(m.stderr).toMatch(/VIGIL_ERR_INPUT_NOT_FOUND: nope\.pem: no such intermediates file/);
  });

  it('an intermediates option of the wrong type in vigil.yaml is exit 2 naming the config file\'s line', async () => {
    const cfg = join(dir, 'wrong-intermediates.yaml');
    writeFileSync(cfg, `version: 1\ntargets:\n  - name: h\n    kind: tls\n    host: localhost:1\n    scanners:\n      tls:\n        intermediates: 42\n`);
    const r = await vigilAsync(['scan', '--config', cfg, '--no-ledger'], { cwd: dir });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('wrong-intermediates.yaml:8:24: targets[0].scanners.tls.intermediates: must be a string or a list (got 42)');
  });

  it('a malformed CA file is exit 2 naming the file and the line of the bad block', async () => {
    const bad = join(dir, 'bad-ca.pem');
    writeFileSync(bad, `# our CAs\n${'-----BEGIN CERTIFICATE-----'}\nnot base64 at all!\n-----END CERTIFICATE-----\n`);
    const r = await vigilAsync(['scan', 'tls', 'localhost:1', '--ca', bad, '--no-ledger'], { cwd: dir });
    expect(r.code).toBe(2);
    // named relative to where vigil runs
    expect(r.stderr).toMatch(/VIGIL_ERR_CERT_INVALID: bad-ca\.pem:2: certificate 1 \(line 2\)/);
  });
});
