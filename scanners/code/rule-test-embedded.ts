import { readFile } from 'node:fs/promises';
import { VigilError } from '../../src/errors.js';
import { evaluateFile } from './engine/evaluate.js';
import { parseRuleFile, type CodeRule } from './engine/rules.js';
import { languageOf } from './languages.js';
import type { RuleTestCase, RuleTestEvaluation } from './rule-test.js';
import type { RuleMatch, RuleProblem } from './types.js';

/**
 * Every rule file of the cases, parsed and checked before any test runs: `vigil rules test`
 * exits 2 naming each bad rule (id, file, line) rather than reporting it as a failed test.
 */
export async function checkRuleFiles(cases: readonly RuleTestCase[]): Promise<{ rules: Map<string, CodeRule[]>; problems: VigilError[] }> {
  const rules = new Map<string, CodeRule[]>();
  const problems: VigilError[] = [];
  for (const c of cases) {
    const text = await readFile(c.ruleFile, 'utf8');
    // other YAML under rules/ (the licence policy, TLS profiles) is data, not Semgrep rules
    if (!isRuleFileText(text)) continue;
    try {
      const loaded = parseRuleFile(text, c.ruleFile);
      rules.set(c.ruleFile, loaded.rules);
      problems.push(...loaded.problems);
    } catch (e) {
      if (e instanceof VigilError) problems.push(e);
      else throw e;
    }
  }
  return { rules, problems };
}

/** Whether YAML text is a Semgrep rule file: a top-level `rules:` key. */
export function isRuleFileText(text: string): boolean {
  return /^rules\s*:/m.test(text);
}

/** The embedded engine as `runRuleTests` calls it: the case's rules over each of its targets. */
export function embeddedEvaluator(rules: ReadonlyMap<string, CodeRule[]>) {
  return async (c: RuleTestCase): Promise<RuleTestEvaluation> => {
    const list = rules.get(c.ruleFile) ?? [];
    const matches: RuleMatch[] = [];
    const problems: RuleProblem[] = [];
    for (const t of c.targets) {
      const language = languageOf(t.path);
      const applicable = list.filter((r) => (language ? r.grammars.includes(language) : r.grammars.length === 0));
      for (const r of list) {
        if (!applicable.includes(r)) problems.push({ ruleId: r.id, source: r.source, problem: `does not apply to ${t.relPath}: the rule's languages (${r.languages.join(', ')}) do not read ${language ?? 'this file type'}` });
      }
      if (applicable.length === 0) continue;
      const r = evaluateFile(applicable, { path: t.path, relPath: t.relPath, language, text: await readFile(t.path, 'utf8') });
      matches.push(...r.matches);
      problems.push(...r.problems);
      if (r.parseProblem) problems.push({ problem: `${t.relPath}:${r.parseProblem.line}: ${r.parseProblem.problem}` });
    }
    return { ruleIds: list.map((r) => r.id), matches, problems };
  };
}
