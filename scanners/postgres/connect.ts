/**
 * The scanner's one connection: opened with a time limit, made read-only before anything else is
 * sent, closed on abort. Every failure to open it becomes VIGIL_ERR_DATABASE_CONNECT naming
 * host:port, database and user, and the reason, never the password.
 */
import pg from 'pg';
import { VigilError } from '../../src/errors.js';
import { redactSecrets, redactUrlCredentials } from '../../src/util/redact.js';
import type { Endpoint } from './options.js';

/** PostgreSQL error fields node-postgres copies onto its errors. */
interface PgError extends Error {
  code?: string;
}

/** Why a connection failed, in words a person can act on. */
export function connectReason(e: unknown, ep: Endpoint, timeoutMs: number): string {
  const err = e as PgError;
  const msg = redactUrlCredentials(err?.message ?? String(e));
  switch (err?.code) {
    case 'ECONNREFUSED':
      return 'connection refused (is PostgreSQL running and listening on that address?)';
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return `host name "${ep.host}" does not resolve`;
    case 'EHOSTUNREACH':
    case 'ENETUNREACH':
      return 'host unreachable';
    case 'ECONNRESET':
      return 'the server closed the connection';
    case '28P01':
      return `authentication failed for user "${ep.user}" (wrong password)`;
    case '28000':
      return `access denied: ${msg} (no such role, or pg_hba.conf has no line admitting it)`;
    case '3D000':
      return `${msg}`;
    case '57P03':
      return `the server is not accepting connections yet: ${msg}`;
    case '53300':
      return `too many connections: ${msg}`;
  }
  if (/timeout expired/i.test(msg)) return `no answer within ${timeoutMs} ms (connect timeout)`;
  if (/does not support SSL/i.test(msg)) return 'the server refuses TLS, and the URL requires it (sslmode): enable ssl on the server or change sslmode';
  if (/terminated unexpectedly/i.test(msg)) return 'the server closed the connection during start-up';
  return redactSecrets(msg);
}

/**
 * Open the connection. `signal` aborts the attempt (and, later, any running query: the caller
 * keeps the client and ends it); the session refuses writes and cuts statements past `statementTimeoutMs`.
 */
export async function connect(ep: Endpoint, o: { connectTimeoutMs: number; statementTimeoutMs: number; signal: AbortSignal }): Promise<pg.Client> {
  o.signal.throwIfAborted();
  const client = new pg.Client({
    connectionString: ep.url,
    connectionTimeoutMillis: o.connectTimeoutMs,
    // the client's own limit, a little past the server's, for a server that stops answering mid-query
    query_timeout: o.statementTimeoutMs + 5000,
    application_name: 'vigil-postgres-scan',
  });
  // an error on an idle client (the server going away) must not become an uncaught exception
  client.on('error', () => undefined);
  let onAbort = () => undefined as void;
  const aborted = new Promise<never>((_, reject) => {
    onAbort = () => {
      hardClose(client);
      reject(o.signal.reason);
    };
  });
  o.signal.addEventListener('abort', onAbort, { once: true });
  try {
    // pg's end() does not interrupt a start-up the server never answers: the abort races it and closes the socket
    const connecting = client.connect();
    connecting.catch(() => undefined);
    await Promise.race([connecting, aborted]);
    // a dropped client is noticed by the server within a second, so a cancelled scan stops its query there too
    await client.query(`SET default_transaction_read_only = on; SET statement_timeout = ${Math.floor(o.statementTimeoutMs)}`);
    await client.query("SELECT set_config('client_connection_check_interval', '1000', false) WHERE current_setting('server_version_num')::int >= 140000");
    return client;
  } catch (e) {
    hardClose(client);
    if (o.signal.aborted) throw o.signal.reason;
    throw new VigilError('VIGIL_ERR_DATABASE_CONNECT', `postgres: cannot connect to ${ep.host}:${ep.port}, database "${ep.database}" as "${ep.user}": ${connectReason(e, ep, o.connectTimeoutMs)}`, {}, { cause: e });
  } finally {
    o.signal.removeEventListener('abort', onAbort);
  }
}

/**
 * Close the connection now, whatever it is doing: the socket is destroyed (a pending start-up or
 * query fails at once) and the client ended. The server notices within client_connection_check_interval.
 */
export function hardClose(client: pg.Client): void {
  // node-postgres keeps its socket on `connection.stream`; it has no public way to drop a connection mid-start-up
  const conn = (client as unknown as { connection?: { stream?: { destroy(): void } } }).connection;
  conn?.stream?.destroy();
  client.end().catch(() => undefined);
}
