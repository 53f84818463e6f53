/**
 * How npm-family lockfiles write where a package came from. npm, pnpm and yarn share the
 * vocabulary of package.json specs: semver ranges and tags come from a registry; git URLs,
 * `user/repo` shorthands, `file:`/`link:`/`portal:` paths and tarball URLs do not.
 */
import { lastLineTerminator, lineEnd } from '../../../src/util/line-terminators.js';

/** git in any of npm's spellings: `git+https:`, `git:`, `ssh:`, `github:`, `….git#ref`. */
export function isGitSpec(spec: string): boolean {
  return /^git(?:\+[^:]+)?:|^ssh:|^(?:github|gitlab|bitbucket|gist):|\.git(?:#|$)|^https?:\/\/codeload\.github\.com\//i.test(spec);
}

/** A local path: `file:`, `link:`, `portal:`, or a bare relative/absolute path. */
export function isLocalSpec(spec: string): boolean {
  return /^(?:file|link|portal):/i.test(spec) || /^(?:\.{1,2}\/|\/|~\/)/.test(spec);
}

/** The `user/repo` GitHub shorthand package.json allows (but not `@scope/name`). */
export function isGithubShorthand(spec: string): boolean {
  return /^[\w.-]+\/[\w.-]+(?:#.*)?$/.test(spec) && !spec.startsWith('@');
}

/**
 * A tarball URL with the path registries serve (`…/name/-/name-1.2.3.tgz`): npmjs, the yarn
 * mirror, Artifactory, Verdaccio and GitHub's npm registry all use it; a hand-picked tarball URL
 * rarely does.
 */
export function isNpmRegistryTarball(url: string): boolean {
  // what /^https?:\/\/[^/]+\/(?:.*\/)?-\/[^/]+\.tgz(?:[?#].*)?$/i says, read part by part: with a
  // line break in the URL (which `.` cannot take) that regex tried every `.tgz` of the last
  // segment and scanned to the break from each (quadratic in a lockfile's `resolved` string)
  const scheme = /^https?:\/\//i.exec(url);
  if (!scheme) return false;
  const hostEnd = url.indexOf('/', scheme[0].length);
  if (hostEnd <= scheme[0].length) return false;
  const path = hostEnd + 1;
  const lastBreak = lastLineTerminator(url);
  /** `-/`, a file name ending in `.tgz`, then nothing or a query/fragment without line breaks. */
  const tarballAt = (dash: number): boolean => {
    if (!url.startsWith('-/', dash)) return false;
    const name = dash + 2;
    let segmentEnd = url.indexOf('/', name);
    if (segmentEnd < 0) segmentEnd = url.length;
    // within this segment only: a search to the end of the URL from every `-/` would be quadratic again
    for (let dot = name + 1; dot + 4 <= segmentEnd; dot++) {
      if (url[dot] !== '.' || !asciiEqualsIgnoreCase(url, dot + 1, 'tgz')) continue;
      const after = dot + 4;
      if (after === url.length || ((url[after] === '?' || url[after] === '#') && lastBreak < after)) return true;
    }
    return false;
  };
  if (tarballAt(path)) return true;
  // `(?:.*\/)?`: any slash the path reaches before a line break
  const firstBreak = lineEnd(url, path);
  for (let slash = url.indexOf('/', path); slash >= 0 && slash < firstBreak; slash = url.indexOf('/', slash + 1)) {
    if (tarballAt(slash + 1)) return true;
  }
  return false;
}

/** `s` at `at` spells `lower` (lower-case ASCII letters) in any case, as a regex's `i` flag reads ASCII. */
function asciiEqualsIgnoreCase(s: string, at: number, lower: string): boolean {
  for (let k = 0; k < lower.length; k++) {
    const c = s.charCodeAt(at + k);
    if ((c >= 0x41 && c <= 0x5a ? c + 0x20 : c) !== lower.charCodeAt(k)) return false;
  }
  return true;
}

/** Whether a package.json-style spec (`^1.2.0`, `npm:real@^1`, `file:../x`, `git+ssh://…`) resolves through a registry. */
export function specFromRegistry(spec: string): boolean {
  const s = spec.trim();
  if (s.startsWith('npm:')) {
    const inner = s.slice(4);
    const at = inner.lastIndexOf('@');
    return at > 0 ? specFromRegistry(inner.slice(at + 1)) : true;
  }
  if (isGitSpec(s) || isLocalSpec(s) || isGithubShorthand(s)) return false;
  // a tarball URL in the spec is a direct download even when it points at a registry host
  if (/^https?:/i.test(s)) return false;
  return true;
}

/** Whether a lockfile's `resolved` URL (npm, yarn v1) is a registry download. */
export function resolvedFromRegistry(resolved: string): boolean {
  if (isGitSpec(resolved) || isLocalSpec(resolved)) return false;
  if (/^https?:/i.test(resolved)) return isNpmRegistryTarball(resolved);
  return true;
}

/** Split `@scope/name@range` or `name@range` at the `@` that ends the name. */
export function splitDescriptor(descriptor: string): { name: string; range: string } | undefined {
  const at = descriptor.indexOf('@', descriptor.startsWith('@') ? 1 : 0);
  if (at <= 0) return undefined;
  return { name: descriptor.slice(0, at), range: descriptor.slice(at + 1) };
}

/** The real package behind an `npm:` alias range (`npm:debug@2.6.9` → `debug`), else undefined. */
export function aliasTarget(range: string): string | undefined {
  if (!range.startsWith('npm:')) return undefined;
  const inner = range.slice(4);
  const parts = splitDescriptor(inner);
  // `npm:debug` with no range is also an alias
  return parts ? parts.name : inner || undefined;
}
