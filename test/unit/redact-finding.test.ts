import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Finding } from '../../src/model/finding.js';
import { fingerprint, normaliseSnippet } from '../../src/model/fingerprint.js';
import { redactSecrets } from '../../src/util/redact.js';
import {
  codeFindingTitle,
  isSecretMetavariableName,
  redactSecretValue,
  redactStoredCodeFinding,
  redactStoredFinding,
  secretMetavariableNames,
  secretPassFingerprint,
} from '../../src/model/redact-finding.js';

const SECRET = 'Zq8vN3kLp2Xw9RtY7uMb4HcE';
const MESSAGE = (s: string) =>
  `The JWT signing secret is written into the source (${s}). Anyone who can read the code or its history can mint valid tokens for any user.`;

/** A code finding as vigil 0.1.0 stored it: the secret in plain text in five places. */
function oldStyle(secret = SECRET, over: Partial<Finding> = {}, bindings: Record<string, string> = {}): Finding {
  const lit = `'${secret}'`;
  return {
    fingerprint: '5e1b39a9e54ededc2f4095393415f008',
    scanner: 'code',
    ruleId: 'js-jsonwebtoken-hardcoded-secret',
    title: codeFindingTitle(MESSAGE(lit)),
    severity: 'high',
    confidence: 'high',
    cwe: ['CWE-798'],
    aliases: [],
    location: { kind: 'file', path: 'src/app.js', startLine: 2, endLine: 2, startColumn: 44, endColumn: 70, snippet: lit },
    evidence: lit,
    remediation: MESSAGE(lit),
    references: [],
    tags: ['code'],
    controls: [],
    properties: { engine: 'embedded', ruleFile: '/rules/jwt.yaml', bindings: { $JWT: 'jwt', $PAYLOAD: '{ user: 1 }', $SECRET: lit, ...bindings } },
    ...over,
  };
}

describe('isSecretMetavariableName', () => {
  it.each([
    ['$SECRET', true],
    ['$API_KEY', true],
    ['$KEYS', true],
    ['$JWT_TOKEN', true],
    ['$PASS', true],
    ['$PASSWORD', true],
    ['$DB_PASSWORDS', true],
    ['$CLIENT_SECRET2', true],
    ['$dbPassword', true],
    ['$...KEYS', true],
    ['$secret', true],
    ['$KEYWORD', false],
    ['$BYPASS', false],
    ['$MONKEY', false],
    ['$JWT', false],
    ['$PAYLOAD', false],
    ['$X', false],
    ['$1', false],
  ])('%s → %s', (name, want) => {
    expect(isSecretMetavariableName(name)).toBe(want);
  });

  it('a declared list replaces the default, even an empty one; names match with or without $', () => {
    const bound = ['$JWT', '$TOKEN', '$SECRET', '$CONFIG'];
    expect(secretMetavariableNames(bound)).toEqual(['$SECRET', '$TOKEN']);
    expect(secretMetavariableNames(bound, ['$SECRET'])).toEqual(['$SECRET']);
    expect(secretMetavariableNames(bound, ['CONFIG', '$NOT_BOUND'])).toEqual(['$CONFIG']);
    expect(secretMetavariableNames(bound, [])).toEqual([]);
  });
});

describe('redactSecretValue', () => {
  it.each([
    [`'${SECRET}'`, `'Zq8v…[redacted]'`],
    [`"${SECRET}"`, `"Zq8v…[redacted]"`],
    ['`multi\nline secret`', '`mult…[redacted]`'],
    ['"""triple quoted secret"""', '"""trip…[redacted]"""'],
    [`b'${SECRET}'`, `b'Zq8v…[redacted]'`],
    [`process.env.JWT_SECRET || '${SECRET}'`, `process.env.JWT_SECRET || 'Zq8v…[redacted]'`],
    [`['${SECRET}', 'second-key-value']`, `['Zq8v…[redacted]', 'seco…[redacted]']`],
    [`Buffer.from('${SECRET}', 'hex')`, `Buffer.from('Zq8v…[redacted]', 'hex…[redacted]')`],
    [`'it\\'s ${SECRET}'`, `'it\\'…[redacted]'`],
    // cut by a length cap: closed again
    [`'${SECRET}`, `'Zq8v…[redacted]'`],
    ['12345678901234567890', '1234…[redacted]'],
    ['hunter2hunter2', 'hunt…[redacted]'],
    ["''", "''"],
    // already redacted: kept
    ["'Zq8v…[redacted]'", "'Zq8v…[redacted]'"],
    ['hunt…[redacted]', 'hunt…[redacted]'],
    [`['sk_l…[redacted]', 'mysecondsecretkey']`, `['sk_l…[redacted]', 'myse…[redacted]']`],
  ])('%s → %s', (value, want) => {
    expect(redactSecretValue(value)).toBe(want);
    expect(redactSecretValue(want)).toBe(want);
  });
});

