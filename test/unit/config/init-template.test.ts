import { describe, expect, it } from 'vitest';
import { parseDocument } from 'yaml';
import { CONFIG_SCHEMA, defaultConfig, initTemplate, parseConfig } from '../../../src/config/index.js';

describe('initTemplate', () => {
  const text = initTemplate();

  it('parses and validates, and sets nothing but the defaults, one target and one schedule', () => {
    const c = parseConfig(text, '/srv/app/vigil.yaml');
    const defaults = defaultConfig('/srv/app');
    expect({ ...c, file: defaults.file, targets: [], schedules: [] }).toEqual(defaults);
    expect(c.targets).toEqual([
      { name: 'app', kind: 'path', location: '/srv/app', active: false, scanners: { import: {} } },
    ]);
    expect(c.schedules).toEqual([{ name: 'nightly', cron: '0 2 * * *', timezone: 'UTC', runOnStart: false }]);
  });

  it('shows every top-level key of the schema', () => {
    const keys = Object.keys(parseDocument(text).toJS() as Record<string, unknown>);
    expect(keys.sort()).toEqual(Object.keys(CONFIG_SCHEMA.properties).sort());
  });

  it('shows every key a path target and a schedule can have, commented out where optional', () => {
    for (const key of ['name:', 'kind:', 'path:', 'url:', 'host:', 'active:', 'scanners:']) expect(text).toContain(key);
    for (const key of ['cron:', 'timezone:', 'targets:', 'scanners:', 'runOnStart:']) expect(text).toContain(key);
  });

  it('keeps its commented-out examples valid when they are uncommented', () => {
    const uncommented = text
      .split('\n')
      .map((l) => l.replace(/^(\s*)# (- name: |  kind: |  url: |  host: |  scanners: |targets: |scanners: )/, '$1$2'))
      .join('\n');
    const c = parseConfig(uncommented, '/srv/app/vigil.yaml');
    expect(c.targets.map((t) => [t.name, t.kind, t.location])).toEqual([
      ['app', 'path', '/srv/app'],
      ['staging', 'url', 'https://staging.example.com'],
      ['api-tls', 'host', 'api.example.com:443'],
    ]);
    expect(c.schedules[0]).toMatchObject({ targets: ['app'], scanners: ['import'] });
  });

  it('fits in 100 columns', () => {
    for (const line of text.split('\n')) expect(line.length).toBeLessThanOrEqual(100);
  });
});
