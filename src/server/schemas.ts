import { FINDING_STATUSES } from '../model/finding.js';
import { SEVERITIES } from '../model/severity.js';
import { ERROR_SCHEMA } from './error-reply.js';

/**
 * JSON Schemas the routes share. Object schemas of responses list the fields clients rely on and
 * allow more (`additionalProperties: true`): they document; the response is the object as the CLI
 * prints it (see validation.ts).
 */

/** `{ id }` path parameter that is a positive integer id. */
export const INTEGER_ID_PARAMS = {
  type: 'object',
  additionalProperties: false,
  required: ['id'],
  properties: { id: { type: 'integer', minimum: 1, maximum: 2 ** 53 - 1 } },
} as const;

/** Comma lists of known words, e.g. `high,critical`: each alternative is a fixed word, so the match is linear. */
export function commaListOf(words: readonly string[]): { type: 'string'; pattern: string; description: string } {
  const alt = `(${words.join('|')})`;
  return { type: 'string', pattern: `^${alt}(,${alt})*$`, description: `a comma list of ${words.join(', ')}` };
}

const LOCATION = { type: 'object', additionalProperties: true, properties: { kind: { type: 'string' } } } as const;

/** A finding as the ledger keeps it (LedgerFinding): what `vigil findings list --format json` prints. */
export const FINDING_SCHEMA = {
  type: 'object',
  additionalProperties: true,
  required: ['id', 'fingerprint', 'scanner', 'ruleId', 'title', 'severity', 'status', 'target', 'location', 'firstSeen', 'lastSeen'],
  properties: {
    id: { type: 'integer' },
    fingerprint: { type: 'string' },
    scanner: { type: 'string' },
    ruleId: { type: 'string' },
    title: { type: 'string' },
    severity: { type: 'string', enum: [...SEVERITIES] },
    confidence: { type: 'string' },
    status: { type: 'string', enum: [...FINDING_STATUSES] },
    target: { type: 'string' },
    location: LOCATION,
    cwe: { type: 'array', items: { type: 'string' } },
    aliases: { type: 'array', items: { type: 'string' } },
    tags: { type: 'array', items: { type: 'string' } },
    controls: { type: 'array', items: { type: 'string' } },
    references: { type: 'array', items: { type: 'string' } },
    evidence: { type: 'string' },
    remediation: { type: 'string' },
    firstSeen: { type: 'string' },
    lastSeen: { type: 'string' },
    slaDue: { type: ['string', 'null'] },
    acceptance: {
      type: ['object', 'null'],
      additionalProperties: true,
      properties: { justification: { type: 'string' }, approver: { type: 'string' }, expires: { type: ['string', 'null'] } },
    },
    lastRunId: { type: ['string', 'null'] },
  },
} as const;

/** One event of the hash chain. */
export const EVENT_SCHEMA = {
  type: 'object',
  additionalProperties: true,
  required: ['seq', 'at', 'type', 'hash'],
  properties: {
    seq: { type: 'integer' },
    at: { type: 'string' },
    type: { type: 'string' },
    runId: { type: ['string', 'null'] },
    findingId: { type: ['integer', 'null'] },
    actor: { type: ['string', 'null'] },
    data: {},
    hash: { type: 'string' },
  },
} as const;

/** A run as the ledger records it. */
export const RUN_SCHEMA = {
  type: 'object',
  additionalProperties: true,
  required: ['id', 'trigger', 'startedAt', 'status', 'parts'],
  properties: {
    id: { type: 'string' },
    trigger: { type: 'string' },
    startedAt: { type: 'string' },
    finishedAt: { type: ['string', 'null'] },
    status: { type: 'string' },
    parts: { type: 'array', items: { type: 'object', additionalProperties: true } },
  },
} as const;

/** An incident as `vigil incidents show --format json` prints it (IncidentView). */
export const INCIDENT_SCHEMA = {
  type: 'object',
  additionalProperties: true,
  required: ['id', 'key', 'runbook', 'title', 'severity', 'status', 'openedAt', 'steps', 'clocks', 'timeline'],
  properties: {
    id: { type: 'integer' },
    key: { type: 'string' },
    runbook: { type: 'string' },
    title: { type: 'string' },
    severity: { type: 'string' },
    status: { type: 'string', enum: ['open', 'resolved'] },
    findingId: { type: ['integer', 'null'] },
    openedAt: { type: 'string' },
    awareAt: { type: ['string', 'null'] },
    resolvedAt: { type: ['string', 'null'] },
    steps: { type: 'array', items: { type: 'object', additionalProperties: true } },
    clocks: { type: 'array', items: { type: 'object', additionalProperties: true } },
    timeline: { type: 'array', items: { type: 'object', additionalProperties: true } },
  },
} as const;

