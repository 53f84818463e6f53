import { spawnSync } from 'node:child_process';
import { chmod, mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { describeSkips, pathFilter, walkSourceFiles, type SkipReason, type WalkOptions } from '../../../scanners/code/files.js';
import { isDeclarationFile, languageOf, shebangLanguage } from '../../../scanners/code/languages.js';
import type { SourceFile } from '../../../scanners/code/types.js';
import { VigilError } from '../../../src/errors.js';

const made: string[] = [];
afterAll(async () => {
  for (const dir of made) await rm(dir, { recursive: true, force: true });
});

/** A real folder tree in a fresh temp dir: relPath → content. */
async function tree(spec: Record<string, string | Buffer>): Promise<string> {
  const root = await mkdtemp(join(tmpdir(), 'vigil-walk-'));
  made.push(root);
  for (const [rel, content] of Object.entries(spec)) {
    await mkdir(dirname(join(root, rel)), { recursive: true });
    await writeFile(join(root, rel), content);
  }
  return root;
}

interface Walked {
  files: SourceFile[];
  paths: string[];
  skips: [string, SkipReason][];
  counts: Partial<Record<SkipReason, number>>;
}

async function walk(root: string, opts: Omit<WalkOptions, 'onSkip'> = {}): Promise<Walked> {
  const skips: [string, SkipReason][] = [];
  const counts: Partial<Record<SkipReason, number>> = {};
  const files: SourceFile[] = [];
  for await (const f of walkSourceFiles(root, {
    ...opts,
    onSkip: (p, r) => {
      skips.push([p, r]);
      counts[r] = (counts[r] ?? 0) + 1;
    },
  })) {
    files.push(f);
  }
  return { files, paths: files.map((f) => f.relPath), skips, counts };
}

const skipped = (w: Walked, reason: SkipReason) => w.skips.filter(([, r]) => r === reason).map(([p]) => p);

/** Git itself, isolated from the machine's global and system config. */
function git(cwd: string, args: string[]): string {
  const r = spawnSync('git', args, {
    cwd,
    encoding: 'utf8',
    env: { ...process.env, GIT_CONFIG_GLOBAL: '/dev/null', GIT_CONFIG_NOSYSTEM: '1', HOME: cwd },
  });
  if (r.status !== 0) throw new Error(`git ${args.join(' ')} failed: ${r.stderr}`);
  return r.stdout;
}

describe('ignore files', () => {
  const spec = {
    '.gitignore': '*.log\nbuild/\n/root-only.js\nsecret*\n!secret-ok.txt\nlogs/\n!logs/keep.log\n',
    'a.js': 'a()\n',
    'app.log': 'log\n',
    'root-only.js': 'x\n',
    'sub/root-only.js': 'x\n',
    'build/out.js': 'x\n',
    'src/build': 'a file named build: a folder-only pattern leaves it\n',
    'secret.txt': 'x\n',
    'secret-ok.txt': 'x\n',
    'logs/keep.log': 'git cannot re-include a file below an ignored folder\n',
    'pkg/.gitignore': '!important.log\n*.tmp\nnested/\n',
    'pkg/important.log': 'x\n',
    'pkg/x.tmp': 'x\n',
    'pkg/nested/y.js': 'x\n',
    'pkg/deeper/.gitignore': 'important.log\n',
    'pkg/deeper/important.log': 'x\n',
    'pkg/deeper/z.py': 'x\n',
    'other/x.tmp': 'x\n',
    'other/info-excluded.js': 'x\n',
  };

  it('agrees with git ls-files on nested .gitignore files, negations, folder patterns and info/exclude', async () => {
    const root = await tree(spec);
    git(root, ['init', '-q']);
    await writeFile(join(root, '.git/info/exclude'), 'info-excluded.js\n');
    const byGit = git(root, ['ls-files', '--others', '--exclude-standard', '-z']).split('\0').filter(Boolean).sort();
    const w = await walk(root, { allFiles: true });
    expect(w.paths).toEqual(byGit);
    // And the answers themselves, so a shared misreading with git's input cannot pass unseen.
    expect(w.paths).toEqual([
      '.gitignore',
      'a.js',
      'other/x.tmp',
      'pkg/.gitignore',
      'pkg/deeper/.gitignore',
      'pkg/deeper/z.py',
      'pkg/important.log',
      'secret-ok.txt',
      'src/build',
      'sub/root-only.js',
    ]);
    expect(skipped(w, 'ignored')).toEqual(['app.log', 'build/', 'logs/', 'other/info-excluded.js', 'pkg/deeper/important.log', 'pkg/nested/', 'pkg/x.tmp', 'root-only.js', 'secret.txt']);
  });

  it('reads .git/info/exclude only when present, and gitignore: false disregards the git files', async () => {
    const root = await tree(spec);
    const w = await walk(root, { gitignore: false, allFiles: true });
    expect(w.paths).toContain('build/out.js');
    expect(w.paths).toContain('app.log');
    expect(w.counts.ignored).toBeUndefined();
  });

  it('adds a root .semgrepignore to the root .gitignore, its negations included', async () => {
    const root = await tree({
      '.gitignore': '*.log\n',
      '.semgrepignore': 'fixtures/\n!kept.log\n',
      'kept.log': 'x\n',
      'other.log': 'x\n',
      'fixtures/bad.js': 'x\n',
      'src/fixtures/bad.js': 'x\n',
      'src/ok.js': 'x\n',
    });
    const w = await walk(root, { allFiles: true });
    expect(w.paths).toEqual(['.gitignore', '.semgrepignore', 'kept.log', 'src/ok.js']);
    expect(skipped(w, 'ignored')).toEqual(['fixtures/', 'other.log', 'src/fixtures/']);
    // Semgrep's --no-git-ignore: the .semgrepignore still holds.
    const noGit = await walk(root, { allFiles: true, gitignore: false });
    expect(noGit.paths).toEqual(['.gitignore', '.semgrepignore', 'kept.log', 'other.log', 'src/ok.js']);
  });

  it('always skips .git, .vigil and node_modules; includeNodeModules walks them even when gitignored', async () => {
    const root = await tree({
      '.gitignore': 'node_modules/\n',
      'index.js': 'x\n',
      '.git/hooks/pre-commit.js': 'x\n',
      '.vigil/cache.js': 'x\n',
      'node_modules/lib/index.js': 'x\n',
      'packages/a/node_modules/dep/index.js': 'x\n',
      'packages/a/index.ts': 'x\n',
      'worktree/.git': 'gitdir: /elsewhere\n',
    });
    const w = await walk(root, { allFiles: true });
    expect(w.paths).toEqual(['.gitignore', 'index.js', 'packages/a/index.ts']);
    expect(w.skips).toEqual([
      ['.vigil/', 'ignored'],
      ['node_modules/', 'ignored'],
      ['packages/a/node_modules/', 'ignored'],
    ]);
    const withDeps = await walk(root, { includeNodeModules: true });
    expect(withDeps.paths).toEqual(['index.js', 'node_modules/lib/index.js', 'packages/a/index.ts', 'packages/a/node_modules/dep/index.js']);
  });
});

describe('include / exclude (Semgrep paths semantics)', () => {
  it.each([
    // [include, exclude, path, passes]
    [['*.test.js'], [], 'a.test.js', true],
    [['*.test.js'], [], 'src/deep/a.test.js', true],
    [['*.test.js'], [], 'src/a.js', false],
    [[], ['tests'], 'tests/a.js', false],
    [[], ['tests'], 'src/tests/unit/a.js', false],
    [[], ['tests'], 'src/tests.js', true],
    [[], ['tests'], 'testsuite/a.js', true],
    [[], ['project/tests'], 'project/tests/a.py', false],
    [[], ['project/tests'], 'x/project/tests/a.py', false],
    [[], ['project/tests'], 'project/tests2/a.py', true],
    [[], ['/build'], 'build/a.js', false],
    [[], ['/build'], 'src/build/a.js', true],
    [[], ['./build'], 'build/a.js', false],
    [[], ['./build'], 'src/build/a.js', true],
    [[], ['dist/'], 'dist/a.js', false],
    [[], ['dist/'], 'src/dist', true],
    [[], ['src/**/*.jinja2'], 'src/a/b/t.jinja2', false],
    [[], ['src/**/*.jinja2'], 'src/t.jinja2', false],
    [[], ['src/**/*.jinja2'], 'lib/t.jinja2', true],
    [['project/static/*.js'], [], 'project/static/a.js', true],
    [['project/static/*.js'], [], 'project/static/x/a.js', false],
    [['tests/**/*.js'], [], 'tests/a/b/c.js', true],
    [['tests/**/*.js'], [], 'tests/a/b/c.py', false],
    [['project/schemata'], ['*_internal.py'], 'project/schemata/scan.py', true],
    [['project/schemata'], ['*_internal.py'], 'project/schemata/scan_internal.py', false],
    [['project/schemata'], ['*_internal.py'], 'project/other/scan.py', false],
    [['*.{js,ts}'], [], 'a/b.ts', true],
    [['*.{js,ts}'], [], 'a/b.py', false],
    [[], ['*.env*'], 'config/prod.env.local', false],
    [[], ['.env*'], '.env.local', false],
    [[], ['*.py'], '.hidden.py', false],
    [[], [], 'anything/at/all.go', true],
    [['./src/a.js'], [], 'src/a.js', true],
    [['./src/a.js'], [], 'lib/src/a.js', false],
  ] as const)('include %j exclude %j: %s → %s', (include, exclude, path, passes) => {
    expect(pathFilter([...include], [...exclude])(path)).toBe(passes);
  });

  it.each([[['']], [['!tests']], [['/']]])('refuses the pattern %j', (patterns) => {
    expect(() => pathFilter(patterns)).toThrow(VigilError);
    expect(() => pathFilter(undefined, patterns)).toThrowError(expect.objectContaining({ code: 'VIGIL_ERR_USAGE' }));
  });

  it('applies them in the walk, reporting an excluded folder once', async () => {
    const root = await tree({
      'src/a.ts': 'x\n',
      'src/a.test.ts': 'x\n',
      'src/vendor/lib.js': 'x\n',
      'src/vendor/more.js': 'x\n',
      'scripts/run.py': 'x\n',
      'README.md': 'not a target, so never reported\n',
    });
    const w = await walk(root, { include: ['src'], exclude: ['*.test.ts', 'vendor'] });
    expect(w.paths).toEqual(['src/a.ts']);
    expect(w.skips).toEqual([
      ['scripts/run.py', 'excluded'],
      ['src/a.test.ts', 'excluded'],
      ['src/vendor/', 'excluded'],
    ]);
  });
});

describe('minified and generated files', () => {
  const line = (n: number) => `${'x'.repeat(n - 1)};`;
  const spec = {
    'a.min.js': 'var a=1;\n',
    'b.bundle.js': 'x\n',
    'c-bundle.js': 'x\n',
    'one-long-line.js': `const a = 1;\n${line(5001)}\nconst b = 2;\n`,
    'long-but-not-too-long.js': `const a = 1;\n${line(5000)}\n${'const b = 2;\n'.repeat(100)}`,
    'wide-lines.js': `${line(600)}\n`.repeat(10),
    'short-one-liner.js': `${line(800)}\n`,
    'normal.js': 'function f() {\n  return 1;\n}\n'.repeat(50),
    'gen.go': '// Code generated by protoc-gen-go. DO NOT EDIT.\npackage pb\n',
    'gen.py': '# @generated\nx = 1\n',
    'gen-block.js': '/*\n  This file was autogenerated by a tool.\n*/\nx()\n',
    'gen-docstring.py': '"""Autogenerated by Thrift."""\nx = 1\n',
    'marker-in-string.js': "const banner = '// @generated';\nconst note = \"DO NOT EDIT\";\n",
    'marker-too-late.js': `${'// a human wrote this\n'.repeat(100)}// @generated\n`,
    'human-note.py': '# please do not edit without review\nx = 1\n',
    'app.js.map': '{"version":3,"sources":["a.ts"],"mappings":"AAAA"}\n',
  };

  it('skips them by name, by marker and by line length, and counts each', async () => {
    const root = await tree(spec);
    const w = await walk(root, { allFiles: true });
    expect(w.paths).toEqual(['human-note.py', 'long-but-not-too-long.js', 'marker-in-string.js', 'marker-too-late.js', 'normal.js', 'short-one-liner.js']);
    expect(skipped(w, 'minified')).toEqual(['a.min.js', 'one-long-line.js', 'wide-lines.js']);
    expect(skipped(w, 'generated')).toEqual(['app.js.map', 'b.bundle.js', 'c-bundle.js', 'gen-block.js', 'gen-docstring.py', 'gen.go', 'gen.py']);
  });

  it('keeps them all with includeGenerated', async () => {
    const root = await tree(spec);
    const w = await walk(root, { allFiles: true, includeGenerated: true });
    expect(w.paths).toEqual(Object.keys(spec).sort());
    expect(w.skips).toEqual([]);
  });
});

describe('declaration files', () => {
  it('skips .d.ts, .d.mts and .pyi as declarations (their language is still known)', async () => {
    const root = await tree({ 'types.d.ts': 'export declare const a: number;\n', 'm.d.mts': 'x\n', 'stub.pyi': 'def f() -> int: ...\n', 'real.ts': 'export const a = 1;\n' });
    const w = await walk(root);
    expect(w.paths).toEqual(['real.ts']);
    expect(skipped(w, 'declaration')).toEqual(['m.d.mts', 'stub.pyi', 'types.d.ts']);
    expect((await walk(root, { includeGenerated: true })).paths).toEqual(['m.d.mts', 'real.ts', 'stub.pyi', 'types.d.ts']);
    expect([languageOf('types.d.ts'), languageOf('stub.pyi'), isDeclarationFile('a/types.d.cts'), isDeclarationFile('d.ts')]).toEqual(['typescript', 'python', true, false]);
  });
});

describe('binary files and the size cap', () => {
  it('skips a NUL in the first 8 KiB as binary, not one after it', async () => {
    const root = await tree({
      'blob.js': Buffer.concat([Buffer.from('var a = 1;\n'), Buffer.from([0, 1, 2])]),
      'late-nul.js': Buffer.concat([Buffer.from(`${'// padding line\n'.repeat(600)}`), Buffer.from([0])]),
      'logo.png': Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 0x0d]),
    });
    const w = await walk(root, { allFiles: true });
    expect(w.paths).toEqual(['late-nul.js']);
    expect(skipped(w, 'binary')).toEqual(['blob.js', 'logo.png']);
  });

  it('skips files over maxFileBytes (1 MiB by default; 0 lifts the cap)', async () => {
    const root = await tree({
      'at-cap.js': 'x'.repeat(99) + '\n',
      'over-cap.js': 'x'.repeat(100) + '\n',
      'huge.js': '// a comment line\n'.repeat(Math.ceil((1024 * 1024) / 18) + 1),
    });
    const capped = await walk(root, { maxFileBytes: 100 });
    expect(capped.paths).toEqual(['at-cap.js']);
    expect(skipped(capped, 'too-large')).toEqual(['huge.js', 'over-cap.js']);
    expect((await walk(root)).paths).toEqual(['at-cap.js', 'over-cap.js']);
    expect((await walk(root, { maxFileBytes: 0 })).paths).toEqual(['at-cap.js', 'huge.js', 'over-cap.js']);
  });
});

