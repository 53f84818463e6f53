import { JsonLocator, parseJsonText } from '../util/json-source.js';

/** One entry of CISA's Known Exploited Vulnerabilities catalogue. */
export interface KevEntry {
  cveID: string;
  vendorProject: string;
  product: string;
  vulnerabilityName: string;
  /** YYYY-MM-DD */
  dateAdded: string;
  shortDescription: string;
  requiredAction: string;
  /** YYYY-MM-DD: the remediation date CISA sets for federal agencies (BOD 22-01). */
  dueDate: string;
  /** `Known` or `Unknown` (kept as written should CISA add a value). */
  knownRansomwareCampaignUse?: string;
  notes?: string;
  cwes: string[];
}

/** The catalogue as CISA publishes it (known_exploited_vulnerabilities.json). */
export interface KevCatalogue {
  title?: string;
  catalogVersion: string;
  /** An ISO 8601 date-time. */
  dateReleased: string;
  count: number;
  vulnerabilities: KevEntry[];
  /** Every cveID, upper case: what tagsFor's `kev` context takes. */
  ids: Set<string>;
}

type JsonPath = (string | number)[];

// the official schema's patterns (known_exploited_vulnerabilities_schema.json)
const CVE_ID = /^CVE-[0-9]{4}-[0-9]{4,19}$/;
const CWE_ID = /^CWE-[0-9]+$/;
const DATE = /^([0-9]{4})-([0-9]{2})-([0-9]{2})$/;
// RFC 3339 with optional fraction; CISA writes e.g. 2025-02-25T20:33:53.3676Z
const DATE_TIME = /^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(\.[0-9]{1,9})?(Z|[+-][0-9]{2}:[0-9]{2})$/;

const REQUIRED_STRINGS = ['cveID', 'vendorProject', 'product', 'vulnerabilityName', 'dateAdded', 'shortDescription', 'requiredAction', 'dueDate'] as const;

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function own(obj: Record<string, unknown>, key: string): unknown {
  return Object.hasOwn(obj, key) ? obj[key] : undefined;
}

function typeName(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'an array';
  if (typeof v === 'object') return 'an object';
  return `a ${typeof v}`;
}

function shown(v: unknown): string {
  const s = JSON.stringify(v) ?? String(v);
  return s.length > 60 ? `${s.slice(0, 57)}...` : s;
}

function isCalendarDate(s: string): boolean {
  const m = DATE.exec(s);
  if (!m) return false;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const t = new Date(Date.UTC(y, mo - 1, d));
  return t.getUTCFullYear() === y && t.getUTCMonth() === mo - 1 && t.getUTCDate() === d;
}

/**
 * Parse and check CISA's KEV catalogue JSON against the fields its published schema requires:
 * `catalogVersion`, `dateReleased`, `count` and `vulnerabilities[]`, each entry with its
 * required strings, a `cveID` like CVE-2021-44228, dates as YYYY-MM-DD and `cwes` like CWE-79.
 * `count` must equal the number of entries: a mismatch means a truncated or edited download.
 * Fields the schema does not know are left alone (the schema allows them; CISA adds fields).
 * Any problem is a VigilError (exit 2) naming the file, the line and the JSON path.
 */
