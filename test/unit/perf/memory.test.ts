import { describe, expect, it } from 'vitest';
import { parseMemory } from '../../../scanners/perf/memory.js';

const PROM = `# HELP process_resident_memory_bytes Resident memory size in bytes.
# TYPE process_resident_memory_bytes gauge
process_resident_memory_bytes 81920000
# HELP nodejs_heap_size_used_bytes_total not the one
nodejs_heap_size_used_bytes_total 1
# HELP nodejs_heap_size_used_bytes Process heap size used from Node.js in bytes.
# TYPE nodejs_heap_size_used_bytes gauge
nodejs_heap_size_used_bytes{app="shop"} 12345678 1700000000000
`;

describe('parseMemory', () => {
  it.each<[string, string, 'auto' | 'prometheus' | 'json', string, { bytes: number; source: string } | undefined]>([
    ['prom-client text: the heap first, labels and a timestamp allowed, longer names skipped', PROM, 'auto', 'text/plain', { bytes: 12345678, source: 'prometheus:nodejs_heap_size_used_bytes' }],
    ['prometheus with RSS only', 'process_resident_memory_bytes 2.5e7\n', 'prometheus', '', { bytes: 25_000_000, source: 'prometheus:process_resident_memory_bytes' }],
    ['process.memoryUsage()', JSON.stringify({ rss: 90e6, heapTotal: 40e6, heapUsed: 30e6, external: 1e6 }), 'auto', 'application/json', { bytes: 30e6, source: 'json:heapUsed' }],
    ['nested one level', JSON.stringify({ uptime: 5, memory: { rss: 90e6 } }), 'auto', '', { bytes: 90e6, source: 'json:memory.rss' }],
    ['JSON named explicitly though served as text', '{"heapUsed": 5}', 'json', 'text/plain', { bytes: 5, source: 'json:heapUsed' }],
    ['no memory figure', '{"status":"ok"}', 'auto', 'application/json', undefined],
    ['not JSON', '{"heapUsed": ', 'json', '', undefined],
    ['a zero or negative figure is no figure', 'process_resident_memory_bytes 0\n', 'prometheus', '', undefined],
    ['an unclosed label set', 'nodejs_heap_size_used_bytes{a="b" 5\n', 'prometheus', '', undefined],
  ])('%s', (_what, body, format, type, want) => {
    expect(parseMemory(body, format, type)).toEqual(want);
  });

  it('reads a hostile 1 MiB body (one unclosed label set, many near-miss names) without a regular expression', () => {
    // a backtracking parser would take minutes here and trip the test timeout
    expect(parseMemory(`nodejs_heap_size_used_bytes{${'a'.repeat(1024 * 1024)}`, 'prometheus')).toBeUndefined();
    expect(parseMemory(`${'nodejs_heap_size_used_bytesx 1\n'.repeat(30_000)}process_resident_memory_bytes 7\n`, 'prometheus')).toEqual({ bytes: 7, source: 'prometheus:process_resident_memory_bytes' });
  });
});
