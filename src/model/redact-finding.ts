/**
 * The stored form of a code-rule finding (scanner `code`, a Semgrep-format rule's match), with
 * every secret the match bound taken out — one pure function that the code scanner runs on each
 * match and that a ledger migration runs on findings an earlier release stored with the secret in
 * plain text, so both give the same finding and the same fingerprint.
 *
 * Which metavariables hold secrets (see docs/rules.md):
 * - the ones a rule lists in `metadata.secret-metavariables` (an empty list: none), else
 * - the ones whose name has a word SECRET, KEY, TOKEN, PASS or PASSWORD (or its plural), split at
 *   `_`, digits and lower→upper case changes, case-insensitive: `$SECRET`, `$API_KEY`, `$KEYS`,
 *   `$JWT_TOKEN`, `$PASS`, `$dbPassword`; not `$KEYWORD`, `$BYPASS`, `$MONKEY`.
 *
 * How a secret value is redacted: the content of each string literal in it keeps its first 4
 * characters (`'Zq8v…[redacted]'`); a value with no literal is masked whole (`1234…[redacted]`),
 * except code that cannot hold a secret, in a source file of a programming language: names,
 * member paths and calls without a literal or a number (`secret`, `process.env.JWT_SECRET`,
 * `getKey()`) are where a secret comes from, not the secret. Then every occurrence of the value
 * (and of each literal's content longer than 4 characters) in the title, remediation (message and
 * fix), snippet, evidence and the other bindings is replaced the same way, and the generic floor
 * (`redactSecrets`) runs over all of them.
 */
import { mask, REDACTED, redactSecrets } from '../util/redact.js';
import type { Finding } from './finding.js';
import { fingerprint, normaliseSnippet } from './fingerprint.js';
import type { FileLocation } from './location.js';

/** A code finding keeps the first 5 lines of its match, at most 500 characters of them. */
export const CODE_SNIPPET_LINES = 5;
export const CODE_SNIPPET_CHARS = 500;
/** Each binding is kept to 200 characters. */
export const CODE_BINDING_CHARS = 200;
/** Between a rule's message and its fix in a code finding's remediation. */
export const CODE_FIX_SEPARATOR = '\nSuggested fix: ';

const KEEP = 4;
const TITLE_CHARS = 160;
/** How far back from the end of a cut snippet a secret's beginning is looked for. */
const TAIL_WINDOW = 600;

const SECRET_WORDS = new Set(['SECRET', 'KEY', 'TOKEN', 'PASS', 'PASSWORD']);

/** A metavariable's name without `$` or `$...`. */
function bareName(name: string): string {
  return name.trim().replace(/^\$(?:\.\.\.)?/, '');
}

/** True when a metavariable's name says it holds a secret (the default when a rule lists none; see the module doc). */
export function isSecretMetavariableName(name: string): boolean {
  const words = bareName(name)
    .replace(/([a-z])([A-Z])/g, '$1_$2')
    .split(/[^A-Za-z]+/);
  return words.some((w) => {
    const u = w.toUpperCase();
    return SECRET_WORDS.has(u) || (u.endsWith('S') && SECRET_WORDS.has(u.slice(0, -1))) || (u.endsWith('ES') && SECRET_WORDS.has(u.slice(0, -2)));
  });
}

/**
 * The secret ones among a match's bound metavariables, sorted: those a rule declared (matched
 * without `$`/`$...`, so `SECRET`, `$SECRET` and `$...SECRET` are one name) when it declared a
 * list, else those whose name looks secret.
 */
export function secretMetavariableNames(bound: Iterable<string>, declared?: readonly string[]): string[] {
  const names = [...bound];
  if (declared) {
    const wanted = new Set(declared.map(bareName));
    return names.filter((n) => wanted.has(bareName(n))).sort();
  }
  return names.filter(isSecretMetavariableName).sort();
}

