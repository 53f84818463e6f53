import type { FastifyPluginAsync } from 'fastify';
import { ROLES, type AuthStore } from '../../ledger/auth-store.js';
import { actorOf } from '../principal.js';
import { INTEGER_ID_PARAMS, NO_QUERY, TOKEN_SCHEMA, responses } from '../schemas.js';

/** `/api/tokens`: API tokens, for admins. A new token is in the response that creates it and nowhere else. */
export function tokensRoutes(auth: AuthStore): FastifyPluginAsync {
  return async (app) => {
    app.get(
      '/api/tokens',
      {
        schema: {
          tags: ['tokens'],
          summary: 'Every API token, newest first (never the token itself)',
          querystring: NO_QUERY,
          response: responses({ 200: { type: 'object', required: ['tokens'], properties: { tokens: { type: 'array', items: TOKEN_SCHEMA } } } }),
        },
      },
      async () => ({ tokens: await auth.listTokens() }),
    );

    app.post<{ Body: { name: string; role: string; expires?: string } }>(
      '/api/tokens',
      {
        schema: {
          tags: ['tokens'],
          summary: 'Create an API token; the response is the only place it is shown',
          description: 'Recorded as a `token.created` event (id, name, role, expiry — never the token) whose actor is the admin.',
          querystring: NO_QUERY,
          body: {
            type: 'object',
            additionalProperties: false,
            required: ['name', 'role'],
            properties: {
              name: { type: 'string', pattern: '^[A-Za-z0-9][A-Za-z0-9._@-]{0,63}$' },
              role: { type: 'string', enum: [...ROLES] },
              expires: { type: 'string', minLength: 10, maxLength: 40, description: 'ISO date (the end of that day, UTC) or time' },
            },
          },
          response: responses({
            201: {
              type: 'object',
              required: ['token', 'secret'],
              properties: { token: TOKEN_SCHEMA, secret: { type: 'string', description: 'the token: send it as `Authorization: Bearer <secret>`; it cannot be shown again' } },
            },
          }),
        },
      },
      async (request, reply) => {
        const b = request.body;
        const made = await auth.createToken({ name: b.name, role: b.role, expires: b.expires ?? null }, { actor: actorOf(request) });
        return reply.code(201).header('cache-control', 'no-store').send(made);
      },
    );

    app.delete<{ Params: { id: number } }>(
      '/api/tokens/:id',
      {
        schema: {
          tags: ['tokens'],
          summary: 'Revoke an API token',
          description: 'Recorded as a `token.revoked` event whose actor is the admin; revoking a revoked token changes nothing (`changed: false`).',
          params: INTEGER_ID_PARAMS,
          querystring: NO_QUERY,
          response: responses({ 200: { type: 'object', required: ['token', 'changed'], properties: { token: TOKEN_SCHEMA, changed: { type: 'boolean' } } } }),
        },
      },
      async (request) => auth.revokeToken(request.params.id, { actor: actorOf(request) }),
    );
  };
}
