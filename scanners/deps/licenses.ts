import { createFinding } from '../../src/model/create.js';
import type { Finding } from '../../src/model/finding.js';
import { fingerprint } from '../../src/model/fingerprint.js';
import { DEPS_SCANNER_ID } from './audit.js';
import { dependencyPaths } from './graph.js';
import { parseSpdx, spdxSatisfies, type LicensePolicy, type SpdxNode } from './license-policy.js';
import type { Component, DependencyGraph } from './model.js';

export const LICENSE_DENIED_RULE = 'license/denied';
export const LICENSE_UNKNOWN_RULE = 'license/unknown';

/** Why a component's licence is what it is. */
export type LicenseVerdict =
  | { verdict: 'allowed'; expression: string }
  | { verdict: 'denied'; expression: string; /** Denied ids that every way of satisfying the expression needs one of. */ deniedBy: string[] }
  | { verdict: 'unknown'; expression: string; reason: 'none' | 'invalid' | 'unlisted'; /** Declared entries that are not SPDX. */ invalid: string[] };

/** Declarations that say nothing: SPDX's NOASSERTION / NONE, npm's UNLICENSED (proprietary, terms unknown to us). */
const NO_LICENSE = new Set(['', 'NOASSERTION', 'NONE', 'UNKNOWN', 'UNLICENSED']);

/** Expressions whose OR-of-ANDs form is larger than this are not expanded (and come out unknown). */
const MAX_ALTERNATIVES = 1024;

/**
 * Judge declared licences against a policy. Several entries are all required (AND). A component
 * is allowed when some way of satisfying the expression uses only allowed licences (an allowed
 * licence WITH an exception is allowed too: exceptions only add permissions); denied when every
 * way needs a denied licence (an unparsable entry beside a denied one does not save it); otherwise
 * unknown.
 */
export function evaluateLicenses(declared: readonly string[], policy: Pick<LicensePolicy, 'allow' | 'deny'>): LicenseVerdict {
  const entries = declared.map((d) => d.trim()).filter((d) => !NO_LICENSE.has(d.toUpperCase()));
  const expression = entries.length === 0 ? '' : entries.length === 1 ? entries[0]! : entries.map((e) => (/\s/.test(e) ? `(${e})` : e)).join(' AND ');
  if (entries.length === 0) return { verdict: 'unknown', expression, reason: 'none', invalid: [] };

  const trees: SpdxNode[] = [];
  const invalid: string[] = [];
  for (const e of entries) {
    try {
      trees.push(parseSpdx(e));
    } catch {
      invalid.push(e);
    }
  }
  const alternatives = trees.length ? expand(trees.reduce((left, right) => ({ left, conjunction: 'and', right }))) : undefined;
  if (!alternatives) return { verdict: 'unknown', expression, reason: 'invalid', invalid };

  const isDenied = memo((leaf: string) => policy.deny.length > 0 && satisfiesLeaf(leaf, policy.deny));
  const denials = alternatives.map((alt) => alt.filter((l) => isDenied(leafText(l))));
  if (alternatives.length > 0 && denials.every((d) => d.length > 0)) {
    const deniedBy = [...new Set(denials.flat().map(leafText))].sort();
    return { verdict: 'denied', expression, deniedBy };
  }
  if (invalid.length) return { verdict: 'unknown', expression, reason: 'invalid', invalid };

  const isAllowed = memo((leaf: string) => policy.allow.length > 0 && satisfiesLeaf(leaf, policy.allow));
  const allowed = alternatives.some((alt) => alt.every((l) => isAllowed(leafText(l)) || (l.exception !== undefined && isAllowed(leafText({ ...l, exception: undefined })))));
  return allowed ? { verdict: 'allowed', expression } : { verdict: 'unknown', expression, reason: 'unlisted', invalid: [] };
}

export interface LicenseFindingOptions {
  /** Leave dev-only components out (`--omit dev`). */
  omitDev?: boolean;
  /** ref of the root component (the project itself), which is never judged. */
  root?: string;
  /** ref → how the component comes in, as `name@version` labels from the root's dependency down to it. */
  paths?: Map<string, string[]>;
}

/**
 * One finding per component whose licence the policy denies (`license/denied`) or cannot judge
 * (`license/unknown`). git, file and tarball components are judged too: their licence binds as much.
 */
export function licenseFindings(components: readonly Component[], policy: LicensePolicy, opts: LicenseFindingOptions = {}): Finding[] {
  const findings: Finding[] = [];
  // A tree of hundreds of packages declares a handful of distinct licences: judge each once.
  const verdicts = new Map<string, LicenseVerdict>();
  for (const c of components) {
    if (c.ref === opts.root || (opts.omitDev && c.dev)) continue;
    const key = c.licenses.join('\n');
    let v = verdicts.get(key);
    if (v === undefined) verdicts.set(key, (v = evaluateLicenses(c.licenses, policy)));
    if (v.verdict === 'allowed') continue;
    const severity = v.verdict === 'denied' ? policy.denied : policy.unknown;
    if (severity === 'off') continue;
    findings.push(toFinding(c, v, severity, opts.paths?.get(c.ref)));
  }
  return findings;
}

