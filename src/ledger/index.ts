export * from './ledger.js';
export * from './open.js';
export * from './sla.js';
export { canonicalJson, eventHash } from './hash-chain.js';
export * from './uptime-store.js';
