/**
 * Guess the fideslang 2.x data category of a column, model field or cookie from its name and
 * type. Names are split into words (see tokens.ts) and matched word by word against the rules in
 * classify-rules.ts, never by substring: `zip` is not in `ship`, `age` is not in `usage`. The
 * words after a match must leave the meaning alone (`email_address`, `phone_e164`), so
 * `email_verified_at`, `phone_model` and `email_count` are not contact data; a leading `is_`,
 * `has_`, `max_` makes a flag or a limit. The declared type decides the rest: a boolean or a
 * timestamp is never an e-mail address, `inet` is an IP address whatever the column is called.
 */
import type { Classification } from '../types.js';
import { CLASSIFY_RULES, COMMON_AFTER, FLAG_PREFIXES, type ClassifyRule } from './classify-rules.js';
import { tokenise, typeClass, type TypeClass } from './tokens.js';

interface CompiledRule {
  rule: ClassifyRule;
  phrases: string[][];
  exact: string[][];
  after: ReadonlySet<string>;
  before: ReadonlySet<string> | undefined;
  strongBefore: ReadonlySet<string>;
  types: ReadonlySet<TypeClass>;
  confirm: ReadonlySet<TypeClass>;
}

const DEFAULT_TYPES: TypeClass[] = ['text', 'json'];

const COMPILED: readonly CompiledRule[] = CLASSIFY_RULES.map((rule) => ({
  rule,
  phrases: rule.phrases.map((p) => p.split(' ')),
  exact: (rule.exact ?? []).map((p) => p.split(' ')),
  after: new Set(rule.after ?? []),
  before: rule.before ? new Set(rule.before) : undefined,
  strongBefore: new Set(rule.strongBefore ?? []),
  types: new Set<TypeClass>([...(rule.types ?? DEFAULT_TYPES), 'unknown']),
  confirm: new Set(rule.confirm ?? []),
}));

function isDigits(word: string): boolean {
  for (let i = 0; i < word.length; i++) {
    const c = word.charCodeAt(i);
    if (c < 48 || c > 57) return false;
  }
  return word.length > 0;
}

/** A word of the name equals a word of a phrase; the phrase's last word may be plural (`emails`, `addresses`). */
function wordMatches(word: string, phraseWord: string, last: boolean): boolean {
  if (word === phraseWord) return true;
  if (!last || word.length <= phraseWord.length || !word.startsWith(phraseWord)) return false;
  const tail = word.slice(phraseWord.length);
  return tail === 's' || tail === 'es';
}

function phraseAt(words: readonly string[], phrase: readonly string[], at: number): boolean {
  if (at + phrase.length > words.length) return false;
  for (let k = 0; k < phrase.length; k++) {
    if (!wordMatches(words[at + k]!, phrase[k]!, k === phrase.length - 1)) return false;
  }
  return true;
}

/** The confidence a rule gives the phrase found at `at`, or undefined when the words around it change the meaning. */
function judge(c: CompiledRule, words: readonly string[], at: number, length: number): Classification['confidence'] | undefined {
  for (let k = at + length; k < words.length; k++) {
    const w = words[k]!;
    if (!isDigits(w) && !COMMON_AFTER.has(w) && !c.after.has(w)) return undefined;
  }
  if (at === 0) {
    if (c.before && c.rule.alone === undefined) return undefined;
    return c.rule.alone ?? c.rule.confidence;
  }
  if (!c.rule.flags && FLAG_PREFIXES.has(words[0]!)) return undefined;
  const prev = words[at - 1]!;
  if (c.before && !c.before.has(prev)) return undefined;
  return c.strongBefore.has(prev) ? 'high' : c.rule.confidence;
}

/** The first place the rule's phrases fit the name, with its confidence. */
function matchRule(c: CompiledRule, words: readonly string[]): Classification['confidence'] | undefined {
  let end = words.length;
  while (end > 0 && isDigits(words[end - 1]!)) end--;
  for (const phrase of c.exact) {
    // the whole name, give or take a trailing number (`pin`, `line1`, `sid2`)
    if ((phrase.length === end || phrase.length === words.length) && phraseAt(words, phrase, 0)) return c.rule.alone ?? c.rule.confidence;
  }
  for (const phrase of c.phrases) {
    for (let at = 0; at + phrase.length <= words.length; at++) {
      if (!phraseAt(words, phrase, at)) continue;
      const confidence = judge(c, words, at, phrase.length);
      if (confidence) return confidence;
    }
  }
  return undefined;
}

function describe(name: string, type: string | undefined): string {
  const shown = name.length > 64 ? `${name.slice(0, 64)}…` : name;
  return type ? `name "${shown}", type ${type.length > 40 ? `${type.slice(0, 40)}…` : type}` : `name "${shown}"`;
}

/** What the type alone says, for names no rule reads. */
const BY_TYPE: Partial<Record<TypeClass, Classification & { confidence: Classification['confidence'] }>> = {
  inet: { category: 'user.device.ip_address', confidence: 'medium', reason: '' },
  mac: { category: 'user.device.device_id', confidence: 'medium', reason: '' },
  geo: { category: 'user.location.precise', confidence: 'low', reason: '' },
};

/**
 * The fideslang 2.x category a column's name and type suggest, with a confidence and the reason,
 * or undefined when nothing suggests personal data. Never throws; reads at most the first 256
 * characters of a name.
 */
export function classifyColumn(name: string, type?: string): Classification | undefined {
  const words = tokenise(typeof name === 'string' ? name : '');
  const tc = typeClass(typeof type === 'string' ? type : undefined);
  if (words.length > 0) {
    for (const c of COMPILED) {
      if (!c.types.has(tc)) continue;
      if (tc === 'bool' && !c.rule.flags) continue;
      const confidence = matchRule(c, words);
      if (!confidence) continue;
      return { category: c.rule.category, confidence: c.confirm.has(tc) ? 'high' : confidence, reason: describe(name, type) };
    }
  }
  const byType = BY_TYPE[tc];
  if (byType) return { category: byType.category, confidence: byType.confidence, reason: `type ${type}` };
  return undefined;
}
