import { readdir, stat } from 'node:fs/promises';
import path from 'node:path';
import { VigilError } from '../../src/errors.js';
import type { PathSegment } from '../../src/config/problem.js';
import { closest } from '../../src/config/suggest.js';
import { parseYamlSource, type YamlLocator } from '../../src/config/yaml-source.js';
import { maxInputBytes, readTextInput } from '../../src/util/read-input.js';
import { countryNames } from './adequacy.js';
import { legacyKey } from './fideslang-1.js';
import { checkResourceFile } from './schema-check.js';
import { KIND_WORDS, Taxonomy, defaultTaxonomyEntries } from './taxonomy.js';
import type {
  ContactDetails,
  DataFlow,
  DataMap,
  DataMapNote,
  Dataset,
  DatasetCollection,
  DatasetField,
  DeclaredField,
  DeclarationExtension,
  NoticeAtCollection,
  Organization,
  Policy,
  PolicyRule,
  PrivacyDeclaration,
  PrivacyRule,
  RightHandling,
  RightsHandling,
  System,
  TaxonomyEntry,
  TaxonomyKind,
  Transfer,
  Where,
} from './types.js';

export type * from './types.js';

/** The top-level keys of a Fides resource file, in the order vigil reads them. */
export const RESOURCE_KEYS = ['organization', 'data_category', 'data_use', 'data_subject', 'dataset', 'system', 'policy'] as const;

const CODES = { parse: 'VIGIL_ERR_DATAMAP_PARSE', invalid: 'VIGIL_ERR_DATAMAP_INVALID' } as const;

type Raw = Record<string, unknown>;

/** One parsed file: its name (as given), its value and where its paths are. */
interface SourceFile {
  file: string;
  value: Raw;
  locator: YamlLocator;
}

/** One resource as written: the file it is in and its key path there. */
interface Located {
  src: SourceFile;
  path: PathSegment[];
  raw: Raw;
}

/**
 * Load a data map: Fides resource files (fideslang 2.x/3.x), given as files or folders (a folder
 * is read recursively for `*.yml` and `*.yaml`, e.g. `.fides/`). Every file is checked against
 * compliance/datamap.schema.json; taxonomy keys are checked against fideslang's default taxonomy
 * plus the map's own entries (fideslang 1.x keys are mapped to 2.x with a note when the mapping
 * is known, refused naming the replacement when it is not); dataset_references, parent_key,
 * egress/ingress and transfer countries must name something that exists. Every problem is a
 * VigilError with an exit-2 code naming file:line:column and the key.
 */
export async function loadDataMap(paths: string[]): Promise<DataMap> {
  const files = await dataMapFiles(paths);
  const sources: SourceFile[] = [];
  const notes = new Notes();
  for (const file of files) {
    const text = await readTextInput(file, maxInputBytes());
    const { value, locator } = parseYamlSource(text, file, CODES);
    if (value === null || value === undefined) {
      notes.add(`empty:${file}`, 'the file is empty: no resources read', { file, line: 1, column: 1, pointer: '' });
      continue;
    }
    checkResourceFile(value, file, locator);
    sources.push({ file, value: value as Raw, locator });
  }
  return new Loader(sources, notes).load(files);
}

/** The files a data map is read from: each file as given, each folder's `*.yml`/`*.yaml` recursively; sorted. */
export async function dataMapFiles(paths: readonly string[]): Promise<string[]> {
  const out = new Set<string>();
  for (const p of paths) {
    const st = await stat(p).catch(() => undefined);
    if (!st) throw new VigilError('VIGIL_ERR_INPUT_NOT_FOUND', 'no such data map file or folder', { file: p });
    if (st.isFile()) out.add(p);
    else if (st.isDirectory()) for (const f of await walkYaml(p)) out.add(f);
  }
  if (out.size === 0) {
    throw new VigilError('VIGIL_ERR_INPUT_NOT_FOUND', 'no *.yml or *.yaml Fides resource files here', { file: paths.join(', ') });
  }
  return [...out].sort();
}