export function parseKevCatalogue(text: string, file: string): KevCatalogue {
  const value = parseJsonText(text, file, 'VIGIL_ERR_KEV_PARSE');
  const locator = new JsonLocator(text.charCodeAt(0) === 0xfeff ? text.slice(1) : text, file);
  const fail = (at: JsonPath, problem: string) => locator.error('VIGIL_ERR_KEV_INVALID', at, problem);

  if (!isObject(value)) throw fail([], `a KEV catalogue is a JSON object with catalogVersion, dateReleased, count and vulnerabilities; got ${typeName(value)}`);
  const str = (obj: Record<string, unknown>, key: string, at: JsonPath, required: boolean): string | undefined => {
    const v = own(obj, key);
    if (v === undefined) {
      if (required) throw fail([...at, key], `missing; "${key}" is required`);
      return undefined;
    }
    if (typeof v !== 'string') throw fail([...at, key], `must be a string, got ${typeName(v)}`);
    return v;
  };

  const title = str(value, 'title', [], false);
  const catalogVersion = str(value, 'catalogVersion', [], true)!;
  const dateReleased = str(value, 'dateReleased', [], true)!;
  if (!DATE_TIME.test(dateReleased) || Number.isNaN(Date.parse(dateReleased))) {
    throw fail(['dateReleased'], `must be a date-time such as "2025-02-25T20:33:53.3676Z", got ${shown(dateReleased)}`);
  }
  const count = own(value, 'count');
  if (count === undefined) throw fail(['count'], 'missing; "count" is required');
  if (typeof count !== 'number' || !Number.isInteger(count) || count < 0) throw fail(['count'], `must be a whole number, got ${shown(count)}`);
  const list = own(value, 'vulnerabilities');
  if (list === undefined) throw fail(['vulnerabilities'], 'missing; "vulnerabilities" is required');
  if (!Array.isArray(list)) throw fail(['vulnerabilities'], `must be an array of entries, got ${typeName(list)}`);

  const vulnerabilities: KevEntry[] = [];
  const ids = new Set<string>();
  for (let i = 0; i < list.length; i++) {
    const at: JsonPath = ['vulnerabilities', i];
    const e: unknown = list[i];
    if (!isObject(e)) throw fail(at, `must be an object, got ${typeName(e)}`);
    const fields = Object.fromEntries(REQUIRED_STRINGS.map((k) => [k, str(e, k, at, true)!])) as Record<(typeof REQUIRED_STRINGS)[number], string>;
    if (!CVE_ID.test(fields.cveID)) throw fail([...at, 'cveID'], `must be a CVE id such as "CVE-2021-44228", got ${shown(fields.cveID)}`);
    for (const k of ['dateAdded', 'dueDate'] as const) {
      if (!isCalendarDate(fields[k])) throw fail([...at, k], `must be a date such as "2021-12-24" (YYYY-MM-DD), got ${shown(fields[k])}`);
    }
    const ransomware = str(e, 'knownRansomwareCampaignUse', at, false);
    const notes = str(e, 'notes', at, false);
    const cwes = own(e, 'cwes');
    if (cwes !== undefined && !Array.isArray(cwes)) throw fail([...at, 'cwes'], `must be an array of CWE ids, got ${typeName(cwes)}`);
    const cweList = (cwes ?? []) as unknown[];
    cweList.forEach((c, j) => {
      if (typeof c !== 'string' || !CWE_ID.test(c)) throw fail([...at, 'cwes', j], `must be a CWE id such as "CWE-79", got ${shown(c)}`);
    });
    vulnerabilities.push({
      ...fields,
      ...(ransomware !== undefined ? { knownRansomwareCampaignUse: ransomware } : {}),
      ...(notes !== undefined ? { notes } : {}),
      cwes: cweList as string[],
    });
    ids.add(fields.cveID.toUpperCase());
  }
  if (count !== list.length) {
    throw fail(['count'], `says ${count} vulnerabilities but the list has ${list.length}: the file is truncated or was edited; download it again`);
  }
  return { ...(title !== undefined ? { title } : {}), catalogVersion, dateReleased, count, vulnerabilities, ids };
}

/**
 * True when a JSON text is a KEV catalogue rather than an OSV advisory, so `vigil advisories import`
 * can route it: a top-level object with `catalogVersion` and a `vulnerabilities` list (OSV files have
 * `id` and `affected` instead). Text that is not valid JSON counts as a catalogue when it opens like
 * one, so a truncated download gets the KEV parser's error rather than the OSV one.
 */
export function isKevFile(text: string): boolean {
  const body = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  if (!body.trimStart().startsWith('{')) return false;
  let value: unknown;
  try {
    value = JSON.parse(body);
  } catch {
    // CISA's file names its catalogue version within the first few lines
    return /"catalogVersion"\s*:/.test(body.slice(0, 4096));
  }
  return isObject(value) && Object.hasOwn(value, 'catalogVersion') && Array.isArray(own(value, 'vulnerabilities'));
}

