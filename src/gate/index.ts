export * from './glob.js';
export * from './suppressions.js';
export * from './baseline.js';
export * from './gate.js';