async function walkYaml(dir: string): Promise<string[]> {
  const out: string[] = [];
  const entries = await readdir(dir, { withFileTypes: true });
  for (const e of entries) {
    const full = path.join(dir, e.name);
    // symlinked folders are not followed: a link back up would walk forever
    if (e.isDirectory()) {
      if (e.name === 'node_modules' || e.name === '.git') continue;
      out.push(...(await walkYaml(full)));
    } else if (e.isFile() && (e.name.endsWith('.yml') || e.name.endsWith('.yaml'))) out.push(full);
  }
  return out;
}

/** RFC 6901 pointer of a key path. */
export function jsonPointer(p: readonly PathSegment[]): string {
  return p.map((s) => `/${String(s).replace(/~/g, '~0').replace(/\//g, '~1')}`).join('');
}

/** Notes said once each, in the order first met. */
class Notes {
  private readonly seen = new Map<string, DataMapNote>();
  add(id: string, message: string, where: Where): void {
    if (!this.seen.has(id)) this.seen.set(id, { message, where });
  }
  list(): DataMapNote[] {
    return [...this.seen.values()];
  }
}

class Loader {
  private taxonomy!: Taxonomy;

  constructor(
    private readonly sources: SourceFile[],
    private readonly notes: Notes,
  ) {}

  load(files: string[]): DataMap {
    this.taxonomy = this.buildTaxonomy();
    const organizations = this.each('organization').map((l) => this.organization(l));
    const datasets = this.each('dataset').map((l) => this.dataset(l));
    const systems = this.each('system').map((l) => this.system(l));
    const policies = this.each('policy').map((l) => this.policy(l));
    this.unique('organization', organizations);
    this.unique('dataset', datasets);
    this.unique('system', systems);
    this.unique('policy', policies);
    this.checkReferences(systems, datasets);
    return { files, systems, datasets, policies, organizations, taxonomy: this.taxonomy, notes: this.notes.list() };
  }

  // ---- positions and errors -----------------------------------------------------------------

  private where(src: SourceFile, p: PathSegment[], at: 'key' | 'value' = 'value'): Where {
    const { line, column } = src.locator.locate(p, at);
    return { file: src.file, line, column, pointer: jsonPointer(p) };
  }

  private fail(src: SourceFile, p: PathSegment[], problem: string, at: 'key' | 'value' = 'value'): never {
    const w = this.where(src, p, at);
    throw new VigilError('VIGIL_ERR_DATAMAP_INVALID', `${pathText(p)}: ${problem}`, { file: w.file, line: w.line, column: w.column });
  }

  private each(key: (typeof RESOURCE_KEYS)[number]): Located[] {
    const out: Located[] = [];
    for (const src of this.sources) {
      const list = src.value[key];
      if (!Array.isArray(list)) continue;
      list.forEach((raw, i) => out.push({ src, path: [key, i], raw: raw as Raw }));
    }
    return out;
  }

  /** Two resources of one type with one fides_key is a mistake Fides would silently resolve by order. */
  private unique(kind: string, items: Array<{ fides_key: string; where: Where }>): void {
    const first = new Map<string, Where>();
    for (const it of items) {
      const prev = first.get(it.fides_key);
      if (prev) {
        throw new VigilError('VIGIL_ERR_DATAMAP_INVALID', `${pathText([...pointerPath(it.where.pointer), 'fides_key'])}: ${kind} "${it.fides_key}" is defined twice (first at ${prev.file}:${prev.line})`, it.where);
      }
      first.set(it.fides_key, it.where);
    }
  }

  // ---- taxonomy ----------------------------------------------------------------------------

