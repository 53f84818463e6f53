/**
 * What a run keeps (src/ledger/run-artifacts.ts) and serves (GET /api/runs/:id/report and /sbom), on a
 * real SQLite file and a real PostgreSQL: a deps scan through the runner and ingest keeps the
 * CycloneDX SBOM byte for byte as `--sbom-out` writes it; the run's report is what `vigil scan`
 * printed for it, SARIF valid against the official schema, and stays that run's after later runs
 * and triage; files edited outside vigil are refused; bad requests are 4xx with their codes.
 */
import { copyFileSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import AjvDraft04 from 'ajv-draft-04';
import ajvFormats from 'ajv-formats';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { importAdvisories } from '../../src/advisories/import.js';
import { VERSION } from '../../src/cli/common.js';
import { buildReport } from '../../src/gate/gate.js';
import { recordKey } from '../../src/ledger/ledger.js';
import type { ReportedFinding } from '../../src/model/report.js';
import type { RunResult } from '../../src/model/run.js';
import { runScan } from '../../src/runner/index.js';
import { writeJson } from '../../reports/index.js';
import { createScanner } from '../../scanners/index.js';
import { apiFixture, type ApiFixture } from '../helpers/api.js';
import { vigil } from '../helpers/cli.js';
import { fileFinding, runOf } from '../helpers/findings.js';
import { stores } from '../helpers/ledger-stores.js';

const SHOP = fileURLToPath(new URL('../../examples/shop', import.meta.url));
const NPM_V3 = fileURLToPath(new URL('../fixtures/deps/npm-lock-v3', import.meta.url));
const OLD_LEDGER = fileURLToPath(new URL('../fixtures/ledger/v0.2-e3d2c2f/ledger.db', import.meta.url));

// both are CommonJS: under NodeNext the default import is module.exports, which carries `default`
const Ajv = AjvDraft04.default;
const addFormats = ajvFormats.default;
const require = createRequire(import.meta.url);
const SARIF_SCHEMA = require.resolve('@microsoft/jest-sarif/lib/schemas/sarif-2.1.0-rtm.5.json');

function sarifValidator() {
  // the official schema's `language` pattern is not valid with the `u` flag ajv uses by default
  const ajv = new Ajv({ allErrors: true, strict: false, unicodeRegExp: false });
  addFormats(ajv);
  return ajv.compile(JSON.parse(readFileSync(SARIF_SCHEMA, 'utf8')) as object);
}

interface SarifLog {
  runs: { results: { ruleId: string; partialFingerprints: Record<string, string>; suppressions?: unknown[] }[]; invocations: { executionSuccessful: boolean }[] }[];
}

/** The report `vigil scan` writes for a run it just ingested: findings annotated from the ingest, gated, as JSON. */
function cliJson(result: RunResult, records: Map<string, { id: number; status: string; firstSeen: string; slaDue: string | null }>): string {
  const annotated: ReportedFinding[] = result.findings.map((f) => {
    const rec = records.get(recordKey(f.target, f.fingerprint))!;
    return { ...f, id: rec.id, status: rec.status as ReportedFinding['status'], firstSeen: rec.firstSeen, slaDue: rec.slaDue };
  });
  return writeJson(buildReport(result.run, annotated, 'high', VERSION));
}

describe.each(stores)('what a run keeps, $name', (store) => {
  let f: ApiFixture;
  let teardown: () => Promise<void>;
  let exec: (sql: string) => Promise<void>;
  let dir: string;
  let deps: RunResult;
  let depsRecords: Map<string, { id: number; status: string; firstSeen: string; slaDue: string | null }>;

  beforeAll(async () => {
    const s = await store.setup();
    teardown = s.teardown;
    exec = s.exec;
    dir = mkdtempSync(join(tmpdir(), 'vigil-run-artifacts-'));
    f = await apiFixture(s.location, { dir, deps: { version: VERSION } });
    await importAdvisories(f.ledger.advisories, [join(SHOP, 'advisories')]);
    deps = await runScan([{ target: { name: 'shop', kind: 'path', location: SHOP }, scanner: 'deps', options: { sbomOut: join(dir, 'shop.cdx.json') } }], {
      createScanner,
      trigger: 'cli',
      baseDir: dir,
      advisories: f.ledger.advisories,
    });
    expect(deps.run.status).toBe('complete');
    const summary = await f.ledger.ingest(deps);
    depsRecords = summary.records;
  }, 120_000);

  afterAll(async () => {
    await f?.close();
    rmSync(dir, { recursive: true, force: true });
    await teardown?.();
  });

  it('keeps the SBOM the deps part matched: the download is byte for byte what --sbom-out wrote', async () => {
    const written = readFileSync(join(dir, 'shop.cdx.json'));
    expect(JSON.parse(written.toString('utf8'))).toMatchObject({ bomFormat: 'CycloneDX' });
    const r = await f.app.inject({ url: `/api/runs/${deps.run.id}/sbom`, headers: f.auth('ci') });
    expect(r.statusCode, r.body).toBe(200);
    expect(r.rawPayload.equals(written)).toBe(true);
    expect(r.headers['content-type']).toBe('application/vnd.cyclonedx+json');
    expect(r.headers['content-disposition']).toBe(`attachment; filename="run-${deps.run.id}-shop.cdx.json"`);
    expect(r.headers['cache-control']).toBe('no-store');
    expect(r.headers['content-length']).toBe(String(written.length));
    // named, the same file
    const named = await f.app.inject({ url: `/api/runs/${deps.run.id}/sbom?target=shop`, headers: f.auth('auditor') });
    expect(named.rawPayload.equals(written)).toBe(true);
    expect(await f.ledger.artifacts.list(deps.run.id)).toEqual([
      expect.objectContaining({ kind: 'results', target: '', mediaType: 'application/x-ndjson' }),
      expect.objectContaining({ kind: 'sbom', target: 'shop', mediaType: 'application/vnd.cyclonedx+json', size: written.length, sha256: expect.stringMatching(/^[0-9a-f]{64}$/) }),
    ]);
  });

  it('makes the run\'s report from the findings it reported: the JSON `vigil scan` printed, and valid SARIF', async () => {
    const json = await f.app.inject({ url: `/api/runs/${deps.run.id}/report`, headers: f.auth('analyst') });
    expect(json.statusCode, json.body).toBe(200);
    expect(json.headers['content-type']).toBe('application/json; charset=utf-8');
    expect(json.headers['content-disposition']).toBe(`attachment; filename="run-${deps.run.id}.json"`);
    expect(json.body).toBe(cliJson(deps, depsRecords));
    const body = JSON.parse(json.body) as { findings: { ruleId: string; id: number; status: string }[]; gate: { failed: boolean } };
    expect(body.findings).toHaveLength(7);
    expect(body.gate.failed).toBe(true);

    const sarif = await f.app.inject({ url: `/api/runs/${deps.run.id}/report?format=sarif`, headers: f.auth('ci') });
    expect(sarif.statusCode).toBe(200);
    expect(sarif.headers['content-type']).toBe('application/sarif+json; charset=utf-8');
    expect(sarif.headers['content-disposition']).toBe(`attachment; filename="run-${deps.run.id}.sarif"`);
    expect(sarif.headers['cache-control']).toBe('no-store');
    const log = JSON.parse(sarif.body) as SarifLog;
    const validate = sarifValidator();
    expect(validate(log), JSON.stringify(validate.errors)).toBe(true);
    expect(log.runs[0]!.results.map((x) => x.ruleId).sort()).toEqual(body.findings.map((x) => x.ruleId).sort());

    const junit = await f.app.inject({ url: `/api/runs/${deps.run.id}/report?format=junit&failOn=critical`, headers: f.auth('ci') });
    expect(junit.statusCode).toBe(200);
    expect(junit.headers['content-type']).toBe('application/xml; charset=utf-8');
    expect(junit.headers['content-disposition']).toBe(`attachment; filename="run-${deps.run.id}.xml"`);
    expect(junit.body).toMatch(/^<\?xml/);
    expect(junit.body).toContain('GHSA-xvch-5gv4-984h');
  });

  it('stores each finding as the findings table holds it (the same redacted form), with its ledger record as of the run', async () => {
    const kept = (await f.ledger.artifacts.results(deps.run.id))!;
    expect(kept).toHaveLength(7);
    const LEDGER_FIELDS = ['id', 'status', 'firstSeen', 'lastSeen', 'slaDue', 'acceptance', 'lastRunId', 'target'];
    const strip = (o: object) => Object.fromEntries(Object.entries(o).filter(([k]) => !LEDGER_FIELDS.includes(k)));
    for (const k of kept) {
      const row = (await f.ledger.getFinding(k.id!))!;
      expect(strip(k)).toEqual(strip(row));
      expect(k).toMatchObject({ target: row.target, status: 'open', firstSeen: row.firstSeen, slaDue: row.slaDue });
    }
  });

  it('keeps a report to its run: a later run that sees more, and triage after it, do not change it', async () => {
    const first = runOf([fileFinding(1), fileFinding(2)]);
    await f.ledger.ingest(first);
    const sarifOf = async (id: string) => {
      const r = await f.app.inject({ url: `/api/runs/${id}/report?format=sarif`, headers: f.auth('ci') });
      expect(r.statusCode, r.body).toBe(200);
      return JSON.parse(r.body) as SarifLog;
    };
    const before = await sarifOf(first.run.id);
    expect(before.runs[0]!.results.map((x) => x.partialFingerprints['vigil/v1'])).toEqual(expect.arrayContaining([fileFinding(1).fingerprint, fileFinding(2).fingerprint]));
    expect(before.runs[0]!.results).toHaveLength(2);

    const later = runOf([fileFinding(1), fileFinding(2), fileFinding(3), fileFinding(4)]);
    await f.ledger.ingest(later);
    const [one] = (await f.ledger.listFindings({ text: 'Problem 1', limit: 10 })).findings.filter((x) => x.title === 'Problem 1');
    await f.ledger.triage(one!.id, { status: 'accepted', actor: 'test', justification: 'behind a flag', approver: 'bob' });

    const after = await sarifOf(first.run.id);
    expect(after).toEqual(before);
    expect(after.runs[0]!.results.every((x) => !x.suppressions)).toBe(true);
    expect((await sarifOf(later.run.id)).runs[0]!.results).toHaveLength(4);
    // a run recorded after the triage reports the acceptance, as `vigil scan` would
    const third = runOf([fileFinding(1)]);
    await f.ledger.ingest(third);
    const report = JSON.parse((await f.app.inject({ url: `/api/runs/${third.run.id}/report`, headers: f.auth('ci') })).body) as {
      findings: { status: string; suppression?: unknown }[];
      gate: { suppressed: number };
    };
    expect(report.findings).toMatchObject([{ status: 'accepted' }]);
    expect(report.gate.suppressed).toBe(1);
    // the deps run's report is still its own
    expect(JSON.parse((await f.app.inject({ url: `/api/runs/${deps.run.id}/report`, headers: f.auth('ci') })).body).findings).toHaveLength(7);
  });

  it('a run with no deps part kept no SBOM: 404 VIGIL_ERR_SBOM_NOT_FOUND', async () => {
    const run = runOf([fileFinding(9)]);
    await f.ledger.ingest(run);
    const r = await f.app.inject({ url: `/api/runs/${run.run.id}/sbom`, headers: f.auth('ci') });
    expect(r.statusCode).toBe(404);
    expect(r.json()).toMatchObject({ code: 'VIGIL_ERR_SBOM_NOT_FOUND', message: expect.stringContaining('kept no SBOM') });
  });

  it('refuses a kept file edited outside vigil', async () => {
    const run = runOf([fileFinding(11), fileFinding(12)]);
    await f.ledger.ingest(run);
    const intact = await f.ledger.verify();
    expect(intact.ok).toBe(true);
    expect(intact.artifacts!.checked).toBeGreaterThanOrEqual(1);
    const table = 'run_artifacts';
    // the content swapped, its digest left: the read fails at its end
    const other = gzipSync(Buffer.from(`${JSON.stringify({ ...fileFinding(13), id: 1, status: 'open', firstSeen: 'x', slaDue: null })}\n`));
    const literal = store.name === 'postgres' ? `'\\x${other.toString('hex')}'::bytea` : `x'${other.toString('hex')}'`;
    await exec(`update ${table} set content = ${literal} where run_id = '${run.run.id}'`);
    await expect(f.ledger.artifacts.results(run.run.id)).rejects.toMatchObject({ code: 'VIGIL_ERR_LEDGER_TAMPERED' });
    // the digest edited to match: the run's event still says otherwise
    await exec(`update ${table} set sha256 = 'ab${'0'.repeat(62)}' where run_id = '${run.run.id}'`);
    const r = await f.app.inject({ url: `/api/runs/${run.run.id}/report`, headers: f.auth('ci') });
    expect(r.statusCode).toBe(409);
    expect(r.json()).toMatchObject({ code: 'VIGIL_ERR_LEDGER_TAMPERED', message: expect.stringContaining('edited outside vigil') });
    // `ledger verify` names it too, and a kept file deleted outside vigil
    let v = await f.ledger.verify();
    expect(v.ok).toBe(false);
    expect(v.artifacts!.problems).toContain(`run ${run.run.id}: its results differs from the digest its run.finished event chained: it was edited outside vigil`);
    await exec(`delete from ${table} where run_id = '${run.run.id}'`);
    v = await f.ledger.verify();
    expect(v.ok).toBe(false);
    expect(v.broken!.reason).toBe(`run ${run.run.id}: its results is missing: its run.finished event chained it, so it was deleted outside vigil`);
  });
});

describe('several deps targets in one run, and bad requests (SQLite)', () => {
  let f: ApiFixture;
  let dir: string;
  let runId: string;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'vigil-run-artifacts-two-'));
    f = await apiFixture(join(dir, 'ledger.db'), { dir });
    await importAdvisories(f.ledger.advisories, [join(SHOP, 'advisories')]);
    const result = await runScan(
      [
        { target: { name: 'shop', kind: 'path', location: SHOP }, scanner: 'deps', options: {} },
        { target: { name: 'fixture', kind: 'path', location: NPM_V3 }, scanner: 'deps', options: { sbomOut: join(dir, 'fixture.cdx.json') } },
      ],
      { createScanner, trigger: 'cli', baseDir: dir, advisories: f.ledger.advisories },
    );
    runId = result.run.id;
    await f.ledger.ingest(result);
  }, 120_000);

  afterAll(async () => {
    await f?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('asks which target when the run kept several SBOMs, and serves each by name', async () => {
    const r = await f.app.inject({ url: `/api/runs/${runId}/sbom`, headers: f.auth('ci') });
    expect(r.statusCode).toBe(400);
    expect(r.json()).toEqual({ statusCode: 400, code: 'VIGIL_ERR_SBOM_TARGET_REQUIRED', message: `run ${runId} kept 2 SBOMs: name one with ?target= ("fixture", "shop")` });
    const fixture = await f.app.inject({ url: `/api/runs/${runId}/sbom?target=fixture`, headers: f.auth('ci') });
    expect(fixture.statusCode).toBe(200);
    expect(fixture.body).toBe(readFileSync(join(dir, 'fixture.cdx.json'), 'utf8'));
    expect(fixture.headers['content-disposition']).toBe(`attachment; filename="run-${runId}-fixture.cdx.json"`);
    const shop = JSON.parse((await f.app.inject({ url: `/api/runs/${runId}/sbom?target=shop`, headers: f.auth('ci') })).body) as { components: { name: string }[] };
    expect(shop.components.some((c) => c.name === 'qs')).toBe(true);
  });

  it.each([
    ['an unknown run (report)', '/api/runs/no-such-run/report', 404, 'VIGIL_ERR_RUN_NOT_FOUND', 'no run with id no-such-run'],
    ['an unknown run (sbom)', '/api/runs/no-such-run/sbom', 404, 'VIGIL_ERR_RUN_NOT_FOUND', 'no run with id no-such-run'],
    ['a format that is not a report format', '/api/runs/RUN/report?format=pdf', 400, 'VIGIL_ERR_API_INVALID', 'querystring.format: must be one of json, sarif, junit'],
    ['the table format', '/api/runs/RUN/report?format=table', 400, 'VIGIL_ERR_API_INVALID', 'querystring.format: must be one of json, sarif, junit'],
    ['a bad failOn', '/api/runs/RUN/report?failOn=severe', 400, 'VIGIL_ERR_API_INVALID', 'querystring.failOn: must be one of critical, high, medium, low, none'],
    ['an unknown query parameter (report)', '/api/runs/RUN/report?format=json&path=/etc/passwd', 400, 'VIGIL_ERR_API_INVALID', 'querystring: unknown parameter "path"'],
    ['an unknown query parameter (sbom)', '/api/runs/RUN/sbom?file=x', 400, 'VIGIL_ERR_API_INVALID', 'querystring: unknown parameter "file"'],
    ['a run id that is not one', '/api/runs/..%2F..%2Fetc/sbom', 400, 'VIGIL_ERR_API_INVALID', undefined],
    ['a target not in the run', '/api/runs/RUN/sbom?target=elsewhere', 404, 'VIGIL_ERR_SBOM_NOT_FOUND', 'run RUN kept no SBOM of target "elsewhere"; it kept: "fixture", "shop"'],
  ])('%s (%s): %i %s', async (_what, url, status, code, message) => {
    const r = await f.app.inject({ url: url.replace('RUN', runId), headers: f.auth('admin') });
    expect(r.statusCode, r.body).toBe(status);
    expect(r.json()).toMatchObject({ statusCode: status, code, ...(message ? { message: message.replace('RUN', runId) } : {}) });
  });
});

