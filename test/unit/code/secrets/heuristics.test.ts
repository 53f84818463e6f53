import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { alphabetOf, judgeValue, shannonEntropy } from '../../../../scanners/code/secrets/entropy.js';
import { decodeJwt } from '../../../../scanners/code/secrets/jwt.js';
import { candidates, scanText } from '../../../../scanners/code/secrets/precheck.js';
import { redactSecret } from '../../../../scanners/code/secrets/redact.js';
import { isSecretName, nameComponents } from '../../../../scanners/code/secrets/secret-name.js';

/** Random-looking base64url of a given length, fixed by its label. */
const derived = (label: string, length: number) => createHash('sha512').update(label).digest('base64url').slice(0, length);

describe('secret names', () => {
  it.each([
    ['password', true],
    ['DB_PASSWORD', true],
    ['passwd', true],
    ['clientSecret', true],
    ['client_secret', true],
    ['AWS_SECRET_ACCESS_KEY', true],
    ['apiKey', true],
    ['APIKey', true],
    ['x-api-key', true],
    ['apikey', true],
    ['privateKey', true],
    ['authToken', true],
    ['auth', true],
    ['credentials', true],
    ['config.db.password', true],
    ['secrets', true],
    ['author', false],
    ['authority', false],
    ['tokenizer', false],
    ['passwordHint', false],
    ['token_type', false],
    ['secretName', false],
    ['access_key_id', false],
    ['authUrl', false],
    ['username', false],
    ['key', false],
  ] as const)('%s → %s', (name, expected) => {
    expect(isSecretName(name)).toBe(expected);
  });

  it('splits camelCase, acronyms and separators', () => {
    expect(nameComponents('OAuthClientSecret')).toEqual(['o', 'auth', 'client', 'secret']);
    expect(nameComponents('APIKey')).toEqual(['api', 'key']);
    expect(nameComponents('db.PASSWORD-2')).toEqual(['db', 'password', '2']);
  });
});

