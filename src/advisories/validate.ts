import type { OsvAdvisory } from '../../scanners/deps/model.js';
import { VigilError } from '../errors.js';
import { JsonLocator, parseJsonText } from '../util/json-source.js';
import { normaliseTimestamp } from './timestamp.js';

/**
 * The parts of the OSV schema (https://ossf.github.io/osv-schema/) the audit relies on, checked
 * by hand: one pass, no per-advisory allocation beyond the error path, and a message naming the
 * exact JSON path. Fields vigil does not read are left alone, as the schema's own
 * additionalProperties allow, so newer OSV versions still import.
 */

type JsonPath = (string | number)[];
/** Builds the error for a problem at a path; the caller knows the file and its text. */
export type Fail = (at: JsonPath, problem: string) => VigilError;

/** OSV range types (https://ossf.github.io/osv-schema/#affectedrangestype-field). */
export const RANGE_TYPES = ['SEMVER', 'ECOSYSTEM', 'GIT'] as const;
/** The keys of an OSV range event; each event has exactly one of them. */
export const EVENT_KEYS = ['introduced', 'fixed', 'last_affected', 'limit'] as const;

/** An id has no whitespace or control characters and a sane length: it ends up in file names and URLs. */
const ID = /^[^\s\u0000-\u001f\u007f]{1,255}$/;

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** `obj[key]` for own properties only: a key such as `constructor` must not reach the prototype. */
function own(obj: Record<string, unknown>, key: string): unknown {
  return Object.hasOwn(obj, key) ? obj[key] : undefined;
}

function typeName(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'array';
  return typeof v;
}

function shown(v: unknown): string {
  const s = JSON.stringify(v) ?? String(v);
  return s.length > 60 ? `${s.slice(0, 57)}...` : s;
}

function checkString(obj: Record<string, unknown>, key: string, at: JsonPath, fail: Fail, required = false): void {
  const v = own(obj, key);
  if (v === undefined) {
    if (required) throw fail([...at, key], `missing; "${key}" is required here`);
    return;
  }
  if (typeof v !== 'string') throw fail([...at, key], `must be a string, got ${typeName(v)}`);
}

function checkTimestamp(obj: Record<string, unknown>, key: string, at: JsonPath, fail: Fail, required = false): void {
  checkString(obj, key, at, fail, required);
  const v = own(obj, key);
  if (typeof v === 'string' && normaliseTimestamp(v) === undefined) {
    throw fail([...at, key], `must be an RFC 3339 date-time such as "2024-01-31T12:00:00Z", got ${shown(v)}`);
  }
}

function checkStringArray(obj: Record<string, unknown>, key: string, at: JsonPath, fail: Fail): void {
  const v = own(obj, key);
  if (v === undefined) return;
  if (!Array.isArray(v)) throw fail([...at, key], `must be an array of strings, got ${typeName(v)}`);
  for (let i = 0; i < v.length; i++) {
    if (typeof v[i] !== 'string') throw fail([...at, key, i], `must be a string, got ${typeName(v[i])}`);
  }
}

function checkObject(obj: Record<string, unknown>, key: string, at: JsonPath, fail: Fail): void {
  const v = own(obj, key);
  if (v !== undefined && !isObject(v)) throw fail([...at, key], `must be an object, got ${typeName(v)}`);
}

function checkSeverity(obj: Record<string, unknown>, at: JsonPath, fail: Fail): void {
  const v = own(obj, 'severity');
  if (v === undefined) return;
  if (!Array.isArray(v)) throw fail([...at, 'severity'], `must be an array of { type, score }, got ${typeName(v)}`);
  for (let i = 0; i < v.length; i++) {
    const s: unknown = v[i];
    const sAt = [...at, 'severity', i];
    if (!isObject(s)) throw fail(sAt, `must be an object { type, score }, got ${typeName(s)}`);
    checkString(s, 'type', sAt, fail, true);
    checkString(s, 'score', sAt, fail, true);
  }
}

function checkEvents(range: Record<string, unknown>, at: JsonPath, fail: Fail): void {
  const events = own(range, 'events');
  if (!Array.isArray(events)) {
    throw fail([...at, 'events'], events === undefined ? 'missing; a range needs an "events" array' : `must be an array of events, got ${typeName(events)}`);
  }
  if (events.length === 0) throw fail([...at, 'events'], 'must not be empty; a range needs at least an "introduced" event');
  let introduced = false;
  for (let i = 0; i < events.length; i++) {
    const e: unknown = events[i];
    const eAt = [...at, 'events', i];
    if (!isObject(e)) throw fail(eAt, `must be an event object such as { "introduced": "0" }, got ${typeName(e)}`);
    const keys = EVENT_KEYS.filter((k) => Object.hasOwn(e, k));
    if (keys.length !== 1) {
      throw fail(
        eAt,
        keys.length === 0
          ? `an event needs exactly one of ${EVENT_KEYS.join(', ')}; it has none`
          : `an event has exactly one of ${EVENT_KEYS.join(', ')}; this one has ${keys.join(' and ')}`,
      );
    }
    const k = keys[0]!;
    if (typeof e[k] !== 'string') throw fail([...eAt, k], `must be a version string, got ${typeName(e[k])}`);
    if (k === 'introduced') introduced = true;
  }
  if (!introduced) throw fail([...at, 'events'], 'a range needs at least one "introduced" event (use "0" for all versions)');
}

