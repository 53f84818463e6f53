import { pathFilter } from '../files.js';
import type { CodeLanguage, SourceFile } from '../types.js';
import type { CodeRule } from './rules.js';

/**
 * The rules that apply to a file: the rule reads its language (text-only rules read files with
 * none) and its `paths` let the file in. Each rule's path filter is built once, and the same
 * selection comes back as the same array (the evaluator prepares its pre-filter once per array).
 */
export function ruleSelector(rules: readonly CodeRule[]): (file: SourceFile) => readonly CodeRule[] {
  const filters = rules.map((r) => [r, r.paths ? pathFilter(r.paths.include, r.paths.exclude) : undefined] as const);
  const byLanguage = new Map<CodeLanguage | undefined, { rules: (typeof filters)[number][]; bySelection: Map<string, readonly CodeRule[]> }>();
  return (f) => {
    let lang = byLanguage.get(f.language);
    if (!lang) {
      const reads = filters.filter(([r]) => (f.language ? r.grammars.includes(f.language) : r.grammars.length === 0));
      byLanguage.set(f.language, (lang = { rules: reads, bySelection: new Map() }));
    }
    // which path-filtered rules let this file in: the only part that differs between files of a language
    const passing: number[] = [];
    for (let i = 0; i < lang.rules.length; i++) {
      const inPaths = lang.rules[i]![1];
      if (inPaths && inPaths(f.relPath)) passing.push(i);
    }
    const key = passing.join(',');
    let selected = lang.bySelection.get(key);
    if (!selected) {
      const admitted = new Set(passing);
      selected = lang.rules.filter(([, inPaths], i) => !inPaths || admitted.has(i)).map(([r]) => r);
      lang.bySelection.set(key, selected);
    }
    return selected;
  };
}
