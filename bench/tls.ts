/**
 * The `tls` scanner's budgets: a full check of one host on loopback (all protocols, all suites,
 * certificate, HSTS) under 3 s; 50 hosts under 30 s on 2 cores. testssl.sh and sslscan (Debian
 * packages) check the same server in the same run, for the ratios.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { ensureDemoPki } from '../src/demo/shop-https.js';
import { info, installed, notRun, ratio, report, timedProcess } from './lib.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const VIGIL = join(ROOT, 'bin', 'vigil.js');
const HOSTS = 50;

export async function benchTls(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'vigil-bench-tls-'));
  const pki = ensureDemoPki(join(dir, 'pki'));
  const servers = spawn(process.execPath, [join(ROOT, 'dist', 'bench', 'tls-servers-child.js'), pki.certFile, pki.keyFile, String(HOSTS)], { stdio: ['pipe', 'pipe', 'inherit'] });
  try {
    const line = await new Promise<string>((resolve, reject) => {
      createInterface({ input: servers.stdout! }).once('line', resolve);
      servers.once('exit', (c) => reject(new Error(`the benchmark's TLS servers exited (${c})`)));
    });
    const ports = (JSON.parse(line) as { ports: number[] }).ports;
    // the legacy one: TLS 1.0 to 1.3 and a dozen suites, the most a host asks of the prober here
    const one = `localhost:${ports[1]}`;

    const single: number[] = [];
    let findings = 0;
    for (let i = 0; i < 3; i++) {
      const r = await timedProcess(process.execPath, [VIGIL, 'scan', 'tls', one, '--ca', pki.caFile, '--no-ledger', '-f', 'json', '--fail-on', 'none'], dir);
      if (r.status !== 0) throw new Error(`vigil scan tls ${one} failed (${r.status}): ${r.stderr}`);
      findings = (JSON.parse(r.stdout) as { findings: unknown[] }).findings.length;
      single.push(r.ms);
    }
    single.sort((a, b) => a - b);
    const median = single[1]!;
    report('tls: full check of one host (median of 3, whole process)', median, 's', 3000, `${findings} findings; runs ${single.map((x) => (x / 1000).toFixed(2)).join(', ')} s`);

    const cfg = join(dir, 'vigil.yaml');
    writeFileSync(
      cfg,
      `version: 1\nrunner:\n  concurrency: 8\ntargets:\n${ports.map((p, i) => `  - name: host-${i}\n    kind: host\n    host: localhost:${p}\n    scanners:\n      tls: { ca: ${JSON.stringify(pki.caFile)} }\n`).join('')}`,
    );
    const many = await timedProcess(process.execPath, [VIGIL, 'scan', '--config', cfg, '--no-ledger', '-f', 'json', '--fail-on', 'none'], dir);
    const parts = (JSON.parse(many.stdout || '{"run":{"scanners":[]}}') as { run: { scanners: { status: string }[] } }).run.scanners;
    const complete = parts.filter((p) => p.status === 'complete').length;
    report(`tls: ${HOSTS} hosts, 8 at a time, 2 cores`, many.ms, 's', 30_000, `${complete}/${HOSTS} complete`);

    if (installed('testssl')) {
      const t = await timedProcess('testssl', ['--quiet', '--color', '0', '--warnings', 'off', '--add-ca', pki.caFile, one], dir);
      info('tls: testssl.sh on the same host (default full run)', t.ms, 's', `exit ${t.status}`);
      ratio('tls: testssl.sh / vigil, one host', t.ms / median, 1, 'testssl.sh also runs vulnerability checks vigil does not (Heartbleed, ROBOT, …)');
    } else notRun('tls: testssl.sh / vigil, one host', 'testssl.sh is not installed (apt-get install testssl.sh)');
    if (installed('sslscan')) {
      const s = await timedProcess('sslscan', ['--no-colour', one], dir);
      info('tls: sslscan on the same host', s.ms, 's', `exit ${s.status}; no grade, no HSTS, no profile`);
      // no budget: sslscan is the speed to match, and it checks far less
      process.stdout.write(`info  ${'tls: sslscan / vigil, one host'.padEnd(58)} ${`${(s.ms / median).toFixed(2)} ×`.padStart(11)}   below 1 means sslscan was faster\n`);
    } else notRun('tls: sslscan / vigil, one host', 'sslscan is not installed (apt-get install sslscan)');
  } finally {
    servers.stdin!.end();
    servers.kill();
    rmSync(dir, { recursive: true, force: true });
  }
}

if (import.meta.url === `file://${process.argv[1]}`) await benchTls();