describe('redactStoredCodeFinding', () => {
  it('takes the secret out of the title, evidence, remediation, snippet and bindings, and fingerprints the stored snippet', () => {
    const f = redactStoredCodeFinding(oldStyle());
    expect(JSON.stringify(f)).not.toContain(SECRET);
    expect(JSON.stringify(f)).not.toContain(SECRET.slice(4));
    expect(f.title).toBe("The JWT signing secret is written into the source ('Zq8v…[redacted]').");
    expect(f.evidence).toBe("'Zq8v…[redacted]'");
    expect(f.location).toMatchObject({ path: 'src/app.js', snippet: "'Zq8v…[redacted]'" });
    expect(f.remediation).toBe(MESSAGE("'Zq8v…[redacted]'"));
    expect(f.properties).toEqual({
      engine: 'embedded',
      ruleFile: '/rules/jwt.yaml',
      bindings: { $JWT: 'jwt', $PAYLOAD: '{ user: 1 }', $SECRET: "'Zq8v…[redacted]'" },
      secretMetavariables: ['$SECRET'],
    });
    expect(f.fingerprint).toBe(fingerprint({ scanner: 'code', ruleId: f.ruleId, location: f.location, context: normaliseSnippet("'Zq8v…[redacted]'") }));
    expect(f.fingerprint).not.toBe(oldStyle().fingerprint);
  });

  it('gives two secrets of the same length (and the same first 4 characters) the same snippet and fingerprint: nothing depends on the secret', () => {
    const a = redactStoredCodeFinding(oldStyle('Zq8vAAAAAAAAAAAAAAAAAAAA'));
    const b = redactStoredCodeFinding(oldStyle('Zq8vBBBBBBBBBBBBBBBBBBBB'));
    expect(a.location).toEqual(b.location);
    expect(a.fingerprint).toBe(b.fingerprint);
    expect(a).toEqual(b);
    // and a different length changes nothing either: the mask has one length
    expect(redactStoredCodeFinding(oldStyle('Zq8vC')).fingerprint).toBe(a.fingerprint);
  });

  it('replaces every occurrence in the text, not only the first', () => {
    const lit = `'${SECRET}'`;
    const snippet = `jwt.sign(p, ${lit}); jwt.verify(t, ${lit}); // ${SECRET}`;
    const f = redactStoredCodeFinding(oldStyle(SECRET, { location: { kind: 'file', path: 'a.js', snippet }, evidence: snippet, remediation: `${MESSAGE(lit)} Also ${SECRET}.` }));
    expect(JSON.stringify(f)).not.toContain(SECRET);
    expect(f.location).toMatchObject({ snippet: "jwt.sign(p, 'Zq8v…[redacted]'); jwt.verify(t, 'Zq8v…[redacted]'); // Zq8v…[redacted]" });
    expect(f.remediation).toMatch(/Also Zq8v…\[redacted\]\.$/);
  });

  it('redacts the secret inside other bindings and in a suggested fix', () => {
    const lit = `'${SECRET}'`;
    const f = redactStoredCodeFinding(
      oldStyle(SECRET, { remediation: `${MESSAGE(lit)}\nSuggested fix: jwt.sign(p, process.env.JWT_SECRET) /* not ${lit} */` }, { $CALL: `jwt.sign({ user: 1 }, ${lit})` }),
    );
    expect(JSON.stringify(f)).not.toContain(SECRET);
    expect(f.remediation).toContain("\nSuggested fix: jwt.sign(p, process.env.JWT_SECRET) /* not 'Zq8v…[redacted]' */");
    expect((f.properties!['bindings'] as Record<string, string>)['$CALL']).toBe("jwt.sign({ user: 1 }, 'Zq8v…[redacted]')");
  });

  it('keeps the occurrence suffix of the old fingerprint', () => {
    const f = redactStoredCodeFinding(oldStyle(SECRET, { fingerprint: '5e1b39a9e54ededc2f4095393415f008:2' }));
    expect(f.fingerprint).toMatch(/^[0-9a-f]{32}:2$/);
    expect(f.fingerprint.slice(0, 32)).toBe(redactStoredCodeFinding(oldStyle()).fingerprint);
  });

  it('is idempotent', () => {
    const once = redactStoredCodeFinding(oldStyle());
    expect(redactStoredCodeFinding(once)).toEqual(once);
  });

  it('leaves code that names a secret (no literal, no number) in a source file as it is, but not in a YAML file', () => {
    const f = redactStoredCodeFinding(
      oldStyle(SECRET, {
        location: { kind: 'file', path: 'src/app.js', snippet: 'jwt.verify(token, process.env.JWT_SECRET)' },
        evidence: 'jwt.verify(token, process.env.JWT_SECRET)',
        remediation: 'The key (process.env.JWT_SECRET) is used. Fine.',
        properties: { engine: 'embedded', bindings: { $TOKEN: 'token', $KEY: 'process.env.JWT_SECRET' } },
      }),
    );
    expect(f.location).toMatchObject({ snippet: 'jwt.verify(token, process.env.JWT_SECRET)' });
    expect(f.properties!['bindings']).toEqual({ $TOKEN: 'token', $KEY: 'process.env.JWT_SECRET' });
    expect(f.properties!['secretMetavariables']).toEqual(['$KEY', '$TOKEN']);

    const y = redactStoredCodeFinding(
      oldStyle(SECRET, {
        location: { kind: 'file', path: 'deploy/values.yaml', snippet: `password: ${SECRET}` },
        evidence: `password: ${SECRET}`,
        remediation: `A password (${SECRET}) is in the chart.`,
        properties: { engine: 'semgrep', bindings: { $PASSWORD: SECRET } },
      }),
    );
    expect(JSON.stringify(y)).not.toContain(SECRET);
    expect(y.remediation).toBe('A password (Zq8v…[redacted]) is in the chart.');
  });

  it('treats a metavariable bound to text (a regex capture, "$X") as a secret even when it looks like a name', () => {
    const base = oldStyle(SECRET, {
      location: { kind: 'file', path: 'src/app.js', snippet: `api_token = "${SECRET}"` },
      evidence: `api_token = "${SECRET}"`,
      remediation: `Token ${SECRET} is hard-coded.`,
      properties: { engine: 'embedded', bindings: { $API_TOKEN: SECRET } },
    });
    expect(JSON.stringify(redactStoredCodeFinding(base))).toContain(SECRET);
    expect(JSON.stringify(redactStoredCodeFinding(base, { textMetavariables: ['$API_TOKEN'] }))).not.toContain(SECRET);
  });

  it('honours an explicit list: an opt-out keeps the value, and a stored list is used again', () => {
    const f = redactStoredCodeFinding(oldStyle(), { secretMetavariables: [] });
    expect(f.title).toContain(SECRET);
    expect(f.properties!['secretMetavariables']).toEqual([]);
    expect(redactStoredCodeFinding(f)).toEqual(f);
  });

  it('redacts what a length cap left of a secret: a snippet cut inside it, a binding cut at 200 characters', () => {
    const long = 'L'.repeat(20) + 'x'.repeat(480) + 'TAILSECRET';
    const lit = `'${long}'`;
    const cutSnippet = `jwt.sign(payload, ${lit})`.slice(0, 500);
    const f = redactStoredCodeFinding(
      oldStyle(long, {
        location: { kind: 'file', path: 'a.js', snippet: cutSnippet },
        evidence: cutSnippet,
        remediation: MESSAGE(lit),
        properties: { engine: 'embedded', bindings: { $SECRET: lit.slice(0, 200) } },
      }),
    );
    const json = JSON.stringify(f);
    expect(json).not.toContain('xxxxxxxx');
    expect(json).not.toContain('TAILSECRET');
    expect(f.location).toMatchObject({ snippet: "jwt.sign(payload, 'LLLL…[redacted]'" });
    expect(f.title).toBe("The JWT signing secret is written into the source ('LLLL…[redacted]').");
  });

  it('leaves findings that are not a code rule\'s as they are', () => {
    const secretPass: Finding = { ...oldStyle(), properties: undefined, tags: ['secret'] };
    expect(redactStoredCodeFinding(secretPass)).toBe(secretPass);
    const imported: Finding = { ...oldStyle(), scanner: 'import' };
    expect(redactStoredCodeFinding(imported)).toBe(imported);
  });

  it('never lets a secret literal through, and is idempotent, whatever the secret and the text around it', () => {
    const secretChars = fc.constantFrom(...'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-+/='.split(''));
    fc.assert(
      fc.property(
        fc.array(secretChars, { minLength: 12, maxLength: 260 }).map((a) => a.join('')),
        fc.constantFrom("'", '"', '`'),
        fc.string({ maxLength: 40 }).filter((s) => !/['"`\\]/.test(s)),
        fc.string({ maxLength: 40 }).filter((s) => !/['"`\\]/.test(s)),
        fc.integer({ min: 0, max: 600 }),
        (secret, q, before, after, cut) => {
          const lit = `${q}${secret}${q}`;
          const text = `${before}${lit}${after}`;
          const snippet = text.split('\n').slice(0, 5).join('\n').slice(0, cut);
          const f = oldStyle(secret, {
            location: { kind: 'file', path: 'a.ts', snippet },
            evidence: snippet,
            remediation: MESSAGE(lit),
            properties: { engine: 'embedded', bindings: { $SECRET: lit.slice(0, 200), $X: text.slice(0, 200) } },
          });
          const once = redactStoredCodeFinding(f);
          const json = JSON.stringify(once);
          // nothing past the first 4 characters of the secret survives anywhere
          expect(json).not.toContain(secret.slice(0, 12));
          expect(json).not.toContain(secret.slice(4, 12));
          expect(redactStoredCodeFinding(once)).toEqual(once);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('the same with secrets the generic floor also acts on (tokens, `pwd=`, URLs, spaces inside)', () => {
    const pieces = ['a', 'B', '7', '_', '-', '=', ':', '.', ' ', '/', '@', 'pwd', 'Token', 'ghp_', 'eyJ', '://', 'x'.repeat(31), 'sk_live_', 'AKIA'];
    fc.assert(
      fc.property(
        fc.array(fc.constantFrom(...pieces), { minLength: 3, maxLength: 30 }).map((a) => `k${a.join('')}z`),
        fc.constantFrom("'", '"', '`'),
        fc.integer({ min: 0, max: 300 }),
        (secret, q, cut) => {
          fc.pre(secret.length >= 12);
          const lit = `${q}${secret}${q}`;
          // as 0.1.0 stored the snippet: the floor over it, then 500 characters (here fewer)
          const snippet = redactSecrets(`jwt.sign(payload, ${lit}, { expiresIn: 60 })`).slice(0, cut);
          const f = oldStyle(secret, {
            location: { kind: 'file', path: 'a.ts', snippet },
            evidence: snippet,
            remediation: MESSAGE(lit),
            title: codeFindingTitle(MESSAGE(lit)),
            // as 0.1.0 stored bindings: the floor over them, then 200 characters
            properties: { engine: 'embedded', bindings: { $SECRET: redactSecrets(lit).slice(0, 200) } },
          });
          const once = redactStoredCodeFinding(f);
          const json = JSON.stringify(once);
          const hidden = secret.slice(4, 12);
          if (!`${MESSAGE('')} jwt.sign(payload, , { expiresIn: 60 })`.includes(hidden) && !hidden.includes('…')) expect(json).not.toContain(hidden);
          expect(redactStoredCodeFinding(once)).toEqual(once);
        },
      ),
      { numRuns: 500 },
    );
  });
});

describe('secrets-pass fingerprints', () => {
  const stored = (evidence: string, fp: string): Finding => ({
    fingerprint: fp,
    scanner: 'code',
    ruleId: 'vigil/high-entropy-secret',
    title: 'High-entropy string assigned to "secret"',
    severity: 'medium',
    confidence: 'medium',
    cwe: ['CWE-798'],
    aliases: [],
    location: { kind: 'file', path: 'src/app.js', startLine: 6 },
    evidence,
    references: [],
    tags: ['secret'],
    controls: [],
  });

  it('depend on the redacted form only, so no guess at the secret can be checked against them', () => {
    // two different secrets, alike in their first 4 characters and length: one fingerprint
    expect(secretPassFingerprint('r', 'a.js', 'Hq2L… (20 chars)')).toBe(secretPassFingerprint('r', 'a.js', 'Hq2L… (20 chars)'));
    expect(secretPassFingerprint('r', 'a.js', 'Hq2L… (20 chars)')).not.toBe(secretPassFingerprint('r', 'a.js', 'Hq2L… (21 chars)'));
  });

  it('0.1.0 ones (a hash of the secret) are recomputed, keeping an occurrence suffix; others pass through', () => {
    const old = stored('Hq2L… (20 chars)', 'c23100da7628a6e6e512bd73a22614c1:2');
    const now = redactStoredFinding(old);
    expect(now.fingerprint).toBe(`${secretPassFingerprint('vigil/high-entropy-secret', 'src/app.js', 'Hq2L… (20 chars)')}:2`);
    expect(redactStoredFinding(now)).toBe(now);
    const imported = { ...old, scanner: 'import' };
    expect(redactStoredFinding(imported)).toBe(imported);
  });
});
