/**
 * A worker thread of the embedded engine: it gets the checked rules once, then evaluates batches of
 * files sent to it. After every four megabytes or so of source it asks V8 for a full collection, which
 * frees the parse trees napi holds natively (V8 cannot see their size, so it would not hurry otherwise).
 */
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { parentPort, workerData } from 'node:worker_threads';
import type { ParseProblem, RuleMatch, RuleProblem, SourceFile } from '../types.js';
import { evaluateFile } from './evaluate.js';
import { adoptCompiledPatterns, type CompiledPatterns } from './pattern.js';
import type { CodeRule } from './rules.js';
import { ruleSelector } from './select.js';

export interface WorkerInit {
  /** The rules as the main thread loaded and checked them (plain data and RegExps clone across threads). */
  rules: CodeRule[];
  /** The patterns the main thread compiled while checking them: each worker would otherwise compile them again. */
  patterns: CompiledPatterns;
}

export interface WorkerBatch {
  id: number;
  files: SourceFile[];
}

export interface WorkerResult {
  id: number;
  matches: RuleMatch[];
  problems: RuleProblem[];
  parseProblems: ParseProblem[];
}

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as (() => void) | undefined;
/**
 * Source evaluated between full collections: the native trees of that much code are what is held.
 * Each collection marks the whole heap (helper threads too); at 2 MB a scan of a million lines
 * spends about 5 % less CPU than at 1 MB for about 50 MB more at its peak, and at 4 MB about 4 %
 * less again for about 100 MB more (715 MB; measured on the code benchmark).
 */
const GC_EVERY_BYTES = 4 * 1024 * 1024;

adoptCompiledPatterns((workerData as WorkerInit).patterns);
const rulesFor = ruleSelector((workerData as WorkerInit).rules);
let sinceGc = 0;

parentPort!.on('message', (batch: WorkerBatch) => {
  const out: WorkerResult = { id: batch.id, matches: [], problems: [], parseProblems: [] };
  for (const f of batch.files) {
    const rules = rulesFor(f);
    if (rules.length === 0) continue;
    const r = evaluateFile(rules, f);
    out.matches.push(...r.matches);
    out.problems.push(...r.problems);
    if (r.parseProblem) out.parseProblems.push(r.parseProblem);
    sinceGc += f.text.length;
    if (sinceGc >= GC_EVERY_BYTES && gc) {
      gc();
      sinceGc = 0;
    }
  }
  parentPort!.postMessage(out);
});
parentPort!.postMessage({ ready: true });