/** licenseFindings over an SBOM's graph: skips its root and names each component's dependency path. */
export function graphLicenseFindings(graph: DependencyGraph, policy: LicensePolicy, opts: Pick<LicenseFindingOptions, 'omitDev'> = {}): Finding[] {
  const named = new Map<string, string[]>();
  for (const [ref, refPaths] of dependencyPaths(graph, 1)) {
    const first = refPaths[0];
    if (first?.length) named.set(ref, first.map((r) => label(graph.components.get(r))));
  }
  return licenseFindings([...graph.components.values()], policy, { ...opts, root: graph.root, paths: named });
}

function toFinding(c: Component, v: Exclude<LicenseVerdict, { verdict: 'allowed' }>, severity: Finding['severity'], path: string[] | undefined): Finding {
  const ruleId = v.verdict === 'denied' ? LICENSE_DENIED_RULE : LICENSE_UNKNOWN_RULE;
  const eco = c.ecosystem ? String(c.ecosystem) : 'generic';
  const purl = c.purl ?? `pkg:${eco.toLowerCase()}/${c.name}@${c.version}`;
  const location = { kind: 'component' as const, purl, ...(path?.length ? { path } : {}) };
  const id = `${c.name}@${c.version}`;
  const declared = c.licenses.filter((l) => l.trim()).join(', ');
  const via = path && path.length > 1 ? ` (it comes in through ${path.slice(0, -1).join(' > ')})` : '';
  let title: string;
  let remediation: string;
  if (v.verdict === 'denied') {
    title = `${id}: licence ${v.expression} is denied by policy`;
    remediation = `Remove or replace ${c.name}${via}: ${v.deniedBy.join(', ')} is not allowed in this product. If legal has approved this use, record it as a suppression with the approval as its reason.`;
  } else {
    title =
      v.reason === 'none'
        ? `${id}: has no licence we can evaluate`
        : v.reason === 'invalid'
          ? `${id}: licence "${v.expression}" is not an SPDX expression we can evaluate`
          : `${id}: licence ${v.expression} is neither allowed nor denied by policy`;
    remediation =
      v.reason === 'unlisted'
        ? `Have ${v.expression} reviewed, then add it to allow or deny in the licence policy.`
        : `Find ${c.name}'s actual licence (its repository's LICENSE file), then fix the package's metadata upstream or suppress this finding with the licence you found as its reason.`;
  }
  const deniedIds = v.verdict === 'denied' ? v.deniedBy : [];
  return createFinding({
    scanner: DEPS_SCANNER_ID,
    ruleId,
    title,
    severity,
    confidence: v.verdict === 'denied' ? 'high' : 'medium',
    location,
    evidence: declared ? `declared licence: ${declared}` : 'no licence declared',
    remediation,
    references: deniedIds.filter((d) => /^[A-Za-z0-9.-]+$/.test(d)).map((d) => `https://spdx.org/licenses/${d.replace(/\+$/, '')}.html`),
    tags: ['license', ...(c.dev ? ['dev'] : [])],
    properties: {
      ...(c.ecosystem ? { ecosystem: c.ecosystem } : {}),
      package: c.name,
      version: c.version,
      dev: c.dev,
      registry: c.registry,
      licenses: c.licenses,
      expression: v.expression,
      verdict: v.verdict,
      ...(v.verdict === 'denied' ? { deniedBy: [...v.deniedBy] } : { reason: v.reason }),
      ...(path?.length ? { paths: [path] } : {}),
    },
    // One finding per package and rule: it stays the same finding across version bumps that keep the licence problem.
    fingerprint: fingerprint({ scanner: DEPS_SCANNER_ID, ruleId, location: { kind: 'component', purl: `${eco}:${c.name}` }, context: c.name }),
  });
}

function label(c: Component | undefined): string {
  return c ? `${c.name}@${c.version}` : '?';
}

type Leaf = Extract<SpdxNode, { license: string }>;

/** The expression as alternatives (OR) of licences all needed together (AND); undefined when too large. */
function expand(node: SpdxNode): Leaf[][] | undefined {
  if ('license' in node) return [[node]];
  const left = expand(node.left);
  const right = expand(node.right);
  if (!left || !right) return undefined;
  if (node.conjunction === 'or') return left.length + right.length > MAX_ALTERNATIVES ? undefined : [...left, ...right];
  if (left.length * right.length > MAX_ALTERNATIVES) return undefined;
  return left.flatMap((l) => right.map((r) => [...l, ...r]));
}

function leafText(l: { license: string; plus?: true; exception?: string | undefined }): string {
  return `${l.license}${l.plus ? '+' : ''}${l.exception ? ` WITH ${l.exception}` : ''}`;
}

/** spdx-satisfies for one licence; it throws on comparisons it cannot make (`LicenseRef-x+`), which match nothing. */
function satisfiesLeaf(leaf: string, approved: string[]): boolean {
  try {
    return spdxSatisfies(leaf, approved);
  } catch {
    return false;
  }
}

function memo(f: (leaf: string) => boolean): (leaf: string) => boolean {
  const seen = new Map<string, boolean>();
  return (leaf) => {
    let r = seen.get(leaf);
    if (r === undefined) seen.set(leaf, (r = f(leaf)));
    return r;
  };
}