  private buildTaxonomy(): Taxonomy {
    const own: Array<{ entry: TaxonomyEntry; loc: Located }> = [];
    const seen = new Map<string, Located>();
    for (const kind of ['data_category', 'data_use', 'data_subject'] as const) {
      for (const loc of this.each(kind)) {
        const r = loc.raw;
        const key = String(r['fides_key']);
        const id = `${kind}\u0000${key}`;
        const prev = seen.get(id);
        if (prev) this.fail(loc.src, [...loc.path, 'fides_key'], `${KIND_WORDS[kind]} "${key}" is defined twice (first at ${prev.src.file}:${this.where(prev.src, prev.path).line})`);
        seen.set(id, loc);
        const entry: TaxonomyEntry = { kind, fides_key: key, is_default: false, where: this.where(loc.src, loc.path) };
        for (const k of ['name', 'description', 'version_added', 'version_deprecated', 'replaced_by'] as const) {
          const v = str(r[k]);
          if (v !== undefined) entry[k] = v;
        }
        const parent = str(r['parent_key']);
        if (parent !== undefined) entry.parent_key = parent;
        if (kind === 'data_subject') this.subjectExtras(entry, loc);
        if (kind === 'data_use') {
          for (const old of ['legal_basis', 'special_category', 'recipients', 'legitimate_interest', 'legitimate_interest_impact_assessment']) {
            if (r[old] !== undefined && r[old] !== null) {
              this.notes.add(`use-field:${old}`, `data_use.${old} is deprecated (fideslang 2.x) and ignored: vigil reads the privacy declarations' legal_basis_for_processing, special_category_legal_basis and third_parties`, this.where(loc.src, [...loc.path, old], 'key'));
            }
          }
        }
        own.push({ entry, loc });
      }
    }
    const ownKeys = new Set(own.map((o) => `${o.entry.kind}\u0000${o.entry.fides_key}`));
    const merged = [...defaultTaxonomyEntries().filter((e) => !ownKeys.has(`${e.kind}\u0000${e.fides_key}`)), ...own.map((o) => o.entry)];
    const t = new Taxonomy(merged);
    for (const { entry, loc } of own) {
      if (entry.kind === 'data_subject') {
        if (entry.parent_key !== undefined) this.fail(loc.src, [...loc.path, 'parent_key'], 'data subjects have no parent_key in fideslang', 'key');
        continue;
      }
      const expected = entry.fides_key.includes('.') ? entry.fides_key.slice(0, entry.fides_key.lastIndexOf('.')) : undefined;
      if (entry.parent_key !== expected) {
        this.fail(
          loc.src,
          [...loc.path, entry.parent_key === undefined ? 'fides_key' : 'parent_key'],
          expected === undefined
            ? `a top-level ${KIND_WORDS[entry.kind]} has no parent_key (got "${entry.parent_key}")`
            : `parent_key must be "${expected}", the key without its last part, as fideslang requires (got ${entry.parent_key === undefined ? 'none' : `"${entry.parent_key}"`})`,
        );
      }
      if (entry.parent_key !== undefined && !t.has(entry.kind, entry.parent_key)) {
        this.fail(loc.src, [...loc.path, 'parent_key'], `parent_key "${entry.parent_key}" is no ${KIND_WORDS[entry.kind]}: neither the default taxonomy nor this data map defines it`);
      }
    }
    return t;
  }

  private subjectExtras(entry: TaxonomyEntry, loc: Located): void {
    const r = loc.raw;
    const rights = r['rights'] as Raw | null | undefined;
    if (rights) entry.rights = { strategy: rights['strategy'] as NonNullable<TaxonomyEntry['rights']>['strategy'], values: (rights['values'] as NonNullable<TaxonomyEntry['rights']>['values'] | null) ?? [] };
    if (typeof r['automated_decisions_or_profiling'] === 'boolean') entry.automated_decisions_or_profiling = r['automated_decisions_or_profiling'];
    const ext = r['vigil'] as Raw | undefined;
    if (ext?.['rights_handling']) entry.vigil = { rights_handling: this.rightsHandling(loc.src, [...loc.path, 'vigil', 'rights_handling'], ext['rights_handling'] as Raw) };
  }