/** The first sentence of a rule's message, at most 160 characters: a code finding's title. */
export function codeFindingTitle(message: string): string {
  const one = message.replace(/\s+/g, ' ').trim();
  const end = one.search(/[.!?](\s|$)/);
  const first = end > 20 ? one.slice(0, end + 1) : one;
  return first.length > TITLE_CHARS ? `${first.slice(0, TITLE_CHARS - 3)}...` : first;
}

// ---------------------------------------------------------------------------------------------
// string literals, found in one pass

interface Literal {
  /** Where the opening quote is. */
  open: number;
  /** The quote: `'`, `"`, `` ` `` or a tripled one. */
  quote: string;
  /** End of the content; the closing quote follows when `closed`. */
  contentEnd: number;
  closed: boolean;
  /** After the closing quote (or the end of the text). */
  end: number;
}

const QUOTES = new Set(["'", '"', '`']);

/** The literal opening at `i` (which holds a quote): where its content ends, escapes honoured. */
function literalAt(text: string, i: number): Literal {
  const q = text[i]!;
  const quote = text.startsWith(q + q + q, i) && q !== '`' ? q + q + q : q;
  let j = i + quote.length;
  while (j < text.length) {
    if (text[j] === '\\') {
      j += 2;
      continue;
    }
    if (text.startsWith(quote, j)) return { open: i, quote, contentEnd: j, closed: true, end: j + quote.length };
    j++;
  }
  return { open: i, quote, contentEnd: text.length, closed: false, end: text.length };
}

/** Every string literal in `text`, left to right; an unclosed one runs to the end. */
function literals(text: string): Literal[] {
  const out: Literal[] = [];
  for (let i = 0; i < text.length; ) {
    if (QUOTES.has(text[i]!)) {
      const l = literalAt(text, i);
      out.push(l);
      i = l.end;
    } else i++;
  }
  return out;
}

/** Where the literal still open at the end of `text` started, if one is. */
function openLiteral(text: string): Literal | undefined {
  const all = literals(text);
  const last = all[all.length - 1];
  return last && !last.closed ? last : undefined;
}

/** What `mask` gives: at most 4 characters, then `…[redacted]`. */
const MASKED = /^[\s\S]{0,4}…\[redacted\]$/;

/**
 * `mask`, unless it was masked already. Text the generic floor masked inside (`pwd=aaaa…[redacted]`
 * in a secret) shows more than 4 of the secret's characters: masked again, to its first 4.
 */
function maskOnce(s: string): string {
  return MASKED.test(s) ? s : mask(s);
}

const HAS_NUMBER = /(?<![\w$])\d/;
const LONG_NUMBER = /(?<![\w$])\d[\w.]{4,}/g;

/** Code with no literal and no number, in a language where such code names things rather than holding them. */
function isPlainCode(value: string, codeFile: boolean): boolean {
  if (!codeFile || value.trim() === '') return false;
  for (const ch of value) if (QUOTES.has(ch)) return false;
  return !HAS_NUMBER.test(value);
}

/**
 * A secret value as vigil shows it: each string literal's content masked inside its quotes
 * (`'Zq8v…[redacted]'`; an unclosed one, cut by a length cap, is closed), numbers of more than 4
 * characters between them masked too; a value with no literal masked whole. What already holds
 * `…[redacted]` (a literal's content, or a value without literals) is kept as it is.
 */
export function redactSecretValue(value: string): string {
  const lits = literals(value);
  if (lits.length === 0) return maskOnce(value);
  let out = '';
  let at = 0;
  for (const l of lits) {
    out += value.slice(at, l.open).replace(LONG_NUMBER, (n) => mask(n));
    const content = value.slice(l.open + l.quote.length, l.contentEnd);
    // closed again when a cap cut it, unless it is masked already (then it stays as it is)
    out += l.quote + (content ? maskOnce(content) : '') + (l.closed || !MASKED.test(content) ? l.quote : '');
    at = l.end;
  }
  return out + value.slice(at).replace(LONG_NUMBER, (n) => mask(n));
}

// ---------------------------------------------------------------------------------------------
// finding a secret's occurrences in stored text

