/**
 * Advisory store budgets: importing 200,000 OSV advisories (OSV's all.zip shape, 40,000 npm, PyPI
 * and Maven packages, 1-3 ranges each) into a fresh SQLite ledger under 60 s, the database under
 * 1 GB; then the audit's lookup of a 5,000-component SBOM, which is part of the audit's 1 s.
 */
import { spawnSync } from 'node:child_process';
import { closeSync, mkdirSync, mkdtempSync, openSync, rmSync, statSync, writeFileSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { crc32, deflateRawSync } from 'node:zlib';
import { importAdvisories } from '../src/advisories/index.js';
import { openLedger } from '../src/ledger/index.js';
import type { OsvAdvisory } from '../scanners/deps/model.js';
import { audit } from '../scanners/deps/audit.js';
import { loadSbom } from '../scanners/deps/sbom/index.js';
import { info, report, timed } from './lib.js';

const ADVISORIES = 200_000;
const PACKAGES = 40_000;
const SBOM = 5_000;

/** A small deterministic PRNG (mulberry32), so every run generates the same data. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const WORDS = (
  'an attacker can craft a request that causes the parser to allocate memory without bound leading to denial of service ' +
  'the function fails to validate untrusted input before passing it to the template engine which allows remote code execution ' +
  'prototype pollution through a crafted object key lets a remote user change application behaviour and bypass checks ' +
  'users are advised to upgrade there is no known workaround other than validating input before it reaches the library'
).split(' ');
const GHSA_CHARS = '23456789cfghjmpqrvwx';

interface Pkg {
  ecosystem: 'npm' | 'PyPI' | 'Maven';
  name: string;
}

/** 40,000 package names shaped like each registry's: half npm (some scoped), a quarter each PyPI and Maven. */
function packages(rand: () => number): Pkg[] {
  const out: Pkg[] = [];
  for (let i = 0; i < PACKAGES; i++) {
    const r = rand();
    if (i % 4 < 2) out.push({ ecosystem: 'npm', name: r < 0.3 ? `@scope-${i % 977}/lib-${i}` : `node-lib-${i}` });
    else if (i % 4 === 2) out.push({ ecosystem: 'PyPI', name: r < 0.2 ? `Py_Lib.${i}` : `py-lib-${i}` });
    else out.push({ ecosystem: 'Maven', name: `org.example${i % 1013}.group:artifact-${i}` });
  }
  return out;
}

function ghsaId(i: number): string {
  let s = '';
  let n = i * 7919 + 104729;
  for (let k = 0; k < 12; k++) {
    s += GHSA_CHARS[n % 20];
    n = Math.floor(n / 20) + k * 31;
  }
  // The index keeps ids unique whatever the digits above collide on.
  return `GHSA-${s.slice(0, 4)}-${s.slice(4, 8)}-${i.toString(36).padStart(4, '2')}`;
}

function words(rand: () => number, n: number): string {
  const out: string[] = [];
  for (let i = 0; i < n; i++) out.push(WORDS[Math.floor(rand() * WORDS.length)]!);
  return out.join(' ');
}

/** One advisory as GitHub's and PyPA's OSV exports write them: 1-3 ranges, references, CWE ids. */
function advisory(i: number, pkgs: Pkg[], rand: () => number): OsvAdvisory {
  const pkg = pkgs[Math.floor(rand() * pkgs.length)]!;
  const year = 2015 + (i % 10);
  const published = new Date(Date.UTC(year, i % 12, 1 + (i % 28), i % 24, i % 60)).toISOString();
  const modified = new Date(Date.parse(published) + (i % 500) * 86_400_000 + 123_456).toISOString().replace('Z', `${String(i % 1000).padStart(3, '0')}Z`);
  const nRanges = 1 + Math.floor(rand() * 3);
  const purl = pkg.ecosystem === 'Maven' ? `pkg:maven/${pkg.name.replace(':', '/')}` : `pkg:${pkg.ecosystem.toLowerCase()}/${pkg.name}`;
  const affected: NonNullable<OsvAdvisory['affected']> = [];
  for (let r = 0; r < nRanges; r++) {
    const major = r * 2 + Math.floor(rand() * 2);
    const lastAffected = pkg.ecosystem === 'PyPI' && rand() < 0.1;
    affected.push({
      package: { ecosystem: pkg.ecosystem, name: pkg.name, purl },
      ranges: [
        {
          type: 'ECOSYSTEM',
          events: [{ introduced: r === 0 ? '0' : `${major}.0.0` }, lastAffected ? { last_affected: `${major}.${Math.floor(rand() * 9)}.9` } : { fixed: `${major}.${1 + Math.floor(rand() * 9)}.${Math.floor(rand() * 20)}` }],
        },
      ],
      ...(pkg.ecosystem === 'PyPI' ? { versions: Array.from({ length: 3 + Math.floor(rand() * 12) }, (_, v) => `${major}.${v >> 2}.${v & 3}`) } : {}),
      database_specific: { source: `https://github.com/github/advisory-database/blob/main/advisories/github-reviewed/${year}/${ghsaId(i)}.json` },
    });
  }
  const cve = `CVE-${year}-${10000 + (i % 89_999)}`;
  return {
    schema_version: '1.6.0',
    id: ghsaId(i),
    modified,
    published,
    aliases: [cve],
    summary: `${words(rand, 3)} in ${pkg.name}`.slice(0, 120),
    details: words(rand, 30 + Math.floor(rand() * 180)),
    severity: [{ type: 'CVSS_V3', score: `CVSS:3.1/AV:N/AC:${rand() < 0.5 ? 'L' : 'H'}/PR:N/UI:N/S:U/C:H/I:H/A:${rand() < 0.5 ? 'H' : 'N'}` }],
    affected,
    references: [
      { type: 'ADVISORY', url: `https://nvd.nist.gov/vuln/detail/${cve}` },
      { type: 'WEB', url: `https://github.com/example/${pkg.name.replace(/[^a-z0-9]+/gi, '-')}/issues/${i % 5000}` },
      { type: 'PACKAGE', url: `https://example.org/packages/${encodeURIComponent(pkg.name)}` },
    ],
    database_specific: { cwe_ids: [`CWE-${20 + (i % 900)}`], severity: ['LOW', 'MODERATE', 'HIGH', 'CRITICAL'][i % 4], github_reviewed: true, github_reviewed_at: published, nvd_published_at: published },
  };
}

/**
 * Stream `count` entries into a zip at `file`: local headers and data as they come, the central
 * directory (a few dozen bytes an entry) at the end, with zip64 end records as OSV's own
 * all.zip carries for more than 65,535 entries.
 */
function writeZip(file: string, count: number, entry: (i: number) => { name: string; data: Buffer }): number {
  const fd = openSync(file, 'w');
  const central: Buffer[] = [];
  let offset = 0;
  let raw = 0;
  const pending: Buffer[] = [];
  let pendingBytes = 0;
  const flush = () => {
    const b = Buffer.concat(pending, pendingBytes);
    writeSync(fd, b);
    pending.length = 0;
    pendingBytes = 0;
  };
  const put = (b: Buffer) => {
    pending.push(b);
    pendingBytes += b.length;
    offset += b.length;
    if (pendingBytes > 4 * 1024 * 1024) flush();
  };
  for (let i = 0; i < count; i++) {
    const { name, data } = entry(i);
    raw += data.length;
    const body = deflateRawSync(data);
    const crc = crc32(data) >>> 0;
    const nameBuf = Buffer.from(name, 'utf8');
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4);
    local.writeUInt16LE(0x0800, 6);
    local.writeUInt16LE(8, 8);
    local.writeUInt16LE(0x5821, 12);
    local.writeUInt32LE(crc, 14);
    local.writeUInt32LE(body.length, 18);
    local.writeUInt32LE(data.length, 22);
    local.writeUInt16LE(nameBuf.length, 26);
    const at = offset;
    put(local);
    put(nameBuf);
    put(body);
    const c = Buffer.alloc(46 + nameBuf.length);
    c.writeUInt32LE(0x02014b50, 0);
    c.writeUInt16LE(45, 4);
    c.writeUInt16LE(20, 6);
    c.writeUInt16LE(0x0800, 8);
    c.writeUInt16LE(8, 10);
    c.writeUInt16LE(0x5821, 14);
    c.writeUInt32LE(crc, 16);
    c.writeUInt32LE(body.length, 20);
    c.writeUInt32LE(data.length, 24);
    c.writeUInt16LE(nameBuf.length, 28);
    c.writeUInt32LE(at, 42);
    nameBuf.copy(c, 46);
    central.push(c);
  }
  const cdStart = offset;
  for (const c of central) put(c);
  const cdSize = offset - cdStart;
  const zip64At = offset;
  const z64 = Buffer.alloc(56);
  z64.writeUInt32LE(0x06064b50, 0);
  z64.writeBigUInt64LE(44n, 4);
  z64.writeUInt16LE(45, 12);
  z64.writeUInt16LE(45, 14);
  z64.writeBigUInt64LE(BigInt(count), 24);
  z64.writeBigUInt64LE(BigInt(count), 32);
  z64.writeBigUInt64LE(BigInt(cdSize), 40);
  z64.writeBigUInt64LE(BigInt(cdStart), 48);
  put(z64);
  const locator = Buffer.alloc(20);
  locator.writeUInt32LE(0x07064b50, 0);
  locator.writeBigUInt64LE(BigInt(zip64At), 8);
  locator.writeUInt32LE(1, 16);
  put(locator);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(Math.min(count, 0xffff), 8);
  end.writeUInt16LE(Math.min(count, 0xffff), 10);
  end.writeUInt32LE(Math.min(cdSize, 0xffffffff), 12);
  end.writeUInt32LE(Math.min(cdStart, 0xffffffff), 16);
  put(end);
  flush();
  closeSync(fd);
  return raw;
}

