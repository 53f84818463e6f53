import type { Command } from 'commander';
import { displayError, emit, listOption } from './common.js';

/** `vigil rules test PATH` — annotated rule tests, as `semgrep --test` runs them. */
export function registerRules(program: Command): void {
  const rules = program.command('rules').summary('Semgrep-format rule packs: test them against their annotated examples');
  rules
    .command('test')
    .description(
      'Run each rule file under PATH against the example beside it with the same stem (foo.yaml + foo.js). ' +
        'Comments `ruleid: <id>` / `ok: <id>` (also `todoruleid:`, `todook:`) on the line above say where the rule must and must not match; ' +
        'a rule passes when the lines it reports are exactly the expected ones. Exit 1 when any rule fails, 2 when a rule file is invalid.',
    )
    .argument('<path>', 'a rule file or a folder of rules')
    .option('-f, --format <format>', 'table | json', 'table')
    .option('--json', 'same as --format json')
    .action(async (path: string, flags: { format: string; json?: boolean }) => {
      const format = flags.json ? 'json' : listOption(flags.format, ['table', 'json'] as const, '--format')![0]!;
      const { discoverRuleTests, runRuleTests, formatRuleTestTable, ruleTestJson, ruleTestExitCode } = await import('../../scanners/code/rule-test.js');
      const { checkRuleFiles, embeddedEvaluator } = await import('../../scanners/code/rule-test-embedded.js');
      const cases = await discoverRuleTests(path);
      const checked = await checkRuleFiles(cases);
      if (checked.problems.length) {
        for (const e of checked.problems) process.stderr.write(`vigil: error ${displayError(e)}\n`);
        process.exitCode = 2;
        return;
      }
      const results = (await runRuleTests(path, embeddedEvaluator(checked.rules))).filter((r) => checked.rules.has(r.ruleFile));
      emit(format === 'json' ? `${JSON.stringify(ruleTestJson(results), null, 2)}\n` : formatRuleTestTable(results));
      process.exitCode = ruleTestExitCode(results);
    });
}
