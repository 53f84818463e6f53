import { copyFile, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { PackageURL } from 'packageurl-js';
import { describe, expect, it } from 'vitest';
import { loadSbom, parseCycloneDx } from '../../../../scanners/deps/sbom/index.js';
import { edgeLabels, fixture, pathTo, rows, schemaErrors, tempProject } from './helpers.js';

/*
 * Every fixture here was written by the real package manager (see test/fixtures/deps/README.md)
 * for one small project: a scoped package, an npm: alias (debug-legacy → debug@2.6.9, which
 * needs its own ms@2.0.0), a dev-only package (humanize-ms), a transitive package shared by prod
 * and dev (ms@2.1.3, under debug and humanize-ms) and a `file:` package (local-pkg).
 */
const BASIC_ROWS = [
  '@tootallnate/once@2.0.0 npm',
  'debug@2.6.9 npm',
  'debug@4.4.0 npm',
  'humanize-ms@1.2.1 npm dev',
  'local-pkg@0.3.0 npm local',
  'ms@2.0.0 npm',
  'ms@2.1.3 npm',
];
const BASIC_EDGES = [
  '(root) -> @tootallnate/once@2.0.0',
  '(root) -> debug@2.6.9',
  '(root) -> debug@4.4.0',
  '(root) -> humanize-ms@1.2.1',
  '(root) -> local-pkg@0.3.0',
  'debug@2.6.9 -> ms@2.0.0',
  'debug@4.4.0 -> ms@2.1.3',
  'humanize-ms@1.2.1 -> ms@2.1.3',
];

const BASIC = [
  { scenario: 'npm-lock-v3', lockfile: 'package-lock.json', licenses: true },
  { scenario: 'npm-lock-v2', lockfile: 'package-lock.json', licenses: true },
  { scenario: 'npm-lock-v1', lockfile: 'package-lock.json', licenses: false },
  { scenario: 'pnpm-lock-v9', lockfile: 'pnpm-lock.yaml', licenses: false },
  { scenario: 'pnpm-lock-v6', lockfile: 'pnpm-lock.yaml', licenses: false },
  { scenario: 'pnpm-lock-v5', lockfile: 'pnpm-lock.yaml', licenses: false },
  { scenario: 'yarn-v1', lockfile: 'yarn.lock', licenses: false },
  { scenario: 'yarn-berry', lockfile: 'yarn.lock', licenses: false },
];

describe.each(BASIC)('$scenario ($lockfile)', ({ scenario, lockfile, licenses }) => {
  // npm's reader runs cyclonedx-npm (about a second); load once per scenario
  const loaded = loadSbom(fixture(scenario));

  it('lists every locked package with version, ecosystem, dev and registry', async () => {
    const sbom = await loaded;
    expect(sbom.source).toBe(join(fixture(scenario), lockfile));
    expect(rows(sbom.graph)).toEqual(BASIC_ROWS);
  });

  it('has the project as its root, outside the registry', async () => {
    const { graph } = await loaded;
    const root = graph.components.get(graph.root)!;
    expect(root).toMatchObject({ name: 'sbom-fixture', version: '1.0.0', registry: false, dev: false });
  });

  it('keeps who depends on whom, aliases resolved to the real package', async () => {
    const { graph } = await loaded;
    expect(edgeLabels(graph)).toEqual(BASIC_EDGES);
    expect(pathTo(graph, 'ms@2.0.0')).toEqual(['(root)', 'debug@2.6.9', 'ms@2.0.0']);
    // ms@2.1.3 is reached through prod debug as well as dev humanize-ms: it is not dev
    expect(pathTo(graph, 'ms@2.1.3')).toEqual(['(root)', 'debug@4.4.0', 'ms@2.1.3']);
  });

  it('gives registry packages npm purls', async () => {
    const { graph } = await loaded;
    const purls = [...graph.components.values()].filter((c) => c.registry).map((c) => c.purl).sort();
    expect(purls).toEqual([
      'pkg:npm/%40tootallnate/once@2.0.0',
      'pkg:npm/debug@2.6.9',
      'pkg:npm/debug@4.4.0',
      'pkg:npm/humanize-ms@1.2.1',
      'pkg:npm/ms@2.0.0',
      'pkg:npm/ms@2.1.3',
    ]);
  });

  it('carries licences where the lockfile has them', async () => {
    const { graph } = await loaded;
    const byLabel = new Map([...graph.components.values()].map((c) => [`${c.name}@${c.version}`, c.licenses]));
    expect(byLabel.get('debug@4.4.0')).toEqual(licenses ? ['MIT'] : []);
    expect(byLabel.get('local-pkg@0.3.0')).toEqual(licenses ? ['ISC'] : []);
  });

  it('writes the same components as valid CycloneDX 1.6', async () => {
    const sbom = await loaded;
    expect(sbom.cyclonedx['specVersion']).toBe('1.6');
    expect(await schemaErrors(sbom.cyclonedx, '1.6')).toBeNull();
    const back = parseCycloneDx(JSON.stringify(sbom.cyclonedx), 'out.cdx.json');
    // a CycloneDX file has no lockfile to say local-pkg is a local folder: its purl is plain
    expect(rows(back.graph)).toEqual(BASIC_ROWS.map((r) => r.replace(' local', '')));
    expect(edgeLabels(back.graph)).toEqual(BASIC_EDGES);
  });
});

describe('pnpm workspace (pnpm 9)', () => {
  const loaded = loadSbom(fixture('pnpm-workspace'));

  it('makes workspace packages local components and follows link: between them', async () => {
    const { graph } = await loaded;
    expect(rows(graph)).toEqual([
      '@tootallnate/once@2.0.0 npm',
      '@ws/a@0.1.0 npm local',
      '@ws/b@0.2.0 npm local',
      'debug@4.4.0 npm dev',
      'humanize-ms@1.2.1 npm dev',
      'ms@2.1.3 npm',
    ]);
    expect(pathTo(graph, '@tootallnate/once@2.0.0')).toEqual(['(root)', '@ws/a@0.1.0', '@ws/b@0.2.0', '@tootallnate/once@2.0.0']);
    expect(graph.components.get(graph.root)!.name).toBe('ws-root');
  });

  it('marks a workspace devDependency dev even when the root does not list it', async () => {
    const { graph } = await loaded;
    expect(edgeLabels(graph)).toContain('@ws/a@0.1.0 -> debug@4.4.0');
    expect([...graph.components.values()].find((c) => c.name === 'debug')!.dev).toBe(true);
  });
});

describe('yarn berry patches', () => {
  it('keeps a user-patched npm package as that registry version, once', async () => {
    const { graph } = await loadSbom(fixture('yarn-berry-patch'));
    expect(rows(graph)).toEqual(['ms@2.1.3 npm']);
    const ms = [...graph.components.values()].find((c) => c.name === 'ms')!;
    expect(ms.ref).toMatch(/^ms@patch:ms@npm%3A2\.1\.3#/);
    expect(ms.purl).toBe('pkg:npm/ms@2.1.3');
  });

  it("keeps the package yarn's built-in compat patch applies to, once", async () => {
    const { graph } = await loadSbom(fixture('yarn-berry-builtin-patch'));
    expect(rows(graph)).toEqual([
      'function-bind@1.1.2 npm',
      'hasown@2.0.4 npm',
      'is-core-module@2.18.0 npm',
      'path-parse@1.0.7 npm',
      'resolve@1.22.8 npm',
      'supports-preserve-symlinks-flag@1.0.0 npm',
    ]);
    expect(pathTo(graph, 'function-bind@1.1.2')).toEqual(['(root)', 'resolve@1.22.8', 'is-core-module@2.18.0', 'hasown@2.0.4', 'function-bind@1.1.2']);
  });
});

describe('finding the lockfile', () => {
  it('takes a lockfile path as well as its folder', async () => {
    const sbom = await loadSbom(fixture('yarn-v1', 'yarn.lock'));
    expect(rows(sbom.graph)).toEqual(BASIC_ROWS);
  });

  it('prefers pnpm-lock.yaml over yarn.lock', async () => {
    const p = await tempProject({
      'package.json': await readFile(fixture('pnpm-lock-v9', 'package.json'), 'utf8'),
      'pnpm-lock.yaml': await readFile(fixture('pnpm-lock-v9', 'pnpm-lock.yaml'), 'utf8'),
      'yarn.lock': 'this is not read\n',
      'local-pkg/package.json': await readFile(fixture('pnpm-lock-v9', 'local-pkg', 'package.json'), 'utf8'),
    });
    try {
      const sbom = await loadSbom(p.dir);
      expect(sbom.source).toBe(join(p.dir, 'pnpm-lock.yaml'));
      expect(rows(sbom.graph)).toEqual(BASIC_ROWS);
    } finally {
      await p.cleanup();
    }
  });

  it('reads npm-shrinkwrap.json before package-lock.json, as npm does', async () => {
    const p = await tempProject({ 'package-lock.json': '{ not read', 'pnpm-lock.yaml': ': not read', 'local-pkg/.keep': '' });
    try {
      for (const f of ['package.json', 'local-pkg/package.json']) await copyFile(fixture('npm-lock-v3', f), join(p.dir, f));
      await copyFile(fixture('npm-lock-v3', 'package-lock.json'), join(p.dir, 'npm-shrinkwrap.json'));
      const sbom = await loadSbom(p.dir);
      expect(sbom.source).toBe(join(p.dir, 'npm-shrinkwrap.json'));
      expect(rows(sbom.graph)).toEqual(BASIC_ROWS);
    } finally {
      await p.cleanup();
    }
  });
});

describe('non-registry sources in hand-written lockfiles', () => {
  // GitHub cannot be reached from here to make these with the real tools; the entries follow
  // what pnpm 9, yarn 1 and yarn 4 write for git, codeload and tarball-URL dependencies
  it('pnpm 9: git, codeload and tarball URLs are local; peers stay a registry package', async () => {
    const lock = `lockfileVersion: '9.0'

importers:

  .:
    dependencies:
      is-negative:
        specifier: git+https://github.com/kevva/is-negative.git#1d7e288
        version: git+https://github.com/kevva/is-negative.git#1d7e288222b53a0cab90a331f1865220ec29560c
      is-positive:
        specifier: github:kevva/is-positive#97edff6
        version: https://codeload.github.com/kevva/is-positive/tar.gz/97edff6f525f192a3f83cea1944765f769ae2678
      react-dom:
        specifier: 18.2.0
        version: 18.2.0(react@18.2.0)
      tiny:
        specifier: https://example.com/tiny-1.0.0.tgz
        version: https://example.com/tiny-1.0.0.tgz

packages:

  is-negative@git+https://github.com/kevva/is-negative.git#1d7e288222b53a0cab90a331f1865220ec29560c:
    resolution: {commit: 1d7e288222b53a0cab90a331f1865220ec29560c, repo: https://github.com/kevva/is-negative.git, type: git}
    name: is-negative
    version: 2.1.0

  is-positive@https://codeload.github.com/kevva/is-positive/tar.gz/97edff6f525f192a3f83cea1944765f769ae2678:
    resolution: {tarball: https://codeload.github.com/kevva/is-positive/tar.gz/97edff6f525f192a3f83cea1944765f769ae2678}
    name: is-positive
    version: 3.1.0

  react-dom@18.2.0:
    resolution: {integrity: sha512-6IMTriUmvsjHUjNtEDudZfuDQUoWXVxKHhlEGSk81n4YFS+r/Kl99wXiwlVXtPBtJenozv2P+hxDsw9eA7Xo6g==}
    peerDependencies:
      react: ^18.2.0

  react@18.2.0:
    resolution: {integrity: sha512-/3IjMdb2L9QbBdWiW5e3P2/npwMBaU9mHCSCUzNln0ZCYbcfTsGbTJrU/kGemdH2IWmB2ioZ+zkxtmq6g09fGQ==}

  tiny@https://example.com/tiny-1.0.0.tgz:
    resolution: {tarball: https://example.com/tiny-1.0.0.tgz}
    name: tiny
    version: 1.0.0

snapshots:

  is-negative@git+https://github.com/kevva/is-negative.git#1d7e288222b53a0cab90a331f1865220ec29560c: {}

  is-positive@https://codeload.github.com/kevva/is-positive/tar.gz/97edff6f525f192a3f83cea1944765f769ae2678: {}

  react-dom@18.2.0(react@18.2.0):
    dependencies:
      react: 18.2.0

  react@18.2.0: {}

  tiny@https://example.com/tiny-1.0.0.tgz: {}
`;
    const p = await tempProject({ 'pnpm-lock.yaml': lock, 'package.json': '{"name":"hand","version":"0.0.1"}' });
    try {
      const { graph } = await loadSbom(p.dir);
      expect(rows(graph)).toEqual(['is-negative@2.1.0 npm local', 'is-positive@3.1.0 npm local', 'react-dom@18.2.0 npm', 'react@18.2.0 npm', 'tiny@1.0.0 npm local']);
      expect(edgeLabels(graph)).toContain('react-dom@18.2.0 -> react@18.2.0');
      const purls = Object.fromEntries([...graph.components.values()].map((c) => [c.name, c.purl]));
      expect(PackageURL.fromString(purls['is-negative']!).qualifiers).toEqual({
        vcs_url: 'git+https://github.com/kevva/is-negative.git#1d7e288222b53a0cab90a331f1865220ec29560c',
      });
      expect(PackageURL.fromString(purls['tiny']!).qualifiers).toEqual({ download_url: 'https://example.com/tiny-1.0.0.tgz' });
    } finally {
      await p.cleanup();
    }
  });

  it('pnpm 9: a link: to a folder that is not a workspace is local, named by its package.json', async () => {
    const lock = `lockfileVersion: '9.0'

importers:

  .:
    dependencies:
      lib:
        specifier: link:vendor/lib
        version: link:vendor/lib
`;
    const p = await tempProject({ 'pnpm-lock.yaml': lock, 'vendor/lib/package.json': '{"name":"vendored-lib","version":"2.0.0"}' });
    try {
      const { graph } = await loadSbom(p.dir);
      expect(rows(graph)).toEqual(['vendored-lib@2.0.0 npm local']);
    } finally {
      await p.cleanup();
    }
  });

  it('yarn 1: git and tarball URLs are local; registry tarballs are not', async () => {
    const lock = `# THIS IS AN AUTOGENERATED FILE. DO NOT EDIT THIS FILE DIRECTLY.
# yarn lockfile v1


"is-negative@git+https://github.com/kevva/is-negative.git#1d7e288":
  version "2.1.0"
  resolved "git+https://github.com/kevva/is-negative.git#1d7e288222b53a0cab90a331f1865220ec29560c"

ms@^2.1.1:
  version "2.1.3"
  resolved "https://registry.yarnpkg.com/ms/-/ms-2.1.3.tgz#574c8138ce1d2b5861f0b44579dbadd60c6615b2"
  integrity sha512-6FlzubTLZG3J2a/NVCAleEhjzq5oxgHyaCU9yYXvcLsvoVaHJq/s5xXI6/XXP6tz7R9xAOtHnSO/tXtF3WRTlA==

"tiny@https://example.com/tiny-1.0.0.tgz":
  version "1.0.0"
  resolved "https://example.com/tiny-1.0.0.tgz#0a3b5c"
  dependencies:
    ms "^2.1.1"
`;
    const pkg = { name: 'hand', version: '0.0.1', dependencies: { 'is-negative': 'git+https://github.com/kevva/is-negative.git#1d7e288', tiny: 'https://example.com/tiny-1.0.0.tgz' } };
    const p = await tempProject({ 'yarn.lock': lock, 'package.json': JSON.stringify(pkg) });
    try {
      const { graph } = await loadSbom(p.dir);
      expect(rows(graph)).toEqual(['is-negative@2.1.0 npm local', 'ms@2.1.3 npm', 'tiny@1.0.0 npm local']);
      expect(pathTo(graph, 'ms@2.1.3')).toEqual(['(root)', 'tiny@1.0.0', 'ms@2.1.3']);
    } finally {
      await p.cleanup();
    }
  });

  it('yarn 4: a git resolution is local', async () => {
    const lock = `__metadata:
  version: 8
  cacheKey: 10c0

"hand@workspace:.":
  version: 0.0.0-use.local
  resolution: "hand@workspace:."
  dependencies:
    is-negative: "https://github.com/kevva/is-negative.git#commit=1d7e288"
  languageName: unknown
  linkType: soft

"is-negative@https://github.com/kevva/is-negative.git#commit=1d7e288":
  version: 2.1.0
  resolution: "is-negative@https://github.com/kevva/is-negative.git#commit=1d7e288222b53a0cab90a331f1865220ec29560c"
  checksum: 10c0/00
  languageName: node
  linkType: hard
`;
    const p = await tempProject({ 'yarn.lock': lock, 'package.json': '{"name":"hand","version":"0.0.1"}' });
    try {
      const { graph } = await loadSbom(p.dir);
      expect(rows(graph)).toEqual(['is-negative@2.1.0 npm local']);
      expect([...graph.components.values()].find((c) => c.name === 'is-negative')!.purl).toContain('vcs_url=');
    } finally {
      await p.cleanup();
    }
  });
});
