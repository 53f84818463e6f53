/**
 * Memory of the target across a load run, from an endpoint on its own origin: Prometheus text
 * (prom-client's `nodejs_heap_size_used_bytes`, else `process_resident_memory_bytes`) or JSON
 * shaped like process.memoryUsage() (`heapUsed`, else `rss`; at the top or one level down, e.g.
 * `{ memory: { heapUsed } }`). The heap comes first: it is what a JavaScript leak grows, while
 * the resident size also rises under any load as buffers and the allocator's arenas grow, and
 * rarely falls back, which would make a healthy service look leaky.
 */
import { httpGet } from './http-get.js';

/** A metrics body is small; one past this is cut off and read as far as it goes. */
const MAX_METRICS_BYTES = 1024 * 1024;
const PROMETHEUS_NAMES = ['nodejs_heap_size_used_bytes', 'process_resident_memory_bytes'] as const;
const JSON_KEYS = ['heapUsed', 'rss'] as const;

export interface MemoryReading {
  bytes: number;
  /** Which figure: `prometheus:nodejs_heap_size_used_bytes`, `json:memory.heapUsed`… */
  source: string;
}

/** The memory figure in a metrics body; undefined when it holds none. */
export function parseMemory(body: string, format: 'auto' | 'prometheus' | 'json', contentType = ''): MemoryReading | undefined {
  const json = format === 'json' || (format === 'auto' && (/json/i.test(contentType) || body.trimStart().startsWith('{')));
  return json ? fromJson(body) : fromPrometheus(body);
}

function fromJson(body: string): MemoryReading | undefined {
  let v: unknown;
  try {
    v = JSON.parse(body);
  } catch {
    return undefined;
  }
  if (!isObject(v)) return undefined;
  for (const key of JSON_KEYS) {
    const n = v[key];
    if (isBytes(n)) return { bytes: n, source: `json:${key}` };
  }
  for (const key of JSON_KEYS) {
    for (const [outer, inner] of Object.entries(v)) {
      if (!isObject(inner)) continue;
      const n = inner[key];
      if (isBytes(n)) return { bytes: n, source: `json:${outer}.${key}` };
    }
  }
  return undefined;
}

/**
 * Prometheus text exposition, read line by line with indexOf and split (no regular expression):
 * `name{labels} value [timestamp]`. The first sample of the preferred metric wins.
 */
function fromPrometheus(body: string): MemoryReading | undefined {
  const found = new Map<string, number>();
  for (const raw of body.split('\n')) {
    const line = raw.trim();
    if (!line || line.startsWith('#')) continue;
    for (const name of PROMETHEUS_NAMES) {
      if (found.has(name) || !line.startsWith(name)) continue;
      let rest = line.slice(name.length);
      if (rest.startsWith('{')) {
        const close = rest.indexOf('}');
        if (close < 0) continue;
        rest = rest.slice(close + 1);
      } else if (rest && rest[0] !== ' ' && rest[0] !== '\t') continue; // a longer name that starts the same
      const value = Number(rest.trim().split(/\s/, 1)[0]);
      if (isBytes(value)) found.set(name, value);
    }
  }
  for (const name of PROMETHEUS_NAMES) {
    const v = found.get(name);
    if (v !== undefined) return { bytes: v, source: `prometheus:${name}` };
  }
  return undefined;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

function isBytes(v: unknown): v is number {
  return typeof v === 'number' && Number.isFinite(v) && v > 0;
}

export interface SamplerOptions {
  url: URL;
  format: 'auto' | 'prometheus' | 'json';
  headers: Record<string, string>;
  timeoutMs: number;
  signal: AbortSignal;
  ca?: string[];
}

/**
 * Samples the endpoint every `intervalMs` while the load runs; a sample that fails or times out
 * under load is skipped (and counted), never waited on by the next one.
 */
export class MemorySampler {
  readonly samples: number[] = [];
  failed = 0;
  private timer: NodeJS.Timeout | undefined;
  private inFlight: Promise<void> | undefined;

  constructor(private readonly o: SamplerOptions) {}

  /** One reading; rejects with a sentence saying why there is none. */
  async read(): Promise<MemoryReading> {
    const r = await httpGet(this.o.url, { headers: this.o.headers, timeoutMs: this.o.timeoutMs, signal: this.o.signal, maxBytes: MAX_METRICS_BYTES, ...(this.o.ca ? { ca: this.o.ca } : {}) });
    if (r.status < 200 || r.status > 299) throw new Error(`answered ${r.status}`);
    const reading = parseMemory(r.body.toString('utf8'), this.o.format, String(r.headers['content-type'] ?? ''));
    if (!reading) throw new Error(`answered with no ${this.o.format === 'json' ? 'heapUsed or rss' : this.o.format === 'prometheus' ? `${PROMETHEUS_NAMES.join(' or ')}` : 'memory figure (heapUsed/rss in JSON, or nodejs_heap_size_used_bytes/process_resident_memory_bytes in Prometheus text)'}`);
    return reading;
  }

  /** Start sampling in the background. */
  start(intervalMs: number): void {
    this.timer = setInterval(() => {
      if (this.inFlight) return;
      this.inFlight = this.read()
        .then((r) => void this.samples.push(r.bytes))
        .catch(() => void this.failed++)
        .finally(() => (this.inFlight = undefined));
    }, intervalMs);
  }

  /** Stop sampling and wait for a sample in flight. */
  async stop(): Promise<void> {
    clearInterval(this.timer);
    await this.inFlight;
  }
}
