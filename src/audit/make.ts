import { createHash } from 'node:crypto';
import { mkdir, rename, writeFile } from 'node:fs/promises';
import { basename, dirname } from 'node:path';
import type { VigilConfig } from '../config/types.js';
import type { Ledger } from '../ledger/ledger.js';
import type { AuditReport } from '../../reports/audit/model.js';
import { gatherAudit } from './gather.js';
import { loadSigningKey, signingKeyPath } from './signing-key.js';

/** The event that records a report made from the ledger: what it covered and the digest of what was written. */
export const REPORT_EVENT = 'report.generated';

export interface MadeReport {
  report: AuditReport;
  bytes: Buffer;
  /** SHA-256 (hex) of the file written. */
  sha256: string;
  /** The `report.generated` event's seq. */
  recordedSeq: number;
}

/**
 * Gather the audit report, render it (PDF signed with the ledger's report key, or HTML), and record
 * the making of it as a later event. The report's head is the head before that event: the event
 * follows the report, it is not in it.
 */
export async function makeAuditReport(
  ledger: Ledger,
  config: VigilConfig,
  opts: { period: { from: string; to: string }; format: 'pdf' | 'html'; ledgerLocation: string; actor: string | null; now?: Date; output?: string },
): Promise<MadeReport> {
  const now = opts.now ?? new Date();
  const key = await loadSigningKey(ledger, signingKeyPath(ledger, opts.ledgerLocation, config.reports.signingKey), { create: true, actor: opts.actor, now });
  const report = await gatherAudit(ledger, config, { period: opts.period, now, key });
  let bytes: Buffer;
  if (opts.format === 'pdf') {
    const { renderAuditPdf } = await import('../../reports/pdf/audit.js');
    bytes = await renderAuditPdf(report, { privateKey: key.privateKey });
  } else {
    const { renderAuditHtml } = await import('../../reports/html/audit.js');
    bytes = Buffer.from(renderAuditHtml(report), 'utf8');
  }
  if (opts.output) await writeAtomically(opts.output, bytes);
  const sha256 = createHash('sha256').update(bytes).digest('hex');
  const r = await ledger.appendRecord(
    REPORT_EVENT,
    {
      kind: 'audit',
      format: opts.format,
      period: opts.period,
      headSeq: report.ledger.headSeq,
      headHash: report.ledger.headHash,
      keyFingerprint: key.fingerprint,
      sha256,
      ...(opts.output ? { file: basename(opts.output) } : {}),
    },
    { actor: opts.actor, now },
  );
  return { report, bytes, sha256, recordedSeq: r.seq };
}

/** Write beside the target and rename over it, so a reader never sees half a report. */
export async function writeAtomically(file: string, bytes: Buffer): Promise<void> {
  await mkdir(dirname(file), { recursive: true });
  const tmp = `${file}.${process.pid}.tmp`;
  await writeFile(tmp, bytes);
  await rename(tmp, file);
}