describe('a ledger from before runs kept their results', () => {
  let f: ApiFixture;
  let dir: string;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'vigil-run-artifacts-old-'));
    copyFileSync(OLD_LEDGER, join(dir, 'ledger.db'));
    f = await apiFixture(join(dir, 'ledger.db'), { dir });
  });

  afterAll(async () => {
    await f?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('answers 404 for an old run\'s report and SBOM, saying why', async () => {
    const runs = await f.ledger.listRuns({ limit: 10 });
    expect(runs.length).toBeGreaterThan(0);
    for (const run of runs) {
      expect(await f.ledger.artifacts.list(run.id)).toEqual([]);
      const r = await f.app.inject({ url: `/api/runs/${run.id}/report?format=sarif`, headers: f.auth('ci') });
      expect(r.statusCode).toBe(404);
      expect(r.json()).toEqual({
        statusCode: 404,
        code: 'VIGIL_ERR_RUN_RESULTS_UNAVAILABLE',
        message: `run ${run.id} was recorded before vigil kept each run's results, so its report cannot be made; GET /api/findings lists the ledger's findings as they are now`,
      });
      const s = await f.app.inject({ url: `/api/runs/${run.id}/sbom`, headers: f.auth('ci') });
      expect(s.statusCode).toBe(404);
      expect(s.json().code).toBe('VIGIL_ERR_SBOM_NOT_FOUND');
    }
  });
});

