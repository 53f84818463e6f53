import { stat } from 'node:fs/promises';
import { isMap, isScalar, isSeq, LineCounter, parseDocument, type Node as YamlNode, type Pair } from 'yaml';
import { VigilError } from '../errors.js';
import { normalisePath, type Location } from '../model/location.js';
import type { ReportedFinding } from '../model/report.js';
import { maxInputBytes, readTextInput } from '../util/read-input.js';
import { matchesGlob } from './glob.js';

/** The default name of the suppression file, looked up beside the config. */
export const SUPPRESSION_FILE = '.vigilignore.yaml';

/** One entry of `.vigilignore.yaml`. Exactly one of `id` and `fingerprint` is set. */
export interface Suppression {
  /** A ruleId, an alias (CVE-…, GHSA-…), or — as a number — a ledger finding id. */
  id?: string | number;
  fingerprint?: string;
  reason: string;
  /** `YYYY-MM-DD`; the entry suppresses through the end of that day (UTC). */
  expires?: string;
  /** Globs over the finding's file path; absent means every path. */
  paths?: string[];
  /** `file:line` of the entry, for messages and SuppressionInfo.where. */
  where: string;
}

/** An expired entry: it no longer suppresses, and the user should renew or remove it. */
export interface ExpiredNotice {
  where: string;
  id?: string | number;
  fingerprint?: string;
  expires: string;
  /** How many findings the entry would have suppressed had it not expired. */
  matched: number;
  message: string;
}

const ENTRY_KEYS = ['id', 'fingerprint', 'reason', 'expires', 'paths'] as const;
const TOP_KEYS = ['suppressions'] as const;

/**
 * Read a suppression file. The file is optional, so a missing file is an empty list unless
 * `required` is set (for a path the user named explicitly).
 */
export async function loadSuppressions(file: string, opts: { required?: boolean } = {}): Promise<Suppression[]> {
  if (!opts.required) {
    try {
      await stat(file);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return [];
      // anything else (a permission problem) is reported by readTextInput with the file named
    }
  }
  const text = await readTextInput(file, maxInputBytes());
  return parseSuppressions(text, file);
}