  /**
   * The fideslang 2.x key for a key written in the map: itself when the taxonomy has it (noting a
   * deprecation), its 2.x replacement when it is a fideslang 1.x key with a known one, and an error
   * otherwise.
   */
  private resolveKey(kind: TaxonomyKind, key: string, src: SourceFile, p: PathSegment[]): string {
    const entry = this.taxonomy.get(kind, key);
    if (entry) {
      if (entry.version_deprecated && entry.replaced_by) {
        this.notes.add(`deprecated:${kind}:${key}`, `${KIND_WORDS[kind]} "${key}" is deprecated since fideslang ${entry.version_deprecated}; use "${entry.replaced_by}" (read as written)`, this.where(src, p));
      }
      return key;
    }
    const legacy = kind === 'data_subject' ? undefined : legacyKey(kind, key);
    if (legacy?.kind === 'mapped' && this.taxonomy.has(kind, legacy.to)) {
      this.notes.add(`legacy:${kind}:${key}`, `fideslang 1.x ${KIND_WORDS[kind]} "${key}" read as its fideslang 2.x key "${legacy.to}"; write "${legacy.to}" to silence this`, this.where(src, p));
      return legacy.to;
    }
    if (legacy?.kind === 'refused') {
      this.fail(src, p, `"${key}" is a fideslang 1.x ${KIND_WORDS[kind]} with no fideslang 2.x equivalent (${legacy.why}): replace it with "${legacy.use}" or a key below it`);
    }
    const near = closest(key, this.taxonomy.entries(kind).map((e) => e.fides_key));
    this.fail(src, p, `unknown ${KIND_WORDS[kind]} "${key}": neither fideslang's default taxonomy nor this data map defines it${near ? ` (did you mean "${near}"?)` : ''}; declare it under "${kind}:" to extend the taxonomy`);
  }

  private keys(kind: TaxonomyKind, v: unknown, src: SourceFile, p: PathSegment[]): string[] {
    if (!Array.isArray(v)) return [];
    const out: string[] = [];
    v.forEach((k, i) => {
      const key = this.resolveKey(kind, String(k), src, [...p, i]);
      if (!out.includes(key)) out.push(key);
    });
    return out;
  }

  private ignoreQualifier(raw: Raw, src: SourceFile, p: PathSegment[]): void {
    for (const k of ['data_qualifier', 'data_qualifiers']) {
      if (raw[k] !== undefined && raw[k] !== null) {
        this.notes.add('qualifier', `${k} is ignored: fideslang 3.0 removed data qualifiers`, this.where(src, [...p, k], 'key'));
      }
    }
  }

  // ---- resources ---------------------------------------------------------------------------

  private organization(l: Located): Organization {
    const r = l.raw;
    const ext = (r['vigil'] ?? {}) as Raw;
    const org: Organization = { fides_key: String(r['fides_key']), vigil: {}, where: this.where(l.src, l.path) };
    assignStrings(org, r, ['name', 'description', 'security_policy']);
    for (const k of ['controller', 'data_protection_officer', 'representative'] as const) {
      const c = contact(r[k]);
      if (c) org[k] = c;
    }
    const ccpa = ext['ccpa'] as Raw | undefined;
    if (ccpa) {
      const cp = [...l.path, 'vigil', 'ccpa'];
      org.vigil.ccpa = { applies: ccpa['applies'] as boolean, where: this.where(l.src, cp) };
      assignStrings(org.vigil.ccpa, ccpa, ['reason', 'do_not_sell_or_share_url', 'limit_use_url']);
      if (ccpa['notice_at_collection']) org.vigil.ccpa.notice_at_collection = this.notice(l.src, [...cp, 'notice_at_collection'], ccpa['notice_at_collection'] as Raw);
    }
    if (ext['rights_handling']) org.vigil.rights_handling = this.rightsHandling(l.src, [...l.path, 'vigil', 'rights_handling'], ext['rights_handling'] as Raw);
    return org;
  }

  private notice(src: SourceFile, p: PathSegment[], r: Raw): NoticeAtCollection {
    return {
      url: String(r['url']),
      categories: this.keys('data_category', r['categories'], src, [...p, 'categories']),
      purposes: this.keys('data_use', r['purposes'], src, [...p, 'purposes']),
      where: this.where(src, p),
    };
  }

  private rightsHandling(src: SourceFile, p: PathSegment[], r: Raw): RightsHandling {
    const out: RightsHandling = {};
    for (const k of ['access', 'erasure', 'objection', 'rectification', 'portability', 'restriction'] as const) {
      const v = r[k] as Raw | undefined;
      if (v) out[k] = { how: String(v['how']), deadline_days: Number(v['deadline_days']), where: this.where(src, [...p, k]) } satisfies RightHandling;
    }
    return out;
  }

