export * from './glob.js';
export * from './suppressions.js';
export * from './baseline.js';
export * from './gate.js';
export * from './vex.js';
