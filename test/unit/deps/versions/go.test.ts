import { describe, expect, it } from 'vitest';
import { compareVersions, parseable, VersionParseError } from '../../../../scanners/deps/versions/index.js';
import { orderTable, strictlyAscending } from './cases.js';

describe('Go ordering (module SemVer)', () => {
  strictlyAscending('Go', [
    'v0.0.0-20190101000000-aaaaaaaaaaaa', // pseudo-version with no tag before it
    'v0.0.0-20210101000000-bbbbbbbbbbbb',
    'v0.1.0',
    'v1.2.3',
    'v1.2.4-0.20191109021931-daa7c04131f5', // pseudo-version after v1.2.3
    'v1.2.4-pre',
    'v1.2.4-pre.0.20200101000000-cccccccccccc', // pseudo-version after v1.2.4-pre
    'v1.2.4',
    'v2.0.0+incompatible',
    'v2.0.1',
  ]);

  orderTable('Go', [
    ['v1.2.3', '=', '1.2.3'], // OSV drops the v, go.mod keeps it
    ['1.2.3', '<', 'v1.10.0'],
    ['v2.0.0+incompatible', '=', 'v2.0.0'], // +incompatible is build metadata
    ['v2.0.0+incompatible', '=', '2.0.0'],
    ['v1.2', '=', 'v1.2.0'], // x/mod/semver's shorthands
    ['v1', '=', 'v1.0.0'],
    ['v1.2.4-0.20191109021931-daa7c04131f5', '<', '1.2.4'],
    ['v1.2.4-0.20191109021931-daa7c04131f5', '>', '1.2.3'],
    ['v0.0.0-20210101000000-abcdef123456', '>', 'v0.0.0-20190101000000-abcdef123456'],
    ['1.21.0-rc.1', '<', '1.21.0'], // stdlib pre-releases in OSV's spelling
  ]);

  it.each(['', 'latest', 'vv1.2.3', 'v01.2.3', 'v1.2-pre', '1.2.3.4', ' v1.2.3', 'go1.21'])('rejects %j', (v) => {
    expect(parseable('Go', v)).toBe(false);
    expect(() => compareVersions('Go', v, 'v1.0.0')).toThrow(VersionParseError);
  });
});
