import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { classifyColumn } from '../../../scanners/datamap/drift/index.js';
import { CLASSIFY_RULES } from '../../../scanners/datamap/drift/classify-rules.js';
import { tokenise, typeClass } from '../../../scanners/datamap/drift/tokens.js';

// [name, type, expected category or undefined, expected confidence when it matters]
type Case = [string, string | undefined, string | undefined, ('high' | 'medium' | 'low')?];

const personal: Case[] = [
  ['email', 'text', 'user.contact.email', 'high'],
  ['email_address', 'varchar(255)', 'user.contact.email', 'high'],
  ['emailAddress', 'String', 'user.contact.email'],
  ['billing_email', undefined, 'user.contact.email'],
  ['verified_email', 'text', 'user.contact.email'],
  ['email_hash', 'bytea', 'user.contact.email'],
  ['email_change', 'varchar', 'user.contact.email'],
  ['phone', 'text', 'user.contact.phone_number', 'high'],
  ['phone_number', 'character varying(32)', 'user.contact.phone_number'],
  ['mobilePhone', 'String?', 'user.contact.phone_number'],
  ['phone_e164', 'text', 'user.contact.phone_number'],
  ['fax_number', 'text', 'user.contact.fax_number'],
  ['first_name', 'text', 'user.name.first', 'high'],
  ['firstName', 'String', 'user.name.first'],
  ['given_name', 'text', 'user.name.first'],
  ['last_name', 'text', 'user.name.last'],
  ['surname', 'text', 'user.name.last'],
  ['full_name', 'text', 'user.name', 'high'],
  ['customer_name', 'text', 'user.name'],
  ['display_name', 'text', 'user.name', 'medium'],
  ['name', 'text', 'user.name', 'low'],
  ['username', 'citext', 'user.account.username'],
  ['user_name', 'text', 'user.account.username'],
  ['date_of_birth', 'date', 'user.demographic.date_of_birth', 'high'],
  ['dob', 'date', 'user.demographic.date_of_birth'],
  ['birthDate', 'DateTime', 'user.demographic.date_of_birth'],
  ['birth_year', 'integer', 'user.demographic.date_of_birth'],
  ['age', 'integer', 'user.demographic.age_range', 'medium'],
  ['age_range', 'text', 'user.demographic.age_range'],
  ['street_address', 'text', 'user.contact.address.street'],
  ['address_line1', 'text', 'user.contact.address.street'],
  ['line1', 'text', 'user.contact.address.street'],
  ['city', 'text', 'user.contact.address.city', 'medium'],
  ['billing_city', 'text', 'user.contact.address.city', 'high'],
  ['postal_code', 'text', 'user.contact.address.postal_code', 'high'],
  ['zip', 'varchar(10)', 'user.contact.address.postal_code', 'medium'],
  ['zipcode', 'integer', 'user.contact.address.postal_code'],
  ['country', 'char(2)', 'user.contact.address.country', 'low'],
  ['shipping_country', 'text', 'user.contact.address.country', 'high'],
  ['billing_state', 'text', 'user.contact.address.state', 'high'],
  ['province', 'text', 'user.contact.address.state'],
  ['shipping_address', 'jsonb', 'user.contact.address', 'high'],
  ['address', 'text', 'user.contact.address', 'medium'],
  ['ip', 'inet', 'user.device.ip_address', 'high'],
  ['ip_address', 'text', 'user.device.ip_address', 'high'],
  ['IPAddress', undefined, 'user.device.ip_address'],
  ['last_sign_in_ip', 'inet', 'user.device.ip_address'],
  ['remote_addr', 'varchar(45)', 'user.device.ip_address'],
  ['ipv4', 'text', 'user.device.ip_address'],
  ['client', 'inet', 'user.device.ip_address', 'medium'],
  ['device_id', 'text', 'user.device.device_id'],
  ['idfa', 'uuid', 'user.device.device_id'],
  ['advertising_id', 'text', 'user.device.device_id'],
  ['push_token', 'text', 'user.device.device_id'],
  ['mac_address', 'macaddr', 'user.device.device_id', 'high'],
  ['user_agent', 'text', 'user.device'],
  ['latitude', 'double precision', 'user.location.precise'],
  ['lng', 'numeric(9,6)', 'user.location.precise'],
  ['geolocation', 'geography(Point)', 'user.location.precise', 'high'],
  ['last_location', 'point', 'user.location', 'high'],
  ['diagnosis', 'text', 'user.health_and_medical'],
  ['medical_history', 'jsonb', 'user.health_and_medical'],
  ['is_pregnant', 'boolean', 'user.health_and_medical'],
  ['blood_type', 'text', 'user.health_and_medical'],
  ['allergies', 'text[]', 'user.health_and_medical'],
  ['dna_profile', 'bytea', 'user.health_and_medical.genetic'],
  ['mrn', 'text', 'user.health_and_medical.record_id'],
  ['health_insurance_number', 'text', 'user.health_and_medical.insurance_beneficiary_id'],
  ['card_number', 'text', 'user.financial.credit_card'],
  ['cvv', 'varchar(4)', 'user.financial.credit_card'],
  ['card_last4', 'char(4)', 'user.financial.credit_card'],
  ['iban', 'text', 'user.financial.bank_account'],
  ['bank_account_number', 'text', 'user.financial.bank_account'],
  ['stripe_customer_id', 'text', 'user.payment'],
  ['salary', 'numeric', 'user.financial'],
  ['ssn', 'char(11)', 'user.government_id.national_identification_number'],
  ['social_security_number', 'text', 'user.government_id.national_identification_number'],
  ['ssn_last4', 'char(4)', 'user.government_id.national_identification_number'],
  ['national_id', 'text', 'user.government_id.national_identification_number'],
  ['tax_id', 'text', 'user.government_id.national_identification_number'],
  ['passport_number', 'text', 'user.government_id.passport_number'],
  ['drivers_license_number', 'text', 'user.government_id.drivers_license_number'],
  ["driver's licence", undefined, 'user.government_id.drivers_license_number'],
  ['license_plate', 'text', 'user.government_id.vehicle_registration'],
  ['gender', 'text', 'user.demographic.gender'],
  ['sex', 'char(1)', 'user.demographic.gender'],
  ['ethnicity', 'text', 'user.demographic.race_ethnicity'],
  ['religion', 'text', 'user.demographic.religious_belief'],
  ['sexual_orientation', 'text', 'user.demographic.sexual_orientation'],
  ['face_embedding', 'vector', 'user.biometric'],
  ['voiceprint', 'bytea', 'user.biometric.voice'],
  ['fingerprint_template', 'bytea', 'user.biometric.fingerprint'],
  ['fingerprint', 'text', 'user.biometric.fingerprint', 'low'],
  ['password_hash', 'text', 'user.authorization.credentials', 'high'],
  ['encrypted_password', 'varchar', 'user.authorization.credentials'],
  ['passwordDigest', 'String', 'user.authorization.credentials'],
  ['reset_password_token', 'text', 'user.authorization.credentials'],
  ['otp_secret', 'text', 'user.authorization.credentials'],
  ['session_id', 'uuid', 'user.device.cookie_id'],
  ['sid', 'varchar', 'user.device.cookie_id'],
  ['remember_token', 'varchar(100)', 'user.device.cookie_id'],
  ['user_id', 'uuid', 'user.unique_id', 'medium'],
  ['customer_id', 'bigint', 'user.unique_id', 'medium'],
  ['created_by_user_id', 'uuid', 'user.unique_id', 'low'],
  ['anonymous_id', 'text', 'user.unique_id'],
  ['avatar_url', 'text', 'user.content.self_image'],
  ['job_title', 'text', 'user.job_title'],
];

