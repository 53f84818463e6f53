import type { FastifyRequest } from 'fastify';
import { VigilError } from '../errors.js';

/** The name a request acts under, for the events it records: the token's or the user's. */
export function actorOf(request: FastifyRequest): string {
  // a route that records an event is never public: its auth check set the principal
  if (!request.principal) throw new VigilError('VIGIL_ERR_INTERNAL', `${request.method} ${request.routeOptions.url} records an event but has no principal`);
  return request.principal.name;
}
