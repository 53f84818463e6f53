/** The dashboard's one stylesheet, served from /assets/app.css (the CSP allows styles from 'self' only). */
export const APP_CSS = `
*{box-sizing:border-box}
body{margin:0;font:15px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:#1b1f24;background:#f5f6f8}
header{display:flex;align-items:center;gap:1.5rem;padding:.5rem 1.25rem;background:#1d2733;color:#fff;flex-wrap:wrap}
header a{color:#fff}
.brand{font-weight:700;font-size:1.15rem;text-decoration:none}
nav{display:flex;align-items:center;gap:1rem;flex:1;flex-wrap:wrap}
nav ul{display:flex;gap:.25rem;list-style:none;margin:0;padding:0;flex:1;flex-wrap:wrap}
nav a{display:block;padding:.35rem .6rem;border-radius:4px;text-decoration:none}
nav a[aria-current=page]{background:#3b4b5e}
.logout{display:flex;align-items:center;gap:.5rem;margin:0}
main{max-width:1280px;margin:0 auto;padding:1rem 1.25rem 3rem}
h1{font-size:1.5rem;margin:.5rem 0 1rem}
h2{font-size:1.15rem;margin:1.5rem 0 .5rem}
a{color:#0b57d0}
a:focus-visible,button:focus-visible,input:focus-visible,select:focus-visible,textarea:focus-visible{outline:3px solid #f59e0b;outline-offset:2px}
table{border-collapse:collapse;width:100%;background:#fff}
th,td{text-align:left;padding:.4rem .55rem;border-bottom:1px solid #e2e5ea;vertical-align:top}
th{background:#eef0f3;font-weight:600}
.cards{display:grid;grid-template-columns:repeat(auto-fit,minmax(150px,1fr));gap:.75rem}
.card{background:#fff;border:1px solid #e2e5ea;border-radius:6px;padding:.75rem}
.card .n{font-size:1.6rem;font-weight:700;display:block}
.sev{display:inline-block;padding:0 .45rem;border-radius:3px;font-size:.85rem;font-weight:600;color:#fff}
.sev-critical{background:#7f1d1d}.sev-high{background:#b91c1c}.sev-medium{background:#b45309}.sev-low{background:#1d4ed8}.sev-info{background:#4b5563}
form.filters{display:flex;flex-wrap:wrap;gap:.75rem;align-items:flex-end;margin-bottom:1rem}
label{display:flex;flex-direction:column;font-size:.9rem;gap:.2rem}
input,select,textarea,button{font:inherit;padding:.35rem .5rem;border:1px solid #9aa3ad;border-radius:4px;background:#fff;color:inherit}
button{background:#0b57d0;color:#fff;border-color:#0b57d0;cursor:pointer}
header button{background:#3b4b5e;border-color:#5b6b7e}
.stack{display:grid;gap:.6rem;max-width:40rem}
.error{background:#fde8e8;border:1px solid #b91c1c;padding:.5rem .75rem;border-radius:4px}
.notice{background:#e6f4ea;border:1px solid #137333;padding:.5rem .75rem;border-radius:4px}
.live:empty{display:none}
.live{background:#e8f0fe;border:1px solid #0b57d0;padding:.4rem .75rem;border-radius:4px}
pre{background:#fff;border:1px solid #e2e5ea;padding:.6rem;overflow:auto;white-space:pre-wrap;overflow-wrap:anywhere}
td code{overflow-wrap:anywhere}
td:first-child{white-space:nowrap}
.stack button{justify-self:start}
form.inline{display:flex;flex-wrap:wrap;gap:.4rem;align-items:flex-end;margin:.15rem 0}
.chart{background:#fff;border:1px solid #e2e5ea;border-radius:6px;max-width:100%;height:auto}
.state-overdue,.state-late{color:#b91c1c;font-weight:600}.state-due-soon{color:#b45309;font-weight:600}
dl.meta{display:grid;grid-template-columns:max-content 1fr;gap:.25rem 1rem}
dl.meta dt{font-weight:600}dl.meta dd{margin:0}
.login{max-width:22rem;margin:3rem auto;background:#fff;padding:1.5rem;border:1px solid #e2e5ea;border-radius:6px}
.pager{margin-top:1rem}
.visually-hidden{position:absolute;width:1px;height:1px;overflow:hidden;clip:rect(0 0 0 0);white-space:nowrap}
h3{font-size:1rem;margin:1rem 0 .4rem}
.up,.within-slo{color:#137333;font-weight:600}.down,.below-slo{color:#b91c1c;font-weight:600}.state-none{color:#4b5563}
.breach{display:inline-block;padding:0 .4rem;border-radius:3px;background:#b91c1c;color:#fff;font-size:.8rem;font-weight:700}
tr.row-breach>*{background:#fde8e8}
.probe-error{color:#7f1d1d;overflow-wrap:anywhere}
.hint{color:#4b5563;font-size:.9rem}
.sparks{display:flex;flex-wrap:wrap;gap:1rem;margin:.5rem 0 1rem}
.spark{margin:0}.spark svg{background:#fff;border:1px solid #e2e5ea;border-radius:6px;display:block}.spark figcaption{font-size:.85rem;color:#4b5563}
.strip{max-width:100%;height:auto}
`;

/**
 * The dashboard's one script, served from /assets/app.js: live run progress from /events and the
 * countdowns of incident steps and clocks. Every page reads the same without it.
 */
export const APP_JS = `'use strict';
(function () {
  function fmt(ms) {
    var past = ms < 0, m = Math.floor(Math.abs(ms) / 60000);
    var d = Math.floor(m / 1440); m -= d * 1440;
    var h = Math.floor(m / 60); m -= h * 60;
    var t = d > 0 ? d + ' d ' + h + ' h' : h > 0 ? h + ' h ' + m + ' min' : m + ' min';
    return past ? t + ' ago' : 'in ' + t;
  }
  function tick() {
    var els = document.querySelectorAll('[data-due]');
    for (var i = 0; i < els.length; i++) {
      var due = Date.parse(els[i].getAttribute('data-due'));
      if (!isNaN(due)) els[i].textContent = fmt(due - Date.now());
    }
  }
  document.addEventListener('DOMContentLoaded', function () {
    tick();
    setInterval(tick, 30000);
    var live = document.getElementById('live');
    if (!live || typeof EventSource === 'undefined' || !document.querySelector('nav')) return;
    var es = new EventSource('/events');
    // says whether the stream is up (and lets a test wait for it)
    es.addEventListener('open', function () { live.setAttribute('data-stream', 'open'); });
    es.addEventListener('error', function () { live.setAttribute('data-stream', 'closed'); });
    es.addEventListener('run', function (e) {
      try {
        var r = JSON.parse(e.data);
        var parts = typeof r.total === 'number' ? ' — ' + r.done + ' of ' + r.total + ' parts done' : '';
        var last = r.part ? ' (last: ' + r.part.scanner + ' on ' + r.part.target + ', ' + r.part.status + ', ' + r.part.findings + ' findings)' : '';
        live.textContent = r.phase === 'finished'
          ? 'Scan ' + r.trigger + ' finished: ' + (r.status || 'done') + parts + '. Reload to see its findings.'
          : 'Scan ' + r.trigger + ' running since ' + r.at.slice(11, 16) + ' UTC' + parts + last + '…';
      } catch (_) { /* a malformed event is ignored */ }
    });
  });
})();
`;
