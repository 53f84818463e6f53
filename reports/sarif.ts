import { countsTowardGate, exclusionOf } from '../src/gate/gate.js';
import type { Finding } from '../src/model/finding.js';
import { formatLocation, normalisePath, type Location } from '../src/model/location.js';
import type { ReportedFinding, ScanReport } from '../src/model/report.js';
import { severityRank, type Confidence, type Severity } from '../src/model/severity.js';

/** Where the SARIF log says its schema lives (the schema store copy GitHub and editors resolve). */
export const SARIF_SCHEMA_URI = 'https://json.schemastore.org/sarif-2.1.0.json';

/** The partialFingerprints key vigil writes; bump the suffix if the fingerprint recipe changes. */
export const SARIF_FINGERPRINT_KEY = 'vigil/v1';

export type SarifLevel = 'error' | 'warning' | 'note' | 'none';

/** SARIF result level: critical/high → error, medium → warning, low/info → note. */
export function sarifLevel(s: Severity): SarifLevel {
  if (s === 'critical' || s === 'high') return 'error';
  if (s === 'medium') return 'warning';
  return 'note';
}

/**
 * GitHub's `security-severity` (a CVSS-like score, as a string): chosen inside each of
 * GitHub's bands so that severityFromScore maps it back to the same severity.
 */
export const SECURITY_SEVERITY: Record<Severity, string> = {
  critical: '9.5',
  high: '8.0',
  medium: '5.5',
  low: '3.0',
  info: '0.0',
};

const PRECISION: Record<Confidence, 'high' | 'medium' | 'low'> = { high: 'high', medium: 'medium', low: 'low' };

export interface SarifOptions {
  /** The tool's home page, for `tool.driver.informationUri`; left out when not given. */
  informationUri?: string;
}

/** SARIF 2.1.0 log for the report, ready for GitHub code scanning upload. */
export function writeSarif(report: ScanReport, opts: SarifOptions = {}): string {
  return `${JSON.stringify(toSarifLog(report, opts), null, 2)}\n`;
}

type Json = Record<string, unknown>;

/** The plain SARIF object behind writeSarif. */
export function toSarifLog(report: ScanReport, opts: SarifOptions = {}): Json {
  const { run } = report;
  const byRule = new Map<string, ReportedFinding[]>();
  for (const f of report.findings) {
    const list = byRule.get(f.ruleId);
    if (list) list.push(f);
    else byRule.set(f.ruleId, [f]);
  }
  const ruleIds = [...byRule.keys()].sort(compareText);
  const ruleIndex = new Map(ruleIds.map((id, i) => [id, i]));

  const driver: Json = { name: 'vigil', version: report.toolVersion };
  if (/^\d+\.\d+\.\d+/.test(report.toolVersion)) driver.semanticVersion = report.toolVersion;
  if (opts.informationUri && isWebUrl(opts.informationUri)) driver.informationUri = opts.informationUri;
  driver.rules = ruleIds.map((id) => toRule(id, byRule.get(id)!));

  const invocation: Json = { executionSuccessful: run.status === 'complete' };
  const start = isoTime(run.startedAt);
  const end = isoTime(run.finishedAt);
  if (start) invocation.startTimeUtc = start;
  if (end) invocation.endTimeUtc = end;
  const notifications = run.parts
    .filter((p) => p.status !== 'complete')
    .map((p) => ({
      // a part left out on purpose is a note, not an error of the run
      level: p.status === 'skipped' ? 'note' : 'error',
      message: { text: p.error ?? p.notes?.[0] ?? `${p.scanner} on ${p.target}: ${p.status}` },
      properties: { scanner: p.scanner, target: p.target, status: p.status },
    }));
  if (notifications.length) invocation.toolExecutionNotifications = notifications;

  return {
    $schema: SARIF_SCHEMA_URI,
    version: '2.1.0',
    runs: [
      {
        tool: { driver },
        // GitHub takes everything before the last `/` as the analysis category
        automationDetails: { id: `vigil/${run.id}` },
        invocations: [invocation],
        originalUriBaseIds: {
          '%SRCROOT%': { description: { text: 'The root folder of the scanned target.' } },
        },
        columnKind: 'utf16CodeUnits',
        results: report.findings.map((f) => toResult(f, ruleIndex.get(f.ruleId)!, report)),
        properties: {
          runId: run.id,
          trigger: run.trigger,
          status: run.status,
          summary: report.summary,
          gate: report.gate,
        },
      },
    ],
  };
}

