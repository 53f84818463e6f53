import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { VigilError } from '../../../src/errors.js';
import { initTemplate, parseConfig } from '../../../src/config/index.js';

/** parseConfig's contract: a config, or a VigilError with a position — never another exception. */
function parsesOrReports(text: string): void {
  try {
    parseConfig(text, 'vigil.yaml');
  } catch (e) {
    if (!(e instanceof VigilError)) throw e;
    expect(['VIGIL_ERR_CONFIG_PARSE', 'VIGIL_ERR_CONFIG_INVALID']).toContain(e.code);
    expect(e.file).toBe('vigil.yaml');
    expect(e.line).toBeGreaterThanOrEqual(1);
    expect(e.column).toBeGreaterThanOrEqual(1);
    expect(e.message.length).toBeGreaterThan(0);
  }
}

/** Characters that matter to YAML, so random text reaches more of the parser than letters would. */
const yamlish = fc
  .array(
    fc.oneof(
      fc.constantFrom(
        ':', ' ', '  ', '\n', '- ', '[', ']', '{', '}', ',', '"', "'", '#', '&a', '*a', '<<', '!!str', '|', '>',
        '?', '%', '@', '`', '\t', '---', '...', 'targets', 'name', 'kind', 'path', 'scanners', 'import', 'null',
        '~', '1', '-1', '0x10', '.inf', '__proto__', 'constructor', 'schedules', 'cron', 'sla', 'runner',
      ),
      fc.string({ maxLength: 4 }),
    ),
    { maxLength: 40 },
  )
  .map((parts) => parts.join(''));

describe('parseConfig never throws anything but a positioned VigilError', () => {
  it('for arbitrary strings', () => {
    fc.assert(fc.property(fc.string(), parsesOrReports), { numRuns: 500 });
  });

  it('for YAML-ish strings', () => {
    fc.assert(fc.property(yamlish, parsesOrReports), { numRuns: 1000 });
  });

  it('for the init template with a few characters changed', () => {
    const base = initTemplate();
    const edit = fc.record({
      at: fc.nat({ max: base.length }),
      drop: fc.nat({ max: 6 }),
      insert: fc.oneof(fc.constantFrom('', ' ', '\n', ':', '- ', '"', '[', '{', 'x', '  ', '\t', '*a'), fc.string({ maxLength: 3 })),
    });
    fc.assert(
      fc.property(fc.array(edit, { minLength: 1, maxLength: 3 }), (edits) => {
        let text = base;
        for (const e of edits) text = text.slice(0, e.at) + e.insert + text.slice(e.at + e.drop);
        parsesOrReports(text);
      }),
      { numRuns: 1000 },
    );
  });

  it('for JSON values, which are YAML too', () => {
    fc.assert(fc.property(fc.jsonValue(), (v) => parsesOrReports(JSON.stringify(v))), { numRuns: 300 });
  });
});
