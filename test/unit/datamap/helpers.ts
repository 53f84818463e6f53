import { mkdtempSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { stringify } from 'yaml';
import { VigilError } from '../../../src/errors.js';
import { loadDataMap } from '../../../scanners/datamap/fides.js';
import type { DataMap } from '../../../scanners/datamap/types.js';

/** A fresh folder with these files (relative name → YAML text). */
export function mapDir(files: Record<string, string>): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'vigil-datamap-'));
  for (const [name, text] of Object.entries(files)) {
    const full = path.join(dir, name);
    mkdirSync(path.dirname(full), { recursive: true });
    writeFileSync(full, text);
  }
  return dir;
}

/** Load one YAML text as a data map file `map.yml`. */
export async function loadText(text: string): Promise<DataMap> {
  return loadDataMap([mapDir({ 'map.yml': text })]);
}

/** Load a JS value written out as YAML. */
export async function loadValue(value: unknown): Promise<DataMap> {
  return loadText(stringify(value));
}

/** The VigilError a load throws (fails the test when none is thrown). */
export async function loadError(text: string): Promise<VigilError & { relFile: string }> {
  const dir = mapDir({ 'map.yml': text });
  try {
    await loadDataMap([dir]);
  } catch (e) {
    if (e instanceof VigilError) return Object.assign(e, { relFile: path.relative(dir, e.file ?? '') });
    throw e;
  }
  throw new Error('expected a VigilError, but the data map loaded');
}

/** A data map every law check passes: the base the law tables change one thing of. */
export function goodMap(): Record<string, any> {
  // (`any` keeps the table tests' mutations short; the loader checks the result's shape)
  const handling = { how: 'privacy form at https://shop.example/privacy/request', deadline_days: 30 };
  return {
    organization: [
      {
        fides_key: 'default_organization',
        name: 'Shop Ltd',
        controller: { name: 'Shop Ltd', address: '1 Main Street, Dublin', email: 'privacy@shop.example', phone: '+353 1 000 0000' },
        data_protection_officer: { name: 'A. Officer', email: 'dpo@shop.example' },
        vigil: {
          ccpa: {
            applies: true,
            do_not_sell_or_share_url: 'https://shop.example/do-not-sell',
            limit_use_url: 'https://shop.example/limit-use',
            notice_at_collection: { url: 'https://shop.example/notice', categories: ['user'], purposes: ['essential', 'marketing', 'analytics'] },
          },
          rights_handling: { access: handling, erasure: handling, objection: handling },
        },
      },
    ],
    system: [
      {
        fides_key: 'shop',
        name: 'Shop',
        system_type: 'Service',
        responsibility: ['Controller'],
        data_security_practices: 'TLS 1.2+, encryption at rest, SSO with MFA',
        privacy_declarations: [
          {
            name: 'Checkout',
            data_use: 'essential.service.payment_processing',
            data_categories: ['user.contact.email', 'user.financial.credit_card'],
            data_subjects: ['customer'],
            legal_basis_for_processing: 'Contract',
            retention_period: '7 years after the order (tax law)',
          },
        ],
      },
    ],
  };
}

/** The first system's first declaration of a goodMap(). */
export function decl(m: Record<string, any>): Record<string, any> {
  return m['system'][0]['privacy_declarations'][0];
}