describe('value judgement', () => {
  it('measures Shannon entropy in bits per character', () => {
    expect(shannonEntropy('')).toBe(0);
    expect(shannonEntropy('aaaa')).toBe(0);
    expect(shannonEntropy('abab')).toBe(1);
    expect(shannonEntropy('0123456789abcdef')).toBe(4);
  });

  it.each([
    ['0123456789abcdef0123', 'hex'],
    ['0123456789ABCDEF0123', 'hex'],
    ['0123456789abcDEF0123', 'base64'],
    ['550e8400-e29b-41d4-a716-446655440000', 'uuid'],
    ['abc+/def==', 'base64'],
    ['abc_-def', 'base64'],
    ['P@ss:w0rd!', 'other'],
  ] as const)('alphabet of %s is %s', (value, alphabet) => {
    expect(alphabetOf(value)).toBe(alphabet);
  });

  it.each([
    ['short', derived('a', 19)],
    ['long', derived('b', 64).repeat(17)],
    ['whitespace', 'Kq9 mX2p Lw7s Ve4t Yb8n Rc5h'],
    ['env-lookup', 'process.env.STRIPE_SECRET_KEY_LIVE'],
    ['env-lookup', '$DATABASE_PASSWORD_FROM_ENVIRONMENT'],
    ['template', 'prefix-${SECRET_FROM_ENVIRONMENT}'],
    ['template', '{{ .Values.database.password }}'.replace(/ /g, '')],
    ['placeholder', 'your-api-key-goes-right-here-1234'],
    ['placeholder', 'REPLACE_ME_WITH_THE_REAL_TOKEN_9'],
    ['placeholder', 'FAKEFAKEFAKEFAKEFAKEFAKE'],
    ['placeholder', 'sk_live_••••…'.padEnd(24, '…')],
    ['placeholder', 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY'],
    ['url', 'https://accounts.vigil.test/o/oauth2/v3/token'],
    ['path', '/var/run/secrets/kubernetes.io/serviceaccount/token'],
    ['path', 'C:\\Users\\ci\\AppData\\Roaming\\vigil\\token.json'],
    ['path', 'certs/prod/server-private-key.pem'],
    ['jwt', `eyJ${derived('h', 20)}.eyJ${derived('p', 30)}.${derived('s', 43)}`],
    ['words', 'errors.auth.invalidTokenSupplied'],
    ['words', 'the-quick-brown-fox-jumps'],
    ['sequence', 'ABCDEFGHIJKLMNOPQRSTUVWXYZ'],
    ['low-entropy', 'aaaaaaaaaabbbbbbbbbbcccccccccc1'],
    ['low-entropy', '00000000000000000000000000000001'],
  ] as const)('skips as %s: %s', (reason, value) => {
    expect(judgeValue(value)).toEqual({ secret: false, reason });
  });

  it('takes random base64 of 32+ characters, hex of 24+, and rates hex and UUIDs lower', () => {
    expect(judgeValue(derived('c', 32))).toMatchObject({ secret: true, alphabet: 'base64', confidence: 'medium' });
    const hex = createHash('sha256').update('d').digest('hex');
    expect(judgeValue(hex.slice(0, 24))).toMatchObject({ secret: true, alphabet: 'hex', confidence: 'low' });
    const uuid = `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-8${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
    expect(judgeValue(uuid)).toMatchObject({ secret: true, alphabet: 'uuid', confidence: 'low' });
    expect(judgeValue('00000000-0000-0000-0000-000000000000')).toEqual({ secret: false, reason: 'low-entropy' });
  });
});

describe('redaction', () => {
  it('keeps 4 code points and the length', () => {
    expect(redactSecret('AKIA0123456789ABCDEF')).toBe('AKIA… (20 chars)');
    expect(redactSecret('🔑🔑ab-and-more')).toBe('🔑🔑ab… (13 chars)');
  });
});

describe('JWT reading', () => {
  const seg = (o: unknown) => Buffer.from(JSON.stringify(o)).toString('base64url');
  it('decodes header and payload, and refuses what is not a JWT', () => {
    expect(decodeJwt(`${seg({ alg: 'HS256' })}.${seg({ role: 'anon' })}.sig`)).toEqual({ header: { alg: 'HS256' }, payload: { role: 'anon' } });
    expect(decodeJwt(`${seg({ typ: 'JWT' })}.${seg({ role: 'anon' })}.sig`)).toBeUndefined();
    expect(decodeJwt(`${seg({ alg: 'HS256' })}.${seg([1, 2])}.sig`)).toBeUndefined();
    expect(decodeJwt(`eyJub3Q.eyJqc29u.sig`)).toBeUndefined();
  });
});

describe('pre-check', () => {
  it.each([
    ['export const add = (a, b) => a + b;', false, false],
    ['const t = process.env.TOKEN;', false, false],
    [`const password = "${derived('e', 24)}";`, false, true],
    [`DB_PASSWORD=${derived('f', 24)}`, false, true],
    ['-----BEGIN OPENSSH PRIVATE KEY-----', true, false],
    [`url = "https://HOOKS.SLACK.COM/services/T0/B0/x"`, true, false],
    ['a.eyJzdWIiOiIxIn0.sig', true, false],
    ['postgres://app:pw@db/app', true, false],
  ] as const)('%s → tokens %s, names %s', (text, tokens, names) => {
    expect(candidates(text)).toEqual({ tokens, names });
  });
});

describe('long lines', () => {
  it('keeps short lines whole and maps window offsets back to the original text', () => {
    const filler = 'x=1;'.repeat(3000);
    const text = `short one\n${filler}AKIA${'Q'.repeat(16)};${filler}\nshort two`;
    const cut = scanText(text, 4096);
    expect(cut.windowed).toBe(true);
    expect(cut.content.startsWith('short one\n')).toBe(true);
    expect(cut.content.endsWith('\nshort two')).toBe(true);
    const inCut = cut.content.indexOf('AKIA');
    expect(cut.toOriginal(inCut)).toBe(text.indexOf('AKIA'));
    expect(cut.toOriginal(cut.content.indexOf('short two'))).toBe(text.indexOf('short two'));
    expect(cut.content.length).toBeLessThan(4096);
  });

  it('leaves text without long lines as it is', () => {
    const text = 'a\nb\n';
    const cut = scanText(text, 4096);
    expect(cut).toMatchObject({ content: text, windowed: false });
    expect(cut.toOriginal(3)).toBe(3);
  });
});
