import { VigilError } from '../../src/errors.js';
import { createFinding } from '../../src/model/create.js';
import type { Finding } from '../../src/model/finding.js';
import type { Scanner, ScanContext } from '../../src/model/scanner.js';
import type { Target } from '../../src/model/target.js';
import { createHttpClient } from '../web/http-client.js';
import { checkOptions, resolveCredentials, type Credential } from './options.js';
import { buildRequest, sendJobs, type Identity, type Job, type Outcome } from './probe.js';
import { API_RULES, type ApiRuleId } from './rules.js';
import { loadSpec, MAX_SPEC_BYTES, type ApiOperation } from './spec.js';

export const API_SCANNER_ID = 'api';
const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);
/** Never sent, active or not: TRACE reflects the request, credentials included. */
const NEVER_SENT = new Set(['TRACE']);
const LISTED = 8;

/**
 * `api`: API authorisation from an OpenAPI document. Every operation is called without
 * credentials and with each low-privilege credential; an answer in 2xx where the document
 * requires credentials (OWASP API2), where the credential's role must be refused (API5), or for an
 * object that belongs to someone else (API1) is a finding. Only GET, HEAD and OPTIONS go to a
 * target that is not marked active.
 */
export class ApiScanner implements Scanner {
  readonly id = API_SCANNER_ID;
  readonly version = 1;