// Names that contain a personal word but do not hold personal data: the false friends.
const notPersonal: Case[] = [
  ['email_verified_at', 'timestamptz', undefined],
  ['email_verified_at', undefined, undefined],
  ['email_verified', 'boolean', undefined],
  ['emailVerified', 'Boolean', undefined],
  ['email', 'boolean', undefined],
  ['email', 'timestamp', undefined],
  ['email_count', 'integer', undefined],
  ['email_opt_in', 'boolean', undefined],
  ['email_template', 'text', undefined],
  ['email_subject', 'text', undefined],
  ['email_change_sent_at', 'timestamptz', undefined],
  ['email_confirmed_at', 'timestamptz', undefined],
  ['phone_confirmed_at', 'timestamptz', undefined],
  ['is_email', 'boolean', undefined],
  ['num_emails', 'integer', undefined],
  ['phone_model', 'text', undefined],
  ['phone_verified', 'boolean', undefined],
  ['mobile', 'boolean', undefined],
  ['file_name', 'text', undefined],
  ['company_name', 'text', undefined],
  ['product_name', 'text', undefined],
  ['table_name', 'name', undefined],
  ['page', 'integer', undefined],
  ['usage', 'bigint', undefined],
  ['message', 'text', undefined],
  ['max_age', 'integer', undefined],
  ['account_age_days', 'integer', undefined],
  ['shipped', 'boolean', undefined],
  ['ship_date', 'date', undefined],
  ['state', 'text', undefined],
  ['status', 'text', undefined],
  ['wallet_address', 'text', 'user.financial'],
  ['server_address', 'text', undefined],
  ['address_id', 'uuid', undefined],
  ['license_key', 'text', undefined],
  ['health_check_url', 'text', undefined],
  ['password_changed_at', 'timestamptz', undefined],
  ['reset_password_sent_at', 'timestamp', undefined],
  ['last_login_at', 'timestamptz', undefined],
  ['login_count', 'integer', undefined],
  ['created_at', 'timestamptz', undefined],
  ['id', 'uuid', undefined],
  ['ip_allowlist', 'text[]', undefined],
  ['zip_file', 'text', undefined],
  ['storage_location', 'text', undefined],
  ['position', 'integer', undefined],
  ['title', 'text', undefined],
  ['description', 'text', undefined],
  ['long_description', 'text', undefined],
  ['country_of_origin', 'text', undefined],
  ['device_model', 'text', undefined],
  ['card_brand', 'text', undefined],
  ['', undefined, undefined],
  ['___', 'text', undefined],
];