describe('languages', () => {
  it.each([
    ['a.js', 'javascript'],
    ['a.mjs', 'javascript'],
    ['a.cjs', 'javascript'],
    ['a.jsx', 'jsx'],
    ['a.ts', 'typescript'],
    ['a.mts', 'typescript'],
    ['a.cts', 'typescript'],
    ['a.tsx', 'tsx'],
    ['a.py', 'python'],
    ['a.go', 'go'],
    ['src/A.java', 'java'],
    ['A.JS', 'javascript'],
    ['.env', undefined],
    ['a.yaml', undefined],
    ['Makefile', undefined],
  ] as const)('%s → %s', (path, language) => {
    expect(languageOf(path)).toBe(language);
  });

  it.each([
    ['#!/usr/bin/env node\n', 'javascript'],
    ['#!/usr/bin/node\n', 'javascript'],
    ['#!/usr/bin/env -S node --no-warnings\n', 'javascript'],
    ['#! /usr/bin/env python3\n', 'python'],
    ['#!/usr/local/bin/python3.12\n', 'python'],
    ['#!/usr/bin/env NODE_ENV=production node\n', 'javascript'],
    ['#!/bin/sh\n', undefined],
    ['#!/usr/bin/env nodemon\n', undefined],
    ['node\n', undefined],
  ] as const)('shebang %j → %s', (text, language) => {
    expect(shebangLanguage(text)).toBe(language);
  });

  it('reads the shebang of extension-less files only', async () => {
    const root = await tree({
      'bin/tool': '#!/usr/bin/env node\nconsole.log(1);\n',
      'bin/script': '#!/usr/bin/python3\nprint(1)\n',
      'bin/run.sh': '#!/usr/bin/env node\n',
      'bin/deploy': '#!/bin/bash\necho hi\n',
      'README': 'plain text\n',
    });
    const w = await walk(root);
    expect(w.files.map((f) => [f.relPath, f.language])).toEqual([
      ['bin/script', 'python'],
      ['bin/tool', 'javascript'],
    ]);
    expect(w.skips).toEqual([]);
    const all = await walk(root, { allFiles: true });
    expect(all.files.map((f) => [f.relPath, f.language])).toEqual([
      ['README', undefined],
      ['bin/deploy', undefined],
      ['bin/run.sh', undefined],
      ['bin/script', 'python'],
      ['bin/tool', 'javascript'],
    ]);
  });
});

