import { describe, expect, it } from 'vitest';
import { makeAlert, type AlertItem } from '../../../src/notify/alert.js';
import { alertHtml, alertJson, alertText, alertTitle, MAX_LISTED, slackPayload } from '../../../src/notify/render.js';

const AWS = 'AKIAABCDEFGHIJKLMNOP';

function item(i: number, over: Partial<AlertItem> = {}): AlertItem {
  return { key: `finding.new:app:fp${i}`, severity: i % 2 ? 'high' : 'critical', title: `Finding ${i}`, target: 'app', ruleId: `rule-${i}`, location: `src/f${i}.ts:${i}`, findingId: i, ...over };
}

describe('alert rendering', () => {
  it('titles by event, count and highest severity', () => {
    expect(alertTitle(makeAlert('finding.new', [item(1)]))).toBe('[vigil] 1 new finding (high)');
    expect(alertTitle(makeAlert('finding.new', [item(1), item(2)]))).toBe('[vigil] 2 new findings (critical)');
    expect(alertTitle(makeAlert('sla.breach', [item(1)]))).toBe('[vigil] 1 finding past its SLA (high)');
    expect(alertTitle(makeAlert('scan.failed', [{ key: 'k', severity: 'high', title: 'tls on api failed in run schedule:n' }]))).toBe('[vigil] tls on api failed in run schedule:n');
  });

  it('Slack payload: text plus header, a section per item (at most ten), and a context line, within Slack limits', () => {
    const items = Array.from({ length: 30 }, (_, i) => item(i + 1, { title: `${'x'.repeat(4000)} <b>` }));
    const p = slackPayload(makeAlert('finding.new', items, { runId: 'r1', trigger: 'schedule:nightly' }));
    expect(Object.keys(p).sort()).toEqual(['blocks', 'text']);
    expect(p.blocks).toHaveLength(12);
    expect(p.blocks[0]).toEqual({ type: 'header', text: { type: 'plain_text', text: '[vigil] 30 new findings (critical)', emoji: false } });
    for (const b of p.blocks.slice(1, 11)) {
      expect(b.type).toBe('section');
      const t = (b.text as { type: string; text: string });
      expect(t.type).toBe('mrkdwn');
      expect(t.text.length).toBeLessThanOrEqual(3000);
      expect(t.text).not.toContain('<b>');
    }
    const ctx = p.blocks[11] as { type: string; elements: { type: string; text: string }[] };
    expect(ctx.type).toBe('context');
    expect(ctx.elements[0]!.text).toMatch(/^… and 20 more · run schedule:nightly, id r1, at /);
    expect(p.text.length).toBeLessThanOrEqual(3000);
  });

  it('plain text lists at most MAX_LISTED items and the rest as a count; HTML escapes everything', () => {
    const items = Array.from({ length: MAX_LISTED + 5 }, (_, i) => item(i));
    const text = alertText(makeAlert('sla.breach', items));
    expect(text.split('\n').filter((l) => l.startsWith('- [')).length).toBe(MAX_LISTED);
    expect(text).toContain('- … and 5 more');
    const html = alertHtml(makeAlert('finding.new', [item(1, { title: '<img src=x onerror=alert(1)>', detail: '"quoted" & more' })]));
    expect(html).not.toContain('<img');
    expect(html).toContain('&lt;img src=x onerror=alert(1)&gt;');
    expect(html).toContain('&quot;quoted&quot; &amp; more');
  });

  it('redacts secrets in every format, including ones that reached an alert unredacted', () => {
    const a = makeAlert('finding.new', [item(1, { title: `AWS key ${AWS}`, detail: 'password = "correct-horse-battery"' })]);
    // makeAlert redacts; a hand-built alert (as read back from an old outbox) is redacted again when rendered
    const raw = { ...a, items: [{ ...a.items[0]!, title: `AWS key ${AWS}`, detail: 'password = "correct-horse-battery"' }] };
    for (const alert of [a, raw]) {
      for (const out of [alertText(alert), alertHtml(alert), JSON.stringify(alertJson(alert)), JSON.stringify(slackPayload(alert))]) {
        expect(out).not.toContain(AWS);
        expect(out).not.toContain('correct-horse-battery');
        expect(out).toContain('AKIA…[redacted]');
      }
    }
  });

  it('JSON payload carries the schema version, event, severity, run and items', () => {
    const j = alertJson(makeAlert('finding.new', [item(2)], { runId: 'r', trigger: 'cli' }));
    expect(j).toMatchObject({ schemaVersion: 1, event: 'finding.new', severity: 'critical', title: '[vigil] 1 new finding (critical)', run: { id: 'r', trigger: 'cli' }, items: [{ key: 'finding.new:app:fp2', findingId: 2 }] });
    expect(typeof j.id).toBe('string');
  });
});
