import { createHash } from 'node:crypto';
import type { Finding } from './finding.js';
import { locationKey, type Location } from './location.js';

/** Collapse whitespace so re-indentation and line-ending changes keep the fingerprint. */
export function normaliseSnippet(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}

export interface FingerprintInput {
  scanner: string;
  ruleId: string;
  location: Location;
  /**
   * What was matched: the source snippet, a component id, a tool's own partial fingerprints.
   * When absent for a file location the start line is used — the weakest identity, and the only one left.
   */
  context?: string;
}

/** A stable 128-bit hex fingerprint. Never line numbers alone when anything better is known. */
export function fingerprint(input: FingerprintInput): string {
  const loc = input.location;
  let context = input.context;
  if (context === undefined && loc.kind === 'file') {
    context = loc.snippet ? normaliseSnippet(loc.snippet) : `line:${loc.startLine ?? 0}`;
  }
  const h = createHash('sha256');
  for (const part of [input.scanner, input.ruleId, locationKey(loc), context ?? '']) {
    h.update(part);
    h.update('\u0000');
  }
  return h.digest('hex').slice(0, 32);
}

/**
 * Make fingerprints unique within one result set. Exact repeats (same fingerprint and
 * position) are dropped; distinct positions sharing a fingerprint (the same snippet twice
 * in one file) get an occurrence suffix, in position order, as GitHub's line hashes do.
 */
export function uniqueFingerprints(findings: readonly Finding[]): Finding[] {
  const groups = new Map<string, Finding[]>();
  for (const f of findings) {
    const g = groups.get(f.fingerprint);
    if (g) g.push(f);
    else groups.set(f.fingerprint, [f]);
  }
  const out: Finding[] = [];
  for (const [fp, group] of groups) {
    if (group.length === 1) {
      out.push(group[0]!);
      continue;
    }
    const seen = new Set<string>();
    const distinct = group.filter((f) => {
      const k = positionKey(f.location);
      if (seen.has(k)) return false;
      seen.add(k);
      return true;
    });
    distinct.sort((a, b) => comparePosition(a.location, b.location));
    distinct.forEach((f, i) => out.push(i === 0 ? f : { ...f, fingerprint: `${fp}:${i + 1}` }));
  }
  return out;
}

function positionKey(loc: Location): string {
  return loc.kind === 'file' ? `${loc.startLine ?? 0}:${loc.startColumn ?? 0}` : locationKey(loc);
}

function comparePosition(a: Location, b: Location): number {
  if (a.kind === 'file' && b.kind === 'file') {
    return (a.startLine ?? 0) - (b.startLine ?? 0) || (a.startColumn ?? 0) - (b.startColumn ?? 0);
  }
  return 0;
}
