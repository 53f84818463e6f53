import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import { VigilError } from '../../src/errors.js';
import { shippedPath } from '../../src/util/package-path.js';

/**
 * Reads the data files under `compliance/` that the datamap scanner needs (taxonomy, 1.x mapping,
 * countries, adequacy list). They ship with vigil, so a missing or broken one is a bug of the
 * install (exit 3), never the user's input.
 */
export function readComplianceYaml(...segments: string[]): Record<string, unknown> {
  const file = shippedPath('compliance', ...segments);
  if (!file) throw new VigilError('VIGIL_ERR_INTERNAL', `compliance/${segments.join('/')} is missing from this install`);
  let value: unknown;
  try {
    value = parse(readFileSync(file, 'utf8'));
  } catch (e) {
    throw new VigilError('VIGIL_ERR_INTERNAL', `compliance/${segments.join('/')} is not valid YAML: ${e instanceof Error ? e.message : String(e)}`, { file });
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw new VigilError('VIGIL_ERR_INTERNAL', `compliance/${segments.join('/')} is not a mapping`, { file });
  }
  return value as Record<string, unknown>;
}

/** The JSON Schema of one data map file, `compliance/datamap.schema.json`. */
export function datamapSchemaPath(): string {
  const file = shippedPath('compliance', 'datamap.schema.json');
  if (!file) throw new VigilError('VIGIL_ERR_INTERNAL', 'compliance/datamap.schema.json is missing from this install');
  return path.resolve(file);
}
