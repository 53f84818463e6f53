/**
 * The secrets pass's vocabulary: what one hit says, and what a caller may ask of the pass.
 */
import type { Confidence } from '../../../src/model/severity.js';

/** The severities a secret can have: private keys and cloud, payment and service-role keys are critical. */
export type SecretSeverity = 'critical' | 'high' | 'medium';

/** One secret in one file. The secret itself is never kept: only its redacted form and its SHA-256. */
export interface SecretHit {
  /** `secretlint/<secretlint rule id>` for the preset's rules, `vigil/<name>` for vigil's own. */
  ruleId: string;
  /** Names the kind of secret, never its value. */
  title: string;
  /** SourceFile.relPath. */
  path: string;
  /** 1-based. */
  startLine: number;
  /** 1-based, in UTF-16 code units (SARIF's default). */
  startColumn: number;
  endLine: number;
  /** Exclusive, like SARIF. */
  endColumn: number;
  /** The first 4 characters, `…` and the length: `AKIA… (20 chars)`. */
  redacted: string;
  severity: SecretSeverity;
  confidence: Confidence;
  cwe: string[];
  remediation: string;
  /** Hex SHA-256 of the secret: the finding's identity, stable when the line moves. */
  secretSha256: string;
}

/** What a caller may ask of the secrets pass. */
export interface SecretsOptions {
  /** Rule ids to leave out, in the form SecretHit.ruleId uses (see SECRET_RULE_IDS). */
  disableRules?: readonly string[];
  /**
   * Lines longer than this (minified bundles) are read only in windows around token-like text, so
   * one 5 MB line costs what its candidates cost. Default 4096.
   */
  maxLineLength?: number;
}
