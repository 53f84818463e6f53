export { parseRuleFile, loadRuleFiles, ruleFilesUnder, type CodeRule, type Formula, type LoadedRules } from './rules.js';
export { evaluateFile, type FileResult } from './evaluate.js';
export { parseSource } from './grammar.js';
