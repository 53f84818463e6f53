import type { DataMap, Dataset, MatchMode, Policy, PolicyRule, PrivacyDeclaration, System, TaxonomyKind, TaxonomyLookup, Where } from './types.js';

/**
 * Fides policy evaluation, as `fides evaluate` does it. A policy rule lists forbidden combinations:
 * a privacy declaration violates it when all three parts (data categories, data uses, data
 * subjects) match. Each declared key is compared through its lineage — the key and its ancestors
 * — so a rule value covers its descendants (`user.contact` covers `user.contact.email`); data
 * subjects are flat. Per part, with "matched" meaning some rule value is in the key's lineage:
 *
 * - ANY:   the matched declared keys (a match when at least one key matched);
 * - ALL:   the matched keys when every declared key matched, else none;
 * - NONE:  the unmatched keys when no declared key matched, else none;
 * - OTHER: the unmatched declared keys (a match when some key is outside the rule's values).
 *
 * A part with nothing declared never matches. As in Fides, a declaration's dataset_references are
 * evaluated too: the dataset's, each collection's and each field's data_categories in turn, with
 * the declaration's data use and subjects.
 */

/** The declared keys that make one part of a rule match; empty when it does not. */
export function matchPart(taxonomy: TaxonomyLookup, kind: TaxonomyKind, matches: MatchMode, ruleValues: readonly string[], declared: readonly string[]): string[] {
  const rule = new Set(ruleValues);
  const matched: string[] = [];
  const unmatched: string[] = [];
  for (const key of new Set(declared)) {
    if (taxonomy.lineage(kind, key).some((k) => rule.has(k))) matched.push(key);
    else unmatched.push(key);
  }
  switch (matches) {
    case 'ANY':
      return matched;
    case 'ALL':
      return matched.length > 0 && unmatched.length === 0 ? matched : [];
    case 'NONE':
      return matched.length === 0 ? unmatched : [];
    case 'OTHER':
      return unmatched;
  }
}

/** What a declaration (or a dataset part it references) declares, as a rule reads it. */
export interface Declared {
  categories: readonly string[];
  use: string;
  subjects: readonly string[];
}

/** The violating keys of each part when the rule matches all three, else undefined. */
export function evaluateRule(taxonomy: TaxonomyLookup, rule: PolicyRule, d: Declared): { categories: string[]; uses: string[]; subjects: string[] } | undefined {
  const categories = matchPart(taxonomy, 'data_category', rule.data_categories.matches, rule.data_categories.values, d.categories);
  if (!categories.length) return undefined;
  const uses = matchPart(taxonomy, 'data_use', rule.data_uses.matches, rule.data_uses.values, [d.use]);
  if (!uses.length) return undefined;
  const subjects = matchPart(taxonomy, 'data_subject', rule.data_subjects.matches, rule.data_subjects.values, d.subjects);
  if (!subjects.length) return undefined;
  return { categories, uses, subjects };
}

/** One rule a declaration breaks; `dataset` names the referenced dataset part that broke it, if any. */
export interface PolicyViolation {
  policy: Policy;
  rule: PolicyRule;
  system: System;
  declaration: PrivacyDeclaration;
  dataset?: { fides_key: string; collection?: string; field?: string; where: Where };
  categories: string[];
  uses: string[];
  subjects: string[];
}

/** Every policy rule against every privacy declaration of every system, in that order. */
export function evaluatePolicies(map: Pick<DataMap, 'policies' | 'systems' | 'datasets' | 'taxonomy'>): PolicyViolation[] {
  const out: PolicyViolation[] = [];
  const datasets = new Map(map.datasets.map((d) => [d.fides_key, d]));
  for (const policy of map.policies) {
    for (const rule of policy.rules) {
      for (const system of map.systems) {
        for (const declaration of system.privacy_declarations) {
          const base = { categories: declaration.data_categories, use: declaration.data_use, subjects: declaration.data_subjects };
          const hit = evaluateRule(map.taxonomy, rule, base);
          if (hit) out.push({ policy, rule, system, declaration, ...hit });
          for (const ref of declaration.dataset_references) {
            const ds = datasets.get(ref);
            if (!ds) continue;
            for (const part of datasetParts(ds)) {
              const h = evaluateRule(map.taxonomy, rule, { ...base, categories: part.categories });
              if (h) out.push({ policy, rule, system, declaration, dataset: part.id, ...h });
            }
          }
        }
      }
    }
  }
  return out;
}

/** The dataset, each collection and each field (at every depth) that declares data categories. */
function datasetParts(ds: Dataset): Array<{ id: NonNullable<PolicyViolation['dataset']>; categories: string[] }> {
  const out: Array<{ id: NonNullable<PolicyViolation['dataset']>; categories: string[] }> = [];
  if (ds.data_categories.length) out.push({ id: { fides_key: ds.fides_key, where: ds.where }, categories: ds.data_categories });
  for (const col of ds.collections) {
    if (col.data_categories.length) out.push({ id: { fides_key: ds.fides_key, collection: col.name, where: col.where }, categories: col.data_categories });
    const walk = (fields: typeof col.fields, prefix: string) => {
      for (const f of fields) {
        if (f.data_categories.length) out.push({ id: { fides_key: ds.fides_key, collection: col.name, field: `${prefix}${f.name}`, where: f.where }, categories: f.data_categories });
        walk(f.fields, `${prefix}${f.name}.`);
      }
    };
    walk(col.fields, '');
  }
  return out;
}
