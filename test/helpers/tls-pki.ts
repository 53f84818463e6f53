/**
 * A throw-away PKI for the TLS tests, made with the `openssl` CLI: a root, an intermediate, and
 * leaves that each have one thing wrong (or nothing). Built once per process in
 * `<tmpdir>/vigil-tls-pki-<pid>` and removed when the process exits.
 */
import { execFileSync } from 'node:child_process';
import { getDiffieHellman } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** A key and its certificate: paths, PEM text and the validity that was asked for. */
export interface PkiCert {
  /** Path of the private key (PKCS#8 PEM). */
  key: string;
  /** Path of the certificate PEM. */
  cert: string;
  keyPem: string;
  certPem: string;
  notBefore: Date;
  notAfter: Date;
}

/** A server certificate with the chain files a server would send. */
export interface PkiLeaf extends PkiCert {
  /** Path of leaf + intermediate PEM (just the leaf for `selfSigned`). */
  chain: string;
  /** Path of leaf + intermediate + root PEM (just the leaf for `selfSigned`). */
  fullchain: string;
  chainPem: string;
  fullchainPem: string;
}

export const OCSP_URL = 'http://ocsp.test.invalid';
export const CRL_URL = 'http://crl.test.invalid/int.crl';
/** Where a leaf says its issuer (the intermediate) can be downloaded: AIA caIssuers. Nothing serves it: vigil must never fetch it. */
export const CA_ISSUERS_URL = 'http://ca.test.invalid/int.crt';

const DAY = 86_400_000;

type KeySpec = 'rsa2048' | 'rsa1024' | 'p256' | 'p224' | 'ed25519';

interface LeafSpec {
  key: KeySpec;
  /** Days from now; the certificate is valid from `from` to `to`. */
  from: number;
  to: number;
  san?: string;
  /** AIA (OCSP and caIssuers) and CRL distribution point. */
  revocation?: boolean;
  md?: string;
  sigopt?: string[];
  selfSigned?: boolean;
  cn?: string;
}

const SAN = 'DNS:localhost,IP:127.0.0.1';
const usual = { key: 'rsa2048', from: -1, to: 89, san: SAN, revocation: true } satisfies LeafSpec;

/** Every leaf: signed by the intermediate with SHA-256, RSA 2048, SAN localhost + 127.0.0.1, valid from yesterday for 90 days, with OCSP, caIssuers and CRL URLs, unless the entry says otherwise. */
const LEAVES = {
  good: usual,
  ec: { ...usual, key: 'p256' },
  ec224: { ...usual, key: 'p224' },
  rsa1024: { ...usual, key: 'rsa1024' },
  sha1: { ...usual, md: 'sha1' },
  // OpenSSL 3.0 still signs with MD5 in `openssl ca`; the TLS layer refuses it at SECLEVEL 1+
  md5: { ...usual, md: 'md5' },
  wrongHost: { ...usual, san: 'DNS:other.example', cn: 'other.example' },
  expired: { ...usual, from: -400, to: -10 },
  notYetValid: { ...usual, from: 10, to: 100 },
  expiring20: { ...usual, to: 20 },
  expiring45: { ...usual, to: 45 },
  longLived: { ...usual, to: 499 },
  noRevocation: { ...usual, revocation: false },
  selfSigned: { ...usual, revocation: false, selfSigned: true },
  rsaPss: { ...usual, sigopt: ['rsa_padding_mode:pss', 'rsa_pss_saltlen:digest'] },
  ed25519: { ...usual, key: 'ed25519' },
} satisfies Record<string, LeafSpec>;

export type LeafName = keyof typeof LEAVES;
export const LEAF_NAMES = Object.keys(LEAVES) as LeafName[];

/** The whole PKI. Leaves are top-level: `pki.good.cert`, `pki.expired.chain`, … */
export type Pki = {
  dir: string;
  /** Self-signed CA, RSA 2048, SHA-256, valid from 2 years ago for 12 years. */
  root: PkiCert;
  /** CA (pathlen 0) signed by the root, same validity. */
  intermediate: PkiCert;
  /** PEM DH parameters: the 1024-bit MODP group of RFC 2409 (weak on purpose). */
  dhParams1024: string;
  /** PEM DH parameters: ffdhe2048 of RFC 7919. */
  dhParams2048: string;
} & Record<LeafName, PkiLeaf>;

const MEMO = Symbol.for('vigil.test.tlsPki');
type Memo = { [MEMO]?: Pki };

/** The test PKI, built on first call in this process. */
export function makePki(): Pki {
  const g = globalThis as Memo;
  g[MEMO] ??= build(join(tmpdir(), `vigil-tls-pki-${process.pid}`));
  return g[MEMO];
}

