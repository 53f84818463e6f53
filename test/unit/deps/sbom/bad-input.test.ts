import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { VigilError, type ErrorCode } from '../../../../src/errors.js';
import { loadSbom } from '../../../../scanners/deps/sbom/index.js';
import { fixture, tempProject } from './helpers.js';

const real = (scenario: string, file: string) => readFileSync(fixture(scenario, file), 'utf8');
/** 1-based line of the first line containing `needle`. */
const lineOf = (text: string, needle: string) => text.split('\n').findIndex((l) => l.includes(needle)) + 1;
/** The text up to (not including) the first line containing `needle`. */
const cutBefore = (text: string, needle: string) => text.split('\n').slice(0, lineOf(text, needle) - 1).join('\n') + '\n';

const npmLock = real('npm-lock-v3', 'package-lock.json');
const npmPkg = real('npm-lock-v3', 'package.json');
const pnpmLock = real('pnpm-lock-v9', 'pnpm-lock.yaml');
const yarnLock = real('yarn-v1', 'yarn.lock');
const berryLock = real('yarn-berry', 'yarn.lock');
const pkg = '{"name":"p","version":"1.0.0","dependencies":{"ms":"^2.1.3"}}\n';

interface Case {
  name: string;
  files: Record<string, string>;
  code: ErrorCode;
  /** The file the error names, relative to the project folder. */
  file: string;
  line?: number;
  message: RegExp;
  maxBytes?: number;
}

const truncatedNpm = npmLock.slice(0, Math.floor(npmLock.length * 0.4));
const truncatedYarn = yarnLock.slice(0, yarnLock.indexOf('/ms/-/ms-2.1.3.tgz'));