function fileMb(path: string): number {
  let size = 0;
  for (const s of ['', '-wal']) {
    try {
      size += statSync(path + s).size;
    } catch {
      // no WAL file once the ledger is closed cleanly
    }
  }
  return size / 1024 / 1024;
}

/** The SBOM the audit looks up: 5,000 packages drawn from those with advisories; `clean` in 10 renamed to ones without. */
function sbom(pkgs: Pkg[], cleanInTen: number): { ecosystem: string; name: string }[] {
  const pick = prng(7);
  return Array.from({ length: SBOM }, (_, i) => {
    const p = pkgs[Math.floor(pick() * pkgs.length)]!;
    return { ecosystem: p.ecosystem, name: i % 10 < cleanInTen ? `${p.name}-clean` : p.name };
  });
}

/** In a child process: import the zip into a new ledger; prints `{ ms, summary, maxRssMb }`. */
async function childImport(zip: string, db: string): Promise<void> {
  const ledger = await openLedger(db);
  try {
    const [summary, ms] = await timed(() => importAdvisories(ledger.advisories, [zip]));
    process.stdout.write(JSON.stringify({ ms, summary, maxRssMb: process.resourceUsage().maxRSS / 1024 }));
  } finally {
    await ledger.close();
  }
}

/** In a child process, as `vigil scan deps` would be: open the ledger, look up one SBOM. */
async function childLookup(db: string, cleanInTen: number): Promise<void> {
  const keys = sbom(packages(prng(42)), cleanInTen);
  const [ledger, openMs] = await timed(() => openLedger(db));
  try {
    const [found, ms] = await timed(() => ledger.advisories.forPackages(keys));
    const advisories = [...found.values()].reduce((s, l) => s + l.length, 0);
    const [, again] = await timed(() => ledger.advisories.forPackages(keys));
    process.stdout.write(JSON.stringify({ ms, again, openMs, packages: found.size, advisories }));
  } finally {
    await ledger.close();
  }
}

