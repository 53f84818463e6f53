import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { VigilError } from '../../../src/errors.js';
import {
  DEFAULT_SLA,
  defaultConfig,
  durationSeconds,
  isPostgresUrl,
  loadConfig,
  parseConfig,
} from '../../../src/config/index.js';

const FIXTURES = fileURLToPath(new URL('../../fixtures/config/', import.meta.url));
const FILE = '/srv/project/vigil.yaml';

const minimal = `targets:
  - name: shop
    kind: path
    path: examples/shop
    scanners: [import]
`;

describe('parseConfig: valid configs', () => {
  it('applies every default to a minimal config', () => {
    const c = parseConfig(minimal, FILE);
    expect(c).toEqual({
      file: FILE,
      baseDir: '/srv/project',
      ledger: '/srv/project/.vigil/ledger.db',
      sla: DEFAULT_SLA,
      gate: { failOn: 'high' },
      suppressions: '/srv/project/.vigilignore.yaml',
      advisories: [],
      vex: [],
      runner: { concurrency: 4, timeoutSeconds: 600 },
      server: { host: '127.0.0.1', port: 8787 },
      targets: [
        { name: 'shop', kind: 'path', location: '/srv/project/examples/shop', active: false, scanners: { import: {} } },
      ],
      schedules: [],
      organisation: null,
      incidents: { enabled: true, runbooks: null, escalateEverySeconds: 60 },
      reports: { dir: '/srv/project/.vigil/reports', signingKey: null },
    });
  });

  it('makes a relative file name absolute and resolves paths against its folder', () => {
    const c = parseConfig(minimal, 'conf/vigil.yaml');
    expect(c.file).toBe(resolve('conf/vigil.yaml'));
    expect(c.baseDir).toBe(resolve('conf'));
    expect(c.targets[0]!.location).toBe(resolve('conf/examples/shop'));
  });

  it('reads scanners as a list or as a map of options, null meaning no options', () => {
    const c = parseConfig(
      `targets:
  - name: a
    kind: path
    path: .
    scanners: [import, deps]
  - name: b
    kind: path
    path: .
    scanners:
      import:
      code: { rules: rules/code, severity: high }
      deps: {}
`,
      FILE,
    );
    expect(c.targets[0]!.scanners).toEqual({ import: {}, deps: {} });
    expect(c.targets[1]!.scanners).toEqual({ import: {}, code: { rules: 'rules/code', severity: 'high' }, deps: {} });
  });

  it.each([
    ['90s', 90],
    ['10m', 600],
    ['1h', 3600],
    ['1.5m', 90],
    ['45', 45],
    ['2.5', 2.5],
  ])('reads runner.timeout %s as %d seconds', (timeout, seconds) => {
    const c = parseConfig(`runner:\n  timeout: ${timeout}\n${minimal}`, FILE);
    expect(c.runner.timeoutSeconds).toBe(seconds);
  });

  it('merges a partial sla map with the defaults', () => {
    const c = parseConfig(`sla:\n  high: 14\n${minimal}`, FILE);
    expect(c.sla).toEqual({ critical: 7, high: 14, medium: 90, low: 120 });
  });

  it('treats an optional section left empty as its defaults', () => {
    const c = parseConfig(`sla:\ngate:\nrunner:\nserver:\n${minimal}schedules:\n  # - name: nightly\n`, FILE);
    expect(c).toEqual(parseConfig(minimal, FILE));
  });

  it('keeps a postgres ledger URL as written and resolves a path ledger', () => {
    for (const url of ['postgres://vigil:pw@db:5432/vigil', 'postgresql://db/vigil']) {
      expect(parseConfig(`ledger: ${url}\n${minimal}`, FILE).ledger).toBe(url);
    }
    expect(parseConfig(`ledger: ../shared/ledger.db\n${minimal}`, FILE).ledger).toBe('/srv/shared/ledger.db');
    expect(parseConfig(`ledger: /var/lib/vigil.db\n${minimal}`, FILE).ledger).toBe('/var/lib/vigil.db');
  });

  it('takes the location from the key that matches the kind', () => {
    const c = parseConfig(
      `targets:
  - { name: web, kind: url, url: "https://shop.example.com/app", scanners: [web], active: true }
  - { name: tls, kind: host, host: "shop.example.com:443", scanners: [tls] }
  - { name: v6, kind: host, host: "[::1]:8443", scanners: [tls] }
  - { name: db, kind: database, dsn: "postgres://ro@db/shop", scanners: [postgres] }
`,
      FILE,
    );
    expect(c.targets.map((t) => [t.kind, t.location, t.active])).toEqual([
      ['url', 'https://shop.example.com/app', true],
      ['host', 'shop.example.com:443', false],
      ['host', '[::1]:8443', false],
      ['database', 'postgres://ro@db/shop', false],
    ]);
  });

  it('reads schedules with their defaults', () => {
    const c = parseConfig(
      `${minimal}schedules:
  - name: nightly
    cron: "0 2 * * *"
  - name: weekly
    cron: "0 0 3 * * 1"
    timezone: America/New_York
    targets: [shop]
    scanners: [import]
    runOnStart: true
`,
      FILE,
    );
    expect(c.schedules).toEqual([
      { name: 'nightly', cron: '0 2 * * *', runOnStart: false },
      {
        name: 'weekly',
        cron: '0 0 3 * * 1',
        timezone: 'America/New_York',
        targets: ['shop'],
        scanners: ['import'],
        runOnStart: true,
      },
    ]);
  });

  it('follows anchors and merge keys', () => {
    const c = parseConfig(
      `targets:
  - &base
    name: a
    kind: path
    path: a
    scanners: [import]
  - <<: *base
    name: b
    path: b
`,
      FILE,
    );
    expect(c.targets.map((t) => [t.name, t.location, Object.keys(t.scanners)])).toEqual([
      ['a', '/srv/project/a', ['import']],
      ['b', '/srv/project/b', ['import']],
    ]);
  });

  it('accepts CRLF line endings and a byte-order mark', () => {
    const c = parseConfig(`\uFEFF${minimal.replace(/\n/g, '\r\n')}`, FILE);
    expect(c.targets[0]!.name).toBe('shop');
  });
});

