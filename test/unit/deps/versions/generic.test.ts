import { describe, expect, it } from 'vitest';
import { compareVersions, orderingFor, parseable, VersionParseError } from '../../../../scanners/deps/versions/index.js';
import { orderTable, strictlyAscending } from './cases.js';

describe('generic ordering (approximate, for other ecosystems)', () => {
  it.each(['RubyGems', 'crates.io', 'NuGet', 'Packagist', 'Debian:12', 'Alpine:v3.19', 'Hex'])('%s uses it', (eco) => {
    expect(orderingFor(eco).name).toBe('generic');
  });

  it.each([
    ['npm', 'SemVer'],
    ['PyPI', 'PEP 440'],
    ['pypi', 'PEP 440'],
    ['Maven', 'Maven'],
    ['Go', 'Go module'],
  ])('%s has its own ordering', (eco, name) => {
    expect(orderingFor(eco).name).toBe(name);
  });

  strictlyAscending('RubyGems', ['0.9', '1.0.0.a', '1.0.0.b1', '1.0.0.pre', '1.0.0.rc1', '1.0.0', '1.0.1', '1.2', '1.10']);
  strictlyAscending('crates.io', ['0.1.0', '1.0.0-alpha', '1.0.0-alpha.1', '1.0.0-beta', '1.0.0-rc.1', '1.0.0', '1.0.1']);
  strictlyAscending('Debian', ['1.0~rc1', '1.0', '1.0+dfsg', '1.0-1', '1.0-1ubuntu1', '1.0-2', '1.0.1', '1:0.5']);

  orderTable('NuGet', [
    ['1.0', '=', '1.0.0.0'], // trailing zeros of the release part don't count
    ['1.9', '<', '1.10'], // numbers compare numerically
    ['1.0.0-beta', '<', '1.0.0'], // a textual suffix is a pre-release
    ['1.0.0-Beta', '=', '1.0.0-beta'], // case-insensitive
    ['1.0.0-beta.2', '<', '1.0.0-beta.10'],
    ['v1.2.3', '=', '1.2.3'],
    ['12345678901234567890.1', '>', '12345678901234567889.9'], // no float rounding
  ]);
  orderTable('Debian', [
    ['2:1.0', '>', '1:9.9'], // epoch first
    ['0:1.0', '=', '1.0'],
    ['2.7.4-0ubuntu1.6', '<', '2.7.4-0ubuntu1.10'],
    ['1-1', '<', '1.0.1'], // the upstream part is compared before the revision
  ]);

  it.each(['', 'latest', 'abc', '1.0 beta', '-1.0', '>=1.0'])('rejects %j', (v) => {
    expect(parseable('RubyGems', v)).toBe(false);
    expect(() => compareVersions('RubyGems', v, '1.0')).toThrow(VersionParseError);
  });
});
