import type { X509Certificate } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import tls from 'node:tls';
import { VigilError } from '../../src/errors.js';
import { redactUrlCredentials } from '../../src/util/redact.js';
import { createFinding } from '../../src/model/create.js';
import type { Finding } from '../../src/model/finding.js';
import type { Scanner, ScanContext } from '../../src/model/scanner.js';
import type { Severity } from '../../src/model/severity.js';
import type { Target } from '../../src/model/target.js';
import { TLS_CHECKS, type TlsRuleId } from './checks.js';
import { gradeHost } from './grade.js';
import { checkProfile } from './mozilla.js';
import { probeHost } from './probe.js';
import type { GradeResult, HostReport, MozillaProfile, ProfileResult, TlsVersion } from './types.js';
import { TLS_VERSION_LABEL } from './types.js';
import { certificateFacts, daysUntil, parseCertificates } from './x509.js';

export const TLS_SCANNER_ID = 'tls';

/** Options of the `tls` scanner (config `options:` or CLI flags). */
export interface TlsOptions {
  /** Extra trust anchors: PEM files (a private CA), on top of the system store and NODE_EXTRA_CA_CERTS. */
  ca?: string | string[];
  /**
   * Intermediate CA certificates (PEM files) that may complete a chain the server sends
   * incomplete, like `openssl verify -untrusted`: they link a chain, never anchor one.
   */
  intermediates?: string | string[];
  /** STARTTLS before the handshake; by default from the port (25, 587 → smtp; 5432 → postgres) or a postgres:// target. */
  starttls?: 'smtp' | 'postgres' | 'none';
  /** The name sent as SNI and checked against the certificate; default the host. */
  servername?: string;
  /** Days before expiry that make a high (default 30) and a medium (default 60) finding. */
  expiryHighDays?: number;
  expiryMediumDays?: number;
  /** Longest acceptable certificate validity in days (default 398). */
  maxValidityDays?: number;
  /** The Mozilla profile to check against (default intermediate). */
  profile?: MozillaProfile;
  /** Per handshake, in ms (default 5000). */
  timeoutMs?: number;
  /** Handshakes in flight at once for one host (default 24). */
  concurrency?: number;
}

const OPTION_KEYS = ['ca', 'intermediates', 'starttls', 'servername', 'expiryHighDays', 'expiryMediumDays', 'maxValidityDays', 'profile', 'timeoutMs', 'concurrency'] as const;
const HSTS_SIX_MONTHS = 15_552_000;

/**
 * `tls`: protocols, cipher suites, certificate chain and HSTS of one host, probed natively with
 * node:tls; findings per problem, an SSL Labs-style grade and a Mozilla profile verdict, and a
 * summary of the host for the reports.
 */
export class TlsScanner implements Scanner {
  readonly id = TLS_SCANNER_ID;
  // 2: a chain sent incomplete is completed from local intermediates; one that cannot be is unverifiable, not untrusted
  readonly version = 2;

  async *run(target: Target, ctx: ScanContext): AsyncIterable<Finding> {
    const opts = checkOptions(ctx.options);
    const where = endpointOf(target, opts);
    const trust = await trustStore(opts, ctx.baseDir);
    const intermediates = await localIntermediates(opts, ctx.baseDir, (n) => ctx.note?.(n));
    ctx.progress(`probing ${where.host}:${where.port}`);
    const report = await probeHost({
      ...where,
      trust,
      intermediates,
      timeoutMs: opts.timeoutMs ?? 5000,
      concurrency: opts.concurrency ?? 24,
      signal: ctx.signal,
    });
    const now = new Date();
    const grade = gradeHost(report, { now });
    const profile = checkProfile(report, opts.profile ?? 'intermediate');
    for (const n of report.notes) ctx.note?.(n);
    ctx.report?.({ data: reportData(report, grade, profile), lines: reportLines(report, grade, profile) });
    yield* findingsOf(report, grade, profile, opts, now);
  }
}

interface Where {
  host: string;
  port: number;
  servername: string;
  starttls?: 'smtp' | 'postgres';
}

