import { readComplianceYaml } from './compliance-data.js';
import type { TaxonomyKind } from './types.js';

/** What vigil does with a fideslang 1.x key (see compliance/taxonomy/fideslang-1-mapping.yaml). */
export type LegacyKey = { kind: 'mapped'; to: string } | { kind: 'refused'; use: string; why: string };

interface Mapping {
  map: Map<string, string>;
  refuse: Map<string, { use: string; why: string }>;
}

let mappings: Partial<Record<TaxonomyKind, Mapping>> | undefined;

function load(): Partial<Record<TaxonomyKind, Mapping>> {
  if (mappings) return mappings;
  const doc = readComplianceYaml('taxonomy', 'fideslang-1-mapping.yaml');
  const out: Partial<Record<TaxonomyKind, Mapping>> = {};
  for (const kind of ['data_category', 'data_use'] as const) {
    const section = (doc[kind] ?? {}) as { map?: Record<string, string>; refuse?: Record<string, { use: string; why: string }> };
    out[kind] = { map: new Map(Object.entries(section.map ?? {})), refuse: new Map(Object.entries(section.refuse ?? {})) };
  }
  mappings = out;
  return out;
}

/** The 1.x → 2.x verdict for a key the taxonomy does not have; undefined when it is no known 1.x key. */
export function legacyKey(kind: TaxonomyKind, key: string): LegacyKey | undefined {
  const m = load()[kind];
  if (!m) return undefined;
  const to = m.map.get(key);
  if (to !== undefined) return { kind: 'mapped', to };
  const refused = m.refuse.get(key);
  return refused ? { kind: 'refused', ...refused } : undefined;
}
