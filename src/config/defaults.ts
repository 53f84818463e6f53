import { resolve } from 'node:path';
import { DEFAULT_SLA, type VigilConfig } from './types.js';

/** Defaults for every optional key of vigil.yaml; the schema, the loader and `vigil init` share them. */
export const DEFAULT_LEDGER = '.vigil/ledger.db';
export const DEFAULT_SUPPRESSIONS = '.vigilignore.yaml';
export const DEFAULT_FAIL_ON: VigilConfig['gate']['failOn'] = 'high';
export const DEFAULT_CONCURRENCY = 4;
export const DEFAULT_TIMEOUT_SECONDS = 600;
export const DEFAULT_SERVER: VigilConfig['server'] = { host: '127.0.0.1', port: 8787 };

/** The value of `file` in a config that came from no file. */
export const DEFAULTS_FILE = '<defaults>';

/** True for a PostgreSQL connection URL (`postgres://` or `postgresql://`), the ledger's other store. */
export function isPostgresUrl(s: string): boolean {
  return /^postgres(?:ql)?:\/\//i.test(s);
}

/** The config used when there is no vigil.yaml: no targets, defaults for everything else. */
export function defaultConfig(baseDir: string): VigilConfig {
  const dir = resolve(baseDir);
  return {
    file: DEFAULTS_FILE,
    baseDir: dir,
    ledger: resolve(dir, DEFAULT_LEDGER),
    sla: { ...DEFAULT_SLA },
    gate: { failOn: DEFAULT_FAIL_ON },
    suppressions: resolve(dir, DEFAULT_SUPPRESSIONS),
    advisories: [],
    vex: [],
    runner: { concurrency: DEFAULT_CONCURRENCY, timeoutSeconds: DEFAULT_TIMEOUT_SECONDS },
    server: { ...DEFAULT_SERVER },
    targets: [],
    schedules: [],
    organisation: null,
    incidents: { enabled: true, runbooks: null, escalateEverySeconds: 60 },
    reports: { dir: resolve(dir, '.vigil/reports'), signingKey: null },
  };
}
