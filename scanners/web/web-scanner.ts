import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { VigilError } from '../../src/errors.js';
import { createFinding } from '../../src/model/create.js';
import type { Finding } from '../../src/model/finding.js';
import type { Scanner, ScanContext } from '../../src/model/scanner.js';
import type { Severity } from '../../src/model/severity.js';
import type { Target } from '../../src/model/target.js';
import type { Exchange, WebAlert } from './types.js';
import { RISK_NAMES, ZAP_ALERTS } from './zap-alerts.js';

export const WEB_SCANNER_ID = 'web';

/** Options of the `web` scanner (config `options:` or CLI flags). */
export interface WebOptions {
  /** Run the active rules; only ever on a target marked `active: true` (the CLI's --active marks it). */
  active?: boolean;
  maxDepth?: number;
  maxPages?: number;
  /** Crawl time limit in seconds. */
  maxDurationSeconds?: number;
  /** Requests per second (default 10; 0 lifts the limit). */
  rps?: number;
  concurrency?: number;
  /** URLs matching any of these regexes are never requested. */
  exclude?: string | string[];
  /** An OpenAPI/Swagger spec (a file, or a URL on the target's origin) whose operations join the scan. */
  openapi?: string;
  /** ZAP baseline rules file (`id<TAB>IGNORE|INFO|WARN|FAIL`). */
  rulesConfig?: string;
  /** Authentication: extra request headers (e.g. Authorization), a cookie, or a login form posted first. */
  headers?: Record<string, string>;
  cookie?: string;
  login?: { url: string; form: Record<string, string> };
  /** `auto` uses a ZAP daemon when ZAP_API_URL is set, else the embedded engine. */
  engine?: 'auto' | 'embedded' | 'zap';
}

const OPTION_KEYS = ['active', 'maxDepth', 'maxPages', 'maxDurationSeconds', 'rps', 'concurrency', 'exclude', 'openapi', 'rulesConfig', 'headers', 'cookie', 'login', 'engine'] as const;

/** Rules ZAP's baseline reports once per site: their findings are keyed by the origin, not the page. */
const SITE_WIDE = new Set(['10020', '10021', '10035', '10038', '10055', '10036', '10037', '10063', '10015']);

/**
 * `web`: a ZAP-compatible dynamic scan of one origin — vigil's own crawler, passive (baseline)
 * rules and, on targets marked active, active rules; or a ZAP daemon through its API when
 * ZAP_API_URL is set. Findings carry ZAP's plugin ids either way, so the two engines dedup.
 */
export class WebScanner implements Scanner {
  readonly id = WEB_SCANNER_ID;
  readonly version = 1;

  async *run(target: Target, ctx: ScanContext): AsyncIterable<Finding> {
    if (target.kind !== 'url' || !/^https?:\/\//i.test(target.location)) {
      throw new VigilError('VIGIL_ERR_USAGE', `web scans an http:// or https:// URL; "${target.name}" is a ${target.kind}`);
    }
    const opts = checkOptions(ctx.options);
    const start = new URL(target.location);
    const origin = start.origin;
    // active attacks need both: the user asked (option or --active) and the target is marked for them
    const active = opts.active === true && target.active === true;
    if (opts.active && !target.active) ctx.note?.(`active rules not run: target "${target.name}" is not marked active: true`);

    const rulesConfig = opts.rulesConfig ? await loadRulesConfig(path.resolve(ctx.baseDir, opts.rulesConfig)) : undefined;
    const zapUrl = process.env['ZAP_API_URL'];
    let alerts: WebAlert[];
    if ((opts.engine ?? 'auto') !== 'embedded' && zapUrl) {
      const { runZap } = await import('./zap-adapter.js');
      ctx.progress(`ZAP at ${zapUrl}`);
      alerts = await runZap({ apiUrl: zapUrl, ...(process.env['ZAP_API_KEY'] ? { apiKey: process.env['ZAP_API_KEY'] } : {}), target: start.href, active, signal: ctx.signal });
    } else if (opts.engine === 'zap') {
      throw new VigilError('VIGIL_ERR_USAGE', 'engine zap: set ZAP_API_URL (and ZAP_API_KEY) to a running ZAP daemon');
    } else {
      alerts = await embedded(start, origin, opts, active, ctx);
    }
    const kept = rulesConfig ? rulesConfig.apply(alerts) : alerts.map((a) => ({ alert: a, severity: undefined }));
    for (const { alert, severity } of kept) yield alertToFinding(alert, origin, severity);
  }
}

