export * from './types.js';
export * from './defaults.js';
export * from './schema.js';
export * from './duration.js';
export * from './load.js';
export * from './init-template.js';
export type { ConfigProblem, PathSegment } from './problem.js';
