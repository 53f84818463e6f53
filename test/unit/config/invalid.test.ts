import { describe, expect, it } from 'vitest';
import { VigilError } from '../../../src/errors.js';
import { checkConfigText, parseConfig } from '../../../src/config/index.js';

const FILE = 'vigil.yaml';

/** A valid target block; cases append to it or edit it. */
const shop = `targets:
  - name: shop
    kind: path
    path: examples/shop
    scanners: [import]
`;

interface BadCase {
  name: string;
  yaml: string;
  code: 'VIGIL_ERR_CONFIG_PARSE' | 'VIGIL_ERR_CONFIG_INVALID';
  line: number;
  column: number;
  /** A fragment of the message. */
  message: string;
}

const cases: BadCase[] = [
  {
    name: 'YAML syntax: unclosed quote (points at the opening quote)',
    yaml: 'targets:\n  - name: "shop\n    kind: path\n',
    code: 'VIGIL_ERR_CONFIG_PARSE',
    line: 2,
    column: 11,
    message: 'not valid YAML: Missing closing "quote',
  },
  {
    name: 'YAML syntax: bad indentation',
    yaml: 'sla:\n  critical: 7\n high: 30\n',
    code: 'VIGIL_ERR_CONFIG_PARSE',
    line: 3,
    column: 1,
    message: 'All mapping items must start at the same column',
  },
  {
    name: 'YAML syntax: tab indentation',
    yaml: 'targets:\n\t- name: shop\n',
    code: 'VIGIL_ERR_CONFIG_PARSE',
    line: 2,
    column: 1,
    message: 'Tabs are not allowed as indentation',
  },
  {
    name: 'YAML: duplicate key',
    yaml: `gate: {failOn: high}\n${shop}gate: {failOn: low}\n`,
    code: 'VIGIL_ERR_CONFIG_PARSE',
    line: 7,
    column: 1,
    message: 'Map keys must be unique',
  },
  {
    name: 'YAML: alias without an anchor',
    yaml: `${shop}schedules: *nightly\n`,
    code: 'VIGIL_ERR_CONFIG_PARSE',
    line: 6,
    column: 12,
    message: 'alias *nightly has no anchor &nightly before it',
  },
  {
    name: 'YAML: more than one document',
    yaml: `${shop}---\n${shop}`,
    code: 'VIGIL_ERR_CONFIG_PARSE',
    line: 6,
    column: 1,
    message: 'multiple documents',
  },
  {
    name: 'a key that is a list',
    yaml: `${shop}[a, b]: 1\n`,
    code: 'VIGIL_ERR_CONFIG_INVALID',
    line: 6,
    column: 1,
    message: 'a key must be a plain word',
  },
  {
    name: 'unknown top-level key, with a suggestion',
    yaml: `${shop}schedule:\n  - name: nightly\n`,
    code: 'VIGIL_ERR_CONFIG_INVALID',
    line: 6,
    column: 1,
    message: 'unknown key "schedule" (did you mean "schedules"?)',
  },
  {
    name: 'unknown top-level key, far from any known one',
    yaml: `${shop}colour: blue\n`,
    code: 'VIGIL_ERR_CONFIG_INVALID',
    line: 6,
    column: 1,
    message: 'unknown key "colour" (expected one of: version, ledger, sla,',
  },
  {
    name: 'unknown nested key at its own line (and not also "missing scanners")',
    yaml: `${shop}  - name: api\n    kind: path\n    path: api\n    scaners: [import]\n`,
    code: 'VIGIL_ERR_CONFIG_INVALID',
    line: 9,
    column: 5,
    message: 'targets[1]: unknown key "scaners" (did you mean "scanners"?)',
  },
  {
    name: 'unknown key in runner',
    yaml: `runner:\n  concurrency: 2\n  timout: 5m\n${shop}`,
    code: 'VIGIL_ERR_CONFIG_INVALID',
    line: 3,
    column: 3,
    message: 'runner: unknown key "timout" (did you mean "timeout"?)',
  },
  {
    name: 'wrong enum: kind',
    yaml: shop.replace('kind: path', 'kind: paht'),
    code: 'VIGIL_ERR_CONFIG_INVALID',
    line: 3,
    column: 11,
    message: 'targets[0].kind: must be one of path, url, host, database, tls (got "paht")',
  },
  {
    name: 'empty kind points at its key',
    yaml: shop.replace('kind: path', 'kind:'),
    code: 'VIGIL_ERR_CONFIG_INVALID',
    line: 3,
    column: 5,
    message: 'targets[0].kind: must be one of path, url, host, database, tls (got nothing)',
  },
  {
    name: 'missing required targets',
    yaml: 'gate:\n  failOn: high\n',
    code: 'VIGIL_ERR_CONFIG_INVALID',
    line: 1,
    column: 1,
    message: 'missing required key "targets"',
  },
  {
    name: 'missing kind lists the kinds',
    yaml: shop.replace('    kind: path\n', ''),
    code: 'VIGIL_ERR_CONFIG_INVALID',
    line: 2,
    column: 5,
    message: 'targets[0]: missing required key "kind" (one of path, url, host, database, tls)',
  },
  {
    name: 'kind path without path',
    yaml: shop.replace('    path: examples/shop\n', ''),
    code: 'VIGIL_ERR_CONFIG_INVALID',
    line: 2,
    column: 5,
    message: 'targets[0]: kind path needs "path"',
  },
  {
    name: 'kind url without url',
    yaml: shop.replace('kind: path', 'kind: url').replace('    path: examples/shop\n', ''),
    code: 'VIGIL_ERR_CONFIG_INVALID',
    line: 2,
    column: 5,
    message: 'targets[0]: kind url needs "url"',
  },
  {
    name: 'kind database given a path as well as its dsn',
    yaml: shop.replace('kind: path', 'kind: database\n    dsn: postgres://db/shop'),
    code: 'VIGIL_ERR_CONFIG_INVALID',
    line: 5,
    column: 5,
    message: 'targets[0]: "path" does not apply to kind database, which takes "dsn"',
  },
  {
    name: 'url that is not http(s)',
    yaml: shop.replace('kind: path', 'kind: url').replace('path: examples/shop', 'url: ftp://shop.example.com'),
    code: 'VIGIL_ERR_CONFIG_INVALID',
    line: 4,
    column: 10,
    message: 'targets[0].url: must be an http:// or https:// URL (got "ftp://shop.example.com")',
  },
  {
    name: 'host given as a URL',
    yaml: shop.replace('kind: path', 'kind: host').replace('path: examples/shop', 'host: https://shop.example.com'),
    code: 'VIGIL_ERR_CONFIG_INVALID',
    line: 4,
    column: 11,
    message: 'targets[0].host: must be host or host:port, not a URL',
  },
  {
    name: 'host with a bad port',
    yaml: shop.replace('kind: path', 'kind: host').replace('path: examples/shop', 'host: shop.example.com:99999'),
    code: 'VIGIL_ERR_CONFIG_INVALID',
    line: 4,
    column: 11,
    message: 'has a port that is not a number from 1 to 65535',
  },
  {
    name: 'duplicate target name, at the second',
    yaml: `${shop}  - name: api\n    kind: path\n    path: api\n    scanners: [import]\n  - name: shop\n    kind: path\n    path: other\n    scanners: [import]\n`,
    code: 'VIGIL_ERR_CONFIG_INVALID',
    line: 10,
    column: 11,
    message: 'targets[2].name: "shop" is already the name of targets[0]; target names must be unique',
  },
  {
    name: 'bad target name',
    yaml: shop.replace('name: shop', 'name: "my shop"'),
    code: 'VIGIL_ERR_CONFIG_INVALID',
    line: 2,
    column: 11,
    message: 'targets[0].name: must be a name of letters, digits, ".", "_" and "-", starting with a letter or digit (got "my shop")',
  },
  {
    name: 'bad scanner id in a list',
    yaml: shop.replace('[import]', '[import, Deps]'),
    code: 'VIGIL_ERR_CONFIG_INVALID',
    line: 5,
    column: 24,
    message: 'targets[0].scanners[1]: must be a scanner id',
  },
  {
    name: 'bad scanner id as a map key',
    yaml: shop.replace('scanners: [import]', 'scanners:\n      Import: {}'),
    code: 'VIGIL_ERR_CONFIG_INVALID',
    line: 6,
    column: 7,
    message: 'targets[0].scanners: key "Import" is not a scanner id',
  },
  {
    name: 'scanner options that are not a mapping',
    yaml: shop.replace('scanners: [import]', 'scanners:\n      import: yes'),
    code: 'VIGIL_ERR_CONFIG_INVALID',
    line: 6,
    column: 15,
    message: 'targets[0].scanners.import: must be a mapping or empty (got "yes")',
  },
  {
    name: 'empty scanner list',
    yaml: shop.replace('[import]', '[]'),
    code: 'VIGIL_ERR_CONFIG_INVALID',
    line: 5,
    column: 15,
    message: 'targets[0].scanners: must not be an empty list',
  },
  {
    name: 'scanner listed twice, at the second',
    yaml: shop.replace('[import]', '[import, import]'),
    code: 'VIGIL_ERR_CONFIG_INVALID',
    line: 5,
    column: 24,
    message: 'targets[0].scanners[1]: "import" is listed twice (also at [0])',
  },
  {
    name: 'active that is not a boolean',
    yaml: shop.replace('    scanners', '    active: yes\n    scanners'),
    code: 'VIGIL_ERR_CONFIG_INVALID',
    line: 5,
    column: 13,
    message: 'targets[0].active: must be true or false (got "yes")',
  },
  {
    name: 'schedule naming an unknown target',
    yaml: `${shop}schedules:\n  - name: nightly\n    cron: "0 2 * * *"\n    targets: [shop, shpo]\n`,
    code: 'VIGIL_ERR_CONFIG_INVALID',
    line: 9,
    column: 21,
    message: 'schedules[0].targets[1]: no target is named "shpo" (did you mean "shop"?)',
  },
  {
    name: 'schedule naming a scanner no selected target runs',
    yaml: `${shop}schedules:\n  - name: nightly\n    cron: "0 2 * * *"\n    scanners: [deps]\n`,
    code: 'VIGIL_ERR_CONFIG_INVALID',
    line: 9,
    column: 16,
    message: 'schedules[0].scanners[0]: no selected target runs scanner "deps" (shop runs: import)',
  },
  {
    name: 'bad cron: field out of range',
    yaml: `${shop}schedules:\n  - name: nightly\n    cron: "61 2 * * *"\n`,
    code: 'VIGIL_ERR_CONFIG_INVALID',
    line: 8,
    column: 11,
    message: 'schedules[0].cron: not a valid cron expression: the minute field "61" is out of range or malformed',
  },
  {
    name: 'bad cron: too few fields',
    yaml: `${shop}schedules:\n  - name: nightly\n    cron: "0 2 *"\n`,
    code: 'VIGIL_ERR_CONFIG_INVALID',
    line: 8,
    column: 11,
    message: 'expected 5 or 6 fields but got 3',
  },
  {
    name: 'schedule without cron',
    yaml: `${shop}schedules:\n  - name: nightly\n`,
    code: 'VIGIL_ERR_CONFIG_INVALID',
    line: 7,
    column: 5,
    message: 'schedules[0]: missing required key "cron"',
  },
  {
    name: 'bad timezone',
    yaml: `${shop}schedules:\n  - name: nightly\n    cron: "0 2 * * *"\n    timezone: Mars/Olympus_Mons\n`,
    code: 'VIGIL_ERR_CONFIG_INVALID',
    line: 9,
    column: 15,
    message: 'schedules[0].timezone: not a known IANA time zone',
  },
  {
    name: 'duplicate schedule name',
    yaml: `${shop}schedules:\n  - name: n\n    cron: "0 2 * * *"\n  - name: n\n    cron: "0 3 * * *"\n`,
    code: 'VIGIL_ERR_CONFIG_INVALID',
    line: 9,
    column: 11,
    message: 'schedules[1].name: "n" is already the name of schedules[0]',
  },
  {
    name: 'bad failOn',
    yaml: `gate:\n  failOn: severe\n${shop}`,
    code: 'VIGIL_ERR_CONFIG_INVALID',
    line: 2,
    column: 11,
    message: 'gate.failOn: must be one of critical, high, medium, low, none (got "severe")',
  },
  {
    name: 'negative sla',
    yaml: `sla:\n  high: -3\n${shop}`,
    code: 'VIGIL_ERR_CONFIG_INVALID',
    line: 2,
    column: 9,
    message: 'sla.high: must be at least 1 (got -3)',
  },
  {
    name: 'fractional sla',
    yaml: `sla: { medium: 1.5 }\n${shop}`,
    code: 'VIGIL_ERR_CONFIG_INVALID',
    line: 1,
    column: 16,
    message: 'sla.medium: must be a whole number (got 1.5)',
  },
  {
    name: 'sla for info',
    yaml: `sla: { info: 365 }\n${shop}`,
    code: 'VIGIL_ERR_CONFIG_INVALID',
    line: 1,
    column: 8,
    message: 'sla: unknown key "info"',
  },
  {
    name: 'version other than 1',
    yaml: `version: 2\n${shop}`,
    code: 'VIGIL_ERR_CONFIG_INVALID',
    line: 1,
    column: 10,
    message: 'version: must be 1 (got 2)',
  },
  {
    name: 'concurrency out of range',
    yaml: `runner: { concurrency: 100 }\n${shop}`,
    code: 'VIGIL_ERR_CONFIG_INVALID',
    line: 1,
    column: 24,
    message: 'runner.concurrency: must be at most 64 (got 100)',
  },
  {
    name: 'timeout in words',
    yaml: `runner:\n  timeout: 10 minutes\n${shop}`,
    code: 'VIGIL_ERR_CONFIG_INVALID',
    line: 2,
    column: 12,
    message: 'runner.timeout: must be a number of seconds, or a duration such as "90s", "10m" or "1h" (got "10 minutes")',
  },
  {
    name: 'zero timeout',
    yaml: `runner:\n  timeout: 0\n${shop}`,
    code: 'VIGIL_ERR_CONFIG_INVALID',
    line: 2,
    column: 12,
    message: 'runner.timeout: must be more than 0 (got 0)',
  },
  {
    name: 'zero timeout as a string',
    yaml: `runner:\n  timeout: 0s\n${shop}`,
    code: 'VIGIL_ERR_CONFIG_INVALID',
    line: 2,
    column: 12,
    message: 'runner.timeout: must be more than 0 seconds (got "0s")',
  },
  {
    name: 'server port as a string',
    yaml: `server:\n  port: "8080"\n${shop}`,
    code: 'VIGIL_ERR_CONFIG_INVALID',
    line: 2,
    column: 9,
    message: 'server.port: must be a whole number (got "8080")',
  },
  {
    name: 'ledger with another database scheme, password redacted',
    yaml: `ledger: mysql://vigil:hunter2@db/vigil\n${shop}`,
    code: 'VIGIL_ERR_CONFIG_INVALID',
    line: 1,
    column: 9,
    message: 'ledger: must be a file path or a postgres:// URL (got "mysql://vigil:***@db/vigil")',
  },
  {
    name: 'empty targets list',
    yaml: 'targets: []\n',
    code: 'VIGIL_ERR_CONFIG_INVALID',
    line: 1,
    column: 10,
    message: 'targets: must not be an empty list',
  },
  {
    name: 'targets with no value',
    yaml: 'targets:\n',
    code: 'VIGIL_ERR_CONFIG_INVALID',
    line: 1,
    column: 1,
    message: 'targets: must be a list (got nothing)',
  },
  {
    name: 'targets as a mapping',
    yaml: 'targets:\n  shop: { kind: path }\n',
    code: 'VIGIL_ERR_CONFIG_INVALID',
    line: 2,
    column: 3,
    message: 'targets: must be a list (got a mapping)',
  },
  {
    name: 'a target that is a string',
    yaml: 'targets:\n  - shop\n',
    code: 'VIGIL_ERR_CONFIG_INVALID',
    line: 2,
    column: 5,
    message: 'targets[0]: must be a mapping (got "shop")',
  },
  {
    name: 'a document that is just a string',
    yaml: 'just some text\n',
    code: 'VIGIL_ERR_CONFIG_INVALID',
    line: 1,
    column: 1,
    message: 'the file must be a mapping of settings such as "targets:" (got "just some text")',
  },
  {
    name: 'a document that is a list',
    yaml: '- name: shop\n',
    code: 'VIGIL_ERR_CONFIG_INVALID',
    line: 1,
    column: 1,
    message: 'the file must be a mapping of settings such as "targets:" (got a list)',
  },
  {
    name: 'an empty file',
    yaml: '',
    code: 'VIGIL_ERR_CONFIG_INVALID',
    line: 1,
    column: 1,
    message: 'the file is empty',
  },
  {
    name: 'a file of comments only',
    yaml: '# nothing yet\n\n',
    code: 'VIGIL_ERR_CONFIG_INVALID',
    line: 1,
    column: 1,
    message: 'the file is empty',
  },
  {
    name: 'positions count from after a byte-order mark, with CRLF endings',
    yaml: `\uFEFF${shop.replace('kind: path', 'kind: paht').replace(/\n/g, '\r\n')}`,
    code: 'VIGIL_ERR_CONFIG_INVALID',
    line: 3,
    column: 11,
    message: 'targets[0].kind: must be one of',
  },
  {
    name: 'an error inside merged content points at the anchor',
    yaml: 'targets:\n  - &base\n    name: a\n    kind: path\n    path: a\n    scanners: [import]\n  - <<: *base\n    name: a\n',
    code: 'VIGIL_ERR_CONFIG_INVALID',
    line: 8,
    column: 11,
    message: 'targets[1].name: "a" is already the name of targets[0]',
  },
];