  private dataset(l: Located): Dataset {
    const r = l.raw;
    this.ignoreQualifier(r, l.src, l.path);
    if (Array.isArray(r['third_country_transfers']) && r['third_country_transfers'].length) {
      this.notes.add('dataset-transfers', 'dataset.third_country_transfers is deprecated (fideslang 2.x) and ignored: state transfers on the system, under vigil.transfers', this.where(l.src, [...l.path, 'third_country_transfers'], 'key'));
    }
    const ds: Dataset = {
      fides_key: String(r['fides_key']),
      organization_fides_key: str(r['organization_fides_key']) ?? 'default_organization',
      ...this.labels(r, l.src, l.path),
      collections: [],
      where: this.where(l.src, l.path),
    };
    assignStrings(ds, r, ['name', 'description', 'retention']);
    if (r['fides_meta'] && typeof r['fides_meta'] === 'object') ds.fides_meta = r['fides_meta'] as Record<string, unknown>;
    (r['collections'] as Raw[]).forEach((c, i) => {
      const cp = [...l.path, 'collections', i];
      this.ignoreQualifier(c, l.src, cp);
      const col: DatasetCollection = { name: String(c['name']), ...this.labels(c, l.src, cp), fields: this.fields(c['fields'], l.src, [...cp, 'fields']), where: this.where(l.src, cp) };
      assignStrings(col, c, ['description', 'retention']);
      ds.collections.push(col);
    });
    return ds;
  }

  /** data_categories, data_uses (or its deprecated alias data_purposes) and data_subjects of a dataset, collection or field. */
  private labels(r: Raw, src: SourceFile, p: PathSegment[]): { data_categories: string[]; data_uses: string[]; data_subjects: string[] } {
    const usesKey = r['data_uses'] !== undefined && r['data_uses'] !== null ? 'data_uses' : 'data_purposes';
    return {
      data_categories: this.keys('data_category', r['data_categories'], src, [...p, 'data_categories']),
      data_uses: this.keys('data_use', r[usesKey], src, [...p, usesKey]),
      data_subjects: this.keys('data_subject', r['data_subjects'], src, [...p, 'data_subjects']),
    };
  }

  private fields(v: unknown, src: SourceFile, p: PathSegment[]): DatasetField[] {
    if (!Array.isArray(v)) return [];
    return (v as Raw[]).map((f, i) => {
      const fp = [...p, i];
      this.ignoreQualifier(f, src, fp);
      const field: DatasetField = { name: String(f['name']), ...this.labels(f, src, fp), fields: this.fields(f['fields'], src, [...fp, 'fields']), where: this.where(src, fp) };
      assignStrings(field, f, ['description', 'retention']);
      return field;
    });
  }

  private flows(v: unknown, src: SourceFile, p: PathSegment[]): DataFlow[] {
    if (!Array.isArray(v)) return [];
    return (v as Raw[]).map((f, i) => ({
      fides_key: String(f['fides_key']),
      type: f['type'] as DataFlow['type'],
      data_categories: this.keys('data_category', f['data_categories'], src, [...p, i, 'data_categories']),
      where: this.where(src, [...p, i]),
    }));
  }

