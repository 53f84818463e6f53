// Config errors end up in CI logs: passwords in URLs never do.
import { redactUrlCredentials } from '../util/redact.js';
import { VigilError, type ErrorCode } from '../errors.js';

export type PathSegment = string | number;

/** What a position is asked for: the value at a path, or the key that names it. */
export type PointAt = 'value' | 'key';

/** Reports a problem at a path; `at` says whether the key or the value is pointed at. */
export type Report = (path: PathSegment[], problem: string, at?: PointAt) => void;

/** One thing wrong with a config file, with where it is. Lines and columns are 1-based. */
export interface ConfigProblem {
  code: 'VIGIL_ERR_CONFIG_PARSE' | 'VIGIL_ERR_CONFIG_INVALID';
  /** Key path of the offending value, e.g. `['targets', 0, 'kind']`. */
  path: PathSegment[];
  /** The whole message, starting with the path: `targets[0].kind: must be one of …`. */
  message: string;
  line: number;
  column: number;
  /** Character offset in the text: sorts problems into document order. */
  offset: number;
}

/** How many of the further problems one error message lists before it stops. */
const MAX_LISTED = 10;

/** `targets[0].scanners.import`; keys that are not plain words are quoted so the path stays readable. */
export function formatConfigPath(path: readonly PathSegment[]): string {
  let s = '';
  for (const p of path) {
    if (typeof p === 'number') s += `[${p}]`;
    else if (/^[A-Za-z_$][\w$-]*$/.test(p)) s += s ? `.${p}` : p;
    else s += `[${JSON.stringify(p)}]`;
  }
  return s;
}

/** `path: problem`, or just the problem for the document itself. */
export function withPath(path: readonly PathSegment[], problem: string): string {
  return path.length ? `${formatConfigPath(path)}: ${problem}` : problem;
}


/** A value as an error message shows it after "got": strings quoted and shortened, collections by kind. */
export function describeValue(v: unknown): string {
  if (v === null || v === undefined) return 'nothing';
  if (typeof v === 'string') {
    const short = v.length > 60 ? `${v.slice(0, 57)}...` : v;
    return JSON.stringify(redactUrlCredentials(short));
  }
  if (typeof v === 'number' || typeof v === 'boolean' || typeof v === 'bigint') return String(v);
  if (Array.isArray(v)) return v.length ? 'a list' : 'an empty list';
  if (ArrayBuffer.isView(v)) return 'binary data';
  if (typeof v === 'object') return Object.keys(v).length ? 'a mapping' : 'an empty mapping';
  return typeof v;
}

/** The error for a list of problems: the first (in document order) leads, the others follow in brief. */
export function problemsError(problems: readonly ConfigProblem[], file: string): VigilError {
  const first = problems[0];
  if (!first) return new VigilError('VIGIL_ERR_INTERNAL', 'no config problem to report', { file });
  return leadingProblemError(first.code, problems, file);
}

/**
 * The error for problems already in document order, of any input file (config, data map,
 * runbook): the first leads with its line and column, at most ten others follow as `line N: …`.
 */
export function leadingProblemError(code: ErrorCode, problems: readonly { message: string; line: number; column: number }[], file: string): VigilError {
  const [first, ...rest] = problems;
  if (!first) return new VigilError(code, 'no problem to report', { file });
  let message = first.message;
  if (rest.length) {
    const listed = rest.slice(0, MAX_LISTED).map((p) => `line ${p.line}: ${p.message}`);
    if (rest.length > MAX_LISTED) listed.push('...');
    message += ` (and ${rest.length} more: ${listed.join('; ')})`;
  }
  return new VigilError(code, message, { file, line: first.line, column: first.column });
}
