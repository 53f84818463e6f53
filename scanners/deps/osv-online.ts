import { VigilError } from '../../src/errors.js';
import { packageKey } from '../../src/advisories/package-key.js';
import type { OsvAdvisory } from './model.js';

/** OSV's public API; OSV_API_URL points elsewhere (a mirror, or a replay in tests). */
export const DEFAULT_OSV_API = 'https://api.osv.dev';

export interface OnlineQuery {
  ecosystem: string;
  name: string;
  version: string;
}

/** Queries per querybatch request (OSV accepts up to 1,000). */
const BATCH = 1000;
/** Parallel GET /v1/vulns/{id} requests. */
const CONCURRENCY = 8;

/**
 * The optional online source: OSV's `querybatch` API, then each vulnerability's full record.
 * Off by default (`--online`); the offline store stays the default and the tests use it.
 */
export class OsvOnline {
  constructor(
    private readonly baseUrl: string = process.env.OSV_API_URL ?? DEFAULT_OSV_API,
    private readonly signal?: AbortSignal,
  ) {}

  /** Full advisories affecting each queried package version, keyed like the offline store. */
  async forComponents(queries: readonly OnlineQuery[]): Promise<Map<string, OsvAdvisory[]>> {
    const idsByKey = new Map<string, Set<string>>();
    for (let i = 0; i < queries.length; i += BATCH) {
      let pending = queries.slice(i, i + BATCH).map((q) => ({ q, token: undefined as string | undefined }));
      // A result with next_page_token has more vulnerabilities: ask again for just those queries.
      while (pending.length) {
        const body = {
          queries: pending.map(({ q, token }) => ({ package: { ecosystem: q.ecosystem, name: q.name }, version: q.version, ...(token ? { page_token: token } : {}) })),
        };
        const res = (await this.request('POST', '/v1/querybatch', body)) as { results?: { vulns?: { id: string }[]; next_page_token?: string }[] };
        if (!Array.isArray(res.results) || res.results.length !== pending.length) {
          throw this.error('/v1/querybatch', `expected ${pending.length} results, got ${Array.isArray(res.results) ? res.results.length : 'none'}`);
        }
        const next: typeof pending = [];
        res.results.forEach((r, j) => {
          const { q } = pending[j]!;
          const key = packageKey(q.ecosystem, q.name);
          const set = idsByKey.get(key) ?? new Set<string>();
          for (const v of r.vulns ?? []) if (typeof v?.id === 'string') set.add(v.id);
          idsByKey.set(key, set);
          if (typeof r.next_page_token === 'string' && r.next_page_token) next.push({ q, token: r.next_page_token });
        });
        pending = next;
      }
    }
    const ids = [...new Set([...idsByKey.values()].flatMap((s) => [...s]))];
    const records = new Map<string, OsvAdvisory>();
    let at = 0;
    await Promise.all(
      Array.from({ length: Math.min(CONCURRENCY, ids.length) }, async () => {
        while (at < ids.length) {
          const id = ids[at++]!;
          const rec = (await this.request('GET', `/v1/vulns/${encodeURIComponent(id)}`)) as OsvAdvisory;
          if (!rec || typeof rec.id !== 'string' || typeof rec.modified !== 'string') throw this.error(`/v1/vulns/${id}`, 'not an OSV record');
          records.set(id, rec);
        }
      }),
    );
    const out = new Map<string, OsvAdvisory[]>();
    for (const [key, set] of idsByKey) {
      const list = [...set].map((id) => records.get(id)!).filter(Boolean);
      if (list.length) out.set(key, list);
    }
    return out;
  }

  private async request(method: 'GET' | 'POST', path: string, body?: unknown): Promise<unknown> {
    const url = new URL(path, this.baseUrl).toString();
    let res: Response;
    try {
      res = await fetch(url, {
        method,
        headers: body ? { 'content-type': 'application/json' } : {},
        ...(body ? { body: JSON.stringify(body) } : {}),
        signal: this.signal ?? AbortSignal.timeout(60_000),
      });
    } catch (e) {
      throw this.error(path, `unreachable: ${(e as Error).message}`);
    }
    if (!res.ok) throw this.error(path, `HTTP ${res.status}`);
    try {
      return await res.json();
    } catch {
      throw this.error(path, 'the response is not JSON');
    }
  }

  private error(path: string, problem: string): VigilError {
    return new VigilError('VIGIL_ERR_OSV_ONLINE', `OSV API ${this.baseUrl}${path}: ${problem}`);
  }
}

/** Merge online results into offline ones: one record per id, the newer `modified` wins. */
export function mergeAdvisoryMaps(a: Map<string, OsvAdvisory[]>, b: Map<string, OsvAdvisory[]>): Map<string, OsvAdvisory[]> {
  const out = new Map<string, OsvAdvisory[]>();
  for (const key of new Set([...a.keys(), ...b.keys()])) {
    const byId = new Map<string, OsvAdvisory>();
    for (const adv of [...(a.get(key) ?? []), ...(b.get(key) ?? [])]) {
      const have = byId.get(adv.id);
      if (!have || Date.parse(adv.modified) > Date.parse(have.modified)) byId.set(adv.id, adv);
    }
    out.set(key, [...byId.values()]);
  }
  return out;
}
