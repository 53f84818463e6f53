export * from './store.js';
export * from './import.js';
export { parseOsvDocument, checkAdvisory, RANGE_TYPES, EVENT_KEYS } from './validate.js';
export { DEFAULT_ZIP_LIMITS, type ZipLimits } from './zip.js';
export { packageKey, baseEcosystem, comparableName } from './package-key.js';
export { normaliseTimestamp } from './timestamp.js';