  async *run(target: Target, ctx: ScanContext): AsyncIterable<Finding> {
    const opts = checkOptions(ctx.options, ctx.baseDir);
    const credentials = resolveCredentials(opts);
    if (target.kind !== 'url') throw new VigilError('VIGIL_ERR_USAGE', `api scans an http(s) URL; "${target.name}" is a ${target.kind}`);
    let targetUrl: URL;
    try {
      targetUrl = new URL(target.location);
    } catch {
      throw new VigilError('VIGIL_ERR_USAGE', `api: "${target.location}" is not a URL`);
    }
    if (targetUrl.protocol !== 'http:' && targetUrl.protocol !== 'https:') throw new VigilError('VIGIL_ERR_USAGE', `api: "${target.location}" is not an http:// or https:// URL`);
    const origin = targetUrl.origin;
    const note = (m: string): void => ctx.note?.(m);

    ctx.progress('reading the OpenAPI document');
    const specClient = createHttpClient({ origin, rps: opts.rps, timeoutMs: opts.timeoutMs, maxBodyBytes: MAX_SPEC_BYTES, signal: ctx.signal });
    const spec = await loadSpec(opts.openapi, specClient);
    const basePath = spec.basePath ?? trimSlashes(targetUrl.pathname);
    if (spec.foreignServer) note(`the document's server ${spec.foreignServer} is not the target: only its path "${basePath}" is used, on ${origin}`);
    let operations = spec.operations;
    if (operations.length > opts.maxOperations) {
      note(`${operations.length} operations in the document; the first ${opts.maxOperations} are checked (maxOperations)`);
      operations = operations.slice(0, opts.maxOperations);
    }

    const active = target.active === true;
    const sendable = operations.filter((op) => !NEVER_SENT.has(op.method) && (active || SAFE_METHODS.has(op.method)));
    const sent = new Set(sendable);
    const skipped = operations.filter((op) => !sent.has(op));
    const unsafeSkipped = skipped.filter((op) => !NEVER_SENT.has(op.method));
    if (unsafeSkipped.length) note(`${unsafeSkipped.length} operation(s) not called (${countBy(unsafeSkipped.map((o) => o.method))}): only GET, HEAD and OPTIONS are sent to a target not marked active (--active, or active: true in the config)`);
    const trace = skipped.filter((op) => NEVER_SENT.has(op.method));
    if (trace.length) note(`${trace.length} TRACE operation(s) not called: TRACE echoes the request, credentials included`);
    const unsafeSent = sendable.filter((op) => !SAFE_METHODS.has(op.method));
    if (unsafeSent.length) note(`the target is marked active: ${unsafeSent.length} operation(s) with unsafe methods were called (${countBy(unsafeSent.map((o) => o.method))}), with bodies from the document's examples`);
    if (credentials.length === 0) note('no credential given (--header, or credentials in the config): only requests without credentials were sent; function- and object-level authorisation need a low-privilege credential');

    const jobs = plan(sendable, credentials, origin, basePath, active);
    const secrets = credentials.flatMap((c) => c.secrets).sort((a, b) => b.length - a.length);
    ctx.progress(`${jobs.length} requests for ${sendable.length} operations`);
    const { outcomes, stopped } = await sendJobs(
      jobs,
      { origin, rps: opts.rps, concurrency: opts.concurrency, timeoutMs: opts.timeoutMs, maxBodyBytes: opts.maxBodyBytes, maxDurationMs: opts.maxDurationSeconds * 1000, signal: ctx.signal, progress: (m) => ctx.progress(m) },
      secrets,
    );

    const unanswered = outcomes.filter((o) => o.status === undefined && !o.notSent);
    const notSent = outcomes.filter((o) => o.notSent);
    if (stopped) note(`${stopped.message}: ${notSent.length} request(s) not sent; the answers before that are reported`);
    if (unanswered.length) {
      const listed = unanswered.slice(0, LISTED).map((o) => `${o.job.op.method} ${o.job.op.path} as ${o.job.identity.name}: ${o.error ?? 'no answer'}`);
      note(`${unanswered.length} request(s) got no answer, their operations are unchecked: ${listed.join('; ')}${unanswered.length > LISTED ? `; and ${unanswered.length - LISTED} more` : ''}`);
    }
    for (const c of credentials) {
      if (sameAsAnonymous(outcomes, c.name)) {
        note(`credential "${c.name}" got the same answers as requests without credentials on every operation that requires them, 401 included: check it is valid, or its function- and object-level checks mean nothing`);
      }
    }

    const findings = evaluate(outcomes, origin, basePath);
    // an operation that got no answer proves nothing: what the ledger holds of it is kept open
    const carried = ctx.priorFindings ? carryOver(await ctx.priorFindings({ scanner: API_SCANNER_ID, target: target.name }), unanswered, findings, origin, basePath) : [];
    if (carried.length) note(`${carried.length} finding(s) from earlier runs kept open: their operations got no answer this time, so they are not proven fixed`);
    findings.push(...carried);
    ctx.report?.(summary(spec.version, spec.title, operations.length, sendable.length, unsafeSkipped.length, trace.length, outcomes, credentials, findings.length));
    yield* findings;
    // an unfinished scan proves nothing fixed: failing the part (after its findings) keeps the ledger from marking any
    if (stopped) {
      throw new VigilError(
        stopped.why === 'down' ? 'VIGIL_ERR_TARGET_UNREACHABLE' : 'VIGIL_ERR_SCANNER_TIMEOUT',
        `api: ${stopped.message} after ${outcomes.length - notSent.length - unanswered.length} answers; ${notSent.length + unanswered.length} request(s) unanswered or not sent; the findings so far are reported`,
      );
    }
  }
}

function trimSlashes(p: string): string {
  let end = p.length;
  while (end > 0 && p[end - 1] === '/') end--;
  return p.slice(0, end);
}

function countBy(xs: readonly string[]): string {
  const m = new Map<string, number>();
  for (const x of xs) m.set(x, (m.get(x) ?? 0) + 1);
  return [...m].map(([k, n]) => `${k} ${n}`).join(', ');
}

