import type { ScanReport } from '../src/model/report.js';
import { jsonChunks, writeJson } from './json.js';
import { writeJunit } from './junit.js';
import { writeSarif, type SarifOptions } from './sarif.js';
import { writeTable, type TableOptions } from './table.js';
import { writeVex } from './vex.js';

/** The formats `vigil scan --format` accepts, in the order help text lists them. */
export const FORMATS = ['table', 'json', 'sarif', 'junit', 'vex'] as const;
export type ReportFormat = (typeof FORMATS)[number];

/** True for a name in FORMATS (for validating `--format`). */
export function isReportFormat(v: unknown): v is ReportFormat {
  return typeof v === 'string' && (FORMATS as readonly string[]).includes(v);
}

/** What the writers may be told beyond the report itself; each takes what concerns it. */
export type WriteOptions = Partial<TableOptions> & SarifOptions;

/** Render the report in one format. */
export function writeReport(format: ReportFormat, report: ScanReport, opts: WriteOptions = {}): string {
  switch (format) {
    case 'table': {
      const table: TableOptions = { color: opts.color ?? false };
      if (opts.width !== undefined) table.width = opts.width;
      return writeTable(report, table);
    }
    case 'json':
      return writeJson(report);
    case 'sarif':
      return writeSarif(report, opts.informationUri === undefined ? {} : { informationUri: opts.informationUri });
    case 'junit':
      return writeJunit(report);
    case 'vex':
      return writeVex(report);
  }
}

/** The report as a sequence of strings to write in order; large formats come in pieces. */
export function* writeReportChunks(format: ReportFormat, report: ScanReport, opts: WriteOptions = {}): Generator<string> {
  if (format === 'json') yield* jsonChunks(report);
  else yield writeReport(format, report, opts);
}
