/**
 * Redaction of secrets in text vigil stores or prints (evidence, snippets, logs). A secret keeps
 * its first 4 characters so a person can tell which one it was; the rest becomes `…[redacted]`.
 * This is the floor every scanner's output passes through; the secrets scanner finds more.
 */
const KEEP = 4;

/** What replaces the hidden part of a secret; its presence marks text as already redacted. */
export const REDACTED = '…[redacted]';

/** A secret as vigil shows it: its first 4 characters, then `…[redacted]`. */
export function mask(secret: string): string {
  return `${secret.slice(0, KEEP)}${REDACTED}`;
}

// Every pattern below runs on text a target controls (snippets, imported SARIF up to the 4 MiB
// input cap), so each is linear: test/unit/redact.test.ts runs them on 4 MiB of the inputs that
// made the earlier ones quadratic.

/** Well-known token shapes, matched anywhere, each with a text every match holds (a cheap test first). */
const TOKENS: [string, RegExp][] = [
  ['AKIA', /\bAKIA[0-9A-Z]{16}\b/g], // AWS access key id
  ['gh', /\bgh[pousr]_[A-Za-z0-9]{30,}\b/g], // GitHub tokens
  ['github_pat_', /\bgithub_pat_[A-Za-z0-9_]{30,}\b/g],
  ['glpat-', /\bglpat-[A-Za-z0-9_-]{20,}\b/g], // GitLab
  ['xox', /\bxox[abprs]-[A-Za-z0-9-]{10,}\b/g], // Slack
  ['k_', /\b[sr]k_(live|test)_[A-Za-z0-9]{16,}\b/g], // Stripe
  ['AIza', /\bAIza[0-9A-Za-z_-]{35}\b/g], // Google API key
  // a JWT starts only where a run of its characters does: from every `eyJ` of `eyJ-eyJ-…` the
  // first part's run would be scanned to its end
  ['eyJ', /(?<![A-Za-z0-9_-])eyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}\b/g], // JWT
  ['hooks.slack.com', /https:\/\/hooks\.slack\.com\/services\/[A-Za-z0-9/]+/g],
];

/**
 * `name = "value"` where the name says secret: the value is redacted. Found from the separator
 * back, not from each keyword forward: one regex from the keyword (`(password|…)[\w-]*["']?\s*[:=]…`)
 * scanned a name's whole tail from every keyword in it, so `pwdpwdpwd…` cost 64 steps a character.
 * The name is the keyword and at most 64 more name characters, then an optional quote and spaces.
 */
const SECRET_NAME_END = /(?:password|passwd|pwd|secret|token|api[_-]?key|apikey|access[_-]?key|private[_-]?key|client[_-]?secret|auth)[A-Za-z0-9_-]{0,64}$/i;
/** The longest keyword (`client_secret`) plus the 64-character tail. */
const SECRET_NAME_WINDOW = 13 + 64;
/** Every keyword holds one of these (lower case): without one there is nothing to look for. */
const SECRET_NAME_PARTS = ['pass', 'pwd', 'secret', 'token', 'key', 'auth'];
const ASSIGNMENT_SEPARATOR = /[:=]/g;
const ASSIGNED_VALUE = /\s*["'`]?([^"'`\s,;)]{6,})/y;
const NAME_CHAR = /[A-Za-z0-9_-]/;
const SPACE = /\s/;

/** The values of `name = "value"` (and `name: value`) where the name says secret, masked. */
export function redactSecretAssignments(text: string): string {
  const lower = text.toLowerCase();
  if (!SECRET_NAME_PARTS.some((p) => lower.includes(p))) return text;
  let out = '';
  let copied = 0;
  // where the last assignment ended: the next one's name starts at or after it
  let floor = 0;
  // module-level and stateful (lastIndex): safe, as nothing below can call back in here
  const sep = ASSIGNMENT_SEPARATOR;
  const value = ASSIGNED_VALUE;
  sep.lastIndex = 0;
  for (let m = sep.exec(text); m; m = sep.exec(text)) {
    let end = m.index;
    while (end > floor && SPACE.test(text[end - 1]!)) end--;
    if (end > floor && (text[end - 1] === '"' || text[end - 1] === "'")) end--;
    let start = end;
    while (start > floor && end - start < SECRET_NAME_WINDOW && NAME_CHAR.test(text[start - 1]!)) start--;
    if (start === end || !SECRET_NAME_END.test(text.slice(start, end))) continue;
    value.lastIndex = m.index + 1;
    const v = value.exec(text);
    if (!v) continue;
    floor = value.lastIndex;
    sep.lastIndex = floor;
    const secret = v[1]!;
    // `…` alone marks a value already masked, even one a length cap cut inside `…[redacted]`
    if (secret.includes('…') || secret === '***') continue;
    const at = floor - secret.length;
    out += text.slice(copied, at) + mask(secret);
    copied = floor;
  }
  return copied === 0 ? text : out + text.slice(copied);
}

const PEM = /-----BEGIN ([A-Z ]*)PRIVATE KEY-----[\s\S]*?(-----END \1PRIVATE KEY-----|$)/g;

/**
 * `scheme://user:password@`. Anchored at `://`: a scheme pattern in front (`[a-z][a-z0-9+.-]*`)
 * made every letter of a long word a start that scanned the whole word.
 */
const URL_CREDENTIALS = /(:\/\/[^:@/\s]*:)([^@/\s]+)@/g;

/** `scheme://user:password@host` with the password shown as `***`; everything else untouched. */
export function redactUrlCredentials(text: string): string {
  return text.replace(URL_CREDENTIALS, (_m, head: string) => `${head}***@`);
}

/** Replace every secret-looking part of `text`. Idempotent. */
export function redactSecrets(text: string): string {
  if (!text) return text;
  let out = text.includes('-----BEGIN ') ? text.replace(PEM, (_m, kind: string) => `-----BEGIN ${kind}PRIVATE KEY-----…[redacted]`) : text;
  if (out.includes('://')) out = redactUrlCredentials(out);
  for (const [hint, re] of TOKENS) if (out.includes(hint)) out = out.replace(re, (m) => mask(m));
  return redactSecretAssignments(out);
}
