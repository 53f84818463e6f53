import path from 'node:path';
import { normalisePath } from '../../src/model/location.js';
import { isObject, own, str } from './sarif-resolve.js';
import type { SarifArtifactLocation, SarifRun } from './sarif-types.js';

/** `scheme:` at the start of a URI; a Windows drive (`C:/`) is a path, not a scheme. */
const SCHEME = /^[A-Za-z][A-Za-z0-9+.-]*:/;
const DRIVE = /^[A-Za-z]:[\\/]/;

/** Local path of a `file:` URI (`file:///C:/x` → `C:/x`), or undefined for a remote host or bad URI. */
export function fileUriToPath(uri: string): string | undefined {
  let url: URL;
  try {
    url = new URL(uri);
  } catch {
    return undefined;
  }
  if (url.protocol !== 'file:' || (url.hostname !== '' && url.hostname !== 'localhost')) return undefined;
  let p: string;
  try {
    p = decodeURIComponent(url.pathname);
  } catch {
    p = url.pathname;
  }
  return /^\/[A-Za-z]:\//.test(p) ? p.slice(1) : p;
}

/** True when `p` is `dir` or lies below it. Both must be absolute. */
export function isInside(dir: string, p: string): boolean {
  const rel = path.relative(dir, p);
  return rel === '' || (!rel.startsWith('..') && !path.isAbsolute(rel));
}

/** An absolute path made relative to baseDir (forward slashes) when inside it, else kept as is. */
function relativeToBase(abs: string, baseDir: string): string {
  if (!DRIVE.test(abs) && path.isAbsolute(abs) && isInside(baseDir, abs)) {
    return path.relative(baseDir, abs).split(path.sep).join('/') || '.';
  }
  return normalisePath(abs);
}

function decode(uri: string): string {
  try {
    return decodeURIComponent(uri);
  } catch {
    return uri;
  }
}

/**
 * The absolute URI a `uriBaseId` stands for, following `originalUriBaseIds` (which may chain
 * through their own `uriBaseId`). Undefined when the base is not given in the log, as is usual:
 * `%SRCROOT%` is then simply "the checkout", which is what a relative path already means.
 */
function resolveBaseUri(run: SarifRun, id: string, depth = 0): string | undefined {
  if (depth > 8) return undefined; // a cycle of bases
  const entry = own(run.originalUriBaseIds, id);
  if (!isObject(entry)) return undefined;
  const uri = str(entry.uri);
  if (uri === undefined) return undefined;
  if (SCHEME.test(uri) && !DRIVE.test(uri)) return uri;
  const parentId = str(entry.uriBaseId);
  if (parentId === undefined) return undefined;
  const parent = resolveBaseUri(run, parentId, depth + 1);
  if (parent === undefined) return undefined;
  try {
    return new URL(uri, parent.endsWith('/') ? parent : `${parent}/`).href;
  } catch {
    return undefined;
  }
}

/**
 * The finding path for a SARIF artifact location. `file:` URIs and absolute paths become
 * relative to `baseDir` when they lie inside it; a relative URI whose `uriBaseId` resolves to a
 * folder inside `baseDir` is joined to it; any other relative URI is kept as the tool wrote it
 * (relative to the checkout it scanned, which is what GitHub assumes too).
 */
export function artifactPath(run: SarifRun, al: SarifArtifactLocation, baseDir: string): string | undefined {
  const uri = str(al.uri);
  if (uri === undefined || uri === '') return undefined;
  if (DRIVE.test(uri)) return normalisePath(uri);
  if (SCHEME.test(uri)) {
    if (!/^file:/i.test(uri)) return uri; // http(s) and other schemes are kept as identifiers
    const local = fileUriToPath(uri);
    return local === undefined ? uri : relativeToBase(local, baseDir);
  }
  if (uri.startsWith('/')) return relativeToBase(decode(uri), baseDir);
  const baseId = str(al.uriBaseId);
  if (baseId !== undefined) {
    const base = resolveBaseUri(run, baseId);
    const baseLocal = base === undefined ? undefined : fileUriToPath(base.endsWith('/') ? base : `${base}/`);
    if (baseLocal !== undefined && !DRIVE.test(baseLocal) && isInside(baseDir, baseLocal)) {
      return relativeToBase(path.resolve(baseLocal, decode(uri)), baseDir);
    }
  }
  return normalisePath(path.posix.normalize(decode(uri).replace(/\\/g, '/')));
}
