export { scanSecrets, DEFAULT_MAX_LINE_LENGTH } from './scan-secrets.js';
export { secretFindings } from './findings.js';
export { SECRET_RULE_IDS } from './engine.js';
export type { SecretHit, SecretSeverity, SecretsOptions } from './types.js';
