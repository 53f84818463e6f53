import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { VigilError } from '../../src/errors.js';
import type { AdvisoryLookup } from '../../src/model/scanner.js';
import type { Target } from '../../src/model/target.js';
import { PartThreads, runScan, type PlanItem, type ProgressEvent, type RunnerOptions } from '../../src/runner/index.js';
import { fromWire, toWire } from '../../src/runner/wire.js';
import type { Logger } from '../../src/util/logger.js';

// The worker entry runs the built part host (a thread cannot load .ts): `npm test` builds dist/ first.
const PART_WORKER = new URL('../fixtures/runner/part-worker.mjs', import.meta.url);
const BUILT = fileURLToPath(new URL('../../dist/src/runner/part-host.js', import.meta.url));

const target = (name: string): Target => ({ name, kind: 'path', location: `/tmp/${name}` });
const item = (scanner: string, name = 'a', options: Record<string, unknown> = {}): PlanItem => ({ target: target(name), scanner, options });

/**
 * Isolated runs with a short timeout and grace, so a blocked part is ended quickly; the timeout
 * still leaves a loaded machine time to start the thread and reach the spin.
 */
const isolated = (extra: Partial<RunnerOptions> = {}): RunnerOptions => ({
  partWorker: PART_WORKER,
  trigger: 'cli',
  baseDir: '/tmp',
  timeoutMs: 2000,
  abortGraceMs: 100,
  ...extra,
});

beforeAll(() => {
  if (!existsSync(BUILT)) throw new Error(`${BUILT} is missing: run \`npm run build\` (npm test does) before this suite`);
});

