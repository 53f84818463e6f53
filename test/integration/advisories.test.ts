import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import pg from 'pg';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { importAdvisories, packageKey, type PackageRef } from '../../src/advisories/index.js';
import { VigilError } from '../../src/errors.js';
import { openLedger, type Ledger } from '../../src/ledger/index.js';
import type { OsvAdvisory } from '../../scanners/deps/model.js';
import { createTestDatabase } from '../helpers/pg.js';
import { buildZip, type ZipEntrySpec } from '../fixtures/advisories/zip-writer.js';

const FIXTURES = fileURLToPath(new URL('../fixtures/advisories/', import.meta.url));
const OSV = join(FIXTURES, 'osv');
const BAD = join(FIXTURES, 'bad');

/** The fixture folder's advisories, by file (relative to osv/). */
const FILES = [
  'npm/GHSA-c2qf-rxjj-qqgw.json',
  'npm/GHSA-p6mc-m468-83gw.json',
  'npm/GHSA-2222-3333-4444.json',
  'npm/batch.json',
  'PyPI/GHSA-j8r2-6x86-q33q.json',
  'PyPI/PYSEC-2023-74.json',
  'PyPI/PYSEC-2099-9001.json',
  'Maven/GHSA-jfh8-c2jp-5v3q.json',
  'Go/GO-2021-0113.json',
  'Debian/DSA-5021-1.json',
  'OSV-2024-git-only.json',
];

function fixture(rel: string): OsvAdvisory {
  return JSON.parse(readFileSync(join(OSV, rel), 'utf8')) as OsvAdvisory;
}

/** Every package key the fixtures name, and a few they do not. */
const KEYS: PackageRef[] = [
  { ecosystem: 'npm', name: 'semver' },
  { ecosystem: 'npm', name: 'lodash' },
  { ecosystem: 'npm', name: 'lodash-es' },
  { ecosystem: 'npm', name: 'left-pad' },
  { ecosystem: 'npm', name: 'minimist' },
  { ecosystem: 'npm', name: 'path-parse' },
  { ecosystem: 'PyPI', name: 'requests' },
  { ecosystem: 'PyPI', name: 'example-pkg-name' },
  { ecosystem: 'Maven', name: 'org.apache.logging.log4j:log4j-core' },
  { ecosystem: 'Go', name: 'golang.org/x/text' },
  { ecosystem: 'Debian', name: 'apache-log4j2' },
  { ecosystem: 'npm', name: 'not-a-package' },
];

type Dump = () => Promise<unknown>;

interface Store {
  name: string;
  setup(): Promise<{ location: string; exec: (sql: string) => Promise<void>; dump: Dump; teardown: () => Promise<void> }>;
}

const DUMP_SQL = [
  'select id, modified, withdrawn, aliases, summary, severity, data from advisories order by id',
  'select advisory_id, ecosystem, name, ecosystem_base, name_key from advisory_packages order by advisory_id, ecosystem, name',
];

const stores: Store[] = [
  {
    name: 'sqlite',
    async setup() {
      const dir = mkdtempSync(join(tmpdir(), 'vigil-adv-'));
      const file = join(dir, 'ledger.db');
      const withDb = <T>(fn: (db: Database.Database) => T): T => {
        const db = new Database(file);
        try {
          return fn(db);
        } finally {
          db.close();
        }
      };
      return {
        location: file,
        exec: async (sql) => withDb((db) => void db.exec(sql)),
        dump: async () => withDb((db) => DUMP_SQL.map((q) => db.prepare(q).all())),
        teardown: async () => rmSync(dir, { recursive: true, force: true }),
      };
    },
  },
  {
    name: 'postgres',
    async setup() {
      const { url, drop } = await createTestDatabase('vigil_adv');
      const withClient = async <T>(fn: (c: pg.Client) => Promise<T>): Promise<T> => {
        const c = new pg.Client({ connectionString: url });
        await c.connect();
        try {
          return await fn(c);
        } finally {
          await c.end();
        }
      };
      return {
        location: url,
        exec: (sql) => withClient(async (c) => void (await c.query(sql))),
        dump: () => withClient(async (c) => Promise.all(DUMP_SQL.map(async (q) => (await c.query(q)).rows))),
        teardown: drop,
      };
    },
  },
];

