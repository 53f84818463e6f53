/**
 * ZAP 10003 (Vulnerable JS Library): recognise client-side libraries by file name (a page's
 * `<script src>`, a JavaScript response's URL) and by banner comment (a JavaScript body), and
 * compare the version with the advisories in rules/web/js-libraries.json.
 */
import { readFileSync } from 'node:fs';
import { VigilError } from '../../../src/errors.js';
import { shippedPath } from '../../../src/util/package-path.js';
import type { Exchange, PassiveRule, WebAlert } from '../types.js';
import { findTags, firstTime, isHtml, isJavaScript, makeAlert, resolveUrl, urlOf } from './util.js';

export interface JsAdvisory {
  id: string;
  summary?: string;
  /** First fixed version (exclusive upper bound). */
  below: string;
  /** First affected version (inclusive lower bound); none means every earlier version. */
  atOrAbove?: string;
}

export interface JsLibrary {
  files: string[];
  banners: string[];
  vulnerabilities: JsAdvisory[];
}

export interface JsLibraryDb {
  version: number;
  libraries: Record<string, JsLibrary>;
}

interface CompiledLibrary {
  name: string;
  files: RegExp[];
  banners: RegExp[];
  vulnerabilities: JsAdvisory[];
}

/** What `{version}` stands for in the patterns: dotted numbers and an optional pre-release tag. */
const VERSION_RE = '(\\d+(?:\\.\\d+){1,3}(?:-?(?:alpha|beta|rc|pre)[.-]?\\d*)?)';

/** Bytes of a JavaScript body searched for a banner: banners sit at the top of a build. */
const BANNER_WINDOW = 2048;

/** Compare two versions numerically; a pre-release sorts before its release (3.0.0-beta1 < 3.0.0). */
export function compareVersions(a: string, b: string): number {
  const split = (v: string): { nums: number[]; pre: string } => {
    const m = /^(\d+(?:\.\d+)*)(.*)$/.exec(v.trim());
    return { nums: (m?.[1] ?? '0').split('.').map(Number), pre: (m?.[2] ?? '').replace(/^[-.]/, '') };
  };
  const x = split(a);
  const y = split(b);
  for (let i = 0; i < Math.max(x.nums.length, y.nums.length); i++) {
    const d = (x.nums[i] ?? 0) - (y.nums[i] ?? 0);
    if (d !== 0) return Math.sign(d);
  }
  if (x.pre === y.pre) return 0;
  if (!x.pre) return 1;
  if (!y.pre) return -1;
  return x.pre < y.pre ? -1 : 1;
}

/** The advisories whose range contains `version`. */
export function advisoriesFor(lib: Pick<JsLibrary, 'vulnerabilities'>, version: string): JsAdvisory[] {
  return lib.vulnerabilities.filter((v) => compareVersions(version, v.below) < 0 && (v.atOrAbove === undefined || compareVersions(version, v.atOrAbove) >= 0));
}

function compile(pattern: string, file: string, where: string): RegExp {
  try {
    return new RegExp(pattern.split('{version}').join(VERSION_RE), 'i');
  } catch (e) {
    throw new VigilError('VIGIL_ERR_INTERNAL', `rules/web/js-libraries.json: ${where}: bad regex: ${(e as Error).message}`, { file });
  }
}

/** Check and compile a database (exported for tests and for alternative databases). */
export function compileDb(data: unknown, file = 'rules/web/js-libraries.json'): CompiledLibrary[] {
  const bad = (why: string): VigilError => new VigilError('VIGIL_ERR_INTERNAL', `rules/web/js-libraries.json: ${why}`, { file });
  if (typeof data !== 'object' || data === null || typeof (data as JsLibraryDb).libraries !== 'object') throw bad('no "libraries" object');
  const out: CompiledLibrary[] = [];
  for (const [name, lib] of Object.entries((data as JsLibraryDb).libraries)) {
    const strs = (v: unknown): v is string[] => Array.isArray(v) && v.every((s) => typeof s === 'string');
    if (!strs(lib.files) || !strs(lib.banners)) throw bad(`${name}: files and banners must be lists of strings`);
    if (!Array.isArray(lib.vulnerabilities)) throw bad(`${name}: vulnerabilities must be a list`);
    for (const v of lib.vulnerabilities) {
      if (typeof v.id !== 'string' || typeof v.below !== 'string') throw bad(`${name}: every advisory needs an id and a "below" version`);
    }
    out.push({
      name,
      files: lib.files.map((p, i) => compile(p, file, `${name}.files[${i}]`)),
      banners: lib.banners.map((p, i) => compile(p, file, `${name}.banners[${i}]`)),
      vulnerabilities: lib.vulnerabilities,
    });
  }
  return out;
}

