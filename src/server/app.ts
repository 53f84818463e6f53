import type { EventEmitter } from 'node:events';
import Fastify, { type FastifyError, type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import helmet from '@fastify/helmet';
import rateLimit from '@fastify/rate-limit';
import swagger from '@fastify/swagger';
import type { Logger as PinoLogger } from 'pino';
import type { VigilConfig } from '../config/types.js';
import { VigilError } from '../errors.js';
import type { Ledger } from '../ledger/ledger.js';
import { DEFAULT_FAILURE_LIMIT, installAuth, type FailureLimit } from './auth.js';
import { dashboardRoutes } from './dashboard/routes.js';
import { errorBody, installErrorHandling } from './error-reply.js';
import { requestIdOf } from './log.js';
import { installMetrics, type ServerMetrics } from './metrics.js';
import { findingsRoutes } from './routes/findings.js';
import { incidentsRoutes } from './routes/incidents.js';
import { metaRoutes } from './routes/meta.js';
import { reportsRoutes } from './routes/reports.js';
import { runsRoutes, type StartRun } from './routes/runs.js';
import { runArtifactsRoutes } from './routes/run-artifacts.js';
import { importsRoutes, type ImportDeps } from './routes/imports.js';
import { adminRoutes } from './routes/admin.js';
import { tokensRoutes } from './routes/tokens.js';
import { uptimeRoutes } from './routes/uptime.js';
import { SessionStore } from './sessions.js';
import { installValidation } from './validation.js';

export interface ServerDeps {
  ledger: Ledger;
  version: string;
  /** Names of the schedules and whether each is running now. */
  schedules: () => { name: string; cron: string; running: boolean }[];
  /** The config the server runs with: reports are made from it (the audit report's organisation and signing key, ROPA's data map). */
  config?: VigilConfig;
  /** The ledger's location as configured (the signing key of an SQLite ledger lives beside it). */
  ledgerLocation?: string;
  /** Where request and error logs go (see createServerLogger: it redacts credentials); none when absent. */
  logger?: PinoLogger;
  /** Serve HTTPS with this certificate (chain) and key, PEM. */
  tls?: { cert: string | Buffer; key: string | Buffer };
  limits?: Partial<ServerLimits>;
  /** Collect the process's own metrics (memory, CPU, event loop) into /metrics (default true). */
  processMetrics?: boolean;
  /** The metrics to serve (`vigil serve` makes them first, so its scheduler's runs feed them); made here when absent. */
  metrics?: ServerMetrics;
  /** Scheduled runs starting and finishing ('run' events, see RunEvent), streamed to the dashboard at /events. */
  runEvents?: EventEmitter;
  /** Compute the dashboard overview's facts at start-up (`vigil serve` does), so its first view does not wait. */
  warmOverview?: boolean;
  /** Start a run now, the way scheduled runs go (`vigil serve` provides it); without it `POST /api/runs` answers 503. */
  startRun?: StartRun;
  /** After a `POST /api/runs/import` is recorded: incidents and alerts, as after a scan (`vigil serve` provides it). */
  afterImport?: ImportDeps['afterImport'];
}

export interface ServerLimits {
  /** Largest request body accepted (default 1 MiB); a larger one is 413. */
  bodyBytes: number;
  /** Largest results document `POST /api/runs/import` accepts (default 32 MiB); a larger one is 413. */
  importBytes: number;
  /** Requests one address may make per minute (default 600); more are 429. */
  requestsPerMinute: number;
  /** Failed token or password checks one address may make per window (default 20 per 10 minutes); then 429 until the window ends. */
  authFailures: FailureLimit;
}

/**
 * Mozilla's intermediate profile: TLS 1.2 and 1.3, and for 1.2 only forward-secret AEAD suites
 * (Node's defaults also accept static-RSA, CBC, CCM and ARIA suites: vigil's own tls scanner
 * reports them, medium). TLS 1.3 keeps Node's suites, all of which the profile allows.
 */
const TLS_PROFILE = {
  minVersion: 'TLSv1.2' as const,
  ciphers: [
    'ECDHE-ECDSA-AES128-GCM-SHA256',
    'ECDHE-RSA-AES128-GCM-SHA256',
    'ECDHE-ECDSA-AES256-GCM-SHA384',
    'ECDHE-RSA-AES256-GCM-SHA384',
    'ECDHE-ECDSA-CHACHA20-POLY1305',
    'ECDHE-RSA-CHACHA20-POLY1305',
  ].join(':'),
};

const DEFAULT_LIMITS: ServerLimits = { bodyBytes: 1024 * 1024, importBytes: 32 * 1024 * 1024, requestsPerMinute: 600, authFailures: DEFAULT_FAILURE_LIMIT };

/**
 * The HTTP server: the REST API (one plugin per area), /healthz, /readyz, /metrics and the OpenAPI
 * document. Every route has a JSON Schema (unknown fields and parameters refused), an entry in the
 * permission table (src/server/permissions.ts) from which its auth check is derived, and answers
 * errors as `{ statusCode, code, message }`. Binds where it is told (127.0.0.1 by default in the config).
 */
export function buildServer(deps: ServerDeps): FastifyInstance {
  const limits: ServerLimits = { ...DEFAULT_LIMITS, ...deps.limits };
  const options = {
    bodyLimit: limits.bodyBytes,
    // the routes' permission table is exact: no HEAD twin of each GET
    exposeHeadRoutes: false,
    // slow clients cannot hold a connection open forever sending a request
    requestTimeout: 30_000,
    return503OnClosing: true,
    // every log line of a request carries its id; a caller's x-request-id is kept only when safe to repeat
    requestIdHeader: false as const,
    genReqId: requestIdOf,
    // the router's own refusals (a malformed %-escape, a path parameter over 100 characters) are answered like every other error
    frameworkErrors: (error: FastifyError, _request: FastifyRequest, reply: FastifyReply) => {
      const body = errorBody(error);
      void reply.code(body.statusCode).type('application/json; charset=utf-8').send(body);
    },
    ajv: { customOptions: { removeAdditional: false as const } },
    ...(deps.logger ? { loggerInstance: deps.logger } : { logger: false }),
  };
  // With `https`, fastify's instance is typed over https.Server; everything vigil registers is
  // server-agnostic, so it is handled as the default instance type.
  const app = (deps.tls ? Fastify({ ...options, https: { cert: deps.tls.cert, key: deps.tls.key, ...TLS_PROFILE } }) : Fastify(options)) as unknown as FastifyInstance;
  installValidation(app);
  installErrorHandling(app);
  const metrics = installMetrics(app, deps.ledger, {
    processMetrics: deps.processMetrics ?? true,
    ...(deps.ledger.kind === 'sqlite' && deps.ledgerLocation ? { ledgerFile: deps.ledgerLocation } : {}),
    ...(deps.metrics ? { metrics: deps.metrics } : {}),
  });
  app.addHook('onRequest', async (request, reply) => {
    reply.header('x-request-id', request.id);
  });

  void app.register(helmet, {
    global: true,
    contentSecurityPolicy: {
      useDefaults: false,
      directives: {
        defaultSrc: ["'self'"],
        scriptSrc: ["'self'"],
        scriptSrcAttr: ["'none'"],
        styleSrc: ["'self'"],
        imgSrc: ["'self'", 'data:'],
        fontSrc: ["'self'"],
        connectSrc: ["'self'"],
        objectSrc: ["'none'"],
        baseUri: ["'none'"],
        formAction: ["'self'"],
        frameAncestors: ["'none'"],
        // only over HTTPS: on plain HTTP (loopback) it would send the page's own requests to a port that does not speak TLS
        ...(deps.tls ? { upgradeInsecureRequests: [] } : {}),
      },
    },
    strictTransportSecurity: deps.tls ? { maxAge: 63_072_000, includeSubDomains: true } : false,
    crossOriginResourcePolicy: { policy: 'same-origin' },
    referrerPolicy: { policy: 'no-referrer' },
    frameguard: { action: 'deny' },
  });
  void app.register(rateLimit, {
    global: true,
    max: limits.requestsPerMinute,
    timeWindow: 60_000,
    errorResponseBuilder: (_req, ctx) => new VigilError('VIGIL_ERR_API_RATE_LIMITED', `more than ${ctx.max} requests a minute from this address; try again in ${ctx.after}`),
  });
  // each route's check runs at preParsing: after the rate limit's onRequest, before the body is read
  const sessions = new SessionStore(deps.ledger.auth);
  const failures = installAuth(app, deps.ledger.auth, limits.authFailures, sessions);
  void app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'vigil API',
        version: deps.version,
        description: 'The ledger of vigil serve: findings, runs, incidents, reports and API tokens. Errors are `{ statusCode, code, message }` with codes from docs/errors.md.',
      },
      components: {
        securitySchemes: {
          bearerAuth: { type: 'http', scheme: 'bearer', description: 'an API token from `vigil tokens create` (or POST /api/tokens)' },
          basicAuth: { type: 'http', scheme: 'basic', description: 'a user from `vigil users add`' },
        },
      },
    },
  });

  void app.register(metaRoutes({ ledger: deps.ledger, version: deps.version, schedules: deps.schedules, metrics }));
  void app.register(
    runsRoutes({ ledger: deps.ledger, schedules: deps.schedules, ...(deps.config ? { config: deps.config } : {}), ...(deps.startRun ? { startRun: deps.startRun } : {}) }),
  );
  void app.register(
    importsRoutes({ ledger: deps.ledger, bodyBytes: limits.importBytes, ...(deps.config ? { config: deps.config } : {}), ...(deps.afterImport ? { afterImport: deps.afterImport } : {}) }),
  );
  void app.register(adminRoutes({ ledger: deps.ledger, schedules: deps.schedules, ...(deps.config ? { config: deps.config } : {}) }));
  void app.register(runArtifactsRoutes({ ledger: deps.ledger, version: deps.version, ...(deps.config ? { config: deps.config } : {}) }));
  void app.register(findingsRoutes(deps.ledger));
  void app.register(incidentsRoutes(deps.ledger));
  void app.register(tokensRoutes(deps.ledger.auth));
  void app.register(uptimeRoutes({ ledger: deps.ledger, ...(deps.config ? { config: deps.config } : {}) }));
  if (deps.config) {
    void app.register(reportsRoutes({ ledger: deps.ledger, config: deps.config, ledgerLocation: deps.ledgerLocation ?? deps.config.ledger ?? '' }));
  }
  void app.register(
    dashboardRoutes({ ledger: deps.ledger, sessions, failures, schedules: deps.schedules, secure: Boolean(deps.tls), reports: Boolean(deps.config), ...(deps.config ? { config: deps.config } : {}), ...(deps.runEvents ? { runEvents: deps.runEvents } : {}), ...(deps.warmOverview ? { warmOverview: true } : {}) }),
  );
  return app;
}