describe('vigil scan deps through the CLI (parts on worker threads), then the API', () => {
  let dir: string;
  let f: ApiFixture | undefined;

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'vigil-run-artifacts-cli-'));
  });
  afterAll(async () => {
    await f?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('serves the SBOM --sbom-out wrote and the SARIF the scan printed, byte for byte', async () => {
    const ledger = join(dir, 'ledger.db');
    expect(vigil(['advisories', 'import', join(SHOP, 'advisories'), '--ledger', ledger], { cwd: dir }).code).toBe(0);
    const scan = vigil(['scan', 'deps', SHOP, '--ledger', ledger, '--sbom-out', 'out.cdx.json', '-f', 'sarif', '-o', 'scan.sarif'], { cwd: dir });
    expect(scan.code, scan.stderr).toBe(1);
    f = await apiFixture(ledger, { dir, deps: { version: VERSION } });
    const [run] = await f.ledger.listRuns({ limit: 1 });
    const sbom = await f.app.inject({ url: `/api/runs/${run!.id}/sbom`, headers: f.auth('ci') });
    expect(sbom.statusCode).toBe(200);
    expect(sbom.rawPayload.equals(readFileSync(join(dir, 'out.cdx.json')))).toBe(true);
    const sarif = await f.app.inject({ url: `/api/runs/${run!.id}/report?format=sarif`, headers: f.auth('ci') });
    expect(sarif.statusCode).toBe(200);
    expect(sarif.body).toBe(readFileSync(join(dir, 'scan.sarif'), 'utf8'));
    expect(vigil(['ledger', 'verify', '--ledger', ledger], { cwd: dir }).code).toBe(0);
  });
});
