import { resolve } from 'node:path';
import type { Command } from 'commander';
import { VigilError } from '../errors.js';
import { currentActor, emit, ledgerLocation, listOption, maybeConfig, openCommandLedger } from './common.js';

const ROPA_FORMATS = ['csv', 'html', 'pdf'] as const;

/** `vigil report ropa` — the record of processing activities (GDPR Art. 30) from the data map. */
export function registerReport(program: Command): void {
  const report = program.command('report').summary('reports for auditors: the signed audit PDF, its verification, the record of processing activities');
  registerAudit(report);
  registerVerify(report);
  report
    .command('ropa')
    .description(
      'The record of processing activities (GDPR Art. 30(1)): one row per processing activity of the Fides data map, ' +
        'a column for each of Art. 30(1)(a)–(g) plus the lawful basis, the Art. 9 condition and the DPIA.\n' +
        'The data map is --datamap, else the paths of the config\'s targets that run the datamap scanner. ' +
        'The format follows --output\'s extension (.csv, .html, .pdf) unless --format says; PDF needs --output.',
    )
    .option('--datamap <path...>', 'a .fides folder or Fides resource files (default: the config\'s datamap targets)')
    .option('-c, --config <file>', 'config file (default ./vigil.yaml when present)')
    .option('-o, --output <file>', 'write to a file instead of stdout')
    .option('-f, --format <format>', 'csv | html | pdf (default: from --output\'s extension, else csv)')
    .action(async (flags: { datamap?: string[]; config?: string; output?: string; format?: string }) => {
      const format = flags.format ? listOption(flags.format, ROPA_FORMATS, '--format')![0]! : /\.html?$/i.test(flags.output ?? '') ? 'html' : /\.pdf$/i.test(flags.output ?? '') ? 'pdf' : 'csv';
      if (format === 'pdf' && (!flags.output || flags.output === '-')) throw new VigilError('VIGIL_ERR_USAGE', 'report ropa --format pdf needs --output FILE');
      let paths: string[];
      let baseDir = process.cwd();
      if (flags.datamap?.length) paths = flags.datamap.map((p) => resolve(p));
      else {
        const config = await maybeConfig(flags.config);
        const targets = config?.targets.filter((t) => t.kind === 'path' && 'datamap' in t.scanners) ?? [];
        if (!config || targets.length === 0) throw new VigilError('VIGIL_ERR_USAGE', 'report ropa: no data map — give --datamap PATH, or a config with a target that runs the datamap scanner');
        baseDir = config.baseDir;
        paths = targets.map((t) => resolve(config.baseDir, t.location));
      }
      const { loadDataMap } = await import('../../scanners/datamap/fides.js');
      const { buildRopa, ropaCsv, ropaHtml } = await import('../../reports/ropa.js');
      const ropa = buildRopa(await loadDataMap(paths), { baseDir });
      if (format === 'pdf') {
        const { renderRopaPdf } = await import('../../reports/pdf/ropa.js');
        const { writeAtomically } = await import('../audit/make.js');
        const config = await maybeConfig(flags.config);
        await writeAtomically(resolve(flags.output!), await renderRopaPdf(ropa, { organisation: config?.organisation ?? null }));
      } else emit(format === 'html' ? ropaHtml(ropa) : ropaCsv(ropa), flags.output);
      if (flags.output && flags.output !== '-') process.stderr.write(`vigil: record of processing activities: ${ropa.rows.length} activities → ${flags.output}\n`);
    });
}

/** `vigil report audit` — the audit report for a period: a signed PDF/A, or HTML. */
function registerAudit(report: Command): void {
  report
    .command('audit')
    .description(
      'The audit report of a period (default: the last 90 days): scope, executive summary, scan coverage against the\n' +
        'schedule (missed runs called out), findings by severity and status with their trend, SLA performance, exceptions,\n' +
        'incidents with timelines and clock outcomes, control mapping (SOC 2, ISO 27001, GDPR, CCPA: statuses computed from\n' +
        'the ledger\'s figures), data-map status and the open findings. It ends with the ledger\'s head hash; the PDF is\n' +
        'PDF/A-2b, tagged, and signed with Ed25519 over every byte but the signature (`vigil report verify`). The key is made\n' +
        'once, kept beside an SQLite ledger (or at reports.signingKey), and its public half recorded in the ledger.\n' +
        'Making the report is recorded as a later event. The format follows --output\'s extension unless --format says.',
    )
    .option('--from <date>', 'start of the period (ISO date or time; default 90 days before --to)')
    .option('--to <date>', 'end of the period, exclusive; a date means the end of that day (default now)')
    .option('--ledger <path|url>', 'SQLite file or postgres:// URL (default: $VIGIL_LEDGER, the config, .vigil/ledger.db)')
    .option('-c, --config <file>', 'config file (default ./vigil.yaml when present)')
    .requiredOption('-o, --output <file>', 'where to write the report')
    .option('-f, --format <format>', 'pdf | html (default: from --output\'s extension, else pdf)')
    .action(async (flags: { from?: string; to?: string; ledger?: string; config?: string; output: string; format?: string }) => {
      const format = flags.format ? listOption(flags.format, ['pdf', 'html'] as const, '--format')![0]! : /\.html?$/i.test(flags.output) ? 'html' : 'pdf';
      const { reportPeriod } = await import('../audit/gather.js');
      const { makeAuditReport } = await import('../audit/make.js');
      const now = new Date();
      const period = reportPeriod(flags.from, flags.to, now);
      const config = (await maybeConfig(flags.config)) ?? (await import('../config/index.js')).defaultConfig(process.cwd());
      const location = ledgerLocation(flags.ledger, config);
      const ledger = await openCommandLedger(flags.ledger, config);
      try {
        const made = await makeAuditReport(ledger, config, { period, format, ledgerLocation: location, actor: currentActor(), now, output: resolve(flags.output) });
        const r = made.report;
        process.stderr.write(
          `vigil: audit report ${r.period.from.slice(0, 10)} – ${r.period.to.slice(0, 10)} → ${flags.output} (${format}, ${made.bytes.length} bytes, sha256 ${made.sha256.slice(0, 16)}…)\n` +
            `vigil: ledger head #${r.ledger.headSeq} ${r.ledger.headHash}${r.ledger.verified ? '' : ' — ledger verify FAILED, see the report'}\n` +
            (format === 'pdf' ? `vigil: signed with ${r.signingKey.fingerprint}; check with: vigil report verify ${flags.output}\n` : ''),
        );
      } finally {
        await ledger.close();
      }
    });
}

