import type { DependencyGraph } from './model.js';

/**
 * Shortest dependency paths from the root to every component, as refs (root excluded, the
 * component last). One breadth-first pass; up to `max` paths per component, shortest first —
 * the "why is this here" a person reads.
 */
export function dependencyPaths(graph: DependencyGraph, max = 3): Map<string, string[][]> {
  const depth = new Map<string, number>([[graph.root, 0]]);
  const parents = new Map<string, string[]>();
  let frontier = [graph.root];
  while (frontier.length) {
    const next: string[] = [];
    for (const ref of frontier) {
      const d = depth.get(ref)!;
      for (const child of graph.edges.get(ref) ?? []) {
        const cd = depth.get(child);
        if (cd === undefined) {
          depth.set(child, d + 1);
          parents.set(child, [ref]);
          next.push(child);
        } else if (cd === d + 1) {
          parents.get(child)!.push(ref);
        }
      }
    }
    frontier = next;
  }
  const memo = new Map<string, string[][]>([[graph.root, [[]]]]);
  const pathsTo = (ref: string): string[][] => {
    const hit = memo.get(ref);
    if (hit) return hit;
    const out: string[][] = [];
    for (const p of parents.get(ref) ?? []) {
      for (const prefix of pathsTo(p)) {
        out.push([...prefix, ref]);
        if (out.length >= max) break;
      }
      if (out.length >= max) break;
    }
    memo.set(ref, out);
    return out;
  };
  const result = new Map<string, string[][]>();
  for (const ref of graph.components.keys()) {
    if (ref === graph.root) continue;
    result.set(ref, pathsTo(ref));
  }
  return result;
}