/** host[:port], [v6]:port, https://host:port or postgres://…@host:port → where to connect and how. */
export function endpointOf(target: Target, opts: TlsOptions): Where {
  let host: string;
  let port: number | undefined;
  let starttls: Where['starttls'];
  if (target.kind === 'url' || target.kind === 'database') {
    let u: URL;
    try {
      u = new URL(target.location);
    } catch {
      throw new VigilError('VIGIL_ERR_USAGE', `tls: "${target.location}" is not a URL`);
    }
    host = u.hostname.replace(/^\[|\]$/g, '');
    port = u.port ? Number(u.port) : undefined;
    if (target.kind === 'database' || /^postgres/.test(u.protocol)) {
      starttls = 'postgres';
      port ??= 5432;
    } else port ??= u.protocol === 'http:' ? 80 : 443;
  } else if (target.kind === 'host' || target.kind === 'tls') {
    const m = /^(?:\[([0-9a-f:.]+)\]|([^:[\]]+))(?::(\d{1,5}))?$/i.exec(target.location.trim());
    if (!m) throw new VigilError('VIGIL_ERR_USAGE', `tls: "${target.location}" is not host[:port]`);
    host = (m[1] ?? m[2])!;
    port = m[3] ? Number(m[3]) : 443;
  } else {
    throw new VigilError('VIGIL_ERR_USAGE', `tls checks a host (host[:port]), an https:// URL or a postgres:// database; "${target.name}" is a ${target.kind}`);
  }
  if (!(port > 0 && port < 65536)) throw new VigilError('VIGIL_ERR_USAGE', `tls: port ${port} is out of range`);
  if (opts.starttls === 'none') starttls = undefined;
  else if (opts.starttls) starttls = opts.starttls;
  else if (!starttls && (port === 25 || port === 587)) starttls = 'smtp';
  else if (!starttls && port === 5432) starttls = 'postgres';
  return { host, port, servername: opts.servername ?? host, ...(starttls ? { starttls } : {}) };
}

/** The system store, NODE_EXTRA_CA_CERTS (as Node itself reads it) and the CA files asked for. */
async function trustStore(opts: TlsOptions, baseDir: string): Promise<string[]> {
  const files = fileList(opts.ca, baseDir);
  // when vigil is given anchors it builds its own store, which would drop what Node added from the variable
  const extra = process.env['NODE_EXTRA_CA_CERTS'];
  if (extra) files.push(extra);
  const out = [...tls.rootCertificates];
  for (const f of files) for (const c of await readPem(f, 'CA')) out.push(c.toString());
  return out;
}

/**
 * The certificates of the `intermediates` files, as PEM. A self-signed one is left out with a
 * note: in the verifier's store it would become a trust anchor, and anchors come only from `ca`.
 */
async function localIntermediates(opts: TlsOptions, baseDir: string, note: (n: string) => void): Promise<string[]> {
  const out: string[] = [];
  for (const f of fileList(opts.intermediates, baseDir)) {
    for (const c of await readPem(f, 'intermediates')) {
      const facts = certificateFacts(c);
      if (facts.selfIssued) note(`intermediates: ${f}: "${facts.subject}" is self-signed, a root: ignored here (give roots with --ca)`);
      else out.push(c.toString());
    }
  }
  return out;
}

function fileList(v: string | string[] | undefined, baseDir: string): string[] {
  return (v === undefined ? [] : Array.isArray(v) ? v : [v]).map((f) => path.resolve(baseDir, f));
}

/** The certificates of one PEM (or DER) file; a missing file or a bad block is bad input, named by file and line. */
async function readPem(file: string, what: 'CA' | 'intermediates'): Promise<X509Certificate[]> {
  let text: Buffer;
  try {
    text = await readFile(file);
  } catch {
    throw new VigilError('VIGIL_ERR_INPUT_NOT_FOUND', `no such ${what} file`, { file });
  }
  return parseCertificates(text, file);
}

