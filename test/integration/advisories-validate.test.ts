import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { comparableName, baseEcosystem, normaliseTimestamp, parseOsvDocument } from '../../src/advisories/index.js';
import { VigilError } from '../../src/errors.js';

const GHSA = readFileSync(new URL('../fixtures/advisories/osv/npm/GHSA-c2qf-rxjj-qqgw.json', import.meta.url), 'utf8');

/** Run `parseOsvDocument`; anything thrown must be a VigilError with an OSV code and the file named. */
function parsesOrRefuses(text: string): void {
  try {
    parseOsvDocument(text, 'prop.json');
  } catch (e) {
    if (!(e instanceof VigilError)) throw e;
    expect(['VIGIL_ERR_OSV_PARSE', 'VIGIL_ERR_OSV_INVALID']).toContain(e.code);
    expect(e.file).toBe('prop.json');
    expect(e.line).toBeGreaterThanOrEqual(1);
  }
}

/** Values that are sometimes right for an OSV field and often wrong. */
const anything = fc.oneof(fc.jsonValue({ maxDepth: 2 }), fc.constant(undefined));
const version = fc.oneof(fc.constantFrom('0', '1.2.3', '2.0.0-rc.1'), anything);
const event = fc.oneof(
  fc.record({ introduced: version }),
  fc.record({ fixed: version }),
  fc.record({ last_affected: version }),
  fc.record({ limit: version }),
  fc.record({ introduced: version, fixed: version }, { requiredKeys: [] }),
  anything,
);
const range = fc.oneof(
  fc.record(
    { type: fc.oneof(fc.constantFrom('SEMVER', 'ECOSYSTEM', 'GIT', 'semver'), anything), repo: fc.oneof(fc.webUrl(), anything), events: fc.oneof(fc.array(event, { maxLength: 4 }), anything) },
    { requiredKeys: [] },
  ),
  anything,
);
const affected = fc.oneof(
  fc.record(
    {
      package: fc.oneof(fc.record({ ecosystem: fc.oneof(fc.constantFrom('npm', 'PyPI', ''), anything), name: fc.oneof(fc.string(), anything) }, { requiredKeys: [] }), anything),
      ranges: fc.oneof(fc.array(range, { maxLength: 3 }), anything),
      versions: fc.oneof(fc.array(fc.oneof(fc.string(), anything), { maxLength: 3 }), anything),
      severity: fc.oneof(fc.array(fc.record({ type: anything, score: anything }), { maxLength: 2 }), anything),
    },
    { requiredKeys: [] },
  ),
  anything,
);
const advisory = fc.record(
  {
    id: fc.oneof(fc.constantFrom('GHSA-aaaa-bbbb-cccc', 'PYSEC-2024-1', ''), anything),
    modified: fc.oneof(fc.date({ noInvalidDate: true }).map((d) => d.toISOString()), fc.constantFrom('2024-02-30T00:00:00Z', '2024-01-01'), anything),
    withdrawn: fc.oneof(fc.date({ noInvalidDate: true }).map((d) => d.toISOString()), anything),
    aliases: fc.oneof(fc.array(fc.string(), { maxLength: 2 }), anything),
    affected: fc.oneof(fc.array(affected, { maxLength: 3 }), anything),
    references: fc.oneof(fc.array(fc.record({ type: anything, url: anything }), { maxLength: 2 }), anything),
    constructor: anything,
  },
  { requiredKeys: [] },
);

describe('OSV validation never throws anything but a VigilError', () => {
  it('on arbitrary JSON', () => {
    fc.assert(fc.property(fc.jsonValue(), (v) => parsesOrRefuses(JSON.stringify(v) ?? 'null')), { numRuns: 2000 });
  });

  it('on arbitrary text', () => {
    fc.assert(fc.property(fc.string({ unit: 'binary' }), (s) => parsesOrRefuses(s)), { numRuns: 2000 });
  });

  it('on advisory-shaped values, one advisory or an array', () => {
    fc.assert(
      fc.property(fc.oneof(advisory, fc.array(advisory, { maxLength: 3 })), fc.boolean(), (v, pretty) => parsesOrRefuses(JSON.stringify(v, null, pretty ? 2 : undefined))),
      { numRuns: 3000 },
    );
  });

  it('on a real advisory with one value replaced anywhere, and points at that value', () => {
    const base = JSON.parse(GHSA) as unknown;
    const paths: (string | number)[][] = [];
    const walk = (v: unknown, at: (string | number)[]) => {
      paths.push(at);
      if (Array.isArray(v)) v.forEach((x, i) => walk(x, [...at, i]));
      else if (v && typeof v === 'object') for (const [k, x] of Object.entries(v)) walk(x, [...at, k]);
    };
    walk(base, []);
    fc.assert(
      fc.property(fc.constantFrom(...paths.filter((p) => p.length > 0)), fc.jsonValue({ maxDepth: 1 }), (path, value) => {
        const copy = JSON.parse(GHSA) as Record<string, unknown>;
        let o: Record<string | number, unknown> = copy;
        for (const k of path.slice(0, -1)) o = o[k] as Record<string | number, unknown>;
        o[path.at(-1)!] = value;
        const text = JSON.stringify(copy, null, 2);
        try {
          parseOsvDocument(text, 'mutated.json');
        } catch (e) {
          if (!(e instanceof VigilError)) throw e;
          expect(e.code).toBe('VIGIL_ERR_OSV_INVALID');
          // the message starts with a path that is a prefix or extension of the replaced one
          const shown = e.message.slice(0, e.message.indexOf(': '));
          const replaced = path.map((p) => (typeof p === 'number' ? `[${p}]` : `.${p}`)).join('').replace(/^\./, '');
          expect(shown.startsWith(replaced) || replaced.startsWith(shown)).toBe(true);
        }
      }),
      { numRuns: 2000 },
    );
  });
});

