import { describe, expect, it } from 'vitest';
import { VigilError } from '../../../src/errors.js';
import { parseConfig } from '../../../src/config/index.js';

const FILE = 'vigil.yaml';
const target = (tls: string) => `targets:\n  - name: api\n    kind: tls\n    host: api.example:443\n    scanners:\n      tls:${tls}\n`;

function configError(yaml: string): VigilError {
  try {
    parseConfig(yaml, FILE);
  } catch (e) {
    if (e instanceof VigilError) return e;
    throw e;
  }
  throw new Error('expected a VigilError, but nothing was thrown');
}

describe('vigil.yaml: the tls scanner\'s intermediates option', () => {
  it.each([
    ['a number', ' { intermediates: 42 }', 6, 29, 'targets[0].scanners.tls.intermediates: must be a string or a list (got 42)'],
    ['an empty string', '\n        intermediates: ""', 7, 24, 'targets[0].scanners.tls.intermediates: must not be empty (got "")'],
    ['an empty list', '\n        intermediates: []', 7, 24, 'targets[0].scanners.tls.intermediates: must not be an empty list'],
    ['a list with a number', '\n        intermediates: [int.pem, 7]', 7, 34, 'targets[0].scanners.tls.intermediates[1]: must be a string (got 7)'],
    ['a mapping', '\n        intermediates: { file: int.pem }', 7, 24, 'targets[0].scanners.tls.intermediates: must be a string or a list (got a mapping)'],
  ])('%s is exit 2 at its line and column', (_name, tls, line, column, message) => {
    const err = configError(target(tls));
    expect({ code: err.code, file: err.file, line: err.line, column: err.column, exit: err.exitCode }).toEqual({ code: 'VIGIL_ERR_CONFIG_INVALID', file: FILE, line, column, exit: 2 });
    expect(err.message).toBe(message);
  });

  it.each([
    ['one file', ' { intermediates: certs/int.pem }', { intermediates: 'certs/int.pem' }],
    ['a list, beside the other options', '\n        ca: ca.pem\n        intermediates: [a.pem, b.pem]\n        profile: modern', { ca: 'ca.pem', intermediates: ['a.pem', 'b.pem'], profile: 'modern' }],
    ['no options at all', '', {}],
  ])('%s is accepted and passed to the scanner as written', (_name, tls, options) => {
    const cfg = parseConfig(target(tls), FILE);
    expect(cfg.targets[0]!.scanners['tls']).toEqual(options);
  });
});
