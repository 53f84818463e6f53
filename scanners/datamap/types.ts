/**
 * The contracts between the parts of the `datamap` scanner. The loader (`fides.ts`) turns Fides
 * resource files into a `DataMap`; the checks (`policies.ts`, `law.ts`) read it; drift
 * (`drift/`) compares what the data map declares with what sources show (`ObservedField`s); the
 * ROPA report (`ropa.ts`) reads it too.
 */

/** Where something was written: the file, its 1-based line and column, and a JSON pointer into the file's YAML. */
export interface Where {
  file: string;
  line: number;
  column: number;
  /** RFC 6901 pointer into the file's YAML document, e.g. `/system/0/privacy_declarations/1/data_use`. */
  pointer: string;
}

/** A field a dataset declares (nested fields flattened with dots: `address.city`). */
export interface DeclaredField {
  /** The dataset's fides_key. */
  dataset: string;
  /** The collection's name (a table, a model, a cookie jar). */
  collection: string;
  field: string;
  /** data_categories on the field, else those inherited from its collection, else its dataset's. */
  categories: string[];
  where: Where;
}

/** A column, model field or cookie found in reality. */
export interface ObservedField {
  /** What kind of source said so. */
  origin: 'sql' | 'prisma' | 'drizzle' | 'typeorm' | 'postgres' | 'cookie';
  /** The file (relative to the scan's base folder) or the database (a URL without its password) it was found in. */
  source: string;
  /** 1-based line in `source`, when it is a file. */
  line?: number;
  /** The table, model or (for cookies) the URL's origin. */
  table: string;
  /** The column, field or cookie name. */
  column: string;
  /** The declared type as the source writes it (`text`, `varchar(255)`, `String?`), when known. */
  type?: string;
}

/** A guess at an observed field's data category from its name and type. */
export interface Classification {
  /** A taxonomy key, e.g. `user.contact.email`. */
  category: string;
  confidence: 'high' | 'medium' | 'low';
  /** Why, in a few words: `name "email"`, `type inet`. */
  reason: string;
}

/** A source the drift check could not read: named in the run's notes, never fatal. */
export interface SourceProblem {
  source: string;
  line?: number;
  problem: string;
}

// ---------------------------------------------------------------------------------------------
// The loaded data map (fides.ts builds it; policies.ts, law.ts, drift and the ROPA read it).
// Field names are fideslang's (snake_case) so a reader can hold the model against the Fides docs;
// `where` and `vigil` are vigil's. Absent optional fideslang fields are `undefined`, booleans
// carry fideslang's defaults, lists are never undefined.
// ---------------------------------------------------------------------------------------------

/** fideslang's DataSubjectRights strategies and rights (GDPR chapter 3). */
export type RightsStrategy = 'ALL' | 'EXCLUDE' | 'INCLUDE' | 'NONE';
export type DataSubjectRight =
  | 'Informed'
  | 'Access'
  | 'Rectification'
  | 'Erasure'
  | 'Portability'
  | 'Restrict Processing'
  | 'Withdraw Consent'
  | 'Object'
  | 'Object to Automated Processing';

/** A postal/e-mail contact (fideslang ContactDetails). */
export interface ContactDetails {
  name?: string;
  address?: string;
  email?: string;
  phone?: string;
}

/** vigil extension: how one kind of request is handled. */
export interface RightHandling {
  how: string;
  /** Calendar days until the answer. */
  deadline_days: number;
  where: Where;
}

/** vigil extension: request handling per right. */
export interface RightsHandling {
  access?: RightHandling;
  erasure?: RightHandling;
  objection?: RightHandling;
  rectification?: RightHandling;
  portability?: RightHandling;
  restriction?: RightHandling;
}

/** vigil extension: a CCPA notice at collection (1798.100(a)). */
export interface NoticeAtCollection {
  url: string;
  categories: string[];
  purposes: string[];
  where: Where;
}

/** A taxonomy entry (data category, data use or data subject), default or declared in the map. */
export interface TaxonomyEntry {
  kind: TaxonomyKind;
  fides_key: string;
  name?: string;
  description?: string;
  parent_key?: string;
  /** From vigil's copy of the default taxonomy (compliance/taxonomy), not the data map. */
  is_default: boolean;
  version_added?: string;
  version_deprecated?: string;
  replaced_by?: string;
  /** Data subjects only. */
  rights?: { strategy: RightsStrategy; values: DataSubjectRight[] };
  automated_decisions_or_profiling?: boolean;
  /** Data subjects only (vigil extension). */
  vigil?: { rights_handling?: RightsHandling };
  /** Undefined for default entries. */
  where?: Where;
}

export type TaxonomyKind = 'data_category' | 'data_use' | 'data_subject';

/** The merged taxonomy (defaults plus the map's own entries), hierarchy aware. */
export interface TaxonomyLookup {
  get(kind: TaxonomyKind, key: string): TaxonomyEntry | undefined;
  has(kind: TaxonomyKind, key: string): boolean;
  /** `key` and its ancestors, nearest first: `user.contact.email`, `user.contact`, `user`. */
  lineage(kind: TaxonomyKind, key: string): string[];
  /** True when `ancestor` is `key` or one of its ancestors (a key covers its descendants). */
  covers(kind: TaxonomyKind, ancestor: string, key: string): boolean;
  entries(kind: TaxonomyKind): TaxonomyEntry[];
}

/** vigil extension: one transfer destination of a system. */
export interface Transfer {
  /** ISO 3166-1 alpha-2. */
  country: string;
  mechanism?: TransferMechanism;
  recipient?: string;
  dpf_certified?: boolean;
  reference?: string;
  where: Where;
}

