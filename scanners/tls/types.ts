/**
 * The vocabulary of the `tls` scanner: what probing one host finds (HostReport), what the
 * certificate analysis, the grade and the Mozilla profile check make of it. Pure data, so the
 * grade and the profile verdict are plain functions tested as tables.
 */

export type TlsVersion = 'TLSv1' | 'TLSv1.1' | 'TLSv1.2' | 'TLSv1.3';
export const TLS_VERSIONS: readonly TlsVersion[] = ['TLSv1', 'TLSv1.1', 'TLSv1.2', 'TLSv1.3'];
/** How people write the versions: `TLS 1.0`, not Node's `TLSv1`. */
export const TLS_VERSION_LABEL: Readonly<Record<TlsVersion, string>> = { TLSv1: 'TLS 1.0', 'TLSv1.1': 'TLS 1.1', 'TLSv1.2': 'TLS 1.2', 'TLSv1.3': 'TLS 1.3' };

/** What a cipher suite is made of, from its OpenSSL name (see cipher-suites.ts). */
export interface SuiteInfo {
  /** OpenSSL name, e.g. `ECDHE-RSA-AES128-GCM-SHA256` or `TLS_AES_128_GCM_SHA256`. */
  name: string;
  /** IANA name, e.g. `TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256`, when known. */
  iana?: string;
  /** Key exchange: `ECDHE`, `DHE`, `RSA`, `PSK`, `ANY` (TLS 1.3), … */
  kx: string;
  /** Authentication: `RSA`, `ECDSA`, `DSS`, `NULL` (anonymous), `ANY` (TLS 1.3). */
  auth: string;
  /** Bulk cipher: `AESGCM`, `CHACHA20`, `AES`, `3DES`, `RC4`, `NULL`, `CAMELLIA`, `ARIA`, `SEED`, `IDEA`, `DES`. */
  enc: string;
  /** Symmetric key bits (0 for NULL). */
  bits: number;
  /** MAC: `AEAD`, `SHA1`, `SHA256`, `SHA384`, `MD5`. */
  mac: string;
  aead: boolean;
  /** Forward secrecy: an ephemeral key exchange (ECDHE, DHE, or any TLS 1.3 suite). */
  forwardSecrecy: boolean;
  /** CBC mode block cipher. */
  cbc: boolean;
  export: boolean;
  anonymous: boolean;
}

/** The server's ephemeral key in a handshake (Node's `getEphemeralKeyInfo()`). */
export interface EphemeralKey {
  type: 'DH' | 'ECDH';
  /** Curve name for ECDH, e.g. `X25519`, `prime256v1`. */
  name?: string;
  size: number;
}

/** One accepted suite on one protocol version. */
export interface AcceptedSuite {
  protocol: TlsVersion;
  suite: SuiteInfo;
  /** The ephemeral key the server used with this suite, when there was one. */
  ephemeral?: EphemeralKey;
}

/** What the certificate analysis reads from one certificate (x509.ts). */
export interface CertificateFacts {
  subject: string;
  issuer: string;
  /** DNS names and IP addresses from subjectAltName. */
  altNames: string[];
  serialNumber: string;
  notBefore: string;
  notAfter: string;
  fingerprint256: string;
  /** `rsa`, `ec`, `ed25519`, `ed448`, `dsa`. */
  keyType: string;
  /** RSA/DSA modulus bits, or EC curve bits (256 for P-256). */
  keyBits: number;
  /** EC curve name when keyType is `ec`. */
  curve?: string;
  /** e.g. `sha256WithRSAEncryption`, `ecdsa-with-SHA256`, `sha1WithRSAEncryption`, `md5WithRSAEncryption`. */
  signatureAlgorithm: string;
  /** The hash of the signature, lower case: `sha256`, `sha1`, `md5`, … (undefined for Ed25519). */
  signatureHash?: string;
  selfIssued: boolean;
  isCA: boolean;
  ocspUrls: string[];
  crlUrls: string[];
  /** Where the issuer's certificate can be downloaded (Authority Information Access, caIssuers). Read, never fetched. */
  caIssuerUrls: string[];
}

/**
 * The chain as the server sent it and as it was verified. Trust is judged with what vigil has
 * without leaving the target: the chain sent, the system store, `ca` files, NODE_EXTRA_CA_CERTS
 * and the `intermediates` files. An AIA caIssuers URL is read and reported, never fetched.
 */
export interface ChainFacts {
  /** As sent, leaf first. */
  certificates: CertificateFacts[];
  /** Whether a path to a trusted root was built, with the local intermediates where the server left one out. */
  trusted: boolean;
  /** OpenSSL's reason when not trusted, e.g. `CERT_HAS_EXPIRED`, `SELF_SIGNED_CERT_IN_CHAIN`. */
  trustError?: string;
  /** Whether the leaf names the host (SAN, wildcards), by Node's checkServerIdentity. */
  hostnameMatches: boolean;
  hostnameError?: string;
  /** Whether an intermediate the server should have sent is missing (found locally, or not at all). */
  incomplete: boolean;
  /** Subjects of the intermediates vigil found locally to complete the chain, nearest the leaf first. */
  completedWith: string[];
  /**
   * Incomplete, and the missing issuer is in none of the local sources: whether the chain leads
   * to a trusted root cannot be told without fetching the issuer (AIA), which vigil never does.
   * `trusted` is false then, but the chain is not judged untrusted.
   */
  unverifiable: boolean;
}

/** HSTS as an HTTPS GET of `/` saw it, when the port speaks HTTP. */
export interface HttpFacts {
  status: number;
  /** The raw Strict-Transport-Security header, when present. */
  hsts?: string;
  hstsMaxAge?: number;
  hstsIncludeSubDomains?: boolean;
  hstsPreload?: boolean;
}

/** Everything the prober learnt of one host. */
export interface HostReport {
  host: string;
  port: number;
  /** SNI sent. */
  servername: string;
  starttls?: 'smtp' | 'postgres';
  protocols: Record<TlsVersion, boolean>;
  suites: AcceptedSuite[];
  /** Per protocol: true when the server picks by its own order, false when by the client's, undefined when untested (fewer than two suites). */
  serverOrder: Partial<Record<TlsVersion, boolean>>;
  chain: ChainFacts;
  http?: HttpFacts;
  /** What the prober could not find out and says so (e.g. secure renegotiation, which Node does not report). */
  notes: string[];
  /** Wall time of the probe in ms. */
  elapsedMs: number;
}

/** SSL Labs-style grade. */
export type Grade = 'A+' | 'A' | 'A-' | 'B' | 'C' | 'D' | 'E' | 'F' | 'T' | 'M';

export interface GradeResult {
  grade: Grade;
  /** The grade the configuration earns if trust/mismatch were fixed (shown beside T and M). */
  gradeIgnoringTrust: Grade;
  /** 0–100 each, per the SSL Labs rating guide. */
  scores: { protocol: number; keyExchange: number; cipherStrength: number; total: number };
  /** Why the grade is capped or lowered, one line each, e.g. `TLS 1.0 accepted: capped at B`. */
  reasons: string[];
}

export type MozillaProfile = 'modern' | 'intermediate' | 'old';

export interface ProfileResult {
  profile: MozillaProfile;
  compliant: boolean;
  /** What breaks the profile, one line each, e.g. `TLSv1.1 accepted; the profile allows TLSv1.2, TLSv1.3`. */
  violations: string[];
}
