import { describe, expect, it } from 'vitest';
import { createFinding } from '../../src/model/create.js';
import type { Finding } from '../../src/model/finding.js';
import type { Scanner, ScanContext } from '../../src/model/scanner.js';
import type { Target } from '../../src/model/target.js';
import { runScan, type PlanItem, type ProgressEvent } from '../../src/runner/index.js';

const target = (name: string): Target => ({ name, kind: 'path', location: `/tmp/${name}` });

function finding(n: number, line = n): Finding {
  return createFinding({
    scanner: 'fake',
    ruleId: 'r',
    title: `t${n}`,
    severity: 'high',
    location: { kind: 'file', path: 'a.js', startLine: line, snippet: `x${n}` },
  });
}

/** Scanners made for the runner's tests: each behaves in one way that matters. */
function scanners(state: { active: number; maxActive: number }): (id: string) => Scanner {
  const make = (id: string, run: (t: Target, ctx: ScanContext) => AsyncIterable<Finding>): Scanner => ({ id, version: 2, run });
  return (id) => {
    switch (id) {
      case 'ok':
        return make(id, async function* (t) {
          state.active++;
          state.maxActive = Math.max(state.maxActive, state.active);
          try {
            await new Promise((r) => setTimeout(r, 30));
            yield finding(1);
            yield finding(2);
            yield { ...finding(1) }; // an exact repeat is dropped
            if (t.name === 'dup') yield finding(3, 99); // a distinct position with another snippet
          } finally {
            state.active--;
          }
        });
      case 'throws':
        return make(id, async function* () {
          yield finding(5);
          throw new Error('scanner exploded');
        });
      case 'hangs':
        // Ignores its abort signal on purpose: the runner must still end it.
        return make(id, async function* () {
          await new Promise(() => undefined);
        });
      default:
        throw new Error(`no scanner ${id}`);
    }
  };
}

describe('runner', () => {
  it('records a part left out as skipped with its reason, runs nothing for it, and keeps the run complete', async () => {
    const state = { active: 0, maxActive: 0 };
    let built = 0;
    const make = scanners(state);
    const plan: PlanItem[] = [
      { target: target('a'), scanner: 'ok', options: {} },
      { target: target('b'), scanner: 'throws', options: {}, skip: 'PostgreSQL did not answer at 127.0.0.1:5432' },
    ];
    const res = await runScan(plan, { createScanner: (id) => (built++, make(id)), trigger: 'cli', baseDir: '/tmp' });
    expect(built).toBe(1);
    expect(res.run.status).toBe('complete');
    const skipped = res.run.parts.find((p) => p.target === 'b')!;
    expect(skipped).toMatchObject({ status: 'skipped', findings: 0, error: null, notes: ['left out: PostgreSQL did not answer at 127.0.0.1:5432'] });
    expect(res.findings.every((f) => f.target === 'a')).toBe(true);
    expect(res.errors.size).toBe(0);
    // a run whose every part was left out proved nothing: partial, not complete
    const none = await runScan([plan[1]!], { createScanner: make, trigger: 'cli', baseDir: '/tmp' });
    expect(none.run.status).toBe('partial');
  });

  it('runs targets × scanners with bounded concurrency and sorted, unique findings', async () => {
    const state = { active: 0, maxActive: 0 };
    const plan: PlanItem[] = ['a', 'b', 'c', 'd', 'e'].map((n) => ({ target: target(n), scanner: 'ok', options: {} }));
    const events: ProgressEvent[] = [];
    const res = await runScan(plan, { createScanner: scanners(state), trigger: 'cli', baseDir: '/tmp', concurrency: 2, onProgress: (e) => events.push(e) });
    expect(state.maxActive).toBe(2);
    expect(res.run.status).toBe('complete');
    expect(res.run.parts.map((p) => [p.target, p.status, p.findings, p.scannerVersion])).toEqual(
      ['a', 'b', 'c', 'd', 'e'].map((n) => [n, 'complete', 2, 2]),
    );
    expect(res.findings).toHaveLength(10);
    expect(new Set(res.findings.map((f) => f.target))).toEqual(new Set(['a', 'b', 'c', 'd', 'e']));
    expect(events.filter((e) => e.type === 'part-end')).toHaveLength(5);
  });

  it('records a throwing scanner as failed, keeps what it found, and the run is partial', async () => {
    const plan: PlanItem[] = [
      { target: target('a'), scanner: 'ok', options: {} },
      { target: target('a'), scanner: 'throws', options: {} },
    ];
    const res = await runScan(plan, { createScanner: scanners({ active: 0, maxActive: 0 }), trigger: 'cli', baseDir: '/tmp' });
    expect(res.run.status).toBe('partial');
    const failed = res.run.parts.find((p) => p.scanner === 'throws')!;
    expect(failed).toMatchObject({ status: 'failed', error: 'scanner exploded', findings: 1 });
    expect(res.run.parts.find((p) => p.scanner === 'ok')!.status).toBe('complete');
    expect((res.errors.get('throws\u0000a') as Error).message).toBe('scanner exploded');
  });

  it('ends a scanner at its timeout even when it ignores the signal', async () => {
    const plan: PlanItem[] = [
      { target: target('a'), scanner: 'hangs', options: {} },
      { target: target('b'), scanner: 'ok', options: {} },
    ];
    const res = await runScan(plan, { createScanner: scanners({ active: 0, maxActive: 0 }), trigger: 'cli', baseDir: '/tmp', timeoutMs: 200 });
    const hung = res.run.parts.find((p) => p.scanner === 'hangs')!;
    expect(hung.status).toBe('timeout');
    expect(hung.error).toMatch(/VIGIL_ERR_SCANNER_TIMEOUT/);
    expect(res.run.status).toBe('partial');
  });

  it('all parts failing makes a failed run; an unknown scanner is a failed part', async () => {
    const res = await runScan([{ target: target('a'), scanner: 'nope', options: {} }], {
      createScanner: scanners({ active: 0, maxActive: 0 }),
      trigger: 'cli',
      baseDir: '/tmp',
    });
    expect(res.run.status).toBe('failed');
    expect(res.run.parts[0]!.error).toBe('no scanner nope');
  });

  it('stops every part when the caller aborts', async () => {
    const ac = new AbortController();
    setTimeout(() => ac.abort(new Error('interrupted')), 100);
    const res = await runScan([{ target: target('a'), scanner: 'hangs', options: {} }], {
      createScanner: scanners({ active: 0, maxActive: 0 }),
      trigger: 'cli',
      baseDir: '/tmp',
      signal: ac.signal,
    });
    expect(res.run.parts[0]).toMatchObject({ status: 'aborted', error: 'interrupted' });
  });

  it('gives repeated fingerprints at distinct positions an occurrence suffix', async () => {
    const same = (line: number) =>
      createFinding({ scanner: 'fake', ruleId: 'r', title: 't', severity: 'low', location: { kind: 'file', path: 'a.js', startLine: line, snippet: 'eval(x)' } });
    const scanner: Scanner = {
      id: 'twice',
      version: 1,
      async *run() {
        yield same(10);
        yield same(4);
      },
    };
    const res = await runScan([{ target: target('a'), scanner: 'twice', options: {} }], { createScanner: () => scanner, trigger: 'cli', baseDir: '/' });
    const fps = res.findings.map((f) => f.fingerprint);
    expect(fps[1]).toBe(`${fps[0]}:2`);
    const lines = res.findings.map((f) => (f.location.kind === 'file' ? f.location.startLine : 0));
    expect(lines).toEqual([4, 10]);
  });
});
