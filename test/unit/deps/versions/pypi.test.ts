import { describe, expect, it } from 'vitest';
import { compareVersions, parseable, VersionParseError } from '../../../../scanners/deps/versions/index.js';
import { orderTable, strictlyAscending } from './cases.js';

describe('PyPI ordering (PEP 440)', () => {
  // PEP 440's summary of permitted suffixes and relative ordering.
  strictlyAscending('PyPI', [
    '1.0.dev456',
    '1.0a1',
    '1.0a2.dev456',
    '1.0a12.dev456',
    '1.0a12',
    '1.0b1.dev456',
    '1.0b2',
    '1.0b2.post345.dev456',
    '1.0b2.post345',
    '1.0rc1.dev456',
    '1.0rc1',
    '1.0',
    '1.0+abc.5',
    '1.0+abc.7',
    '1.0+5',
    '1.0.post456.dev34',
    '1.0.post456',
    '1.0.15',
    '1.1.dev1',
  ]);

  orderTable('PyPI', [
    ['1!1.0', '>', '2.0'], // the epoch comes first
    ['1!1.0', '<', '1!1.1'],
    ['0!2.0', '=', '2.0'],
    ['1.0.post1', '>', '1.0'],
    ['1.0-1', '=', '1.0.post1'], // implicit post-release
    ['1.0.dev1', '<', '1.0a1'],
    ['1.0a1', '<', '1.0'],
    ['1.0a1.dev1', '<', '1.0a1'],
    ['1.0.0', '=', '1.0'], // trailing zeros don't count
    ['1.0', '=', '1'],
    ['1.0+local', '>', '1.0'], // a local label sorts above its public version
    ['1.0+abc', '<', '1.0+5'], // alphanumeric local segments below numeric ones
    ['1.0+1.2', '>', '1.0+1'],
    ['1.0RC1', '=', '1.0rc1'], // normalisation: case
    ['1.0-alpha.1', '=', '1.0a1'], // normalisation: spelling and separators
    ['1.0c1', '=', '1.0rc1'],
    ['v1.0', '=', '1.0'],
    ['1.10', '>', '1.9'],
  ]);

  it.each(['foo', '', '1.0-beta-x', '1.0+', '1..0', '^1.0'])('rejects %j', (v) => {
    expect(parseable('PyPI', v)).toBe(false);
    expect(() => compareVersions('PyPI', v, '1.0')).toThrow(VersionParseError);
  });
});
