import { hash } from 'node:crypto';

/**
 * Canonical JSON: object keys sorted, no whitespace, arrays in order, `undefined` members
 * dropped. Two equal values always give the same text, so their hashes agree.
 */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') {
    if (typeof value === 'number' && !Number.isFinite(value)) return 'null';
    return JSON.stringify(value) ?? 'null';
  }
  if (Array.isArray(value)) return `[${value.map((v) => (v === undefined ? 'null' : canonicalJson(v))).join(',')}]`;
  if (value instanceof Date) return JSON.stringify(value.toISOString());
  const keys = Object.keys(value).sort();
  const parts: string[] = [];
  for (const k of keys) {
    const v = (value as Record<string, unknown>)[k];
    if (v === undefined) continue;
    parts.push(`${JSON.stringify(k)}:${canonicalJson(v)}`);
  }
  return `{${parts.join(',')}}`;
}

/** The fields of an event that its hash covers. `data` is already canonical JSON text. */
export interface ChainedFields {
  seq: number;
  at: string;
  type: string;
  runId: string | null;
  findingId: number | null;
  actor: string | null;
  data: string;
  prevHash: string;
}

/**
 * SHA-256 over the canonical JSON of the event, with `data` inlined verbatim — the same text
 * `canonicalJson` would give for the whole record, built without re-parsing `data`.
 */
export function eventHash(e: ChainedFields): string {
  const text =
    `{"actor":${JSON.stringify(e.actor)},"at":${JSON.stringify(e.at)},"data":${e.data},` +
    `"findingId":${JSON.stringify(e.findingId)},"prev":${JSON.stringify(e.prevHash)},` +
    `"runId":${JSON.stringify(e.runId)},"seq":${e.seq},"type":${JSON.stringify(e.type)}}`;
  return hash('sha256', text);
}
