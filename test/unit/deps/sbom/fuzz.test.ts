import { readFileSync } from 'node:fs';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { VigilError } from '../../../../src/errors.js';
import { reachableFrom } from '../../../../scanners/deps/sbom/graph.js';
import { parseCycloneDx } from '../../../../scanners/deps/sbom/index.js';
import { pnpmLockToGraph } from '../../../../scanners/deps/sbom/pnpm.js';
import { readBerryLock } from '../../../../scanners/deps/sbom/yarn-berry.js';
import { readClassicLock } from '../../../../scanners/deps/sbom/yarn-classic.js';
import type { Sbom } from '../../../../scanners/deps/model.js';
import { fixture } from './helpers.js';

/** Run `f`; anything thrown must be a VigilError. Returns the result, or undefined after a VigilError. */
async function onlyVigilErrors<T>(f: () => T | Promise<T>, seen?: (e: VigilError) => void): Promise<T | undefined> {
  try {
    return await f();
  } catch (e) {
    if (!(e instanceof VigilError)) throw e;
    seen?.(e);
    return undefined;
  }
}

/** What every Sbom the reader returns must satisfy. */
function checkGraph(sbom: Sbom): void {
  const { graph } = sbom;
  expect(graph.components.has(graph.root)).toBe(true);
  for (const [from, tos] of graph.edges) {
    expect(graph.components.has(from)).toBe(true);
    for (const to of tos) expect(graph.components.has(to)).toBe(true);
  }
  // every component has a path from the root, so every finding can show one
  expect(reachableFrom(graph.root, graph.edges).size).toBe(graph.components.size);
}

const refs = fc.constantFrom('a', 'b', 'c', 'root');
const purls = fc.oneof(
  fc.constantFrom('pkg:npm/%40s/a@1.0.0', 'pkg:maven/g/a@1', 'pkg:pypi/Zope.Interface@6.0', 'pkg:golang/github.com/x/y@v1', 'pkg:npm/x@1?vcs_url=git%2Bhttps://h/x.git'),
  fc.string(),
);
const anyJson = fc.jsonValue({ maxDepth: 2 });
const component = fc.letrec((tie) => ({
  component: fc.record(
    {
      type: fc.constant('library'),
      name: fc.oneof(fc.string({ minLength: 1 }), anyJson),
      version: fc.oneof(fc.string(), anyJson),
      'bom-ref': fc.oneof(refs, anyJson),
      purl: purls,
      scope: fc.constantFrom('required', 'optional', 'excluded'),
      licenses: fc.oneof(fc.constant([{ license: { id: 'MIT' } }, { expression: 'A OR B' }]), anyJson),
      components: fc.array(tie('component'), { maxLength: 2 }),
    },
    { requiredKeys: ['name'] },
  ),
})).component;
const cyclonedxish = fc.record(
  {
    bomFormat: fc.oneof(fc.constant('CycloneDX'), anyJson),
    specVersion: fc.oneof(fc.constantFrom('1.4', '1.5', '1.6'), anyJson),
    metadata: fc.oneof(fc.record({ component: fc.record({ name: fc.constant('app'), 'bom-ref': refs }, { requiredKeys: ['name'] }) }), anyJson),
    components: fc.oneof(fc.array(component, { maxLength: 4 }), anyJson),
    dependencies: fc.oneof(fc.array(fc.record({ ref: fc.oneof(refs, anyJson), dependsOn: fc.oneof(fc.array(refs), anyJson) }, { requiredKeys: [] })), anyJson),
  },
  { requiredKeys: [] },
);

describe('the CycloneDX reader on arbitrary input', () => {
  it('returns a connected graph or throws a VigilError, for any JSON', async () => {
    await fc.assert(
      fc.asyncProperty(fc.jsonValue(), async (v) => {
        const sbom = await onlyVigilErrors(() => parseCycloneDx(JSON.stringify(v), 'x.json'));
        if (sbom) checkGraph(sbom);
      }),
      { numRuns: 300 },
    );
  });

  it('returns a connected graph or throws a VigilError, for documents shaped almost like CycloneDX', async () => {
    await fc.assert(
      fc.asyncProperty(cyclonedxish, async (doc) => {
        const sbom = await onlyVigilErrors(() => parseCycloneDx(JSON.stringify(doc, null, 1), 'x.json'));
        if (sbom) checkGraph(sbom);
      }),
      { numRuns: 500 },
    );
  });

  it('throws only VigilErrors for any text', async () => {
    await fc.assert(
      fc.asyncProperty(fc.string({ unit: 'binary' }), async (text) => {
        await onlyVigilErrors(() => parseCycloneDx(text, 'x.json'));
      }),
      { numRuns: 300 },
    );
  });
});

/** A real lockfile with a random stretch replaced by random text: near misses find more than noise. */
function mangled(text: string) {
  return fc
    .tuple(fc.nat({ max: text.length }), fc.nat({ max: 200 }), fc.string({ unit: fc.constantFrom('"', ':', '\n', ' ', '#', '@', '{', '[', 'a', '1', '\\', '-', ',') }))
    .map(([at, cut, insert]) => text.slice(0, at) + insert + text.slice(at + cut));
}

describe('lockfile readers on damaged lockfiles', () => {
  const folder = mkdtempSync(join(tmpdir(), 'vigil-sbom-fuzz-'));
  const src = { file: 'yarn.lock', folder, manifest: undefined };
  const cases = [
    { name: 'yarn 1', text: readFileSync(fixture('yarn-v1', 'yarn.lock'), 'utf8'), read: (t: string) => readClassicLock(t, src) },
    { name: 'yarn 4', text: readFileSync(fixture('yarn-berry', 'yarn.lock'), 'utf8'), read: (t: string) => readBerryLock(t, src) },
    { name: 'pnpm 9', text: readFileSync(fixture('pnpm-workspace', 'pnpm-lock.yaml'), 'utf8'), read: (t: string) => pnpmLockToGraph(t, 'pnpm-lock.yaml', folder) },
    { name: 'pnpm 6', text: readFileSync(fixture('pnpm-lock-v6', 'pnpm-lock.yaml'), 'utf8'), read: (t: string) => pnpmLockToGraph(t, 'pnpm-lock.yaml', folder) },
  ];

  it.each(cases)('$name: a graph or a VigilError, never a runaway parse', async ({ text, read }) => {
    await fc.assert(
      fc.asyncProperty(fc.oneof(mangled(text), fc.string({ unit: 'binary', maxLength: 300 })), async (t) => {
        let error: VigilError | undefined;
        const graph = await onlyVigilErrors(() => read(t), (e) => (error = e));
        // a parser that ran past the end of the text fills memory before it fails: "Invalid string length"
        expect(error?.message ?? '').not.toMatch(/Invalid string length|Maximum call stack/);
        if (graph) checkGraph({ source: 'x', graph, cyclonedx: {} });
      }),
      { numRuns: 200 },
    );
  });
});
