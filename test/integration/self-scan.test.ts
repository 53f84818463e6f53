import { mkdtempSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openLedger, type Ledger } from '../../src/ledger/index.js';
import { buildServer } from '../../src/server/index.js';
import { vigilAsync } from '../helpers/cli.js';
import { makePki, type Pki } from '../helpers/tls-pki.js';

/**
 * vigil's own scanners against vigil's own server (issue 14): the web scanner's passive rules on the
 * HTTP API and the tls scanner on the same server over HTTPS find nothing of medium or higher.
 */
const dir = mkdtempSync(join(tmpdir(), 'vigil-self-scan-'));
let ledger: Ledger;
let pki: Pki;
const servers: FastifyInstance[] = [];

interface Out {
  run: { scanners: { status: string; error: string | null }[] };
  findings: { ruleId: string; title: string; severity: string; location: unknown; evidence: string }[];
}

async function listen(app: FastifyInstance): Promise<number> {
  servers.push(app);
  await app.listen({ port: 0, host: '127.0.0.1' });
  return (app.server.address() as AddressInfo).port;
}

async function scan(args: string[]): Promise<Out> {
  const r = await vigilAsync(['scan', ...args, '--no-ledger', '-f', 'json', '--fail-on', 'none'], { cwd: dir, env: { ZAP_API_URL: undefined } });
  if (!r.stdout) throw new Error(`vigil printed nothing (exit ${r.code}): ${r.stderr}`);
  return JSON.parse(r.stdout) as Out;
}

const atLeastMedium = (o: Out) => o.findings.filter((f) => ['critical', 'high', 'medium'].includes(f.severity)).map((f) => `${f.severity} ${f.ruleId} ${f.title}: ${f.evidence}`);

beforeAll(async () => {
  pki = makePki();
  ledger = await openLedger(join(dir, 'ledger.db'));
});
afterAll(async () => {
  for (const s of servers) await s.close();
  await ledger?.close();
  rmSync(dir, { recursive: true, force: true });
});

const deps = () => ({ ledger, version: 'self-scan', schedules: () => [], ledgerLocation: join(dir, 'ledger.db'), processMetrics: false });

describe('vigil scans itself', () => {
  it('web (passive rules) on the HTTP server: nothing medium or higher', async () => {
    const port = await listen(buildServer(deps()));
    const o = await scan(['web', `http://127.0.0.1:${port}/`]);
    expect(o.run.scanners.map((s) => s.status)).toEqual(['complete']);
    expect(atLeastMedium(o)).toEqual([]);
  }, 120_000);

  it('tls on the HTTPS server: nothing medium or higher', async () => {
    const port = await listen(buildServer({ ...deps(), tls: { cert: pki.good.chainPem, key: pki.good.keyPem } }));
    const o = await scan(['tls', `localhost:${port}`, '--ca', pki.root.cert]);
    expect(o.run.scanners.map((s) => s.status)).toEqual(['complete']);
    expect(atLeastMedium(o)).toEqual([]);
  }, 120_000);
});
