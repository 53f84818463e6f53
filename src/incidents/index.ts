export * from './types.js';
export * from './clock.js';
export * from './kev.js';
export * from './match.js';
export * from './personal-data.js';
export * from './runbooks.js';
export { runbookSchema, runbookSchemaPath } from './runbook-schema.js';
