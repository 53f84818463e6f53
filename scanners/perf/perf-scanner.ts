import { lookup } from 'node:dns/promises';
import net from 'node:net';
import os from 'node:os';
import { VigilError } from '../../src/errors.js';
import type { Finding } from '../../src/model/finding.js';
import type { Scanner, ScanContext } from '../../src/model/scanner.js';
import type { Target } from '../../src/model/target.js';
import { readTextInput } from '../../src/util/read-input.js';
import { redactUrlCredentials } from '../../src/util/redact.js';
import { loadBudget, type LoadedBudget, type PerfBudget } from './budget.js';
import { checkHealth, type HealthResult } from './health.js';
import { runLevel, type LevelMeasure } from './load.js';
import { MemorySampler } from './memory.js';
import { levelFindings, memoryFindings, memoryVerdict, perfFinding, PERF_SCANNER_ID, responseSizeFindings, type LevelName, type MemoryVerdict } from './verdicts.js';

/** What the dashboard reads from a run (ctx.report data.perf); keep the shape. */
export interface PerfReport {
  url: string;
  health: { ok: boolean; status: number; ms: number; tlsDaysLeft?: number };
  /** A level's figures as measured, without the working counts the verdicts use. */
  levels: (Omit<LevelMeasure, 'httpErrors' | 'sizeThirds' | 'stoppedEarly' | 'lastError'> & { level: LevelName })[];
  memory?: { source: string; before: number; after: number; growthPct: number };
  loadGenerator: { sharedCores: boolean; cores: number };
}

/** A CA file is a few certificates. */
const MAX_CA_BYTES = 1024 * 1024;

/**
 * `perf`: a health check, then autocannon at the expected load and at 10× it, each level judged
 * against the budget (p95/p99 latency, error rate, throughput), and leak signals across the run
 * (memory from a metrics endpoint, response size). Every request stays on the target's origin.
 */
export class PerfScanner implements Scanner {
  readonly id = PERF_SCANNER_ID;
  readonly version = 1;

