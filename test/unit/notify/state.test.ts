import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { DedupeState } from '../../../src/notify/state.js';

const dir = mkdtempSync(join(tmpdir(), 'vigil-dedupe-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const H = 3_600_000;

describe('dedupe state', () => {
  it('survives a restart, keeps the later time when two processes wrote, and forgets keys older than the window', async () => {
    const file = join(dir, 'a', 'notify-state.json');
    const t0 = new Date('2030-05-01T00:00:00Z');
    const { state: a } = await DedupeState.load(file, 24 * H);
    a.mark('k1', t0);
    a.mark('old', new Date(t0.getTime() - 30 * H));
    await a.save(t0);
    const saved = JSON.parse(readFileSync(file, 'utf8')) as { sent: Record<string, string> };
    expect(Object.keys(saved.sent)).toEqual(['k1']);

    // another process marks k2 meanwhile
    const { state: b } = await DedupeState.load(file, 24 * H);
    b.mark('k2', new Date(t0.getTime() + H));
    await b.save(t0);
    a.mark('k3', new Date(t0.getTime() + 2 * H));
    await a.save(t0);

    const { state: c } = await DedupeState.load(file, 24 * H);
    const later = new Date(t0.getTime() + 23 * H);
    expect(['k1', 'k2', 'k3', 'k4'].map((k) => c.recent(k, later))).toEqual([true, true, true, false]);
    expect(c.recent('k1', new Date(t0.getTime() + 24 * H))).toBe(false);
  });

  it('a window of 0 suppresses nothing; an unreadable file starts afresh and says so', async () => {
    const file = join(dir, 'b.json');
    const { state } = await DedupeState.load(file, 0);
    state.mark('k', new Date());
    expect(state.recent('k', new Date())).toBe(false);
    writeFileSync(file, '{ not json');
    const { state: s2, problem } = await DedupeState.load(file, H);
    expect(problem).toContain('not valid JSON');
    expect(s2.recent('k', new Date())).toBe(false);
  });
});