function thrown(fn: () => unknown): VigilError {
  try {
    fn();
  } catch (e) {
    if (e instanceof VigilError) return e;
    throw e;
  }
  throw new Error('expected a VigilError, but nothing was thrown');
}

describe('parseConfig: bad input', () => {
  it.each(cases)('$name', (c) => {
    const err = thrown(() => parseConfig(c.yaml, FILE));
    expect({ code: err.code, file: err.file, line: err.line, column: err.column }).toEqual({
      code: c.code,
      file: FILE,
      line: c.line,
      column: c.column,
    });
    expect(err.message).toContain(c.message);
    expect(err.exitCode).toBe(2);
  });

  it('reports the first problem in document order and lists the rest', () => {
    const yaml = `gate:\n  failOn: x\nsla: { low: 0 }\n${shop.replace('kind: path', 'kind: paht')}`;
    const err = thrown(() => parseConfig(yaml, FILE));
    expect(err.line).toBe(2);
    expect(err.message).toBe(
      'gate.failOn: must be one of critical, high, medium, low, none (got "x")' +
        ' (and 2 more: line 3: sla.low: must be at least 1 (got 0);' +
        ' line 6: targets[0].kind: must be one of path, url, host, database, tls (got "paht"))',
    );
  });

  it('orders schema problems and cross-reference problems together', () => {
    // the duplicate name (a check in code) comes before the bad enum (a schema check) in the file
    const yaml = `${shop}${shop.replace('targets:\n', '')}gate: { failOn: x }\n`;
    const err = thrown(() => parseConfig(yaml, FILE));
    expect(err.line).toBe(6);
    expect(err.message).toMatch(/^targets\[1\]\.name: .* \(and 1 more: line 10: gate\.failOn/);
  });

  it('checkConfigText returns every problem with its position, and none for a valid config', () => {
    expect(checkConfigText(shop, FILE)).toEqual([]);
    const problems = checkConfigText(`version: 3\n${shop}colour: red\n`, FILE);
    expect(problems.map((p) => [p.line, p.column, p.path, p.message])).toEqual([
      [1, 10, ['version'], 'version: must be 1 (got 3)'],
      [7, 1, ['colour'], 'unknown key "colour" (expected one of: version, ledger, sla, gate, suppressions, advisories, vex, runner, server, targets, schedules, notify, organisation, incidents, reports, uptime)'],
    ]);
    expect(checkConfigText('a: "', FILE)).toMatchObject([{ code: 'VIGIL_ERR_CONFIG_PARSE', line: 1 }]);
  });

  it('keeps the list of further problems short', () => {
    const many = Array.from({ length: 20 }, (_, i) => `bad${i}: 1\n`).join('');
    const err = thrown(() => parseConfig(`${shop}${many}`, FILE));
    expect(err.message).toContain('(and 19 more: ');
    expect(err.message.match(/line \d+: /g)).toHaveLength(10);
    expect(err.message.endsWith('; ...)')).toBe(true);
  });
});
