/**
 * The `code` scanner's vocabulary, shared by its parts: the file walker, the rule loader, the
 * embedded engine (ast-grep), the semgrep adapter, the secrets pass and `vigil rules test`.
 */

/** Languages the embedded engine parses. `jsx` and `tsx` are their own grammars, as in tree-sitter. */
export const CODE_LANGUAGES = ['javascript', 'typescript', 'jsx', 'tsx', 'python', 'go', 'java'] as const;
export type CodeLanguage = (typeof CODE_LANGUAGES)[number];

/** One source file to scan. */
export interface SourceFile {
  /** Absolute path. */
  path: string;
  /** Path relative to the scan root, with `/` separators: what findings and rule `paths` use. */
  relPath: string;
  /** undefined for files no grammar reads (they still get the secrets pass and `pattern-regex` rules for `generic`). */
  language: CodeLanguage | undefined;
  text: string;
}

/** Semgrep's severities: the classic three and the newer four. */
export type RuleSeverity = 'ERROR' | 'WARNING' | 'INFO' | 'INVENTORY' | 'EXPERIMENT' | 'CRITICAL' | 'HIGH' | 'MEDIUM' | 'LOW';

/** Where something sits in a rule file, for error messages. */
export interface RuleSource {
  /** The rule file's path as given (absolute). */
  file: string;
  /** 1-based line of the rule (or of the offending key). */
  line: number;
  column?: number;
}

/** One match of one rule in one file, from either engine. Lines and columns are 1-based; end is exclusive in columns, like SARIF. */
export interface RuleMatch {
  ruleId: string;
  /** SourceFile.relPath. */
  path: string;
  startLine: number;
  startColumn: number;
  endLine: number;
  endColumn: number;
  /** The matched source text (the whole match; writers shorten it). */
  snippet: string;
  /** The rule's message with `$X` interpolated from the match's bindings. */
  message: string;
  /** Metavariable name (with its `$`) → the bound source text. */
  bindings: Record<string, string>;
  /** The rule's `fix` with bindings interpolated, when the rule has one. */
  fix?: string;
}

/** A rule the engine could not evaluate (bad pattern, unsupported operator, a file it could not parse for it). Never silent. */
export interface RuleProblem {
  ruleId?: string;
  source?: RuleSource;
  problem: string;
}

/** A source file that did not parse cleanly: listed, never fatal. */
export interface ParseProblem {
  path: string;
  language: CodeLanguage;
  /** 1-based line of the first error node. */
  line: number;
  problem: string;
}