/** True when a credential was answered exactly as anonymous on every secured operation, with at least one 401: it is not being accepted. */
function sameAsAnonymous(outcomes: readonly Outcome[], name: string): boolean {
  const anonymous = new Map<ApiOperation, number | undefined>();
  for (const o of outcomes) if (o.job.identity.name === 'anonymous') anonymous.set(o.job.op, o.status);
  const mine = outcomes.filter((o) => o.job.identity.name === name && o.job.kind === 'call' && o.status !== undefined && requiresAuth(o.job.op));
  return mine.length > 0 && mine.some((o) => o.status === 401) && mine.every((o) => anonymous.get(o.job.op) === o.status);
}

/** Whether the operation must refuse a caller without credentials. */
export function requiresAuth(op: ApiOperation): boolean {
  return op.security === 'required' || (op.roles !== undefined && !op.roles.includes('anonymous'));
}

/** The requests: every operation as anonymous, then as each credential, then each foreign object per credential. */
export function plan(ops: readonly ApiOperation[], credentials: readonly Credential[], origin: string, basePath: string, active: boolean): Job[] {
  const jobs: Job[] = [];
  const anonymous: Identity = { name: 'anonymous' };
  for (const op of ops) jobs.push({ op, identity: anonymous, kind: 'call', request: buildRequest(origin, basePath, op, anonymous, active) });
  for (const credential of credentials) {
    const identity: Identity = { name: credential.name, credential };
    for (const op of ops) {
      jobs.push({ op, identity, kind: 'call', request: buildRequest(origin, basePath, op, identity, active) });
      // object-level checks only where the document says callers are told apart
      if (!requiresAuth(op)) continue;
      for (const name of pathParams(op)) {
        for (const value of credential.foreignObjects.get(name) ?? []) {
          jobs.push({ op, identity, kind: 'foreign', param: name, value, request: buildRequest(origin, basePath, op, identity, active, { param: name, value }) });
        }
      }
    }
  }
  return jobs;
}

function pathParams(op: ApiOperation): string[] {
  const names = new Set(op.params.filter((p) => p.in === 'path').map((p) => p.name));
  for (const m of op.path.matchAll(/\{([^{}/]+)\}/g)) names.add(m[1]!);
  return [...names];
}

const is2xx = (s: number | undefined): boolean => s !== undefined && s >= 200 && s <= 299;

/**
 * The ledger's findings (of this scanner on this target) whose operation and identity got no
 * answer in this run and that this run did not find again: reported again as they were, so a
 * request that timed out never marks a finding fixed.
 */
export function carryOver(prior: readonly Finding[], unanswered: readonly Outcome[], found: readonly Finding[], origin: string, basePath: string): Finding[] {
  const silent = new Set(unanswered.map((o) => `${o.job.op.method} ${origin}${basePath}${o.job.op.path} ${o.job.identity.name}`));
  const seen = new Set(found.map((f) => f.fingerprint));
  return prior.filter((f) => {
    const l = f.location;
    return l.kind === 'web' && !seen.has(f.fingerprint) && silent.has(`${(l.method ?? 'GET').toUpperCase()} ${l.url} ${l.param ?? ''}`);
  }).map((f) => ({
    // only the finding itself: the ledger's own fields (id, status, dates) are not a scanner's to report
    fingerprint: f.fingerprint, scanner: f.scanner, ruleId: f.ruleId, title: f.title, severity: f.severity, confidence: f.confidence,
    cwe: f.cwe, aliases: f.aliases, location: f.location, references: f.references, tags: f.tags, controls: f.controls,
    ...(f.evidence !== undefined ? { evidence: f.evidence } : {}),
    ...(f.remediation !== undefined ? { remediation: f.remediation } : {}),
    ...(f.properties !== undefined ? { properties: f.properties } : {}),
  }));
}

