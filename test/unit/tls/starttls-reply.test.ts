/**
 * A hostile SMTP server before STARTTLS (issue 10): the reply reader used to copy, decode and
 * run its regex over the whole reply so far again on every packet, so a server sending its
 * greeting a byte at a time made each packet cost the whole reply (quadratic up to the 64 KiB
 * cap, for every one of the scan's handshakes). It now reads each line once into a buffer that
 * grows by doubling. A long multi-line greeting sent in pieces still gets through to EHLO and
 * STARTTLS; one longer than 64 KiB is refused.
 */
import net from 'node:net';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { handshake } from '../../../scanners/tls/handshake.js';

const servers: net.Server[] = [];
afterEach(async () => {
  for (const s of servers.splice(0)) await new Promise<void>((r) => s.close(() => r()));
});

/** An SMTP server that sends `greeting` in `piece`-byte writes, then answers EHLO and STARTTLS and hangs up. */
async function smtp(greeting: string, piece: number): Promise<number> {
  const server = net.createServer((socket) => {
    socket.on('error', () => undefined);
    let at = 0;
    const next = (): void => {
      if (socket.destroyed) return;
      if (at >= greeting.length) return;
      socket.write(greeting.slice(at, at + piece));
      at += piece;
      setImmediate(next);
    };
    next();
    socket.on('data', (d) => {
      const line = d.toString('latin1');
      if (line.startsWith('EHLO')) socket.write('250-vigil.test\r\n250 STARTTLS\r\n');
      else if (line.startsWith('STARTTLS')) socket.end('220 go ahead\r\n');
    });
  });
  servers.push(server);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return (server.address() as AddressInfo).port;
}

const ep = (port: number) => ({ host: '127.0.0.1', port, servername: 'localhost', starttls: 'smtp' as const, timeoutMs: 20_000 });
const offer = { minVersion: 'TLSv1.2' as const, maxVersion: 'TLSv1.3' as const };

describe('STARTTLS replies', () => {
  it('a 60 KiB greeting of 1,000 lines, sent 7 bytes at a time, is read to its last line', async () => {
    const lines = Array.from({ length: 1000 }, (_, i) => `220-${String(i).padStart(4, '0')} ${'x'.repeat(50)}\r\n`).join('');
    const port = await smtp(`${lines}220 ready\r\n`, 7);
    const r = await handshake(ep(port), offer);
    // past EHLO and STARTTLS: the server hangs up instead of speaking TLS
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.kind).not.toBe('starttls');
  });

  it('a greeting with no last line past 64 KiB is refused', async () => {
    const port = await smtp(`220-${'x'.repeat(70 * 1024)}\r\n`, 4096);
    const r = await handshake(ep(port), offer);
    expect(r).toMatchObject({ ok: false, kind: 'starttls', message: 'an SMTP reply longer than 64 KiB' });
  });
});
