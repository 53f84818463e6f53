/**
 * Probing one host: which protocol versions it accepts, which suites on each (one handshake per
 * suite, many at once), whether it picks suites by its own order, the certificate chain as sent
 * and as verified against the trust store (with local intermediates for a chain sent
 * incomplete; an AIA URL is never fetched), and HSTS when the port speaks HTTP.
 */
import { setMaxListeners } from 'node:events';
import tls from 'node:tls';
import { VigilError } from '../../src/errors.js';
import { LEGACY_CANDIDATES, TLS13_CANDIDATES, suiteInfo } from './cipher-suites.js';
import { handshake, type Endpoint, type HandshakeResult, type Offer } from './handshake.js';
import type { AcceptedSuite, CertificateFacts, ChainFacts, HostReport, HttpFacts, TlsVersion } from './types.js';
import { TLS_VERSIONS } from './types.js';
import { certificateFacts } from './x509.js';

export interface ProbeOptions extends Endpoint {
  /** Trust anchors for the chain verdict: the system store plus extra CAs, as PEM. */
  trust: string[];
  /**
   * Intermediate CA certificates (PEM) that may complete a chain the server sends incomplete.
   * None may be self-signed: OpenSSL would take it as a trust anchor.
   */
  intermediates?: string[];
  /** Handshakes in flight at once for this host. */
  concurrency?: number;
  /** Ask for HTTP over the TLS connection (HSTS); default: when not STARTTLS. */
  http?: boolean;
}

/** How long a GET / may take before the port is taken not to speak HTTP. */
const HTTP_WAIT_MS = 1500;

/** Everything offered at once, weak suites included: a server that accepts any of it answers. */
const EVERYTHING = 'ALL:COMPLEMENTOFALL:@SECLEVEL=0';
const TLS13_ALL = TLS13_CANDIDATES.join(':');

/** TLS 1.2-only constructions (GCM, CCM, ChaCha20, SHA-2 MACs) cannot be chosen under TLS 1.0/1.1. */
function suitesFor(v: TlsVersion): readonly string[] {
  if (v === 'TLSv1.3') return TLS13_CANDIDATES;
  if (v === 'TLSv1.2') return LEGACY_CANDIDATES;
  return LEGACY_CANDIDATES.filter((s) => !/GCM|CCM|CHACHA|POLY1305|SHA256|SHA384/.test(s));
}

function offerFor(v: TlsVersion, ciphers?: string, ca?: string[]): Offer {
  const c = ciphers ?? (v === 'TLSv1.3' ? TLS13_ALL : EVERYTHING);
  return { minVersion: v, maxVersion: v, ciphers: c, ...(ca ? { ca } : {}) };
}

