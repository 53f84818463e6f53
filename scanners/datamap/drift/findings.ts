/**
 * Drift: what the data map declares against what the sources hold.
 * - `datamap-drift-undeclared-field`: a column, model field or cookie that looks like personal
 *   data and that no dataset declares;
 * - `datamap-drift-missing-field`: a declared field whose table was found without it;
 * - `datamap-drift-missing-collection`: a declared collection found nowhere, in a dataset other
 *   collections of which were found (so the sources cover what that dataset describes).
 *
 * Names match case-insensitively. A declared `users` matches `users` in any schema; a declared
 * `auth.users` matches `auth.users`, or `users` from a source that names no schema (an ORM
 * model). Prisma models, TypeORM classes and Drizzle variables match by their own names too, and
 * ORM properties by theirs. A declared nested field (`address.city`) is its top column (`address`).
 * Cookies match fields of a collection named for the site (its origin or host) or for cookies, or
 * the names in `declaredCookies`.
 */
import path from 'node:path';
import { createFinding, sortFindings } from '../../../src/model/create.js';
import type { Finding } from '../../../src/model/finding.js';
import type { Location } from '../../../src/model/location.js';
import type { Severity } from '../../../src/model/severity.js';
import type { Classification, DeclaredField, ObservedField } from '../types.js';
import { classifyColumn } from './classify.js';
import { classifyCookie } from './cookies.js';
import type { ObservedFieldDetail } from './observed.js';
import { tokenise } from './tokens.js';

export const DATAMAP_SCANNER_ID = 'datamap';

/** Each drift check's id, title and advice: one record, as the house keeps rule metadata. */
export const DRIFT_RULES = {
  undeclaredField: {
    id: 'datamap-drift-undeclared-field',
    title: 'Personal data that no dataset declares',
    remediation:
      'Declare the field in the dataset that describes this table (or cookie jar) with the data category it holds, so the records of processing (GDPR Art. 30) stay true; if the data is not needed, stop storing it.',
  },
  missingField: {
    id: 'datamap-drift-missing-field',
    title: 'Declared field not found in the schema',
    remediation: 'Remove the field from the dataset if the column was dropped or renamed (declare its new name), or restore it if it was dropped by mistake.',
  },
  missingCollection: {
    id: 'datamap-drift-missing-collection',
    title: 'Declared collection not found in any source',
    remediation: 'Remove the collection from the dataset if the table is gone (or declare its new name), or add the source that holds it to the drift sources.',
  },
} as const;

export interface DriftOptions {
  /** Data-map file paths in findings are made relative to this folder. */
  baseDir: string;
  /** Cookie names the data map declares outside datasets (a system's `cookies:`), for cookie drift. */
  declaredCookies?: readonly string[];
}

/** GDPR special categories, government ids, payment data and credentials: an undeclared one is high. */
const HIGH_CATEGORIES = [
  'user.health_and_medical',
  'user.health',
  'user.biometric',
  'user.biometrics',
  'user.government_id',
  'user.financial',
  'user.payment',
  'user.authorization',
  'user.criminal_history',
  'user.demographic.race_ethnicity',
  'user.demographic.religious_belief',
  'user.demographic.sexual_orientation',
  'user.demographic.political_opinion',
];

/** Severity of an undeclared field: by category, and low whenever the guess is. */
export function severityOfCategory(c: Classification): Severity {
  if (c.confidence === 'low') return 'low';
  return HIGH_CATEGORIES.some((k) => c.category === k || c.category.startsWith(`${k}.`)) ? 'high' : 'medium';
}

function lower(s: string): string {
  return s.toLowerCase();
}

function bare(name: string): string {
  const dot = name.lastIndexOf('.');
  return dot < 0 ? name : name.slice(dot + 1);
}

/** A declared collection name against an observed table name (both lower-case): see the module doc. */
function namesMatch(declared: string, observed: string): boolean {
  if (declared === observed) return true;
  if (declared.includes('.') && observed.includes('.')) return false;
  return bare(declared) === bare(observed);
}

function tableNames(o: ObservedFieldDetail): string[] {
  return [o.table, ...(o.tableAliases ?? [])].map(lower);
}

function columnNames(o: ObservedFieldDetail): string[] {
  return [o.column, ...(o.columnAliases ?? [])].map(lower);
}

function topField(field: string): string {
  const dot = field.indexOf('.');
  return lower(dot < 0 ? field : field.slice(0, dot));
}

/** Observed tables (not cookies), grouped by name, indexed by bare name. */
interface TableGroup {
  names: string[];
  columns: Set<string>;
  /** Every observation of it is partial: a column it lacks may still exist. */
  partial: boolean;
  sources: Set<string>;
}

