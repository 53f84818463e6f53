/**
 * Mozilla's Server Side TLS recommended configurations (modern, intermediate, old; guidelines 5.7)
 * as data in rules/tls/mozilla-profiles.json, and the check of a probed host against one of them.
 */
import { readFileSync } from 'node:fs';
import { VigilError } from '../../src/errors.js';
import { shippedPath } from '../../src/util/package-path.js';
import type { HostReport, MozillaProfile, ProfileResult, TlsVersion } from './types.js';
import { TLS_VERSIONS } from './types.js';

/** One recommended configuration, as rules/tls/mozilla-profiles.json spells it. */
export interface MozillaProfileSpec {
  protocols: TlsVersion[];
  /** TLS 1.2-and-below suites, OpenSSL names, in Mozilla's order. */
  ciphers: string[];
  /** TLS 1.3 suites. */
  ciphersuites: string[];
  /** `ecdsa`, `rsa`. */
  certificateTypes: string[];
  certificateCurves: string[];
  certificateSignatures: string[];
  rsaMinBits: number | null;
  dhMinBits: number | null;
  ecdhMinBits: number | null;
  /** Key-exchange groups, OpenSSL names. */
  curves: string[];
  maxCertificateLifespanDays: number;
  recommendedCertificateLifespanDays: number;
  /** A recommendation only: the check does not fail on HSTS. */
  hstsMinAge: number;
  serverPreferredOrder: boolean;
  ocspStaple: boolean;
  oldestClients: string[];
}

export interface MozillaGuidelines {
  version: string;
  source: string;
  profiles: Record<MozillaProfile, MozillaProfileSpec>;
}

export const MOZILLA_PROFILES: readonly MozillaProfile[] = ['modern', 'intermediate', 'old'];

let cached: MozillaGuidelines | undefined;

/** Mozilla's profiles from rules/tls/mozilla-profiles.json, read once per process. */
export function loadProfiles(): MozillaGuidelines {
  if (cached) return cached;
  const file = shippedPath('rules', 'tls', 'mozilla-profiles.json');
  if (!file) throw new VigilError('VIGIL_ERR_INTERNAL', 'the Mozilla TLS profiles rules/tls/mozilla-profiles.json are missing from this install');
  let data: unknown;
  try {
    data = JSON.parse(readFileSync(file, 'utf8'));
  } catch (e) {
    throw new VigilError('VIGIL_ERR_INTERNAL', `rules/tls/mozilla-profiles.json cannot be read: ${(e as Error).message}`, { file }, { cause: e });
  }
  cached = validate(data, file);
  return cached;
}

function validate(data: unknown, file: string): MozillaGuidelines {
  const bad = (why: string): VigilError => new VigilError('VIGIL_ERR_INTERNAL', `rules/tls/mozilla-profiles.json: ${why}`, { file });
  if (typeof data !== 'object' || data === null) throw bad('not a JSON object');
  const d = data as Partial<MozillaGuidelines>;
  if (typeof d.profiles !== 'object' || d.profiles === null) throw bad('profiles: missing');
  for (const name of MOZILLA_PROFILES) {
    const p = (d.profiles as Partial<Record<MozillaProfile, Partial<MozillaProfileSpec>>>)[name];
    if (!p) throw bad(`profiles.${name}: missing`);
    for (const key of ['protocols', 'ciphers', 'ciphersuites', 'certificateTypes', 'certificateCurves', 'certificateSignatures', 'curves'] as const) {
      if (!Array.isArray(p[key]) || !p[key].every((x) => typeof x === 'string')) throw bad(`profiles.${name}.${key}: must be a list of strings`);
    }
    const unknown = p.protocols!.filter((v) => !TLS_VERSIONS.includes(v));
    if (unknown.length) throw bad(`profiles.${name}.protocols: unknown ${unknown.join(', ')}`);
    if (typeof p.maxCertificateLifespanDays !== 'number') throw bad(`profiles.${name}.maxCertificateLifespanDays: must be a number`);
  }
  return { version: String(d.version ?? ''), source: String(d.source ?? ''), profiles: d.profiles as Record<MozillaProfile, MozillaProfileSpec> };
}

const CURVE_ALIASES: Record<string, string> = {
  'p-256': 'prime256v1',
  secp256r1: 'prime256v1',
  'p-384': 'secp384r1',
  'p-521': 'secp521r1',
  x25519: 'x25519',
  x448: 'x448',
};

/** One spelling per curve (OpenSSL's, lower case) so `P-256` and `prime256v1` compare equal. */
function curveKey(name: string): string {
  const n = name.toLowerCase();
  return CURVE_ALIASES[n] ?? n;
}

const DAY_MS = 86_400_000;

