/**
 * Just enough JWT reading to tell a Supabase service-role key from any other token: the signature
 * is never checked (a leaked key is a finding whether or not we could verify it).
 */

/** A JWT's decoded header and payload, when both are JSON objects. */
export interface DecodedJwt {
  header: Record<string, unknown>;
  payload: Record<string, unknown>;
}

/** Three base64url segments; header and payload start `eyJ` because they are JSON objects (`{"`). */
export const JWT_SHAPE = /^eyJ[A-Za-z0-9_-]+\.eyJ[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*$/;

/** Decode a compact JWS; undefined unless the header is a JSON object with `alg` and the payload a JSON object. */
export function decodeJwt(token: string): DecodedJwt | undefined {
  if (!JWT_SHAPE.test(token)) return undefined;
  const [h, p] = token.split('.');
  const header = jsonObject(h!);
  if (!header || typeof header.alg !== 'string') return undefined;
  const payload = jsonObject(p!);
  return payload ? { header, payload } : undefined;
}

function jsonObject(segment: string): Record<string, unknown> | undefined {
  try {
    const v: unknown = JSON.parse(Buffer.from(segment, 'base64url').toString('utf8'));
    return v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}
