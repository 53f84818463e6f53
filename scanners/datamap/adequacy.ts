import { readComplianceYaml } from './compliance-data.js';

/** One Commission adequacy decision, as compliance/adequacy.yaml lists it. */
export interface AdequacyDecision {
  name: string;
  decision: string;
  date: string;
  /** When the decision covers only some recipients. */
  scope?: string;
  /** What the data map must show for it to apply: `dpf_certified` for the United States. */
  condition?: 'dpf_certified';
}

export interface AdequacyList {
  /** The date the list was last checked. */
  date: string;
  eea: ReadonlySet<string>;
  adequate: ReadonlyMap<string, AdequacyDecision>;
}

let adequacy: AdequacyList | undefined;
let countries: ReadonlyMap<string, string> | undefined;

/** compliance/adequacy.yaml, read once. */
export function adequacyList(): AdequacyList {
  if (adequacy) return adequacy;
  const doc = readComplianceYaml('adequacy.yaml');
  adequacy = {
    date: String(doc['date']),
    eea: new Set((doc['eea'] as string[]).map(String)),
    adequate: new Map(Object.entries(doc['adequate'] as Record<string, AdequacyDecision>)),
  };
  return adequacy;
}

/** ISO 3166-1 alpha-2 codes → English names (compliance/countries.yaml), read once. */
export function countryNames(): ReadonlyMap<string, string> {
  if (countries) return countries;
  const doc = readComplianceYaml('countries.yaml');
  countries = new Map(Object.entries(doc['countries'] as Record<string, string>));
  return countries;
}