describe('OSV validation reads own keys only', () => {
  it('does not take an id from a "__proto__" member or the prototype', () => {
    const text = '{\n  "__proto__": { "id": "GHSA-from-prot-otyp" },\n  "modified": "2024-01-01T00:00:00Z"\n}';
    expect(() => parseOsvDocument(text, 'proto.json')).toThrow(expect.objectContaining({ code: 'VIGIL_ERR_OSV_INVALID', message: 'id: missing; an OSV advisory needs "id"', line: 1 }));
    const ctor = '{ "id": "GHSA-aaaa-bbbb-cccc", "modified": "2024-01-01T00:00:00Z", "affected": [{ "ranges": [{ "type": "SEMVER", "events": [{ "constructor": "1" }] }] }] }';
    expect(() => parseOsvDocument(ctor, 'ctor.json')).toThrow(/events\[0\]: an event needs exactly one of introduced, fixed, last_affected, limit; it has none/);
  });
});

describe('RFC 3339 timestamps', () => {
  it.each([
    ['2024-06-21T21:33:52.145012Z', '2024-06-21T21:33:52.145012000Z'],
    ['2024-06-21T21:33:52Z', '2024-06-21T21:33:52.000000000Z'],
    ['2024-06-21t21:33:52z', '2024-06-21T21:33:52.000000000Z'],
    ['2024-04-02T08:00:00+02:00', '2024-04-02T06:00:00.000000000Z'],
    ['2024-01-01T00:30:00-01:00', '2024-01-01T01:30:00.000000000Z'],
    ['2024-02-29T00:00:00Z', '2024-02-29T00:00:00.000000000Z'],
    ['0001-01-01T00:00:00Z', '0001-01-01T00:00:00.000000000Z'],
  ])('%s → %s', (input, out) => {
    expect(normaliseTimestamp(input)).toBe(out);
  });

  it.each(['2023-02-29T00:00:00Z', '2024-13-01T00:00:00Z', '2024-01-01', '2024-01-01T24:00:00Z', '2024-01-01T00:00:00', '2024-01-01T00:00:00+2:00', 'yesterday', '0000-01-01T00:30:00+01:00'])(
    'refuses %s',
    (input) => {
      expect(normaliseTimestamp(input)).toBeUndefined();
    },
  );

  it('orders as text the way the instants are ordered, below the millisecond too', () => {
    const stamp = fc.tuple(fc.integer({ min: 0, max: 4_102_444_800_000 }), fc.integer({ min: 0, max: 999 }));
    fc.assert(
      fc.property(stamp, stamp, ([ms1, us1], [ms2, us2]) => {
        const text = (ms: number, us: number) => `${new Date(ms).toISOString().slice(0, 23)}${String(us).padStart(3, '0')}Z`;
        const a = normaliseTimestamp(text(ms1, us1))!;
        const b = normaliseTimestamp(text(ms2, us2))!;
        const cmp = ms1 * 1000 + us1 - (ms2 * 1000 + us2);
        expect(Math.sign(a < b ? -1 : a > b ? 1 : 0)).toBe(Math.sign(cmp));
      }),
    );
  });
});

describe('package names', () => {
  it('compares PyPI names by PEP 503, NuGet and Packagist without case, the rest exactly', () => {
    expect(comparableName('PyPI', 'Example_Pkg.Name')).toBe('example-pkg-name');
    expect(comparableName('PyPI', 'zope.interface')).toBe('zope-interface');
    expect(comparableName('NuGet', 'Newtonsoft.Json')).toBe('newtonsoft.json');
    expect(comparableName('npm', 'JSONStream')).toBe('JSONStream');
    expect(comparableName('Go', 'github.com/BurntSushi/toml')).toBe('github.com/BurntSushi/toml');
    expect(baseEcosystem('Debian:11')).toBe('Debian');
    expect(baseEcosystem('Ubuntu:22.04:LTS')).toBe('Ubuntu');
    expect(baseEcosystem('npm')).toBe('npm');
  });
});
