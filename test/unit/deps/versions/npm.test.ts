import { describe, expect, it } from 'vitest';
import { compareVersions, parseable, VersionParseError } from '../../../../scanners/deps/versions/index.js';
import { orderTable, strictlyAscending } from './cases.js';

describe('npm ordering (SemVer 2.0)', () => {
  // The precedence example of semver.org §11.
  strictlyAscending('npm', [
    '1.0.0-alpha',
    '1.0.0-alpha.1',
    '1.0.0-alpha.beta',
    '1.0.0-beta',
    '1.0.0-beta.2',
    '1.0.0-beta.11',
    '1.0.0-rc.1',
    '1.0.0',
    '1.0.1',
    '1.2.0',
    '1.10.0',
    '2.0.0-0',
    '2.0.0',
  ]);

  orderTable('npm', [
    ['1.9.0', '<', '1.10.0'], // numeric, not lexical
    ['1.0.0-alpha', '<', '1.0.0'], // a pre-release is below its release
    ['1.0.0-rc.1', '>', '0.9.9'],
    ['1.0.0-2', '<', '1.0.0-10'], // numeric identifiers compare numerically
    ['1.0.0-1', '<', '1.0.0-a'], // numeric identifiers below alphanumeric ones
    ['1.0.0+build.1', '=', '1.0.0+build.2'], // build metadata ignored
    ['1.0.0+build', '=', '1.0.0'],
    ['1.0.0-rc.1+build', '<', '1.0.0'],
    ['v1.2.3', '=', '1.2.3'], // node-semver's strict parser still allows a leading v
  ]);

  it.each(['1.2', '1', '01.2.3', '1.2.3.4', '1.2.3beta', '', 'latest', '^1.2.3', '1.2.3-01'])('rejects %j', (v) => {
    expect(parseable('npm', v)).toBe(false);
    expect(() => compareVersions('npm', v, '1.0.0')).toThrow(VersionParseError);
    expect(() => compareVersions('npm', '1.0.0', v)).toThrow(`"${v}" is not a valid SemVer version`);
  });

  it('accepts what SemVer accepts', () => {
    expect(parseable('npm', '1.2.3-alpha.1+build.5')).toBe(true);
  });
});
