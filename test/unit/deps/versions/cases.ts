/** Shared table helpers for the version-ordering tests. */
import { expect, it } from 'vitest';
import { compareVersions } from '../../../../scanners/deps/versions/index.js';

/** `[a, relation, b]`: how `a` must compare with `b`. */
export type OrderCase = readonly [a: string, relation: '<' | '=' | '>', b: string];

const EXPECTED = { '<': -1, '=': 0, '>': 1 } as const;

/** One test per row, checking both directions so each row also proves antisymmetry. */
export function orderTable(ecosystem: string, rows: readonly OrderCase[]): void {
  it.each(rows)(`${ecosystem}: %s %s %s`, (a, rel, b) => {
    expect(compareVersions(ecosystem, a, b)).toBe(EXPECTED[rel]);
    expect(compareVersions(ecosystem, b, a)).toBe(-EXPECTED[rel] || 0);
  });
}

/** Every pair of a strictly ascending list compares in list order (not just neighbours). */
export function strictlyAscending(ecosystem: string, versions: readonly string[]): void {
  it(`${ecosystem}: orders ${versions.length} versions ascending`, () => {
    const wrong: string[] = [];
    for (let i = 0; i < versions.length; i++) {
      for (let j = i + 1; j < versions.length; j++) {
        const a = versions[i]!;
        const b = versions[j]!;
        if (compareVersions(ecosystem, a, b) !== -1) wrong.push(`${a} < ${b}`);
        if (compareVersions(ecosystem, b, a) !== 1) wrong.push(`${b} > ${a}`);
      }
    }
    expect(wrong).toEqual([]);
    const shuffled = [...versions].reverse();
    expect(shuffled.sort((a, b) => compareVersions(ecosystem, a, b))).toEqual(versions);
  });
}
