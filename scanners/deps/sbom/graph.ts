import type { Component, DependencyGraph } from '../model.js';

/** Refs reachable from `start`, following `edges`; `follow` may skip an edge. */
export function reachableFrom(
  start: string,
  edges: ReadonlyMap<string, readonly string[]>,
  follow: (from: string, to: string) => boolean = () => true,
): Set<string> {
  const seen = new Set<string>([start]);
  const queue = [start];
  // an index instead of shift(): lockfiles of 10,000 packages make shift() quadratic
  for (let i = 0; i < queue.length; i++) {
    const from = queue[i]!;
    for (const to of edges.get(from) ?? []) {
      if (seen.has(to) || !follow(from, to)) continue;
      seen.add(to);
      queue.push(to);
    }
  }
  return seen;
}

/**
 * Hang every component the root cannot reach onto the root, so each has a path a finding can
 * show. Components nobody depends on go first; what is left after that sits in a cycle no one
 * enters, and the first of each such cycle (in ref order) is attached. Returns the refs attached.
 */
export function attachUnreachable(root: string, refs: Iterable<string>, edges: Map<string, string[]>): string[] {
  let reached = reachableFrom(root, edges);
  const unreached = [...refs].filter((r) => !reached.has(r)).sort();
  if (unreached.length === 0) return [];
  const pointedAt = new Set<string>();
  for (const [from, tos] of edges) if (from !== root) for (const to of tos) pointedAt.add(to);
  const attached = unreached.filter((r) => !pointedAt.has(r));
  const rootEdges = edges.get(root) ?? [];
  edges.set(root, rootEdges);
  rootEdges.push(...attached);
  reached = reachableFrom(root, edges);
  for (const r of unreached) {
    if (reached.has(r)) continue;
    rootEdges.push(r);
    attached.push(r);
    for (const x of reachableFrom(r, edges)) reached.add(x);
  }
  return attached;
}

/** A package as a lockfile reader found it; `key` is unique within the lockfile and becomes the ref. */
export interface LockPackage {
  key: string;
  name: string;
  version: string;
  registry: boolean;
  purl?: string;
  licenses?: string[];
}

/**
 * Collects a lockfile's packages and edges, then decides the rest the same way for every
 * package manager: which packages are dev-only (not reachable from the root without crossing a
 * devDependencies edge), and which were never reached (hung onto the root, or dropped when the
 * reader says they stand for nothing installed).
 */
export class LockGraph {
  private readonly packages = new Map<string, LockPackage>();
  private readonly edges = new Map<string, Set<string>>();
  /** Edge ids (`from\0to`) declared as devDependencies, and as anything else. */
  private readonly devEdges = new Set<string>();
  private readonly prodEdges = new Set<string>();

  constructor(readonly root: LockPackage) {
    this.packages.set(root.key, root);
  }

  /** Whether a package with this key was added. */
  has(key: string): boolean {
    return this.packages.has(key);
  }

  /** Add a package; the first one added under a key wins. */
  add(pkg: LockPackage): void {
    if (!this.packages.has(pkg.key)) this.packages.set(pkg.key, pkg);
  }

  /** `from` depends on `to`; `dev` marks a devDependencies edge (from the root or a workspace). */
  edge(from: string, to: string, dev = false): void {
    if (from === to) return;
    let set = this.edges.get(from);
    if (!set) this.edges.set(from, (set = new Set()));
    set.add(to);
    (dev ? this.devEdges : this.prodEdges).add(edgeId(from, to));
  }

  /** A package listed in both dependencies and devDependencies is a prod dependency. */
  private isDevEdge(from: string, to: string): boolean {
    const id = edgeId(from, to);
    return this.devEdges.has(id) && !this.prodEdges.has(id);
  }

  /** The graph, with dev flags computed. `dropIfUnreached` names packages that stand for nothing installed on their own. */
  build(dropIfUnreached: ReadonlySet<string> = new Set()): DependencyGraph {
    const edges = new Map<string, string[]>();
    for (const [from, tos] of this.edges) {
      const list = [...tos].filter((t) => this.packages.has(t));
      if (this.packages.has(from)) edges.set(from, list);
    }
    const all = reachableFrom(this.root.key, edges);
    for (const key of dropIfUnreached) {
      if (all.has(key) || key === this.root.key) continue;
      this.packages.delete(key);
      edges.delete(key);
    }
    for (const [from, tos] of edges) edges.set(from, tos.filter((t) => this.packages.has(t)));
    // nothing says what pulled these in, so they count as production: a finding is not hidden on a guess
    for (const to of attachUnreachable(this.root.key, [...this.packages.keys()], edges)) {
      this.prodEdges.add(edgeId(this.root.key, to));
    }

    const prod = reachableFrom(this.root.key, edges, (from, to) => !this.isDevEdge(from, to));
    const components = new Map<string, Component>();
    const keys = [this.root.key, ...[...this.packages.keys()].filter((k) => k !== this.root.key).sort()];
    for (const key of keys) {
      const p = this.packages.get(key)!;
      const c: Component = {
        ref: key,
        name: p.name,
        version: p.version,
        ecosystem: 'npm',
        licenses: p.licenses ?? [],
        dev: !prod.has(key),
        registry: p.registry,
      };
      if (p.purl !== undefined) c.purl = p.purl;
      components.set(key, c);
    }
    const sorted = new Map<string, string[]>();
    for (const key of keys) sorted.set(key, [...new Set(edges.get(key) ?? [])].sort());
    return { root: this.root.key, components, edges: sorted };
  }
}

function edgeId(from: string, to: string): string {
  return `${from}\u0000${to}`;
}
