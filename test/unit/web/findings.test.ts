import { describe, expect, it } from 'vitest';
import { alertToFinding, severityOfRisk } from '../../../scanners/web/web-scanner.js';

const ORIGIN = 'http://127.0.0.1:8444';

describe('web alerts as findings', () => {
  it('an attack\'s finding keeps its place from run to run: the page and parameter, not the payload', () => {
    const run1 = alertToFinding({ pluginId: '40012', url: `${ORIGIN}/search?q=abc%3Cscript%3E`, method: 'GET', param: 'q', attack: 'abc<script>', evidence: 'abc<script>' }, ORIGIN);
    const run2 = alertToFinding({ pluginId: '40012', url: `${ORIGIN}/search?q=xyz%3Cscript%3E`, method: 'get', param: 'q', attack: 'xyz<script>', evidence: 'xyz<script>' }, ORIGIN);
    expect(run1.fingerprint).toBe(run2.fingerprint);
    expect(run1.location).toEqual({ kind: 'web', url: `${ORIGIN}/search`, method: 'GET', param: 'q' });
    expect(run1.evidence).toContain('attack: abc<script>');
    expect(run1).toMatchObject({ ruleId: '40012', severity: 'high', cwe: ['CWE-79'], title: 'Cross Site Scripting (Reflected)' });
    // another parameter of the same page is another finding
    const other = alertToFinding({ pluginId: '40012', url: `${ORIGIN}/search?q=a&page=%3C`, method: 'GET', param: 'page', evidence: '<' }, ORIGIN);
    expect(other.fingerprint).not.toBe(run1.fingerprint);
  });

  it('a site-wide header alert is keyed by the origin, whichever page showed it first', () => {
    const a = alertToFinding({ pluginId: '10020', url: `${ORIGIN}/`, method: 'GET', param: 'x-frame-options', evidence: '' }, ORIGIN);
    const b = alertToFinding({ pluginId: '10020', url: `${ORIGIN}/login`, method: 'GET', param: 'x-frame-options', evidence: '' }, ORIGIN);
    expect(a.fingerprint).toBe(b.fingerprint);
    expect(b.location.kind === 'web' && b.location.url).toBe(`${ORIGIN}/`);
  });

  it('variants of one plugin (10055) are separate findings; ZAP risks map to severities, Informational out of the gate', () => {
    const wild = alertToFinding({ pluginId: '10055', name: 'CSP: Wildcard Directive', url: `${ORIGIN}/`, method: 'GET', param: 'content-security-policy', evidence: '' }, ORIGIN);
    const inline = alertToFinding({ pluginId: '10055', name: 'CSP: script-src unsafe-inline', url: `${ORIGIN}/`, method: 'GET', param: 'content-security-policy', evidence: '' }, ORIGIN);
    expect(wild.fingerprint).not.toBe(inline.fingerprint);
    expect([3, 2, 1, 0].map(severityOfRisk)).toEqual(['high', 'medium', 'low', 'info']);
  });
});