  async *run(target: Target, ctx: ScanContext): AsyncIterable<Finding> {
    // `perf:` with nothing under it in vigil.yaml arrives as null: the defaults
    const loaded = await loadBudget(ctx.options ?? {}, ctx.baseDir);
    const b = loaded.budget;
    const url = targetUrl(target);
    const headers = withUrlCredentials(b.headers, url);
    const shown = redactUrlCredentials(url.href);
    const memoryUrl = b.memory ? sameOrigin(b.memory.url, url, loaded, ['memory', 'url']) : undefined;
    const ca = await readCa(b.ca);
    const cores = typeof os.availableParallelism === 'function' ? os.availableParallelism() : os.cpus().length;
    const sharedCores = await isLocalHost(url.hostname);
    const findings: Finding[] = [];
    const common = { headers, timeoutMs: b.timeoutMs, signal: ctx.signal, ...(ca.length ? { ca } : {}) };

    // (1) health: a broken service is reported, not hammered
    const healthUrl = b.health.path ? sameOrigin(b.health.path, url, loaded, ['health', 'path']) : url;
    ctx.progress(`health check ${redactUrlCredentials(healthUrl.href)}`);
    const health = await checkHealth(healthUrl, b.health, common);
    for (const p of health.problems) {
      findings.push(perfFinding(redactUrlCredentials(healthUrl.href), p.ruleId, 'health', `GET ${redactUrlCredentials(healthUrl.href)}: ${p.evidence}`, { ...(p.severity ? { severity: p.severity } : {}), ...(p.context ? { context: p.context } : {}) }));
    }
    const report: PerfReport = { url: shown, health: healthReport(health), levels: [], loadGenerator: { sharedCores, cores } };
    const lines: string[] = [];
    if (sharedCores) ctx.note?.(sharedSentence(cores));
    if (!health.ok) {
      ctx.note?.(`the health check failed (${health.problems.filter((p) => p.blocking).map((p) => p.ruleId).join(', ')}): the load test was skipped`);
      lines.push(`health: FAILED (status ${health.status}): load test skipped`);
      ctx.report?.({ data: { perf: report }, lines });
      yield* findings;
      return;
    }
    lines.push(`health: ok (status ${health.status}, ${health.ms} ms${health.tlsDaysLeft !== undefined ? `, certificate valid ${health.tlsDaysLeft} more days` : ''})`);

    const loadUrl = b.path ? sameOrigin(b.path, url, loaded, ['path']) : url;
    const plan = { url: loadUrl, requests: b.requests, headers, timeoutMs: b.timeoutMs, signal: ctx.signal, ...(ca.length ? { ca } : {}) };
    if (b.warmupSeconds > 0) {
      ctx.progress(`warm-up: ${b.expectedConnections} connections for ${b.warmupSeconds} s`);
      await runLevel({ ...plan, connections: b.expectedConnections, durationSeconds: b.warmupSeconds });
    }

    // (2) memory before, then sampled through both levels
    let sampler: MemorySampler | undefined;
    let memorySource: string | undefined;
    if (memoryUrl && b.memory) {
      const s = new MemorySampler({ url: memoryUrl, format: b.memory.format, ...common });
      try {
        const first = await s.read();
        s.samples.push(first.bytes);
        memorySource = first.source;
        sampler = s;
        const totalMs = b.durationSeconds * 2000;
        sampler.start(Math.min(1000, Math.max(200, totalMs / 10)));
      } catch (e) {
        if (ctx.signal.aborted) throw ctx.signal.reason;
        ctx.note?.(`memory: GET ${redactUrlCredentials(memoryUrl.href)} ${e instanceof Error ? e.message : String(e)}: memory growth not checked`);
      }
    }

    // (3) the expected load, then 10× it
    const measured: { level: LevelName; m: LevelMeasure }[] = [];
    try {
      const levels: [LevelName, number, PerfBudget['expected']][] = [
        ['expected', b.expectedConnections, b.expected],
        ['10x', Math.ceil(b.expectedConnections * b.multiplier), b.peak],
      ];
      for (const [level, connections, budget] of levels) {
        ctx.progress(`${level}: ${connections} connections for ${b.durationSeconds} s`);
        const m = await runLevel({ ...plan, connections, durationSeconds: b.durationSeconds });
        measured.push({ level, m });
        report.levels.push(levelReport(level, m));
        lines.push(levelLine(level, m, b.multiplier));
        findings.push(...levelFindings(shown, level, m, budget));
        if (m.requests === 0 && m.errors === 0) ctx.note?.(`${level} level: no response completed within its ${b.durationSeconds} s, so its latency could not be measured; raise durationSeconds above the service's response time`);
        if (m.stoppedEarly) {
          const rest = levels.slice(levels.findIndex(([l]) => l === level) + 1).map(([l]) => l);
          ctx.note?.(`${level} level: ${m.stoppedEarly}${rest.length ? `; the ${rest.join(', ')} level was not run` : ''}`);
          break;
        }
      }
    } finally {
      await sampler?.stop();
    }

    // (4) leak signals across the run
    if (sampler && memorySource && b.memory) {
      try {
        sampler.samples.push((await sampler.read()).bytes);
      } catch {
        if (ctx.signal.aborted) throw ctx.signal.reason;
        sampler.failed++;
      }
      if (sampler.failed) ctx.note?.(`memory: ${sampler.failed} of ${sampler.failed + sampler.samples.length} samples got no answer under load and were left out`);
      const v: MemoryVerdict | undefined = memoryVerdict(memorySource, sampler.samples);
      if (v) {
        report.memory = { source: v.source, before: v.before, after: v.after, growthPct: v.growthPct };
        lines.push(`memory (${v.source}): ${mib(v.before)} → ${mib(v.after)} MiB (${v.growthPct >= 0 ? '+' : ''}${v.growthPct} %, ${v.samples} samples${v.rising ? ', rising' : ''})`);
        findings.push(...memoryFindings(shown, v, b.memory));
      }
    }
    findings.push(...responseSizeFindings(shown, measured, b.responseSizeGrowthPct, b.responseSizeSeverity));
    lines.push(sharedCores ? sharedSentence(cores) : `the load generator ran on ${cores} cores of this machine; the target is elsewhere, so latencies include the network`);
    ctx.report?.({ data: { perf: report }, lines });
    yield* findings;
  }
}

function sharedSentence(cores: number): string {
  return `the load generator ran on this machine and shared its ${cores} cores with the server`;
}

/** The target as a URL; perf loads HTTP(S) only. */
function targetUrl(target: Target): URL {
  let u: URL | undefined;
  if (target.kind === 'url') {
    try {
      u = new URL(target.location);
    } catch {
      u = undefined;
    }
  }
  if (!u || (u.protocol !== 'http:' && u.protocol !== 'https:')) {
    throw new VigilError('VIGIL_ERR_USAGE', `perf loads an http:// or https:// URL; "${redactUrlCredentials(target.location)}" is a ${target.kind === 'url' ? 'URL of another scheme' : target.kind}`);
  }
  u.hash = '';
  return u;
}

