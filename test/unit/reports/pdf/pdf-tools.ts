/**
 * The Debian PDF tools the PDF tests check with (poppler-utils, qpdf), a temp folder for their
 * input, a signing key that matches an audit fixture, and a small PNG reader to tell a rendered
 * chart from a blank page.
 */
import { execFile } from 'node:child_process';
import { generateKeyPairSync, type KeyObject } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { inflateSync } from 'node:zlib';
import { keyFingerprint } from '../../../../reports/audit/key.js';
import type { AuditReport } from '../../../../reports/audit/model.js';
import { sampleAuditReport } from '../../../helpers/audit-fixture.js';

const exec = promisify(execFile);

export interface ToolResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Run a tool; a non-zero exit is a result to assert on, not an exception. */
export async function run(cmd: string, args: string[]): Promise<ToolResult> {
  try {
    const { stdout, stderr } = await exec(cmd, args, { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
    return { code: 0, stdout, stderr };
  } catch (e) {
    const err = e as { code?: unknown; stdout?: string; stderr?: string };
    if (typeof err.code !== 'number') throw e;
    return { code: err.code, stdout: err.stdout ?? '', stderr: err.stderr ?? '' };
  }
}

/** `pdftotext` of the whole file or of one page; `layout` keeps table rows on their lines. */
export async function pdfText(file: string, opts: { page?: number; mode?: 'layout' | 'raw' } = {}): Promise<string> {
  const args = [opts.mode === 'raw' ? '-raw' : '-layout'];
  if (opts.page !== undefined) args.push('-f', String(opts.page), '-l', String(opts.page));
  const r = await run('pdftotext', [...args, file, '-']);
  if (r.code !== 0) throw new Error(`pdftotext failed: ${r.stderr}`);
  return r.stdout;
}

/** `pdfinfo` fields as a map. */
export async function pdfInfo(file: string): Promise<Map<string, string>> {
  const r = await run('pdfinfo', [file]);
  if (r.code !== 0) throw new Error(`pdfinfo failed: ${r.stderr}`);
  return new Map(r.stdout.split('\n').flatMap((l) => {
    const m = /^([^:]+):\s*(.*)$/.exec(l);
    return m ? [[m[1]!, m[2]!] as [string, string]] : [];
  }));
}

/** `pdffonts` rows: name, type and whether the font is embedded. */
export async function pdfFonts(file: string): Promise<{ name: string; type: string; embedded: boolean }[]> {
  const r = await run('pdffonts', [file]);
  if (r.code !== 0) throw new Error(`pdffonts failed: ${r.stderr}`);
  return r.stdout
    .split('\n')
    .slice(2)
    .filter((l) => l.trim())
    .map((l) => {
      const m = /^(\S+)\s+(.+?)\s+(\S+)\s+(yes|no)\s+(yes|no)\s+(yes|no)\s+\d+\s+\d+\s*$/.exec(l);
      if (!m) throw new Error(`unexpected pdffonts line: ${l}`);
      return { name: m[1]!, type: m[2]!, embedded: m[4] === 'yes' };
    });
}

/** Whitespace removed: a cell's text compared across the line breaks the table put in it. */
export function squash(s: string): string {
  return s.replace(/\s+/g, '');
}

/** A fresh folder under the OS temp dir, and a way to remove it. */
export async function tempDir(): Promise<{ dir: string; file: (name: string) => string; remove: () => Promise<void> }> {
  const dir = await mkdtemp(path.join(tmpdir(), 'vigil-pdf-'));
  return { dir, file: (name) => path.join(dir, name), remove: () => rm(dir, { recursive: true, force: true }) };
}

/** An audit fixture whose signingKey is the public half of the returned private key. */
export function signedSample(opts: { rows?: number; incidents?: boolean } = {}): { report: AuditReport; privateKey: KeyObject } {
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  const report = sampleAuditReport(opts);
  report.signingKey = { ...report.signingKey, fingerprint: keyFingerprint(publicKey), publicKeyPem: publicKey.export({ type: 'spki', format: 'pem' }).toString() };
  return { report, privateKey };
}

/** Decode an 8-bit, non-interlaced PNG (what pdftoppm writes) to raw pixels. */
export function decodePng(png: Buffer): { width: number; height: number; channels: number; pixels: Buffer } {
  let pos = 8;
  let width = 0;
  let height = 0;
  let channels = 0;
  const idat: Buffer[] = [];
  while (pos < png.length) {
    const len = png.readUInt32BE(pos);
    const type = png.toString('latin1', pos + 4, pos + 8);
    const data = png.subarray(pos + 8, pos + 8 + len);
    if (type === 'IHDR') {
      width = data.readUInt32BE(0);
      height = data.readUInt32BE(4);
      if (data[8] !== 8 || data[12] !== 0) throw new Error('only 8-bit, non-interlaced PNGs');
      channels = ({ 0: 1, 2: 3, 4: 2, 6: 4 } as Record<number, number>)[data[9]!] ?? 0;
      if (!channels) throw new Error(`PNG colour type ${data[9]} is not handled`);
    } else if (type === 'IDAT') idat.push(data);
    pos += 12 + len;
  }
  const raw = inflateSync(Buffer.concat(idat));
  const stride = width * channels;
  const pixels = Buffer.alloc(stride * height);
  for (let y = 0; y < height; y++) {
    const filter = raw[y * (stride + 1)]!;
    const src = raw.subarray(y * (stride + 1) + 1, (y + 1) * (stride + 1));
    for (let x = 0; x < stride; x++) {
      const a = x >= channels ? pixels[y * stride + x - channels]! : 0;
      const b = y > 0 ? pixels[(y - 1) * stride + x]! : 0;
      const c = x >= channels && y > 0 ? pixels[(y - 1) * stride + x - channels]! : 0;
      const p = a + b - c;
      const pa = Math.abs(p - a);
      const pb = Math.abs(p - b);
      const pc = Math.abs(p - c);
      const paeth = pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
      const pred = [0, a, b, (a + b) >> 1, paeth][filter] ?? 0;
      pixels[y * stride + x] = (src[x]! + pred) & 0xff;
    }
  }
  return { width, height, channels, pixels };
}

/** The share of pixels that are clearly coloured (not white, grey or black): a chart has many. */
export function colouredShare(png: Buffer): number {
  const { width, height, channels, pixels } = decodePng(png);
  if (channels < 3) return 0;
  let n = 0;
  for (let i = 0; i < width * height; i++) {
    const r = pixels[i * channels]!;
    const g = pixels[i * channels + 1]!;
    const b = pixels[i * channels + 2]!;
    if (Math.max(r, g, b) - Math.min(r, g, b) > 60) n++;
  }
  return n / (width * height);
}
