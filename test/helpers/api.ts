import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import type { FastifyInstance } from 'fastify';
import { defaultConfig } from '../../src/config/index.js';
import type { VigilConfig } from '../../src/config/types.js';
import type { Role } from '../../src/ledger/auth-store.js';
import { openLedger, type Ledger } from '../../src/ledger/index.js';
import { buildServer, type ServerDeps } from '../../src/server/index.js';
import { createServerLogger } from '../../src/server/log.js';
import { ROLES } from '../../src/ledger/auth-store.js';

/** Every line the server logged, as text. */
export class LogCapture extends Writable {
  lines: string[] = [];
  override _write(chunk: Buffer, _enc: BufferEncoding, done: () => void): void {
    this.lines.push(...chunk.toString('utf8').split('\n').filter(Boolean));
    done();
  }
  get text(): string {
    return this.lines.join('\n');
  }
}

export interface ApiFixture {
  dir: string;
  location: string;
  ledger: Ledger;
  config: VigilConfig;
  /** A token of each role, and one expired and one revoked (of role admin). */
  tokens: Record<Role | 'expired' | 'revoked', string>;
  app: FastifyInstance;
  logs: LogCapture;
  auth(who: Role | 'expired' | 'revoked'): { authorization: string };
  close(): Promise<void>;
}

/** A server over the ledger at `location` (opened here), with a token of every role; logs captured at debug level. */
export async function apiFixture(location: string, opts: { dir?: string; config?: VigilConfig; deps?: Partial<ServerDeps> } = {}): Promise<ApiFixture> {
  const dir = opts.dir ?? mkdtempSync(join(tmpdir(), 'vigil-api-'));
  const ledger = await openLedger(location);
  const tokens = {} as ApiFixture['tokens'];
  for (const role of ROLES) tokens[role] = (await ledger.auth.createToken({ name: `${role}-bot`, role }, { actor: 'test' })).secret;
  tokens.expired = (await ledger.auth.createToken({ name: 'old-bot', role: 'admin', expires: '2020-01-02T00:00:00Z' }, { actor: 'test', now: new Date('2020-01-01T00:00:00Z') })).secret;
  const revoked = await ledger.auth.createToken({ name: 'gone-bot', role: 'admin' }, { actor: 'test' });
  await ledger.auth.revokeToken(revoked.token.id, { actor: 'test' });
  tokens.revoked = revoked.secret;
  const config = opts.config ?? defaultConfig(dir);
  const logs = new LogCapture();
  const app = buildServer({
    ledger,
    version: 'test',
    schedules: () => [],
    config,
    ledgerLocation: location,
    logger: createServerLogger({ level: 'debug', stream: logs }),
    processMetrics: false,
    ...opts.deps,
  });
  await app.ready();
  return {
    dir,
    location,
    ledger,
    config,
    tokens,
    app,
    logs,
    auth: (who) => ({ authorization: `Bearer ${tokens[who]}` }),
    close: async () => {
      await app.close();
      await ledger.close();
      if (!opts.dir) rmSync(dir, { recursive: true, force: true });
    },
  };
}