describe('the walk', () => {
  it('yields relPath order (code units), absolute paths and the text, across many concurrent reads', async () => {
    const names = ['B.js', 'a-b.js', 'a.js', 'a/b.js', 'a/c/d.js', 'a0.js', 'a_b.js', 'ä.js'];
    for (let i = 0; i < 40; i++) names.push(`many/f${i}.ts`);
    const spec = Object.fromEntries(names.map((n, i) => [n, `// ${n}\n${'x();\n'.repeat((i * 7919) % 400)}`]));
    const root = await tree(spec);
    const w = await walk(root);
    expect(w.paths).toEqual([...names].sort());
    for (const f of w.files) {
      expect(f.path).toBe(join(root, f.relPath));
      expect(f.text).toBe(spec[f.relPath]);
    }
  });

  it('accepts a single file as the root', async () => {
    const root = await tree({ 'deep/app.ts': 'export {};\n', 'deep/types.d.ts': 'x\n' });
    const w = await walk(join(root, 'deep/app.ts'));
    expect(w.files).toEqual([{ path: join(root, 'deep/app.ts'), relPath: 'app.ts', language: 'typescript', text: 'export {};\n' }]);
    expect((await walk(join(root, 'deep/types.d.ts'))).skips).toEqual([['types.d.ts', 'declaration']]);
  });

  it('does not follow symbolic links: a loop ends, a link out of the root is not read', async () => {
    const outside = await tree({ 'secret.js': 'outside the root\n' });
    const root = await tree({ 'real.js': 'x\n', 'a/inner.js': 'y\n' });
    await symlink('..', join(root, 'a/loop'));
    await symlink(outside, join(root, 'escape'));
    await symlink('../real.js', join(root, 'a/link.js'));
    await symlink('missing.js', join(root, 'dangling.js'));
    const w = await walk(root);
    expect(w.paths).toEqual(['a/inner.js', 'real.js']);
    expect(skipped(w, 'symlink')).toEqual(['a/link.js', 'dangling.js']);
    const all = await walk(root, { allFiles: true });
    expect(all.paths).toEqual(['a/inner.js', 'real.js']);
    expect(skipped(all, 'symlink')).toEqual(['a/link.js', 'a/loop', 'dangling.js', 'escape']);
    // A link given as the root is what the user asked for.
    const linkedRoot = join(outside, 'to-root');
    await symlink(root, linkedRoot);
    expect((await walk(linkedRoot)).paths).toEqual(['a/inner.js', 'real.js']);
  });

  it('passes over FIFOs instead of blocking on them', async () => {
    const root = await tree({ 'a.js': 'x\n' });
    const r = spawnSync('mkfifo', [join(root, 'pipe.js')]);
    expect(r.status).toBe(0);
    expect((await walk(root, { allFiles: true })).paths).toEqual(['a.js']);
  });

  it('counts unreadable files and folders and goes on', async () => {
    const root = await tree({ 'a.js': 'x\n', 'locked.js': 'x\n', 'closed/b.js': 'x\n', 'z.py': 'x\n' });
    await chmod(root, 0o755);
    await chmod(join(root, 'locked.js'), 0o000);
    await chmod(join(root, 'closed'), 0o000);
    // Root reads everything; drop to an unprivileged effective user (this worker process only) so the
    // permission bits bite, as they do for any other user.
    const asRoot = process.geteuid?.() === 0;
    let w: Walked;
    try {
      if (asRoot) process.seteuid!('nobody');
      w = await walk(root);
    } finally {
      if (asRoot) process.seteuid!(0);
      await chmod(join(root, 'locked.js'), 0o644);
      await chmod(join(root, 'closed'), 0o755);
    }
    expect(w.paths).toEqual(['a.js', 'z.py']);
    expect(skipped(w, 'unreadable')).toEqual(['closed/', 'locked.js']);
  });

  it('throws VIGIL_ERR_INPUT_NOT_FOUND naming a root that does not exist', async () => {
    const root = join(await tree({}), 'nope');
    const err = await walk(root).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(VigilError);
    expect(err).toMatchObject({ code: 'VIGIL_ERR_INPUT_NOT_FOUND', file: root });
    expect((err as VigilError).message).toContain(root);
  });

  it('stops when its signal aborts', async () => {
    const root = await tree(Object.fromEntries(Array.from({ length: 20 }, (_, i) => [`f${i}.js`, 'x\n'])));
    const ac = new AbortController();
    const seen: string[] = [];
    const run = async () => {
      for await (const f of walkSourceFiles(root, { signal: ac.signal })) {
        seen.push(f.relPath);
        if (seen.length === 3) ac.abort(new Error('stop'));
      }
    };
    await expect(run()).rejects.toThrow('stop');
    expect(seen).toHaveLength(3);
  });
});

describe('the skip summary', () => {
  it('counts every reason, and describes them the way the scanner reports them', async () => {
    const root = await tree({
      'ok.js': 'x\n',
      'a.min.js': 'x\n',
      'b.min.js': 'x\n',
      'gen.go': '// Code generated by stringer. DO NOT EDIT.\n',
      'big.py': '#'.repeat(2000) + '\n',
      'blob.ts': Buffer.from([0x78, 0, 0x79]),
      'types.d.ts': 'x\n',
    });
    const w = await walk(root, { maxFileBytes: 1000 });
    expect(w.paths).toEqual(['ok.js']);
    expect(w.counts).toEqual({ minified: 2, generated: 1, 'too-large': 1, binary: 1, declaration: 1 });
    expect(describeSkips(w.counts)).toBe('skipped 2 minified, 1 generated, 1 declaration, 1 too large, 1 binary');
    expect(describeSkips({})).toBe('');
  });
});
