import { generateKeyPairSync } from 'node:crypto';
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { PdfWriter, renderAuditPdf, renderRopaPdf, reserveSignature, signPdf, verifyPdfSignature } from '../../../../reports/pdf/index.js';
import { signedSample } from './pdf-tools.js';

/** The offset of `marker` in `pdf` plus `skip`; fails the test when the marker is missing. */
function at(pdf: Buffer, marker: string, skip = 0, from = 0): number {
  const i = pdf.indexOf(marker, from, 'latin1');
  expect(i, marker).toBeGreaterThanOrEqual(0);
  return i + marker.length + skip;
}

function flipped(pdf: Buffer, pos: number, mask = 0x01): Buffer {
  const out = Buffer.from(pdf);
  out[pos] = out[pos]! ^ mask;
  return out;
}

describe('PDF signature', () => {
  let pdf: Buffer;
  let fingerprint: string;

  beforeAll(async () => {
    const { report, privateKey } = signedSample();
    fingerprint = report.signingKey.fingerprint;
    pdf = await renderAuditPdf(report, { privateKey });
  });

  it('verifies the file as written', () => {
    const check = verifyPdfSignature(pdf);
    expect(check).toMatchObject({ ok: true, keyFingerprint: fingerprint });
    expect(check.publicKeyPem).toMatch(/^-----BEGIN PUBLIC KEY-----/);
  });

  it('keeps the signature dictionary where the scheme says: in the catalog, with the key, the head and 128 hex digits', () => {
    const text = pdf.toString('latin1');
    expect(text.match(/\/Type \/VigilSignature/g)).toHaveLength(1);
    expect(text).toMatch(/\/VigilSignature \d+ 0 R/);
    expect(text).toMatch(/\/Filter \/Vigil\.Ed25519\n\/PublicKey <302a300506032b6570032100[0-9a-f]{64}>\n\/LedgerHead \([0-9a-f]{64}\)\n\/LedgerSeq 4821\n/);
    expect(text).toMatch(/\/Signature <[0-9a-f]{128}>/);
    expect(text).not.toContain(`/Signature <${'0'.repeat(128)}>`);
  });

  it.each([
    ['the first byte', () => 0],
    ['the last byte', (p: Buffer) => p.length - 1],
    ['a content stream', (p: Buffer) => at(p, 'stream\n', 40)],
    ['the public key', (p: Buffer) => at(p, '/PublicKey <', 30)],
    ['the head hash', (p: Buffer) => at(p, '/LedgerHead (', 10)],
    ['the head sequence number', (p: Buffer) => at(p, '/LedgerSeq ', 1)],
    ['the trailer', (p: Buffer) => at(p, 'trailer', 8)],
    ['the trailer ID', (p: Buffer) => at(p, '/ID [<', 3)],
    ['the xref table', (p: Buffer) => at(p, 'xref\n', 40)],
    ['the startxref offset', (p: Buffer) => at(p, 'startxref\n', 1)],
    ['the Info dictionary', (p: Buffer) => at(p, '/Producer', 1)],
    ['the XMP metadata', (p: Buffer) => at(p, '<pdfaid:part>', 0)],
  ])('fails when one byte of %s changes', (_, where) => {
    const pos = where(pdf);
    const check = verifyPdfSignature(flipped(pdf, pos));
    expect(check.ok).toBe(false);
    expect(check.reason).not.toBe('');
  });

  it('fails when one signature digit changes, to another digit or to upper case', () => {
    const start = at(pdf, '/Signature <');
    for (const k of [0, 7, 64, 127]) {
      const out = Buffer.from(pdf);
      const c = String.fromCharCode(out[start + k]!);
      out[start + k] = (c === '0' ? '1' : '0').charCodeAt(0);
      expect(verifyPdfSignature(out)).toMatchObject({ ok: false, reason: expect.stringMatching(/mismatch/) });
    }
    const upper = Buffer.from(pdf);
    const k = [...upper.subarray(start, start + 128)].findIndex((b) => b >= 0x61);
    upper[start + k] = upper[start + k]! - 0x20;
    expect(verifyPdfSignature(upper).ok).toBe(false);
  });

  it('never verifies after a random byte anywhere is changed (property)', () => {
    fc.assert(
      fc.property(fc.nat({ max: pdf.length - 1 }), fc.integer({ min: 1, max: 255 }), (pos, mask) => !verifyPdfSignature(flipped(pdf, pos, mask)).ok),
      { numRuns: 50 },
    );
  });

  it('refuses bytes after %%EOF and an appended update carrying a second signature dictionary', () => {
    expect(verifyPdfSignature(Buffer.concat([pdf, Buffer.from('\n')])).ok).toBe(false);
    expect(verifyPdfSignature(Buffer.concat([pdf, Buffer.from('% trailing comment\n')]))).toMatchObject({ ok: false, reason: expect.stringMatching(/%%EOF/) });
    const { privateKey, publicKey } = generateKeyPairSync('ed25519');
    const spki = publicKey.export({ type: 'spki', format: 'der' }).toString('hex');
    const startxref = /startxref\n(\d+)\n%%EOF\n$/.exec(pdf.toString('latin1'))![1];
    const update = `9999 0 obj\n<<\n/Type /VigilSignature\n/Filter /Vigil.Ed25519\n/PublicKey <${spki}>\n/Signature <${'0'.repeat(128)}>\n>>\nendobj\nxref\n0 1\n0000000000 65535 f \ntrailer\n<<\n/Size 1\n/Prev ${startxref}\n>>\nstartxref\n${pdf.length}\n%%EOF\n`;
    const appended = Buffer.concat([pdf, Buffer.from(update, 'latin1')]);
    expect(verifyPdfSignature(appended)).toMatchObject({ ok: false, reason: expect.stringMatching(/more than one|appended/) });
    expect(() => signPdf(appended, privateKey)).toThrow();
  });

  it('reports the key a re-signed file carries, so the caller can compare it with the ledger', async () => {
    // Anyone can sign a file with their own key; what the signature proves is which key signed.
    const other = signedSample();
    const forged = await renderAuditPdf(other.report, { privateKey: other.privateKey });
    const check = verifyPdfSignature(forged);
    expect(check.ok).toBe(true);
    expect(check.keyFingerprint).toBe(other.report.signingKey.fingerprint);
    expect(check.keyFingerprint).not.toBe(fingerprint);
  });

  it('fails on a PDF with no signature, and on one whose placeholder was never filled', async () => {
    const unsigned = await renderRopaPdf({ rows: [], files: [] }, { generatedAt: new Date('2026-12-07T00:00:00Z') });
    expect(verifyPdfSignature(unsigned)).toMatchObject({ ok: false, reason: expect.stringMatching(/no \/VigilSignature/) });
    expect(verifyPdfSignature(Buffer.from('not a pdf'))).toMatchObject({ ok: false });
    const { publicKey } = generateKeyPairSync('ed25519');
    const w = new PdfWriter({ title: 't', subject: 's', keywords: [], createdAt: new Date('2026-12-07T00:00:00Z') });
    w.paragraph('placeholder only');
    reserveSignature(w, { publicKey });
    const reserved = await w.finish();
    expect(verifyPdfSignature(reserved)).toMatchObject({ ok: false, reason: expect.stringMatching(/never filled/) });
  });

  it('signPdf refuses a key that is not the embedded one, and a file already signed', async () => {
    const { publicKey } = generateKeyPairSync('ed25519');
    const w = new PdfWriter({ title: 't', subject: 's', keywords: [], createdAt: new Date('2026-12-07T00:00:00Z') });
    reserveSignature(w, { publicKey });
    const reserved = await w.finish();
    expect(() => signPdf(reserved, generateKeyPairSync('ed25519').privateKey)).toThrow(/does not match/);
    const { privateKey } = signedSample();
    expect(() => signPdf(pdf, privateKey)).toThrow(/already signed/);
  });
});
