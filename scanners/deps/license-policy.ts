import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import path from 'node:path';
import { VigilError, isVigilError } from '../../src/errors.js';
import { shippedPath } from '../../src/util/package-path.js';
import { parseYamlSource, type YamlLocator } from '../../src/config/yaml-source.js';
import { SEVERITIES, isSeverity, type Severity } from '../../src/model/severity.js';

/** spdx-expression-parse's tree: a leaf licence, or two sides joined by AND / OR. */
export type SpdxNode =
  | { license: string; plus?: true; exception?: string }
  | { left: SpdxNode; conjunction: 'and' | 'or'; right: SpdxNode };

// CommonJS modules without type declarations: load them through require and type them here.
const requireHere = createRequire(import.meta.url);
/** Parse an SPDX expression; throws on anything else. */
export const parseSpdx = requireHere('spdx-expression-parse') as (expression: string) => SpdxNode;
/** True when `expression` can be satisfied using only `approved` (single ids, `X+` or `X WITH e`). */
export const spdxSatisfies = requireHere('spdx-satisfies') as (expression: string, approved: string[]) => boolean;

/** A policy's severity for a kind of finding, or `off` to report none of that kind. */
export type PolicySeverity = Severity | 'off';

/** Which licences a product may ship, and how loudly to report the rest. */
export interface LicensePolicy {
  /** Where it was read from, for messages. */
  file?: string;
  /** SPDX ids a component may be used under. */
  allow: string[];
  /** SPDX ids a component must not be used under. */
  deny: string[];
  /** Severity of `license/denied` findings. */
  denied: PolicySeverity;
  /** Severity of `license/unknown` findings: no licence, an unparsable one, or one in neither list. */
  unknown: PolicySeverity;
}

const KEYS = ['allow', 'deny', 'denied', 'unknown'] as const;
type PolicyKey = (typeof KEYS)[number];
const DEFAULTS: Pick<LicensePolicy, 'denied' | 'unknown'> = { denied: 'high', unknown: 'medium' };

/** The policy shipped in `rules/licenses/policy.yaml`, found from this file in source and in `dist/`. */
export function defaultLicensePolicyFile(): string {
  const file = shippedPath('rules', 'licenses', 'policy.yaml');
  if (!file) throw new VigilError('VIGIL_ERR_INTERNAL', 'the default licence policy rules/licenses/policy.yaml is missing from this install');
  return file;
}

/** Read and validate a licence policy file (see rules/licenses/policy.yaml). */
export async function loadLicensePolicy(file: string = defaultLicensePolicyFile()): Promise<LicensePolicy> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') {
      throw new VigilError('VIGIL_ERR_INPUT_NOT_FOUND', `licence policy ${file} does not exist`, { file }, { cause: e });
    }
    throw e;
  }
  return parseLicensePolicy(text, file);
}

/**
 * Validate a licence policy. Every problem throws VIGIL_ERR_LICENSE_POLICY_INVALID naming the
 * file, line and key: YAML syntax, unknown keys, ids that are not single SPDX ids, wrong types,
 * an id both allowed and denied.
 */
export function parseLicensePolicy(text: string, file: string): LicensePolicy {
  let value: unknown;
  let locator: YamlLocator;
  try {
    ({ value, locator } = parseYamlSource(text, file));
  } catch (e) {
    if (!isVigilError(e)) throw e;
    throw new VigilError('VIGIL_ERR_LICENSE_POLICY_INVALID', e.message, { file: e.file, line: e.line, column: e.column }, { cause: e });
  }
  const fail = (where: (string | number)[], message: string, at: 'key' | 'value' = 'value'): never => {
    const { line, column } = locator.locate(where, at);
    throw new VigilError('VIGIL_ERR_LICENSE_POLICY_INVALID', message, { file, line, column });
  };

  if (value === null || value === undefined) fail([], 'the licence policy is empty: it needs at least `allow:` or `deny:`');
  if (typeof value !== 'object' || Array.isArray(value)) fail([], 'the licence policy must be a mapping of allow, deny, denied and unknown');
  const doc = value as Record<string, unknown>;

  for (const key of Object.keys(doc)) {
    if (!(KEYS as readonly string[]).includes(key)) fail([key], `unknown key "${key}": a licence policy has only ${KEYS.join(', ')}`, 'key');
  }

  const ids = (key: 'allow' | 'deny'): string[] => {
    const v = doc[key];
    if (v === undefined || v === null) return [];
    if (!Array.isArray(v)) fail([key], `${key}: must be a list of SPDX licence ids`);
    return (v as unknown[]).map((item, i) => {
      if (typeof item !== 'string') fail([key, i], `${key}[${i}]: must be an SPDX licence id (a string), not ${describe(item)}`);
      const id = (item as string).trim();
      if (!isSingleLicense(id)) {
        fail([key, i], `${key}[${i}]: "${id}" is not an SPDX licence id (see https://spdx.org/licenses/; ids are case-sensitive, and AND / OR expressions are not allowed here)`);
      }
      return id;
    });
  };
  const severity = (key: Exclude<PolicyKey, 'allow' | 'deny'>): PolicySeverity => {
    const v = doc[key];
    if (v === undefined || v === null) return DEFAULTS[key];
    if (v === 'off' || isSeverity(v)) return v;
    return fail([key], `${key}: must be one of ${SEVERITIES.join(', ')} or off, not ${describe(v)}`);
  };

  const allow = ids('allow');
  const deny = ids('deny');
  const denied = new Set(deny);
  allow.forEach((id, i) => {
    if (denied.has(id)) fail(['allow', i], `allow[${i}]: "${id}" is also in deny; a licence is one or the other`);
  });
  return { file, allow, deny, denied: severity('denied'), unknown: severity('unknown') };
}

/** One licence (`MIT`, `GPL-2.0+`, `Apache-2.0 WITH LLVM-exception`, `LicenseRef-x`): parses, and has no AND / OR. */
function isSingleLicense(id: string): boolean {
  try {
    return 'license' in parseSpdx(id);
  } catch {
    return false;
  }
}

function describe(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'a list';
  if (typeof v === 'object') return 'a mapping';
  return `${typeof v} ${JSON.stringify(v)}`;
}