function checkOptions(raw: Readonly<Record<string, unknown>>): TlsOptions {
  const bad = (problem: string): never => {
    throw new VigilError('VIGIL_ERR_CONFIG_INVALID', `tls: ${problem}`);
  };
  for (const k of Object.keys(raw)) if (!(OPTION_KEYS as readonly string[]).includes(k)) bad(`unknown option "${k}" (known: ${OPTION_KEYS.join(', ')})`);
  for (const k of ['ca', 'intermediates']) {
    const v = raw[k];
    if (v !== undefined && !(typeof v === 'string' || (Array.isArray(v) && v.every((x) => typeof x === 'string')))) bad(`${k} is a PEM file or a list of them`);
  }
  if (raw['starttls'] !== undefined && !['smtp', 'postgres', 'none'].includes(String(raw['starttls']))) bad(`starttls "${String(raw['starttls'])}" is not smtp, postgres or none`);
  if (raw['profile'] !== undefined && !['modern', 'intermediate', 'old'].includes(String(raw['profile']))) bad(`profile "${String(raw['profile'])}" is not modern, intermediate or old`);
  if (raw['servername'] !== undefined && typeof raw['servername'] !== 'string') bad('servername is a host name');
  for (const k of ['expiryHighDays', 'expiryMediumDays', 'maxValidityDays', 'timeoutMs', 'concurrency']) {
    const v = raw[k];
    if (v !== undefined && !(Number.isInteger(v) && (v as number) > 0)) bad(`${k} is a whole number above 0`);
  }
  const o = raw as TlsOptions;
  if ((o.expiryHighDays ?? 30) > (o.expiryMediumDays ?? 60)) bad('expiryHighDays must not exceed expiryMediumDays');
  return o;
}