/** Probe a host; an unreachable host, a port that does not speak TLS or a hanging server is VIGIL_ERR_TLS_PROBE. */
export async function probeHost(opts: ProbeOptions): Promise<HostReport> {
  const started = performance.now();
  const ep: Endpoint = { host: opts.host, port: opts.port, servername: opts.servername, timeoutMs: opts.timeoutMs, ...(opts.starttls ? { starttls: opts.starttls } : {}), ...(opts.signal ? { signal: opts.signal } : {}) };
  const limit = limiter(opts.concurrency ?? 24);
  // every handshake in flight listens for the abort
  if (opts.signal) setMaxListeners(0, opts.signal);
  const wantHttp = opts.http ?? !opts.starttls;

  // the verdict on trust (with the store) and the chain as sent (with an empty store), offering everything.
  // Intermediates in the store only link the chain: without X509_V_FLAG_PARTIAL_CHAIN, which Node
  // does not set, OpenSSL still needs a self-signed anchor at the top.
  const all: Offer = { minVersion: 'TLSv1', maxVersion: 'TLSv1.3', ciphers: `${EVERYTHING}:${TLS13_ALL}` };
  const store = opts.intermediates?.length ? [...opts.trust, ...opts.intermediates] : opts.trust;
  const [verified, asSent] = await Promise.all([handshake(ep, { ...all, ca: store }), handshake(ep, all)]);
  if (!verified.ok) {
    // a server that takes none of a modern client's offer may still take one protocol alone; else the host cannot be checked
    if (verified.kind !== 'rejected' && verified.kind !== 'closed') throw probeError(opts, verified);
  }

  const protocols = Object.fromEntries(TLS_VERSIONS.map((v) => [v, false])) as Record<TlsVersion, boolean>;
  const perVersion = await Promise.all(TLS_VERSIONS.map((v) => limit(() => handshake(ep, offerFor(v)))));
  perVersion.forEach((r, i) => (protocols[TLS_VERSIONS[i]!] = r.ok));
  if (!TLS_VERSIONS.some((v) => protocols[v])) {
    const first = verified.ok ? perVersion.find((r) => !r.ok) : verified;
    throw probeError(opts, first && !first.ok ? first : { ok: false, kind: 'rejected', message: 'no protocol version vigil can offer was accepted' });
  }

  const suites: AcceptedSuite[] = [];
  const serverOrder: Partial<Record<TlsVersion, boolean>> = {};
  await Promise.all(
    TLS_VERSIONS.filter((v) => protocols[v]).map(async (v) => {
      const candidates = suitesFor(v);
      const tried = await Promise.all(candidates.map((s) => limit(() => handshake(ep, offerFor(v, v === 'TLSv1.3' ? s : `${s}:@SECLEVEL=0`)))));
      const accepted: AcceptedSuite[] = [];
      tried.forEach((r, i) => {
        if (!r.ok) return;
        const name = v === 'TLSv1.3' ? r.cipher : candidates[i]!;
        accepted.push({ protocol: v, suite: suiteInfo(name), ...(r.ephemeral ? { ephemeral: r.ephemeral } : {}) });
      });
      suites.push(...accepted);
      if (accepted.length >= 2) serverOrder[v] = await prefersOwnOrder(ep, v, accepted[0]!.suite.name, accepted[accepted.length - 1]!.suite.name);
    }),
  );
  suites.sort((a, b) => TLS_VERSIONS.indexOf(b.protocol) - TLS_VERSIONS.indexOf(a.protocol) || a.suite.name.localeCompare(b.suite.name));

  const sentChain = asSent.ok ? chainOf(asSent.peer) : verified.ok ? chainOf(verified.peer) : [];
  const builtChain = verified.ok ? chainOf(verified.peer) : sentChain;
  const chain = chainFacts(opts, sentChain, builtChain, verified);

  // HTTP last, on a connection of its own: a server that handles one connection at a time
  // (openssl s_server) must not be held by a request it never answers while the suites are probed
  let http: HttpFacts | undefined;
  if (wantHttp && verified.ok) {
    const conn = await handshake(ep, all, true);
    if (conn.ok && conn.socket) http = await httpOver(conn.socket, opts);
  }

  return {
    host: opts.host,
    port: opts.port,
    servername: opts.servername,
    ...(opts.starttls ? { starttls: opts.starttls } : {}),
    protocols,
    suites,
    serverOrder,
    chain,
    ...(http ? { http } : {}),
    notes: ['secure renegotiation (RFC 5746) is not reported by Node’s TLS client, so it is not checked'],
    elapsedMs: Math.round(performance.now() - started),
  };
}

function probeError(opts: ProbeOptions, r: Extract<HandshakeResult, { ok: false }>): VigilError {
  const where = `${opts.host}:${opts.port}${opts.starttls ? ` (STARTTLS ${opts.starttls})` : ''}`;
  return new VigilError('VIGIL_ERR_TLS_PROBE', `${where}: ${r.message}`);
}

/** Offer two suites in both orders: the same choice both times means the server's order decides. */
async function prefersOwnOrder(ep: Endpoint, v: TlsVersion, a: string, b: string): Promise<boolean | undefined> {
  const offer = (x: string, y: string) => offerFor(v, v === 'TLSv1.3' ? `${x}:${y}` : `${x}:${y}:@SECLEVEL=0`);
  const [ab, ba] = await Promise.all([handshake(ep, offer(a, b)), handshake(ep, offer(b, a))]);
  if (!ab.ok || !ba.ok) return undefined;
  return ab.cipher === ba.cipher;
}

/** The chain from Node's linked peer certificate, leaf first, without repeating a self-signed root. */
function chainOf(peer: tls.DetailedPeerCertificate): Buffer[] {
  const out: Buffer[] = [];
  const seen = new Set<string>();
  for (let c: tls.DetailedPeerCertificate | undefined = peer; c && c.raw && !seen.has(c.fingerprint256); c = c.issuerCertificate) {
    seen.add(c.fingerprint256);
    out.push(c.raw);
  }
  return out;
}