function checkRange(r: unknown, at: JsonPath, fail: Fail): void {
  if (!isObject(r)) throw fail(at, `must be a range object { type, events }, got ${typeName(r)}`);
  const type = own(r, 'type');
  if (typeof type !== 'string' || !(RANGE_TYPES as readonly string[]).includes(type)) {
    throw fail([...at, 'type'], type === undefined ? `missing; a range needs "type" (${RANGE_TYPES.join(', ')})` : `must be one of ${RANGE_TYPES.join(', ')}; got ${shown(type)}`);
  }
  checkString(r, 'repo', at, fail, type === 'GIT');
  checkEvents(r, at, fail);
}

function checkAffected(a: unknown, at: JsonPath, fail: Fail): void {
  if (!isObject(a)) throw fail(at, `must be an object { package, ranges, versions }, got ${typeName(a)}`);
  const pkg = own(a, 'package');
  if (pkg !== undefined) {
    const pAt = [...at, 'package'];
    if (!isObject(pkg)) throw fail(pAt, `must be an object { ecosystem, name }, got ${typeName(pkg)}`);
    for (const key of ['ecosystem', 'name'] as const) {
      const v = own(pkg, key);
      if (typeof v !== 'string' || v === '') {
        throw fail([...pAt, key], v === undefined ? `missing; a package needs "${key}"` : `must be a non-empty string, got ${shown(v)}`);
      }
    }
    checkString(pkg, 'purl', pAt, fail);
  }
  const ranges = own(a, 'ranges');
  if (ranges !== undefined) {
    if (!Array.isArray(ranges)) throw fail([...at, 'ranges'], `must be an array of ranges, got ${typeName(ranges)}`);
    for (let i = 0; i < ranges.length; i++) checkRange(ranges[i], [...at, 'ranges', i], fail);
  }
  checkStringArray(a, 'versions', at, fail);
  checkSeverity(a, at, fail);
  checkObject(a, 'ecosystem_specific', at, fail);
  checkObject(a, 'database_specific', at, fail);
}

/** Check that `value` is an OSV advisory; throws the VigilError `fail` builds at the first bad path. */
export function checkAdvisory(value: unknown, at: JsonPath, fail: Fail): OsvAdvisory {
  if (!isObject(value)) throw fail(at, `an OSV advisory is a JSON object, got ${typeName(value)}`);
  const id = own(value, 'id');
  if (typeof id !== 'string' || !ID.test(id)) {
    throw fail([...at, 'id'], id === undefined ? 'missing; an OSV advisory needs "id"' : `must be an advisory id such as "GHSA-xxxx-xxxx-xxxx", got ${shown(id)}`);
  }
  checkTimestamp(value, 'modified', at, fail, true);
  checkTimestamp(value, 'published', at, fail);
  checkTimestamp(value, 'withdrawn', at, fail);
  checkString(value, 'schema_version', at, fail);
  checkString(value, 'summary', at, fail);
  checkString(value, 'details', at, fail);
  checkStringArray(value, 'aliases', at, fail);
  checkStringArray(value, 'related', at, fail);
  checkSeverity(value, at, fail);
  checkObject(value, 'database_specific', at, fail);
  const affected = own(value, 'affected');
  if (affected !== undefined) {
    if (!Array.isArray(affected)) throw fail([...at, 'affected'], `must be an array, got ${typeName(affected)}`);
    for (let i = 0; i < affected.length; i++) checkAffected(affected[i], [...at, 'affected', i], fail);
  }
  const refs = own(value, 'references');
  if (refs !== undefined) {
    if (!Array.isArray(refs)) throw fail([...at, 'references'], `must be an array of { type, url }, got ${typeName(refs)}`);
    for (let i = 0; i < refs.length; i++) {
      const r: unknown = refs[i];
      const rAt = [...at, 'references', i];
      if (!isObject(r)) throw fail(rAt, `must be an object { type, url }, got ${typeName(r)}`);
      checkString(r, 'type', rAt, fail, true);
      checkString(r, 'url', rAt, fail, true);
    }
  }
  return value as unknown as OsvAdvisory;
}

/**
 * Parse one OSV JSON document — an advisory, or an array of them as some exports write — and
 * check every advisory. Errors name the file (`archive.zip!entry.json` for zip entries), the line
 * and the JSON path.
 */
export function parseOsvDocument(text: string, file: string): OsvAdvisory[] {
  const body = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  if (body.trim() === '') {
    throw new VigilError('VIGIL_ERR_OSV_PARSE', 'is empty; expected an OSV advisory (a JSON object) or an array of them', { file, line: 1, column: 1 });
  }
  const data = parseJsonText(body, file, 'VIGIL_ERR_OSV_PARSE');
  // The locator re-parses with positions only when there is an error to place.
  let locator: JsonLocator | undefined;
  const fail: Fail = (at, problem) => (locator ??= new JsonLocator(body, file)).error('VIGIL_ERR_OSV_INVALID', at, problem);
  if (Array.isArray(data)) {
    for (let i = 0; i < data.length; i++) checkAdvisory(data[i], [i], fail);
    return data as OsvAdvisory[];
  }
  return [checkAdvisory(data, [], fail)];
}