let cached: CompiledLibrary[] | undefined;

/** The shipped database, read once per process. */
export function loadJsLibraries(): CompiledLibrary[] {
  if (cached) return cached;
  const file = shippedPath('rules', 'web', 'js-libraries.json');
  if (!file) throw new VigilError('VIGIL_ERR_INTERNAL', 'rules/web/js-libraries.json is missing from this install');
  let data: unknown;
  try {
    data = JSON.parse(readFileSync(file, 'utf8'));
  } catch (e) {
    throw new VigilError('VIGIL_ERR_INTERNAL', `rules/web/js-libraries.json cannot be read: ${(e as Error).message}`, { file }, { cause: e });
  }
  cached = compileDb(data, file);
  return cached;
}

export interface LibraryHit {
  library: string;
  version: string;
  evidence: string;
}

/** Libraries named by a script URL. */
export function identifyByUrl(url: string, libs = loadJsLibraries()): LibraryHit[] {
  let path = url;
  try {
    const u = new URL(url);
    path = u.pathname;
  } catch {
    // a bare file name is fine too
  }
  const out: LibraryHit[] = [];
  for (const lib of libs) {
    for (const re of lib.files) {
      const m = re.exec(path);
      if (m?.[1]) {
        out.push({ library: lib.name, version: m[1], evidence: m[0].replace(/^\//, '') });
        break;
      }
    }
  }
  return out;
}

/** Libraries named by a banner comment near the top of a JavaScript body. */
export function identifyByBanner(body: string, libs = loadJsLibraries()): LibraryHit[] {
  const head = body.slice(0, BANNER_WINDOW);
  const out: LibraryHit[] = [];
  for (const lib of libs) {
    for (const re of lib.banners) {
      const m = re.exec(head);
      if (m?.[1]) {
        out.push({ library: lib.name, version: m[1], evidence: m[0] });
        break;
      }
    }
  }
  return out;
}

function toAlert(ex: Exchange, hit: LibraryHit, where: string): WebAlert | undefined {
  const lib = loadJsLibraries().find((l) => l.name === hit.library);
  const advisories = lib ? advisoriesFor(lib, hit.version) : [];
  if (advisories.length === 0) return undefined;
  const ids = [...new Set(advisories.map((a) => a.id))];
  return makeAlert(ex, '10003', {
    evidence: hit.evidence,
    otherInfo: [`The identified library ${hit.library}, version ${hit.version} is vulnerable (${where}).`, ...ids.map((id) => `${id}: ${advisories.find((a) => a.id === id)?.summary ?? ''}`.trim())].join('\n'),
  });
}

export const vulnerableJsLibrary: PassiveRule = {
  id: '10003',
  check(ex, ctx) {
    const out: WebAlert[] = [];
    const push = (hit: LibraryHit, scriptUrl: string, where: string): void => {
      // one alert per script and library, however many pages include it
      if (!firstTime(ctx, `10003|${scriptUrl}|${hit.library}|${hit.version}`)) return;
      const a = toAlert(ex, hit, where);
      if (a) out.push(a);
    };
    if (isJavaScript(ex)) {
      const url = urlOf(ex);
      const hits = identifyByUrl(url);
      for (const h of hits) push(h, url, 'file name');
      for (const h of identifyByBanner(ex.response.body)) if (!hits.some((x) => x.library === h.library)) push(h, url, 'banner comment');
    } else if (isHtml(ex)) {
      // scripts on other origins (CDNs) are never fetched by the crawler, so their names are all there is
      for (const t of findTags(ex.response.body, ['script'])) {
        const src = t.attrs['src'];
        const u = src ? resolveUrl(src, urlOf(ex)) : undefined;
        if (!u) continue;
        for (const h of identifyByUrl(u.href)) push(h, u.href, `script ${u.href}`);
      }
    }
    return out;
  },
};
