import { readComplianceYaml } from './compliance-data.js';
import type { TaxonomyEntry, TaxonomyKind, TaxonomyLookup } from './types.js';

export const TAXONOMY_KINDS: readonly TaxonomyKind[] = ['data_category', 'data_use', 'data_subject'];

const FILES: Record<TaxonomyKind, string> = {
  data_category: 'data_categories.yaml',
  data_use: 'data_uses.yaml',
  data_subject: 'data_subjects.yaml',
};

/** What a kind is called in messages. */
export const KIND_WORDS: Record<TaxonomyKind, string> = {
  data_category: 'data category',
  data_use: 'data use',
  data_subject: 'data subject',
};

let defaults: TaxonomyEntry[] | undefined;

/** fideslang's default taxonomy as vigil ships it (`compliance/taxonomy/*.yaml`), read once. */
export function defaultTaxonomyEntries(): readonly TaxonomyEntry[] {
  if (defaults) return defaults;
  const out: TaxonomyEntry[] = [];
  for (const kind of TAXONOMY_KINDS) {
    const doc = readComplianceYaml('taxonomy', FILES[kind]);
    const list = doc[kind];
    if (!Array.isArray(list)) throw new Error(`compliance/taxonomy/${FILES[kind]} has no ${kind} list`);
    for (const raw of list as Array<Record<string, unknown>>) {
      const e: TaxonomyEntry = { kind, fides_key: String(raw['fides_key']), is_default: true };
      for (const k of ['name', 'description', 'parent_key', 'version_added', 'version_deprecated', 'replaced_by'] as const) {
        const v = raw[k];
        if (typeof v === 'string') e[k] = v;
      }
      out.push(e);
    }
  }
  defaults = out;
  return out;
}

/**
 * The merged taxonomy: the defaults, then the data map's own entries (which take the place of a
 * default of the same key, as Fides merges a user taxonomy over its defaults). Hierarchy follows
 * `parent_key`; data subjects are flat, as `fides evaluate` treats them.
 */
export class Taxonomy implements TaxonomyLookup {
  private readonly byKind = new Map<TaxonomyKind, Map<string, TaxonomyEntry>>();
  private readonly lineages = new Map<string, string[]>();

  constructor(entries: Iterable<TaxonomyEntry>) {
    for (const kind of TAXONOMY_KINDS) this.byKind.set(kind, new Map());
    for (const e of entries) this.byKind.get(e.kind)!.set(e.fides_key, e);
  }

  /** The defaults alone. */
  static defaults(): Taxonomy {
    return new Taxonomy(defaultTaxonomyEntries());
  }

  get(kind: TaxonomyKind, key: string): TaxonomyEntry | undefined {
    return this.byKind.get(kind)!.get(key);
  }

  has(kind: TaxonomyKind, key: string): boolean {
    return this.byKind.get(kind)!.has(key);
  }

  lineage(kind: TaxonomyKind, key: string): string[] {
    if (kind === 'data_subject') return [key];
    const cacheKey = `${kind}\u0000${key}`;
    const cached = this.lineages.get(cacheKey);
    if (cached) return cached;
    const out = [key];
    const seen = new Set(out);
    let cur = this.get(kind, key);
    // a parent_key cycle cannot pass the loader (a parent is its key minus the last segment); `seen` guards anyway
    while (cur?.parent_key && !seen.has(cur.parent_key)) {
      out.push(cur.parent_key);
      seen.add(cur.parent_key);
      cur = this.get(kind, cur.parent_key);
    }
    this.lineages.set(cacheKey, out);
    return out;
  }

  covers(kind: TaxonomyKind, ancestor: string, key: string): boolean {
    return this.lineage(kind, key).includes(ancestor);
  }

  entries(kind: TaxonomyKind): TaxonomyEntry[] {
    return [...this.byKind.get(kind)!.values()];
  }
}

/** True when any of `ancestors` covers `key`. */
export function coveredByAny(t: TaxonomyLookup, kind: TaxonomyKind, ancestors: readonly string[], key: string): boolean {
  const line = t.lineage(kind, key);
  return ancestors.some((a) => line.includes(a));
}