  private system(l: Located): System {
    const r = l.raw;
    const { src } = l;
    const ext = (r['vigil'] ?? {}) as Raw;
    const sys: System = {
      fides_key: String(r['fides_key']),
      organization_fides_key: str(r['organization_fides_key']) ?? 'default_organization',
      tags: strList(r['tags']),
      system_type: String(r['system_type']),
      egress: this.flows(r['egress'], src, [...l.path, 'egress']),
      ingress: this.flows(r['ingress'], src, [...l.path, 'ingress']),
      privacy_declarations: [],
      dataset_references: strList(r['dataset_references']),
      processes_personal_data: bool(r['processes_personal_data'], true),
      exempt_from_privacy_regulations: bool(r['exempt_from_privacy_regulations'], false),
      uses_profiling: bool(r['uses_profiling'], false),
      legal_basis_for_profiling: strList(r['legal_basis_for_profiling']),
      does_international_transfers: bool(r['does_international_transfers'], false),
      legal_basis_for_transfers: strList(r['legal_basis_for_transfers']),
      requires_data_protection_assessments: bool(r['requires_data_protection_assessments'], false),
      responsibility: strList(r['responsibility']) as System['responsibility'],
      uses_cookies: bool(r['uses_cookies'], false),
      cookies: Array.isArray(r['cookies']) ? (r['cookies'] as Raw[]).map((c) => ({ name: String(c['name']), ...(str(c['path']) ? { path: str(c['path'])! } : {}), ...(str(c['domain']) ? { domain: str(c['domain'])! } : {}) })) : [],
      vigil: { transfers: [] },
      where: this.where(src, l.path),
    };
    assignStrings(sys, r, [
      'name', 'description', 'administrating_department', 'vendor_id', 'reason_for_exemption', 'dpa_location', 'dpa_progress',
      'privacy_policy', 'legal_name', 'legal_address', 'dpo', 'joint_controller_info', 'data_security_practices',
    ]);
    this.legacySystemFields(sys, l);
    const transfers = ext['transfers'];
    if (Array.isArray(transfers)) {
      const names = countryNames();
      (transfers as Raw[]).forEach((t, i) => {
        const tp = [...l.path, 'vigil', 'transfers', i];
        const country = String(t['country']);
        if (!names.has(country)) {
          this.fail(src, [...tp, 'country'], `"${country}" is not an ISO 3166-1 alpha-2 country code (compliance/countries.yaml lists the 249 assigned codes)`);
        }
        const tr: Transfer = { country, where: this.where(src, tp) };
        if (typeof t['mechanism'] === 'string') tr.mechanism = t['mechanism'] as Transfer['mechanism'] & string;
        if (typeof t['recipient'] === 'string') tr.recipient = t['recipient'];
        if (typeof t['dpf_certified'] === 'boolean') tr.dpf_certified = t['dpf_certified'];
        if (typeof t['reference'] === 'string') tr.reference = t['reference'];
        sys.vigil.transfers.push(tr);
      });
    }
    const dpia = ext['dpia'] as Raw | undefined;
    if (dpia) {
      sys.vigil.dpia = { location: String(dpia['location']), status: dpia['status'] as 'complete', where: this.where(src, [...l.path, 'vigil', 'dpia']) };
      if (typeof dpia['date'] === 'string') sys.vigil.dpia.date = dpia['date'];
    }
    (r['privacy_declarations'] as Raw[]).forEach((d, i) => sys.privacy_declarations.push(this.declaration(d, i, src, [...l.path, 'privacy_declarations', i])));
    return sys;
  }

  /** fideslang 2.x's deprecated system fields, read as their 3.x successors, with a note each. */
  private legacySystemFields(sys: System, l: Located): void {
    const r = l.raw;
    const at = (k: string) => this.where(l.src, [...l.path, k], 'key');
    const title = str(r['data_responsibility_title']);
    if (title) {
      if (!sys.responsibility.includes(title as 'Controller')) sys.responsibility.push(title as 'Controller');
      this.notes.add('legacy:data_responsibility_title', 'system.data_responsibility_title (fideslang 2.x, deprecated) read as responsibility', at('data_responsibility_title'));
    }
    const jc = contact(r['joint_controller']);
    if (jc) {
      sys.joint_controller_info ??= [jc.name, jc.address, jc.email, jc.phone].filter(Boolean).join(', ');
      this.notes.add('legacy:joint_controller', 'system.joint_controller (fideslang 2.x, deprecated) read as joint_controller_info', at('joint_controller'));
    }
    const dpia = r['data_protection_impact_assessment'] as Raw | null | undefined;
    if (dpia) {
      if (dpia['is_required'] === true) sys.requires_data_protection_assessments = true;
      const link = str(dpia['link']);
      const progress = str(dpia['progress']);
      if (link && !sys.vigil.dpia) sys.vigil.dpia = { location: link, status: /^complete/i.test(progress ?? '') ? 'complete' : 'in_progress', where: this.where(l.src, [...l.path, 'data_protection_impact_assessment']) };
      this.notes.add('legacy:dpia', 'system.data_protection_impact_assessment (fideslang 2.x, deprecated) read as requires_data_protection_assessments and vigil.dpia', at('data_protection_impact_assessment'));
    }
    const ttc = strList(r['third_country_transfers']);
    if (ttc.length) {
      sys.does_international_transfers = true;
      this.notes.add(`legacy:ttc:${sys.fides_key}`, `system.third_country_transfers (fideslang 2.x, deprecated; ${ttc.join(', ')}) read as does_international_transfers: true; state each destination and its mechanism under vigil.transfers (ISO alpha-2)`, at('third_country_transfers'));
    }
  }

