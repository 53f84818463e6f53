import { pathFilter } from '../files.js';
import type { SourceFile } from '../types.js';
import type { CodeRule } from './rules.js';

/**
 * The rules that apply to a file: the rule reads its language (text-only rules read files with
 * none) and its `paths` let the file in. Each rule's path filter is built once.
 */
export function ruleSelector(rules: readonly CodeRule[]): (file: SourceFile) => CodeRule[] {
  const filters = rules.map((r) => [r, r.paths ? pathFilter(r.paths.include, r.paths.exclude) : () => true] as const);
  return (f) => filters.filter(([r, inPaths]) => (f.language ? r.grammars.includes(f.language) : r.grammars.length === 0) && inPaths(f.relPath)).map(([r]) => r);
}
