import { createHash } from 'node:crypto';
import { parseVexReason } from '../src/gate/vex.js';
import type { ComponentLocation } from '../src/model/location.js';
import type { ReportedFinding, ScanReport } from '../src/model/report.js';

/** CycloneDX `analysis.justification` values. */
const CDX_JUSTIFICATIONS = [
  'code_not_present',
  'code_not_reachable',
  'requires_configuration',
  'requires_dependency',
  'requires_environment',
  'protected_by_compiler',
  'protected_at_runtime',
  'protected_at_perimeter',
  'protected_by_mitigating_control',
] as const;

/** OpenVEX justifications in CycloneDX terms (the nearest one; the original stays in the detail). */
const FROM_OPENVEX: Readonly<Record<string, (typeof CDX_JUSTIFICATIONS)[number]>> = {
  component_not_present: 'code_not_present',
  vulnerable_code_not_present: 'code_not_present',
  vulnerable_code_not_in_execute_path: 'code_not_reachable',
  vulnerable_code_cannot_be_controlled_by_adversary: 'protected_by_mitigating_control',
  inline_mitigations_already_exist: 'protected_by_mitigating_control',
};

/** Id prefixes of databases OSV aggregates: their advisories have an osv.dev page. */
const OSV_PREFIXES = /^(GHSA|CVE|PYSEC|GO|RUSTSEC|OSV|GSD|MAL|BIT|CURL|DSA|DLA|USN|RHSA|ALSA|RLSA|UVI|PSF)-/i;

type Analysis = {
  state: 'not_affected' | 'false_positive' | 'exploitable' | 'in_triage' | 'resolved';
  justification?: string;
  response?: string[];
  detail?: string;
};

/**
 * The run's dependency findings (those located at a component; others have no purl to point
 * at) as a CycloneDX 1.6 VEX document. `analysis.state` says what vigil knows of each:
 *
 * | finding | state |
 * | --- | --- |
 * | suppressed by VEX `not_affected` / `false_positive` | the same, with its justification and detail |
 * | ledger status `false_positive` | `false_positive` |
 * | ledger status `accepted`, or a `.vigilignore.yaml` entry | `exploitable`, response `will_not_fix`, detail `risk accepted: …` |
 * | ledger status `triaged` (confirmed, not yet fixed) | `exploitable` |
 * | ledger status `fixed` | `resolved` |
 * | `open`, `reopened`, or no ledger | `in_triage` (found, not yet assessed) |
 *
 * Only `not_affected` and `false_positive` make `vigil scan --vex` suppress the finding on a
 * later run. Output is sorted (vulnerability id, then purl) so runs are reproducible.
 */
export function writeVex(report: ScanReport): string {
  return `${JSON.stringify(toVex(report), null, 2)}\n`;
}

/** The plain object behind writeVex. */
export function toVex(report: ScanReport): Record<string, unknown> {
  const { run } = report;
  const findings = report.findings
    .filter((f): f is ReportedFinding & { location: ComponentLocation } => f.location.kind === 'component')
    .sort((a, b) => cmp(a.ruleId, b.ruleId) || cmp(a.location.purl, b.location.purl) || cmp(a.target, b.target) || cmp(a.fingerprint, b.fingerprint));
  return {
    bomFormat: 'CycloneDX',
    specVersion: '1.6',
    serialNumber: `urn:uuid:${uuidV5(`urn:vigil:run:${run.id}`)}`,
    version: 1,
    metadata: {
      timestamp: run.finishedAt ?? run.startedAt,
      tools: { components: [{ type: 'application', name: 'vigil', version: report.toolVersion }] },
    },
    vulnerabilities: findings.map(toVulnerability),
  };
}

