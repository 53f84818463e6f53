import { createFinding } from '../../../src/model/create.js';
import type { Finding } from '../../../src/model/finding.js';
import { secretPassFingerprint } from '../../../src/model/redact-finding.js';
import type { SecretHit } from './types.js';

/** The `code` scanner's id; spelled here so the secrets pass does not import the scanner that runs it. */
const SCANNER_ID = 'code';

/**
 * Findings for secret hits. The fingerprint hashes rule, path and the secret's redacted form — no
 * line, so a secret moved within its file stays the same finding, and nothing a guess at the secret
 * could be checked against (see `secretPassFingerprint`). Evidence is the redacted form; the
 * location carries no snippet (it would be the secret).
 */
export function secretFindings(hits: readonly SecretHit[]): Finding[] {
  return hits.map((h) =>
    createFinding({
      scanner: SCANNER_ID,
      ruleId: h.ruleId,
      title: h.title,
      severity: h.severity,
      confidence: h.confidence,
      cwe: [...h.cwe],
      location: { kind: 'file', path: h.path, startLine: h.startLine, startColumn: h.startColumn, endLine: h.endLine, endColumn: h.endColumn },
      evidence: h.redacted,
      remediation: h.remediation,
      tags: ['secret'],
      fingerprint: secretPassFingerprint(h.ruleId, h.path, h.redacted),
    }),
  );
}
