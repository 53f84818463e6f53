export { readSources, compareMigrationPaths, DEFAULT_SOURCE_LIMITS, type ReadSourcesOptions, type SourceLimits, type SourcesRead } from './sources.js';
export { classifyColumn } from './classify.js';
export { driftFindings, severityOfCategory, DRIFT_RULES, type DriftOptions } from './findings.js';
export { cookiesFromWebFindings, classifyCookie, WEB_COOKIE_RULE_IDS } from './cookies.js';
export { redactDatabaseUrl } from './postgres-url.js';
export type { ObservedFieldDetail } from './observed.js';
