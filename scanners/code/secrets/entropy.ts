/**
 * The judgement behind `vigil/high-entropy-secret`: is a string keyed by a secret-like name random
 * enough, and unlike a placeholder, to be a real credential?
 *
 * Thresholds (Shannon entropy in bits per character; tuned on 5,000 random strings per length, see
 * rules/secrets/README.md):
 * - base64 and other alphabets: ≥ 4.0. A random 20-character base64 or base62 string reaches it two
 *   times in three, a 24-character one 19 times in 20, anything of 32 or more always; English
 *   phrases and identifiers (`my-super-secret-password-value`: 3.75) stay below.
 * - hex: ≥ 3.0. Sixteen symbols cap hex at 4.0 bits, so the base64 bar would never be met; a random
 *   20-character hex string reaches 3.0 in 97 runs of 100, a 24-character one always.
 */
import { JWT_SHAPE } from './jwt.js';

export const ENTROPY_MIN_LENGTH = 20;
export const ENTROPY_THRESHOLD = 4.0;
export const HEX_ENTROPY_THRESHOLD = 3.0;
/** Longer values are not credentials a person pastes (certificates, bundles); PEM blocks have their own rule. */
export const ENTROPY_MAX_LENGTH = 1024;

export type Alphabet = 'hex' | 'uuid' | 'base64' | 'other';

/** Shannon entropy of `s` in bits per character (UTF-16 code unit). */
export function shannonEntropy(s: string): number {
  if (s.length === 0) return 0;
  const counts = new Map<number, number>();
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    counts.set(c, (counts.get(c) ?? 0) + 1);
  }
  let h = 0;
  for (const n of counts.values()) {
    const p = n / s.length;
    h -= p * Math.log2(p);
  }
  return h;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Which alphabet a value is written in; mixed-case hex counts as base64 (real hex secrets keep one case). */
export function alphabetOf(s: string): Alphabet {
  if (UUID.test(s)) return 'uuid';
  if (/^(?:[0-9a-f]+|[0-9A-F]+)$/.test(s)) return 'hex';
  if (/^[A-Za-z0-9+/_-]+={0,2}$/.test(s)) return 'base64';
  return 'other';
}

/** Why a value was not taken for a secret, or what it is when it was. */
export type ValueVerdict =
  | { secret: true; alphabet: Alphabet; entropy: number; confidence: 'medium' | 'low' }
  | { secret: false; reason: SkipReason };

export type SkipReason =
  | 'short'
  | 'long'
  | 'whitespace'
  | 'placeholder'
  | 'env-lookup'
  | 'template'
  | 'url'
  | 'path'
  | 'jwt'
  | 'words'
  | 'sequence'
  | 'low-entropy';

/** Placeholders people write where a secret will go, and markers of documentation examples. */
const PLACEHOLDER_WORDS =
  /change[_-]?me|replace[_-]?me|placeholder|example|dummy|sample|redacted|your[_-]|insert[_-]|put[_-]?your|todo|fixme|not[_-]?a[_-]?(?:real|secret)|fake|test[_-]?(?:key|token|secret|password)/i;
const PLACEHOLDER_MARKS = /x{4,}|X{4,}|\*{3,}|\.{3}|…|<[^>]*>|\{\{|\}\}|#{3,}/;
/** Values that name where the secret comes from instead of holding it. */
const ENV_LOOKUP = /^(?:process\.env\b|import\.meta\.env\b|os\.environ\b|os\.getenv\b|ENV\[|System\.getenv\b|Deno\.env\b|env\(|getenv\(|\$[A-Za-z_]|%[A-Za-z_][A-Za-z0-9_]*%$)/;
const TEMPLATE = /\$\{|\{\{|#\{|\$\(/;
const URL_START = /^[A-Za-z][A-Za-z0-9+.-]*:\/\//;
const PATH_START = /^(?:\/|\.{1,2}[\\/]|~[\\/]|[A-Za-z]:[\\/]|\\\\)/;
const PATH_WITH_EXTENSION = /^[\w.@-]+(?:[\\/][\w.@-]+)+\.[A-Za-z][A-Za-z0-9]{0,7}$/;
/** `auth.errors.invalidToken`, `my-secret-token-name`: i18n keys and word lists, not random data. */
const DOTTED_IDENTIFIER = /^[A-Za-z_$][\w$-]*(?:\.[A-Za-z_$][\w$-]*){2,}$/;
const SEPARATED_WORDS = /^[A-Za-z]+(?:[-_ ][A-Za-z]+){2,}$/;

/** True for values a person writes where a secret will go: `changeme`, `xxxx…`, `<token>`, `****`, one repeated unit. */
export function isPlaceholder(value: string): boolean {
  if (/^(.{1,4})\1+$/s.test(value)) return true;
  return PLACEHOLDER_WORDS.test(value) || PLACEHOLDER_MARKS.test(value);
}

/** Judge one candidate value (already cut out of its quotes, or the password part of a URL). */
export function judgeValue(value: string): ValueVerdict {
  if (value.length < ENTROPY_MIN_LENGTH) return { secret: false, reason: 'short' };
  if (value.length > ENTROPY_MAX_LENGTH) return { secret: false, reason: 'long' };
  if (/\s/.test(value)) return { secret: false, reason: 'whitespace' };
  if (ENV_LOOKUP.test(value)) return { secret: false, reason: 'env-lookup' };
  if (TEMPLATE.test(value)) return { secret: false, reason: 'template' };
  if (isPlaceholder(value)) return { secret: false, reason: 'placeholder' };
  if (URL_START.test(value)) return { secret: false, reason: 'url' };
  if (PATH_START.test(value) || PATH_WITH_EXTENSION.test(value)) return { secret: false, reason: 'path' };
  if (JWT_SHAPE.test(value)) return { secret: false, reason: 'jwt' };
  if (DOTTED_IDENTIFIER.test(value) || SEPARATED_WORDS.test(value)) return { secret: false, reason: 'words' };
  if (isSequence(value)) return { secret: false, reason: 'sequence' };
  const alphabet = alphabetOf(value);
  const measured = alphabet === 'uuid' ? value.replace(/-/g, '') : value;
  const entropy = shannonEntropy(measured);
  const threshold = alphabet === 'hex' || alphabet === 'uuid' ? HEX_ENTROPY_THRESHOLD : ENTROPY_THRESHOLD;
  if (entropy < threshold) return { secret: false, reason: 'low-entropy' };
  // Hex digests and UUIDs are as often ids, hashes and nonces as they are keys.
  return { secret: true, alphabet, entropy, confidence: alphabet === 'hex' || alphabet === 'uuid' ? 'low' : 'medium' };
}

/** `abcdefghijklmnopqrstuvwxyz`, `0123456789…`: maximal entropy, no secrecy. Half or more of the steps are +1 or −1. */
function isSequence(value: string): boolean {
  let steps = 0;
  for (let i = 1; i < value.length; i++) {
    const d = value.charCodeAt(i) - value.charCodeAt(i - 1);
    if (d === 1 || d === -1) steps++;
  }
  return steps * 2 >= value.length - 1;
}
