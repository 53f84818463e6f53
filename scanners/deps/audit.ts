import { createFinding } from '../../src/model/create.js';
import type { Finding } from '../../src/model/finding.js';
import { fingerprint } from '../../src/model/fingerprint.js';
import { dependencyPaths } from './graph.js';
import { baseEcosystem, comparableName, packageKey } from '../../src/advisories/package-key.js';
import type { Component, Ecosystem, OsvAdvisory, OsvAffected, Sbom } from './model.js';
import { mergeAdvisoryMaps, type OsvOnline } from './osv-online.js';
import { scoreAdvisories } from './severity.js';
import { isAffected, nearestFix } from './versions/index.js';

/** Where advisories come from: the ledger's offline store, or an online source. */
export interface AdvisorySource {
  forPackages(keys: { ecosystem: string; name: string }[]): Promise<Map<string, OsvAdvisory[]>>;
}

export interface AuditOptions {
  /** Leave dev-only components out (`--omit dev`). */
  omitDev?: boolean;
  /** Also ask OSV's API (`--online`); results merge with the offline store's. */
  online?: OsvOnline;
  signal?: AbortSignal;
}

export const DEPS_SCANNER_ID = 'deps';


/**
 * Match every registry component against the advisories for its package, and make one finding
 * per vulnerability per component: advisories that share an id or alias (a GHSA and its CVE,
 * an ecosystem's own id) are one vulnerability, and the finding lists every id.
 */
export async function audit(sbom: Sbom, source: AdvisorySource, opts: AuditOptions = {}): Promise<Finding[]> {
  const { graph } = sbom;
  const candidates = [...graph.components.values()].filter(
    (c) => c.ref !== graph.root && c.registry && c.ecosystem && c.version && !(opts.omitDev && c.dev),
  );
  const keys = new Map<string, { ecosystem: string; name: string }>();
  for (const c of candidates) keys.set(packageKey(c.ecosystem!, c.name), { ecosystem: c.ecosystem!, name: c.name });
  let advisories = await source.forPackages([...keys.values()]);
  if (opts.online) {
    const live = await opts.online.forComponents(candidates.map((c) => ({ ecosystem: c.ecosystem!, name: c.name, version: c.version })));
    advisories = mergeAdvisoryMaps(advisories, live);
  }
  if (opts.signal?.aborted) throw opts.signal.reason;

  const paths = dependencyPaths(graph);
  const findings: Finding[] = [];
  for (const c of candidates) {
    const relevant = (advisories.get(packageKey(c.ecosystem!, c.name)) ?? []).filter((a) => !a.withdrawn);
    const matched = relevant.filter((a) => affects(a, c));
    for (const group of groupByAlias(matched)) findings.push(toFinding(c, group, paths.get(c.ref) ?? [], graph.components));
  }
  return findings;
}

function affects(a: OsvAdvisory, c: Component): boolean {
  return (a.affected ?? []).some((x) => samePackage(x, c) && isAffected(x, c.version, c.ecosystem!));
}

/** The affected entry names this component's package (`Debian:12` is Debian; PyPI names per PEP 503). */
function samePackage(x: OsvAffected, c: Component): boolean {
  if (!x.package) return false;
  const eco: Ecosystem = c.ecosystem!;
  return (x.package.ecosystem === eco || baseEcosystem(x.package.ecosystem) === eco) && comparableName(eco, x.package.name) === comparableName(eco, c.name);
}

/** Connected groups of advisories whose ids or aliases overlap (union-find over ids). */
export function groupByAlias(advisories: readonly OsvAdvisory[]): OsvAdvisory[][] {
  const parent = new Map<string, string>();
  const find = (x: string): string => {
    let r = x;
    while (parent.get(r) !== r) r = parent.get(r)!;
    parent.set(x, r);
    return r;
  };
  const union = (a: string, b: string) => {
    for (const x of [a, b]) if (!parent.has(x)) parent.set(x, x);
    const ra = find(a);
    const rb = find(b);
    if (ra !== rb) parent.set(ra, rb);
  };
  for (const a of advisories) {
    union(a.id, a.id);
    for (const alias of a.aliases ?? []) union(a.id, alias);
  }
  const groups = new Map<string, OsvAdvisory[]>();
  for (const a of advisories) {
    const r = find(a.id);
    const g = groups.get(r);
    if (g) g.push(a);
    else groups.set(r, [a]);
  }
  return [...groups.values()];
}

