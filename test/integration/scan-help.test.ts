import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { scannerIds } from '../../scanners/index.js';
import { vigil } from '../helpers/cli.js';

it('`vigil scan --help` names every registered scanner', () => {
  const r = vigil(['scan', '--help'], { cwd: mkdtempSync(join(tmpdir(), 'vigil-help-')) });
  expect(r.code).toBe(0);
  // the argument's description, with the lines commander wraps it onto (indented past the name column)
  const lines = r.stdout.split('\n');
  const at = lines.findIndex((l) => /^\s+scanner\s/.test(l));
  expect(at).toBeGreaterThanOrEqual(0);
  let end = at + 1;
  while (end < lines.length && /^\s{6,}\S/.test(lines[end]!)) end++;
  const line = lines.slice(at, end).join(' ');
  expect(scannerIds().length).toBeGreaterThanOrEqual(5);
  for (const id of scannerIds()) expect(line).toMatch(new RegExp(`\\b${id}\\b`));
});
