import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { ttyProgress } from '../../src/runner/progress.js';

function stream(isTTY: boolean) {
  const s = new PassThrough() as PassThrough & { isTTY?: boolean; columns?: number };
  s.isTTY = isTTY;
  s.columns = 80;
  let text = '';
  s.on('data', (d) => (text += d));
  return { s: s as unknown as NodeJS.WriteStream, text: () => text };
}

describe('TTY progress', () => {
  it('is off when stderr is not a terminal, so CI logs stay clean', () => {
    expect(ttyProgress(stream(false).s)).toBeUndefined();
  });

  it('shows running parts and a line per finished part on a terminal', () => {
    const { s, text } = stream(true);
    const p = ttyProgress(s)!;
    p({ type: 'start', total: 2 });
    p({ type: 'part-start', scanner: 'import', target: 'shop' });
    p({ type: 'note', scanner: 'import', target: 'shop', note: 'file 1/2' });
    const part = { scanner: 'import', scannerVersion: 1, target: 'shop', status: 'complete' as const, error: null, findings: 6, startedAt: '', finishedAt: '' };
    p({ type: 'part-end', part, done: 1, total: 2 });
    p({ type: 'part-end', part: { ...part, target: 'api', status: 'failed', error: 'bad SARIF' }, done: 2, total: 2 });
    const out = text();
    expect(out).toContain('[0/2] import on shop (file 1/2)');
    expect(out).toContain('✓ import on shop — 6 findings\n');
    expect(out).toContain('✗ import on api — failed: bad SARIF\n');
  });
});
