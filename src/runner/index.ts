export * from './runner.js';
export * from './progress.js';
export * from './plan.js';
export { PartThreads } from './isolated.js';
