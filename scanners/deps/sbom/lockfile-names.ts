/** The lockfile names npm reads, in the order npm prefers them: a shrinkwrap wins over package-lock. */
export const NPM_LOCKFILES = ['npm-shrinkwrap.json', 'package-lock.json'] as const;
/** The file pnpm writes. */
export const PNPM_LOCKFILE = 'pnpm-lock.yaml';
/** The file every yarn version writes. */
export const YARN_LOCKFILE = 'yarn.lock';
