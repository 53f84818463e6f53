/**
 * secretlint, set up once: the recommended preset plus vigil's own rules, registered as secretlint
 * rules so `secretlint-disable` comments and message filtering treat them all alike.
 */
import { lintSource } from '@secretlint/core';
import { secretLintProfiler } from '@secretlint/profiler';
import { rules as presetRules } from '@secretlint/secretlint-rule-preset-recommend';
import type { SecretLintCoreConfig, SecretLintCoreConfigUnionRule, SecretLintCoreResultMessage } from '@secretlint/types';
import { extname } from 'node:path';
import { VigilError } from '../../../src/errors.js';
import { FORMAT_RULES } from './rules/formats.js';
import { HIGH_ENTROPY_RULE_ID, highEntropyRule, type HighEntropyOptions } from './rules/high-entropy.js';
import { supabaseRule } from './rules/supabase.js';

const AWS_RULE = '@secretlint/secretlint-rule-aws';
const VIGIL_PREFIX = 'vigil/';
const SECRETLINT_PREFIX = 'secretlint/';

/** secretlint's rule ids in the preset, as secretlint names them. */
const PRESET_IDS: readonly string[] = presetRules.map((r) => r.meta.id);
const VIGIL_RULES = [supabaseRule, ...FORMAT_RULES];

/** Every rule id a SecretHit can carry, in SecretHit.ruleId's form. */
export const SECRET_RULE_IDS: readonly string[] = [
  ...PRESET_IDS.map((id) => SECRETLINT_PREFIX + id),
  ...VIGIL_RULES.map((r) => r.meta.id),
  HIGH_ENTROPY_RULE_ID,
];

/** SecretHit.ruleId for a secretlint message's rule id. */
export function hitRuleId(secretlintRuleId: string): string {
  return secretlintRuleId.startsWith(VIGIL_PREFIX) ? secretlintRuleId : SECRETLINT_PREFIX + secretlintRuleId;
}

let profilerQuiet = false;

/**
 * secretlint's profiler leaves performance marks (about 36 a file) in the global timeline and its own
 * arrays, and never clears them: a long scan, or a server scanning on a schedule, grows without
 * bound (8 MiB per 1,000 files measured). vigil never reads the profile, so marking is turned off.
 */
function quietProfiler(): void {
  if (profilerQuiet) return;
  profilerQuiet = true;
  (secretLintProfiler as unknown as { mark: (marker: unknown) => void }).mark = () => {};
}

/** Which rule families to run: the pre-check's verdict (see precheck.ts). */
export interface RuleFamilies {
  tokens: boolean;
  names: boolean;
}

const FILTER_COMMENTS_RULE = '@secretlint/secretlint-rule-filter-comments';

/**
 * The preset's rules are registered one by one rather than through the preset: secretlint 11 ignores
 * `disabled` on a preset's rules, and the pre-check needs to leave rules out.
 */
function config(disabled: ReadonlySet<string>, families: RuleFamilies, bareValues: boolean): SecretLintCoreConfig {
  const rules: SecretLintCoreConfigUnionRule[] = [];
  for (const rule of presetRules) {
    const id = rule.meta.id;
    if (disabled.has(SECRETLINT_PREFIX + id)) continue;
    // The comment filter runs whenever anything runs: it is what honours secretlint-disable comments.
    if (!families.tokens && id !== FILTER_COMMENTS_RULE) continue;
    // Access key ids are off by default in the preset; vigil reports them. Account ids are not secrets.
    if (id === AWS_RULE) rules.push({ id, rule, options: { enableIDScanRule: true }, allowMessageIds: ['AWSAccountID'] });
    else rules.push({ id, rule });
  }
  if (families.tokens) for (const rule of VIGIL_RULES) if (!disabled.has(rule.meta.id)) rules.push({ id: rule.meta.id, rule });
  if (families.names && !disabled.has(HIGH_ENTROPY_RULE_ID)) {
    const options: HighEntropyOptions = { bareValues };
    rules.push({ id: HIGH_ENTROPY_RULE_ID, rule: highEntropyRule, options } as SecretLintCoreConfigUnionRule);
  }
  return { rules };
}

/**
 * Run the enabled rules of the given families over `content`. `relPath` tells the npm and gcp rules
 * what kind of file this is; the file is never read from disk (noPhysicFilePath), so binary formats
 * (GCP `.p12`) are out of reach. `bareValues`: see HighEntropyOptions.
 */
export async function runSecretlint(
  content: string,
  relPath: string,
  disabled: ReadonlySet<string>,
  families: RuleFamilies,
  bareValues: boolean,
): Promise<SecretLintCoreResultMessage[]> {
  const cfg = config(disabled, families, bareValues);
  if (cfg.rules.every((r) => r.id === FILTER_COMMENTS_RULE)) return [];
  quietProfiler();
  try {
    const result = await lintSource({
      source: { content, filePath: relPath, ext: extname(relPath), contentType: 'text' },
      options: { config: cfg, noPhysicFilePath: true, locale: 'en' },
    });
    return result.messages;
  } catch (e) {
    // The cause stays attached but out of the message: a rule's error could quote the text it read.
    throw new VigilError('VIGIL_ERR_INTERNAL', `secretlint failed on ${relPath}`, { file: relPath }, { cause: e });
  }
}