/** The findings of one host, each from the rule table; certificate findings are keyed by the certificate. */
export function findingsOf(r: HostReport, grade: GradeResult, profile: ProfileResult, opts: TlsOptions, now: Date): Finding[] {
  const out: Finding[] = [];
  const location = { kind: 'host' as const, host: r.host, port: r.port };
  const add = (ruleId: TlsRuleId, evidence: string, extra: { severity?: Severity; context?: string; title?: string } = {}) => {
    const c = TLS_CHECKS[ruleId];
    out.push(
      createFinding({
        scanner: TLS_SCANNER_ID,
        ruleId,
        title: extra.title ?? c.title,
        severity: extra.severity ?? c.severity,
        confidence: 'high',
        cwe: [...c.cwe],
        location,
        evidence,
        remediation: c.remediation,
        references: 'references' in c ? [...c.references] : [],
        tags: ['tls'],
        properties: { grade: grade.grade, ...(r.starttls ? { starttls: r.starttls } : {}) },
        ...(extra.context ? { fingerprintContext: extra.context } : {}),
      }),
    );
  };

  // the certificate
  const chain = r.chain;
  const leaf = chain.certificates[0];
  if (leaf) {
    const key = `cert:${leaf.fingerprint256}`;
    const left = daysUntil(leaf.notAfter, now);
    const since = daysUntil(leaf.notBefore, now);
    if (left < 0) add('tls-cert-expired', `${leaf.subject}: expired ${leaf.notAfter} (${Math.ceil(-left)} days ago)`, { context: key });
    else if (since > 0) add('tls-cert-not-yet-valid', `${leaf.subject}: valid from ${leaf.notBefore} (in ${Math.ceil(since)} days)`, { context: key });
    else if (left <= (opts.expiryMediumDays ?? 60)) {
      const high = left <= (opts.expiryHighDays ?? 30);
      add('tls-cert-expiring', `${leaf.subject}: expires ${leaf.notAfter}, in ${Math.floor(left)} days`, { severity: high ? 'high' : 'medium', context: key, title: `Certificate expires in ${Math.floor(left)} days` });
    }
    if (leaf.selfIssued && chain.certificates.length === 1) add('tls-cert-self-signed', `${leaf.subject} is signed by its own key`, { context: key });
    // an expired or not-yet-valid leaf is its own finding; untrusted means a path to a root could not be
    // built, and unverifiable that the path could not even be looked for without fetching its next link
    else if (!chain.trusted && !chain.unverifiable && !(left < 0 && chain.trustError === 'CERT_HAS_EXPIRED') && !(since > 0 && chain.trustError === 'CERT_NOT_YET_VALID')) add('tls-cert-untrusted', `no path to a trusted root: ${chain.trustError ?? 'unknown reason'}; chain sent: ${chain.certificates.map((c) => c.subject).join(' ← ')}${chain.completedWith.length ? `, then found locally: ${chain.completedWith.join(' ← ')}` : ''}`, { context: key });
    if (chain.incomplete) {
      const found = chain.completedWith.length ? `; vigil completed the chain with ${chain.completedWith.map((s) => `"${s}"`).join(' ← ')}, found locally (ca, intermediates, the system store or NODE_EXTRA_CA_CERTS)` : '';
      add('tls-cert-incomplete-chain', `the server sent ${chain.certificates.length} certificate(s); the issuer of "${chain.certificates[chain.certificates.length - 1]!.subject}" is missing${found}`, { context: key });
    }
    if (chain.unverifiable) {
      const aia = leaf.caIssuerUrls.length ? `the certificate names its issuer's download location (AIA caIssuers) ${leaf.caIssuerUrls.map(redactUrlCredentials).join(', ')}, which vigil does not fetch` : 'the certificate names no AIA caIssuers location either';
      add('tls-cert-chain-unverifiable', `issuer "${leaf.issuer}" of "${leaf.subject}" is neither sent by the server nor among the local certificates (ca, intermediates, the system store, NODE_EXTRA_CA_CERTS); ${aia}`, { context: key });
    }
    if (!chain.hostnameMatches) add('tls-cert-hostname-mismatch', `${r.servername} is not among ${leaf.altNames.length ? leaf.altNames.join(', ') : leaf.subject}${chain.hostnameError ? ` (${chain.hostnameError})` : ''}`, { context: key });
    for (const c of chain.certificates) {
      const rsaLike = c.keyType === 'rsa' || c.keyType === 'dsa';
      const weak = rsaLike ? c.keyBits < 2048 : c.keyType === 'ec' ? c.keyBits < 256 : false;
      // broken outright, not merely weak: RSA under 1024 bits, curves under 160
      const broken = rsaLike ? c.keyBits < 1024 : c.keyBits < 160;
      if (weak) add('tls-cert-weak-key', `${c.subject}: ${c.keyType.toUpperCase()} ${c.keyBits} bits${c.curve ? ` (${c.curve})` : ''}`, { context: `cert:${c.fingerprint256}`, ...(broken ? { severity: 'critical' as const } : {}) });
      // a root's own signature is not checked by anyone: only what the server sends below a root counts
      if (!c.selfIssued && (c.signatureHash === 'sha1' || c.signatureHash === 'md5')) {
        add('tls-cert-weak-signature', `${c.subject}: ${c.signatureAlgorithm}`, { context: `cert:${c.fingerprint256}`, ...(c.signatureHash === 'md5' ? { severity: 'critical' as const } : {}) });
      }
    }
    const validity = (Date.parse(leaf.notAfter) - Date.parse(leaf.notBefore)) / 86_400_000;
    if (validity > (opts.maxValidityDays ?? 398)) add('tls-cert-validity-too-long', `${leaf.subject}: valid for ${Math.round(validity)} days (${leaf.notBefore} to ${leaf.notAfter})`, { context: key });
    if (!leaf.selfIssued && leaf.ocspUrls.length === 0 && leaf.crlUrls.length === 0) add('tls-cert-no-revocation', `${leaf.subject} names no OCSP responder and no CRL`, { context: key });
  }

  // protocols
  if (r.protocols['TLSv1']) add('tls-protocol-tls1.0', 'the server completed a TLS 1.0 handshake');
  if (r.protocols['TLSv1.1']) add('tls-protocol-tls1.1', 'the server completed a TLS 1.1 handshake');
  if (!r.protocols['TLSv1.2']) add('tls-protocol-no-tls1.2', `accepted: ${accepted(r) || 'none'}`);
  if (!r.protocols['TLSv1.3']) add('tls-protocol-no-tls1.3', `accepted: ${accepted(r) || 'none'}`);

  // cipher suites
  const names = (pick: (s: HostReport['suites'][number]) => boolean) => [...new Set(r.suites.filter(pick).map((s) => `${s.suite.name} (${TLS_VERSION_LABEL[s.protocol]})`))];
  const list = (xs: string[]) => (xs.length > 6 ? `${xs.slice(0, 6).join(', ')} and ${xs.length - 6} more` : xs.join(', '));
  const fire = (ruleId: TlsRuleId, pick: (s: HostReport['suites'][number]) => boolean) => {
    const xs = names(pick);
    if (xs.length) add(ruleId, `accepted: ${list(xs)}`);
  };
  fire('tls-cipher-null', (s) => s.suite.enc === 'NULL');
  fire('tls-cipher-anonymous', (s) => s.suite.anonymous);
  fire('tls-cipher-export', (s) => s.suite.export);
  fire('tls-cipher-rc4', (s) => s.suite.enc === 'RC4');
  fire('tls-cipher-3des', (s) => s.suite.enc === '3DES');
  fire('tls-cipher-no-forward-secrecy', (s) => !s.suite.forwardSecrecy && !s.suite.anonymous);
  const cbcOnly = (['TLSv1', 'TLSv1.1', 'TLSv1.2'] as const).filter((v) => {
    const on = r.suites.filter((s) => s.protocol === v);
    return on.length > 0 && on.every((s) => s.suite.cbc);
  });
  if (cbcOnly.length) add('tls-cipher-cbc-only', `every suite accepted on ${cbcOnly.map((v) => TLS_VERSION_LABEL[v]).join(', ')} is CBC`);
  if (r.suites.length && !r.suites.some((s) => s.suite.aead)) add('tls-cipher-no-aead', `accepted: ${list(names(() => true))}`);
  // the client's order is harmless when every suite on offer is forward-secret AEAD (Mozilla's intermediate advice)
  const clientOrder = (['TLSv1', 'TLSv1.1', 'TLSv1.2'] as const).filter(
    (v) => r.serverOrder[v] === false && r.suites.some((s) => s.protocol === v && !(s.suite.aead && s.suite.forwardSecrecy)),
  );
  if (clientOrder.length) add('tls-cipher-client-order', `on ${clientOrder.map((v) => TLS_VERSION_LABEL[v]).join(', ')} the server took the client's first choice in both orders`);
  const dh = r.suites.filter((s) => s.ephemeral?.type === 'DH').map((s) => s.ephemeral!.size);
  if (dh.length && Math.min(...dh) < 2048) add('tls-dh-weak', `DHE with a ${Math.min(...dh)}-bit group`, Math.min(...dh) < 1024 ? { severity: 'high' } : {});
  // X25519 counts 253 bits and is as strong as P-256
  const curves = r.suites.filter((s) => s.ephemeral?.type === 'ECDH' && s.ephemeral.size < 256 && !/^x25519$/i.test(s.ephemeral.name ?? '')).map((s) => `${s.ephemeral!.name ?? '?'} (${s.ephemeral!.size} bits)`);
  if (curves.length) add('tls-ecdh-weak-curve', `ECDHE on ${[...new Set(curves)].join(', ')}`);

  // HTTP over TLS
  if (r.http) {
    if (r.http.hsts === undefined) add('tls-hsts-missing', `GET / answered ${r.http.status} with no Strict-Transport-Security header`);
    else {
      if ((r.http.hstsMaxAge ?? 0) < HSTS_SIX_MONTHS) add('tls-hsts-short-max-age', `Strict-Transport-Security: ${r.http.hsts}`);
      if (!r.http.hstsIncludeSubDomains) add('tls-hsts-no-subdomains', `Strict-Transport-Security: ${r.http.hsts}`);
    }
  }

  // the grade and the profile
  const g = grade.grade;
  if (!['A+', 'A', 'A-'].includes(g)) {
    const severity: Severity = g === 'B' ? 'low' : g === 'C' ? 'medium' : 'high';
    add('tls-grade', `grade ${g}${g === 'T' || g === 'M' ? ` (${grade.gradeIgnoringTrust} if trusted)` : ''}: ${grade.reasons.join('; ')}`, { severity, title: `TLS grade ${g}` });
  }
  if (!profile.compliant) add('tls-mozilla-profile', profile.violations.join('; '), { title: `Configuration breaks the Mozilla ${profile.profile} profile` });
  return out;
}

