import { describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { declaredFields, loadDataMap } from '../../../scanners/datamap/fides.js';
import { goodMap, loadError, loadText, loadValue, mapDir } from './helpers.js';

const SHOP = `organization:
  - fides_key: default_organization
    name: Shop Ltd
dataset:
  - fides_key: shop_db
    data_categories: [user]
    collections:
      - name: customers
        data_categories: [user.contact]
        fields:
          - name: email
            data_categories: [user.contact.email]
          - name: address
            fields:
              - name: city
                data_categories: [user.contact.address.city]
              - name: note
          - name: created_at
system:
  - fides_key: shop
    system_type: Service
    dataset_references: [shop_db]
    privacy_declarations:
      - name: Checkout
        data_use: essential.service.payment_processing
        data_categories: [user.contact.email]
        data_subjects: [customer]
        dataset_references: [shop_db]
`;

describe('loadDataMap', () => {
  it('reads a folder recursively, keeps fideslang defaults and every object\'s position', async () => {
    const dir = mapDir({ '.fides/shop.yml': SHOP, '.fides/sub/policy.yaml': 'policy: []\n', '.fides/readme.txt': 'not read' });
    const map = await loadDataMap([dir]);
    expect(map.files.map((f) => f.slice(dir.length + 1))).toEqual(['.fides/shop.yml', '.fides/sub/policy.yaml']);
    const sys = map.systems[0]!;
    expect(sys).toMatchObject({ fides_key: 'shop', processes_personal_data: true, exempt_from_privacy_regulations: false, uses_profiling: false, responsibility: [] });
    expect(sys.where).toMatchObject({ line: 20, column: 5, pointer: '/system/0' });
    const d = sys.privacy_declarations[0]!;
    expect(d).toMatchObject({ name: 'Checkout', data_subjects: ['customer'], data_shared_with_third_parties: false, flexible_legal_basis_for_processing: true });
    expect(d.where).toMatchObject({ line: 24, column: 9, pointer: '/system/0/privacy_declarations/0' });
    expect(map.organizations[0]!.name).toBe('Shop Ltd');
  });

  it('flattens dataset fields for drift, inheriting categories from the nearest parent', async () => {
    const map = await loadText(SHOP);
    const fields = declaredFields(map).map((f) => [f.field, f.categories.join(',')]);
    expect(fields).toEqual([
      ['email', 'user.contact.email'],
      ['address', 'user.contact'],
      ['address.city', 'user.contact.address.city'],
      ['address.note', 'user.contact'],
      ['created_at', 'user.contact'],
    ]);
    expect(declaredFields(map)[2]!.where).toMatchObject({ line: 15, pointer: '/dataset/0/collections/0/fields/1/fields/0' });
  });

  it('maps fideslang 1.x keys it knows, with a note naming the 2.x key', async () => {
    const m = goodMap();
    m['system'][0]['privacy_declarations'][0]['data_categories'] = ['user.provided.identifiable.contact.email', 'user.derived.identifiable.device.ip_address'];
    m['system'][0]['privacy_declarations'][0]['data_use'] = 'improve.system';
    const map = await loadValue(m);
    const d = map.systems[0]!.privacy_declarations[0]!;
    expect(d.data_categories).toEqual(['user.contact.email', 'user.device.ip_address']);
    expect(d.data_use).toBe('functional.service.improve');
    const notes = map.notes.map((n) => n.message).join('\n');
    expect(notes).toContain('fideslang 1.x data category "user.provided.identifiable.contact.email" read as its fideslang 2.x key "user.contact.email"');
    expect(notes).toContain('"improve.system" read as its fideslang 2.x key "functional.service.improve"');
  });

  it('notes keys fideslang 3.2.0 deprecated, and reads fideslang 2.x deprecated fields as their successors', async () => {
    const m = goodMap();
    Object.assign(m['system'][0], { data_responsibility_title: 'Processor', data_protection_impact_assessment: { is_required: true, progress: 'Complete', link: 'https://wiki/dpia' } });
    m['system'][0]['privacy_declarations'][0]['data_categories'] = ['user.biometric'];
    m['system'][0]['privacy_declarations'][0]['data_qualifier'] = 'aggregated.anonymized';
    const map = await loadValue(m);
    const sys = map.systems[0]!;
    expect(sys.responsibility).toEqual(['Controller', 'Processor']);
    expect(sys.requires_data_protection_assessments).toBe(true);
    expect(sys.vigil.dpia).toMatchObject({ location: 'https://wiki/dpia', status: 'complete' });
    const notes = map.notes.map((n) => n.message).join('\n');
    expect(notes).toContain('"user.biometric" is deprecated since fideslang 3.2.0; use "user.biometrics"');
    expect(notes).toContain('data_qualifier is ignored');
    expect(notes).toContain('data_responsibility_title');
  });

  it('lets the map redeclare a default data subject to add rights handling, and extend the taxonomy', async () => {
    const m = goodMap();
    m['data_subject'] = [{ fides_key: 'customer', name: 'Customer', rights: { strategy: 'ALL' }, vigil: { rights_handling: { access: { how: 'e-mail', deadline_days: 20 } } } }];
    m['data_category'] = [{ fides_key: 'user.contact.email.work', parent_key: 'user.contact.email', name: 'Work e-mail' }];
    decl(m)['data_categories'] = ['user.contact.email.work'];
    const map = await loadValue(m);
    expect(map.taxonomy.get('data_subject', 'customer')?.vigil?.rights_handling?.access?.deadline_days).toBe(20);
    expect(map.taxonomy.covers('data_category', 'user.contact', 'user.contact.email.work')).toBe(true);
  });
});

function decl(m: Record<string, any>): Record<string, any> {
  return m['system'][0]['privacy_declarations'][0];
}

describe('bad input: exit 2 naming file:line:column and the key', () => {
  const base = stringify(goodMap());
  const lineOf = (text: string, needle: string) => text.split('\n').findIndex((l) => l.includes(needle)) + 1;

  it('invalid YAML', async () => {
    const e = await loadError('system:\n  - fides_key: shop\n    name: "unclosed\n');
    expect({ code: e.code, exit: e.exitCode, file: e.relFile, line: e.line }).toEqual({ code: 'VIGIL_ERR_DATAMAP_PARSE', exit: 2, file: 'map.yml', line: 3 });
    expect(e.message).toContain('not valid YAML');
  });

  it('an unknown key, with a suggestion', async () => {
    const text = base.replace('legal_basis_for_processing:', 'legal_basis_for_procesing:');
    const e = await loadError(text);
    expect({ code: e.code, exit: e.exitCode, file: e.relFile, line: e.line }).toEqual({ code: 'VIGIL_ERR_DATAMAP_INVALID', exit: 2, file: 'map.yml', line: lineOf(text, 'legal_basis_for_procesing') });
    expect(e.message).toContain('system[0].privacy_declarations[0]: unknown key "legal_basis_for_procesing"');
    expect(e.message).toContain('did you mean "legal_basis_for_processing"');
  });

  it('an unknown top-level key', async () => {
    const e = await loadError('systems:\n  - fides_key: shop\n');
    expect({ line: e.line, column: e.column }).toEqual({ line: 1, column: 1 });
    expect(e.message).toContain('unknown key "systems"');
    expect(e.message).toContain('did you mean "system"');
  });

  it('a wrong type', async () => {
    const text = stringify({ ...goodMap(), system: [{ ...goodMap()['system'][0], uses_profiling: 'yes' }] });
    const e = await loadError(text);
    expect({ code: e.code, line: e.line }).toEqual({ code: 'VIGIL_ERR_DATAMAP_INVALID', line: lineOf(text, 'uses_profiling') });
    expect(e.message).toContain('system[0].uses_profiling: must be true or false or empty (got "yes")');
  });

  it('a missing required key', async () => {
    const e = await loadError('system:\n  - fides_key: shop\n    privacy_declarations: []\n');
    expect(e.line).toBe(2);
    expect(e.message).toContain('system[0]: missing required key "system_type"');
  });

  it('an unknown taxonomy key, with the nearest known one', async () => {
    const text = base.replace('user.contact.email', 'user.contact.emial');
    const e = await loadError(text);
    expect({ code: e.code, file: e.relFile, line: e.line }).toEqual({ code: 'VIGIL_ERR_DATAMAP_INVALID', file: 'map.yml', line: lineOf(text, 'user.contact.emial') });
    expect(e.message).toContain('system[0].privacy_declarations[0].data_categories[0]: unknown data category "user.contact.emial"');
    expect(e.message).toContain('did you mean "user.contact.email"');
  });

  it('a fideslang 1.x key with no 2.x equivalent names the replacement', async () => {
    const text = base.replace('user.contact.email', 'account.contact.email');
    const e = await loadError(text);
    expect(e.line).toBe(lineOf(text, 'account.contact.email'));
    expect(e.message).toContain('"account.contact.email" is a fideslang 1.x data category with no fideslang 2.x equivalent');
    expect(e.message).toContain('replace it with "user.contact.email"');
  });

  it('an undefined dataset_references', async () => {
    const m = goodMap();
    decl(m)['dataset_references'] = ['shop_db'];
    const text = stringify(m);
    const e = await loadError(text);
    expect({ code: e.code, line: e.line }).toEqual({ code: 'VIGIL_ERR_DATAMAP_INVALID', line: lineOf(text, '- shop_db') });
    expect(e.message).toContain('system[0].privacy_declarations[0].dataset_references[0]: dataset_references names "shop_db", but no dataset has that fides_key');
  });

  it('an undefined parent_key', async () => {
    const text = 'data_category:\n  - fides_key: user.loyalty.tier\n    parent_key: user.loyalty\n';
    const e = await loadError(text);
    expect({ code: e.code, line: e.line, column: e.column }).toEqual({ code: 'VIGIL_ERR_DATAMAP_INVALID', line: 3, column: 17 });
    expect(e.message).toContain('data_category[0].parent_key: parent_key "user.loyalty" is no data category');
  });

  it('a parent_key that is not the key minus its last part', async () => {
    const e = await loadError('data_use:\n  - fides_key: marketing.loyalty\n    parent_key: essential\n');
    expect(e.line).toBe(3);
    expect(e.message).toContain('parent_key must be "marketing"');
  });

  it('an unknown country code', async () => {
    const m = goodMap();
    m['system'][0]['vigil'] = { transfers: [{ country: 'US', mechanism: 'scc' }, { country: 'XK', mechanism: 'scc' }] };
    const text = stringify(m);
    const e = await loadError(text);
    expect({ code: e.code, line: e.line }).toEqual({ code: 'VIGIL_ERR_DATAMAP_INVALID', line: lineOf(text, 'country: XK') });
    expect(e.message).toContain('system[0].vigil.transfers[1].country: "XK" is not an ISO 3166-1 alpha-2 country code');
  });

  it('a country that is not two capital letters', async () => {
    const m = goodMap();
    m['system'][0]['vigil'] = { transfers: [{ country: 'usa' }] };
    const e = await loadError(stringify(m));
    expect(e.message).toContain('must be an ISO 3166-1 alpha-2 country code');
  });

  it('a system defined twice', async () => {
    const dir = mapDir({ 'a.yml': stringify(goodMap()), 'b.yml': stringify({ system: goodMap()['system'] }) });
    const e = await loadDataMap([dir]).then(
      () => undefined,
      (err: unknown) => err as import('../../../src/errors.js').VigilError,
    );
    expect(e?.code).toBe('VIGIL_ERR_DATAMAP_INVALID');
    expect(e?.file).toMatch(/b\.yml$/);
    expect(e?.message).toContain('system "shop" is defined twice (first at');
  });

  it('an egress that names no data flow of the system', async () => {
    const m = goodMap();
    decl(m)['egress'] = ['stripe'];
    const text = stringify(m);
    const e = await loadError(text);
    expect(e.line).toBe(lineOf(text, '- stripe'));
    expect(e.message).toContain('egress names "stripe", but system "shop" defines no egress data flow');
  });

  it('a missing path', async () => {
    await expect(loadDataMap(['/nonexistent/.fides'])).rejects.toMatchObject({ code: 'VIGIL_ERR_INPUT_NOT_FOUND' });
  });
});