export type TransferMechanism =
  | 'adequacy'
  | 'dpf'
  | 'scc'
  | 'bcr'
  | 'art46-other'
  | 'art49-explicit-consent'
  | 'art49-contract'
  | 'art49-public-interest'
  | 'art49-legal-claims'
  | 'art49-vital-interests'
  | 'art49-public-register'
  | 'art49-compelling-legitimate-interests';

/** A fideslang DataFlow (system egress/ingress). */
export interface DataFlow {
  fides_key: string;
  type: 'dataset' | 'system' | 'user';
  data_categories: string[];
  where: Where;
}

/** vigil extension keys of a privacy declaration. */
export interface DeclarationExtension {
  subject_count?: number | 'unknown';
  systematic_monitoring?: boolean;
  criminal_offence_basis?: { basis: 'official_authority' | 'union_law' | 'member_state_law'; law?: string };
  ccpa?: {
    sale?: boolean;
    share?: boolean;
    sensitive_use?: 'permitted' | 'beyond';
    under_16?: boolean;
    minors_opt_in?: boolean;
    notice_at_collection?: NoticeAtCollection;
    do_not_sell_or_share_url?: string;
    limit_use_url?: string;
  };
}

/** A fideslang PrivacyDeclaration: one processing activity of a system. */
export interface PrivacyDeclaration {
  /** Position in the system's list (0-based). */
  index: number;
  name?: string;
  data_categories: string[];
  data_use: string;
  data_subjects: string[];
  dataset_references: string[];
  egress: string[];
  ingress: string[];
  features: string[];
  flexible_legal_basis_for_processing: boolean;
  legal_basis_for_processing?: string;
  impact_assessment_location?: string;
  retention_period?: string;
  processes_special_category_data: boolean;
  special_category_legal_basis?: string;
  data_shared_with_third_parties: boolean;
  third_parties?: string;
  shared_categories: string[];
  vigil: DeclarationExtension;
  where: Where;
}

/** vigil extension keys of a system. */
export interface SystemExtension {
  transfers: Transfer[];
  dpia?: { location: string; status: 'complete' | 'in_progress' | 'planned'; date?: string; where: Where };
}

/** A fideslang System. */
export interface System {
  fides_key: string;
  name?: string;
  description?: string;
  organization_fides_key: string;
  tags: string[];
  system_type: string;
  egress: DataFlow[];
  ingress: DataFlow[];
  privacy_declarations: PrivacyDeclaration[];
  administrating_department?: string;
  vendor_id?: string;
  dataset_references: string[];
  processes_personal_data: boolean;
  exempt_from_privacy_regulations: boolean;
  reason_for_exemption?: string;
  uses_profiling: boolean;
  legal_basis_for_profiling: string[];
  does_international_transfers: boolean;
  legal_basis_for_transfers: string[];
  requires_data_protection_assessments: boolean;
  dpa_location?: string;
  dpa_progress?: string;
  privacy_policy?: string;
  legal_name?: string;
  legal_address?: string;
  responsibility: Array<'Controller' | 'Processor' | 'Sub-Processor'>;
  dpo?: string;
  joint_controller_info?: string;
  data_security_practices?: string;
  uses_cookies: boolean;
  cookies: Array<{ name: string; path?: string; domain?: string }>;
  vigil: SystemExtension;
  where: Where;
}

/** A dataset field; nested fields keep their own list. */
export interface DatasetField {
  name: string;
  description?: string;
  data_categories: string[];
  data_uses: string[];
  data_subjects: string[];
  retention?: string;
  fields: DatasetField[];
  where: Where;
}

export interface DatasetCollection {
  name: string;
  description?: string;
  data_categories: string[];
  data_uses: string[];
  data_subjects: string[];
  retention?: string;
  fields: DatasetField[];
  where: Where;
}

/** A fideslang Dataset. */
export interface Dataset {
  fides_key: string;
  name?: string;
  description?: string;
  organization_fides_key: string;
  data_categories: string[];
  data_uses: string[];
  data_subjects: string[];
  retention?: string;
  fides_meta?: Record<string, unknown>;
  collections: DatasetCollection[];
  where: Where;
}

export type MatchMode = 'ANY' | 'ALL' | 'NONE' | 'OTHER';

/** One part of a policy rule: how its values are matched. */
export interface PrivacyRule {
  matches: MatchMode;
  values: string[];
}

export interface PolicyRule {
  name: string;
  data_categories: PrivacyRule;
  data_uses: PrivacyRule;
  data_subjects: PrivacyRule;
  where: Where;
}

/** A fideslang Policy. */
export interface Policy {
  fides_key: string;
  name?: string;
  description?: string;
  rules: PolicyRule[];
  where: Where;
}

/** vigil extension keys of an organization. */
export interface OrganizationExtension {
  ccpa?: {
    applies: boolean;
    reason?: string;
    do_not_sell_or_share_url?: string;
    limit_use_url?: string;
    notice_at_collection?: NoticeAtCollection;
    where: Where;
  };
  rights_handling?: RightsHandling;
}

/** A fideslang Organization. */
export interface Organization {
  fides_key: string;
  name?: string;
  description?: string;
  controller?: ContactDetails;
  data_protection_officer?: ContactDetails;
  representative?: ContactDetails;
  security_policy?: string;
  vigil: OrganizationExtension;
  where: Where;
}

/** Something the loader changed or ignored, said once per place (a mapped 1.x key, a deprecated field). */
export interface DataMapNote {
  message: string;
  where: Where;
}

/** Every resource of a data map, checked and with positions. */
export interface DataMap {
  /** The files read, as given (absolute when the caller gave absolute paths), sorted. */
  files: string[];
  systems: System[];
  datasets: Dataset[];
  policies: Policy[];
  organizations: Organization[];
  taxonomy: TaxonomyLookup;
  notes: DataMapNote[];
}
