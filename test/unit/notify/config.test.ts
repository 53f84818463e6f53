import { describe, expect, it } from 'vitest';
import { VigilError } from '../../../src/errors.js';
import { initTemplate, parseConfig } from '../../../src/config/index.js';

const FILE = '/srv/app/vigil.yaml';
const targets = `targets:
  - name: app
    kind: path
    path: .
    scanners: [import]
`;

function thrown(yaml: string): VigilError {
  try {
    parseConfig(yaml, FILE);
  } catch (e) {
    return e as VigilError;
  }
  throw new Error('no error');
}

describe('config: notify section', () => {
  it('is absent from the config when vigil.yaml has none, or an empty one', () => {
    expect(parseConfig(targets, FILE).notify).toBeUndefined();
    expect(parseConfig(`${targets}notify:\n`, FILE).notify).toBeUndefined();
  });

  it('applies defaults to every channel', () => {
    const c = parseConfig(
      `${targets}notify:
  webhooks:
    - name: slack
      url: \${SLACK_WEBHOOK_URL}
      format: slack
      headers: { Authorization: "Bearer \${TOKEN}" }
  email:
    host: smtp.example.com
    userEnv: SMTP_USER
    passwordEnv: SMTP_PASSWORD
    from: vigil@example.com
    to: [sec@example.com]
    ca: certs/ca.pem
  sentry:
`,
      FILE,
    );
    expect(c.notify).toEqual({
      minSeverity: 'high',
      dedupeWindowSeconds: 86_400,
      waitOnExitSeconds: 15,
      webhooks: [
        {
          name: 'slack',
          url: '${SLACK_WEBHOOK_URL}',
          format: 'slack',
          headers: { Authorization: 'Bearer ${TOKEN}' },
          attempts: 5,
          timeoutSeconds: 10,
          events: ['finding.new', 'sla.breach', 'scan.failed', 'incident.escalated'],
          minSeverity: 'high',
        },
      ],
      email: {
        host: 'smtp.example.com',
        port: 587,
        secure: false,
        // a password is never sent in the clear unless the config says so
        starttls: 'required',
        userEnv: 'SMTP_USER',
        passwordEnv: 'SMTP_PASSWORD',
        from: 'vigil@example.com',
        to: ['sec@example.com'],
        ca: '/srv/app/certs/ca.pem',
        attempts: 3,
        timeoutSeconds: 10,
        events: ['finding.new', 'sla.breach', 'scan.failed', 'incident.escalated'],
        minSeverity: 'high',
      },
      sentry: { errors: true, events: ['finding.new', 'incident.escalated'], minSeverity: 'critical' },
    });
  });

  it('reads durations, per-channel routing and secure SMTP', () => {
    const c = parseConfig(
      `${targets}notify:
  minSeverity: medium
  dedupeWindow: 2h
  waitOnExit: 30
  webhooks:
    - { name: a, url: "https://hooks.example.com/x", timeout: 3s, attempts: 2, events: [scan.failed] }
  email: { host: mail, port: 465, from: a@b.co, to: [c@d.co] }
`,
      FILE,
    );
    expect(c.notify).toMatchObject({ minSeverity: 'medium', dedupeWindowSeconds: 7200, waitOnExitSeconds: 30 });
    expect(c.notify!.webhooks[0]).toMatchObject({ timeoutSeconds: 3, attempts: 2, events: ['scan.failed'], minSeverity: 'medium' });
    expect(c.notify!.email).toMatchObject({ port: 465, secure: true, starttls: 'opportunistic' });
  });

  const bad: [name: string, yaml: string, line: number, column: number, message: string][] = [
    ['an unknown key in notify', 'notify:\n  webhook: []\n', 7, 3, 'notify: unknown key "webhook" (did you mean "webhooks"?)'],
    ['an unknown key in a webhook', 'notify:\n  webhooks:\n    - name: a\n      url: https://x.example\n      method: PUT\n', 10, 7, 'notify.webhooks[0]: unknown key "method"'],
    ['an unknown key in email', 'notify:\n  email:\n    host: m\n    from: a@b.co\n    to: [c@d.co]\n    password: hunter2\n', 11, 5, 'notify.email: unknown key "password"'],
    ['an unknown event', 'notify:\n  webhooks:\n    - name: a\n      url: https://x.example\n      events: [finding.fixed]\n', 10, 16, 'notify.webhooks[0].events[0]: must be one of finding.new, sla.breach, scan.failed, incident.escalated'],
    ['a URL that is not http(s)', 'notify:\n  webhooks:\n    - name: a\n      url: ftp://x.example\n', 9, 12, 'notify.webhooks[0].url: must be an http:// or https:// URL'],
    ['a malformed ${} reference', 'notify:\n  webhooks:\n    - name: a\n      url: https://x.example/${bad-name}\n', 9, 12, 'notify.webhooks[0].url: has a "${" that is not a ${NAME} reference'],
    ['duplicate webhook names', 'notify:\n  webhooks:\n    - { name: a, url: "https://x.example" }\n    - { name: a, url: "https://y.example" }\n', 9, 15, 'notify.webhooks[1].name: "a" is already the name of notify.webhooks[0]'],
    ['SMTP user without password', 'notify:\n  email:\n    host: m\n    userEnv: U\n    from: a@b.co\n    to: [c@d.co]\n', 8, 5, 'notify.email: SMTP authentication needs both userEnv and passwordEnv; "passwordEnv" is missing'],
    ['an address with a display name', 'notify:\n  email:\n    host: m\n    from: a@b.co\n    to: ["Sec <c@d.co>"]\n', 10, 10, 'notify.email.to[0]: must be an e-mail address'],
    ['a zero per-attempt timeout', 'notify:\n  webhooks:\n    - { name: a, url: "https://x.example", timeout: 0s }\n', 8, 53, 'notify.webhooks[0].timeout: must be more than 0 seconds'],
    ['a sentry dsn that is not a URL', 'notify:\n  sentry:\n    dsn: "sentry-key"\n', 8, 10, 'notify.sentry.dsn: must be a Sentry DSN'],
  ];
  for (const [name, yaml, line, column, message] of bad) {
    it(`rejects ${name} with exit 2 and its line`, () => {
      const e = thrown(`${targets}${yaml}`);
      expect(e).toBeInstanceOf(VigilError);
      expect(e.code).toBe('VIGIL_ERR_CONFIG_INVALID');
      expect(e.exitCode).toBe(2);
      expect(e.message).toContain(message);
      expect([e.line, e.column]).toEqual([line, column]);
    });
  }

  it("vigil init's commented notify example is valid once uncommented", () => {
    const t = initTemplate();
    const at = t.indexOf('\nnotify:\n') + 1;
    const uncommented = t.slice(0, at) + t.slice(at).replace(/^# {2}/gm, '');
    const c = parseConfig(uncommented, FILE);
    expect(c.notify!.webhooks.map((w) => [w.name, w.format])).toEqual([['slack', 'slack']]);
    expect(c.notify!.email).toMatchObject({ host: 'smtp.example.com', starttls: 'required', passwordEnv: 'SMTP_PASSWORD' });
    expect(c.notify!.sentry).toMatchObject({ dsn: '${SENTRY_DSN}', minSeverity: 'critical' });
  });
});