/** Parse and validate suppression YAML; errors name file, line and key. */
export function parseSuppressions(text: string, file: string): Suppression[] {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: true });
  const yamlError = doc.errors[0];
  if (yamlError) {
    const pos = yamlError.linePos?.[0] ?? lineCounter.linePos(yamlError.pos[0]);
    // prettyErrors appends " at line N, column M:" and a code excerpt; the position is reported separately
    const message = yamlError.message.split('\n')[0]!.replace(/ at line \d+, column \d+:?$/, '');
    throw new VigilError('VIGIL_ERR_SUPPRESSION_PARSE', `not valid YAML: ${message}`, {
      file,
      line: pos.line,
      column: pos.col,
    });
  }

  const fail = (node: YamlNode | Pair | null | undefined, path: string, problem: string): VigilError => {
    const offset = rangeStart(node);
    const pos = offset === undefined ? { line: 1, col: 1 } : lineCounter.linePos(offset);
    return new VigilError('VIGIL_ERR_SUPPRESSION_INVALID', `${path}: ${problem}`, {
      file,
      line: pos.line,
      column: pos.col,
    });
  };

  const root = doc.contents;
  // an empty file, or one holding only comments, suppresses nothing
  if (root === null || (isScalar(root) && root.value === null)) return [];
  if (!isMap(root)) {
    throw fail(root, '(root)', `expected a mapping with a "suppressions" list, got ${describeNode(root)}`);
  }
  let list: YamlNode | null = null;
  for (const pair of root.items) {
    const key = keyName(pair);
    if (key !== 'suppressions') {
      throw fail(pair.key as YamlNode, key ?? '(root)', `unknown key; expected ${TOP_KEYS.map((k) => `"${k}"`).join(', ')}`);
    }
    list = (pair.value as YamlNode | null) ?? null;
  }
  if (list === null || (isScalar(list) && list.value === null)) return [];
  if (!isSeq(list)) throw fail(list, 'suppressions', `expected a list of entries, got ${describeNode(list)}`);

  const out: Suppression[] = [];
  list.items.forEach((item, index) => {
    const here = `suppressions[${index}]`;
    const node = item as YamlNode | null;
    if (!isMap(node)) throw fail(node ?? list, here, `expected a mapping with "id" or "fingerprint" and "reason", got ${describeNode(node)}`);
    const entryLine = lineCounter.linePos(rangeStart(node) ?? 0).line;
    const values = new Map<string, YamlNode | null>();
    for (const pair of node.items) {
      const key = keyName(pair);
      if (key === undefined || !(ENTRY_KEYS as readonly string[]).includes(key)) {
        throw fail(pair.key as YamlNode, `${here}${key === undefined ? '' : `.${key}`}`, `unknown key; expected one of ${ENTRY_KEYS.join(', ')}`);
      }
      values.set(key, (pair.value as YamlNode | null) ?? null);
    }

    const s: Suppression = { reason: '', where: `${file}:${entryLine}` };

    const idNode = values.get('id');
    const fpNode = values.get('fingerprint');
    if (idNode !== undefined && fpNode !== undefined) throw fail(node, here, 'has both "id" and "fingerprint"; use one per entry');
    if (idNode === undefined && fpNode === undefined) throw fail(node, here, 'needs "id" or "fingerprint"');
    if (idNode !== undefined) {
      const v = isScalar(idNode) ? idNode.value : undefined;
      if (typeof v === 'number') {
        if (!Number.isSafeInteger(v) || v <= 0) throw fail(idNode, `${here}.id`, `a ledger finding id must be a positive integer, got ${String(v)}`);
        s.id = v;
      } else if (typeof v === 'string' && v.trim() !== '') {
        s.id = v.trim();
      } else {
        throw fail(idNode ?? node, `${here}.id`, `expected a rule id, an alias or a ledger finding id, got ${describeNode(idNode)}`);
      }
    }
    if (fpNode !== undefined) {
      // YAML reads an all-digit or `1e5`-like hex string as a number; the source text is what was meant
      const v = isScalar(fpNode) ? (typeof fpNode.value === 'number' ? fpNode.source : fpNode.value) : undefined;
      if (typeof v !== 'string' || v.trim() === '') throw fail(fpNode ?? node, `${here}.fingerprint`, `expected a fingerprint string, got ${describeNode(fpNode)}`);
      s.fingerprint = v.trim();
    }

    const reasonNode = values.get('reason');
    if (reasonNode === undefined) throw fail(node, here, 'needs "reason"');
    const reason = isScalar(reasonNode) ? reasonNode.value : undefined;
    if (typeof reason !== 'string') throw fail(reasonNode ?? node, `${here}.reason`, `expected text, got ${describeNode(reasonNode)}`);
    if (reason.trim() === '') throw fail(reasonNode, `${here}.reason`, 'must not be empty: say why this finding is acceptable');
    s.reason = reason.trim();

    const expiresNode = values.get('expires');
    if (expiresNode !== undefined) {
      const v = isScalar(expiresNode) ? expiresNode.value : undefined;
      const date = toIsoDate(v);
      if (date === undefined) {
        const shown = isScalar(expiresNode) ? (expiresNode.source ?? String(v)) : describeNode(expiresNode);
        throw fail(expiresNode ?? node, `${here}.expires`, `not a date: ${JSON.stringify(shown)} (expected YYYY-MM-DD)`);
      }
      s.expires = date;
    }

    const pathsNode = values.get('paths');
    if (pathsNode !== undefined) {
      const items = isSeq(pathsNode) ? (pathsNode.items as (YamlNode | null)[]) : [pathsNode];
      const globs: string[] = [];
      items.forEach((p, j) => {
        const v = isScalar(p) ? p.value : undefined;
        const at = isSeq(pathsNode) ? `${here}.paths[${j}]` : `${here}.paths`;
        if (typeof v !== 'string' || v.trim() === '') throw fail(p ?? pathsNode ?? node, at, `expected a glob such as "test/**", got ${describeNode(p)}`);
        globs.push(v.trim());
      });
      if (globs.length === 0) throw fail(pathsNode ?? node, `${here}.paths`, 'is empty; leave it out to match every path');
      s.paths = globs;
    }

    out.push(s);
  });
  return out;
}

/** True when the entry covers the finding, ignoring expiry. */
export function suppressionMatches(s: Suppression, f: ReportedFinding): boolean {
  if (s.fingerprint !== undefined) {
    if (f.fingerprint !== s.fingerprint) return false;
  } else if (typeof s.id === 'number') {
    if (f.id !== s.id) return false;
  } else if (s.id !== undefined) {
    const id = s.id;
    // CVE and GHSA ids are printed in either case by different databases
    const lower = id.toLowerCase();
    if (f.ruleId !== id && !f.aliases.some((a) => a.toLowerCase() === lower)) return false;
  } else {
    return false;
  }
  if (s.paths) {
    const path = filePathOf(f.location);
    if (path === undefined) return false;
    const normalised = normalisePath(path);
    if (!s.paths.some((g) => matchesGlob(normalised, g))) return false;
  }
  return true;
}