function accepted(r: HostReport): string {
  return (Object.keys(r.protocols) as TlsVersion[]).filter((v) => r.protocols[v]).map((v) => TLS_VERSION_LABEL[v]).join(', ');
}

/** The host summary in the JSON output. */
function reportData(r: HostReport, grade: GradeResult, profile: ProfileResult): Record<string, unknown> {
  const leaf = r.chain.certificates[0];
  return {
    host: r.host,
    port: r.port,
    servername: r.servername,
    ...(r.starttls ? { starttls: r.starttls } : {}),
    grade: grade.grade,
    gradeIgnoringTrust: grade.gradeIgnoringTrust,
    scores: grade.scores,
    gradeReasons: grade.reasons,
    profile: { name: profile.profile, compliant: profile.compliant, violations: profile.violations },
    protocols: r.protocols,
    suites: r.suites.map((s) => ({ protocol: s.protocol, name: s.suite.name, ...(s.suite.iana ? { iana: s.suite.iana } : {}), bits: s.suite.bits, forwardSecrecy: s.suite.forwardSecrecy, aead: s.suite.aead, ...(s.ephemeral ? { ephemeral: s.ephemeral } : {}) })),
    serverOrder: r.serverOrder,
    chain: {
      trusted: r.chain.trusted,
      ...(r.chain.trustError ? { trustError: r.chain.trustError } : {}),
      hostnameMatches: r.chain.hostnameMatches,
      incomplete: r.chain.incomplete,
      completedWith: r.chain.completedWith,
      unverifiable: r.chain.unverifiable,
      ...(r.chain.unverifiable && leaf?.caIssuerUrls.length ? { caIssuers: leaf.caIssuerUrls.map(redactUrlCredentials) } : {}),
      certificates: r.chain.certificates.map((c) => ({ subject: c.subject, issuer: c.issuer, altNames: c.altNames, notBefore: c.notBefore, notAfter: c.notAfter, key: `${c.keyType.toUpperCase()} ${c.keyBits}${c.curve ? ` ${c.curve}` : ''}`, signatureAlgorithm: c.signatureAlgorithm, fingerprint256: c.fingerprint256 })),
    },
    ...(r.http ? { http: r.http } : {}),
    elapsedMs: r.elapsedMs,
  };
}