/** One reportingDescriptor per ruleId, described by its most severe finding. */
function toRule(id: string, findings: readonly ReportedFinding[]): Json {
  const rep = findings.reduce((a, b) => (severityRank(b.severity) > severityRank(a.severity) ? b : a));
  const props = rep.properties ?? {};
  const ruleName = typeof props.ruleName === 'string' && props.ruleName ? props.ruleName : id;
  const description = typeof props.ruleDescription === 'string' && props.ruleDescription ? props.ruleDescription : rep.title;

  const tags = new Set<string>(['security']);
  for (const f of findings) {
    for (const c of f.cwe) {
      const tag = cweTag(c);
      if (tag) tags.add(tag);
    }
  }
  for (const f of findings) for (const t of f.tags) if (t) tags.add(t);

  const references = unique(findings.flatMap((f) => f.references));
  const rule: Json = {
    id,
    name: ruleName,
    shortDescription: { text: rep.title },
    fullDescription: { text: description },
    help: helpOf(rep, references),
  };
  const helpUri = references.find(isWebUrl);
  if (helpUri) rule.helpUri = helpUri;
  rule.defaultConfiguration = { level: sarifLevel(rep.severity) };
  rule.properties = {
    tags: [...tags].sort(compareText),
    precision: PRECISION[rep.confidence],
    // GitHub applies one score per rule, so the rule takes its most severe finding's
    'security-severity': SECURITY_SEVERITY[rep.severity],
  };
  return rule;
}

function helpOf(f: Finding, references: readonly string[]): { text: string; markdown: string } {
  const remediation = f.remediation?.trim() || `No remediation is recorded for ${f.ruleId}.`;
  let text = remediation;
  let markdown = remediation;
  if (references.length) {
    text += `\n\nReferences:\n${references.map((r) => `- ${r}`).join('\n')}`;
    markdown += `\n\n#### References\n${references.map((r) => `- ${isWebUrl(r) ? `<${r}>` : r}`).join('\n')}`;
  }
  return { text, markdown };
}

function toResult(f: ReportedFinding, ruleIndex: number, report: ScanReport): Json {
  const result: Json = {
    ruleId: f.ruleId,
    ruleIndex,
    level: sarifLevel(f.severity),
    message: { text: f.evidence ? `${f.title}\nEvidence: ${f.evidence}` : f.title },
    locations: [toSarifLocation(f.location)],
    partialFingerprints: partialFingerprintsOf(f),
  };
  if (f.baselineState) result.baselineState = f.baselineState;
  const suppression = suppressionOf(f);
  if (suppression) result.suppressions = [suppression];
  const properties: Json = { severity: f.severity, target: f.target };
  if (f.status !== undefined) properties.status = f.status;
  if (f.id !== undefined) properties.ledgerId = f.id;
  if (f.aliases.length) properties.aliases = f.aliases;
  properties.countsTowardGate = countsTowardGate(f, report.gate.failOn);
  result.properties = properties;
  return result;
}

function partialFingerprintsOf(f: Finding): Record<string, string> {
  const out: Record<string, string> = { [SARIF_FINGERPRINT_KEY]: f.fingerprint };
  const extra = f.properties?.partialFingerprints;
  if (extra && typeof extra === 'object' && !Array.isArray(extra)) {
    for (const [k, v] of Object.entries(extra as Record<string, unknown>)) {
      // vigil's own key stays authoritative: it is what --baseline and the ledger match on
      if (k !== SARIF_FINGERPRINT_KEY && typeof v === 'string') out[k] = v;
    }
  }
  return out;
}

function suppressionOf(f: ReportedFinding): Json | undefined {
  if (f.suppression) {
    const s: Json = { kind: 'external', status: 'accepted', justification: f.suppression.reason };
    const props: Json = { source: f.suppression.source };
    if (f.suppression.where) props.where = f.suppression.where;
    if (f.suppression.expires) props.expires = f.suppression.expires;
    s.properties = props;
    return s;
  }
  if (exclusionOf(f) === 'suppressed') {
    return {
      kind: 'external',
      status: 'accepted',
      justification: `marked ${f.status} in the vigil ledger`,
      properties: { source: 'ledger' },
    };
  }
  return undefined;
}

