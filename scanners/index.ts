import { isAbsolute } from 'node:path';
import { pathToFileURL } from 'node:url';
import { isMainThread } from 'node:worker_threads';
import { VigilError } from '../src/errors.js';
import type { Scanner, ScannerFactory } from '../src/model/scanner.js';

/** One line of the registry: a scanner id and the factory that builds that scanner. */
export interface ScannerEntry {
  readonly id: string;
  readonly create: ScannerFactory;
}

/**
 * Every scanner vigil ships. Adding one is adding a line here. Each is imported only when a run
 * needs it: `vigil scan deps` should not pay for loading a browser driver or a parser it never uses.
 */
const ENTRIES: readonly ScannerEntry[] = [
  { id: 'import', create: async () => (await import('./import/index.js')).createImportScanner() },
  { id: 'deps', create: async () => (await import('./deps/deps-scanner.js')).createDepsScanner() },
  { id: 'code', create: async () => (await import('./code/code-scanner.js')).createCodeScanner() },
  { id: 'tls', create: async () => (await import('./tls/tls-scanner.js')).createTlsScanner() },
  { id: 'web', create: async () => (await import('./web/web-scanner.js')).createWebScanner() },
  { id: 'datamap', create: async () => (await import('./datamap/datamap-scanner.js')).createDatamapScanner() },
  { id: 'postgres', create: async () => (await import('./postgres/postgres-scanner.js')).createPostgresScanner() },
  { id: 'migrations', create: async () => (await import('./migrations/migrations-scanner.js')).createMigrationsScanner() },
  { id: 'pages', create: async () => (await import('./pages/pages-scanner.js')).createPagesScanner() },
  { id: 'api', create: async () => (await import('./api/api-scanner.js')).createApiScanner() },
  { id: 'perf', create: async () => (await import('./perf/perf-scanner.js')).createPerfScanner() },
];

/** Map ids to factories; two entries with one id is a bug and throws VIGIL_ERR_SCANNER_DUPLICATE. */
export function buildRegistry(entries: readonly ScannerEntry[]): ReadonlyMap<string, ScannerFactory> {
  const registry = new Map<string, ScannerFactory>();
  for (const { id, create } of entries) {
    if (registry.has(id)) {
      throw new VigilError('VIGIL_ERR_SCANNER_DUPLICATE', `scanner id "${id}" is registered twice`);
    }
    registry.set(id, create);
  }
  return registry;
}

/**
 * Test-only: with NODE_ENV=test, VIGIL_TEST_SCANNERS may name an ES module (an absolute path) whose
 * `scanners` export adds entries to the registry, so end-to-end tests can run scanners that
 * misbehave on purpose (spin forever, throw input errors) through the real CLI and its worker
 * threads. Outside NODE_ENV=test it is ignored; when honoured it says so on stderr.
 */
async function testEntries(): Promise<readonly ScannerEntry[]> {
  const file = process.env.VIGIL_TEST_SCANNERS;
  if (!file || process.env.NODE_ENV !== 'test') return [];
  if (!isAbsolute(file)) throw new VigilError('VIGIL_ERR_USAGE', 'VIGIL_TEST_SCANNERS must be an absolute path', { file });
  const mod = (await import(pathToFileURL(file).href)) as { scanners?: readonly ScannerEntry[] };
  if (!Array.isArray(mod.scanners)) throw new VigilError('VIGIL_ERR_USAGE', 'VIGIL_TEST_SCANNERS: the module exports no `scanners` array', { file });
  if (isMainThread) process.stderr.write(`vigil: warn: test scanners from ${file} (VIGIL_TEST_SCANNERS, NODE_ENV=test): ${mod.scanners.map((e) => e.id).join(', ')}\n`);
  return mod.scanners;
}

const REGISTRY = buildRegistry([...ENTRIES, ...(await testEntries())]);

/**
 * The worker entry that runs each part of a run on its own thread (see runScan's `partWorker`).
 * Undefined when running from the TypeScript sources, which a worker thread cannot load: parts
 * then run in process.
 */
export function partWorkerUrl(): URL | undefined {
  return import.meta.url.endsWith('.js') ? new URL('./part-worker.js', import.meta.url) : undefined;
}

/** The ids of the registered scanners, sorted. */
export function scannerIds(registry: ReadonlyMap<string, ScannerFactory> = REGISTRY): string[] {
  return [...registry.keys()].sort();
}

/** A new scanner by id; an unknown id throws VIGIL_ERR_SCANNER_UNKNOWN naming the known ones. */
export async function createScanner(id: string, registry: ReadonlyMap<string, ScannerFactory> = REGISTRY): Promise<Scanner> {
  const create = registry.get(id);
  if (!create) {
    throw new VigilError('VIGIL_ERR_SCANNER_UNKNOWN', `no scanner "${id}"; known: ${scannerIds(registry).join(', ')}`);
  }
  const scanner = await create();
  if (scanner.id !== id) {
    throw new VigilError('VIGIL_ERR_INTERNAL', `the factory registered as "${id}" built scanner "${scanner.id}"`);
  }
  return scanner;
}
