import { describe, expect, it } from 'vitest';
import { DeliveryError } from '../../../src/notify/channel.js';
import { backoffMs, retryAfterMs, withRetries } from '../../../src/notify/retry.js';

const policy = { baseMs: 1000, maxMs: 30_000 };

describe('backoff', () => {
  it('doubles from the base, capped, with half of it random', () => {
    expect([1, 2, 3, 4, 5, 6, 10].map((n) => backoffMs(n, policy, () => 0))).toEqual([500, 1000, 2000, 4000, 8000, 15_000, 15_000]);
    expect([1, 2, 3, 4, 5, 6, 10].map((n) => backoffMs(n, policy, () => 1))).toEqual([1000, 2000, 4000, 8000, 16_000, 30_000, 30_000]);
  });

  it('reads Retry-After as seconds or an HTTP date', () => {
    expect(retryAfterMs('3')).toBe(3000);
    expect(retryAfterMs(new Date(10_000).toUTCString(), 4_000)).toBe(6_000);
    expect(retryAfterMs('soon')).toBeUndefined();
    expect(retryAfterMs(null)).toBeUndefined();
  });

  it('retries retryable failures up to the attempts, and stops at a non-retryable one', async () => {
    const signal = new AbortController().signal;
    const fast = { attempts: 4, baseMs: 1, maxMs: 2 };
    let calls = 0;
    await expect(withRetries(fast, signal, async () => { calls++; throw new DeliveryError('503', { retryable: true }); }, () => undefined)).rejects.toMatchObject({ attempts: 4, retryable: true });
    expect(calls).toBe(4);
    calls = 0;
    await expect(withRetries(fast, signal, async () => { calls++; throw new DeliveryError('400', { retryable: false }); }, () => undefined)).rejects.toMatchObject({ attempts: 1, retryable: false });
    expect(calls).toBe(1);
    calls = 0;
    const waits: (number | undefined)[] = [];
    expect(await withRetries(fast, signal, async (n) => { calls++; if (n < 3) throw new DeliveryError('x', { retryable: true }); return 'ok'; }, (_n, _e, w) => waits.push(w))).toBe('ok');
    expect(calls).toBe(3);
    expect(waits.every((w) => w !== undefined && w <= 2)).toBe(true);
  });
});