/**
 * Credentials in the target URL (`https://user:pass@host/`) become a Basic Authorization header
 * for every request, and leave the URL: autocannon would drop them, and nothing prints them.
 */
function withUrlCredentials(headers: Record<string, string>, u: URL): Record<string, string> {
  if (!u.username && !u.password) return headers;
  const user = decodeURIComponent(u.username);
  const pass = decodeURIComponent(u.password);
  u.username = '';
  u.password = '';
  if (Object.keys(headers).some((k) => k.toLowerCase() === 'authorization')) return headers;
  return { ...headers, authorization: `Basic ${Buffer.from(`${user}:${pass}`).toString('base64')}` };
}

/**
 * A budget's path (or, for `memory.url`, a URL) resolved on the target's origin; any other origin
 * is a usage error naming the key's line (no scan leaves its target). The schema takes only paths
 * for the load and health, but a URL parser reads `/\host` as `//host`: this holds the result.
 */
function sameOrigin(given: string, target: URL, loaded: LoadedBudget, key: readonly string[]): URL {
  const name = key.join('.');
  let u: URL;
  try {
    u = new URL(given, target.origin);
  } catch {
    throw new VigilError('VIGIL_ERR_USAGE', `${name} "${redactUrlCredentials(given)}" is not a URL or a path`, loaded.at(key));
  }
  if (u.origin !== target.origin) {
    throw new VigilError('VIGIL_ERR_USAGE', `${name} ${redactUrlCredentials(u.href)} is not on the target's origin ${target.origin}: a scan never leaves its target; give a path such as /metrics`, loaded.at(key));
  }
  return u;
}

async function readCa(files: readonly string[]): Promise<string[]> {
  const out: string[] = [];
  for (const f of files) out.push(await readTextInput(f, MAX_CA_BYTES));
  return out;
}

/**
 * Whether the target's host is this machine (loopback, or an address of one of its interfaces):
 * then the load generator and the server share the machine's cores, and the figures say so.
 */
export async function isLocalHost(hostname: string): Promise<boolean> {
  const h = hostname.replace(/^\[|\]$/g, '').toLowerCase();
  if (h === 'localhost' || h.endsWith('.localhost')) return true;
  let addresses: string[];
  if (net.isIP(h)) addresses = [h];
  else {
    try {
      addresses = (await lookup(h, { all: true })).map((a) => a.address);
    } catch {
      return false;
    }
  }
  const own = new Set(Object.values(os.networkInterfaces()).flatMap((xs) => (xs ?? []).map((i) => i.address.toLowerCase())));
  return addresses.some((a) => {
    const x = a.toLowerCase();
    return x.startsWith('127.') || x === '::1' || x.startsWith('::ffff:127.') || x === '0.0.0.0' || x === '::' || own.has(x);
  });
}

function healthReport(h: HealthResult): PerfReport['health'] {
  return { ok: h.ok, status: h.status, ms: h.ms, ...(h.tlsDaysLeft !== undefined ? { tlsDaysLeft: h.tlsDaysLeft } : {}) };
}

function levelReport(level: LevelName, m: LevelMeasure): PerfReport['levels'][number] {
  return {
    level,
    connections: m.connections,
    durationSeconds: m.durationSeconds,
    requests: m.requests,
    rps: m.rps,
    latencyMs: m.latencyMs,
    errors: m.errors,
    timeouts: m.timeouts,
    non2xx: m.non2xx,
    errorRatePct: m.errorRatePct,
    meanResponseBytes: m.meanResponseBytes,
  };
}

function levelLine(level: LevelName, m: LevelMeasure, multiplier: number): string {
  const name = level === '10x' && multiplier !== 10 ? `10x (×${multiplier})` : level;
  return `${name} (${m.connections} conns): ${m.rps} req/s, p95 ${m.latencyMs.p95} ms, p99 ${m.latencyMs.p99} ms, errors ${m.errorRatePct} %${m.stoppedEarly ? ' (stopped early: the target stopped answering)' : ''}`;
}

function mib(n: number): number {
  return Math.round((n / 1048576) * 10) / 10;
}

/** The registry's factory. */
export function createPerfScanner(): Scanner {
  return new PerfScanner();
}
