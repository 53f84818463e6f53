export * from './audit.js';
export * from './document.js';
export * from './ropa.js';
export * from './sign.js';