/** `vigil report verify` — check an audit PDF's signature, and with --ledger its key and head against the ledger. */
function registerVerify(report: Command): void {
  report
    .command('verify')
    .description(
      'Check an audit PDF: the Ed25519 signature over every byte but the signature, with the public key embedded in the\n' +
        'PDF. With --ledger (or a config), also that the key is one the ledger recorded and that the head hash the report\n' +
        'printed is an event of the ledger\'s chain. Exit 0 when all holds, 1 when anything fails.',
    )
    .argument('<file>', 'the audit PDF')
    .option('--ledger <path|url>', 'also check against this ledger')
    .option('-c, --config <file>', 'config file (for its ledger)')
    .option('-f, --format <format>', 'table | json', 'table')
    .action(async (file: string, flags: { ledger?: string; config?: string; format: string }) => {
      const format = listOption(flags.format, ['table', 'json'] as const, '--format')![0]!;
      const { readFile } = await import('node:fs/promises');
      const { verifyPdfSignature } = await import('../../reports/pdf/sign.js');
      let bytes: Buffer;
      try {
        bytes = await readFile(resolve(file));
      } catch (e) {
        throw new VigilError('VIGIL_ERR_INPUT_NOT_FOUND', `cannot read the report: ${(e as Error).message}`, { file });
      }
      const sig = verifyPdfSignature(bytes);
      const checks: { check: string; ok: boolean; detail: string }[] = [{ check: 'signature', ok: sig.ok, detail: sig.reason }];
      const config = await maybeConfig(flags.config);
      if (flags.ledger || config || process.env.VIGIL_LEDGER) {
        const ledger = await openCommandLedger(flags.ledger, config);
        try {
          const { recordedKeys } = await import('../audit/signing-key.js');
          const keys = await recordedKeys(ledger);
          const match = keys.find((k) => k.fingerprint === sig.keyFingerprint);
          checks.push({
            check: 'key recorded in the ledger',
            ok: Boolean(match),
            detail: match
              ? `${match.fingerprint} recorded at event ${match.seq} (${match.at})`
              : keys.length
                ? `the PDF's key ${sig.keyFingerprint ?? '(none)'} is not among the ledger's recorded keys (${keys.map((k) => k.fingerprint).join(', ')})`
                : 'the ledger has recorded no report signing key',
          });
          if (sig.headHash !== undefined && sig.headSeq !== undefined) {
            const ev = await ledger.eventAt(sig.headSeq);
            const genesis = sig.headSeq === 0 && /^0{64}$/.test(sig.headHash);
            const ok = genesis || ev?.hash === sig.headHash;
            checks.push({
              check: 'head hash in the ledger',
              ok,
              detail: ok ? `event ${sig.headSeq} of the chain has hash ${sig.headHash}` : ev ? `event ${sig.headSeq} has hash ${ev.hash}, not ${sig.headHash}: the report is not of this ledger, or the chain was rewritten` : `the ledger has no event ${sig.headSeq}`,
            });
          }
        } finally {
          await ledger.close();
        }
      }
      const ok = checks.every((c) => c.ok);
      if (format === 'json') {
        emit(`${JSON.stringify({ ok, file, keyFingerprint: sig.keyFingerprint ?? null, contentDigest: sig.contentDigest ?? null, headSeq: sig.headSeq ?? null, headHash: sig.headHash ?? null, checks }, null, 2)}\n`);
      } else {
        const lines = [`${ok ? 'VERIFIED' : 'NOT VERIFIED'}: ${file}`];
        if (sig.keyFingerprint) lines.push(`  key ${sig.keyFingerprint}`);
        if (sig.contentDigest) lines.push(`  content sha256 ${sig.contentDigest}`);
        if (sig.headHash) lines.push(`  ledger head #${sig.headSeq ?? '?'} ${sig.headHash}`);
        for (const c of checks) lines.push(`  [${c.ok ? 'ok' : 'FAIL'}] ${c.check}: ${c.detail}`);
        emit(`${lines.join('\n')}\n`);
      }
      if (!ok) process.exitCode = 1;
    });
}
