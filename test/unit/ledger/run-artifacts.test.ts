import { createHash } from 'node:crypto';
import { gunzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { PiecewiseGzip, prepareRunArtifacts, resultMembers } from '../../../src/ledger/run-artifacts.js';
import { fileFinding } from '../../helpers/findings.js';

const sha256 = (b: Buffer | string) => createHash('sha256').update(b).digest('hex');

describe('PiecewiseGzip', () => {
  it('compresses text written in many pieces into one gzip stream of exactly that text', async () => {
    const gz = new PiecewiseGzip();
    const lines: string[] = [];
    let flushes = 0;
    // ~16 MB in lines of varied text, non-ASCII included: more pieces than may compress at once
    for (let i = 0; i < 40_000; i++) {
      const line = `${JSON.stringify({ i, text: `ligne ${i} — ${'x'.repeat(i % 700)}`, r: Math.sin(i) })}\n`;
      lines.push(line);
      if (gz.write(line)) {
        await gz.flush();
        flushes++;
      }
    }
    const text = lines.join('');
    const out = await gz.end();
    expect(flushes).toBeGreaterThan(8);
    expect(gunzipSync(out.content).toString('utf8')).toBe(text);
    expect(out.size).toBe(Buffer.byteLength(text));
    // the digest of what is stored
    expect(out.sha256).toBe(sha256(out.content));
    expect(out.content.length).toBeLessThan(out.size / 3);
  });

  it('takes a text larger than a piece at once (an SBOM), between small ones', async () => {
    const gz = new PiecewiseGzip();
    const big = `{"components":[${Array.from({ length: 60_000 }, (_, i) => `{"name":"paquet-é-${i}"}`).join(',')}]}`;
    const parts = ['head\n', big, '\ntail\n'];
    for (const p of parts) if (gz.write(p)) await gz.flush();
    const out = await gz.end();
    expect(Buffer.byteLength(big)).toBeGreaterThan(1 << 20);
    expect(gunzipSync(out.content).toString('utf8')).toBe(parts.join(''));
    expect(out.sha256).toBe(sha256(out.content));
  });

  it('writes an empty text as a gzip file too', async () => {
    const out = await new PiecewiseGzip().end();
    expect(gunzipSync(out.content).length).toBe(0);
    expect(out).toMatchObject({ size: 0, sha256: sha256(out.content) });
  });
});

describe('a line of results', () => {
  it('is the stored JSON of the finding with its ledger record spliced in, one line', async () => {
    const f = fileFinding(3);
    const data = JSON.stringify({ ...f, evidence: 'a\nb "quoted" — ünïcode' });
    const gz = new PiecewiseGzip();
    gz.writeObjectWith(data, resultMembers({ id: 42, status: 'reopened', firstSeen: '2025-01-01T00:00:00.000Z', slaDue: null }));
    gz.writeObjectWith(data, resultMembers({ id: 43, status: 'open', firstSeen: '2025-01-02T00:00:00.000Z', slaDue: '2025-02-01T00:00:00.000Z' }));
    const text = gunzipSync((await gz.end()).content).toString('utf8');
    const lines = text.split('\n');
    expect(lines).toHaveLength(3);
    expect(lines[2]).toBe('');
    expect(JSON.parse(lines[0]!)).toEqual({ ...JSON.parse(data), id: 42, status: 'reopened', firstSeen: '2025-01-01T00:00:00.000Z', slaDue: null });
    expect(JSON.parse(lines[1]!)).toEqual({ ...JSON.parse(data), id: 43, status: 'open', firstSeen: '2025-01-02T00:00:00.000Z', slaDue: '2025-02-01T00:00:00.000Z' });
  });
});

describe('prepareRunArtifacts', () => {
  it('keeps one file per kind and target, the last given, compressed with the digest of its text', async () => {
    const made = await Promise.all(
      prepareRunArtifacts([
        { kind: 'sbom', mediaType: 'application/vnd.cyclonedx+json', content: '{"a":1}\n', scanner: 'deps', target: 'web app/1' },
        { kind: 'sbom', mediaType: 'application/vnd.cyclonedx+json', content: '{"b":2}\n', scanner: 'deps', target: 'api' },
        { kind: 'sbom', mediaType: 'application/vnd.cyclonedx+json', content: '{"a":2}\n', scanner: 'deps', target: 'web app/1' },
      ]),
    );
    expect(made.map((m) => [m.target, m.name, gunzipSync(m.content).toString(), m.size])).toEqual([
      ['web app/1', 'web_app_1.cdx.json', '{"a":2}\n', 8],
      ['api', 'api.cdx.json', '{"b":2}\n', 8],
    ]);
    for (const m of made) expect(m.sha256).toBe(sha256(m.content));
  });
});
