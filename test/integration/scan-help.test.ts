import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { scannerIds } from '../../scanners/index.js';
import { vigil } from '../helpers/cli.js';

it('`vigil scan --help` names every registered scanner', () => {
  const r = vigil(['scan', '--help'], { cwd: mkdtempSync(join(tmpdir(), 'vigil-help-')) });
  expect(r.code).toBe(0);
  const line = r.stdout.split('\n').find((l) => /^\s+scanner\s/.test(l));
  expect(line).toBeDefined();
  expect(scannerIds().length).toBeGreaterThanOrEqual(5);
  for (const id of scannerIds()) expect(line).toMatch(new RegExp(`\\b${id}\\b`));
});
