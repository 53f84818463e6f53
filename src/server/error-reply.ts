import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { ERROR_CODES, VigilError, isVigilError, type ErrorCode } from '../errors.js';
import { redactSecrets } from './log.js';

/** Every error the API answers: the code's HTTP status, a catalogued code and a message — never a stack. */
export interface ErrorBody {
  statusCode: number;
  code: ErrorCode;
  message: string;
}

/** The JSON Schema of ErrorBody, for the routes' documented responses. */
export const ERROR_SCHEMA = {
  type: 'object',
  description: 'Every error: the HTTP status, a code from docs/errors.md and a message that says what to do.',
  required: ['statusCode', 'code', 'message'],
  properties: {
    statusCode: { type: 'integer' },
    code: { type: 'string', pattern: '^VIGIL_ERR_[A-Z_]+$' },
    message: { type: 'string' },
  },
} as const;

/** One ajv error of fastify's validation, as much of it as the message needs. */
interface AjvIssue {
  instancePath?: string;
  keyword?: string;
  message?: string;
  params?: Record<string, unknown>;
}

/**
 * Map anything thrown while handling a request to ErrorBody: a VigilError through ERROR_CODES'
 * status; fastify's own client errors (validation, body parsing, size) to VIGIL_ERR_API_*;
 * anything else to a generic 500 whose details go to the log only.
 */
export function installErrorHandling(app: FastifyInstance): void {
  app.setErrorHandler((error: FastifyError, request: FastifyRequest, reply: FastifyReply) => {
    const body = errorBody(error, { bodyLimit: request.routeOptions.bodyLimit });
    if (body.statusCode >= 500) request.log.error({ err: error }, 'request failed');
    else request.log.info({ code: body.code, statusCode: body.statusCode }, redactSecrets(body.message));
    if (body.statusCode === 401) void reply.header('www-authenticate', 'Bearer realm="vigil", Basic realm="vigil", charset="UTF-8"');
    return reply.code(body.statusCode).type('application/json; charset=utf-8').send(body);
  });
  app.setNotFoundHandler((request, reply) => {
    const body: ErrorBody = { statusCode: 404, code: 'VIGIL_ERR_API_NOT_FOUND', message: `no route ${request.method} ${pathOf(request.url)}; /api/openapi.json lists the routes` };
    return reply.code(404).type('application/json; charset=utf-8').send(body);
  });
}

/** The body for a thrown value. */
export function errorBody(error: unknown, context: { bodyLimit?: number | undefined } = {}): ErrorBody {
  if (isVigilError(error)) return { statusCode: error.statusCode, code: error.code, message: error.message };
  const e = error as Partial<FastifyError> & { validation?: AjvIssue[]; validationContext?: string };
  if (e.validation) return vigil('VIGIL_ERR_API_INVALID', validationMessage(e.validationContext ?? 'request', e.validation));
  switch (e.code) {
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
      return vigil('VIGIL_ERR_API_INVALID', 'body: not valid JSON');
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return vigil('VIGIL_ERR_API_INVALID', 'body: empty, but Content-Type says JSON');
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return vigil('VIGIL_ERR_INPUT_TOO_LARGE', `body: larger than the server accepts here (${sizeOf(context.bodyLimit ?? 1024 * 1024)})`);
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return vigil('VIGIL_ERR_API_MEDIA_TYPE', 'body: send it as application/json');
    case 'FST_ERR_CTP_INVALID_CONTENT_LENGTH':
      return vigil('VIGIL_ERR_API_INVALID', 'body: its length differs from Content-Length');
    default:
      break;
  }
  // fastify's other 4xx (a malformed URL, a bad header) are the client's: say so without internals
  const status = typeof e.statusCode === 'number' ? e.statusCode : 500;
  if (status >= 400 && status < 500) {
    if (status === 413) return vigil('VIGIL_ERR_INPUT_TOO_LARGE', 'the request is larger than the server accepts');
    if (status === 415) return vigil('VIGIL_ERR_API_MEDIA_TYPE', 'send the body as application/json');
    return { statusCode: 400, code: 'VIGIL_ERR_API_INVALID', message: 'the request is malformed' };
  }
  return { statusCode: 500, code: 'VIGIL_ERR_INTERNAL', message: 'an internal error; it was logged on the server' };
}

function vigil(code: ErrorCode, message: string): ErrorBody {
  return { statusCode: ERROR_CODES[code].status, code, message };
}

/** `querystring: unknown parameter "token"`, `body.status: must be equal to one of the allowed values (open, triaged, …)`. */
function validationMessage(context: string, issues: readonly AjvIssue[]): string {
  const i = issues[0];
  if (!i) return `${context}: invalid`;
  const where = `${context}${(i.instancePath ?? '').replace(/\//g, '.')}`;
  const p = i.params ?? {};
  if (i.keyword === 'additionalProperties' && typeof p.additionalProperty === 'string') {
    return `${where}: ${context === 'querystring' ? 'unknown parameter' : 'unknown field'} "${p.additionalProperty.slice(0, 64)}"`;
  }
  if (i.keyword === 'required' && typeof p.missingProperty === 'string') return `${where}: "${p.missingProperty}" is required`;
  if (i.keyword === 'enum' && Array.isArray(p.allowedValues)) return `${where}: must be one of ${p.allowedValues.join(', ')}`;
  return `${where}: ${i.message ?? 'invalid'}`;
}

/** The path of a URL without its query (which may hold anything the client sent). */
function pathOf(url: string): string {
  const q = url.indexOf('?');
  return (q < 0 ? url : url.slice(0, q)).slice(0, 200);
}

/** Throwable from hooks and handlers. */
export function apiError(code: ErrorCode, message: string): VigilError {
  return new VigilError(code, message);
}

/** A byte count as people write it: 1 MiB, 32 MiB, 512 KiB. */
function sizeOf(bytes: number): string {
  if (bytes >= 1024 * 1024 && bytes % (1024 * 1024) === 0) return `${bytes / (1024 * 1024)} MiB`;
  if (bytes >= 1024 && bytes % 1024 === 0) return `${bytes / 1024} KiB`;
  return `${bytes} bytes`;
}
