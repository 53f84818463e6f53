/**
 * The api scanner's rules as data: one record per rule id with its title, severity, CWE, OWASP
 * API Security Top 10 (2023) id and remediation, so the findings code only says which one fired.
 */
import type { Severity } from '../../src/model/severity.js';

export interface ApiRule {
  title: string;
  severity: Severity;
  cwe: string[];
  /** OWASP API Security Top 10 2023 id, e.g. `API2:2023`. */
  owasp: string;
  /** What the operation should have answered. */
  expected: string;
  remediation: string;
  references: string[];
}

const OWASP = 'https://owasp.org/API-Security/editions/2023/en/';

export const API_RULES = {
  'api-unauthenticated-access': {
    title: 'Operation answers without credentials although the spec requires them',
    severity: 'high',
    cwe: ['CWE-306'],
    owasp: 'API2:2023',
    expected: '401',
    remediation: 'Check authentication on this operation before doing anything else (one middleware on every route the spec marks with `security`, denying by default), and answer 401 without valid credentials.',
    references: [`${OWASP}0xa2-broken-authentication/`, 'https://cwe.mitre.org/data/definitions/306.html'],
  },
  'api-function-level-authz': {
    title: 'Operation answers a role that must be refused',
    severity: 'high',
    cwe: ['CWE-285'],
    owasp: 'API5:2023',
    expected: '403',
    remediation: 'Check the caller\'s role (or permission) on this operation, not only that it is logged in; deny by default and answer 403 to roles the operation is not for.',
    references: [`${OWASP}0xa5-broken-function-level-authorization/`, 'https://cwe.mitre.org/data/definitions/285.html'],
  },
  'api-object-level-authz': {
    title: 'Operation answers with an object that belongs to someone else',
    severity: 'high',
    cwe: ['CWE-639'],
    owasp: 'API1:2023',
    expected: '403/404',
    remediation: 'Check that the caller owns (or may see) the object named by the path parameter on every request, e.g. by querying with the owner in the WHERE clause; answer 404 (or 403) otherwise.',
    references: [`${OWASP}0xa1-broken-object-level-authorization/`, 'https://cwe.mitre.org/data/definitions/639.html'],
  },
  'api-server-error': {
    title: 'Operation answers a server error to a request without credentials',
    severity: 'low',
    cwe: ['CWE-755'],
    owasp: 'API8:2023',
    expected: '401',
    remediation: 'Refuse requests without credentials before handling them, and turn unexpected errors into a plain 4xx/5xx answer without details; a 5xx to an anonymous caller often means the code ran before the authentication check.',
    references: [`${OWASP}0xa8-security-misconfiguration/`],
  },
} as const satisfies Record<string, ApiRule>;

export type ApiRuleId = keyof typeof API_RULES;
