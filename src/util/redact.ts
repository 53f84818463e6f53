/**
 * Redaction of secrets in text vigil stores or prints (evidence, snippets, logs). A secret keeps
 * its first 4 characters so a person can tell which one it was; the rest becomes `…[redacted]`.
 * This is the floor every scanner's output passes through; the secrets scanner finds more.
 */
const KEEP = 4;

function mask(secret: string): string {
  return `${secret.slice(0, KEEP)}…[redacted]`;
}

/** Well-known token shapes, matched anywhere. */
const TOKENS: RegExp[] = [
  /\bAKIA[0-9A-Z]{16}\b/g, // AWS access key id
  /\bgh[pousr]_[A-Za-z0-9]{30,}\b/g, // GitHub tokens
  /\bgithub_pat_[A-Za-z0-9_]{30,}\b/g,
  /\bglpat-[A-Za-z0-9_-]{20,}\b/g, // GitLab
  /\bxox[abprs]-[A-Za-z0-9-]{10,}\b/g, // Slack
  /\b[sr]k_(live|test)_[A-Za-z0-9]{16,}\b/g, // Stripe
  /\bAIza[0-9A-Za-z_-]{35}\b/g, // Google API key
  /\beyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}\b/g, // JWT
  /https:\/\/hooks\.slack\.com\/services\/[A-Za-z0-9/]+/g,
];

/** `name = "value"` where the name says secret: the value is redacted. */
const ASSIGNMENT =
  /((?:password|passwd|pwd|secret|token|api[_-]?key|apikey|access[_-]?key|private[_-]?key|client[_-]?secret|auth)[A-Za-z0-9_-]*["']?\s*[:=]\s*["'`]?)([^"'`\s,;)]{6,})/gi;

const PEM = /-----BEGIN ([A-Z ]*)PRIVATE KEY-----[\s\S]*?(-----END \1PRIVATE KEY-----|$)/g;

const URL_CREDENTIALS = /([a-z][a-z0-9+.-]*:\/\/[^:@/\s]*:)([^@/\s]+)@/gi;

/** `scheme://user:password@host` with the password shown as `***`; everything else untouched. */
export function redactUrlCredentials(text: string): string {
  return text.replace(URL_CREDENTIALS, (_m, head: string) => `${head}***@`);
}

/** Replace every secret-looking part of `text`. Idempotent. */
export function redactSecrets(text: string): string {
  if (!text) return text;
  let out = text.replace(PEM, (_m, kind: string) => `-----BEGIN ${kind}PRIVATE KEY-----…[redacted]`);
  out = redactUrlCredentials(out);
  for (const re of TOKENS) out = out.replace(re, (m) => mask(m));
  out = out.replace(ASSIGNMENT, (m, name: string, value: string) => (value.includes('…[redacted]') || value === '***' ? m : `${name}${mask(value)}`));
  return out;
}
