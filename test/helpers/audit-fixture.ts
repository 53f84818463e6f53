import { generateKeyPairSync } from 'node:crypto';
import { keyFingerprint } from '../../reports/audit/key.js';
import type { AuditFindingRow, AuditReport } from '../../reports/audit/model.js';

/**
 * A hand-built audit report for the writers' tests: every section filled, numbers chosen so a
 * test can look for each one in the output. `openFindings` rows: `rows` of them, to test pagination.
 */
export function sampleAuditReport(opts: { rows?: number; incidents?: boolean } = {}): AuditReport {
  const { publicKey } = generateKeyPairSync('ed25519');
  const publicKeyPem = publicKey.export({ type: 'spki', format: 'pem' }).toString();
  const fingerprint = keyFingerprint(publicKey);
  const rows = opts.rows ?? 12;
  const sev = ['critical', 'high', 'medium', 'low', 'info'] as const;
  const openFindings: AuditFindingRow[] = Array.from({ length: rows }, (_, i) => ({
    id: 1000 + i,
    severity: sev[i % 5]!,
    status: i % 3 === 0 ? 'reopened' : 'open',
    title: `Planted finding number ${i + 1} with a title long enough to wrap inside its table cell`,
    target: i % 2 ? 'shop' : 'shop-web',
    location: `examples/shop/src/file-${i}.js:${10 + i}`,
    firstSeen: '2026-10-01T08:00:00.000Z',
    slaDue: i % 4 === 0 ? '2026-11-01T08:00:00.000Z' : null,
  }));
  const trend = Array.from({ length: 90 }, (_, d) => {
    const date = new Date(Date.UTC(2026, 8, 8) + d * 86_400_000).toISOString().slice(0, 10);
    return { date, counts: { critical: d < 30 ? 3 : 1, high: 7 + (d % 5), medium: 20 - Math.floor(d / 10), low: 4, info: 2 } };
  });
  const zero = { open: 0, reopened: 0, triaged: 0, accepted: 0, false_positive: 0, fixed: 0 };
  return {
    title: 'vigil audit report — Example Shop Ltd',
    organisation: 'Example Shop Ltd',
    generatedAt: '2026-12-06T10:00:00.000Z',
    period: { from: '2026-09-07T00:00:00.000Z', to: '2026-12-06T00:00:00.000Z' },
    scope: {
      ledger: '/srv/vigil/.vigil/ledger.db',
      targets: [
        { name: 'shop', kind: 'path', location: 'examples/shop', scanners: ['import', 'deps', 'code'] },
        { name: 'shop-web', kind: 'url', location: 'http://127.0.0.1:8444/', scanners: ['web'] },
      ],
      schedules: [{ name: 'shop-hourly', cron: '0 * * * *', timezone: null, targets: ['shop', 'shop-web'], scanners: ['import', 'deps', 'code', 'web'] }],
    },
    summary: [
      '89 of 90 scheduled scans ran in the period (98.9 %); 1 was missed.',
      '41 findings were opened and 37 fixed; 94.6 % of those fixed were fixed within their SLA.',
      '1 incident was opened and resolved; its GDPR Art. 33 notice was given 20 hours after awareness.',
    ],
    coverage: {
      schedules: [
        {
          name: 'shop-daily',
          cron: '0 2 * * *',
          timezone: null,
          slots: [
            { due: '2026-12-03T02:00:00.000Z', runId: 'run-a', startedAt: '2026-12-03T02:00:01.000Z', status: 'complete', outcome: 'ran' },
            { due: '2026-12-04T02:00:00.000Z', runId: null, startedAt: null, status: null, outcome: 'missed' },
            { due: '2026-12-05T02:00:00.000Z', runId: 'run-c', startedAt: '2026-12-05T02:40:00.000Z', status: 'complete', outcome: 'late' },
          ],
          expected: 3,
          ran: 2,
          missed: 1,
        },
      ],
      expected: 90,
      ran: 89,
      missed: 1,
      adHocRuns: 14,
      changes: [{ at: '2026-09-01T09:00:00.000Z', actor: 'admin', schedule: 'shop-daily', change: 'added: cron "0 2 * * *"' }],
    },
    findings: {
      bySeverityStatus: {
        critical: { ...zero, open: 1, fixed: 4 },
        high: { ...zero, open: 7, reopened: 1, fixed: 12, accepted: 1 },
        medium: { ...zero, open: 17, triaged: 2, fixed: 15, false_positive: 3 },
        low: { ...zero, open: 4, fixed: 6 },
        info: { ...zero, open: 2 },
      },
      trend,
      newInPeriod: 41,
      fixedInPeriod: 37,
      total: 75,
    },
    sla: {
      remediated: 37,
      withinSla: 35,
      percent: 94.6,
      overdue: openFindings.filter((f) => f.slaDue),
      days: { critical: 7, high: 30, medium: 90, low: 120, info: null },
    },
    exceptions: [
      {
        findingId: 1201,
        title: 'lodash prototype pollution in a build-only tool',
        severity: 'high',
        target: 'shop',
        status: 'accepted',
        justification: 'Reachable only from the build script; no user input reaches it.',
        approver: 'ciso@example.com',
        expires: '2027-01-31T00:00:00.000Z',
        decidedAt: '2026-11-02T14:00:00.000Z',
        decidedBy: 'alice',
      },
      {
        findingId: 1202,
        title: 'Hard-coded test key in fixtures',
        severity: 'medium',
        target: 'shop',
        status: 'false_positive',
        justification: 'A documented test vector, not a credential.',
        approver: null,
        expires: null,
        decidedAt: '2026-11-03T09:00:00.000Z',
        decidedBy: 'bob',
      },
    ],
    incidents:
      opts.incidents === false
        ? []
        : [
            {
              id: 1,
              runbook: 'personal-data-breach',
              runbookTitle: 'Personal-data breach',
              title: 'SQL injection on a personal-data system',
              severity: 'critical',
              status: 'resolved',
              openedAt: '2026-11-10T09:00:00.000Z',
              awareAt: '2026-11-10T10:00:00.000Z',
              resolvedAt: '2026-11-14T16:00:00.000Z',
              findingId: 1300,
              timeline: [
                { at: '2026-11-10T09:00:00.000Z', actor: null, action: 'opened', detail: 'finding 1300 matched runbook personal-data-breach' },
                { at: '2026-11-10T10:00:00.000Z', actor: 'alice', action: 'aware', detail: 'awareness recorded' },
                { at: '2026-11-11T06:00:00.000Z', actor: 'dpo', action: 'clock-met', detail: 'gdpr-art33-authority: notified the lead authority' },
                { at: '2026-11-14T16:00:00.000Z', actor: 'alice', action: 'resolved', detail: 'post-incident review held' },
              ],
              steps: [
                { id: 'triage', phase: 'analyse', title: 'Confirm the breach', owner: 'security-lead', due: '2026-11-10T13:00:00.000Z', doneAt: '2026-11-10T11:00:00.000Z', outcome: 'done' },
                { id: 'review', phase: 'post-incident', title: 'Lessons learned', owner: 'security-lead', due: '2026-11-24T09:00:00.000Z', doneAt: '2026-11-14T15:00:00.000Z', outcome: 'done' },
              ],
              clocks: [
                { id: 'gdpr-art33-authority', title: 'Notify the supervisory authority', law: 'GDPR Art. 33(1)', due: '2026-11-13T10:00:00.000Z', metAt: '2026-11-11T06:00:00.000Z', waived: false, outcome: 'met' },
                { id: 'gdpr-art34-subjects', title: 'Tell the data subjects', law: 'GDPR Art. 34(1)', due: '2026-11-17T10:00:00.000Z', metAt: null, waived: true, outcome: 'waived' },
              ],
            },
          ],
    controls: [
      { framework: 'SOC 2', id: 'CC7.1', title: 'Detection and monitoring of vulnerabilities', status: 'met', evidence: ['89 of 90 scheduled scans ran (98.9 %).'], source: 'compliance/controls/soc2.yaml' },
      { framework: 'ISO/IEC 27001:2022', id: 'A.8.8', title: 'Management of technical vulnerabilities', status: 'partial', evidence: ['94.6 % of findings fixed within SLA (35 of 37).', '2 findings are past their SLA.'], source: 'compliance/controls/iso27001.yaml' },
      { framework: 'GDPR', id: 'Art. 33', title: 'Notification of a personal data breach', status: 'no-data', evidence: ['No personal-data incident in the period.'], source: 'compliance/controls/gdpr.yaml' },
    ],
    datamap: {
      configured: true,
      lastRun: { runId: 'run-c', at: '2026-12-05T02:40:00.000Z', status: 'complete' },
      openBySeverity: { critical: 0, high: 2, medium: 1, low: 0, info: 0 },
      openByRule: [
        { ruleId: 'gdpr-art30-missing-retention', title: 'No retention period', count: 2 },
        { ruleId: 'gdpr-art44-transfer-without-safeguard', title: 'Transfer without safeguard', count: 1 },
      ],
    },
    openFindings,
    openFindingsTotal: rows,
    figures: { 'scans.expected': 90, 'scans.ran': 89, 'scans.coverage_percent': 98.9, 'sla.percent': 94.6 },
    ledger: {
      headSeq: 4821,
      headHash: '9f2c4e1a7b3d5f6071829304a5b6c7d8e9f0a1b2c3d4e5f60718293a4b5c6d7e',
      verified: true,
      verifyDetail: 'hash chain intact: 4821 events; every finding row matches its events',
    },
    signingKey: { fingerprint, publicKeyPem, recordedAt: '2026-09-01T09:00:00.000Z', recordedSeq: 3 },
    availability: {
      configured: ['shop-api', 'shop-web'],
      probes: [
        { probe: 'shop-api', url: 'https://api.example.test/healthz', checks: 129600, up: 129510, availabilityPct: (129510 / 129600) * 100, longestOutageMinutes: 42, outages: 3, sloPct: 99.9, chainHead: 'a1'.repeat(32), verdict: 'breached', configured: true },
        { probe: 'shop-web', url: 'https://shop.example.test/', checks: 129600, up: 129600, availabilityPct: 100, longestOutageMinutes: 0, outages: 0, sloPct: 99.9, chainHead: 'b2'.repeat(32), verdict: 'met', configured: true },
      ],
      perf: [
        { target: 'shop-api', runId: 'run-perf-1', at: '2026-09-28T02:00:00.000Z', url: 'https://api.example.test/', p95Ms: 1840, connections: 100, errorRatePct: 0.4, breaks: 1, verdict: 'over budget', healthOk: true, sharedCores: false },
      ],
    },
  };
}
