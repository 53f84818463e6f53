/**
 * The secrets pass over one file: a cheap pre-check, then secretlint's recommended preset and
 * vigil's own rules, then hits located in the original text and redacted.
 */
import { VigilError } from '../../../src/errors.js';
import type { SourceFile } from '../types.js';
import { messageInfo } from './catalogue.js';
import { hitRuleId, runSecretlint, SECRET_RULE_IDS } from './engine.js';
import { candidates, scanText } from './precheck.js';
import { REDACT_KEEP, redactSecret, secretDigest } from './redact.js';
import type { SecretHit, SecretsOptions } from './types.js';

export const DEFAULT_MAX_LINE_LENGTH = 4096;
/** Git's test for a binary file: a NUL in the first 8 KiB. */
const BINARY_SNIFF = 8192;
/** How far past a rule's range start its secret may sit (aws and npm report the match start, not the secret's). */
const SECRET_SEARCH_REACH = 2048;

/** Secrets in one file: secretlint's recommended preset plus vigil's rules, redacted. Binary files give none. */
export async function scanSecrets(file: SourceFile, opts: SecretsOptions = {}): Promise<SecretHit[]> {
  const disabled = disabledRules(opts.disableRules);
  const maxLineLength = opts.maxLineLength ?? DEFAULT_MAX_LINE_LENGTH;
  if (!Number.isInteger(maxLineLength) || maxLineLength < 256) {
    throw new VigilError('VIGIL_ERR_CONFIG_INVALID', `secrets: maxLineLength must be an integer of at least 256, not ${String(maxLineLength)}`);
  }
  // secretlint drops a BOM before it counts offsets; so does vigil, and columns start after it as in editors.
  const text = file.text.charCodeAt(0) === 0xfeff ? file.text.slice(1) : file.text;
  if (text.slice(0, BINARY_SNIFF).includes('\u0000')) return [];
  const families = candidates(text);
  if (!families.tokens && !families.names) return [];

  const scan = scanText(text, maxLineLength);
  const messages = await runSecretlint(scan.content, file.relPath, disabled, families, file.language === undefined);

  const found: Located[] = [];
  const secrets: string[] = [];
  for (const msg of messages) {
    const info = messageInfo(msg.ruleId, msg.messageId);
    const data = (msg.data ?? {}) as Record<string, unknown>;
    let [s, e] = msg.range;
    const prop = info.secretProp ? data[info.secretProp] : undefined;
    if (typeof prop === 'string' && prop.length > 0) {
      const at = scan.content.indexOf(prop, s);
      if (at >= 0 && at - s <= SECRET_SEARCH_REACH) [s, e] = [at, at + prop.length];
    } else if (info.locate) {
      [s, e] = info.locate(scan.content, s, e) ?? [s, e];
    }
    if (info.trimEnd) e = s + scan.content.slice(s, e).replace(info.trimEnd, '').length;
    if (e <= s) continue;
    const start = scan.toOriginal(s);
    const end = scan.toOriginal(e - 1) + 1;
    const secret = text.slice(start, end);
    secrets.push(secret);
    found.push({
      start,
      end,
      specificity: info.specificity,
      ruleId: hitRuleId(msg.ruleId),
      title: info.title(data),
      plainTitle: info.title({}),
      severity: info.severity(data),
      confidence: info.confidence(data),
      remediation: info.remediation,
      redacted: redactSecret(secret),
      secretSha256: secretDigest(secret),
    });
  }
  if (found.length === 0) return [];

  const lines = lineStarts(text);
  return keepMostSpecific(found).map((h) => {
    const from = position(lines, h.start);
    const to = position(lines, h.end);
    // A title quotes a name from the file (`High-entropy string assigned to "…"`); should that name
    // hold another hit's secret (`{"ghp_…": "…"}`), the title does without it.
    const title = secrets.some((s) => s.length >= REDACT_KEEP * 2 && h.title.includes(s)) ? h.plainTitle : h.title;
    return {
      ruleId: h.ruleId,
      title,
      path: file.relPath,
      startLine: from.line,
      startColumn: from.column,
      endLine: to.line,
      endColumn: to.column,
      redacted: h.redacted,
      severity: h.severity,
      confidence: h.confidence,
      cwe: ['CWE-798'],
      remediation: h.remediation,
      secretSha256: h.secretSha256,
    };
  });
}

type Located = Omit<SecretHit, 'path' | 'startLine' | 'startColumn' | 'endLine' | 'endColumn' | 'cwe'> & {
  start: number;
  end: number;
  specificity: number;
  /** The title without anything taken from the file. */
  plainTitle: string;
};

function disabledRules(ids: readonly string[] | undefined): ReadonlySet<string> {
  const set = new Set(ids ?? []);
  for (const id of set) {
    if (!SECRET_RULE_IDS.includes(id)) {
      throw new VigilError('VIGIL_ERR_CONFIG_INVALID', `secrets: disableRules names "${id}", which is no secrets rule; the rules are ${SECRET_RULE_IDS.join(', ')}`);
    }
  }
  return set;
}

/**
 * One hit per secret: where hits overlap, the most specific rule's stands (a GCP key file over the
 * private key inside it, any named format over the entropy heuristic). Exact repeats go too.
 * Sorted by position, then rule.
 */
function keepMostSpecific(hits: Located[]): Located[] {
  const bySpecificity = [...hits].sort((a, b) => b.specificity - a.specificity || a.start - b.start);
  const kept: Located[] = [];
  for (const h of bySpecificity) {
    const shadowed = kept.some(
      (k) => h.start < k.end && k.start < h.end && (k.specificity > h.specificity || (k.ruleId === h.ruleId && k.start === h.start && k.end === h.end)),
    );
    if (!shadowed) kept.push(h);
  }
  return kept.sort((a, b) => a.start - b.start || a.end - b.end || (a.ruleId < b.ruleId ? -1 : a.ruleId > b.ruleId ? 1 : 0));
}

/** Offsets where lines start; `\n` ends a line (`\r\n` too: the `\r` is the line's last character). */
function lineStarts(text: string): number[] {
  const starts = [0];
  for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) starts.push(i + 1);
  return starts;
}

/** 1-based line and column of an offset. */
function position(starts: readonly number[], offset: number): { line: number; column: number } {
  let lo = 0;
  let hi = starts.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (starts[mid]! <= offset) lo = mid;
    else hi = mid - 1;
  }
  return { line: lo + 1, column: offset - starts[lo]! + 1 };
}
