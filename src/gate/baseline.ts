import { VigilError } from '../errors.js';
import type { ReportedFinding } from '../model/report.js';
import { JsonLocator, parseJsonText } from '../util/json-source.js';
import { maxInputBytes, readTextInput } from '../util/read-input.js';

/** The `schemaVersion` of vigil's JSON output this build reads and writes. */
export const JSON_SCHEMA_VERSION = 1;

/** Read a previous `vigil scan --format json` output and return the fingerprints it holds. */
export async function loadBaseline(file: string): Promise<Set<string>> {
  const text = await readTextInput(file, maxInputBytes());
  return parseBaseline(text, file);
}

/** Sync core of loadBaseline, for tests and callers that already hold the text. */
export function parseBaseline(text: string, file: string): Set<string> {
  const data = parseJsonText(text, file, 'VIGIL_ERR_BASELINE_PARSE');
  // the locator re-reads the text only when there is an error to place
  const at = new JsonLocator(text.charCodeAt(0) === 0xfeff ? text.slice(1) : text, file);
  const invalid = (path: (string | number)[], problem: string) => at.error('VIGIL_ERR_BASELINE_INVALID', path, problem);

  if (typeof data !== 'object' || data === null || Array.isArray(data)) {
    throw invalid([], `expected a vigil JSON output (an object with "schemaVersion" and "findings"), got ${kindOf(data)}`);
  }
  const obj = data as Record<string, unknown>;
  if ('runs' in obj && !('findings' in obj)) {
    const { line, column } = at.locate(['runs']);
    throw new VigilError(
      'VIGIL_ERR_BASELINE_INVALID',
      'has "runs": looks like SARIF; --baseline takes a vigil JSON output (vigil scan --format json)',
      { file, line, column },
    );
  }
  if (!('schemaVersion' in obj)) {
    throw invalid([], `has no "schemaVersion"; --baseline takes a vigil JSON output (vigil scan --format json)`);
  }
  if (obj.schemaVersion !== JSON_SCHEMA_VERSION) {
    throw invalid(
      ['schemaVersion'],
      `is ${JSON.stringify(obj.schemaVersion)}; this vigil reads schemaVersion ${JSON_SCHEMA_VERSION}`,
    );
  }
  if (!Array.isArray(obj.findings)) {
    throw invalid('findings' in obj ? ['findings'] : [], `expected a "findings" list, got ${kindOf(obj.findings)}`);
  }
  const out = new Set<string>();
  obj.findings.forEach((f: unknown, i: number) => {
    if (typeof f !== 'object' || f === null || Array.isArray(f)) {
      throw invalid(['findings', i], `expected a finding object, got ${kindOf(f)}`);
    }
    const fp = (f as Record<string, unknown>).fingerprint;
    if (typeof fp !== 'string' || fp === '') {
      throw invalid(
        fp === undefined ? ['findings', i] : ['findings', i, 'fingerprint'],
        fp === undefined ? 'has no "fingerprint"' : `"fingerprint" must be a non-empty string, got ${kindOf(fp)}`,
      );
    }
    out.add(fp);
  });
  return out;
}

/** Mark each finding `new` or `unchanged` against the baseline's fingerprints. */
export function applyBaseline(findings: readonly ReportedFinding[], fingerprints: ReadonlySet<string>): ReportedFinding[] {
  return findings.map((f) => ({ ...f, baselineState: fingerprints.has(f.fingerprint) ? 'unchanged' : 'new' }));
}

function kindOf(v: unknown): string {
  if (v === undefined) return 'nothing';
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'a list';
  if (typeof v === 'object') return 'an object';
  if (typeof v === 'string') return `the string ${JSON.stringify(v.length > 40 ? `${v.slice(0, 40)}…` : v)}`;
  return `${typeof v} ${String(v)}`;
}