/** A SARIF location: files get a physicalLocation, everything else a logicalLocation. */
export function toSarifLocation(loc: Location): Json {
  switch (loc.kind) {
    case 'file': {
      const physical: Json = { artifactLocation: artifactLocationOf(loc.path) };
      if (loc.startLine !== undefined && loc.startLine >= 1) {
        const region: Json = { startLine: loc.startLine };
        if (loc.startColumn !== undefined && loc.startColumn >= 1) region.startColumn = loc.startColumn;
        if (loc.endLine !== undefined && loc.endLine >= loc.startLine) region.endLine = loc.endLine;
        if (loc.endColumn !== undefined && loc.endColumn >= 1) region.endColumn = loc.endColumn;
        // the snippet is left out on purpose: it is raw source and may hold what evidence redacts
        physical.region = region;
      }
      return { physicalLocation: physical };
    }
    case 'datamap':
      return {
        physicalLocation: { artifactLocation: artifactLocationOf(loc.file) },
        logicalLocations: [{ name: lastPointerSegment(loc.pointer), fullyQualifiedName: formatLocation(loc), kind: 'object' }],
      };
    case 'web':
      return {
        logicalLocations: [{ name: loc.param ?? loc.url, fullyQualifiedName: formatLocation(loc), kind: 'resource' }],
      };
    case 'host':
      return { logicalLocations: [{ name: loc.host, fullyQualifiedName: formatLocation(loc), kind: 'resource' }] };
    case 'component': {
      const logical: Json = { name: loc.purl, fullyQualifiedName: loc.purl, kind: 'module' };
      if (loc.path && loc.path.length) logical.properties = { dependencyPath: loc.path };
      return { logicalLocations: [logical] };
    }
    case 'database':
      return {
        logicalLocations: [{ name: loc.object?.name ?? loc.table ?? loc.schema, fullyQualifiedName: formatLocation(loc), kind: loc.object?.type === 'function' ? 'function' : 'resource' }],
      };
  }
}

/**
 * Relative paths become URI references under %SRCROOT% (what GitHub resolves against the
 * checkout); absolute paths cannot be made relative without the target's root, so they
 * stay absolute `file://` URIs.
 */
export function artifactLocationOf(path: string): Json {
  const p = normalisePath(path);
  if (/^[A-Za-z]:\//.test(p)) return { uri: `file:///${p.slice(0, 2)}${encodeUriPath(p.slice(2))}` };
  if (p.startsWith('/')) return { uri: `file://${encodeUriPath(p)}` };
  return { uri: encodeUriPath(p, true), uriBaseId: '%SRCROOT%' };
}

/**
 * Percent-encode a path for a URI reference, keeping `/` and the characters RFC 3986 allows
 * in a segment. With `relative`, a `:` in the first segment is encoded so it cannot read as a scheme.
 */
function encodeUriPath(p: string, relative = false): string {
  const encoded = p
    .split('/')
    // encodeURIComponent also escapes $&+,;=:@, which a path segment may hold as they are
    .map((seg) => encodeURIComponent(seg).replace(/%(2[146-9A-C]|3[AB]|3D|40)/gi, (m) => decodeURIComponent(m)))
    .join('/');
  if (!relative) return encoded;
  const slash = encoded.indexOf('/');
  const first = slash === -1 ? encoded : encoded.slice(0, slash);
  return first.includes(':') ? first.replace(/:/g, '%3A') + encoded.slice(first.length) : encoded;
}

function lastPointerSegment(pointer: string): string {
  const seg = pointer.split('/').pop() ?? '';
  return seg.replace(/~1/g, '/').replace(/~0/g, '~') || pointer || '/';
}

/** `external/cwe/cwe-89` for `CWE-89`, `cwe-89`, `89`; undefined for anything else. */
export function cweTag(cwe: string): string | undefined {
  const m = /^(?:cwe[-_: ]?)?0*(\d+)$/i.exec(cwe.trim());
  return m ? `external/cwe/cwe-${m[1]}` : undefined;
}

function isWebUrl(s: string): boolean {
  try {
    const u = new URL(s);
    return u.protocol === 'https:' || u.protocol === 'http:';
  } catch {
    return false;
  }
}

function isoTime(s: string | null): string | undefined {
  if (!s) return undefined;
  const t = Date.parse(s);
  return Number.isNaN(t) ? undefined : new Date(t).toISOString();
}

function unique(xs: readonly string[]): string[] {
  return [...new Set(xs.filter((x) => x.trim() !== ''))];
}

function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