function chainFacts(opts: ProbeOptions, sent: Buffer[], built: Buffer[], verified: HandshakeResult): ChainFacts {
  const certificates: CertificateFacts[] = sent.map((der) => certificateFacts(der));
  const leaf = sent[0];
  let hostnameMatches = false;
  let hostnameError: string | undefined;
  if (leaf && verified.ok) {
    const err = tls.checkServerIdentity(opts.servername, verified.peer);
    hostnameMatches = err === undefined;
    if (err) hostnameError = err.message;
  }
  // Node folds the host name check into `authorized`; the chain itself verified when that is the only error
  const trusted = verified.ok && (verified.authorized || verified.authorizationError === 'ERR_TLS_CERT_ALTNAME_INVALID');
  // what the path took from the local store that the server should have sent: the intermediates, not
  // the self-signed anchor at the top (the scanner keeps self-signed certificates out of `intermediates`)
  const sentPrints = new Set(certificates.map((c) => c.fingerprint256));
  const completedWith = built
    .map((der) => certificateFacts(der))
    .filter((c) => !sentPrints.has(c.fingerprint256) && !c.selfIssued)
    .map((c) => c.subject);
  // A leaf sent alone whose issuer is nowhere here: a missing link, not an unknown root. A chain that
  // ends in an intermediate whose issuer is unknown is complete as sent: that is an untrusted root.
  const last = certificates[certificates.length - 1];
  const leafOnly = last !== undefined && certificates.length === 1 && !last.isCA && !last.selfIssued;
  const unverifiable = !trusted && leafOnly && built.length === 1;
  return {
    certificates,
    trusted,
    ...(verified.ok && verified.authorizationError ? { trustError: verified.authorizationError } : {}),
    hostnameMatches,
    ...(hostnameError ? { hostnameError } : {}),
    incomplete: completedWith.length > 0 || unverifiable,
    completedWith,
    unverifiable,
  };
}

/** GET / over the verified connection; HSTS from the answer when it is HTTP. */
function httpOver(socket: tls.TLSSocket, opts: ProbeOptions): Promise<HttpFacts | undefined> {
  return new Promise((resolve) => {
    let buf = '';
    const done = (r: HttpFacts | undefined) => {
      clearTimeout(timer);
      socket.destroy();
      resolve(r);
    };
    // a TLS service that is not HTTP may stay silent: wait a little, not the whole handshake timeout
    const timer = setTimeout(() => done(parseHead(buf)), Math.min(opts.timeoutMs, HTTP_WAIT_MS));
    socket.setEncoding('latin1');
    socket.on('data', (d: string) => {
      buf += d;
      if (buf.includes('\r\n\r\n') || buf.length > 64 * 1024) done(parseHead(buf));
    });
    socket.once('end', () => done(parseHead(buf)));
    socket.once('error', () => done(parseHead(buf)));
    const host = opts.port === 443 ? opts.servername : `${opts.servername}:${opts.port}`;
    socket.write(`GET / HTTP/1.1\r\nHost: ${host}\r\nUser-Agent: vigil-tls\r\nAccept: */*\r\nConnection: close\r\n\r\n`);
  });
}

/** The status and HSTS of an HTTP response head; undefined when the bytes are not HTTP. */
export function parseHead(text: string): HttpFacts | undefined {
  const end = text.indexOf('\r\n\r\n');
  const head = end === -1 ? text : text.slice(0, end);
  const m = /^HTTP\/\d(?:\.\d)? (\d{3})/.exec(head);
  if (!m) return undefined;
  const out: HttpFacts = { status: Number(m[1]) };
  const h = /^strict-transport-security:[ \t]*(.*)$/im.exec(head);
  if (h) {
    const value = h[1]!.trim();
    out.hsts = value;
    const age = /(?:^|;)\s*max-age\s*=\s*"?(\d+)"?/i.exec(value);
    if (age) out.hstsMaxAge = Number(age[1]);
    out.hstsIncludeSubDomains = /(?:^|;)\s*includesubdomains\s*(?:;|$)/i.test(value);
    out.hstsPreload = /(?:^|;)\s*preload\s*(?:;|$)/i.test(value);
  }
  return out;
}

/** At most `n` tasks at once. */
function limiter(n: number) {
  let active = 0;
  const queue: (() => void)[] = [];
  return async <T>(task: () => Promise<T>): Promise<T> => {
    if (active >= n) await new Promise<void>((r) => queue.push(r));
    active++;
    try {
      return await task();
    } finally {
      active--;
      queue.shift()?.();
    }
  };
}
