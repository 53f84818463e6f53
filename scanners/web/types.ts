/**
 * The vocabulary of the `web` scanner: requests and responses as the crawler and the rules see
 * them, alerts in ZAP's terms (plugin id, risk, confidence), and the small interfaces the parts
 * share (an HTTP client that never leaves the target's origin, passive and active rules).
 */

export interface WebRequest {
  method: string;
  /** Absolute URL. */
  url: string;
  /** Lower-case header names. */
  headers: Record<string, string>;
  body?: string;
}

export interface WebResponse {
  /** The URL that answered (after redirects the client followed, if any). */
  url: string;
  status: number;
  /** Lower-case names; repeated headers (set-cookie) as arrays. */
  headers: Record<string, string | string[]>;
  /** Decoded text (charset from Content-Type or meta, else UTF-8 with replacement), cut at the body limit. */
  body: string;
  /** Bytes received (after decompression), counting what was cut. */
  bodyBytes: number;
  truncated: boolean;
  elapsedMs: number;
  /** Redirect chain followed, first hop first (empty when none). */
  redirects: string[];
}

/** One request and what came back, with how it was found. */
export interface Exchange {
  request: WebRequest;
  response: WebResponse;
  source: 'crawl' | 'form' | 'openapi' | 'robots' | 'sitemap' | 'active';
}

/** ZAP's risk levels (0 informational … 3 high). */
export type ZapRisk = 0 | 1 | 2 | 3;
/** ZAP's confidence levels (1 low … 3 high, 4 confirmed; 0 false positive is never reported). */
export type ZapConfidence = 1 | 2 | 3 | 4;

/** One alert, as ZAP reports it (the catalogue in zap-alerts.ts gives name, CWE, WASC, solution by plugin id). */
export interface WebAlert {
  /** ZAP plugin id, e.g. `10020`. */
  pluginId: string;
  /** Overrides the catalogue's name when a plugin has variants (10055: "CSP: Wildcard Directive"). */
  name?: string;
  /** Overrides the catalogue's risk/confidence when the plugin varies them. */
  risk?: ZapRisk;
  confidence?: ZapConfidence;
  url: string;
  method: string;
  /** The parameter, header or cookie concerned. */
  param?: string;
  /** The attack string sent (active rules). */
  attack?: string;
  /** The text in the response that shows the problem. */
  evidence: string;
  otherInfo?: string;
  /** From a ZAP daemon: its alert reference (`10055-4` for a variant), and the CWE, WASC, solution and reference it gave (plugins outside the catalogue have no other source). */
  alertRef?: string;
  cweId?: number;
  wascId?: number;
  solution?: string;
  reference?: string;
}

/** An HTTP client bound to one target: it refuses any URL outside the target's origin. */
export interface HttpClient {
  /** Send one request (rate-limited, bounded in time and size); never follows a redirect off-origin. */
  send(req: WebRequest, opts?: { followRedirects?: boolean; timeoutMs?: number }): Promise<WebResponse>;
  /** The target's origin, e.g. `http://127.0.0.1:8080`. */
  readonly origin: string;
}

/** A passive rule: reads exchanges, sends nothing. */
export interface PassiveRule {
  /** ZAP plugin id. */
  id: string;
  check(ex: Exchange, ctx: PassiveContext): WebAlert[];
}

/** What passive rules may share across one scan (e.g. to report a site-wide header once per site). */
export interface PassiveContext {
  /** The target's origin. */
  origin: string;
  /** Keys already reported, for rules that report once per site or per cookie. */
  seen: Set<string>;
}

/** Where an active rule may put its payload. */
export interface AttackPoint {
  method: string;
  /** The URL as crawled (for query parameters, with the original values). */
  url: string;
  param: string;
  location: 'query' | 'form' | 'json' | 'path';
  /** The original value. */
  value: string;
  /** The other parameters of the same request, sent unchanged. */
  others: Record<string, string>;
  /** For form/json requests: the content type to send. */
  contentType?: string;
  /**
   * The original request body, if any: sent unchanged with query attacks, and the template for
   * form/JSON attacks (so JSON fields keep their types and non-string fields are kept).
   */
  body?: string;
}

/** An active rule: sends attacks through the client and reports what they prove. */
export interface ActiveRule {
  id: string;
  run(point: AttackPoint, client: HttpClient, signal?: AbortSignal): Promise<WebAlert[]>;
}
