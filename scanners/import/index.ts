export { ImportScanner, createImportScanner } from './import-scanner.js';
export { IMPORT_SCANNER_ID, parseSarif, sarifToFindings, type SarifMappingOptions } from './sarif.js';
export { findSarifFiles, isSarifFileName } from './discover.js';
export { createSourceReader, MAX_SOURCE_BYTES } from './source-reader.js';
export type * from './sarif-types.js';
export { SARIF_KINDS, SARIF_LEVELS } from './sarif-types.js';
