import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parseRuleFile } from '../../../scanners/code/engine/rules.js';
import { evaluateFile } from '../../../scanners/code/engine/evaluate.js';
import type { EvaluationPool as Pool } from '../../../scanners/code/engine/pool.js';
import type { SourceFile } from '../../../scanners/code/types.js';

// Worker threads run the built engine (a thread cannot load .ts): `npm test` builds dist/ first.
const BUILT = fileURLToPath(new URL('../../../dist/scanners/code/engine/pool.js', import.meta.url));

async function builtPool(): Promise<typeof Pool> {
  if (!existsSync(BUILT)) throw new Error(`${BUILT} is missing: run \`npm run build\` (npm test does) before this suite`);
  return ((await import(BUILT)) as { EvaluationPool: typeof Pool }).EvaluationPool;
}

const RULES = parseRuleFile(
  `rules:
  - id: pool-eval
    message: eval of $X
    severity: ERROR
    languages: [javascript]
    patterns:
      - pattern: eval($X)
      - pattern-not: eval("...")
  - id: pool-exec
    message: exec with $CMD
    severity: WARNING
    languages: [javascript]
    pattern: child_process.exec($CMD)
`,
  'pool.yaml',
).rules;

/** Files with flaws at known lines, big enough (about 2 MB in all) to make several batches per worker. */
function files(): SourceFile[] {
  const out: SourceFile[] = [];
  for (let i = 0; i < 120; i++) {
    const filler = Array.from({ length: 400 }, (_, k) => `const v${k} = compute(${k}, "${'x'.repeat(20)}");`).join('\n');
    const text = `${filler}\neval(input${i});\neval("1 + 1");\n${i % 3 === 0 ? 'child_process.exec(cmd);\n' : ''}${i === 7 ? 'function broken( {\n' : ''}`;
    out.push({ path: `/src/f${i}.js`, relPath: `src/f${i}.js`, language: 'javascript', text });
  }
  return out;
}

describe('the worker pool', () => {
  it('finds on two worker threads exactly what one thread finds, in the order the files were added', async () => {
    const EvaluationPool = await builtPool();
    const all = files();
    const expected = all.flatMap((f) => evaluateFile(RULES, f).matches);
    const pool = new EvaluationPool(RULES, { threads: 2 });
    for (const f of all) pool.add(f);
    const got = await pool.finish();
    expect(got.matches.map((m) => [m.ruleId, m.path, m.startLine])).toEqual(expected.map((m) => [m.ruleId, m.path, m.startLine]));
    expect(got.matches.filter((m) => m.ruleId === 'pool-eval')).toHaveLength(120);
    expect(got.matches.filter((m) => m.ruleId === 'pool-exec')).toHaveLength(40);
    expect(got.parseProblems.map((p) => p.path)).toEqual(['src/f7.js']);
  });

  it('reports progress as batches come back', async () => {
    const EvaluationPool = await builtPool();
    const seen: number[] = [];
    const pool = new EvaluationPool(RULES, { threads: 2, onProgress: (n) => seen.push(n) });
    for (const f of files()) pool.add(f);
    await pool.finish();
    expect(seen.length).toBeGreaterThan(1);
    expect(seen.at(-1)).toBe(120);
    expect([...seen].sort((a, b) => a - b)).toEqual(seen);
  });

  it('an abort fails finish with the abort reason', async () => {
    const EvaluationPool = await builtPool();
    const ac = new AbortController();
    const pool = new EvaluationPool(RULES, { threads: 2, signal: ac.signal });
    for (const f of files()) pool.add(f);
    const reason = new Error('scan cancelled');
    ac.abort(reason);
    await expect(pool.finish()).rejects.toBe(reason);
  });

  it('close before finish ends the workers (a walk that failed), and finish then fails instead of waiting forever', async () => {
    const EvaluationPool = await builtPool();
    const pool = new EvaluationPool(RULES, { threads: 2 });
    for (const f of files()) pool.add(f);
    await pool.close();
    await expect(pool.finish()).rejects.toThrow(/closed/);
  });
});