function groupTables(observed: readonly ObservedFieldDetail[]): Map<string, TableGroup[]> {
  const byName = new Map<string, TableGroup>();
  for (const o of observed) {
    if (o.origin === 'cookie') continue;
    const k = `${o.origin}\u0000${lower(o.table)}`;
    let g = byName.get(k);
    if (!g) {
      g = { names: [], columns: new Set(), partial: true, sources: new Set() };
      byName.set(k, g);
    }
    for (const n of tableNames(o)) if (!g.names.includes(n)) g.names.push(n);
    for (const c of columnNames(o)) g.columns.add(c);
    if (!o.partial) g.partial = false;
    g.sources.add(o.source);
  }
  const index = new Map<string, TableGroup[]>();
  for (const g of byName.values()) {
    for (const b of new Set(g.names.map(bare))) {
      const list = index.get(b);
      if (list) list.push(g);
      else index.set(b, [g]);
    }
  }
  return index;
}

function matchingGroups(index: Map<string, TableGroup[]>, collection: string): TableGroup[] {
  const c = lower(collection);
  return (index.get(bare(c)) ?? []).filter((g) => g.names.some((n) => namesMatch(c, n)));
}

/** Declared collections indexed by bare name, each with its top-level field names. */
interface DeclaredCollection {
  dataset: string;
  name: string;
  /** Top-level field names, lower-case (`address` for `address.city`). */
  fields: Set<string>;
  /** Whole field names, lower-case: cookie names may hold dots (`connect.sid`). */
  names: Set<string>;
  first: DeclaredField;
}

function groupDeclared(declared: readonly DeclaredField[]): { index: Map<string, DeclaredCollection[]>; all: DeclaredCollection[] } {
  const byKey = new Map<string, DeclaredCollection>();
  for (const d of declared) {
    const k = `${d.dataset}\u0000${lower(d.collection)}`;
    let c = byKey.get(k);
    if (!c) {
      c = { dataset: d.dataset, name: lower(d.collection), fields: new Set(), names: new Set(), first: d };
      byKey.set(k, c);
    }
    c.fields.add(topField(d.field));
    c.names.add(lower(d.field));
  }
  const index = new Map<string, DeclaredCollection[]>();
  for (const c of byKey.values()) {
    const b = bare(c.name);
    const list = index.get(b);
    if (list) list.push(c);
    else index.set(b, [c]);
  }
  return { index, all: [...byKey.values()] };
}

function isDeclared(index: Map<string, DeclaredCollection[]>, o: ObservedFieldDetail): boolean {
  const cols = columnNames(o);
  for (const t of tableNames(o)) {
    for (const c of index.get(bare(t)) ?? []) {
      if (namesMatch(c.name, t) && cols.some((col) => c.fields.has(col))) return true;
    }
  }
  return false;
}

/** Where a cookie's origin may be declared: the origin, its host, or any collection named for cookies. */
function cookieDeclared(declared: readonly DeclaredCollection[], names: ReadonlySet<string>, o: ObservedField): boolean {
  const name = lower(o.column);
  if (names.has(name)) return true;
  let host = '';
  try {
    host = new URL(o.table).host.toLowerCase();
  } catch {
    // the table is not an origin: only cookie-named collections count
  }
  const origin = lower(o.table);
  return declared.some((c) => (c.name === origin || c.name === host || tokenise(c.name).some((w) => w === 'cookie' || w === 'cookies')) && c.names.has(name));
}

function withoutTrailingSlashes(s: string): string {
  let end = s.length;
  while (end > 0 && s.charCodeAt(end - 1) === 47) end--;
  return s.slice(0, end);
}

function splitTable(table: string): { schema: string; table: string } {
  const dot = table.lastIndexOf('.');
  return dot < 0 ? { schema: '', table } : { schema: table.slice(0, dot), table: table.slice(dot + 1) };
}

function rel(baseDir: string, file: string): string {
  if (!path.isAbsolute(file)) return file.split(path.sep).join('/');
  const r = path.relative(baseDir, file);
  return (r.startsWith('..') ? file : r).split(path.sep).join('/');
}

function undeclaredFinding(o: ObservedFieldDetail, c: Classification): Finding {
  const meta = DRIFT_RULES.undeclaredField;
  const where = o.origin === 'postgres' ? `the database ${o.source}` : o.origin === 'cookie' ? `cookies set by ${o.table} (seen by the web scanner at ${o.source})` : `${o.source}${o.line ? `:${o.line}` : ''}`;
  let location: Location;
  let context: string;
  if (o.origin === 'postgres') {
    const t = splitTable(o.table);
    location = { kind: 'database', schema: t.schema, table: t.table };
    context = `${o.source}|${lower(o.column)}`;
  } else if (o.origin === 'cookie') {
    location = { kind: 'web', url: `${withoutTrailingSlashes(o.table)}/`, method: 'GET', param: o.column };
    context = `cookie:${o.column}`;
  } else {
    location = { kind: 'file', path: o.source, ...(o.line ? { startLine: o.line } : {}) };
    context = `${lower(o.table)}.${lower(o.column)}`;
  }
  const what = o.origin === 'cookie' ? `cookie ${o.column}` : `${o.table}.${o.column}`;
  return createFinding({
    scanner: DATAMAP_SCANNER_ID,
    ruleId: meta.id,
    title: `${meta.title}: ${what}`,
    severity: severityOfCategory(c),
    confidence: c.confidence,
    location,
    evidence: `${what}${o.type ? ` (${o.type})` : ''} in ${where} is in no dataset. Suggested category: ${c.category} (${c.confidence} confidence; ${c.reason}).`,
    remediation: meta.remediation,
    tags: ['datamap', 'drift', 'privacy', `category:${c.category}`],
    controls: ['GDPR:Art.30'],
    properties: { table: o.table, column: o.column, origin: o.origin, source: o.source, category: c.category, confidence: c.confidence },
    fingerprintContext: context,
  });
}