/** An API token as listed (never the token or its hash). */
export const TOKEN_SCHEMA = {
  type: 'object',
  additionalProperties: false,
  required: ['id', 'name', 'role', 'prefix', 'createdAt', 'expiresAt', 'revokedAt', 'lastUsedAt'],
  properties: {
    id: { type: 'integer' },
    name: { type: 'string' },
    role: { type: 'string' },
    prefix: { type: 'string', description: 'the first characters of the token, to tell tokens apart' },
    createdAt: { type: 'string' },
    expiresAt: { type: ['string', 'null'] },
    revokedAt: { type: ['string', 'null'] },
    lastUsedAt: { type: ['string', 'null'] },
  },
} as const;

/** The documented responses of a route: its success bodies and the error body for every 4xx and 5xx. */
export function responses(ok: Record<number, unknown>): Record<string, unknown> {
  return { ...ok, '4xx': ERROR_SCHEMA, '5xx': ERROR_SCHEMA };
}

/** A query string that takes nothing (so any parameter is refused). */
export const NO_QUERY = { type: 'object', additionalProperties: false, properties: {} } as const;

const NULLABLE_NUMBER = { type: ['number', 'null'] } as const;

/** One uptime probe result (ProbeResult, src/ledger/uptime-store.ts). */
export const PROBE_RESULT_SCHEMA = {
  type: 'object',
  additionalProperties: true,
  required: ['probe', 'url', 'at', 'ok', 'status', 'latencyMs', 'error', 'tlsDaysLeft'],
  properties: {
    probe: { type: 'string' },
    url: { type: 'string', description: 'as configured, credentials redacted' },
    at: { type: 'string', description: 'when the probe started (ISO)' },
    ok: { type: 'boolean' },
    status: { type: ['integer', 'null'], description: 'HTTP status; null when no response came' },
    latencyMs: NULLABLE_NUMBER,
    error: { type: ['string', 'null'], description: 'why the probe failed' },
    tlsDaysLeft: { type: ['number', 'null'], description: 'days until the certificate expires (https only)' },
  },
} as const;

const WINDOW_SCHEMA = {
  type: 'object',
  additionalProperties: true,
  required: ['checks', 'up', 'availabilityPct', 'downMinutes'],
  properties: { checks: { type: 'integer' }, up: { type: 'integer' }, availabilityPct: NULLABLE_NUMBER, downMinutes: { type: 'number' } },
} as const;

/** A probe's availability windows ending now (ProbeSummary). */
export const PROBE_SUMMARY_SCHEMA = {
  type: 'object',
  additionalProperties: true,
  required: ['probe', 'url', 'last', 'consecutiveFailures', 'windows', 'sloPct', 'sloMet'],
  properties: {
    probe: { type: 'string' },
    url: { type: 'string' },
    last: { anyOf: [PROBE_RESULT_SCHEMA, { type: 'null' }] },
    consecutiveFailures: { type: 'integer' },
    windows: {
      type: 'object',
      additionalProperties: true,
      required: ['24h', '7d', '30d'],
      properties: { '24h': WINDOW_SCHEMA, '7d': WINDOW_SCHEMA, '30d': WINDOW_SCHEMA },
    },
    sloPct: { type: 'number' },
    sloMet: { type: ['boolean', 'null'], description: '30-day availability at or above the SLO; null with no checks' },
  },
} as const;

const PERF_LEVEL_SCHEMA = {
  type: 'object',
  additionalProperties: true,
  required: ['level', 'connections', 'rps', 'latencyMs', 'errorRatePct'],
  properties: {
    level: { type: 'string', description: '`expected` or `10x`' },
    connections: { type: 'number' },
    durationSeconds: { type: 'number' },
    requests: { type: 'number' },
    rps: { type: 'number' },
    latencyMs: { type: 'object', additionalProperties: true, properties: { p50: NULLABLE_NUMBER, p95: NULLABLE_NUMBER, p99: NULLABLE_NUMBER, max: NULLABLE_NUMBER } },
    errors: { type: 'number' },
    timeouts: { type: 'number' },
    non2xx: { type: 'number' },
    errorRatePct: NULLABLE_NUMBER,
    meanResponseBytes: NULLABLE_NUMBER,
  },
} as const;

/** One perf part of a run (PerfPoint, src/audit/perf-facts.ts). */
export const PERF_POINT_SCHEMA = {
  type: 'object',
  additionalProperties: true,
  required: ['runId', 'at', 'target', 'status', 'findings', 'perf'],
  properties: {
    runId: { type: 'string' },
    at: { type: 'string' },
    target: { type: 'string' },
    status: { type: 'string' },
    findings: { type: 'integer', description: 'budget breaks the scanner reported for the part' },
    perf: {
      type: 'object',
      additionalProperties: true,
      required: ['url', 'health', 'levels', 'memory', 'loadGenerator'],
      properties: {
        url: { type: 'string' },
        health: { type: 'object', additionalProperties: true },
        levels: { type: 'array', items: PERF_LEVEL_SCHEMA },
        memory: { type: ['object', 'null'], additionalProperties: true },
        loadGenerator: { type: 'object', additionalProperties: true, properties: { sharedCores: { type: 'boolean' }, cores: NULLABLE_NUMBER } },
      },
    },
  },
} as const;