function build(dir: string): Pki {
  sweepStale();
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(join(dir, 'ca-db'), { recursive: true });
  process.on('exit', () => rmSync(dir, { recursive: true, force: true }));
  writeFileSync(join(dir, 'ca-db', 'index.txt'), '');
  writeFileSync(join(dir, 'ca.cnf'), caConfig(dir));

  // whole seconds: that is what a certificate holds
  const now = Math.floor(Date.now() / 1000) * 1000;
  const at = (days: number) => new Date(now + days * DAY);
  const openssl = (...args: string[]) => run(dir, args);

  generateKeys(dir, [
    ['root', 'rsa2048'],
    ['intermediate', 'rsa2048'],
    ...LEAF_NAMES.map((n): [string, KeySpec] => [n, LEAVES[n].key]),
  ]);

  const caExt = (pathlen: string) =>
    `[ ext ]\nbasicConstraints = critical,CA:TRUE${pathlen}\nkeyUsage = critical,keyCertSign,cRLSign\nsubjectKeyIdentifier = hash\n`;
  const root = issue(dir, 'root', {
    subject: '/O=Vigil Test/CN=Vigil Test Root CA',
    ext: caExt(''),
    notBefore: at(-730),
    notAfter: at(3650),
    selfSigned: true,
  });
  const intermediate = issue(dir, 'intermediate', {
    subject: '/O=Vigil Test/CN=Vigil Test Intermediate CA',
    ext: `${caExt(',pathlen:0')}authorityKeyIdentifier = keyid:always\n`,
    notBefore: at(-730),
    notAfter: at(3650),
    issuer: root,
  });

  const leaves = {} as Record<LeafName, PkiLeaf>;
  for (const name of LEAF_NAMES) {
    const spec: LeafSpec = LEAVES[name];
    const rsa = spec.key.startsWith('rsa');
    const ext = [
      '[ ext ]',
      // a self-signed leaf stays a bare end-entity certificate so a test can trust it directly
      ...(spec.selfSigned ? [] : ['basicConstraints = critical,CA:FALSE', `keyUsage = critical,digitalSignature${rsa ? ',keyEncipherment' : ''}`]),
      'extendedKeyUsage = serverAuth',
      'subjectKeyIdentifier = hash',
      ...(spec.selfSigned ? [] : ['authorityKeyIdentifier = keyid']),
      ...(spec.san ? [`subjectAltName = ${spec.san}`] : []),
      ...(spec.revocation ? [`authorityInfoAccess = OCSP;URI:${OCSP_URL},caIssuers;URI:${CA_ISSUERS_URL}`, `crlDistributionPoints = URI:${CRL_URL}`] : []),
    ].join('\n');
    const leaf = issue(dir, name, {
      subject: `/O=Vigil Test/CN=${spec.cn ?? 'localhost'}`,
      ext: `${ext}\n`,
      notBefore: at(spec.from),
      notAfter: at(spec.to),
      md: spec.md,
      sigopt: spec.sigopt,
      ...(spec.selfSigned ? { selfSigned: true } : { issuer: intermediate }),
    });
    const chainPem = spec.selfSigned ? leaf.certPem : leaf.certPem + intermediate.certPem;
    const fullchainPem = spec.selfSigned ? leaf.certPem : chainPem + root.certPem;
    const chain = join(dir, `${name}.chain.pem`);
    const fullchain = join(dir, `${name}.fullchain.pem`);
    writeFileSync(chain, chainPem);
    writeFileSync(fullchain, fullchainPem);
    leaves[name] = { ...leaf, chain, fullchain, chainPem, fullchainPem };
  }

  const dhParams1024 = join(dir, 'dh1024.pem');
  writeFileSync(dhParams1024, dhParamsPem(getDiffieHellman('modp2').getPrime(), 2));
  const dhParams2048 = join(dir, 'dh2048.pem');
  openssl('genpkey', '-genparam', '-algorithm', 'DH', '-pkeyopt', 'group:ffdhe2048', '-out', dhParams2048);

  return { dir, root, intermediate, dhParams1024, dhParams2048, ...leaves };
}

interface IssueOptions {
  subject: string;
  ext: string;
  notBefore: Date;
  notAfter: Date;
  issuer?: PkiCert;
  selfSigned?: boolean;
  md?: string | undefined;
  sigopt?: string[] | undefined;
}

/** Make a CSR for the key generated earlier and have `openssl ca` sign it for exactly the validity asked. */
function issue(dir: string, name: string, o: IssueOptions): PkiCert {
  const key = keyPath(dir, name);
  const csr = join(dir, `${name}.csr`);
  const cert = join(dir, `${name}.pem`);
  const extFile = join(dir, `${name}.ext`);
  writeFileSync(extFile, o.ext);
  run(dir, ['req', '-new', '-config', join(dir, 'ca.cnf'), '-key', key, '-subj', o.subject, '-out', csr]);
  const signer = o.selfSigned ? ['-selfsign', '-keyfile', key] : ['-cert', o.issuer!.cert, '-keyfile', o.issuer!.key];
  run(dir, [
    'ca', '-batch', '-notext', '-preserveDN', '-config', join(dir, 'ca.cnf'),
    ...signer,
    '-in', csr, '-out', cert,
    '-startdate', asn1Time(o.notBefore), '-enddate', asn1Time(o.notAfter),
    '-extfile', extFile, '-extensions', 'ext',
    ...(o.md ? ['-md', o.md] : []),
    ...(o.sigopt ?? []).flatMap((s) => ['-sigopt', s]),
  ]);
  return { key, cert, keyPem: readFileSync(key, 'utf8'), certPem: readFileSync(cert, 'utf8'), notBefore: o.notBefore, notAfter: o.notAfter };
}

