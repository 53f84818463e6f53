import { coveredByAny } from './taxonomy.js';
import type { PrivacyDeclaration, TaxonomyLookup } from './types.js';

/**
 * Taxonomy keys with a legal meaning. Each list names the roots; a key covers its descendants, so
 * a map's own categories under these roots count too. Both the fideslang 2.x keys and their 3.2.0
 * replacements are listed.
 */

/** GDPR Art. 9(1): racial or ethnic origin, political opinions, religious or philosophical beliefs, trade-union membership, genetic and biometric (for identification) data, health, sex life or sexual orientation. */
export const SPECIAL_CATEGORY_ROOTS = [
  'user.biometric',
  'user.biometrics',
  'user.authorization.biometric',
  'user.authorization.biometrics',
  'user.health_and_medical',
  'user.health',
  'user.demographic.race_ethnicity',
  'user.demographic.political_opinion',
  'user.demographic.religious_belief',
  'user.demographic.philosophical_belief',
  'user.demographic.union_membership',
  'user.demographic.sexual_orientation',
] as const;

/** GDPR Art. 10: personal data relating to criminal convictions and offences. */
export const CRIMINAL_ROOTS = ['user.criminal_history'] as const;

/** CCPA 1798.140(ae): sensitive personal information. */
export const CCPA_SENSITIVE_ROOTS = [
  'user.government_id',
  'user.authorization.credentials',
  'user.authorization.password',
  'user.financial',
  'user.location.precise',
  'user.content.private',
  'user.demographic.citizenship_or_immigration_status',
  ...SPECIAL_CATEGORY_ROOTS,
] as const;

/** Children's data: a sign that consumers under 16 are concerned (CCPA 1798.120(c)). */
export const CHILDREN_ROOTS = ['user.childrens', 'user.children'] as const;

/** Uses that are profiling in the sense of GDPR Art. 4(4) and Art. 35(3)(a). */
export const PROFILING_USES = ['marketing.advertising.profiling', 'personalize.profiling', 'personalize.content.profiling'] as const;

/** The declaration's categories under `roots`. */
export function categoriesUnder(t: TaxonomyLookup, d: Pick<PrivacyDeclaration, 'data_categories'>, roots: readonly string[]): string[] {
  return d.data_categories.filter((c) => coveredByAny(t, 'data_category', roots, c));
}

/** True when some category is about a person: anything outside the `system` tree. */
export function hasPersonalData(t: TaxonomyLookup, d: Pick<PrivacyDeclaration, 'data_categories'>): boolean {
  return d.data_categories.some((c) => !t.covers('data_category', 'system', c));
}
