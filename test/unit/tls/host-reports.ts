/**
 * Host reports for the grade and profile tests: a modern server (TLS 1.2 + 1.3, ECDHE AEAD
 * suites, RSA 2048, a trusted complete chain) and the pieces to change it.
 */
import { suiteInfo } from '../../../scanners/tls/cipher-suites.js';
import type { AcceptedSuite, CertificateFacts, ChainFacts, EphemeralKey, HostReport, HttpFacts, TlsVersion } from '../../../scanners/tls/types.js';
import { TLS_VERSIONS } from '../../../scanners/tls/types.js';

export const X25519: EphemeralKey = { type: 'ECDH', name: 'X25519', size: 253 };

export function cert(over: Partial<CertificateFacts> = {}): CertificateFacts {
  return {
    subject: 'CN=www.example.com',
    issuer: 'CN=Example CA R1',
    altNames: ['www.example.com'],
    serialNumber: '01',
    // 89 days: inside every Mozilla profile's maximum
    notBefore: '2025-01-01T00:00:00Z',
    notAfter: '2025-03-31T00:00:00Z',
    fingerprint256: 'AA:BB',
    keyType: 'rsa',
    keyBits: 2048,
    signatureAlgorithm: 'sha256WithRSAEncryption',
    signatureHash: 'sha256',
    selfIssued: false,
    isCA: false,
    ocspUrls: [],
    crlUrls: [],
    caIssuerUrls: [],
    ...over,
  };
}

export const INTERMEDIATE = cert({ subject: 'CN=Example CA R1', issuer: 'CN=Example Root', isCA: true, notBefore: '2020-01-01T00:00:00Z', notAfter: '2030-01-01T00:00:00Z' });
export const ROOT = cert({ subject: 'CN=Example Root', issuer: 'CN=Example Root', isCA: true, selfIssued: true, notBefore: '2010-01-01T00:00:00Z', notAfter: '2040-01-01T00:00:00Z' });

export function suite(protocol: TlsVersion, name: string, ephemeral?: EphemeralKey): AcceptedSuite {
  const info = suiteInfo(name);
  const e = ephemeral ?? (info.forwardSecrecy && !info.kx.startsWith('DHE') ? X25519 : undefined);
  return { protocol, suite: info, ...(e ? { ephemeral: e } : {}) };
}

export const TLS13 = ['TLS_AES_128_GCM_SHA256', 'TLS_AES_256_GCM_SHA384', 'TLS_CHACHA20_POLY1305_SHA256'].map((n) => suite('TLSv1.3', n));
export const TLS12 = ['ECDHE-RSA-AES128-GCM-SHA256', 'ECDHE-RSA-AES256-GCM-SHA384', 'ECDHE-RSA-CHACHA20-POLY1305'].map((n) => suite('TLSv1.2', n));

export interface Spec {
  /** Extra suites (their protocols are accepted too). */
  add?: AcceptedSuite[];
  /** Replaces the default suites. */
  suites?: AcceptedSuite[];
  leaf?: Partial<CertificateFacts>;
  certificates?: CertificateFacts[];
  chain?: Partial<ChainFacts>;
  hsts?: number;
  http?: HttpFacts;
}

/** A modern server (TLS 1.2 + 1.3, ECDHE AEAD suites, RSA 2048, a trusted complete chain), changed by spec. */
export function hostReport(spec: Spec = {}): HostReport {
  const suites = [...(spec.suites ?? [...TLS13, ...TLS12]), ...(spec.add ?? [])];
  const used = new Set(suites.map((s) => s.protocol));
  const protocols = Object.fromEntries(TLS_VERSIONS.map((v) => [v, used.has(v)])) as Record<TlsVersion, boolean>;
  const http = spec.http ?? (spec.hsts !== undefined ? { status: 200, hsts: `max-age=${spec.hsts}`, hstsMaxAge: spec.hsts } : { status: 200 });
  return {
    host: 'www.example.com',
    port: 443,
    servername: 'www.example.com',
    protocols,
    suites,
    serverOrder: {},
    chain: { certificates: spec.certificates ?? [cert(spec.leaf), INTERMEDIATE], trusted: true, hostnameMatches: true, incomplete: false, completedWith: [], unverifiable: false, ...spec.chain },
    http,
    notes: [],
    elapsedMs: 0,
  };
}