describe('defaultConfig', () => {
  it('has no targets and every default, resolved against the folder', () => {
    const c = defaultConfig('/srv/x');
    expect(c).toMatchObject({
      file: '<defaults>',
      baseDir: '/srv/x',
      ledger: '/srv/x/.vigil/ledger.db',
      suppressions: '/srv/x/.vigilignore.yaml',
      advisories: [],
      vex: [],
      gate: { failOn: 'high' },
      runner: { concurrency: 4, timeoutSeconds: 600 },
      server: { host: '127.0.0.1', port: 8787 },
      targets: [],
      schedules: [],
    });
    // a copy: a caller that edits its config must not change the next one
    c.sla.high = 1;
    expect(defaultConfig('/srv/x').sla).toEqual(DEFAULT_SLA);
  });

  it('agrees with a config file that sets nothing but targets', () => {
    const fromFile = parseConfig(minimal, FILE);
    const defaults = defaultConfig('/srv/project');
    expect({ ...fromFile, file: defaults.file, targets: [] }).toEqual(defaults);
  });
});

describe('helpers', () => {
  it('durationSeconds', () => {
    expect(durationSeconds('10m')).toBe(600);
    expect(durationSeconds(30)).toBe(30);
    expect(durationSeconds('10 minutes')).toBeUndefined();
  });
  it('isPostgresUrl', () => {
    expect(isPostgresUrl('postgres://x')).toBe(true);
    expect(isPostgresUrl('POSTGRESQL://x')).toBe(true);
    expect(isPostgresUrl('.vigil/ledger.db')).toBe(false);
    expect(isPostgresUrl('mysql://x')).toBe(false);
  });
});

