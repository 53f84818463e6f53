/**
 * The `tls` scanner's budgets: a full check of one host on loopback (all protocols, all suites,
 * certificate, HSTS) under 3 s; 50 hosts under 30 s on 2 cores. testssl.sh and sslscan (Debian
 * packages) check the same server in the same run, for the ratios: every tool gets the same
 * number of runs, taken in turns (vigil, testssl.sh, sslscan, then again) so that load on the
 * machine falls on all of them alike, and each line says what the tool found on the host.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { ensureDemoPki } from '../src/demo/shop-https.js';
import { info, installed, notRun, ratio, report, timedProcess } from './lib.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const VIGIL = join(ROOT, 'bin', 'vigil.js');
const HOSTS = 50;
/** Runs of each tool on the one host; the figure is their median. */
const RUNS = 3;

/** One run of one tool: its wall time, exit status and what it reported about the host. */
interface ToolRun {
  ms: number;
  status: number | null;
  /** What the tool found, in the same words for every tool: protocols, suites, its own output. */
  processed: string;
}

interface Tool {
  name: string;
  run(i: number): Promise<ToolRun>;
}

/** `TLS 1.0, TLS 1.2` from the versions a tool found accepted. */
const versions = (vs: string[]) => (vs.length ? vs.join(', ') : 'no protocol');

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

    const vigil: Tool = {
      name: 'vigil',
      async run() {
        const r = await timedProcess(process.execPath, [VIGIL, 'scan', 'tls', one, '--ca', pki.caFile, '--no-ledger', '-f', 'json', '--fail-on', 'none'], dir);
        if (r.status !== 0) throw new Error(`vigil scan tls ${one} failed (${r.status}): ${r.stderr}`);
        const out = JSON.parse(r.stdout) as { findings: unknown[]; run: { scanners: { report?: { grade: string; protocols: Record<string, boolean>; suites: { protocol: string; name: string }[] } }[] } };
        const rep = out.run.scanners[0]!.report!;
        const label: Record<string, string> = { TLSv1: 'TLS 1.0', 'TLSv1.1': 'TLS 1.1', 'TLSv1.2': 'TLS 1.2', 'TLSv1.3': 'TLS 1.3' };
        const protocols = Object.keys(rep.protocols).filter((v) => rep.protocols[v]).map((v) => label[v] ?? v);
        const distinct = new Set(rep.suites.map((s) => s.name)).size;
        return { ms: r.ms, status: r.status, processed: `${versions(protocols)}; ${rep.suites.length} suite/protocol pairs (${distinct} suites); grade ${rep.grade}, ${out.findings.length} findings` };
      },
    };

    const tools: Tool[] = [vigil];
    const missing: [string, string][] = [];
    if (installed('testssl')) {
      tools.push({
        name: 'testssl.sh',
        async run(i) {
          const json = join(dir, `testssl-${i}.json`);
          const r = await timedProcess('testssl', ['--quiet', '--color', '0', '--warnings', 'off', '--add-ca', pki.caFile, '--jsonfile', json, one], dir);
          let entries: { id: string; finding: string }[] = [];
          try {
            entries = JSON.parse(readFileSync(json, 'utf8')) as typeof entries;
          } catch {
            // no JSON file: the run failed, which its exit status says
          }
          const label: Record<string, string> = { TLS1: 'TLS 1.0', TLS1_1: 'TLS 1.1', TLS1_2: 'TLS 1.2', TLS1_3: 'TLS 1.3' };
          const protocols = entries.filter((e) => e.id in label && /^offered/.test(e.finding)).map((e) => label[e.id]!);
          // testssl.sh lists each suite once (`cipher_x…`), not once per protocol
          const suites = entries.filter((e) => e.id.startsWith('cipher_x')).length;
          return { ms: r.ms, status: r.status, processed: `${versions(protocols)}; ${suites} suites; ${entries.length} JSON entries (vulnerability checks and client simulations included)` };
        },
      });
    } else missing.push(['tls: testssl.sh / vigil, one host', 'testssl.sh is not installed (apt-get install testssl.sh)']);
    if (installed('sslscan')) {
      tools.push({
        name: 'sslscan',
        async run(i) {
          const xml = join(dir, `sslscan-${i}.xml`);
          const r = await timedProcess('sslscan', ['--no-colour', `--xml=${xml}`, one], dir);
          let text = '';
          try {
            text = readFileSync(xml, 'utf8');
          } catch {
            // no XML file: the run failed, which its exit status says
          }
          const protocols = [...text.matchAll(/<protocol type="tls" version="(\d\.\d)" enabled="1"/g)].map((m) => `TLS ${m[1]}`);
          const pairs = [...text.matchAll(/<cipher status="(?:accepted|preferred)"[^>]*\bcipher="([^"]+)"/g)].map((m) => m[1]);
          return { ms: r.ms, status: r.status, processed: `${versions(protocols)}; ${pairs.length} suite/protocol pairs (${new Set(pairs).size} suites); no grade, no HSTS, no profile` };
        },
      });
    } else missing.push(['tls: sslscan / vigil, one host', 'sslscan is not installed (apt-get install sslscan)']);

    // in turns, so a busy moment on the machine is shared rather than landing on one tool's runs
    const runs = new Map<string, ToolRun[]>(tools.map((t) => [t.name, []]));
    for (let i = 0; i < RUNS; i++) for (const t of tools) runs.get(t.name)!.push(await t.run(i));
    const median = (name: string) => {
      const ms = runs.get(name)!.map((r) => r.ms).sort((a, b) => a - b);
      return ms[Math.floor(ms.length / 2)]!;
    };
    /** `3 runs (0.71, 0.72, 0.80 s), exit 0; processed localhost:…: …`; runs that found different things are all listed. */
    const detail = (name: string) => {
      const rs = runs.get(name)!;
      const times = rs.map((r) => (r.ms / 1000).toFixed(2)).join(', ');
      const exits = [...new Set(rs.map((r) => r.status))].join('/');
      const seen = [...new Set(rs.map((r) => r.processed))];
      return `${rs.length} runs (${times} s), exit ${exits}; processed ${one}: ${seen.join(' | ')}`;
    };

    const cfg = join(dir, 'vigil.yaml');
    writeFileSync(
      cfg,
      `version: 1\nrunner:\n  concurrency: 8\ntargets:\n${ports.map((p, i) => `  - name: host-${i}\n    kind: host\n    host: localhost:${p}\n    scanners:\n      tls: { ca: ${JSON.stringify(pki.caFile)} }\n`).join('')}`,
    );
    const many = await timedProcess(process.execPath, [VIGIL, 'scan', '--config', cfg, '--no-ledger', '-f', 'json', '--fail-on', 'none'], dir);
    const out = JSON.parse(many.stdout || '{"run":{"scanners":[]},"findings":[]}') as { run: { scanners: { status: string }[] }; findings: unknown[] };
    const complete = out.run.scanners.filter((p) => p.status === 'complete').length;

    const vigilMs = median('vigil');
    report(`tls: full check of one host (median of ${RUNS}, whole process)`, vigilMs, 's', 3000, detail('vigil'));
    report(`tls: ${HOSTS} hosts, 8 at a time, 2 cores`, many.ms, 's', 30_000, `1 run (vigil only); processed ${complete}/${HOSTS} hosts complete, ${out.findings.length} findings`);
    if (runs.has('testssl.sh')) {
      const t = median('testssl.sh');
      info(`tls: testssl.sh on the same host (median of ${RUNS}, full run)`, t, 's', detail('testssl.sh'));
      ratio('tls: testssl.sh / vigil, one host (medians)', t / vigilMs, 1, 'testssl.sh also runs vulnerability checks vigil does not (Heartbleed, ROBOT, …)');
    }
    if (runs.has('sslscan')) {
      const s = median('sslscan');
      info(`tls: sslscan on the same host (median of ${RUNS})`, s, 's', detail('sslscan'));
      // no budget: sslscan is the speed to match, and it checks far less
      process.stdout.write(`info  ${'tls: sslscan / vigil, one host (medians)'.padEnd(58)} ${`${(s / vigilMs).toFixed(2)} ×`.padStart(11)}   below 1 means sslscan was faster\n`);
    }
    for (const [name, why] of missing) notRun(name, why);
  } finally {
    servers.stdin!.end();
    servers.kill();
    rmSync(dir, { recursive: true, force: true });
  }
}

if (import.meta.url === `file://${process.argv[1]}`) await benchTls();
