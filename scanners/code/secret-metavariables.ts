/**
 * Which of a rule's metavariables hold secrets, as the rule says (`metadata.secret-metavariables`)
 * and as its patterns show (a metavariable bound to a literal's content or to a regex capture is
 * text, whatever it looks like). The redaction itself is the kernel's (src/model/redact-finding.ts),
 * shared with the ledger migration; docs/rules.md is the user's description.
 */
import type { CodeRule, Formula } from './engine/rules.js';

/** The metadata key (Semgrep ignores metadata it does not know, so rules using it stay Semgrep-valid). */
export const SECRET_METAVARIABLES_KEY = 'secret-metavariables';

export interface SecretPolicy {
  /** The rule's own list (replacing the default name heuristic); undefined when it has none or a bad one. */
  declared?: string[];
  /** Metavariables bound to text: `"$X"` in a pattern, a named group of a `pattern-regex`. */
  text: string[];
  /** What is wrong with the rule's `secret-metavariables`, when something is (the default then applies). */
  problem?: string;
}

const METAVARIABLE = /^\$(?:\.\.\.)?[A-Za-z_][A-Za-z0-9_]*$/;
// rule text, not input: these run on patterns and regex sources the rule's author wrote
const QUOTED_METAVARIABLE = /["'`](\$[A-Z_][A-Z0-9_]*)["'`]/g;
const NAMED_GROUP = /\(\?P?<([A-Za-z_][A-Za-z0-9_]*)>/g;

const policies = new WeakMap<CodeRule, SecretPolicy>();

/** The rule's secret-metavariable policy (computed once per rule). */
export function secretPolicy(rule: CodeRule): SecretPolicy {
  let p = policies.get(rule);
  if (!p) {
    p = { text: [...new Set(textMetavariables(rule))].sort() };
    const raw = rule.metadata[SECRET_METAVARIABLES_KEY];
    if (raw !== undefined) {
      const items = typeof raw === 'string' ? [raw] : Array.isArray(raw) ? raw : undefined;
      const names = items?.map((x) => (typeof x === 'string' ? (x.startsWith('$') ? x.trim() : `$${x.trim()}`) : undefined));
      if (names && names.every((n): n is string => n !== undefined && METAVARIABLE.test(n))) p.declared = names;
      else p.problem = `metadata.${SECRET_METAVARIABLES_KEY} is not a list of metavariable names (like [$SECRET]); metavariables named like secrets are redacted instead`;
    }
    policies.set(rule, p);
  }
  return p;
}

function textMetavariables(rule: CodeRule): string[] {
  const formulas: Formula[] = [];
  if (rule.formula) formulas.push(rule.formula);
  if (rule.taint) formulas.push(...rule.taint.sources, ...rule.taint.sinks, ...rule.taint.sanitizers, ...rule.taint.propagators.map((p) => p.formula));
  const out: string[] = [];
  const walk = (f: Formula): void => {
    switch (f.op) {
      case 'pattern':
        for (const m of f.source.matchAll(QUOTED_METAVARIABLE)) out.push(m[1]!);
        return;
      case 'regex':
        for (const m of f.regex.source.matchAll(NAMED_GROUP)) out.push(`$${m[1]!}`);
        return;
      case 'either':
        f.items.forEach(walk);
        return;
      case 'all':
        [...f.positives, ...f.insides, ...f.negatives, ...f.notInsides, ...f.notRegexes].forEach(walk);
        for (const c of f.conditions) if (c.op === 'metavariable-pattern') walk(c.formula);
        return;
    }
  };
  formulas.forEach(walk);
  return out;
}
