/**
 * ZAP's alert catalogue for the plugins vigil implements: the same ids, names, risks, CWE and
 * WASC ids ZAP reports, so rule configs (the baseline TSV), habits and dedup carry over between
 * vigil's own engine and a ZAP daemon.
 */
import type { ZapConfidence, ZapRisk } from './types.js';

export interface ZapAlertInfo {
  name: string;
  risk: ZapRisk;
  confidence: ZapConfidence;
  cweId: number;
  wascId: number;
  /** Passive (baseline) or active (attack) plugin. */
  kind: 'passive' | 'active';
  solution: string;
  reference: string;
}

const MDN = 'https://developer.mozilla.org/en-US/docs/Web/HTTP/Headers/';
const OWASP_CS = 'https://cheatsheetseries.owasp.org/cheatsheets/';

export const ZAP_ALERTS: Readonly<Record<string, ZapAlertInfo>> = {
  // passive (baseline)
  '10020': { name: 'Missing Anti-clickjacking Header', risk: 2, confidence: 2, cweId: 1021, wascId: 15, kind: 'passive', solution: "Send Content-Security-Policy with a frame-ancestors directive, or X-Frame-Options: DENY or SAMEORIGIN.", reference: `${MDN}X-Frame-Options` },
  '10021': { name: 'X-Content-Type-Options Header Missing', risk: 1, confidence: 2, cweId: 693, wascId: 15, kind: 'passive', solution: 'Send X-Content-Type-Options: nosniff on every response.', reference: `${MDN}X-Content-Type-Options` },
  '10035': { name: 'Strict-Transport-Security Header Not Set', risk: 1, confidence: 3, cweId: 319, wascId: 15, kind: 'passive', solution: 'Send Strict-Transport-Security on HTTPS responses (max-age of at least six months).', reference: `${OWASP_CS}HTTP_Strict_Transport_Security_Cheat_Sheet.html` },
  '10038': { name: 'Content Security Policy (CSP) Header Not Set', risk: 2, confidence: 3, cweId: 693, wascId: 15, kind: 'passive', solution: 'Send a Content-Security-Policy header on HTML responses.', reference: `${OWASP_CS}Content_Security_Policy_Cheat_Sheet.html` },
  '10055': { name: 'CSP: Wildcard Directive', risk: 2, confidence: 3, cweId: 693, wascId: 15, kind: 'passive', solution: "Tighten the policy: no wildcards, no 'unsafe-inline' or 'unsafe-eval' for scripts and styles, and define the directives that do not fall back to default-src.", reference: `${OWASP_CS}Content_Security_Policy_Cheat_Sheet.html` },
  '10010': { name: 'Cookie No HttpOnly Flag', risk: 1, confidence: 2, cweId: 1004, wascId: 13, kind: 'passive', solution: 'Set the HttpOnly attribute on cookies scripts do not need.', reference: 'https://owasp.org/www-community/HttpOnly' },
  '10011': { name: 'Cookie Without Secure Flag', risk: 1, confidence: 2, cweId: 614, wascId: 13, kind: 'passive', solution: 'Set the Secure attribute on cookies sent over HTTPS.', reference: `${MDN}Set-Cookie` },
  '10054': { name: 'Cookie without SameSite Attribute', risk: 1, confidence: 2, cweId: 1275, wascId: 13, kind: 'passive', solution: "Set SameSite=Lax or Strict on every cookie.", reference: `${MDN}Set-Cookie/SameSite` },
  '10036': { name: 'Server Leaks Version Information via "Server" HTTP Response Header Field', risk: 1, confidence: 3, cweId: 497, wascId: 13, kind: 'passive', solution: 'Configure the server to send a generic Server header, or none, without version numbers.', reference: `${MDN}Server` },
  '10037': { name: 'Server Leaks Information via "X-Powered-By" HTTP Response Header Field(s)', risk: 1, confidence: 2, cweId: 497, wascId: 13, kind: 'passive', solution: 'Suppress X-Powered-By headers (Express: app.disable("x-powered-by"), or helmet).', reference: `${OWASP_CS}HTTP_Headers_Cheat_Sheet.html` },
  '10015': { name: 'Re-examine Cache-control Directives', risk: 0, confidence: 1, cweId: 525, wascId: 13, kind: 'passive', solution: 'For pages with sensitive content send Cache-Control: no-cache, no-store, must-revalidate.', reference: `${OWASP_CS}Session_Management_Cheat_Sheet.html#web-content-caching` },
  '10098': { name: 'Cross-Domain Misconfiguration', risk: 2, confidence: 2, cweId: 264, wascId: 14, kind: 'passive', solution: 'Do not answer Access-Control-Allow-Origin: * (or a reflected origin with credentials) for data that is not public.', reference: `${MDN}Access-Control-Allow-Origin` },
  '10096': { name: 'Timestamp Disclosure - Unix', risk: 0, confidence: 1, cweId: 497, wascId: 13, kind: 'passive', solution: 'Make sure the timestamp is not sensitive, and does not help an attacker.', reference: 'https://cwe.mitre.org/data/definitions/497.html' },
  '2': { name: 'Private IP Disclosure', risk: 1, confidence: 2, cweId: 497, wascId: 13, kind: 'passive', solution: 'Remove private IP addresses from responses (comments, headers, error text).', reference: 'https://www.rfc-editor.org/rfc/rfc1918' },
  '90022': { name: 'Application Error Disclosure', risk: 2, confidence: 2, cweId: 550, wascId: 13, kind: 'passive', solution: 'Show users a generic error page; log the details on the server.', reference: `${OWASP_CS}Error_Handling_Cheat_Sheet.html` },
  '10202': { name: 'Absence of Anti-CSRF Tokens', risk: 2, confidence: 1, cweId: 352, wascId: 9, kind: 'passive', solution: 'Protect state-changing forms with an anti-CSRF token (or SameSite cookies and origin checks).', reference: `${OWASP_CS}Cross-Site_Request_Forgery_Prevention_Cheat_Sheet.html` },
  '10040': { name: 'Secure Pages Include Mixed Content', risk: 2, confidence: 2, cweId: 311, wascId: 4, kind: 'passive', solution: 'Load every resource of an HTTPS page over HTTPS.', reference: 'https://developer.mozilla.org/en-US/docs/Web/Security/Mixed_content' },
  '10033': { name: 'Directory Browsing', risk: 2, confidence: 2, cweId: 548, wascId: 48, kind: 'passive', solution: 'Turn off directory listings (nginx autoindex off, serve-index removed).', reference: 'https://cwe.mitre.org/data/definitions/548.html' },
  '10063': { name: 'Permissions Policy Header Not Set', risk: 1, confidence: 2, cweId: 693, wascId: 15, kind: 'passive', solution: 'Send a Permissions-Policy header that turns off the browser features the site does not use.', reference: `${MDN}Permissions-Policy` },
  '90003': { name: 'Sub Resource Integrity Attribute Missing', risk: 2, confidence: 3, cweId: 345, wascId: 15, kind: 'passive', solution: 'Give scripts and stylesheets loaded from other origins an integrity attribute (and crossorigin).', reference: 'https://developer.mozilla.org/en-US/docs/Web/Security/Subresource_Integrity' },
  '10003': { name: 'Vulnerable JS Library', risk: 2, confidence: 2, cweId: 1395, wascId: 0, kind: 'passive', solution: 'Upgrade the library to a version without known vulnerabilities.', reference: 'https://owasp.org/Top10/A06_2021-Vulnerable_and_Outdated_Components/' },
  // active (attacks; only on targets marked active)
  '40012': { name: 'Cross Site Scripting (Reflected)', risk: 3, confidence: 2, cweId: 79, wascId: 8, kind: 'active', solution: 'Encode output for its context (HTML, attribute, script) and validate input; a strict CSP limits the damage.', reference: `${OWASP_CS}Cross_Site_Scripting_Prevention_Cheat_Sheet.html` },
  '40018': { name: 'SQL Injection', risk: 3, confidence: 2, cweId: 89, wascId: 19, kind: 'active', solution: 'Use parameterised queries; never build SQL from request data.', reference: `${OWASP_CS}SQL_Injection_Prevention_Cheat_Sheet.html` },
  '6': { name: 'Path Traversal', risk: 3, confidence: 2, cweId: 22, wascId: 33, kind: 'active', solution: 'Resolve requested paths against an allowed root and refuse any that leave it.', reference: 'https://owasp.org/www-community/attacks/Path_Traversal' },
  '20019': { name: 'External Redirect', risk: 3, confidence: 2, cweId: 601, wascId: 38, kind: 'active', solution: 'Redirect only to local paths or an allow-list of hosts.', reference: `${OWASP_CS}Unvalidated_Redirects_and_Forwards_Cheat_Sheet.html` },
  '40003': { name: 'CRLF Injection', risk: 2, confidence: 2, cweId: 113, wascId: 25, kind: 'active', solution: 'Reject CR and LF in values that go into response headers.', reference: 'https://owasp.org/www-community/vulnerabilities/CRLF_Injection' },
  '90020': { name: 'Remote OS Command Injection', risk: 3, confidence: 2, cweId: 78, wascId: 31, kind: 'active', solution: 'Never pass request data to a shell; use execFile with an argument list and validate the values.', reference: `${OWASP_CS}OS_Command_Injection_Defense_Cheat_Sheet.html` },
  '90035': { name: 'Server Side Template Injection', risk: 3, confidence: 2, cweId: 1336, wascId: 20, kind: 'active', solution: 'Never compile templates from request data; pass the data to a fixed template.', reference: 'https://owasp.org/www-project-web-security-testing-guide/latest/4-Web_Application_Security_Testing/07-Input_Validation_Testing/18-Testing_for_Server-side_Template_Injection' },
};

/** ZAP's risk names, as its reports and TSV print them. */
export const RISK_NAMES = ['Informational', 'Low', 'Medium', 'High'] as const;
