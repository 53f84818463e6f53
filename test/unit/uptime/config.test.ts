import { describe, expect, it } from 'vitest';
import { checkConfigText, parseConfig } from '../../../src/config/index.js';
import { configValueProblems } from '../../../src/config/validate.js';
import { parseYamlSource } from '../../../src/config/yaml-source.js';
import { checkUptime } from '../../../src/uptime/config-checks.js';
import type { ConfigProblem } from '../../../src/config/problem.js';

const FILE = '/srv/app/vigil.yaml';
const base = `targets:
  - name: shop
    kind: path
    path: .
    scanners: [deps]
`;

describe('the uptime section', () => {
  it('applies defaults, section settings and per-probe overrides; paths resolve against the config', () => {
    const config = parseConfig(
      `${base}uptime:
  every: 30s
  failures: 5
  probes:
    - name: shop
      url: https://localhost:8443/healthz
      body: '"status":"ok"'
      ca: .vigil/demo-tls/ca.pem
    - name: api
      url: http://127.0.0.1:9000/health
      status: [200, '3xx']
      every: 2m
      failures: 2
      slo: 99.5
      timeout: 3
      tlsMinDays: 7
`,
      FILE,
    );
    expect(config.uptime).toEqual({
      probes: [
        { name: 'shop', url: 'https://localhost:8443/healthz', status: ['2xx'], body: '"status":"ok"', ca: '/srv/app/.vigil/demo-tls/ca.pem', tlsMinDays: 14, everySeconds: 30, failures: 5, sloPct: 99.9, timeoutSeconds: 10 },
        { name: 'api', url: 'http://127.0.0.1:9000/health', status: [200, '3xx'], tlsMinDays: 7, everySeconds: 120, failures: 2, sloPct: 99.5, timeoutSeconds: 3 },
      ],
    });
  });

  it('is absent without probes', () => {
    expect(parseConfig(base, FILE).uptime).toBeUndefined();
    expect(parseConfig(`${base}uptime:\n  every: 10s\n`, FILE).uptime).toBeUndefined();
  });

  it.each([
    { yaml: 'uptime:\n  probes:\n    - name: shop\n      url: ftp://example.com/\n', line: 9, message: 'uptime.probes[0].url: must be an http:// or https:// URL' },
    { yaml: 'uptime:\n  probes:\n    - name: shop\n      url: http://x/\n      status: 700\n', line: 10, message: 'uptime.probes[0].status' },
    { yaml: "uptime:\n  probes:\n    - name: shop\n      url: http://x/\n      status: [200, 'abc']\n", line: 10, message: 'uptime.probes[0].status[1]' },
    { yaml: 'uptime:\n  every: 0s\n  probes:\n    - name: shop\n      url: http://x/\n', line: 7, message: 'uptime.every: must be a number of seconds more than 0' },
    { yaml: 'uptime:\n  probes:\n    - name: shop\n      url: http://x/\n      every: 0\n', line: 10, message: 'uptime.probes[0].every' },
    { yaml: 'uptime:\n  slo: 101\n  probes:\n    - name: shop\n      url: http://x/\n', line: 7, message: 'uptime.slo' },
    { yaml: 'uptime:\n  probes:\n    - name: shop\n      url: http://x/\n      bodyy: ok\n', line: 10, message: 'unknown key "bodyy" (did you mean "body"?)' },
    { yaml: 'uptime:\n  probes:\n    - url: http://x/\n', line: 8, message: 'missing required key "name"' },
  ])('names the line of a bad value: $message', ({ yaml, line, message }) => {
    const problems = checkConfigText(base + yaml, FILE);
    expect(problems.length, JSON.stringify(problems)).toBeGreaterThan(0);
    expect(problems[0]).toMatchObject({ code: 'VIGIL_ERR_CONFIG_INVALID', line });
    expect(problems[0]!.message).toContain(message);
  });

  it('reports a repeated probe name at its line (checkUptime, for crossCheck)', () => {
    const text = `${base}uptime:\n  probes:\n    - name: shop\n      url: http://a/\n    - name: shop\n      url: http://b/\n`;
    const { value, locator } = parseYamlSource(text, FILE);
    const problems: ConfigProblem[] = [];
    checkUptime((value as { uptime: unknown }).uptime, (path, problem) => {
      const { line, column, offset } = locator.locate(path, 'value');
      problems.push({ code: 'VIGIL_ERR_CONFIG_INVALID', path, message: problem, line, column, offset });
    });
    expect(problems).toMatchObject([{ line: 10, message: '"shop" is already the name of uptime.probes[0]; probe names must be unique' }]);
    // the schema itself has nothing against it
    expect(configValueProblems(value, locator).filter((p) => p.path[0] === 'uptime' && !/unique/.test(p.message))).toEqual([]);
  });
});
