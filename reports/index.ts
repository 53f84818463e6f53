export * from './json.js';
export * from './sarif.js';
export * from './junit.js';
export * from './table.js';
export * from './vex.js';
export * from './write-report.js';
