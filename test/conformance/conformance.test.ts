/**
 * Conformance to Semgrep's rule and pattern semantics, one small rule with an annotated test file
 * per documented construct (written here from Semgrep's public documentation: rule syntax, pattern
 * syntax, testing rules, metavariable analysis, generic mode, taint mode). `vigil rules test`
 * runs them exactly as a user would, and the whole table with its confusion matrix is printed
 * into the test output so the pass rate is visible on every run.
 *
 * javascript/:
 * - expr-stmt, var-decl, seq-nested, seq-inside, quoted-mv: statements and sequences as Semgrep
 *   reads them (an expression statement matches the statements carrying it; `var` matches `let`
 *   and `const`; `A; ...; B` finds B in blocks and functions nested after A; `'$X'` binds a
 *   string's content);
 * - inside-only, fn-pattern, jsx: valid forms Semgrep accepts (a `patterns` whose positives are
 *   pattern-inside and pattern-either; function and arrow patterns with `...` statements on one
 *   line; JSX patterns);
 * - pcre-inline: a PCRE2 flag group mid-pattern; redos and analysis: metavariable-analysis;
 * - constprop: constant propagation for `"..."`; not-inside: negatives across nested functions
 *   and sequences; annotations: todo/deep annotations; generic: `languages: [generic]` patterns;
 * - strregex: `"=~/regex/"`; callee-mv: metavariable-regex is anchored at the start, as
 *   Python's re.match; express, innerhtml, objfield, newfn, imports, ts-cast, method-regex,
 *   mv-comparison, mv-pattern, focus, deep-expr, not-regex, list-mv, typed-mv, either-not,
 *   not-inside-seq: the operators and shapes registry rules are made of;
 * - taint-labels, taint-side-effect: taint labels and by-side-effect sanitizers;
 * - taint-basic: sources written with pattern-inside + metavariable-regex, focus-metavariable
 *   sinks, propagation through declarations, destructuring, templates, concatenation, arrays,
 *   objects, spread and await, a sanitizer by expression.
 */
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { vigil } from '../helpers/cli.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

describe('conformance to Semgrep semantics (test/conformance)', () => {
  it('every rule passes its annotated test file, as `semgrep --test` would judge it', () => {
    const r = vigil(['rules', 'test', 'test/conformance'], { cwd: ROOT });
    // the table, pass rate and confusion matrix, for whoever reads the run
    console.log(r.stdout);
    expect(r.code, r.stdout + r.stderr).toBe(0);
    const m = /(\d+)\/(\d+) rules passed/.exec(r.stdout);
    expect(Number(m?.[2])).toBeGreaterThanOrEqual(36);
    expect(m?.[1]).toBe(m?.[2]);
    expect(r.stdout).toContain('precision 100.0%, recall 100.0%');
  });
});
