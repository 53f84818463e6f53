import { describe, expect, it } from 'vitest';
import { bodyProblem } from '../../../scanners/perf/health.js';

const b = (s: string) => Buffer.from(s);

describe('health body assertions (substring or JSON keys; no user regex)', () => {
  it.each<[string, string, Parameters<typeof bodyProblem>[2], string | undefined]>([
    ['no assertion', 'anything', {}, undefined],
    ['substring present', 'all good: OK', { body: 'OK' }, undefined],
    ['substring missing', 'down', { body: 'OK' }, 'the body (4 bytes) does not contain "OK"'],
    ['JSON key equal', '{"status":"ok"}', { json: { status: 'ok' } }, undefined],
    ['JSON dotted key', '{"checks":{"db":true}}', { json: { 'checks.db': true } }, undefined],
    ['JSON key with a dot in its name', '{"checks.db":true}', { json: { 'checks.db': true } }, undefined],
    ['JSON value differs', '{"status":"degraded"}', { json: { status: 'ok' } }, 'the JSON body\'s status is not "ok" (status="degraded")'],
    ['JSON types differ: "true" is not true', '{"up":"true"}', { json: { up: true } }, 'the JSON body\'s up is not true (up="true")'],
    ['JSON key missing', '{}', { json: { status: 'ok' } }, 'the JSON body\'s status is not "ok" (no such key)'],
    ['not JSON', '<html>', { json: { status: 'ok' } }, 'the body (6 bytes) is not JSON, so status cannot be checked'],
  ])('%s', (_what, body, h, want) => {
    expect(bodyProblem(b(body), false, h)).toBe(want);
  });

  it('a secret-looking value from the target is masked in the evidence', () => {
    expect(bodyProblem(b('{"token":"abcdef123456789"}'), false, { json: { token: 'x' } })).toBe('the JSON body\'s token is not "x" (token="abcd…[redacted]")');
  });
});
