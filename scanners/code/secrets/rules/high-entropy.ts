/**
 * `vigil/high-entropy-secret`: a random-looking string assigned to, or keyed by, a secret-like name on
 * the same line — `password = "…"`, `"client_secret": "…"`, `API_KEY=…` — for the credentials no
 * token format names. See entropy.ts for what counts as random and what is skipped.
 *
 * Values are read as string literals (`"…"`, `'…'`, `` `…` `` without `${`), and, in files no grammar
 * reads (YAML, .env, properties, INI), also bare (`password: s3cr3t…`, `API_KEY=…`): in code a bare
 * value is an expression, not a secret.
 */
import type { SecretLintRuleCreator } from '@secretlint/types';
import { judgeValue } from '../entropy.js';
import { isSecretName, SECRET_WORD } from '../secret-name.js';

export const HIGH_ENTROPY_RULE_ID = 'vigil/high-entropy-secret';

/** How far a name may reach either side of its secret word; the pre-check uses the same bound. */
export const NAME_REACH = 64;
/** Longest quoted value read; longer literals are data, not credentials (see ENTROPY_MAX_LENGTH). */
const MAX_VALUE = 1024;
/** Spaces allowed around the assignment operator. */
const MAX_GAP = 16;

export interface HighEntropyOptions {
  /** Accept unquoted values (`key: value`, `KEY=value`): for config files, not code. */
  bareValues?: boolean;
}

const messages = {
  HighEntropySecret: { en: (_data?: Record<string, string>) => 'found a high-entropy string assigned to a secret-like name' },
};

export const highEntropyRule: SecretLintRuleCreator<HighEntropyOptions> = {
  messages,
  meta: { id: HIGH_ENTROPY_RULE_ID, recommended: true, type: 'scanner', supportedContentTypes: ['text'] },
  create(context, options) {
    const t = context.createTranslator(messages);
    const bare = options?.bareValues === true;
    return {
      file(source) {
        const text = source.content;
        const words = new RegExp(SECRET_WORD.source, 'gi');
        for (let m = words.exec(text); m; m = words.exec(text)) {
          let start = m.index;
          let end = start + m[0].length;
          const left = Math.max(0, start - NAME_REACH);
          const right = Math.min(text.length, end + NAME_REACH);
          while (start > left && isNameChar(text.charCodeAt(start - 1))) start--;
          while (end < right && isNameChar(text.charCodeAt(end))) end++;
          words.lastIndex = end;
          // A name running past the reach is a blob (base64, minified code), not a name.
          if ((start > 0 && isNameChar(text.charCodeAt(start - 1))) || (end < text.length && isNameChar(text.charCodeAt(end)))) continue;
          // Cheapest test first: most mentions of `token` or `auth` in code are not assignments of a literal.
          const value = assignedValue(text, end, bare);
          // Never read the same text twice: on, past the value, or past what was read looking for its end.
          words.lastIndex = Math.max(end, value.next);
          if (!value.span) continue;
          const name = text.slice(start, end);
          if (!isSecretName(name)) continue;
          const candidate = credentialOf(value.span);
          const verdict = judgeValue(candidate.text);
          if (!verdict.secret) continue;
          context.report({
            message: t('HighEntropySecret', { NAME: name, ALPHABET: verdict.alphabet, CONFIDENCE: verdict.confidence }),
            range: [candidate.start, candidate.start + candidate.text.length],
          });
        }
      },
    };
  },
};

/** [A-Za-z0-9_$.-]: identifiers, dotted paths, kebab-case keys. */
function isNameChar(c: number): boolean {
  return (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || (c >= 48 && c <= 57) || c === 95 || c === 36 || c === 46 || c === 45;
}

function isQuote(c: string | undefined): boolean {
  return c === '"' || c === "'" || c === '`';
}

interface Span {
  text: string;
  start: number;
}

interface Assigned {
  /** The value, when one is assigned. */
  span?: Span;
  /** Where reading stopped: the scan for names goes on from here. */
  next: number;
}

/** The value assigned right after a name ending at `pos`: `name = "v"`, `"name": "v"`, `name := "v"`, `name => "v"`, bare `name: v`. */
function assignedValue(text: string, pos: number, bare: boolean): Assigned {
  let p = pos;
  if (isQuote(text[p])) p++;
  p = skipGap(text, p);
  if (text.startsWith(':=', p) || text.startsWith('=>', p)) p += 2;
  else if (text[p] === '=' && text[p + 1] !== '=') p += 1;
  else if (text[p] === ':' && text[p + 1] !== ':') p += 1;
  else return { next: pos };
  p = skipGap(text, p);
  // Python's b'…', r'…', u'…' (not f'…': an f-string interpolates).
  if (/[bBrRuU]/.test(text[p] ?? '') && isQuote(text[p + 1])) p++;
  const q = text[p];
  if (q !== undefined && isQuote(q)) {
    let i = p + 1;
    for (; i < text.length && i - p <= MAX_VALUE + 1; i++) {
      const c = text[i];
      if (c === '\\') i++;
      else if (c === '\n' || c === '\r') return { next: i };
      else if (c === q) {
        const v = text.slice(p + 1, i);
        return { ...(q === '`' && v.includes('${') ? {} : { span: { text: v, start: p + 1 } }), next: i + 1 };
      }
    }
    return { next: i };
  }
  if (!bare) return { next: p };
  let e = p;
  while (e < text.length && e - p <= MAX_VALUE && !/[\s,;'"`]/.test(text[e]!)) e++;
  return e > p ? { span: { text: text.slice(p, e), start: p }, next: e } : { next: p };
}

function skipGap(text: string, p: number): number {
  const stop = p + MAX_GAP;
  while (p < stop && (text[p] === ' ' || text[p] === '\t')) p++;
  return p;
}

/** For `scheme://user:password@host` the password is the candidate; any other value is itself. */
function credentialOf(value: Span): Span {
  const m = /^[A-Za-z][A-Za-z0-9+.-]*:\/\/[^:@/\s]*:([^@/\s]+)@/.exec(value.text);
  if (!m) return value;
  const password = m[1]!;
  return { text: password, start: value.start + m[0].length - 1 - password.length };
}
