import type { Principal, Role } from '../../ledger/auth-store.js';
import { PAGES } from '../permissions.js';

/** Text made safe for HTML element content and quoted attribute values. */
export function esc(s: unknown): string {
  return String(s ?? '')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');
}

/** HTML that is already escaped: what the page helpers return, so it is not escaped twice. */
export class Html {
  constructor(readonly text: string) {}
  toString(): string {
    return this.text;
  }
}

/** A template tag: every interpolated value is escaped unless it is Html (or an array of Html). */
export function html(strings: TemplateStringsArray, ...values: unknown[]): Html {
  let out = strings[0] ?? '';
  values.forEach((v, i) => {
    out += render(v) + (strings[i + 1] ?? '');
  });
  return new Html(out);
}

function render(v: unknown): string {
  if (v instanceof Html) return v.text;
  if (Array.isArray(v)) return v.map(render).join('');
  if (v === undefined || v === null || v === false) return '';
  return esc(v);
}

/** Whether `role` may use the page `key` (its row of PAGES). */
export function mayUse(role: Role, key: keyof typeof PAGES): boolean {
  const a = PAGES[key];
  return a === 'public' || (a as readonly string[]).includes(role);
}

const NAV: { href: string; label: string; key: keyof typeof PAGES }[] = [
  { href: '/', label: 'Overview', key: 'GET /' },
  { href: '/findings', label: 'Findings', key: 'GET /findings' },
  { href: '/incidents', label: 'Incidents', key: 'GET /incidents' },
  { href: '/datamap', label: 'Data map', key: 'GET /datamap' },
  { href: '/uptime', label: 'Uptime', key: 'GET /uptime' },
  { href: '/perf', label: 'Performance', key: 'GET /perf' },
  { href: '/reports', label: 'Reports', key: 'GET /reports' },
  { href: '/settings', label: 'Settings', key: 'GET /settings' },
];

/** A whole page: the navigation the user's role may follow, the logout form, the content. */
export function page(opts: { title: string; active?: string; user?: { principal: Principal; csrf: string }; body: Html }): string {
  const u = opts.user;
  const nav = u
    ? html`<nav aria-label="Main"><ul>${NAV.filter((n) => mayUse(u.principal.role, n.key)).map(
        (n) => html`<li><a href="${n.href}"${opts.active === n.href ? new Html(' aria-current="page"') : ''}>${n.label}</a></li>`,
      )}</ul>
      <form method="post" action="/logout" class="logout"><input type="hidden" name="_csrf" value="${u.csrf}"><span>${u.principal.name} (${u.principal.role})</span> <button type="submit">Log out</button></form></nav>`
    : '';
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${esc(opts.title)} — vigil</title>
<link rel="stylesheet" href="/assets/app.css">
<script src="/assets/app.js" defer></script>
</head>
<body>
<header><a class="brand" href="/">vigil</a>${render(nav)}</header>
<main id="main">
<h1>${esc(opts.title)}</h1>
<p id="live" class="live" role="status" aria-live="polite"></p>
${opts.body.text}
</main>
</body>
</html>
`;
}

/** An ISO time as a short UTC text, or a dash. */
export function when(iso: string | null | undefined): string {
  return iso ? `${iso.slice(0, 16).replace('T', ' ')} UTC` : '—';
}

/** Milliseconds as "3 d 4 h", "5 h 2 min", "12 min"; negative as "… ago". */
export function duration(ms: number): string {
  const past = ms < 0;
  let m = Math.floor(Math.abs(ms) / 60_000);
  const d = Math.floor(m / 1440);
  m -= d * 1440;
  const h = Math.floor(m / 60);
  m -= h * 60;
  const text = d > 0 ? `${d} d ${h} h` : h > 0 ? `${h} h ${m} min` : `${m} min`;
  return past ? `${text} ago` : `in ${text}`;
}