/** What a rejected import threw, for exact comparison. */
async function failure(p: Promise<unknown>): Promise<{ code: string; file?: string; line?: number; message: string }> {
  try {
    await p;
  } catch (e) {
    if (!(e instanceof VigilError)) throw e;
    return { code: e.code, file: e.file, line: e.line, message: e.message };
  }
  throw new Error('expected the import to fail');
}

/** `n` small valid advisories, each on its own npm package `pkg-<i>`. */
function generated(n: number, modified = '2024-01-01T00:00:00Z'): OsvAdvisory[] {
  return Array.from({ length: n }, (_, i) => ({
    id: `GHSA-gen0-${String(i).padStart(4, '0')}-test`,
    modified,
    summary: `generated ${i}`,
    affected: [{ package: { ecosystem: 'npm', name: `pkg-${i}` }, ranges: [{ type: 'SEMVER', events: [{ introduced: '0' }, { fixed: '1.0.0' }] }] }],
  }));
}

describe.each(stores)('advisory store on $name', (store) => {
  let ledger: Ledger;
  let dump: Dump;
  let exec: (sql: string) => Promise<void>;
  let teardown: () => Promise<void>;
  let tmp: string;
  let location: string;

  beforeAll(async () => {
    ({ location, exec, dump, teardown } = await store.setup());
    ledger = await openLedger(location);
    tmp = mkdtempSync(join(tmpdir(), 'vigil-adv-in-'));
  });
  afterAll(async () => {
    await ledger.close();
    await teardown();
    rmSync(tmp, { recursive: true, force: true });
  });
  beforeEach(async () => {
    await exec('delete from advisory_packages; delete from advisories;');
  });

  /** A scratch folder of its own for one test. */
  function scratch(name: string): string {
    const d = join(tmp, `${name}-${Math.random().toString(36).slice(2)}`);
    mkdirSync(d, { recursive: true });
    return d;
  }

  function writeJson(dir: string, name: string, value: unknown): string {
    const p = join(dir, name);
    writeFileSync(p, JSON.stringify(value, null, 2));
    return p;
  }

  it('imports a folder of OSV advisories: files, an array file, skipping hidden folders and non-JSON', async () => {
    const progress: number[] = [];
    const s = await importAdvisories(ledger.advisories, [OSV], { onProgress: (p) => progress.push(p.advisories) });
    expect(s).toEqual({ added: 11, updated: 0, unchanged: 0, withdrawn: 1, documents: FILES.length, advisories: 12 });
    expect(progress.at(-1)).toBe(12);
    expect(await ledger.advisories.count()).toBe(11);
    expect(await ledger.advisories.get('GHSA-c2qf-rxjj-qqgw')).toEqual(fixture('npm/GHSA-c2qf-rxjj-qqgw.json'));
    expect(await ledger.advisories.get('GHSA-3h5v-q93c-6h6q')).toEqual((fixture('npm/batch.json') as unknown as OsvAdvisory[])[1]);
    expect(await ledger.advisories.get('GHSA-none-none-none')).toBeUndefined();
  });

  it('finds the advisories of each package, by exact ecosystem and name (PEP 503 for PyPI)', async () => {
    await importAdvisories(ledger.advisories, [OSV]);
    const found = await ledger.advisories.forPackages([
      ...KEYS,
      { ecosystem: 'PyPI', name: 'Requests' },
      { ecosystem: 'npm', name: 'Semver' },
      { ecosystem: 'npm', name: 'requests' },
      { ecosystem: 'Debian:11', name: 'apache-log4j2' },
      { ecosystem: 'Debian:12', name: 'apache-log4j2' },
      { ecosystem: 'npm', name: 'semver' },
    ]);
    const ids = Object.fromEntries([...found].map(([k, v]) => [k.replace('\u0000', ' '), v.map((a) => a.id)]));
    expect(ids).toEqual({
      'npm semver': ['GHSA-c2qf-rxjj-qqgw'],
      'npm lodash': ['GHSA-p6mc-m468-83gw'],
      'npm lodash-es': ['GHSA-p6mc-m468-83gw'],
      'npm minimist': ['GHSA-xvch-5gv4-984h'],
      'npm path-parse': ['GHSA-3h5v-q93c-6h6q'],
      // two advisories sharing the alias CVE-2023-32681: both are returned, the caller merges by alias
      'PyPI requests': ['GHSA-j8r2-6x86-q33q', 'PYSEC-2023-74'],
      'PyPI Requests': ['GHSA-j8r2-6x86-q33q', 'PYSEC-2023-74'],
      'PyPI example-pkg-name': ['PYSEC-2099-9001'],
      'Maven org.apache.logging.log4j:log4j-core': ['GHSA-jfh8-c2jp-5v3q'],
      'Go golang.org/x/text': ['GO-2021-0113'],
      'Debian apache-log4j2': ['DSA-5021-1'],
      'Debian:11 apache-log4j2': ['DSA-5021-1'],
    });
    // one object per advisory, shared between the packages it affects
    expect(found.get(packageKey('npm', 'lodash'))![0]).toBe(found.get(packageKey('npm', 'lodash-es'))![0]);
    expect(found.get(packageKey('PyPI', 'example-pkg-name'))![0]).toEqual(fixture('PyPI/PYSEC-2099-9001.json'));
    expect(await ledger.advisories.forPackages([])).toEqual(new Map());
  });

  it('re-importing the same advisories changes nothing', async () => {
    await importAdvisories(ledger.advisories, [OSV]);
    const before = await dump();
    const s = await importAdvisories(ledger.advisories, [OSV]);
    expect(s).toMatchObject({ added: 0, updated: 0, unchanged: 12, withdrawn: 0 });
    expect(await dump()).toEqual(before);
  });

  it('replaces an advisory only with a newer modified, packages included', async () => {
    await importAdvisories(ledger.advisories, [OSV]);
    const dir = scratch('newer');
    const newer = fixture('npm/GHSA-c2qf-rxjj-qqgw.json');
    newer.modified = '2024-06-21T21:33:52.145013Z'; // one microsecond later: finer than Date keeps
    newer.summary = 'semver ReDoS (revised)';
    newer.affected = [{ package: { ecosystem: 'npm', name: 'semver-fork' }, ranges: [{ type: 'SEMVER', events: [{ introduced: '0' }, { fixed: '2.0.0' }] }] }];
    const s = await importAdvisories(ledger.advisories, [writeJson(dir, 'newer.json', newer)]);
    expect(s).toMatchObject({ added: 0, updated: 1, unchanged: 0, withdrawn: 0 });
    expect((await ledger.advisories.get('GHSA-c2qf-rxjj-qqgw'))!.summary).toBe('semver ReDoS (revised)');
    const found = await ledger.advisories.forPackages([{ ecosystem: 'npm', name: 'semver' }, { ecosystem: 'npm', name: 'semver-fork' }]);
    expect([...found.keys()]).toEqual([packageKey('npm', 'semver-fork')]);

    // An older copy (the original), and one with the same modified but other content: both ignored.
    const same = { ...newer, summary: 'same modified, other content' };
    const s2 = await importAdvisories(ledger.advisories, [join(OSV, 'npm/GHSA-c2qf-rxjj-qqgw.json'), writeJson(dir, 'same.json', same)]);
    expect(s2).toMatchObject({ added: 0, updated: 0, unchanged: 2, withdrawn: 0 });
    expect((await ledger.advisories.get('GHSA-c2qf-rxjj-qqgw'))!.summary).toBe('semver ReDoS (revised)');

    // An offset timestamp is compared in UTC: 02:00+02:00 is midnight UTC, older than 01:00Z.
    const a = { ...generated(1)[0]!, modified: '2024-05-01T01:00:00Z' };
    const b = { ...a, modified: '2024-05-01T02:00:00+02:00', summary: 'older, despite the larger hour' };
    const s3 = await importAdvisories(ledger.advisories, [writeJson(dir, 'ab.json', [a, b])]);
    expect(s3).toMatchObject({ added: 1, unchanged: 1 });
    expect((await ledger.advisories.get(a.id))!.summary).toBe(a.summary);
  });

  it('a withdrawn advisory stops matching, and an older copy cannot bring it back', async () => {
    await importAdvisories(ledger.advisories, [OSV]);
    const dir = scratch('withdrawn');
    const w = fixture('npm/GHSA-p6mc-m468-83gw.json');
    w.modified = '2024-07-01T00:00:00Z';
    w.withdrawn = '2024-07-01T00:00:00Z';
    const s = await importAdvisories(ledger.advisories, [writeJson(dir, 'w.json', w)]);
    expect(s).toMatchObject({ added: 0, updated: 0, unchanged: 0, withdrawn: 1 });
    expect(await ledger.advisories.count()).toBe(10);
    expect(await ledger.advisories.forPackages([{ ecosystem: 'npm', name: 'lodash' }, { ecosystem: 'npm', name: 'lodash-es' }])).toEqual(new Map());
    expect((await ledger.advisories.get(w.id))!.withdrawn).toBe('2024-07-01T00:00:00Z');

    const again = await importAdvisories(ledger.advisories, [join(OSV, 'npm/GHSA-p6mc-m468-83gw.json')]);
    expect(again).toMatchObject({ added: 0, updated: 0, unchanged: 1, withdrawn: 0 });
    expect(await ledger.advisories.forPackages([{ ecosystem: 'npm', name: 'lodash' }])).toEqual(new Map());
    // the fixture's own withdrawn advisory never matched at all
    expect(await ledger.advisories.forPackages([{ ecosystem: 'npm', name: 'left-pad' }])).toEqual(new Map());
  });

  it("imports OSV's all.zip shape entry by entry, skipping folders and other files", async () => {
    const entries: ZipEntrySpec[] = [{ name: 'advisories/', data: '', method: 0 }, { name: 'README.txt', data: 'not an advisory' }];
    for (const f of FILES) entries.push({ name: f.replace(/^.*\//, ''), data: readFileSync(join(OSV, f)) });
    // one stored (uncompressed) entry too, as some writers produce
    entries.push({ name: 'GHSA-stor-ed00-0001.json', data: JSON.stringify(generated(1)[0]), method: 0 });
    const zip = join(scratch('zip'), 'all.zip');
    writeFileSync(zip, buildZip(entries));
    const s = await importAdvisories(ledger.advisories, [zip]);
    expect(s).toEqual({ added: 12, updated: 0, unchanged: 0, withdrawn: 1, documents: FILES.length + 1, advisories: 13 });
    expect(await ledger.advisories.get('GO-2021-0113')).toEqual(fixture('Go/GO-2021-0113.json'));

    // a folder may hold downloaded zips beside loose JSON files
    const dir = scratch('folder-with-zip');
    writeFileSync(join(dir, 'npm-all.zip'), buildZip([{ name: 'GHSA-zipd-in00-fold.json', data: JSON.stringify({ ...generated(1)[0], id: 'GHSA-zipd-in00-fold' }) }]));
    writeJson(dir, 'loose.json', { ...generated(1)[0], id: 'GHSA-loos-e000-json' });
    expect(await importAdvisories(ledger.advisories, [dir])).toMatchObject({ added: 2, documents: 2 });
  });

  it('migrates a ledger made before the advisory store existed', async () => {
    await exec("drop table advisory_packages; drop table advisories; delete from kysely_migration where name >= '0002-advisories';");
    const again = await openLedger(location);
    try {
      expect(await again.advisories.count()).toBe(0);
      expect(await importAdvisories(again.advisories, [OSV])).toMatchObject({ added: 11 });
    } finally {
      await again.close();
    }
  });

  it('imports thousands in batches inside one transaction, and looks up hundreds of keys in chunks', async () => {
    const advisories = generated(2500);
    const zip = join(scratch('many'), 'all.zip');
    writeFileSync(zip, buildZip(advisories.map((a) => ({ name: `${a.id}.json`, data: JSON.stringify(a) }))));
    const seen: number[] = [];
    const s = await importAdvisories(ledger.advisories, [zip], { onProgress: (p) => seen.push(p.advisories) });
    expect(s).toMatchObject({ added: 2500, documents: 2500, advisories: 2500 });
    expect(seen).toEqual([1000, 2000, 2500]);
    const keys = Array.from({ length: 1200 }, (_, i) => ({ ecosystem: 'npm', name: `pkg-${i * 2}` }));
    const found = await ledger.advisories.forPackages(keys);
    expect(found.size).toBe(1200);
    expect(found.get(packageKey('npm', 'pkg-2398'))!.map((a) => a.id)).toEqual(['GHSA-gen0-2398-test']);
    expect(found.has(packageKey('npm', 'pkg-2500'))).toBe(false);
    // the store's own API: one call, one transaction
    const again = await ledger.advisories.import(generated(2500, '2024-02-01T00:00:00Z'));
    expect(again).toEqual({ added: 0, updated: 2500, unchanged: 0, withdrawn: 0 });
  });

  describe('bad input is refused with the file, line and path, and the store is left as it was', () => {
    let before: unknown;
    beforeEach(async () => {
      await importAdvisories(ledger.advisories, [OSV]);
      before = await dump();
    });

    async function refused(paths: string[], opts: Parameters<typeof importAdvisories>[2] = {}) {
      const f = await failure(importAdvisories(ledger.advisories, paths, opts));
      expect(await dump()).toEqual(before);
      return f;
    }

    it('a file that is not JSON', async () => {
      const file = join(BAD, 'not-json.json');
      const f = await refused([file]);
      expect(f).toMatchObject({ code: 'VIGIL_ERR_OSV_PARSE', file, line: 6 });
      expect(f.message).toMatch(/^not valid JSON/);
    });

    it('a range with a bad type', async () => {
      const file = join(BAD, 'bad-range-type.json');
      expect(await refused([file])).toEqual({
        code: 'VIGIL_ERR_OSV_INVALID',
        file,
        line: 9,
        message: 'affected[0].ranges[0].type: must be one of SEMVER, ECOSYSTEM, GIT; got "SEMVERISH"',
      });
    });

    it('an event with two keys', async () => {
      const file = join(BAD, 'event-two-keys.json');
      expect(await refused([file])).toEqual({
        code: 'VIGIL_ERR_OSV_INVALID',
        file,
        line: 12,
        message: 'affected[0].ranges[0].events[1]: an event has exactly one of introduced, fixed, last_affected, limit; this one has fixed and last_affected',
      });
    });

    it('modified that is not a date', async () => {
      const file = join(BAD, 'bad-modified.json');
      expect(await refused([file])).toEqual({
        code: 'VIGIL_ERR_OSV_INVALID',
        file,
        line: 3,
        message: 'modified: must be an RFC 3339 date-time such as "2024-01-31T12:00:00Z", got "yesterday afternoon"',
      });
    });

    it('the third advisory of an array file', async () => {
      const file = join(BAD, 'array-third-bad.json');
      expect(await refused([file])).toMatchObject({ code: 'VIGIL_ERR_OSV_INVALID', file, line: 4, message: '[2].affected[0].versions[1]: must be a string, got number' });
    });

    it('all or nothing: good advisories read before the bad file are rolled back', async () => {
      const dir = scratch('mixed');
      const updated = { ...fixture('Go/GO-2021-0113.json'), modified: '2025-01-01T00:00:00Z', summary: 'should not land' };
      writeJson(dir, 'a-updated.json', updated);
      writeJson(dir, 'b-new.json', generated(1500));
      cpSync(join(BAD, 'event-two-keys.json'), join(dir, 'c-bad.json'));
      const f = await refused([dir]);
      expect(f).toMatchObject({ code: 'VIGIL_ERR_OSV_INVALID', file: join(dir, 'c-bad.json'), line: 12 });
      expect((await ledger.advisories.get('GO-2021-0113'))!.summary).toBe('Out-of-bounds read in golang.org/x/text/language');
      expect(await ledger.advisories.get('GHSA-gen0-0000-test')).toBeUndefined();
    });

    it('a missing path, before anything is written', async () => {
      expect(await refused([OSV, join(tmp, 'no-such.zip')])).toMatchObject({ code: 'VIGIL_ERR_INPUT_NOT_FOUND', file: join(tmp, 'no-such.zip') });
    });

    it('a zip bomb: 100 MB of zeros in one entry', async () => {
      const zip = join(scratch('bomb'), 'all.zip');
      const good = generated(1).map((a) => ({ name: `${a.id}.json`, data: JSON.stringify(a) }));
      writeFileSync(zip, buildZip([...good, { name: 'GHSA-bomb-0000-0001.json', data: Buffer.alloc(100 * 1024 * 1024) }]));
      const f = await refused([zip]);
      expect(f).toMatchObject({ code: 'VIGIL_ERR_ZIP_LIMIT', file: `${zip}!GHSA-bomb-0000-0001.json` });
      expect(f.message).toBe("declares 100 MiB; an entry may hold at most 16 MiB (a zip bomb, or raise the entry limit)");
    });

    it('a zip bomb whose header lies about its size is stopped while inflating', async () => {
      const zip = join(scratch('liar'), 'all.zip');
      writeFileSync(zip, buildZip([{ name: 'liar.json', data: Buffer.alloc(100 * 1024 * 1024), uncompressedSize: 2000 }]));
      const f = await refused([zip]);
      expect(f).toEqual({
        code: 'VIGIL_ERR_ZIP_INVALID',
        file: `${zip}!liar.json`,
        line: undefined,
        message: 'inflates past the 2000 bytes its header declares: refused (a zip bomb or a corrupt archive)',
      });
    });

    it('an entry whose compression ratio is too high', async () => {
      const zip = join(scratch('ratio'), 'all.zip');
      // 8 MiB of spaces around a valid advisory: under the entry limit, but deflating a thousandfold
      const padded = JSON.stringify(generated(1)[0]).replace('{', `{${' '.repeat(8 * 1024 * 1024)}`);
      writeFileSync(zip, buildZip([{ name: 'padded.json', data: padded }]));
      const f = await refused([zip]);
      expect(f).toMatchObject({ code: 'VIGIL_ERR_ZIP_LIMIT', file: `${zip}!padded.json` });
      expect(f.message).toMatch(/ratio over 200/);
      // the same entry is fine with a higher ratio limit
      const s = await importAdvisories(ledger.advisories, [zip], { zipLimits: { maxRatio: 5000 } });
      expect(s.added).toBe(1);
    });

    it('the total and entry-count limits', async () => {
      const zip = join(scratch('limits'), 'all.zip');
      writeFileSync(zip, buildZip(generated(3).map((a) => ({ name: `${a.id}.json`, data: JSON.stringify(a) }))));
      const size = JSON.stringify(generated(1)[0]).length; // all three are the same length
      const total = await refused([zip], { zipLimits: { maxTotalBytes: Math.floor(size * 2.5) } });
      expect(total).toMatchObject({ code: 'VIGIL_ERR_ZIP_LIMIT', file: `${zip}!GHSA-gen0-0002-test.json` });
      const count = await refused([zip], { zipLimits: { maxEntries: 2 } });
      expect(count).toMatchObject({ code: 'VIGIL_ERR_ZIP_LIMIT', file: zip, message: 'holds 3 entries; the limit is 2' });
    });

    it('a zip with a corrupt entry', async () => {
      const dir = scratch('corrupt');
      const [a, b] = generated(2);
      const good = { name: 'a.json', data: JSON.stringify(a) };
      // deflate data with a reserved block type (BTYPE 11): no inflater accepts it
      const garbled = buildZip([good, { name: 'b.json', data: JSON.stringify(b), compressed: Buffer.from([0x07, 0xff, 0xff, 0xff]) }]);
      writeFileSync(join(dir, 'garbled.zip'), garbled);
      expect(await refused([join(dir, 'garbled.zip')])).toMatchObject({ code: 'VIGIL_ERR_ZIP_INVALID', file: `${join(dir, 'garbled.zip')}!b.json` });
      // a CRC that does not match: the data inflates, but is not what was stored
      writeFileSync(join(dir, 'crc.zip'), buildZip([good, { name: 'b.json', data: JSON.stringify(b), crc: 0x12345678 }]));
      const crc = await refused([join(dir, 'crc.zip')]);
      expect(crc).toMatchObject({ code: 'VIGIL_ERR_ZIP_INVALID', file: `${join(dir, 'crc.zip')}!b.json` });
      expect(crc.message).toMatch(/CRC-32/);
      // a header that claims more than the entry holds
      writeFileSync(join(dir, 'short.zip'), buildZip([good, { name: 'b.json', data: JSON.stringify(b), uncompressedSize: 5000 }]));
      expect(await refused([join(dir, 'short.zip')])).toMatchObject({ code: 'VIGIL_ERR_ZIP_INVALID', file: `${join(dir, 'short.zip')}!b.json`, message: expect.stringMatching(/header declares 5000/) });
      // truncated: the central directory is gone
      writeFileSync(join(dir, 'truncated.zip'), garbled.subarray(0, garbled.length - 30));
      expect(await refused([join(dir, 'truncated.zip')])).toMatchObject({ code: 'VIGIL_ERR_ZIP_INVALID', file: join(dir, 'truncated.zip') });
      // an entry that is not JSON names the entry and its line
      writeFileSync(join(dir, 'text.zip'), buildZip([good, { name: 'b.json', data: '{\n  "id": "X",\n  oops\n}' }]));
      expect(await refused([join(dir, 'text.zip')])).toMatchObject({ code: 'VIGIL_ERR_OSV_PARSE', file: `${join(dir, 'text.zip')}!b.json`, line: 3 });
    });

    it('an abort mid-import rolls back', async () => {
      const zip = join(scratch('abort'), 'all.zip');
      writeFileSync(zip, buildZip(generated(2500).map((a) => ({ name: `${a.id}.json`, data: JSON.stringify(a) }))));
      const ac = new AbortController();
      await expect(importAdvisories(ledger.advisories, [zip], { signal: ac.signal, onProgress: () => ac.abort() })).rejects.toThrow(/abort/i);
      expect(await dump()).toEqual(before);
    });

    it('the store itself refuses advisories without an id or a date', async () => {
      const bad = [generated(1)[0]!, { id: 'X-1', modified: 'soon' } as OsvAdvisory];
      const f = await failure(ledger.advisories.import(bad));
      expect(f).toMatchObject({ code: 'VIGIL_ERR_OSV_INVALID', message: 'advisory X-1: "modified" must be an RFC 3339 date-time, got "soon"' });
      expect(await dump()).toEqual(before);
    });
  });
});