/** The compact report a person reads at a glance (table output). */
function reportLines(r: HostReport, grade: GradeResult, profile: ProfileResult): string[] {
  const leaf = r.chain.certificates[0];
  const byVersion = (v: TlsVersion) => r.suites.filter((s) => s.protocol === v).map((s) => s.suite.name);
  const lines = [
    `grade ${grade.grade}${grade.grade === 'T' || grade.grade === 'M' ? ` (${grade.gradeIgnoringTrust} if trusted)` : ''}  score ${grade.scores.total} (protocol ${grade.scores.protocol}, key exchange ${grade.scores.keyExchange}, cipher ${grade.scores.cipherStrength})  Mozilla ${profile.profile}: ${profile.compliant ? 'compliant' : `${profile.violations.length} violation(s)`}`,
    `protocols ${(Object.keys(r.protocols) as TlsVersion[]).map((v) => `${TLS_VERSION_LABEL[v]} ${r.protocols[v] ? 'yes' : 'no'}`).join(', ')}`,
  ];
  for (const v of [...(Object.keys(r.protocols) as TlsVersion[])].reverse()) {
    const xs = byVersion(v);
    if (xs.length) lines.push(`  ${TLS_VERSION_LABEL[v]}: ${xs.join(' ')}${r.serverOrder[v] === undefined ? '' : r.serverOrder[v] ? ' (server order)' : ' (client order)'}`);
  }
  if (leaf) {
    const trust = r.chain.trusted ? 'trusted' : r.chain.unverifiable ? 'trust unverifiable (issuer not sent, not found locally)' : `not trusted (${r.chain.trustError ?? '?'})`;
    const completed = r.chain.completedWith.length ? ` (completed with ${r.chain.completedWith.length} local intermediate${r.chain.completedWith.length > 1 ? 's' : ''})` : '';
    lines.push(`certificate ${leaf.subject}, ${leaf.keyType.toUpperCase()} ${leaf.keyBits}, ${leaf.signatureAlgorithm}, until ${leaf.notAfter.slice(0, 10)}; chain of ${r.chain.certificates.length}, ${trust}${r.chain.hostnameMatches ? '' : ', wrong host'}${r.chain.incomplete ? `, incomplete${completed}` : ''}`);
  }
  if (r.http) lines.push(`HTTP ${r.http.status}, HSTS ${r.http.hsts ?? 'none'}`);
  for (const reason of grade.reasons) lines.push(`  · ${reason}`);
  return lines;
}

/** The registry's factory. */
export function createTlsScanner(): Scanner {
  return new TlsScanner();
}