/** A CycloneDX SBOM of the 5,000 packages, all at 1.0.0 under one root, for the audit. */
function writeSbomFile(file: string): void {
  const keys = sbom(packages(prng(42)), 9);
  const purlOf = (k: { ecosystem: string; name: string }) =>
    k.ecosystem === 'Maven'
      ? `pkg:maven/${k.name.replace(':', '/')}@1.0.0`
      : `pkg:${k.ecosystem.toLowerCase()}/${k.name.replace('@', '%40')}@1.0.0`;
  const seen = new Set<string>();
  const components = keys
    .map((k) => ({ 'bom-ref': purlOf(k), type: 'library', name: k.name, version: '1.0.0', purl: purlOf(k) }))
    .filter((c) => (seen.has(c['bom-ref']) ? false : (seen.add(c['bom-ref']), true)));
  const doc = {
    bomFormat: 'CycloneDX',
    specVersion: '1.5',
    version: 1,
    metadata: { component: { 'bom-ref': 'app', type: 'application', name: 'app', version: '1.0.0' } },
    components,
    dependencies: [{ ref: 'app', dependsOn: components.map((c) => c['bom-ref']) }],
  };
  writeFileSync(file, JSON.stringify(doc));
}

/** In a child process, as `vigil scan deps bom.json` would: read the SBOM and audit it against the store. */
async function childAudit(db: string, bom: string): Promise<void> {
  const ledger = await openLedger(db);
  try {
    const [findings, ms] = await timed(async () => audit(await loadSbom(bom), ledger.advisories));
    process.stdout.write(JSON.stringify({ ms, findings: findings.length }));
  } finally {
    await ledger.close();
  }
}

