/**
 * Which names say "this holds a secret": `password`, `DB_PASSWORD`, `clientSecret`, `api-key`,
 * `auth_token`, `credentials.private_key`… and which only mention one (`tokenType`, `passwordHint`,
 * `author`).
 */

/** The secret words, found case-insensitively anywhere in a name; whole-component checks follow. */
export const SECRET_WORD = /passw(?:or)?d|secret|token|api[_-]?key|access[_-]?key|private[_-]?key|credential|auth/gi;

/** A name's components, lower case and joined by `_`, must contain one of these as whole components. */
const SECRET_COMPONENTS =
  /(?:^|_)(?:passwords?|passwd|secrets?|tokens?|apikeys?|api_keys?|accesskeys?|access_keys?|privatekeys?|private_keys?|credentials?|auth)(?:_|$)/;

/**
 * A last component after the secret word that makes the name describe a secret rather than hold
 * one: `token_type`, `passwordHint`, `secretName`, `access_key_id`, `authUrl`.
 */
const DESCRIBING_SUFFIXES = new Set([
  'name', 'names', 'type', 'types', 'kind', 'id', 'ids', 'url', 'uri', 'urls', 'endpoint', 'host', 'path',
  'file', 'filename', 'dir', 'field', 'fields', 'label', 'header', 'hint', 'placeholder', 'message', 'msg',
  'prompt', 'policy', 'pattern', 'regex', 'format', 'length', 'len', 'size', 'count', 'min', 'max', 'expiry',
  'expires', 'expiration', 'ttl', 'timeout', 'enabled', 'required', 'hash', 'hashed', 'algorithm', 'alg',
  'version', 'prefix', 'mode', 'scope', 'scopes', 'method', 'provider', 'strategy', 'ref', 'env', 'var',
  'store', 'storage', 'manager', 'service', 'error', 'errors', 'status', 'state', 'changed', 'reset',
]);

/** Split an identifier into lower-case words: `clientSecret` → client, secret; `DB_PASSWORD` → db, password; `APIKey` → api, key. */
export function nameComponents(name: string): string[] {
  return name
    .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
    .replace(/([A-Z]+)([A-Z][a-z])/g, '$1_$2')
    .toLowerCase()
    .split(/[^a-z0-9]+/)
    .filter(Boolean);
}

/** True when `name` (an identifier, a quoted key, a dotted path) names a secret it holds. */
export function isSecretName(name: string): boolean {
  const parts = nameComponents(name);
  const joined = parts.join('_');
  const m = SECRET_COMPONENTS.exec(joined);
  if (!m) return false;
  const after = joined.slice(m.index + m[0].length);
  const last = parts[parts.length - 1]!;
  // The describing word must come after the secret word: `typeToken` still holds a token.
  return !(after.length > 0 && DESCRIBING_SUFFIXES.has(last));
}
