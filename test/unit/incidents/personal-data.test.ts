import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../../src/config/load.js';
import type { TargetConfig } from '../../../src/config/types.js';
import { VigilError } from '../../../src/errors.js';
import { tagsFor } from '../../../src/incidents/match.js';
import { personalDataTargets, type LinkedTarget } from '../../../src/incidents/personal-data.js';
import { createFinding } from '../../../src/model/create.js';

const BASE = process.cwd();

function target(name: string, over: Partial<LinkedTarget> = {}): LinkedTarget {
  return { name, kind: 'path', location: 'examples/shop', active: false, scanners: { code: {} }, ...over } as LinkedTarget;
}

const datamap = (cookies?: Record<string, string>): TargetConfig =>
  target('shop-datamap', { location: 'examples/shop/.fides', scanners: { datamap: cookies ? { cookies } : {} } });

async function configError(p: Promise<unknown>): Promise<VigilError> {
  try {
    await p;
  } catch (e) {
    expect(e).toBeInstanceOf(VigilError);
    return e as VigilError;
  }
  throw new Error('expected an error');
}

describe('personalDataTargets (the shop\'s data map)', () => {
  it('maps each linked target to the data categories its systems declare', async () => {
    const map = await personalDataTargets(
      {
        file: 'vigil.yaml',
        targets: [datamap({ 'shop-web': 'shop_app' }), target('shop', { systems: ['shop_app'] }), target('docs'), target('ads', { kind: 'url', location: 'https://ads.example/' })],
      },
      BASE,
      { ads: ['ad_partner'] },
    );
    expect([...map.keys()].sort()).toEqual(['ads', 'shop', 'shop-web']);
    expect([...map.get('shop')!].sort()).toEqual(['user.contact.address', 'user.contact.email', 'user.device.ip_address', 'user.name']);
    expect(map.get('shop-web')).toEqual(map.get('shop'));
    expect([...map.get('ads')!].sort()).toEqual(['user.contact.email', 'user.device']);
    // and so findings there carry the tag
    const f = createFinding({ scanner: 'web', ruleId: '40018', title: 'SQL injection', severity: 'high', location: { kind: 'web', url: 'http://127.0.0.1:8444/' } });
    expect(tagsFor({ ...f, target: 'shop-web' }, { personalData: map }).has('personal-data')).toBe(true);
    expect(tagsFor({ ...f, target: 'docs' }, { personalData: map }).has('personal-data')).toBe(false);
  });

  it('reads the link the demo config already has (cookies: shop-web → shop_app)', async () => {
    const config = await loadConfig(path.join(BASE, 'vigil.yaml'));
    const map = await personalDataTargets(config, config.baseDir);
    expect([...map.keys()]).toEqual(['shop-web']);
    expect(map.get('shop-web')!.has('user.contact.email')).toBe(true);
  });

  it('reads no data map when nothing links to one', async () => {
    const map = await personalDataTargets({ file: 'vigil.yaml', targets: [target('dm', { location: 'no/such/folder', scanners: { datamap: {} } })] }, BASE);
    expect(map.size).toBe(0);
  });

  it('a link to a system no data map defines is a config error (a silent miss would keep the breach clocks from starting)', async () => {
    const e = await configError(personalDataTargets({ file: 'vigil.yaml', targets: [datamap(), target('shop', { systems: ['shop-app'] })] }, BASE));
    expect(e.code).toBe('VIGIL_ERR_CONFIG_INVALID');
    expect(e.file).toBe('vigil.yaml');
    expect(e.message).toBe('target "shop" is linked to data map system "shop-app", but no data map of a datamap target (shop-datamap) defines it (did you mean "shop_app"?)');
  });

  it('so is a link when the config has no datamap target', async () => {
    const e = await configError(personalDataTargets({ file: 'vigil.yaml', targets: [target('shop', { systems: ['shop_app'] })] }, BASE));
    expect(e.message).toMatch(/the config has no datamap target to read systems from/);
  });
});