describe('classifyColumn', () => {
  it.each(personal)('%s (%s) → %s', (name, type, category, confidence) => {
    const c = classifyColumn(name, type);
    expect(c?.category).toBe(category);
    if (confidence) expect(c?.confidence).toBe(confidence);
    expect(c?.reason).toContain(name === 'client' ? 'type inet' : name);
  });

  it.each(notPersonal)('%s (%s) is not misread', (name, type, category) => {
    expect(classifyColumn(name, type)?.category).toBe(category);
  });

  it('uses only fideslang 2.x default taxonomy keys', () => {
    // The 2.0.0 keys of fideslang's default taxonomy that the rules use (data_categories.py, entries
    // without version_added = 3.2.0).
    const FIDESLANG_2 = new Set([
      'user.account.username', 'user.authorization.credentials', 'user.biometric', 'user.biometric.fingerprint',
      'user.biometric.retinal', 'user.biometric.voice', 'user.contact.address', 'user.contact.address.city',
      'user.contact.address.country', 'user.contact.address.postal_code', 'user.contact.address.state',
      'user.contact.address.street', 'user.contact.email', 'user.contact.fax_number', 'user.contact.phone_number',
      'user.content.self_image', 'user.criminal_history', 'user.demographic.age_range', 'user.demographic.date_of_birth',
      'user.demographic.gender', 'user.demographic.marital_status', 'user.demographic.political_opinion',
      'user.demographic.race_ethnicity', 'user.demographic.religious_belief', 'user.demographic.sexual_orientation',
      'user.device', 'user.device.cookie', 'user.device.cookie_id', 'user.device.device_id', 'user.device.ip_address',
      'user.financial', 'user.financial.bank_account', 'user.financial.credit_card', 'user.government_id.birth_certificate',
      'user.government_id.drivers_license_number', 'user.government_id.immigration',
      'user.government_id.national_identification_number', 'user.government_id.passport_number',
      'user.government_id.vehicle_registration', 'user.health_and_medical', 'user.health_and_medical.genetic',
      'user.health_and_medical.insurance_beneficiary_id', 'user.health_and_medical.record_id', 'user.job_title',
      'user.location', 'user.location.precise', 'user.name', 'user.name.first', 'user.name.last', 'user.payment',
      'user.unique_id', 'user.workplace',
    ]);
    for (const r of CLASSIFY_RULES) expect(FIDESLANG_2.has(r.category), r.category).toBe(true);
  });

  it('never throws and stays fast on any name, 10 KB ones included', () => {
    const big = fc.string({ minLength: 10_000, maxLength: 10_240, unit: fc.constantFrom('a', 'A', '_', '1', 'e', 'mail', 'Email', 'ip', '-', ' ', 'é') });
    fc.assert(
      fc.property(fc.oneof(fc.string(), fc.string({ unit: 'grapheme', maxLength: 300 }), big), fc.option(fc.string(), { nil: undefined }), (name, type) => {
        const t = performance.now();
        const c = classifyColumn(name, type);
        expect(performance.now() - t).toBeLessThan(50);
        if (c) expect(['high', 'medium', 'low']).toContain(c.confidence);
      }),
      { numRuns: 300 },
    );
  });

  it('reads a worst-case name in linear time', () => {
    const names = ['a_'.repeat(5_000), 'email_'.repeat(1_700), 'Ab'.repeat(5_000), '1a'.repeat(5_000), 'ip'.repeat(5_000)];
    const t = performance.now();
    for (const n of names) classifyColumn(n, 'x'.repeat(10_000));
    expect(performance.now() - t).toBeLessThan(100);
  });
});

describe('tokenise', () => {
  it.each([
    ['email_verified_at', ['email', 'verified', 'at']],
    ['emailVerifiedAt', ['email', 'verified', 'at']],
    ['IPAddress', ['ip', 'address']],
    ['userIP', ['user', 'ip']],
    ['e-mail', ['e', 'mail']],
    ['address_line1', ['address', 'line', '1']],
    ['ipv4', ['ipv', '4']],
    ['__Secure-next-auth.session-token', ['secure', 'next', 'auth', 'session', 'token']],
  ])('%s', (name, words) => {
    expect(tokenise(name)).toEqual(words);
  });
});

describe('typeClass', () => {
  it.each([
    ['character varying(255)', 'text'],
    ['String?', 'text'],
    ['String? @db.Inet', 'inet'],
    ['DateTime', 'time'],
    ['Date', 'time'],
    ['date', 'date'],
    ['timestamp with time zone', 'time'],
    ['tinyint(1)', 'bool'],
    ['doublePrecision', 'number'],
    ['geography(Point,4326)', 'geo'],
    ['Gender', 'unknown'],
    [undefined, 'unknown'],
  ] as const)('%s → %s', (type, cls) => {
    expect(typeClass(type)).toBe(cls);
  });
});