/** A package-lock.json v3 of 500 npm packages (50 direct, each with 9 of the rest beneath it). */
function writeLockfile(folder: string): void {
  const names = packages(prng(42)).filter((p) => p.ecosystem === 'npm' && !p.name.startsWith('@')).slice(0, 500).map((p) => p.name);
  const direct = names.slice(0, 50);
  const packagesField: Record<string, unknown> = {
    '': { name: 'bench-app', version: '1.0.0', dependencies: Object.fromEntries(direct.map((n) => [n, '^1.0.0'])) },
  };
  names.forEach((n, i) => {
    const deps = i < 50 ? names.slice(50 + i * 9, 50 + i * 9 + 9) : [];
    packagesField[`node_modules/${n}`] = {
      version: '1.0.0',
      resolved: `https://registry.npmjs.org/${n}/-/${n}-1.0.0.tgz`,
      integrity: `sha512-${Buffer.from(n.padEnd(64, '=')).toString('base64')}`,
      license: 'MIT',
      ...(deps.length ? { dependencies: Object.fromEntries(deps.map((d) => [d, '^1.0.0'])) } : {}),
    };
  });
  mkdirSync(folder, { recursive: true });
  writeFileSync(join(folder, 'package.json'), JSON.stringify({ name: 'bench-app', version: '1.0.0', dependencies: Object.fromEntries(direct.map((n) => [n, '^1.0.0'])) }, null, 2));
  writeFileSync(join(folder, 'package-lock.json'), JSON.stringify({ name: 'bench-app', version: '1.0.0', lockfileVersion: 3, requires: true, packages: packagesField }, null, 2));
}

function child<T>(...args: string[]): T {
  const r = spawnSync(process.execPath, [fileURLToPath(import.meta.url), ...args], { encoding: 'utf8', maxBuffer: 16 * 1024 * 1024 });
  if (r.status !== 0) throw new Error(`bench child ${args[0]} failed (${r.status}): ${r.stderr}`);
  return JSON.parse(r.stdout) as T;
}

