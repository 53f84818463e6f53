import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ERROR_CODES, VigilError } from '../../src/errors.js';

describe('error catalogue', () => {
  const doc = readFileSync(new URL('../../docs/errors.md', import.meta.url), 'utf8');

  it.each(Object.entries(ERROR_CODES))('documents %s with its exit and HTTP status', (code, meta) => {
    const row = doc.split('\n').find((l) => l.startsWith(`| \`${code}\` |`));
    expect(row, `docs/errors.md has no row for ${code}`).toBeDefined();
    const cells = row!.split('|').map((c) => c.trim());
    expect(cells[2]).toBe(String(meta.exit));
    expect(cells[3]).toBe(String(meta.status));
  });

  it('formats file:line:column for editors and CI logs', () => {
    const e = new VigilError('VIGIL_ERR_SARIF_INVALID', 'runs: must be an array', { file: 'a.sarif', line: 3, column: 5 });
    expect(e.toString()).toBe('VIGIL_ERR_SARIF_INVALID: a.sarif:3:5: runs: must be an array');
    expect(e.exitCode).toBe(2);
    expect(new VigilError('VIGIL_ERR_INTERNAL', 'x').exitCode).toBe(3);
  });
});