async function embedded(start: URL, origin: string, opts: WebOptions, active: boolean, ctx: ScanContext): Promise<WebAlert[]> {
  const { createHttpClient } = await import('./http-client.js');
  const { crawl } = await import('./crawler.js');
  const { PASSIVE_RULES } = await import('./passive/index.js');
  const headers: Record<string, string> = { ...(opts.headers ?? {}) };
  if (opts.cookie) headers['cookie'] = opts.cookie;
  const client = createHttpClient({ origin, rps: opts.rps ?? 10, concurrency: opts.concurrency ?? 4, headers, signal: ctx.signal });
  const exclude = (opts.exclude === undefined ? [] : Array.isArray(opts.exclude) ? opts.exclude : [opts.exclude]).map((r) => new RegExp(r));
  const alerts: WebAlert[] = [];
  const passiveCtx = { origin, seen: new Set<string>() };
  const exchanges: Exchange[] = [];
  const errors: string[] = [];
  const passive = (ex: Exchange) => {
    for (const rule of PASSIVE_RULES) {
      try {
        alerts.push(...rule.check(ex, passiveCtx));
      } catch (e) {
        errors.push(`passive rule ${rule.id} on ${ex.request.url}: ${(e as Error).message}`);
      }
    }
  };
  ctx.progress(`crawling ${start.href}`);
  for await (const ex of crawl({
    start: start.href,
    client,
    ...(opts.maxDepth !== undefined ? { maxDepth: opts.maxDepth } : {}),
    ...(opts.maxPages !== undefined ? { maxPages: opts.maxPages } : {}),
    ...(opts.maxDurationSeconds !== undefined ? { maxDurationMs: opts.maxDurationSeconds * 1000 } : {}),
    exclude,
    ...(opts.login ? { login: opts.login } : {}),
    signal: ctx.signal,
    onError: (url: string, message: string) => errors.push(`${url}: ${message}`),
  })) {
    exchanges.push(ex);
    passive(ex);
    if (exchanges.length % 25 === 0) ctx.progress(`${exchanges.length} pages`);
  }
  if (opts.openapi) {
    const { openApiRequests } = await import('./openapi.js');
    const spec = /^https?:\/\//i.test(opts.openapi) ? opts.openapi : path.resolve(ctx.baseDir, opts.openapi);
    for (const req of await openApiRequests(spec, origin, client)) {
      if (exclude.some((r) => r.test(req.url))) continue;
      try {
        const ex: Exchange = { request: req, response: await client.send(req), source: 'openapi' };
        exchanges.push(ex);
        passive(ex);
      } catch (e) {
        errors.push(`${req.method} ${req.url}: ${(e as Error).message}`);
      }
    }
  }
  if (active) {
    const { ACTIVE_RULES, attackPoints } = await import('./active/index.js');
    const seen = new Set<string>();
    const points = exchanges.flatMap((ex) => attackPoints(ex)).filter((p) => {
      const key = `${p.method} ${new URL(p.url).pathname} ${p.location}:${p.param}`;
      if (seen.has(key)) return false;
      seen.add(key);
      return !exclude.some((r) => r.test(p.url));
    });
    ctx.progress(`active rules on ${points.length} parameters`);
    for (const p of points) {
      for (const rule of ACTIVE_RULES) {
        if (ctx.signal.aborted) throw ctx.signal.reason;
        try {
          alerts.push(...(await rule.run(p, client, ctx.signal)));
        } catch (e) {
          errors.push(`active rule ${rule.id} on ${p.param} of ${p.url}: ${(e as Error).message}`);
        }
      }
    }
  }
  if (errors.length) ctx.note?.(`${errors.length} request(s) failed or were cut short: ${errors.slice(0, 10).join('; ')}${errors.length > 10 ? '; …' : ''}`);
  ctx.note?.(`${exchanges.length} requests crawled${active ? ', active rules run' : ', passive rules only'}`);
  return alerts;
}

/** ZAP's risk on vigil's scale; an Informational alert is info, which the gate never counts (as ZAP's baseline). */
export function severityOfRisk(risk: number): Severity {
  return risk >= 3 ? 'high' : risk === 2 ? 'medium' : risk === 1 ? 'low' : 'info';
}