/** True once the entry's expiry day (UTC) is over. */
export function isExpired(s: Suppression, now: Date): boolean {
  if (s.expires === undefined) return false;
  const endOfDay = Date.parse(`${s.expires}T00:00:00Z`) + 24 * 60 * 60 * 1000;
  return now.getTime() >= endOfDay;
}

/**
 * Mark findings matched by a live entry as suppressed (the first matching entry in file
 * order wins; a finding already suppressed by the ledger or VEX keeps that reason). Every
 * expired entry yields one notice, whether or not it matched anything, so stale entries
 * get cleaned up; `matched` says how many findings it would have covered.
 */
export function applySuppressions(
  findings: readonly ReportedFinding[],
  suppressions: readonly Suppression[],
  now: Date,
): { findings: ReportedFinding[]; expired: ExpiredNotice[] } {
  const live = suppressions.filter((s) => !isExpired(s, now));
  const expired = suppressions.filter((s) => isExpired(s, now));
  const matchedByExpired = new Map<Suppression, number>(expired.map((s) => [s, 0]));

  const out = findings.map((f) => {
    for (const s of expired) {
      if (suppressionMatches(s, f)) matchedByExpired.set(s, (matchedByExpired.get(s) ?? 0) + 1);
    }
    if (f.suppression) return f;
    const hit = live.find((s) => suppressionMatches(s, f));
    if (!hit) return f;
    return {
      ...f,
      suppression: { source: 'suppression-file' as const, reason: hit.reason, expires: hit.expires ?? null, where: hit.where },
    };
  });

  const notices = expired.map((s): ExpiredNotice => {
    const notice: ExpiredNotice = {
      where: s.where,
      expires: s.expires!,
      matched: matchedByExpired.get(s) ?? 0,
      message: `suppression for ${describeSubject(s)} (${s.where}) expired on ${s.expires}; it no longer suppresses`,
    };
    if (s.id !== undefined) notice.id = s.id;
    if (s.fingerprint !== undefined) notice.fingerprint = s.fingerprint;
    return notice;
  });
  return { findings: out, expired: notices };
}

function describeSubject(s: Suppression): string {
  if (s.fingerprint !== undefined) return `fingerprint ${s.fingerprint}`;
  if (typeof s.id === 'number') return `finding #${s.id}`;
  return String(s.id);
}

/** The file a location is in, when it is in one. */
function filePathOf(loc: Location): string | undefined {
  if (loc.kind === 'file') return loc.path;
  if (loc.kind === 'datamap') return loc.file;
  return undefined;
}

/** `YYYY-MM-DD` for a real calendar date given as text or a YAML timestamp; undefined otherwise. */
function toIsoDate(v: unknown): string | undefined {
  if (v instanceof Date) return Number.isNaN(v.getTime()) ? undefined : v.toISOString().slice(0, 10);
  if (typeof v !== 'string') return undefined;
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(v.trim());
  if (!m) return undefined;
  const d = new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])));
  // Date.UTC rolls 2027-02-30 over to March; a round trip catches it
  return d.toISOString().slice(0, 10) === m[0] ? m[0] : undefined;
}

function keyName(pair: Pair): string | undefined {
  const k = pair.key;
  if (isScalar(k) && (typeof k.value === 'string' || typeof k.value === 'number')) return String(k.value);
  return undefined;
}

function rangeStart(node: YamlNode | Pair | null | undefined): number | undefined {
  if (!node) return undefined;
  if ('range' in node && node.range) return node.range[0];
  if ('key' in node) return rangeStart(node.key as YamlNode | null);
  return undefined;
}

function describeNode(node: YamlNode | null | undefined): string {
  if (node === null || node === undefined) return 'nothing';
  if (isMap(node)) return 'a mapping';
  if (isSeq(node)) return 'a list';
  if (isScalar(node)) {
    const v = node.value;
    if (v === null) return 'nothing';
    if (typeof v === 'string') return `the text ${JSON.stringify(v)}`;
    return `${typeof v} ${String(v)}`;
  }
  return 'an alias';
}