describe('runner, parts on worker threads', () => {
  it('ends a part that spins forever at its timeout, keeps what it found, and the other parts complete', async () => {
    const res = await runScan([item('spin'), item('ok', 'b')], isolated({ concurrency: 2 }));
    const spin = res.run.parts.find((p) => p.scanner === 'spin')!;
    expect(spin).toMatchObject({ status: 'timeout', findings: 2, scannerVersion: 3 });
    expect(spin.error).toMatch(/VIGIL_ERR_SCANNER_TIMEOUT: spin on a ran past 2 s/);
    expect(res.run.parts.find((p) => p.scanner === 'ok')).toMatchObject({ status: 'complete', findings: 2 });
    expect(res.run.status).toBe('partial');
    expect(res.findings.filter((f) => f.target === 'a').map((f) => f.ruleId)).toEqual(['r1', 'r2']);
    expect(res.errors.get('spin\u0000a')).toBeInstanceOf(VigilError);
  });

  it('ends a catastrophic regex at the timeout', async () => {
    const res = await runScan([item('regex'), item('ok', 'b')], isolated());
    expect(res.run.parts.map((p) => [p.scanner, p.status, p.findings])).toEqual([
      ['regex', 'timeout', 1],
      ['ok', 'complete', 2],
    ]);
  });

  it('a scanner that stops at the abort signal ends within the grace, still as a timeout', async () => {
    const res = await runScan([item('polite')], isolated({ abortGraceMs: 30_000 }));
    expect(res.run.parts[0]).toMatchObject({ status: 'timeout', findings: 1 });
    expect(res.run.parts[0]!.error).toMatch(/VIGIL_ERR_SCANNER_TIMEOUT/);
  });

  it('stops a spinning part when the caller aborts, and the parts after it', async () => {
    const ac = new AbortController();
    const events: ProgressEvent[] = [];
    const onProgress = (e: ProgressEvent) => {
      events.push(e);
      if (e.type === 'note' && e.note === 'spinning') ac.abort(new Error('interrupted'));
    };
    const res = await runScan([item('spin'), item('ok', 'b')], isolated({ timeoutMs: 600_000, concurrency: 1, signal: ac.signal, onProgress }));
    expect(res.run.parts.map((p) => [p.scanner, p.status, p.error, p.findings])).toEqual([
      ['spin', 'aborted', 'interrupted', 2],
      ['ok', 'aborted', 'interrupted', 0],
    ]);
    expect(events.at(-1)).toMatchObject({ type: 'part-end', done: 2 });
  });

  it('keeps every finding written before a spin, across several journal batches, in order', async () => {
    const res = await runScan([item('many', 'a', { count: 3000, spin: true })], isolated());
    expect(res.run.parts[0]).toMatchObject({ status: 'timeout', findings: 3000 });
    expect(res.findings.map((f) => f.ruleId)).toEqual(Array.from({ length: 3000 }, (_, i) => `r${i + 1}`));
  });

  it('carries progress, notes, the report, log lines and advisory lookups across the thread', async () => {
    const logs: [string, string, unknown][] = [];
    const logger: Logger = {
      debug: (m, d) => logs.push(['debug', m, d]),
      info: (m, d) => logs.push(['info', m, d]),
      warn: (m, d) => logs.push(['warn', m, d]),
      error: (m, d) => logs.push(['error', m, d]),
    };
    const asked: unknown[] = [];
    const advisories: AdvisoryLookup = {
      forPackages: async (keys) => {
        asked.push(keys);
        return new Map([['npm\u0000lodash', [{ id: 'GHSA-1' }, { id: 'GHSA-2' }]]]);
      },
    };
    const events: ProgressEvent[] = [];
    const res = await runScan([item('context', 'a', { depth: 2, list: ['x'] })], isolated({ logger, advisories, onProgress: (e) => events.push(e) }));
    const part = res.run.parts[0]!;
    expect(part.status, part.error ?? '').toBe('complete');
    expect(part.notes).toEqual(['options {"depth":2,"list":["x"]} in /tmp on /tmp/a']);
    expect(part.report).toEqual({ data: { grade: 'A', at: new Date(0) }, lines: ['grade A'] });
    expect(events).toContainEqual({ type: 'note', scanner: 'context', target: 'a', note: 'half way' });
    expect(logs).toContainEqual(['info', 'hello from the thread', { n: 1 }]);
    expect(logs).toContainEqual(['warn', 'data that cannot be cloned', { n: 2 }]);
    expect(asked).toEqual([[{ ecosystem: 'npm', name: 'lodash' }]]);
    expect(res.findings.map((f) => f.ruleId).sort()).toEqual(['GHSA-1', 'GHSA-2', 'r7']);
  });

  it('passes advisories as JSON text when the store offers it, parsed on the thread', async () => {
    const lookup: AdvisoryLookup = {
      forPackages: async () => {
        throw new Error('the text form should have been used');
      },
      forPackagesJson: async () => new Map([['npm\u0000lodash', [JSON.stringify({ id: 'GHSA-3' })]]]),
    };
    const res = await runScan([item('context')], isolated({ advisories: lookup }));
    expect(res.run.parts[0]!.status, res.run.parts[0]!.error ?? '').toBe('complete');
    expect(res.findings.map((f) => f.ruleId).sort()).toEqual(['GHSA-3', 'r7']);
  });

  it('a scanner without an advisory store sees none', async () => {
    const res = await runScan([item('context')], isolated());
    expect(res.run.parts[0]).toMatchObject({ status: 'failed' });
    expect(res.run.parts[0]!.error).toMatch(/forPackages/);
  });

  it('brings an input error back as the VigilError it was: code, message, file, line, column', async () => {
    const res = await runScan([item('bad-input')], isolated());
    expect(res.run.parts[0]).toMatchObject({ status: 'failed', findings: 1, error: 'VIGIL_ERR_SARIF_INVALID: /tmp/x.sarif:3:5: runs: must be an array' });
    const e = res.errors.get('bad-input\u0000a');
    expect(e).toBeInstanceOf(VigilError);
    expect(e).toMatchObject({ code: 'VIGIL_ERR_SARIF_INVALID', file: '/tmp/x.sarif', line: 3, column: 5, isInputError: true, exitCode: 2 });
  });

  it('a thread that dies of an uncaught exception fails its part; the next part gets a new thread', async () => {
    const res = await runScan([item('crash'), item('ok', 'b')], isolated({ concurrency: 1 }));
    expect(res.run.parts.map((p) => [p.scanner, p.status, p.findings])).toEqual([
      ['crash', 'failed', 1],
      ['ok', 'complete', 2],
    ]);
    expect(res.run.parts[0]!.error).toBe('uncaught in a timer');
  });

  it('reuses a thread whose part ended by itself, and replaces one that was terminated', async () => {
    const res = await runScan([item('thread', 'a'), item('thread', 'b'), item('spin', 'c'), item('thread', 'd')], isolated({ concurrency: 1 }));
    const ids = res.run.parts.filter((p) => p.scanner === 'thread').map((p) => p.notes![0]);
    expect(ids[0]).toBe(ids[1]);
    expect(ids[2]).not.toBe(ids[0]);
  });

  it('an unknown scanner is a failed part; options that cannot cross threads fail their part', async () => {
    const res = await runScan([item('nope'), item('ok', 'b', { callback: () => 1 })], isolated());
    expect(res.run.parts[0]).toMatchObject({ status: 'failed', error: 'no scanner nope' });
    expect(res.run.parts[1]!.status).toBe('failed');
    expect(res.run.parts[1]!.error).toMatch(/VIGIL_ERR_INTERNAL: the options of ok on b cannot be passed to its thread/);
  });

  it('runs on threads started ahead, loading the scanners named (an unknown one fails only its part)', async () => {
    const threads = new PartThreads(PART_WORKER, { warm: 2, preload: ['ok', 'nope'] });
    const res = await runScan([item('ok'), item('nope', 'b'), item('thread', 'c')], isolated({ partWorker: threads, concurrency: 2 }));
    expect(res.run.parts.map((p) => [p.scanner, p.status])).toEqual([
      ['ok', 'complete'],
      ['nope', 'failed'],
      ['thread', 'complete'],
    ]);
  });

  it('threads started ahead and never used do not keep the process alive', () => {
    const built = new URL('../../dist/src/runner/isolated.js', import.meta.url).href;
    const script = `import { PartThreads } from ${JSON.stringify(built)}; new PartThreads(new URL(${JSON.stringify(PART_WORKER.href)}), { warm: 2, preload: ['ok'] }); console.log('started');`;
    const r = spawnSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8', timeout: 20_000 });
    expect(r.error).toBeUndefined();
    expect([r.status, r.stdout.trim()]).toEqual([0, 'started']);
  });

  it('threads a part starts end with the part', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'vigil-nested-'));
    try {
      const beat = join(dir, 'beat');
      const res = await runScan([item('nested', 'a', { beat })], isolated({ timeoutMs: 4000 }));
      expect(res.run.parts[0]).toMatchObject({ status: 'timeout', findings: 1 });
      expect(existsSync(`${beat}.started`)).toBe(true);
      // the inner thread beat every 10 ms while it lived; once the part's thread is terminated it beats no more
      const after = readFileSync(beat, 'utf8');
      await new Promise((r) => setTimeout(r, 300));
      expect(readFileSync(beat, 'utf8')).toBe(after);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('thrown values across threads', () => {
  it('a VigilError keeps its class, code, position and cause; other errors their name, code and stack', () => {
    const cause = Object.assign(new Error('ENOENT: no such file'), { code: 'ENOENT' });
    const e = fromWire(structuredClone(toWire(new VigilError('VIGIL_ERR_RULE_INVALID', 'bad pattern', { file: '/r.yaml', line: 4 }, { cause }))));
    expect(e).toBeInstanceOf(VigilError);
    expect(e).toMatchObject({ code: 'VIGIL_ERR_RULE_INVALID', message: 'bad pattern', file: '/r.yaml', line: 4, isInputError: true });
    expect((e as Error).cause).toMatchObject({ message: 'ENOENT: no such file', code: 'ENOENT' });
    const t = new TypeError('x is not a function');
    const back = fromWire(structuredClone(toWire(t))) as Error;
    expect([back.name, back.message, back.stack]).toEqual(['TypeError', 'x is not a function', t.stack]);
    expect(fromWire(toWire('a string was thrown'))).toBe('a string was thrown');
  });
});