interface Needle {
  text: string;
  /**
   * The needle is the beginning of a longer value (an earlier release cut bindings at 200
   * characters): an occurrence runs on to the end of the literal open at its end, or else to
   * the end of the line.
   */
  open: boolean;
}

function needlesFor(value: string): Needle[] {
  const open = value.length >= CODE_BINDING_CHARS;
  const out: Needle[] = [{ text: value, open }];
  const add = (t: string) => {
    if (t.length > KEEP && !out.some((n) => n.text === t)) out.push({ text: t, open: false });
  };
  const norm = normaliseSnippet(value);
  if (norm !== value) add(norm);
  for (const l of literals(value)) {
    if (!l.closed) continue;
    const content = value.slice(l.open + l.quote.length, l.contentEnd);
    add(content);
    add(normaliseSnippet(content));
  }
  return out;
}

/** Where an occurrence of an open needle at `at` ends in `text`. */
function openEnd(text: string, at: number, needle: string): number {
  const lit = openLiteral(needle);
  if (lit) {
    const rest = literalAt(text, at + lit.open);
    return rest.end;
  }
  const nl = text.indexOf('\n', at + needle.length);
  return nl === -1 ? text.length : nl;
}

/** Every occurrence of the needle in `text` replaced by its redacted form. */
function replaceNeedle(text: string, n: Needle): string {
  if (!n.text) return text;
  let out = '';
  let copied = 0;
  for (let at = text.indexOf(n.text); at !== -1; at = text.indexOf(n.text, at)) {
    const end = n.open ? openEnd(text, at, n.text) : at + n.text.length;
    out += text.slice(copied, at) + redactSecretValue(text.slice(at, end));
    copied = end;
    at = end;
  }
  return copied === 0 ? text : out + text.slice(copied);
}

/**
 * A text's end that is the beginning of a secret (a cap cut it there), redacted. A needle the floor
 * already masked inside (`'kToken:aaxx…[redacted]'`) is known only up to its mask: a tail that is
 * the beginning of that much counts, and so does text that starts with all of it (then the secret
 * runs to the end of its literal, or of the line).
 */
function redactTail(text: string, needles: readonly Needle[]): string {
  let out = text;
  for (const n of needles) {
    const first = n.text[0];
    if (first === undefined) continue;
    const masked = n.text.indexOf(REDACTED);
    const known = masked === -1 ? n.text : n.text.slice(0, masked);
    if (known.length <= KEEP) continue;
    const max = Math.min(masked === -1 ? n.text.length - 1 : TAIL_WINDOW, out.length, TAIL_WINDOW);
    for (let k = max; k > KEEP; k--) {
      const at = out.length - k;
      if (out[at] !== first) continue;
      const tail = out.slice(at);
      let end: number;
      if (known.startsWith(tail)) end = out.length;
      else if (masked !== -1 && tail.startsWith(known)) {
        const lit = openLiteral(known);
        const nl = out.indexOf('\n', at);
        end = lit ? literalAt(out, at + lit.open).end : nl === -1 ? out.length : nl;
      } else continue;
      const redacted = redactSecretValue(out.slice(at, end));
      if (redacted !== out.slice(at, end)) {
        out = out.slice(0, at) + redacted + out.slice(end);
        break;
      }
    }
  }
  return out;
}

/**
 * Each secret as it is, then the floor, then each secret again: an earlier release ran the floor
 * over the bindings but not the message, so a binding the floor changed is found in the message
 * only after the floor has run there too. Then the floor over what the secrets' masks changed.
 * With `tails`, a secret cut at the text's end is looked for too, before the floor (which would
 * take a cut secret for something else) and after it.
 */
function redactText(text: string, needles: readonly Needle[], tails = false): string {
  let out = text;
  for (const n of needles) out = replaceNeedle(out, n);
  if (tails) out = redactTail(out, needles);
  const floored = redactSecrets(out);
  out = floored;
  for (const n of needles) out = replaceNeedle(out, n);
  if (tails) out = redactTail(out, needles);
  return out === floored ? out : redactSecrets(out);
}

