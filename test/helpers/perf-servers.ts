/**
 * Real HTTP servers on loopback for the perf scanner's tests, each plain node:http on
 * 127.0.0.1:0 and closed by the caller: one that answers at once, one that slows with the
 * requests in flight, one that leaks (memory and response size), one that dies after N requests,
 * one that accepts connections and never answers, and one with a fixed health answer.
 */
import http from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

export interface PerfServer {
  url: string;
  /** Requests the server has seen. */
  readonly requests: () => number;
  close(): Promise<void>;
}

async function serve(handler: http.RequestListener, onListen?: (s: http.Server, sockets: Set<Socket>) => void): Promise<PerfServer & { server: http.Server; sockets: Set<Socket> }> {
  let seen = 0;
  const server = http.createServer((req, res) => {
    seen++;
    handler(req, res);
  });
  // autocannon opens and drops many connections: the server's defaults would keep idle ones
  server.keepAliveTimeout = 5000;
  const sockets = new Set<Socket>();
  server.on('connection', (s: Socket) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  server.on('clientError', (_e, s) => s.destroy());
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  onListen?.(server, sockets);
  const { port } = server.address() as AddressInfo;
  return {
    server,
    sockets,
    url: `http://127.0.0.1:${port}/`,
    requests: () => seen,
    close: () =>
      new Promise<void>((r) => {
        for (const s of sockets) s.destroy();
        if (!server.listening) return r();
        server.close(() => r());
      }),
  };
}

/** Answers every request at once with a small JSON body. */
export function fastServer(): Promise<PerfServer> {
  return serve((_req, res) => {
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end('{"status":"ok"}');
  });
}

/**
 * Each request waits `msPerInFlight` × the requests in flight when it arrived: at 10 connections
 * about 10×, at 100 about 100× that, so a budget between the two separates the levels.
 */
export function slowServer(msPerInFlight = 10): Promise<PerfServer> {
  let inFlight = 0;
  return serve((_req, res) => {
    inFlight++;
    setTimeout(() => {
      inFlight--;
      res.writeHead(200, { 'content-type': 'text/plain' });
      res.end('ok');
    }, msPerInFlight * inFlight);
  });
}

/**
 * Keeps `bytesPerRequest` of fresh heap per request for ever, answers with a body that grows with
 * what it holds, and reports its process's memory at /metrics in process.memoryUsage()'s shape.
 */
export function leakyServer(bytesPerRequest = 20_000): Promise<PerfServer> {
  const kept: string[] = [];
  return serve((req, res) => {
    if (req.url === '/metrics') {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify(process.memoryUsage()));
      return;
    }
    // a new flat string each time: 'x'.repeat(n) + i would share one buffer and leak nothing
    kept.push(Buffer.alloc(bytesPerRequest, 97 + (kept.length % 26)).toString('latin1'));
    res.writeHead(200, { 'content-type': 'text/plain' });
    res.end(`items ${kept.length} ${'.'.repeat(Math.min(kept.length, 200_000))}`);
  });
}

/** Answers `after` requests, then closes its port and destroys every connection, as a crashed process would. */
export async function dyingServer(after: number): Promise<PerfServer> {
  let handled = 0;
  const s = await serve((_req, res) => {
    handled++;
    res.writeHead(200, { 'content-type': 'text/plain' });
    res.end('ok');
    if (handled === after) {
      s.server.close();
      for (const sock of s.sockets) sock.destroy();
    }
  });
  return s;
}

/** Accepts connections and reads requests but never answers one. */
export function hungServer(): Promise<PerfServer> {
  return serve(() => undefined);
}

/** Answers every request with this status and body. */
export function fixedServer(status: number, body: string, contentType = 'application/json'): Promise<PerfServer> {
  return serve((_req, res) => {
    res.writeHead(status, { 'content-type': contentType });
    res.end(body);
  });
}