/** A ZAP-style alert as a Finding: the rule id is ZAP's plugin id, so both engines' findings dedup. */
export function alertToFinding(a: WebAlert, origin: string, severityOverride?: Severity): Finding {
  const info = ZAP_ALERTS[a.pluginId];
  const risk = a.risk ?? info?.risk ?? 1;
  const confidence = a.confidence ?? info?.confidence ?? 2;
  // the finding's place must not change from run to run: the origin for site-wide rules, and for a
  // parameter the page without its query (attack values, tokens, the parameter itself vary)
  const url = SITE_WIDE.has(a.pluginId) ? `${origin}/` : a.param ? withoutQuery(a.url) : a.url;
  const location = { kind: 'web' as const, url, method: a.method.toUpperCase(), ...(a.param ? { param: a.param } : {}) };
  const name = a.name ?? info?.name ?? `ZAP plugin ${a.pluginId}`;
  return createFinding({
    scanner: WEB_SCANNER_ID,
    ruleId: a.pluginId,
    title: name,
    severity: severityOverride ?? severityOfRisk(risk),
    confidence: confidence >= 3 ? 'high' : confidence === 2 ? 'medium' : 'low',
    cwe: info?.cweId ? [`CWE-${info.cweId}`] : [],
    location,
    evidence: [a.evidence, a.attack ? `attack: ${a.attack}` : '', a.url !== url ? `request: ${a.method.toUpperCase()} ${a.url}` : ''].filter(Boolean).join('\n').slice(0, 2000),
    remediation: info?.solution ?? '',
    references: info?.reference ? [info.reference] : [],
    tags: ['web', `zap:${a.pluginId}`, `risk:${RISK_NAMES[risk as 0 | 1 | 2 | 3] ?? risk}`, ...(info?.wascId ? [`WASC-${info.wascId}`] : [])],
    // the name matters for plugins with variants (10055's directives): one finding per variant
    fingerprintContext: a.name ?? '',
  });
}

function withoutQuery(u: string): string {
  try {
    const x = new URL(u);
    return `${x.origin}${x.pathname}`;
  } catch {
    return u.split('?')[0]!;
  }
}

interface LoadedRulesConfig {
  apply(alerts: WebAlert[]): { alert: WebAlert; severity: Severity | undefined }[];
}

async function loadRulesConfig(file: string): Promise<LoadedRulesConfig> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch {
    throw new VigilError('VIGIL_ERR_INPUT_NOT_FOUND', 'no such ZAP rules file', { file });
  }
  const rc = await import('./rules-config.js');
  const parsed = rc.parseRulesConfig(text, file);
  return { apply: (alerts) => rc.applyRulesConfig(alerts, parsed) };
}

function checkOptions(raw: Readonly<Record<string, unknown>>): WebOptions {
  const bad = (problem: string): never => {
    throw new VigilError('VIGIL_ERR_CONFIG_INVALID', `web: ${problem}`);
  };
  for (const k of Object.keys(raw)) if (!(OPTION_KEYS as readonly string[]).includes(k)) bad(`unknown option "${k}" (known: ${OPTION_KEYS.join(', ')})`);
  if (raw['active'] !== undefined && typeof raw['active'] !== 'boolean') bad('active is true or false');
  for (const k of ['maxDepth', 'maxPages', 'maxDurationSeconds', 'rps', 'concurrency']) {
    const v = raw[k];
    if (v !== undefined && !(Number.isInteger(v) && (v as number) >= 0)) bad(`${k} is a whole number`);
  }
  const ex = raw['exclude'];
  for (const r of ex === undefined ? [] : Array.isArray(ex) ? ex : [ex]) {
    if (typeof r !== 'string') bad('exclude is a regex or a list of them');
    try {
      new RegExp(r as string);
    } catch (e) {
      bad(`exclude: bad regex ${JSON.stringify(r)}: ${(e as Error).message}`);
    }
  }
  if (raw['engine'] !== undefined && !['auto', 'embedded', 'zap'].includes(String(raw['engine']))) bad(`engine "${String(raw['engine'])}" is not auto, embedded or zap`);
  return raw as WebOptions;
}

/** The registry's factory. */
export function createWebScanner(): Scanner {
  return new WebScanner();
}
