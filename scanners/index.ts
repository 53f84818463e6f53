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

const REGISTRY = buildRegistry(ENTRIES);

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
