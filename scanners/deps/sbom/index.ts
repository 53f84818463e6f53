export { loadSbom, LOCKFILES, type LoadSbomOptions } from './load.js';
export { parseCycloneDx, cycloneDxToSbom, CYCLONEDX_VERSIONS, SYNTHETIC_ROOT_REF, NPM_DEV_PROPERTY } from './cyclonedx.js';
export { readNpmLockfile, runCycloneDxNpm, cycloneDxNpmCli, NPM_LOCKFILES } from './npm.js';
export { readPnpmLock, PNPM_LOCKFILE } from './pnpm.js';
export { readYarnLock, YARN_LOCKFILE } from './yarn.js';
export { purlFacts, parsePurl, normalisePypiName } from './purl.js';
