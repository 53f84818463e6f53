import { describe, expect, it } from 'vitest';
import { compareVersions, parseable, VersionParseError } from '../../../../scanners/deps/versions/index.js';
import { orderTable, strictlyAscending } from './cases.js';

describe('Maven ordering (ComparableVersion)', () => {
  // The qualifier ladder: alpha < beta < milestone < rc < snapshot < release < sp < unknown (lexical).
  strictlyAscending('Maven', [
    'NotAVersionString',
    '1.0a1-SNAPSHOT',
    '1.0-alpha1',
    '1.0beta1-SNAPSHOT',
    '1.0-b2',
    '1.0-beta3.SNAPSHOT',
    '1.0-beta3',
    '1.0-milestone1-SNAPSHOT',
    '1.0-m2',
    '1.0-rc1-SNAPSHOT',
    '1.0-cr1',
    '1.0-SNAPSHOT',
    '1.0',
    '1.0-sp',
    '1.0-a', // a lone `a` is an unknown qualifier, not alpha: only `a1` abbreviates alpha
    '1.0-whatever',
    '1.0.z',
    '1.0.1',
    '1.0.1.0.0.0.0.0.0.0.0.0.0.0.1',
  ]);

  strictlyAscending('Maven', [
    '1-alpha2snapshot',
    '1-alpha2',
    '1-alpha-123',
    '1-beta-2',
    '1-beta123',
    '1-m2',
    '1-m11',
    '1-rc',
    '1-cr2',
    '1-rc123',
    '1-SNAPSHOT',
    '1',
    '1-sp',
    '1-sp2',
    '1-sp123',
    '1-abc',
    '1-def',
    '1-pom-1',
    '1-1-snapshot',
    '1-1',
    '1-2',
    '1-123',
  ]);

  // Numbers against lists against qualifiers (the order of Maven 3.x's ComparableVersion).
  strictlyAscending('Maven', [
    '2.0',
    '2-1',
    '2.0.a',
    '2.0.0.a',
    '2.0.2',
    '2.0.123',
    '2.1.0',
    '2.1-a',
    '2.1b',
    '2.1-c',
    '2.1-1',
    '2.1.0.1',
    '2.2',
    '2.123',
    '11.a2',
    '11.a11',
    '11.b2',
    '11.b11',
    '11.m2',
    '11.m11',
    '11',
    '11.a',
    '11b',
    '11c',
    '11m',
  ]);

  orderTable('Maven', [
    // trailing nulls (0, "", ga, final, release, empty lists) are trimmed
    ['1', '=', '1.0'],
    ['1', '=', '1.0.0'],
    ['1', '=', '1-0'],
    ['1', '=', '1.'],
    ['1', '=', '1-'],
    ['1', '=', '1-ga'],
    ['1', '=', '1.final'],
    ['1', '=', '1-release'],
    ['1', '=', '1.0.0-0.0.0'],
    ['1-foo', '=', '1.0.0-foo.0.0'],
    ['1.0-alpha', '=', '1-alpha'],
    // aliases and case
    ['1.0-alpha1', '=', '1.0-a1'],
    ['1.0-beta1', '=', '1.0-b1'],
    ['1.0-milestone1', '=', '1.0-m1'],
    ['1.0-rc1', '=', '1.0-cr1'],
    ['1.0ALPHA1', '=', '1.0-a1'],
    ['1.0AlphA1', '=', '1.0-alpha-1'],
    ['1.0-SNAPSHOT', '=', '1.0-snapshot'],
    ['1.0alpha1', '=', '1.0-alpha-1'], // a transition is a hyphen
    // separators
    ['1-1', '<', '1.1'], // a hyphen is less important than a dot
    // pom.html: `.qualifier < -qualifier < -number < .number`. Maven 3.9+ changed this corner
    // (its Javadoc has 1.0.RC2 < 1.0-RC3); OSV tooling follows the specification, as vigil does.
    ['1.0.RC2', '>', '1.0-RC3'],
    ['1.0-RC3', '<', '1.0.1'],
    ['1.0.RC2', '<', '1.0.1'],
    ['1-rc1', '<', '1-1'], // -qualifier < -number
    ['1.sp', '<', '1-sp'], // .qualifier < -qualifier
    ['1-sp', '>', '1'],
    ['1-snapshot', '<', '1'],
    ['1-rc', '<', '1-snapshot'],
    ['1-xyz', '>', '1-sp'], // unknown qualifiers after the known ones
    ['1-abc', '<', '1-xyz'], // and lexically among themselves
    ['1.0.10', '>', '1.0.9'],
    ['1.0.99999999999999999999', '>', '1.0.9999999999999999999'], // beyond 2^64
    ['1.0.007', '=', '1.0.7'],
  ]);

  it('follows Maven even where its order is not transitive (a dotted qualifier above the release)', () => {
    expect(compareVersions('Maven', '1.sp', '1-alpha')).toBe(-1); // a qualifier sorts below a list
    expect(compareVersions('Maven', '1-alpha', '1')).toBe(-1); // alpha is below the release
    expect(compareVersions('Maven', '1.sp', '1')).toBe(1); // sp is above it
  });

  it.each(['', ' ', '1.0 beta', '[1.0,2.0)', '(,1.0]', '-1'])('rejects %j', (v) => {
    expect(parseable('Maven', v)).toBe(false);
    expect(() => compareVersions('Maven', v, '1.0')).toThrow(VersionParseError);
  });
});