/** Compare the data map with what the sources hold; see the module doc. Findings come sorted. */
export function driftFindings(declared: DeclaredField[], observed: ObservedField[], opts: DriftOptions): Finding[] {
  const obs = observed as ObservedFieldDetail[];
  const decl = groupDeclared(declared);
  const cookieNames = new Set((opts.declaredCookies ?? []).map(lower));
  const out: Finding[] = [];
  const seen = new Set<string>();

  // (a) personal data found but not declared
  for (const o of obs) {
    let c: Classification | undefined;
    if (o.origin === 'cookie') {
      if (cookieDeclared(decl.all, cookieNames, o)) continue;
      c = classifyCookie(o.column);
    } else {
      c = classifyColumn(o.column, o.type);
      for (const alias of o.columnAliases ?? []) c ??= classifyColumn(alias, o.type);
      if (!c || isDeclared(decl.index, o)) continue;
    }
    const f = undeclaredFinding(o, c);
    const key = `${f.fingerprint}\u0000${o.line ?? ''}`;
    if (seen.has(key)) continue;
    seen.add(key);
    out.push(f);
  }

  const tables = groupTables(obs);
  if (tables.size === 0) return sortFindings(out);

  // (b) declared fields whose table was found without them
  const reported = new Set<string>();
  for (const d of declared) {
    const groups = matchingGroups(tables, d.collection);
    if (!groups.length || groups.every((g) => g.partial)) continue;
    const top = topField(d.field);
    if (groups.some((g) => g.columns.has(top))) continue;
    const key = `${d.dataset}\u0000${lower(d.collection)}\u0000${top}`;
    if (reported.has(key)) continue;
    reported.add(key);
    const meta = DRIFT_RULES.missingField;
    const sources = [...new Set(groups.flatMap((g) => [...g.sources]))].sort();
    out.push(
      createFinding({
        scanner: DATAMAP_SCANNER_ID,
        ruleId: meta.id,
        title: `${meta.title}: ${d.collection}.${d.field}`,
        severity: 'low',
        confidence: 'medium',
        location: { kind: 'datamap', file: rel(opts.baseDir, d.where.file), pointer: d.where.pointer },
        evidence: `Dataset ${d.dataset} declares ${d.collection}.${d.field} (${d.where.file}:${d.where.line}); ${d.collection} was found without it in ${sources.slice(0, 5).join(', ')}${sources.length > 5 ? ', …' : ''}.`,
        remediation: meta.remediation,
        tags: ['datamap', 'drift', 'privacy'],
        controls: ['GDPR:Art.30'],
        properties: { dataset: d.dataset, collection: d.collection, field: d.field },
        fingerprintContext: `${d.dataset}/${lower(d.collection)}.${lower(d.field)}`,
      }),
    );
  }

  // (c) declared collections found nowhere, in datasets the sources evidently cover
  const found = new Map<string, boolean>();
  for (const c of decl.all) found.set(`${c.dataset}\u0000${c.name}`, matchingGroups(tables, c.name).length > 0);
  const covered = new Set(decl.all.filter((c) => found.get(`${c.dataset}\u0000${c.name}`)).map((c) => c.dataset));
  for (const c of decl.all) {
    if (found.get(`${c.dataset}\u0000${c.name}`) || !covered.has(c.dataset)) continue;
    const meta = DRIFT_RULES.missingCollection;
    const d = c.first;
    const cut = d.where.pointer.indexOf('/fields/');
    const pointer = cut > 0 ? d.where.pointer.slice(0, cut) : d.where.pointer;
    out.push(
      createFinding({
        scanner: DATAMAP_SCANNER_ID,
        ruleId: meta.id,
        title: `${meta.title}: ${d.collection}`,
        severity: 'low',
        confidence: 'medium',
        location: { kind: 'datamap', file: rel(opts.baseDir, d.where.file), pointer },
        evidence: `Dataset ${c.dataset} declares the collection ${d.collection} (${d.where.file}:${d.where.line}); no source read has a table or model of that name, though other collections of ${c.dataset} were found.`,
        remediation: meta.remediation,
        tags: ['datamap', 'drift', 'privacy'],
        controls: ['GDPR:Art.30'],
        properties: { dataset: c.dataset, collection: d.collection },
        fingerprintContext: `${c.dataset}/${c.name}`,
      }),
    );
  }
  return sortFindings(out);
}