describe('loadConfig', () => {
  it('loads a fixture with every key set', async () => {
    const file = join(FIXTURES, 'full/vigil.yaml');
    const c = await loadConfig(file);
    const dir = join(FIXTURES, 'full');
    expect(c.file).toBe(file);
    expect(c.ledger).toBe(join(dir, 'data/ledger.db'));
    expect(c.sla).toEqual({ critical: 3, high: 30, medium: 90, low: 200 });
    expect(c.gate.failOn).toBe('critical');
    expect(c.suppressions).toBe(join(dir, 'policy/ignore.yaml'));
    expect(c.runner).toEqual({ concurrency: 8, timeoutSeconds: 90 });
    expect(c.server).toEqual({ host: '0.0.0.0', port: 9000 });
    expect(c.targets.map((t) => t.name)).toEqual(['shop', 'shop-web', 'api-tls', 'db']);
    expect(c.targets[0]!.location).toBe(resolve(dir, '../../../../examples/shop'));
    expect(c.targets[1]!.scanners).toEqual({ web: { spider: false }, import: {} });
    expect(c.schedules.map((s) => s.name)).toEqual(['nightly', 'hourly-tls']);
    expect(c.schedules[0]!.timezone).toBe('Europe/Berlin');
  });

  it('resolves relative paths against the config file, not the working directory', async () => {
    const c = await loadConfig(join(FIXTURES, 'nested/conf/vigil.yaml'));
    expect(c.ledger).toBe(join(FIXTURES, 'nested/state/ledger.db'));
    expect(c.targets[0]!.location).toBe(join(FIXTURES, 'nested/app'));
  });

  it('names the file, line and column of an invalid config', async () => {
    const file = join(FIXTURES, 'bad-kind/vigil.yaml');
    const err = await loadConfig(file).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(VigilError);
    expect(err).toMatchObject({ code: 'VIGIL_ERR_CONFIG_INVALID', file, line: 3, column: 11 });
    expect(String(err)).toBe(
      `VIGIL_ERR_CONFIG_INVALID: ${file}:3:11: targets[0].kind: must be one of path, url, host, database, tls (got "paht")`,
    );
  });

  it('reports a missing file as VIGIL_ERR_CONFIG_NOT_FOUND', async () => {
    const file = join(FIXTURES, 'no-such/vigil.yaml');
    await expect(loadConfig(file)).rejects.toMatchObject({ code: 'VIGIL_ERR_CONFIG_NOT_FOUND', file });
  });

  it('reports a folder given as the config file', async () => {
    await expect(loadConfig(FIXTURES)).rejects.toMatchObject({
      code: 'VIGIL_ERR_CONFIG_NOT_FOUND',
      message: expect.stringContaining('folder'),
    });
  });

  it('reads a config written to a fresh folder', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'vigil-config-'));
    try {
      await writeFile(join(dir, 'vigil.yaml'), minimal);
      const c = await loadConfig(join(dir, 'vigil.yaml'));
      expect(c.targets[0]!.location).toBe(join(dir, 'examples/shop'));
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe('host targets', () => {
  it.each(['localhost', 'localhost:8443', 'shop.example.com.', '10.0.0.1:443', '::1', '[::1]:443', 'db_internal:5432'])(
    'accepts %s',
    (host) => {
      const c = parseConfig(`targets:\n  - { name: h, kind: host, host: "${host}", scanners: [tls] }\n`, FILE);
      expect(c.targets[0]!.location).toBe(host);
    },
  );

  it.each(['shop example.com', 'host:0', 'host:http', '[not-v6]:443', '-leading.example.com'])('rejects %s', (host) => {
    expect(() => parseConfig(`targets:\n  - { name: h, kind: host, host: "${host}", scanners: [tls] }\n`, FILE)).toThrow(
      /targets\[0\]\.host: /,
    );
  });
});