  private declaration(d: Raw, index: number, src: SourceFile, p: PathSegment[]): PrivacyDeclaration {
    this.ignoreQualifier(d, src, p);
    const ext = (d['vigil'] ?? {}) as Raw;
    const decl: PrivacyDeclaration = {
      index,
      data_categories: this.keys('data_category', d['data_categories'], src, [...p, 'data_categories']),
      data_use: this.resolveKey('data_use', String(d['data_use']), src, [...p, 'data_use']),
      data_subjects: this.keys('data_subject', d['data_subjects'], src, [...p, 'data_subjects']),
      dataset_references: strList(d['dataset_references']),
      egress: strList(d['egress']),
      ingress: strList(d['ingress']),
      features: strList(d['features']),
      flexible_legal_basis_for_processing: bool(d['flexible_legal_basis_for_processing'], true),
      processes_special_category_data: bool(d['processes_special_category_data'], false),
      data_shared_with_third_parties: bool(d['data_shared_with_third_parties'], false),
      shared_categories: this.keys('data_category', d['shared_categories'], src, [...p, 'shared_categories']),
      vigil: this.declarationExtension(ext, src, [...p, 'vigil']),
      where: this.where(src, p),
    };
    assignStrings(decl, d, ['name', 'legal_basis_for_processing', 'impact_assessment_location', 'retention_period', 'special_category_legal_basis', 'third_parties']);
    return decl;
  }

  private declarationExtension(ext: Raw, src: SourceFile, p: PathSegment[]): DeclarationExtension {
    const out: DeclarationExtension = {};
    const count = ext['subject_count'];
    if (typeof count === 'number' || count === 'unknown') out.subject_count = count;
    if (typeof ext['systematic_monitoring'] === 'boolean') out.systematic_monitoring = ext['systematic_monitoring'];
    const crim = ext['criminal_offence_basis'] as Raw | undefined;
    if (crim) out.criminal_offence_basis = { basis: crim['basis'] as 'official_authority', ...(typeof crim['law'] === 'string' ? { law: crim['law'] } : {}) };
    const ccpa = ext['ccpa'] as Raw | undefined;
    if (ccpa) {
      const c: NonNullable<DeclarationExtension['ccpa']> = {};
      for (const k of ['sale', 'share', 'under_16', 'minors_opt_in'] as const) if (typeof ccpa[k] === 'boolean') c[k] = ccpa[k];
      if (ccpa['sensitive_use'] === 'permitted' || ccpa['sensitive_use'] === 'beyond') c.sensitive_use = ccpa['sensitive_use'];
      assignStrings(c, ccpa, ['do_not_sell_or_share_url', 'limit_use_url']);
      if (ccpa['notice_at_collection']) c.notice_at_collection = this.notice(src, [...p, 'ccpa', 'notice_at_collection'], ccpa['notice_at_collection'] as Raw);
      out.ccpa = c;
    }
    return out;
  }

  private policy(l: Located): Policy {
    const r = l.raw;
    const part = (rule: Raw, k: 'data_categories' | 'data_uses' | 'data_subjects', kind: TaxonomyKind, rp: PathSegment[]): PrivacyRule => {
      const v = rule[k] as Raw;
      return { matches: v['matches'] as PrivacyRule['matches'], values: this.keys(kind, v['values'], l.src, [...rp, k, 'values']) };
    };
    const pol: Policy = {
      fides_key: String(r['fides_key']),
      rules: (r['rules'] as Raw[]).map((rule, i): PolicyRule => {
        const rp = [...l.path, 'rules', i];
        this.ignoreQualifier(rule, l.src, rp);
        return {
          name: String(rule['name']),
          data_categories: part(rule, 'data_categories', 'data_category', rp),
          data_uses: part(rule, 'data_uses', 'data_use', rp),
          data_subjects: part(rule, 'data_subjects', 'data_subject', rp),
          where: this.where(l.src, rp),
        };
      }),
      where: this.where(l.src, l.path),
    };
    assignStrings(pol, r, ['name', 'description']);
    return pol;
  }