/** The first 5 lines, at most 500 characters. */
function cutSnippet(text: string): string {
  let lines = 0;
  let end = text.length;
  for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) {
    if (++lines === CODE_SNIPPET_LINES) {
      end = i;
      break;
    }
  }
  return text.slice(0, Math.min(end, CODE_SNIPPET_CHARS));
}

const cutBinding = (text: string): string => text.slice(0, CODE_BINDING_CHARS);

/** Redact, cut, and redact what a cut left of a secret at the end, until nothing changes. */
function redactCapped(text: string, needles: readonly Needle[], cut: (t: string) => string = cutSnippet): string {
  const whole = redactText(text, needles, true);
  let out = cut(whole);
  // uncut, with no secret to look for at the end: the floor has run and gives the same again
  if (out === whole && needles.length === 0) return out;
  for (let i = 0; i < 3; i++) {
    const next = cut(redactSecrets(redactTail(out, needles)));
    if (next === out) break;
    out = next;
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// the finding

/** Extensions of languages in which code without a literal names a value rather than holding one. */
const CODE_EXTENSIONS = new Set([
  'js', 'jsx', 'mjs', 'cjs', 'ts', 'tsx', 'mts', 'cts', 'py', 'pyi', 'go', 'java', 'kt', 'kts', 'scala', 'cs', 'swift', 'rs', 'c', 'h', 'cc', 'cpp', 'cxx', 'hpp', 'dart',
]);

function isCodeFile(path: string): boolean {
  const name = path.slice(path.lastIndexOf('/') + 1);
  const dot = name.lastIndexOf('.');
  return dot > 0 && CODE_EXTENSIONS.has(name.slice(dot + 1).toLowerCase());
}

/** How to redact one code finding. */
export interface CodeFindingRedaction {
  /**
   * The metavariables that hold secrets. Default: `properties.secretMetavariables` when the finding
   * carries it (this function records it), else the names that look secret (`isSecretMetavariableName`).
   */
  secretMetavariables?: readonly string[];
  /**
   * Metavariables bound to part of a literal or to a regex capture (`"$X"` in a pattern, a named
   * group of `pattern-regex`): text, never code, so never exempt as code without literals.
   */
  textMetavariables?: readonly string[];
}

/** A Semgrep-format rule's finding (the secrets pass's findings carry no `engine`). */
export function isCodeRuleFinding(f: Finding): boolean {
  const engine = f.properties?.['engine'];
  return f.scanner === 'code' && f.location.kind === 'file' && (engine === 'embedded' || engine === 'semgrep');
}

/**
 * A code-rule finding with its secrets redacted and its fingerprint recomputed — for a finding as
 * any release stored it (0.1.0 kept `properties.bindings` and the secret in plain text in the
 * title, evidence, remediation and snippet), and as the code scanner builds it. Pure, and
 * idempotent: a finding it returned comes back unchanged. Anything that is not a code-rule finding
 * is returned as it is.
 *
 * - title: the first sentence of the redacted message (the remediation up to `Suggested fix:`);
 * - remediation, evidence, snippet and every binding: secrets replaced (see the module doc), then
 *   `redactSecrets`; the snippet cut to 5 lines and 500 characters, bindings to 200;
 * - `properties.secretMetavariables`: the names treated as secret (set when the match bound any
 *   metavariable);
 * - fingerprint: `fingerprint({ scanner, ruleId, location, context: normaliseSnippet(location.snippet ?? '') })`
 *   of the stored (redacted, cut) snippet, with the old fingerprint's occurrence suffix (`:2`) kept.
 */
export function redactStoredCodeFinding(f: Finding, how: CodeFindingRedaction = {}): Finding {
  if (!isCodeRuleFinding(f)) return f;
  const loc = f.location as FileLocation;
  const props = f.properties ?? {};
  const rawBindings = isStringRecord(props['bindings']) ? props['bindings'] : undefined;
  const stored = props['secretMetavariables'];
  const declared = how.secretMetavariables ?? (Array.isArray(stored) ? stored.filter((x): x is string => typeof x === 'string') : undefined);
  const names = rawBindings ? secretMetavariableNames(Object.keys(rawBindings), declared) : [];
  const text = new Set((how.textMetavariables ?? []).map(bareName));
  const codeFile = isCodeFile(loc.path);

  // what to look for: each secret value not yet redacted and not plain code, longest first
  const needles: Needle[] = [];
  const secretValue = new Map<string, string>();
  for (const name of names) {
    const v = rawBindings![name]!;
    if (!text.has(bareName(name)) && isPlainCode(v, codeFile)) continue;
    secretValue.set(name, redactSecretValue(v));
    needles.push(...needlesFor(v));
  }
  needles.sort((a, b) => b.text.length - a.text.length);

  const remediation = f.remediation === undefined ? undefined : redactText(f.remediation, needles);
  const sep = remediation?.indexOf(CODE_FIX_SEPARATOR) ?? -1;
  const message = remediation === undefined ? undefined : sep === -1 ? remediation : remediation.slice(0, sep);
  const snippet = loc.snippet === undefined ? undefined : redactCapped(loc.snippet, needles);
  const evidence = f.evidence === undefined ? undefined : f.evidence === loc.snippet ? snippet : redactCapped(f.evidence, needles);
  const location: FileLocation = { ...loc };
  if (snippet !== undefined) location.snippet = snippet;

  let properties = f.properties;
  if (rawBindings) {
    const bindings: Record<string, string> = {};
    for (const [k, v] of Object.entries(rawBindings)) bindings[k] = redactCapped(secretValue.get(k) ?? v, needles, cutBinding);
    properties = { ...props, bindings, secretMetavariables: names };
  }

  const suffix = /:\d+$/.exec(f.fingerprint)?.[0] ?? '';
  const out: Finding = {
    ...f,
    title: message === undefined ? redactText(f.title, needles) : codeFindingTitle(message),
    location,
    ...(evidence !== undefined ? { evidence } : {}),
    ...(remediation !== undefined ? { remediation } : {}),
    ...(properties !== undefined ? { properties } : {}),
  };
  out.fingerprint = fingerprint({ scanner: f.scanner, ruleId: f.ruleId, location, context: normaliseSnippet(snippet ?? '') }) + suffix;
  return out;
}

function isStringRecord(v: unknown): v is Record<string, string> {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && Object.values(v).every((x) => typeof x === 'string');
}

/** A finding of the code scanner's secrets pass: tagged `secret`, found by no rule engine. */
export function isSecretPassFinding(f: Finding): boolean {
  return f.scanner === 'code' && f.location.kind === 'file' && f.tags.includes('secret') && f.properties?.['engine'] === undefined;
}

/**
 * A secrets-pass finding's fingerprint: rule, path and the secret's redacted form (its first 4
 * characters and its length). Never a hash of the secret itself: a weak secret could be confirmed
 * by hashing guesses. Two secrets alike in all three get occurrence suffixes by position.
 */
export function secretPassFingerprint(ruleId: string, path: string, redacted: string): string {
  return fingerprint({ scanner: 'code', ruleId, location: { kind: 'file', path }, context: `redacted:${redacted}` });
}

/**
 * A stored finding as this release would store it: code-rule findings redacted
 * (`redactStoredCodeFinding`), secrets-pass findings fingerprinted from their redacted evidence
 * (0.1.0 hashed the secret's SHA-256 into them); anything else is returned as it is.
 */
export function redactStoredFinding(f: Finding): Finding {
  if (isCodeRuleFinding(f)) return redactStoredCodeFinding(f);
  if (isSecretPassFinding(f) && f.evidence !== undefined) {
    const suffix = /:\d+$/.exec(f.fingerprint)?.[0] ?? '';
    const fp = secretPassFingerprint(f.ruleId, (f.location as FileLocation).path, f.evidence) + suffix;
    return fp === f.fingerprint ? f : { ...f, fingerprint: fp };
  }
  return f;
}
