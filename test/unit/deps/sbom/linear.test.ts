/**
 * Lockfile strings a hostile package-lock.json or yarn.lock can hold, at 2 MiB, that made a
 * regex quadratic (issue 10): a `resolved` URL whose last segment repeats `.tgz?` before a line
 * break, and a yarn 2+ descriptor of `::` runs before a U+2028. Reading them ends, and means what
 * it meant before (the rewrites are checked against the old regexes on short texts).
 */
import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { VigilError } from '../../../../src/errors.js';
import { loadSbom } from '../../../../scanners/deps/sbom/index.js';
import { isNpmRegistryTarball } from '../../../../scanners/deps/sbom/npm-spec.js';
import { fixture, rows, tempProject } from './helpers.js';

const CAP = 2 * 1024 * 1024;
const OLD_TARBALL = /^https?:\/\/[^/]+\/(?:.*\/)?-\/[^/]+\.tgz(?:[?#].*)?$/i;

describe('isNpmRegistryTarball', () => {
  it('ends on a 2 MiB URL of `.tgz?` pieces before a line break, and says no as before', () => {
    const url = `https://registry.npmjs.org/ms/-/${'a.tgz?'.repeat(CAP / 6)}\n`;
    expect(isNpmRegistryTarball(url)).toBe(false);
    expect(isNpmRegistryTarball(`https://registry.npmjs.org/ms/-/${'a.tgz?'.repeat(CAP / 6)}`)).toBe(true);
    expect(isNpmRegistryTarball(`https://registry.npmjs.org/${'-/'.repeat(CAP / 2)}x.tgz`)).toBe(true);
  });

  it('answers as the old regex did', () => {
    const text = fc
      .array(fc.constantFrom('https://', 'http://', 'HTTP://', 'h', '/', '-/', '-', '.tgz', '.TGZ', '.tg', 'a', '?', '#', '\n', '\u2029', '.'), { maxLength: 14 })
      .map((a) => a.join(''));
    fc.assert(
      fc.property(text, (url) => {
        expect(isNpmRegistryTarball(url), JSON.stringify(url)).toBe(OLD_TARBALL.test(url));
      }),
      { numRuns: 20000 },
    );
    for (const url of ['https://registry.npmjs.org/ms/-/ms-2.1.3.tgz', 'https://r.test/@s/n/-/n-1.0.0.tgz?x=1#y', 'https://codeload.github.com/a/b/tar.gz/x']) {
      expect(isNpmRegistryTarball(url)).toBe(OLD_TARBALL.test(url));
    }
  });
});

describe('lockfiles with pathological strings', () => {
  it('package-lock.json: a 2 MiB `resolved` URL is read, as a download that is not the registry', async () => {
    const lock = readFileSync(fixture('npm-lock-v3', 'package-lock.json'), 'utf8').replace(
      '"https://registry.npmjs.org/ms/-/ms-2.0.0.tgz"',
      JSON.stringify(`https://registry.npmjs.org/ms/-/${'a.tgz?'.repeat(CAP / 6)}\n`),
    );
    const p = await tempProject({ 'package.json': readFileSync(fixture('npm-lock-v3', 'package.json'), 'utf8'), 'package-lock.json': lock });
    try {
      const sbom = await loadSbom(p.dir);
      expect(rows(sbom.graph)).toContain('ms@2.0.0 npm local');
    } finally {
      await p.cleanup();
    }
  });

  it('yarn.lock (2+): a descriptor of `::` runs before a U+2028 is read', async () => {
    const lock = readFileSync(fixture('yarn-berry', 'yarn.lock'), 'utf8');
    const key = `"debug@npm:4.4.0${'::'.repeat(CAP / 4)}\\u2028x"`;
    const p = await tempProject({
      'package.json': readFileSync(fixture('yarn-berry', 'package.json'), 'utf8'),
      'yarn.lock': lock.replace('"debug@npm:4.4.0":', `${key}:`),
    });
    try {
      const e = await loadSbom(p.dir).then(
        () => undefined,
        (x: unknown) => x,
      );
      // the descriptor is not debug@npm:4.4.0 any more (no `::` after the line break to cut at), as before
      expect(e).toBeInstanceOf(VigilError);
      expect((e as VigilError).code).toBe('VIGIL_ERR_LOCKFILE_INVALID');
      expect((e as VigilError).message).toMatch(/depends on debug@npm:4\.4\.0, which has no entry/);
    } finally {
      await p.cleanup();
    }
  });
});
