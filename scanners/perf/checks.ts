/**
 * The perf scanner's rules as data: one record per rule id with its title, default severity,
 * CWE and remediation, so the verdict code only says which rule fired and why.
 */
import type { Severity } from '../../src/model/severity.js';

export interface PerfCheck {
  title: string;
  severity: Severity;
  cwe: string[];
  remediation: string;
  references?: string[];
}

const BUDGETS = 'https://web.dev/articles/performance-budgets-101';

export const PERF_CHECKS = {
  'perf-latency-p95': { title: 'p95 latency breaks the budget', severity: 'medium', cwe: ['CWE-400'], remediation: 'Profile the slowest requests under this load (a flame graph with 0x or clinic, the database\'s slow-query log); look for work that grows with concurrency: locks, a connection pool that is too small, synchronous CPU work on the event loop. Then scale out, cache or raise the budget on purpose.', references: [BUDGETS] },
  'perf-latency-p99': { title: 'p99 latency breaks the budget', severity: 'medium', cwe: ['CWE-400'], remediation: 'The slowest 1 % of requests are past the budget: look for queueing (pool waits, event-loop blocking, garbage-collection pauses) and for slow paths that only some requests take.', references: [BUDGETS] },
  'perf-error-rate': { title: 'Error rate under load breaks the budget', severity: 'high', cwe: ['CWE-400'], remediation: 'Find what fails under load in the server\'s logs (5xx, refused or reset connections, timeouts): a pool exhausted, a process that crashes or runs out of memory, a rate limit set below the expected load. A service should shed load with 429/503 and stay up, not fall over.' },
  'perf-throughput': { title: 'Throughput is below the budget', severity: 'medium', cwe: ['CWE-400'], remediation: 'The service answers fewer requests a second than the budget asks at this load: profile where the time goes, add instances or workers, or cache.' },
  'perf-response-size-growth': { title: 'Responses grow during the run', severity: 'low', cwe: ['CWE-401'], remediation: 'Responses grew steadily from the first third of the load to the last: something accumulates per request (a list that is appended to and returned, a session or cache that is never trimmed). Bound it.' },
  'perf-memory-growth': { title: 'Memory keeps growing under load (possible leak)', severity: 'medium', cwe: ['CWE-401'], remediation: 'Memory rose steadily across the run, not in one step: take two heap snapshots (node --inspect, or heapdump) some minutes of load apart and compare what was retained: caches without bounds, listeners never removed, closures kept in a global list.' },
  'perf-health-status': { title: 'Health check answers with the wrong status', severity: 'high', cwe: ['CWE-754'], remediation: 'The health endpoint did not answer with the expected status, so the load test was skipped. Fix the service (or the health path and expected status in the budget) first.' },
  'perf-health-body': { title: 'Health check body does not say healthy', severity: 'high', cwe: ['CWE-754'], remediation: 'The health endpoint answered, but not with what the budget expects in its body, so the load test was skipped. Fix the service or the body assertion in the budget.' },
  'perf-health-tls': { title: 'Health check found a TLS problem', severity: 'high', cwe: ['CWE-295'], remediation: 'Serve a certificate your clients trust for this host name (for a private CA, give vigil the CA with the budget\'s or options\' `ca`), and renew it before it expires; automate renewal with ACME.' },
} as const satisfies Record<string, PerfCheck>;

export type PerfRuleId = keyof typeof PERF_CHECKS;