/** Findings from the answers: one per rule, operation and identity. */
export function evaluate(outcomes: readonly Outcome[], origin: string, basePath: string): Finding[] {
  const out = new Map<string, Finding>();
  const add = (ruleId: ApiRuleId, o: Outcome, why: string): void => {
    const { op, identity } = o.job;
    const key = `${ruleId} ${op.method} ${op.path} ${identity.name}`;
    if (out.has(key)) return;
    const rule = API_RULES[ruleId];
    const sent = new URL(o.job.request.url);
    out.set(
      key,
      createFinding({
        scanner: API_SCANNER_ID,
        ruleId,
        title: rule.title,
        severity: rule.severity,
        confidence: ruleId === 'api-server-error' ? 'medium' : 'high',
        cwe: [...rule.cwe],
        location: { kind: 'web', url: `${origin}${basePath}${op.path}`, method: op.method, param: identity.name },
        evidence: `${op.method} ${sent.pathname}${sent.search} ${why} answered HTTP ${o.status}${o.excerpt ? `: ${o.excerpt}` : ''}`,
        remediation: rule.remediation,
        references: [...rule.references],
        tags: ['api', 'authorization', `owasp-api:${rule.owasp}`],
        properties: {
          ...(op.operationId ? { operationId: op.operationId } : {}),
          owasp: rule.owasp,
          expected: rule.expected,
          got: o.status,
          ...(o.job.kind === 'foreign' ? { parameter: o.job.param, value: o.job.value } : {}),
        },
        ...(o.job.kind === 'foreign' ? { fingerprintContext: `object:${o.job.param}` } : {}),
      }),
    );
  };
  for (const o of outcomes) {
    if (o.status === undefined) continue;
    const { op, identity, kind } = o.job;
    if (identity.name === 'anonymous') {
      if (is2xx(o.status) && requiresAuth(op)) add('api-unauthenticated-access', o, 'without credentials');
      else if (o.status >= 500) add('api-server-error', o, 'without credentials');
      continue;
    }
    const c = identity.credential!;
    if (kind === 'call' && is2xx(o.status) && c.refuses(op)) add('api-function-level-authz', o, `as "${c.name}" (role ${c.role}, which must be refused)`);
    if (kind === 'foreign' && is2xx(o.status)) add('api-object-level-authz', o, `as "${c.name}" with ${o.job.param}=${o.job.value}, an object of someone else,`);
  }
  return [...out.values()];
}

type Answers = Record<string, number>;

function bucket(o: Outcome): string {
  if (o.notSent) return 'not sent';
  if (o.status === undefined) return 'no answer';
  if (o.status === 401 || o.status === 403 || o.status === 404) return String(o.status);
  return `${Math.floor(o.status / 100)}xx`;
}

/** The report kept with the run: counts of operations and each identity's answers. */
function summary(version: string, title: string | undefined, total: number, sent: number, skippedUnsafe: number, skippedTrace: number, outcomes: readonly Outcome[], credentials: readonly Credential[], findings: number) {
  const identities = ['anonymous', ...credentials.map((c) => c.name)].map((name) => {
    const answers: Answers = {};
    let requests = 0;
    for (const o of outcomes) {
      if (o.job.identity.name !== name) continue;
      requests++;
      const b = bucket(o);
      answers[b] = (answers[b] ?? 0) + 1;
    }
    return { name, requests, answers };
  });
  const data = {
    spec: { version, ...(title ? { title } : {}) },
    operations: { total, sent, skippedUnsafe, skippedTrace },
    requests: outcomes.length,
    identities,
    findings,
  };
  const fmt = (a: Answers): string => Object.entries(a).sort(([x], [y]) => (x < y ? -1 : 1)).map(([k, n]) => `${k} ${n}`).join(', ') || 'none';
  const lines = [
    `${title ?? 'API'} (${version.startsWith('2') ? 'Swagger' : 'OpenAPI'} ${version}): ${total} operations, ${sent} called, ${skippedUnsafe} unsafe not called${skippedTrace ? `, ${skippedTrace} TRACE not called` : ''}`,
    ...identities.map((i) => `  ${i.name}: ${i.requests} requests — ${fmt(i.answers)}`),
  ];
  return { data, lines };
}

/** The registry's factory. */
export function createApiScanner(): Scanner {
  return new ApiScanner();
}