/** Where a host breaks one of Mozilla's profiles, one readable line per violation. */
export function checkProfile(report: HostReport, profile: MozillaProfile): ProfileResult {
  const spec = loadProfiles().profiles[profile];
  const violations: string[] = [];
  const allows = spec.protocols.join(', ');

  // protocols
  const accepted = TLS_VERSIONS.filter((v) => report.protocols[v]);
  for (const v of accepted) {
    if (!spec.protocols.includes(v)) violations.push(`${v} accepted; the ${profile} profile allows ${allows}`);
  }
  if (!spec.protocols.some((v) => report.protocols[v])) {
    violations.push(
      spec.protocols.length === 1
        ? `${spec.protocols[0]} not accepted; the ${profile} profile requires it`
        : `none of ${allows} accepted; the ${profile} profile requires one of them`,
    );
  }

  // suites, once per name with the protocols it was accepted on
  const legacy = new Set(spec.ciphers.map((c) => c.toUpperCase()));
  const tls13 = new Set(spec.ciphersuites.map((c) => c.toUpperCase()));
  const offending = new Map<string, TlsVersion[]>();
  for (const s of report.suites) {
    const name = s.suite.name.toUpperCase();
    const allowed = s.protocol === 'TLSv1.3' ? tls13.has(name) : legacy.has(name);
    if (allowed) continue;
    const on = offending.get(s.suite.name) ?? [];
    if (!on.includes(s.protocol)) on.push(s.protocol);
    offending.set(s.suite.name, on);
  }
  for (const [name, on] of offending) violations.push(`suite ${name} accepted (${on.join(', ')}); not in the ${profile} profile`);

  // the certificate
  const leaf = report.chain.certificates[0];
  if (leaf) {
    const keyType = leaf.keyType.toLowerCase();
    const type = keyType === 'ec' ? 'ecdsa' : keyType;
    if (!spec.certificateTypes.includes(type)) {
      violations.push(`certificate key is ${describeKey(type, leaf.keyBits, leaf.curve)}; the ${profile} profile allows ${spec.certificateTypes.map((t) => t.toUpperCase()).join(' or ')} certificates`);
    } else if (type === 'rsa' && spec.rsaMinBits !== null && leaf.keyBits < spec.rsaMinBits) {
      violations.push(`certificate RSA key of ${leaf.keyBits} bits; the ${profile} profile requires at least ${spec.rsaMinBits}`);
    } else if (type === 'ecdsa') {
      const curves = spec.certificateCurves.map(curveKey);
      if (leaf.curve ? !curves.includes(curveKey(leaf.curve)) : spec.ecdhMinBits !== null && leaf.keyBits < spec.ecdhMinBits) {
        violations.push(`certificate ECDSA key on ${leaf.curve ?? `a ${leaf.keyBits}-bit curve`}; the ${profile} profile allows ${spec.certificateCurves.join(', ')}`);
      }
    }
    const sigs = spec.certificateSignatures.map((s) => s.toLowerCase());
    if (leaf.signatureAlgorithm && !sigs.includes(leaf.signatureAlgorithm.toLowerCase())) {
      violations.push(`certificate signed with ${leaf.signatureAlgorithm}; the ${profile} profile allows ${spec.certificateSignatures.join(', ')}`);
    }
    const lifespan = Date.parse(leaf.notAfter) - Date.parse(leaf.notBefore);
    if (lifespan > spec.maxCertificateLifespanDays * DAY_MS) {
      violations.push(`certificate valid for ${Math.round(lifespan / DAY_MS)} days; the ${profile} profile allows at most ${spec.maxCertificateLifespanDays}`);
    }
  }

  // ephemeral keys
  const dh = report.suites.flatMap((s) => (s.ephemeral?.type === 'DH' ? [s.ephemeral.size] : []));
  if (dh.length && spec.dhMinBits !== null && Math.min(...dh) < spec.dhMinBits) {
    violations.push(`DH parameters of ${Math.min(...dh)} bits; the ${profile} profile requires at least ${spec.dhMinBits}`);
  }
  const groups = spec.curves.map(curveKey);
  const badCurves = new Set<string>();
  for (const s of report.suites) {
    const e = s.ephemeral;
    if (e?.type !== 'ECDH') continue;
    const off = e.name ? !groups.includes(curveKey(e.name)) : spec.ecdhMinBits !== null && e.size < spec.ecdhMinBits;
    if (off) badCurves.add(e.name ?? `a ${e.size}-bit curve`);
  }
  for (const c of badCurves) violations.push(`key exchange on ${c}; the ${profile} profile allows ${spec.curves.join(', ')}`);

  return { profile, compliant: violations.length === 0, violations };
}

function describeKey(type: string, bits: number, curve?: string): string {
  if (type === 'ecdsa') return `ECDSA ${curve ?? `${bits}-bit`}`;
  if (type === 'rsa' || type === 'dsa') return `${type.toUpperCase()} ${bits}-bit`;
  return type.toUpperCase();
}
