/**
 * Regular expressions on target-controlled text (issue 10 part 3): for every passive web rule and
 * every other parser of target or input text that the audit touched, the worst time over the
 * pathological bodies of ./pathological.ts at the web client's body cap (2 MiB), and which body.
 *
 * Budget: 2 s per rule (or parser) per 2 MiB page. A linear rule reads such a page in well under
 * a second here — the densest markup costs most, 200,000 tags in 2 MiB, since the tokenizer builds
 * an object per tag — and 2 s leaves room for a slower machine or a garbage collection. The
 * patterns this replaced were quadratic or worse on the same pages: 90022 took 6 s on 80,000
 * newlines (about an hour at 2 MiB), a sitemap `<loc>` of spaces never finished. A regression
 * to any of those is minutes to hours here, far over the budget, never a near miss.
 */
import { MAX_BODY_BYTES } from '../scanners/web/http-client.js';
import { PASSIVE_RULES } from '../scanners/web/passive/index.js';
import { CONTENT_TYPES, HEADER_CAP, TEXT_PARSERS, exchangeOf, pathologicalBodies, pathologicalHeaders } from './pathological.js';
import { info, report } from './lib.js';

const BUDGET_MS = 2_000;

interface Worst {
  ms: number;
  body: string;
}

function keepWorst(worst: Map<string, Worst>, name: string, ms: number, body: string): void {
  const w = worst.get(name);
  if (!w || ms > w.ms) worst.set(name, { ms, body });
}

export async function benchRegex(): Promise<void> {
  const bodies = pathologicalBodies(MAX_BODY_BYTES);
  const rules = new Map<string, Worst>();
  const parsers = new Map<string, Worst>();
  const started = performance.now();
  for (const { name, body } of bodies) {
    for (const contentType of CONTENT_TYPES) {
      const ex = exchangeOf(body, { contentType });
      for (const rule of PASSIVE_RULES) {
        // a fresh context: a rule that reports once per site would otherwise skip its work
        const t = performance.now();
        rule.check(ex, { origin: 'https://target.test', seen: new Set() });
        keepWorst(rules, rule.id, performance.now() - t, `${name}, ${contentType ?? 'no content type'}`);
      }
    }
    for (const p of TEXT_PARSERS) {
      const t = performance.now();
      p.run(body);
      keepWorst(parsers, p.name, performance.now() - t, name);
    }
  }
  for (const { name, headers } of pathologicalHeaders(HEADER_CAP)) {
    const ex = exchangeOf('<!doctype html><p>x</p>', { contentType: 'text/html', headers: { 'content-type': 'text/html', ...headers } });
    for (const rule of PASSIVE_RULES) {
      const t = performance.now();
      rule.check(ex, { origin: 'https://target.test', seen: new Set() });
      keepWorst(rules, rule.id, performance.now() - t, `header: ${name}`);
    }
  }
  for (const [id, w] of rules) report(`regex: passive rule ${id}, worst 2 MiB page`, w.ms, 'ms', BUDGET_MS, w.body);
  for (const [name, w] of parsers) report(`regex: ${name}`, w.ms, 'ms', BUDGET_MS, w.body);
  info(`regex: all of it (${bodies.length} bodies × ${CONTENT_TYPES.length} content types)`, performance.now() - started, 's');
}

if (import.meta.url === `file://${process.argv[1]}`) await benchRegex();