function toVulnerability(f: ReportedFinding & { location: ComponentLocation }): Record<string, unknown> {
  const v: Record<string, unknown> = { id: f.ruleId, source: sourceOf(f.ruleId, f.scanner) };
  const aliases = [...new Set(f.aliases)].filter((a) => a !== f.ruleId).sort(cmp);
  if (aliases.length) v['references'] = aliases.map((id) => ({ id, source: sourceOf(id, f.scanner) }));
  v['ratings'] = [rating(f)];
  const cwes = [...new Set(f.cwe.map(cweNumber).filter((n): n is number => n !== undefined))].sort((a, b) => a - b);
  if (cwes.length) v['cwes'] = cwes;
  v['description'] = f.title;
  if (f.remediation) v['recommendation'] = f.remediation;
  v['analysis'] = analysisOf(f);
  v['affects'] = [{ ref: f.location.purl }];
  return v;
}

function sourceOf(id: string, scanner: string): { name: string; url?: string } {
  return OSV_PREFIXES.test(id) ? { name: 'OSV', url: `https://osv.dev/vulnerability/${encodeURIComponent(id)}` } : { name: scanner };
}

function rating(f: ReportedFinding): Record<string, unknown> {
  const r: Record<string, unknown> = {};
  const score = f.properties?.['cvssScore'];
  const vector = f.properties?.['cvssVector'];
  if (typeof score === 'number' && Number.isFinite(score)) r['score'] = score;
  r['severity'] = f.severity;
  if (typeof vector === 'string' && vector !== '') {
    r['method'] = vector.startsWith('CVSS:4') ? 'CVSSv4' : vector.startsWith('CVSS:3.1') ? 'CVSSv31' : vector.startsWith('CVSS:3') ? 'CVSSv3' : /^\(?AV:/.test(vector) ? 'CVSSv2' : 'other';
    r['vector'] = vector;
  }
  return r;
}

function analysisOf(f: ReportedFinding): Analysis {
  const s = f.suppression;
  if (s?.source === 'vex') {
    const parts = parseVexReason(s.reason);
    if (parts.status === 'not_affected' || parts.status === 'false_positive') {
      const a: Analysis = { state: parts.status };
      const j = parts.justification;
      const justification = j === undefined ? undefined : (CDX_JUSTIFICATIONS as readonly string[]).includes(j) ? j : FROM_OPENVEX[j];
      if (justification !== undefined) a.justification = justification;
      // an OpenVEX justification without an exact CycloneDX twin is kept in words
      const detail = [justification !== j && j !== undefined ? j : undefined, parts.detail].filter(Boolean).join(' — ');
      a.detail = detail || `VEX statement ${s.where ?? ''}`.trim();
      return a;
    }
  }
  if (f.status === 'false_positive') return { state: 'false_positive', detail: s?.reason ?? 'marked a false positive in the ledger' };
  if (f.status === 'accepted' || s) {
    const why = s ? `${s.reason}${s.where ? ` (${s.where})` : ''}` : 'accepted in the ledger';
    return { state: 'exploitable', response: ['will_not_fix'], detail: `risk accepted: ${why}` };
  }
  if (f.status === 'triaged') return { state: 'exploitable' };
  if (f.status === 'fixed') return { state: 'resolved' };
  return { state: 'in_triage' };
}

function cweNumber(c: string): number | undefined {
  const m = /^(?:CWE-)?(\d+)$/i.exec(c.trim());
  return m ? Number(m[1]) : undefined;
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** An RFC 4122 version-5 UUID of `name` in the URL namespace: the same run id gives the same serial number. */
function uuidV5(name: string): string {
  const ns = Buffer.from('6ba7b8119dad11d180b400c04fd430c8', 'hex');
  const h = createHash('sha1').update(ns).update(name, 'utf8').digest();
  h[6] = (h[6]! & 0x0f) | 0x50;
  h[8] = (h[8]! & 0x3f) | 0x80;
  const x = h.subarray(0, 16).toString('hex');
  return `${x.slice(0, 8)}-${x.slice(8, 12)}-${x.slice(12, 16)}-${x.slice(16, 20)}-${x.slice(20)}`;
}
