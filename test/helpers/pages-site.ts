import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { extname, join, normalize } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';

const FIXTURES = fileURLToPath(new URL('../fixtures/pages/', import.meta.url));

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.webp': 'image/webp',
  '.bmp': 'image/bmp',
};
const TEXT = new Set(['.html', '.css', '.js']);

/** A running fixture site on 127.0.0.1. */
export interface PagesSite {
  origin: string;
  /** Every path the browser asked for, in order. */
  requests: string[];
  /** Every Host header seen: the lean page names this site under a second origin, which must stay unasked. */
  hosts: Set<string>;
  close(): Promise<void>;
}

/** An uncompressed 24-bit BMP: a smooth gradient that any JPEG or WebP encoder shrinks tenfold. */
export function makeBmp(width: number, height: number): Buffer {
  const row = Math.ceil((width * 3) / 4) * 4;
  const size = 54 + row * height;
  const b = Buffer.alloc(size);
  b.write('BM', 0, 'ascii');
  b.writeUInt32LE(size, 2);
  b.writeUInt32LE(54, 10);
  b.writeUInt32LE(40, 14);
  b.writeInt32LE(width, 18);
  b.writeInt32LE(height, 22);
  b.writeUInt16LE(1, 26);
  b.writeUInt16LE(24, 28);
  b.writeUInt32LE(row * height, 34);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const o = 54 + y * row + x * 3;
      b[o] = (x * 255) / width;
      b[o + 1] = (y * 255) / height;
      b[o + 2] = ((x + y) * 127) / (width + height) + 64;
    }
  }
  return b;
}

/** ~`bytes` of valid, compressible, mostly unused JavaScript. */
function makeBundle(bytes: number): string {
  const parts: string[] = ['var registry = {};'];
  let n = 0;
  let len = parts[0]!.length;
  while (len < bytes) {
    const s = `registry["module${n}"] = function module${n}(input) { var total = ${n}; for (var i = 0; i < input.length; i++) { total += input.charCodeAt(i) * ${n % 97}; } return "module ${n} says " + total; };\n`;
    parts.push(s);
    len += s.length;
    n++;
  }
  parts.push('document.documentElement.dataset.modules = String(Object.keys(registry).length);');
  return parts.join('');
}

/** ~`bytes` of CSS rules, nearly all unused. */
function makeStyles(bytes: number): string {
  const parts: string[] = ['body { font-family: sans-serif; margin: 1rem; }\n'];
  let len = 0;
  for (let n = 0; len < bytes; n++) {
    const s = `.component-${n} .element-${n % 13} > .child-${n % 7} { color: #${(n * 2654435761 % 0xffffff).toString(16).padStart(6, '0')}; padding: ${n % 17}px ${n % 11}px; border: 1px solid #ccc; }\n`;
    parts.push(s);
    len += s.length;
  }
  return parts.join('');
}

/**
 * Serves test/fixtures/pages on 127.0.0.1: `/lean/` with gzip and a one-year immutable cache on
 * assets; `/heavy/` with a 1.4 MB BMP, 1.5 MB of JavaScript and 300 KB of CSS (generated into a
 * temp folder at start), all uncompressed, the scripts and styles cached for a minute, the image
 * without Cache-Control; `/hang` accepts and never answers.
 */
export async function startPagesSite(): Promise<PagesSite> {
  const gen = mkdtempSync(join(tmpdir(), 'vigil-pages-site-'));
  writeFileSync(join(gen, 'photo.bmp'), makeBmp(800, 600));
  writeFileSync(join(gen, 'bundle.js'), makeBundle(1_500_000));
  writeFileSync(join(gen, 'styles.css'), makeStyles(300_000));
  const requests: string[] = [];
  const hosts = new Set<string>();
  let port = 0;
  const sockets = new Set<Socket>();

  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    requests.push(url.pathname + url.search);
    hosts.add(String(req.headers.host));
    if (url.pathname === '/hang') return; // never answered: the test closes the socket
    const m = /^\/(lean|heavy)\/([\w.-]*)$/.exec(url.pathname);
    if (!m) {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
      return;
    }
    const [, area, name = ''] = m;
    const file = name || 'index.html';
    let body: Buffer;
    try {
      body = area === 'heavy' && file !== 'index.html' ? readFileSync(join(gen, normalize(file))) : readFileSync(join(FIXTURES, area!, normalize(file)));
    } catch {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
      return;
    }
    const ext = extname(file);
    // the same server under another origin (localhost rather than 127.0.0.1): a scan must not go there
    if (ext === '.html') body = Buffer.from(body.toString('utf8').replaceAll('{{OTHER_ORIGIN}}', `http://localhost:${port}`));
    const headers: Record<string, string> = { 'content-type': TYPES[ext] ?? 'application/octet-stream' };
    if (area === 'lean') {
      headers['cache-control'] = ext === '.html' ? 'no-cache' : 'public, max-age=31536000, immutable';
      if (TEXT.has(ext) && /\bgzip\b/.test(String(req.headers['accept-encoding'] ?? ''))) {
        body = gzipSync(body);
        headers['content-encoding'] = 'gzip';
        headers['vary'] = 'accept-encoding';
      }
    } else if (ext === '.js' || ext === '.css') headers['cache-control'] = 'public, max-age=60';
    // the photo has no Cache-Control at all: Lighthouse counts it as uncached. (It skips no-store
    // and max-age=0 on purpose, as deliberately uncached, so those would not show.)
    headers['content-length'] = String(body.length);
    res.writeHead(200, headers).end(body);
  });
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  port = (server.address() as AddressInfo).port;
  return {
    origin: `http://127.0.0.1:${port}`,
    requests,
    hosts,
    async close() {
      for (const s of sockets) s.destroy();
      await new Promise<void>((r) => server.close(() => r()));
      rmSync(gen, { recursive: true, force: true });
    },
  };
}
