import { describe, expect, it } from 'vitest';
import type { OsvAffected, OsvEvent, OsvRange } from '../../../../scanners/deps/model.js';
import { isAffected, nearestFix, rangeContains } from '../../../../scanners/deps/versions/index.js';

const semver = (...events: OsvEvent[]): OsvRange => ({ type: 'SEMVER', events });
const eco = (...events: OsvEvent[]): OsvRange => ({ type: 'ECOSYSTEM', events });
const ranges = (...r: OsvRange[]): OsvAffected => ({ ranges: r });

/** `[case, affected entry, ecosystem, version, expected]` */
type Case = readonly [name: string, affected: OsvAffected, ecosystem: string, version: string, expected: boolean];

const cases: Case[] = [
  // introduced: 0 with fixed — everything before the fix
  ['introduced 0, fixed: below', ranges(eco({ introduced: '0' }, { fixed: '1.0.2' })), 'npm', '0.0.1', true],
  ['introduced 0, fixed: pre-release of 0.0.0', ranges(eco({ introduced: '0' }, { fixed: '1.0.2' })), 'npm', '0.0.0-alpha', true],
  ['introduced 0, fixed: just below', ranges(eco({ introduced: '0' }, { fixed: '1.0.2' })), 'npm', '1.0.1', true],
  ['introduced 0, fixed: pre-release of the fix', ranges(eco({ introduced: '0' }, { fixed: '1.0.2' })), 'npm', '1.0.2-rc.1', true],
  ['introduced 0, fixed: the fix (exclusive)', ranges(eco({ introduced: '0' }, { fixed: '1.0.2' })), 'npm', '1.0.2', false],
  ['introduced 0, fixed: above', ranges(eco({ introduced: '0' }, { fixed: '1.0.2' })), 'npm', '2.0.0', false],
  ['introduced 0 alone: every version', ranges(eco({ introduced: '0' })), 'PyPI', '0.dev1', true],
  // introduced is inclusive
  ['introduced: the version itself', ranges(eco({ introduced: '1.0.0' }, { fixed: '1.0.2' })), 'npm', '1.0.0', true],
  ['introduced: its pre-release is before it', ranges(eco({ introduced: '1.0.0' }, { fixed: '1.0.2' })), 'npm', '1.0.0-beta', false],
  // last_affected is inclusive
  ['last_affected: the version itself', ranges(eco({ introduced: '0' }, { last_affected: '2.3.1' })), 'PyPI', '2.3.1', true],
  ['last_affected: normalised spelling', ranges(eco({ introduced: '0' }, { last_affected: '2.3.1' })), 'PyPI', '2.3.1.0', true],
  ['last_affected: its post-release', ranges(eco({ introduced: '0' }, { last_affected: '2.3.1' })), 'PyPI', '2.3.1.post1', false],
  ['last_affected: above', ranges(eco({ introduced: '0' }, { last_affected: '2.3.1' })), 'PyPI', '2.4', false],
  // two intervals in one range: [1.0.0, 1.0.2) and [3.0.0, 3.2.5) — the spec's own example
  ...(['0.9.0', '1.0.0', '1.0.1', '1.0.2', '2.0.0', '3.0.0', '3.2.4', '3.2.5', '4.0.0'] as const).map(
    (v): Case => [
      `two intervals: ${v}`,
      ranges(semver({ introduced: '1.0.0' }, { fixed: '1.0.2' }, { introduced: '3.0.0' }, { fixed: '3.2.5' })),
      'npm',
      v,
      ['1.0.0', '1.0.1', '3.0.0', '3.2.4'].includes(v),
    ],
  ),
  // events in any order are sorted before the walk
  [
    'two intervals, events unsorted',
    ranges(semver({ fixed: '3.2.5' }, { introduced: '3.0.0' }, { fixed: '1.0.2' }, { introduced: '1.0.0' })),
    'npm',
    '2.0.0',
    false,
  ],
  [
    'two intervals, events unsorted, inside the second',
    ranges(semver({ fixed: '3.2.5' }, { introduced: '3.0.0' }, { fixed: '1.0.2' }, { introduced: '1.0.0' })),
    'npm',
    '3.1.0',
    true,
  ],
  [
    'an interval reopening at the previous fix',
    ranges(eco({ introduced: '1.0' }, { fixed: '1.5' }, { introduced: '1.5' }, { fixed: '2.0' })),
    'PyPI',
    '1.5',
    true,
  ],
  ['an empty interval (introduced = fixed)', ranges(eco({ introduced: '1.0' }, { fixed: '1.0' })), 'PyPI', '1.0', false],
  ['an empty interval, above it', ranges(eco({ introduced: '1.0' }, { fixed: '1.0' })), 'PyPI', '3.0', false],
  // multiple ranges: any one suffices
  [
    'multiple ranges: the second matches',
    ranges(eco({ introduced: '0' }, { fixed: '1.0' }), eco({ introduced: '2.0' }, { fixed: '2.5' })),
    'Maven',
    '2.1',
    true,
  ],
  [
    'multiple ranges: between them',
    ranges(eco({ introduced: '0' }, { fixed: '1.0' }), eco({ introduced: '2.0' }, { fixed: '2.5' })),
    'Maven',
    '1.5',
    false,
  ],
  // limit: an exclusive cap over the whole range
  ['limit: below it', ranges(eco({ introduced: '1.0.0' }, { limit: '1.5.0' })), 'npm', '1.4.9', true],
  ['limit: at it (exclusive)', ranges(eco({ introduced: '1.0.0' }, { limit: '1.5.0' })), 'npm', '1.5.0', false],
  ['limit: above it', ranges(eco({ introduced: '1.0.0' }, { limit: '1.5.0' })), 'npm', '2.0.0', false],
  ['limit: below some limit', ranges(eco({ introduced: '0' }, { limit: '1.0.0' }, { limit: '3.0.0' })), 'npm', '2.0.0', true],
  ['limit "*": no cap', ranges(eco({ introduced: '1.0.0' }, { limit: '*' })), 'npm', '9.0.0', true],
  ['limit with fixed: after the fix', ranges(eco({ introduced: '1.0.0' }, { fixed: '1.2.0' }, { limit: '2.0.0' })), 'npm', '1.5.0', false],
  // versions[] only: exact string equality, no ordering needed
  ['versions[] only: listed', { versions: ['1.0.0', '1.0.1'] }, 'npm', '1.0.1', true],
  ['versions[] only: not listed', { versions: ['1.0.0', '1.0.1'] }, 'npm', '1.0.2', false],
  ['versions[] only: equal in order but spelled differently', { versions: ['1.0'] }, 'PyPI', '1.0.0', false],
  ['versions[] or ranges: listed outside the range', { versions: ['5.0.0'], ranges: [eco({ introduced: '0' }, { fixed: '1.0.0' })] }, 'npm', '5.0.0', true],
  // SEMVER ranges use SemVer whatever the ecosystem; ECOSYSTEM ranges the ecosystem's order
  ['SEMVER in PyPI: SemVer pre-release order', ranges(semver({ introduced: '0' }, { fixed: '1.0.0' })), 'PyPI', '1.0.0-rc.1', true],
  ['SEMVER in PyPI: a PEP 440-only spelling is unparseable', ranges(semver({ introduced: '0' }, { fixed: '1.0.0' })), 'PyPI', '1.0rc1', false],
  ['ECOSYSTEM in PyPI: PEP 440 pre-release order', ranges(eco({ introduced: '0' }, { fixed: '1.0.0' })), 'PyPI', '1.0rc1', true],
  ['SEMVER in Maven: 1.0 is not SemVer', ranges(semver({ introduced: '0' }, { fixed: '2.0.0' })), 'Maven', '1.0', false],
  ['ECOSYSTEM in Maven: 1.0 is Maven', ranges(eco({ introduced: '0' }, { fixed: '2.0.0' })), 'Maven', '1.0', true],
  ['ECOSYSTEM in Maven: SNAPSHOT below its release', ranges(eco({ introduced: '0' }, { fixed: '2.0' })), 'Maven', '2.0-SNAPSHOT', true],
  ['SEMVER in Go: go.mod spelling', ranges(semver({ introduced: '0' }, { fixed: '1.2.4' })), 'Go', 'v1.2.3', true],
  ['ECOSYSTEM in Go: pseudo-version before the fix', ranges(eco({ introduced: '0' }, { fixed: '1.2.4' })), 'Go', 'v1.2.4-0.20191109021931-daa7c04131f5', true],
  ['ECOSYSTEM in Go: +incompatible is the fix', ranges(eco({ introduced: '0' }, { fixed: '2.0.0' })), 'Go', 'v2.0.0+incompatible', false],
  // GIT ranges hold commits: ignored
  [
    'GIT range ignored',
    ranges({ type: 'GIT', repo: 'https://github.com/x/y', events: [{ introduced: '0' }, { fixed: 'a1b2c3d' }] }),
    'npm',
    '1.0.0',
    false,
  ],
  [
    'GIT range ignored, ECOSYSTEM range beside it counts',
    ranges({ type: 'GIT', repo: 'https://github.com/x/y', events: [{ introduced: '0' }] }, eco({ introduced: '0' }, { fixed: '1.0.0' })),
    'npm',
    '0.5.0',
    true,
  ],
  // unparseable versions never match a range
  ['unparseable version', ranges(eco({ introduced: '0' })), 'npm', 'not-a-version', false],
  ['unparseable version, but listed', { versions: ['not-a-version'], ranges: [eco({ introduced: '0' })] }, 'npm', 'not-a-version', true],
  ['an unparseable fixed event is left out of the walk', ranges(eco({ introduced: '0' }, { fixed: 'garbage' })), 'npm', '9.0.0', true],
  ['an unparseable limit caps nothing', ranges(eco({ introduced: '0' }, { limit: 'garbage' })), 'npm', '9.0.0', true],
  ['no ranges, no versions', {}, 'npm', '1.0.0', false],
];

