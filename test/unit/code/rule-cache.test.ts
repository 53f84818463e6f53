import { mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { deserialize, serialize } from 'node:v8';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { evaluateFile } from '../../../scanners/code/engine/evaluate.js';
import { loadRuleFiles } from '../../../scanners/code/engine/rules.js';

const temps: string[] = [];
let cacheDir: string;
const saved = process.env['VIGIL_CACHE_DIR'];

beforeEach(async () => {
  cacheDir = await mkdtemp(join(tmpdir(), 'vigil-rule-cache-'));
  temps.push(cacheDir);
  process.env['VIGIL_CACHE_DIR'] = cacheDir;
});

afterEach(async () => {
  if (saved === undefined) delete process.env['VIGIL_CACHE_DIR'];
  else process.env['VIGIL_CACHE_DIR'] = saved;
  await Promise.all(temps.splice(0).map((d) => rm(d, { recursive: true, force: true })));
});

async function ruleFile(name: string, text: string): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'vigil-rule-src-'));
  temps.push(dir);
  const file = join(dir, name);
  await writeFile(file, text);
  return file;
}

const RULE = `rules:
  - id: no-eval
    message: eval of $X
    severity: ERROR
    languages: [javascript]
    patterns:
      - pattern: eval($X)
      - pattern-not: eval("...")
      - metavariable-regex:
          metavariable: $X
          regex: ^user
`;

const cached = async () => (await readdir(join(cacheDir, 'rules')).catch(() => [] as string[])).filter((f) => f.endsWith('.bin'));

/** The matches of the loaded rules on a small file, as rule:line. */
function run(rules: Awaited<ReturnType<typeof loadRuleFiles>>['rules']): string[] {
  const text = 'eval(userInput);\neval("1");\neval(other);\n';
  return evaluateFile(rules, { path: '/x/a.js', relPath: 'a.js', language: 'javascript', text }).matches.map((m) => `${m.ruleId}:${m.startLine}`);
}

describe('rule cache', () => {
  it('keeps a checked rule file privately and gives the same rules back from it', async () => {
    const file = await ruleFile('r.yaml', RULE);
    const fresh = await loadRuleFiles([file]);
    expect(fresh.problems).toEqual([]);
    expect(await cached()).toHaveLength(1);
    expect((await stat(join(cacheDir, 'rules'))).mode & 0o777).toBe(0o700);
    expect((await stat(join(cacheDir, 'rules', (await cached())[0]!))).mode & 0o777).toBe(0o600);

    const again = await loadRuleFiles([file]);
    expect(again.rules).toEqual(fresh.rules);
    // the regex survives the round trip as a RegExp, and the rule still evaluates
    expect(run(again.rules)).toEqual(run(fresh.rules));
    expect(run(again.rules)).toEqual(['no-eval:1']);

    // and it is the cache that answered: an entry changed in place is what the next load gives
    const entry = join(cacheDir, 'rules', (await cached())[0]!);
    const value = deserialize(await readFile(entry)) as { rules: { message: string }[] };
    value.rules[0]!.message = 'from the cache';
    await writeFile(entry, serialize(value));
    expect((await loadRuleFiles([file])).rules[0]!.message).toBe('from the cache');
  });

  it('a changed file is read again; a file with problems is never kept and its problems come back each time', async () => {
    const file = await ruleFile('r.yaml', RULE);
    await loadRuleFiles([file]);
    await writeFile(file, RULE.replace('^user', '^other'));
    const changed = await loadRuleFiles([file]);
    expect(run(changed.rules)).toEqual(['no-eval:3']);
    expect(await cached()).toHaveLength(2);

    const bad = await ruleFile('bad.yaml', RULE.replace('eval($X)', 'eval($X'));
    for (let i = 0; i < 2; i++) {
      const r = await loadRuleFiles([bad]);
      expect(r.rules).toEqual([]);
      expect(r.problems.map((p) => p.message).join()).toMatch(/no-eval/);
    }
    expect(await cached()).toHaveLength(2);
  });

  it('a corrupt cache entry is a miss, and VIGIL_CACHE_DIR=off writes nothing', async () => {
    const file = await ruleFile('r.yaml', RULE);
    await loadRuleFiles([file]);
    const [entry] = await cached();
    await writeFile(join(cacheDir, 'rules', entry!), 'not a serialized value');
    expect(run((await loadRuleFiles([file])).rules)).toEqual(['no-eval:1']);

    process.env['VIGIL_CACHE_DIR'] = 'off';
    const other = await ruleFile('o.yaml', RULE.replace('no-eval', 'no-eval-2'));
    expect((await loadRuleFiles([other])).rules.map((r) => r.id)).toEqual(['no-eval-2']);
    process.env['VIGIL_CACHE_DIR'] = cacheDir;
    expect(await cached()).toHaveLength(1);
  });
});