const cases: Case[] = [
  {
    name: 'package-lock.json cut short',
    files: { 'package.json': npmPkg, 'package-lock.json': truncatedNpm },
    code: 'VIGIL_ERR_LOCKFILE_INVALID',
    file: 'package-lock.json',
    line: truncatedNpm.split('\n').length,
    message: /not valid JSON/,
  },
  {
    name: 'package-lock.json with a stray comma',
    files: { 'package.json': npmPkg, 'package-lock.json': npmLock.replace('"lockfileVersion": 3,', '"lockfileVersion": 3,,') },
    code: 'VIGIL_ERR_LOCKFILE_INVALID',
    file: 'package-lock.json',
    line: lineOf(npmLock, '"lockfileVersion": 3'),
    message: /not valid JSON/,
  },
  {
    name: 'package-lock.json whose packages is a string',
    files: { 'package.json': npmPkg, 'package-lock.json': '{\n  "name": "p",\n  "lockfileVersion": 3,\n  "packages": "x"\n}\n' },
    code: 'VIGIL_ERR_LOCKFILE_INVALID',
    file: 'package-lock.json',
    line: 4,
    message: /^packages: expected an object/,
  },
  {
    name: 'package-lock.json of an unknown version',
    files: { 'package.json': npmPkg, 'package-lock.json': '{\n  "name": "p",\n  "lockfileVersion": 7,\n  "packages": {}\n}\n' },
    code: 'VIGIL_ERR_LOCKFILE_INVALID',
    file: 'package-lock.json',
    line: 3,
    message: /lockfileVersion 7 is not one npm writes/,
  },
  {
    name: 'package-lock.json npm itself cannot read',
    files: {
      'package.json': npmPkg,
      'package-lock.json': JSON.stringify({ name: 'sbom-fixture', lockfileVersion: 3, packages: { '': { name: 'sbom-fixture' }, 'node_modules/ms': { version: { x: 1 } } } }),
    },
    code: 'VIGIL_ERR_LOCKFILE_INVALID',
    file: 'package-lock.json',
    message: /^cyclonedx-npm cannot read it: Invalid version/,
  },
  {
    name: 'package-lock.json without its package.json',
    files: { 'package-lock.json': npmLock },
    code: 'VIGIL_ERR_INPUT_NOT_FOUND',
    file: 'package.json',
    message: /needs the package\.json beside it/,
  },
  {
    name: 'a package.json that is not JSON',
    files: { 'package.json': '{\n  "name": "p",\n  "dependencies": {\n    "ms": "^2"\n  \n', 'yarn.lock': yarnLock },
    code: 'VIGIL_ERR_MANIFEST_INVALID',
    file: 'package.json',
    line: 6,
    message: /not valid JSON/,
  },
  {
    name: 'a package.json whose dependencies are a list',
    files: { 'package.json': '{\n  "name": "p",\n  "dependencies": ["ms"]\n}\n', 'yarn.lock': yarnLock },
    code: 'VIGIL_ERR_MANIFEST_INVALID',
    file: 'package.json',
    line: 3,
    message: /^dependencies: expected an object/,
  },
  {
    name: 'pnpm-lock.yaml with a YAML syntax error',
    files: { 'pnpm-lock.yaml': pnpmLock.replace("  debug@4.4.0:\n    resolution:", '  debug@4.4.0:\n    resolution: {integrity: [sha512\n   bad:') },
    code: 'VIGIL_ERR_LOCKFILE_INVALID',
    file: 'pnpm-lock.yaml',
    line: lineOf(pnpmLock, "  debug@4.4.0:\n".trim()) + 2,
    message: /not valid YAML/,
  },
  {
    name: 'pnpm-lock.yaml of an unsupported version',
    files: { 'pnpm-lock.yaml': pnpmLock.replace("lockfileVersion: '9.0'", "lockfileVersion: '4.0'") },
    code: 'VIGIL_ERR_LOCKFILE_INVALID',
    file: 'pnpm-lock.yaml',
    line: 1,
    message: /^lockfileVersion: lockfileVersion 4\.0 is not supported; vigil reads 5\.x \(pnpm 7\), 6\.x \(pnpm 8\) and 9\.x/,
  },
  {
    name: 'pnpm-lock.yaml cut short (a dependency has no package entry)',
    files: { 'pnpm-lock.yaml': cutBefore(pnpmLock, '  local-pkg@file:local-pkg:'), 'package.json': npmPkg },
    code: 'VIGIL_ERR_LOCKFILE_INVALID',
    file: 'pnpm-lock.yaml',
    line: lineOf(pnpmLock, '      local-pkg:'),
    message: /^importers\.\.\.dependencies\.local-pkg: refers to local-pkg@file:local-pkg, which is not under "packages"/,
  },
  {
    name: 'pnpm-lock.yaml that is a list',
    files: { 'pnpm-lock.yaml': '- a\n- b\n' },
    code: 'VIGIL_ERR_LOCKFILE_INVALID',
    file: 'pnpm-lock.yaml',
    line: 1,
    message: /expected a mapping with lockfileVersion/,
  },
  {
    name: 'pnpm-lock.yaml full of binary noise',
    files: { 'pnpm-lock.yaml': '\u0000\u0001\u0002garbage: [\n' },
    code: 'VIGIL_ERR_LOCKFILE_INVALID',
    file: 'pnpm-lock.yaml',
    // yaml reports the flow sequence that never closes, at the end of the text
    line: 2,
    message: /not valid YAML/,
  },
  {
    name: 'yarn.lock that is prose',
    files: { 'package.json': pkg, 'yarn.lock': 'hello world\n' },
    code: 'VIGIL_ERR_LOCKFILE_INVALID',
    file: 'yarn.lock',
    line: 1,
    message: /^hello: expected an entry like `name@range:`.*does not look like a yarn\.lock/,
  },
  {
    name: 'yarn.lock with an unknown token',
    files: { 'package.json': pkg, 'yarn.lock': yarnLock.replace('  version "2.6.9"', '  version 2.6.9') },
    code: 'VIGIL_ERR_LOCKFILE_INVALID',
    file: 'yarn.lock',
    line: lineOf(yarnLock, '  version "2.6.9"'),
    message: /not a valid yarn\.lock: unexpected character/,
  },
  {
    name: 'yarn.lock cut mid-string',
    files: { 'package.json': pkg, 'yarn.lock': truncatedYarn },
    code: 'VIGIL_ERR_LOCKFILE_INVALID',
    file: 'yarn.lock',
    line: truncatedYarn.split('\n').length,
    message: /a quoted string never closes/,
  },
  {
    // found by the fuzz test: a bare word (`-"`) swallows a quote, so the last quote on the line opens a string
    name: 'yarn.lock with a quote swallowed by a bare word',
    files: { 'package.json': pkg, 'yarn.lock': yarnLock.replace(/(ms-2\.1\.3\.tgz#\w+")/, '$1-" "') },
    code: 'VIGIL_ERR_LOCKFILE_INVALID',
    file: 'yarn.lock',
    line: lineOf(yarnLock, '/ms/-/ms-2.1.3.tgz'),
    message: /a quoted string never closes/,
  },
  {
    name: 'yarn.lock indented by three spaces',
    files: { 'package.json': pkg, 'yarn.lock': yarnLock.replace('  version "4.4.0"', '   version "4.4.0"') },
    code: 'VIGIL_ERR_LOCKFILE_INVALID',
    file: 'yarn.lock',
    line: lineOf(yarnLock, '  version "4.4.0"'),
    message: /odd number of spaces/,
  },
  {
    name: 'yarn.lock cut between entries (a dependency has no entry)',
    files: { 'package.json': pkg, 'yarn.lock': cutBefore(yarnLock, 'ms@^2.0.0, ms@^2.1.3:') },
    code: 'VIGIL_ERR_LOCKFILE_INVALID',
    file: 'yarn.lock',
    line: lineOf(yarnLock, 'debug@4.4.0:'),
    message: /^debug@4\.4\.0: depends on ms@\^2\.1\.3, which has no entry/,
  },
  {
    name: 'yarn.lock with merge-conflict markers',
    files: { 'package.json': pkg, 'yarn.lock': `${yarnLock}<<<<<<< HEAD\nx@1:\n  version "1"\n=======\nx@1:\n  version "2"\n>>>>>>> main\n` },
    code: 'VIGIL_ERR_LOCKFILE_INVALID',
    file: 'yarn.lock',
    line: yarnLock.split('\n').length,
    message: /merge-conflict markers/,
  },
  {
    name: 'yarn berry lockfile with a YAML error',
    files: { 'package.json': pkg, 'yarn.lock': berryLock.replace('  version: 2.6.9\n', '  version: 2.6.9\n    bad: indent\n') },
    code: 'VIGIL_ERR_LOCKFILE_INVALID',
    file: 'yarn.lock',
    line: lineOf(berryLock, '  version: 2.6.9') + 1,
    message: /not a valid yarn\.lock: bad indentation/,
  },
  {
    name: 'yarn berry entry without a resolution',
    files: { 'package.json': pkg, 'yarn.lock': berryLock.replace('  resolution: "debug@npm:4.4.0"\n', '') },
    code: 'VIGIL_ERR_LOCKFILE_INVALID',
    file: 'yarn.lock',
    line: lineOf(berryLock, '"debug@npm:4.4.0":'),
    message: /^debug@npm:4\.4\.0: the entry has no `resolution` locator/,
  },
  {
    name: 'a lockfile over the size limit',
    files: { 'pnpm-lock.yaml': pnpmLock },
    code: 'VIGIL_ERR_INPUT_TOO_LARGE',
    file: 'pnpm-lock.yaml',
    message: /bytes; the limit is 100/,
    maxBytes: 100,
  },
  {
    name: 'a folder with no lockfile',
    files: { 'README.md': 'hi' },
    code: 'VIGIL_ERR_INPUT_NOT_FOUND',
    file: '.',
    message: /^no lockfile or SBOM in .*: looked for npm-shrinkwrap\.json, package-lock\.json, pnpm-lock\.yaml, yarn\.lock, bom\.json, sbom\.json, \*\.cdx\.json$/,
  },
];

describe('bad input', () => {
  it.each(cases)('$name → $code', async ({ files, code, file, line, message, maxBytes }) => {
    const p = await tempProject(files);
    try {
      const err = await loadSbom(p.dir, maxBytes ? { maxBytes } : {}).then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(err, 'loadSbom should have thrown').toBeInstanceOf(VigilError);
      const e = err as VigilError;
      expect({ code: e.code, file: e.file, line: e.line }).toEqual({ code, file: file === '.' ? p.dir : join(p.dir, file), line });
      expect(e.message).toMatch(message);
      expect(e.exitCode).toBe(2);
    } finally {
      await p.cleanup();
    }
  });

  it('names a path that does not exist', async () => {
    const e = await loadSbom('/nonexistent/vigil/project').catch((x: unknown) => x);
    expect(e).toBeInstanceOf(VigilError);
    expect((e as VigilError).code).toBe('VIGIL_ERR_INPUT_NOT_FOUND');
    expect((e as VigilError).file).toBe('/nonexistent/vigil/project');
  });

  it('reads a yarn.lock that ends in a comment with no newline (the bare parser would loop to the end of memory)', async () => {
    const p = await tempProject({ 'package.json': pkg, 'yarn.lock': `${yarnLock}# the end` });
    try {
      const sbom = await loadSbom(p.dir);
      expect(sbom.graph.components.size).toBe(8);
    } finally {
      await p.cleanup();
    }
  });

  it('reads bom.json from a folder with no lockfile', async () => {
    const p = await tempProject({ 'bom.json': real('cyclonedx-pypi-1.5', 'bom.json') });
    try {
      const sbom = await loadSbom(p.dir);
      expect(sbom.source).toBe(join(p.dir, 'bom.json'));
      expect(sbom.graph.components.size).toBe(9);
    } finally {
      await p.cleanup();
    }
  });
});