describe('isAffected (OSV schema evaluation)', () => {
  it.each(cases)('%s', (_name, affected, ecosystem, version, expected) => {
    expect(isAffected(affected, version, ecosystem)).toBe(expected);
  });

  it('does not consult ranges for a version the ordering cannot read', () => {
    expect(rangeContains(eco({ introduced: '0' }), '', 'PyPI')).toBe(false);
  });
});

describe('nearestFix', () => {
  it('takes the fix of the interval that contains the version, not an earlier one', () => {
    const a = ranges(semver({ introduced: '1.0.0' }, { fixed: '1.0.2' }, { introduced: '3.0.0' }, { fixed: '3.2.5' }));
    expect(nearestFix([a], '3.1.0', 'npm')).toBe('3.2.5');
    expect(nearestFix([a], '1.0.1', 'npm')).toBe('1.0.2');
  });

  it('picks the smallest upgrade that leaves every interval holding the version', () => {
    const a = ranges(eco({ introduced: '0' }, { fixed: '2.0.1' }));
    const b = ranges(eco({ introduced: '0' }, { fixed: '1.9.3' }), eco({ introduced: '1.0.0' }, { fixed: '1.9.10' }));
    // 1.5.0 sits in [0, 2.0.1), [0, 1.9.3) and [1.0.0, 1.9.10): 1.9.3 would still be in the other two.
    expect(nearestFix([a, b], '1.5.0', 'npm')).toBe('2.0.1');
    // SemVer order, not text order: 1.9.10 > 1.9.3.
    expect(nearestFix([b], '1.5.0', 'npm')).toBe('1.9.10');
    // 0.5.0 is only in [0, 1.9.3), but 1.9.3 is inside [1.0.0, 1.9.10): go on to 1.9.10.
    expect(nearestFix([b], '0.5.0', 'npm')).toBe('1.9.10');
  });

  it('with one applicable range, is its fix (the smallest fixed event above the version)', () => {
    const a = ranges(eco({ introduced: '0' }, { fixed: '1.2.0' }), eco({ introduced: '3.0.0' }, { fixed: '3.0.4' }));
    expect(nearestFix([a], '1.0.0', 'npm')).toBe('1.2.0');
    expect(nearestFix([a], '3.0.1', 'npm')).toBe('3.0.4');
  });

  it('skips a fix that versions[] still lists as affected, then has no known fix', () => {
    const a: OsvAffected = { ranges: [eco({ introduced: '0' }, { fixed: '1.2.0' })], versions: ['1.2.0'] };
    expect(nearestFix([a], '1.0.0', 'npm')).toBeUndefined();
  });

  it('orders fixes by the ecosystem (PEP 440: 1.0.post1 < 1.0.1)', () => {
    const a = ranges(eco({ introduced: '0' }, { fixed: '1.0.1' }), eco({ introduced: '0' }, { fixed: '1.0.post1' }));
    expect(nearestFix([a], '1.0', 'PyPI')).toBe('1.0.1');
    const b = { ranges: [eco({ introduced: '0' }, { fixed: '1.0.1' })] };
    const c = { ranges: [eco({ introduced: '0' }, { fixed: '1.0.post1' })] };
    expect(nearestFix([b, c], '0.9', 'PyPI')).toBe('1.0.1');
    expect(nearestFix([c], '0.9', 'PyPI')).toBe('1.0.post1');
  });

  it('ignores fixes of ranges that do not contain the version', () => {
    const a = ranges(eco({ introduced: '2.0.0' }, { fixed: '2.1.0' }), eco({ introduced: '0' }, { fixed: '1.4.0' }));
    expect(nearestFix([a], '1.0.0', 'npm')).toBe('1.4.0');
    expect(nearestFix([a], '1.5.0', 'npm')).toBeUndefined();
  });

  it('is undefined with only last_affected, with no fix, or for an unaffected version', () => {
    expect(nearestFix([ranges(eco({ introduced: '0' }, { last_affected: '1.2.3' }))], '1.0.0', 'npm')).toBeUndefined();
    expect(nearestFix([ranges(eco({ introduced: '0' }))], '1.0.0', 'npm')).toBeUndefined();
    expect(nearestFix([ranges(eco({ introduced: '0' }, { fixed: '1.0.0' }))], '1.0.0', 'npm')).toBeUndefined();
    expect(nearestFix([], '1.0.0', 'npm')).toBeUndefined();
  });

  it('is undefined when every fix is still affected by another entry', () => {
    const a = ranges(eco({ introduced: '0' }, { fixed: '1.5.0' }));
    const b = ranges(eco({ introduced: '1.2.0' }));
    expect(nearestFix([a, b], '1.0.0', 'npm')).toBeUndefined();
  });

  it('ignores GIT ranges and unparseable versions', () => {
    const git = ranges({ type: 'GIT', repo: 'https://github.com/x/y', events: [{ introduced: '0' }, { fixed: 'abc123' }] });
    expect(nearestFix([git], '1.0.0', 'npm')).toBeUndefined();
    expect(nearestFix([ranges(eco({ introduced: '0' }, { fixed: '2.0.0' }))], 'nope', 'npm')).toBeUndefined();
  });

  it('reads Maven fixes in Maven order', () => {
    // As text 2.0-RC1 > 2.0; to Maven 2.0-RC1 < 2.0, so 2.0 is the version leaving both ranges.
    const a = ranges(eco({ introduced: '0' }, { fixed: '2.0' }), eco({ introduced: '0' }, { fixed: '2.0-RC1' }));
    expect(nearestFix([a], '1.9', 'Maven')).toBe('2.0');
    const b = ranges(eco({ introduced: '0' }, { fixed: '2.0-RC1' }));
    expect(nearestFix([b], '2.0-beta-1', 'Maven')).toBe('2.0-RC1');
  });

  it('follows an interval reopened at its own fix', () => {
    const a = ranges(eco({ introduced: '1.0' }, { fixed: '1.5' }, { introduced: '1.5' }, { fixed: '2.0' }));
    expect(nearestFix([a], '1.2', 'PyPI')).toBe('2.0');
  });
});