/** The id a group is known by: a GHSA id first (what npm users see), then a CVE, then the smallest other id. */
export function primaryId(ids: readonly string[]): string {
  const sorted = [...new Set(ids)].sort();
  return sorted.find((i) => i.startsWith('GHSA-')) ?? sorted.find((i) => i.startsWith('CVE-')) ?? sorted[0]!;
}

function toFinding(c: Component, group: OsvAdvisory[], refPaths: string[][], components: Map<string, Component>): Finding {
  const ids = [...new Set(group.flatMap((a) => [a.id, ...(a.aliases ?? [])]))];
  const id = primaryId(ids);
  const sev = scoreAdvisories(group);
  const affected = group.flatMap((a) => (a.affected ?? []).filter((x) => samePackage(x, c)));
  const fix = nearestFix(affected, c.version, c.ecosystem!);
  const namedPaths = refPaths.map((p) => p.map((ref) => label(components.get(ref))));
  const summary = group.map((a) => a.summary).find((s) => s && s.trim()) ?? `${id} in ${c.name}`;
  const cwe = [
    ...new Set(
      group.flatMap((a) => {
        const ids = a.database_specific?.cwe_ids;
        return Array.isArray(ids) ? ids.filter((x): x is string => typeof x === 'string') : [];
      }),
    ),
  ].sort();
  const purl = c.purl ?? `pkg:${c.ecosystem!.toLowerCase()}/${c.name}@${c.version}`;
  const location = { kind: 'component' as const, purl, ...(namedPaths[0] ? { path: namedPaths[0] } : {}) };
  const references = [...new Set(group.flatMap((a) => (a.references ?? []).map((r) => r.url)))];
  const tags = ['dependency', `ecosystem:${c.ecosystem}`, ...(c.dev ? ['dev'] : [])];
  return createFinding({
    scanner: DEPS_SCANNER_ID,
    ruleId: id,
    title: `${c.name}@${c.version}: ${summary}`,
    severity: sev.severity,
    confidence: 'high',
    cwe,
    aliases: ids.filter((x) => x !== id).sort(),
    location,
    evidence: `${c.name}@${c.version} is in an affected range of ${group.map((a) => a.id).sort().join(', ')}${c.dev ? ' (dev dependency only)' : ''}`,
    remediation: fix
      ? `Upgrade ${c.name} to ${fix} or later${namedPaths[0] && namedPaths[0].length > 1 ? ` (it comes in through ${namedPaths[0].slice(0, -1).join(' > ')})` : ''}.`
      : `No fixed version of ${c.name} is published for ${id}: remove it, replace it, or record a VEX statement if it is not exploitable here.`,
    references,
    tags,
    properties: {
      ecosystem: c.ecosystem,
      package: c.name,
      version: c.version,
      dev: c.dev,
      fixedVersion: fix ?? null,
      paths: namedPaths,
      advisories: group.map((a) => a.id).sort(),
      ...(sev.score !== undefined ? { cvssScore: sev.score, cvssVector: sev.vector } : {}),
      severitySource: sev.source,
    },
    // Same vulnerability in the same package stays one finding across version bumps that do not fix it.
    fingerprint: fingerprint({ scanner: DEPS_SCANNER_ID, ruleId: id, location: { kind: 'component', purl: `${c.ecosystem}:${c.name}` }, context: c.name }),
  });
}

function label(c: Component | undefined): string {
  return c ? `${c.name}@${c.version}` : '?';
}