const KEYGEN: Record<KeySpec, string[]> = {
  rsa2048: ['-algorithm', 'RSA', '-pkeyopt', 'rsa_keygen_bits:2048'],
  rsa1024: ['-algorithm', 'RSA', '-pkeyopt', 'rsa_keygen_bits:1024'],
  p256: ['-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-pkeyopt', 'ec_param_enc:named_curve'],
  p224: ['-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:secp224r1', '-pkeyopt', 'ec_param_enc:named_curve'],
  ed25519: ['-algorithm', 'ED25519'],
};

const keyPath = (dir: string, name: string) => join(dir, `${name}.key`);

/**
 * Generate every key at once: RSA key generation is most of the build time, and one shell
 * running the `openssl genpkey` processes side by side uses all the cores.
 */
function generateKeys(dir: string, keys: [string, KeySpec][]): void {
  const quote = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;
  const script = keys.map(([name, spec]) => `openssl genpkey ${KEYGEN[spec].join(' ')} -out ${quote(keyPath(dir, name))} 2>/dev/null &`);
  execFileSync('sh', ['-c', `${script.join('\n')}\nwait`], { cwd: dir, stdio: 'ignore' });
  // a failed background job leaves no key; make it again in the foreground to get its error
  for (const [name, spec] of keys) {
    if (!existsSync(keyPath(dir, name)) || statSync(keyPath(dir, name)).size === 0) {
      run(dir, ['genpkey', ...KEYGEN[spec], '-out', keyPath(dir, name)]);
    }
  }
}

function caConfig(dir: string): string {
  return `[ ca ]
default_ca = vigil_ca
[ vigil_ca ]
database = ${join(dir, 'ca-db', 'index.txt')}
new_certs_dir = ${join(dir, 'ca-db')}
rand_serial = yes
default_md = sha256
policy = policy_any
unique_subject = no
copy_extensions = none
email_in_dn = no
[ policy_any ]
organizationName = optional
commonName = supplied
[ req ]
distinguished_name = req_dn
prompt = no
[ req_dn ]
CN = unused
`;
}

/** `openssl ca` wants YYYYMMDDHHMMSSZ. */
function asn1Time(d: Date): string {
  return d.toISOString().replace(/[-:T]/g, '').replace(/\.\d{3}Z$/, 'Z');
}

/** PKCS#3 DHParameter ::= SEQUENCE { prime INTEGER, base INTEGER }, as PEM. */
function dhParamsPem(prime: Buffer, generator: number): string {
  const len = (n: number) => (n < 0x80 ? [n] : n < 0x100 ? [0x81, n] : [0x82, n >> 8, n & 0xff]);
  const int = (b: Buffer) => {
    const v = b[0]! & 0x80 ? Buffer.concat([Buffer.from([0]), b]) : b;
    return Buffer.concat([Buffer.from([0x02, ...len(v.length)]), v]);
  };
  const body = Buffer.concat([int(prime), int(Buffer.from([generator]))]);
  const der = Buffer.concat([Buffer.from([0x30, ...len(body.length)]), body]);
  const b64 = der.toString('base64').replace(/.{64}/g, '$&\n').replace(/\n?$/, '\n');
  return `-----BEGIN DH PARAMETERS-----\n${b64}-----END DH PARAMETERS-----\n`;
}

function run(cwd: string, args: string[]): string {
  try {
    return execFileSync('openssl', args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  } catch (e) {
    const err = e as { stderr?: string; message: string };
    throw new Error(`openssl ${args.join(' ')} failed: ${err.stderr?.trim() || err.message}`);
  }
}

/** Remove PKI folders left by processes that died without running their exit hook (vitest ends its workers with SIGTERM). */
function sweepStale(): void {
  for (const entry of readdirSync(tmpdir())) {
    const m = /^vigil-tls-pki-(\d+)$/.exec(entry);
    if (!m || Number(m[1]) === process.pid) continue;
    const path = join(tmpdir(), entry);
    try {
      // young folders are left alone: a process in another PID namespace sharing /tmp may own one
      if (Date.now() - statSync(path).mtimeMs < 10 * 60_000) continue;
      // signal 0 only asks whether the process exists
      process.kill(Number(m[1]), 0);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ESRCH') rmSync(path, { recursive: true, force: true });
    }
  }
}
