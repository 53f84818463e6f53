import Fastify, { type FastifyInstance } from 'fastify';
import type { Ledger } from '../ledger/ledger.js';

export interface ServerDeps {
  ledger: Ledger;
  version: string;
  /** Names of the schedules and whether each is running now. */
  schedules: () => { name: string; cron: string; running: boolean }[];
}

/**
 * The HTTP server. For now only /healthz; the REST API and dashboard arrive as their own
 * plugins. Binds where it is told (127.0.0.1 by default in the config).
 */
export function buildServer(deps: ServerDeps): FastifyInstance {
  const app = Fastify({ logger: false });
  app.get('/healthz', async (_req, reply) => {
    try {
      const head = await deps.ledger.head();
      return { status: 'ok', version: deps.version, ledger: { kind: deps.ledger.kind, events: head.seq }, schedules: deps.schedules() };
    } catch (e) {
      return reply.code(503).send({ status: 'unavailable', error: (e as Error).message });
    }
  });
  return app;
}