  // ---- references between resources ---------------------------------------------------------

  private checkReferences(systems: System[], datasets: Dataset[]): void {
    const known = new Set(datasets.map((d) => d.fides_key));
    const bySource = new Map(this.sources.map((s) => [s.file, s]));
    const failAt = (w: Where, field: string, index: number | undefined, problem: string): never => {
      const src = bySource.get(w.file)!;
      const base = pointerPath(w.pointer);
      this.fail(src, index === undefined ? [...base, field] : [...base, field, index], problem);
    };
    const checkRefs = (refs: string[], w: Where) => {
      refs.forEach((ref, i) => {
        if (!known.has(ref)) {
          const near = closest(ref, [...known]);
          failAt(w, 'dataset_references', i, `dataset_references names "${ref}", but no dataset has that fides_key${near ? ` (did you mean "${near}"?)` : known.size ? '' : ' (the data map defines no dataset)'}`);
        }
      });
    };
    for (const sys of systems) {
      checkRefs(sys.dataset_references, sys.where);
      for (const d of sys.privacy_declarations) {
        checkRefs(d.dataset_references, d.where);
        for (const dir of ['egress', 'ingress'] as const) {
          const flows = new Set(sys[dir].map((f) => f.fides_key));
          d[dir].forEach((k, i) => {
            if (!flows.has(k)) failAt(d.where, dir, i, `${dir} names "${k}", but system "${sys.fides_key}" defines no ${dir} data flow with that fides_key`);
          });
        }
      }
    }
  }
}

// ---- small readers --------------------------------------------------------------------------

function str(v: unknown): string | undefined {
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  return undefined;
}

function strList(v: unknown): string[] {
  return Array.isArray(v) ? v.filter((x) => x !== null && x !== undefined).map(String) : [];
}

function bool(v: unknown, dflt: boolean): boolean {
  return typeof v === 'boolean' ? v : dflt;
}

function contact(v: unknown): ContactDetails | undefined {
  if (!v || typeof v !== 'object') return undefined;
  const out: ContactDetails = {};
  assignStrings(out, v as Raw, ['name', 'address', 'email', 'phone']);
  return Object.keys(out).length ? out : undefined;
}

/** Copy the non-empty string values of `keys` from `raw` onto `target`. */
function assignStrings<T extends object>(target: T, raw: Raw, keys: readonly string[]): void {
  for (const k of keys) {
    const v = str(raw[k]);
    if (v !== undefined && v.trim() !== '') (target as Record<string, unknown>)[k] = v;
  }
}

function pathText(p: readonly PathSegment[]): string {
  let s = '';
  for (const seg of p) s += typeof seg === 'number' ? `[${seg}]` : s ? `.${seg}` : seg;
  return s;
}

function pointerPath(pointer: string): PathSegment[] {
  if (!pointer) return [];
  return pointer
    .slice(1)
    .split('/')
    .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'))
    .map((s) => (/^\d+$/.test(s) ? Number(s) : s));
}

/**
 * The fields the datasets declare, nested fields flattened with dots (`address.city`), for drift.
 * A field's categories are its own, else its nearest parent field's, else its collection's, else its
 * dataset's.
 */
export function declaredFields(map: Pick<DataMap, 'datasets'>): DeclaredField[] {
  const out: DeclaredField[] = [];
  for (const ds of map.datasets) {
    for (const col of ds.collections) {
      const inherited = col.data_categories.length ? col.data_categories : ds.data_categories;
      const walk = (fields: DatasetField[], prefix: string, parentCats: string[]) => {
        for (const f of fields) {
          const categories = f.data_categories.length ? f.data_categories : parentCats;
          out.push({ dataset: ds.fides_key, collection: col.name, field: `${prefix}${f.name}`, categories: [...categories], where: f.where });
          walk(f.fields, `${prefix}${f.name}.`, categories);
        }
      };
      walk(col.fields, '', inherited);
    }
  }
  return out;
}
