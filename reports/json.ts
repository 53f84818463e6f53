import { JSON_SCHEMA_VERSION } from '../src/gate/baseline.js';
import type { ReportedFinding, ScanReport } from '../src/model/report.js';

/** The JSON output (`--format json`): the architecture's shape, pretty-printed, newline-terminated. */
export function writeJson(report: ScanReport): string {
  return [...jsonChunks(report)].join('');
}

/**
 * The same text as writeJson, in pieces: one per finding. A run of 100,000 findings is written
 * without its whole text (and a plain-object copy of every finding) in memory at once.
 */
export function* jsonChunks(report: ScanReport): Generator<string> {
  const shell = JSON.stringify(toJsonReport({ ...report, findings: [] }), null, 2);
  const marker = '"findings": []';
  const at = shell.indexOf(marker);
  yield `${shell.slice(0, at)}"findings": [`;
  let first = true;
  for (const f of report.findings) {
    // Raw newlines only occur between tokens (in strings they are escaped), so re-indenting is safe.
    yield `${first ? '' : ','}\n    ${JSON.stringify(toJsonFinding(f), null, 2).replace(/\n/g, '\n    ')}`;
    first = false;
  }
  yield `${first ? '' : '\n  '}]${shell.slice(at + marker.length)}\n`;
}

/** The plain object behind writeJson, with keys in a fixed order so output is reproducible. */
export function toJsonReport(report: ScanReport): Record<string, unknown> {
  const { run, gate, summary } = report;
  return {
    // the number --baseline checks, from one constant so writer and reader cannot drift
    schemaVersion: JSON_SCHEMA_VERSION,
    run: {
      id: run.id,
      status: run.status,
      trigger: run.trigger,
      startedAt: run.startedAt,
      finishedAt: run.finishedAt,
      scanners: run.parts.map((p) => ({
        id: p.scanner,
        target: p.target,
        status: p.status,
        error: p.error,
        findings: p.findings,
        notes: p.notes ?? [],
        ...(p.report ? { report: p.report.data } : {}),
      })),
    },
    findings: report.findings.map(toJsonFinding),
    summary: {
      critical: summary.critical,
      high: summary.high,
      medium: summary.medium,
      low: summary.low,
      info: summary.info,
    },
    gate: {
      failOn: gate.failOn,
      failed: gate.failed,
      counted: gate.counted,
      suppressed: gate.suppressed,
      baselined: gate.baselined,
    },
  };
}

/**
 * One finding: every Finding field, then what the ledger and gate added. Listed field by
 * field so ledger-internal extras (lastRunId, acceptance…) on the object do not leak out.
 */
function toJsonFinding(f: ReportedFinding): Record<string, unknown> {
  const o: Record<string, unknown> = {
    fingerprint: f.fingerprint,
    scanner: f.scanner,
    ruleId: f.ruleId,
    title: f.title,
    severity: f.severity,
    confidence: f.confidence,
    cwe: f.cwe,
    aliases: f.aliases,
    location: f.location,
  };
  if (f.evidence !== undefined) o.evidence = f.evidence;
  if (f.remediation !== undefined) o.remediation = f.remediation;
  o.references = f.references;
  o.tags = f.tags;
  o.controls = f.controls;
  if (f.properties !== undefined) o.properties = f.properties;
  o.target = f.target;
  if (f.id !== undefined) o.id = f.id;
  if (f.status !== undefined) o.status = f.status;
  if (f.firstSeen !== undefined) o.firstSeen = f.firstSeen;
  if (f.slaDue !== undefined) o.slaDue = f.slaDue;
  if (f.suppression !== undefined) o.suppression = f.suppression;
  if (f.baselineState !== undefined) o.baselineState = f.baselineState;
  return o;
}