export async function benchAdvisories(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'vigil-bench-adv-'));
  try {
    const rand = prng(42);
    const pkgs = packages(rand);
    const zip = join(dir, 'all.zip');
    const [raw, genMs] = await timed(async () =>
      writeZip(zip, ADVISORIES, (i) => {
        const a = advisory(i, pkgs, rand);
        // Pretty-printed, as OSV's and GitHub's exports are.
        return { name: `${a.id}.json`, data: Buffer.from(JSON.stringify(a, null, 2)) };
      }),
    );
    info(
      'advisories: generate 200,000 OSV advisories into all.zip',
      genMs,
      's',
      `${(raw / 1024 / 1024).toFixed(0)} MB of JSON, ${(statSync(zip).size / 1024 / 1024).toFixed(0)} MB zipped, ${PACKAGES.toLocaleString('en')} packages`,
    );

    // Each step in its own process, as the CLI runs them: memory and caches are the step's own.
    const db = join(dir, 'ledger.db');
    const imp = child<{ ms: number; summary: { added: number }; maxRssMb: number }>('import', zip, db);
    if (imp.summary.added !== ADVISORIES) throw new Error(`expected ${ADVISORIES} advisories added, got ${JSON.stringify(imp.summary)}`);
    report('advisories: import 200,000 from all.zip into SQLite', imp.ms, 's', 60_000, `${((ADVISORIES / imp.ms) * 1000).toFixed(0)} advisories/s`);
    info('advisories: peak memory (max RSS) of that import', imp.maxRssMb, 'MB', 'batches of 1,000 inside one transaction');
    report('advisories: SQLite database size with 200,000 advisories', fileMb(db), 'MB', 1024);

    for (const [clean, label] of [
      [9, '1 in 10 with advisories (typical)'],
      [0, 'all with advisories (worst case)'],
    ] as const) {
      const r = child<{ ms: number; again: number; openMs: number; packages: number; advisories: number }>('lookup', db, String(clean));
      info(
        `advisories: forPackages, 5,000 keys, ${label}`,
        r.ms,
        'ms',
        `${r.packages} packages, ${r.advisories} advisories; ${r.again.toFixed(0)} ms again in the same process`,
      );
    }

    const bom = join(dir, 'bom.json');
    writeSbomFile(bom);
    const a = child<{ ms: number; findings: number }>('audit', db, bom);
    report('deps: audit a 5,000-component SBOM against 200,000 advisories', a.ms, 'ms', 1000, `${a.findings} findings; SBOM read + lookup + match`);

    const project = join(dir, 'project');
    writeLockfile(project);
    const bin = fileURLToPath(new URL('../../bin/vigil.js', import.meta.url));
    const t = performance.now();
    const e2e = spawnSync(process.execPath, [bin, 'scan', 'deps', project, '--ledger', db, '--format', 'json', '--output', join(dir, 'out.json'), '--fail-on', 'none'], { encoding: 'utf8' });
    const ms = performance.now() - t;
    if (e2e.status !== 0) throw new Error(`vigil scan deps failed (${e2e.status}): ${e2e.stderr}`);
    report('deps: `vigil scan deps` on a 500-package lockfile, end to end', ms, 's', 3000, 'cyclonedx-npm SBOM + match + ledger + JSON');
  } finally {
    // VIGIL_BENCH_KEEP=1 keeps the store and project for profiling; the folder is printed.
    if (process.env.VIGIL_BENCH_KEEP) process.stderr.write(`kept ${dir}\n`);
    else rmSync(dir, { recursive: true, force: true });
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const [mode, a, b] = process.argv.slice(2);
  if (mode === 'import') await childImport(a!, b!);
  else if (mode === 'lookup') await childLookup(a!, Number(b));
  else if (mode === 'audit') await childAudit(a!, b!);
  else await benchAdvisories();
}
