import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, realpathSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cycloneDxNpmCli, loadSbom, runCycloneDxNpm } from '../../../../scanners/deps/sbom/index.js';
import { npmCliScript } from '../../../../scanners/deps/sbom/npm.js';
import { fixture } from './helpers.js';

/** pids in a process group (POSIX `ps`). */
function groupMembers(pgid: number): number[] {
  const out = execFileSync('ps', ['-eo', 'pid=,pgid='], { encoding: 'utf8' });
  return out
    .split('\n')
    .map((l) => l.trim().split(/\s+/).map(Number))
    .filter(([pid, g]) => g === pgid && pid !== undefined)
    .map(([pid]) => pid!);
}

async function until(check: () => boolean, ms: number): Promise<boolean> {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (check()) return true;
    await new Promise((r) => setTimeout(r, 50));
  }
  return check();
}

describe('cyclonedx-npm', () => {
  it('is found through the installed package', () => {
    expect(existsSync(cycloneDxNpmCli())).toBe(true);
  });

  it.runIf(process.platform !== 'win32')('is killed, with the npm it runs, when the scan is aborted', async () => {
    const ac = new AbortController();
    let pid = 0;
    const reason = new Error('scan cancelled');
    const run = runCycloneDxNpm(fixture('npm-lock-v3'), {
      file: join(fixture('npm-lock-v3'), 'package-lock.json'),
      signal: ac.signal,
      onSpawn: (p) => {
        pid = p;
        // long enough for cyclonedx-npm to have started npm ls
        setTimeout(() => ac.abort(reason), 400);
      },
    });
    await expect(run).rejects.toBe(reason);
    expect(pid).toBeGreaterThan(0);
    expect(await until(() => groupMembers(pid).length === 0, 3000)).toBe(true);
  });

  it('does not start when the signal is already aborted', async () => {
    const ac = new AbortController();
    ac.abort(new Error('already'));
    await expect(loadSbom(fixture('npm-lock-v3'), { signal: ac.signal })).rejects.toThrow('already');
  });

  it('leaves dev dependencies in when NODE_ENV=production', async () => {
    const before = process.env.NODE_ENV;
    process.env.NODE_ENV = 'production';
    try {
      const { graph } = await loadSbom(fixture('npm-lock-v3'));
      expect([...graph.components.values()].some((c) => c.name === 'humanize-ms' && c.dev)).toBe(true);
    } finally {
      if (before === undefined) delete process.env.NODE_ENV;
      else process.env.NODE_ENV = before;
    }
  });

  it.runIf(process.platform !== 'win32')('hands cyclonedx-npm the npm script it would otherwise spend half a second looking for', () => {
    const dir = realpathSync(mkdtempSync(join(tmpdir(), 'vigil-npm-path-')));
    try {
      const cli = join(dir, 'lib', 'npm', 'bin', 'npm-cli.js');
      mkdirSync(join(dir, 'lib', 'npm', 'bin'), { recursive: true });
      writeFileSync(cli, '');
      mkdirSync(join(dir, 'bin'));
      symlinkSync(cli, join(dir, 'bin', 'npm'));
      // npm's own setting wins; npx's is not npm; else the npm on PATH, through its link
      expect(npmCliScript({ PATH: '/nonexistent', npm_execpath: cli })).toBe(cli);
      expect(npmCliScript({ PATH: join(dir, 'bin'), npm_execpath: join(dir, 'npx-cli.js') })).toBe(cli);
      expect(npmCliScript({ PATH: ['/nonexistent', join(dir, 'bin')].join(':') })).toBe(cli);
      // an npm on PATH that is a shell wrapper, not a script: fall back to the npm beside node, or leave it to cyclonedx-npm
      writeFileSync(join(dir, 'wrapper-npm'), '#!/bin/sh\n');
      mkdirSync(join(dir, 'shim'));
      symlinkSync(join(dir, 'wrapper-npm'), join(dir, 'shim', 'npm'));
      const found = npmCliScript({ PATH: join(dir, 'shim') });
      expect(found === undefined || /npm-cli\.js$/.test(found)).toBe(true);
      expect(found).not.toBe(join(dir, 'wrapper-npm'));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
