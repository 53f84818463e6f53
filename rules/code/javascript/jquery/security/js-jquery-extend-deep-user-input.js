/* global $, jQuery */
const DEFAULTS = { page: 1, filters: { status: 'open' }, layout: { columns: 3 } };

function loadViewState() {
  const saved = JSON.parse(decodeURIComponent(location.hash.slice(1)) || '{}');
  // ruleid: js-jquery-extend-deep-user-input
  return $.extend(true, {}, DEFAULTS, saved);
}

window.addEventListener('message', (event) => {
  const incoming = typeof event.data === 'string' ? JSON.parse(event.data) : event.data;
  // ruleid: js-jquery-extend-deep-user-input
  jQuery.extend(true, window.widgetConfig, incoming);
});

function loadPage() {
  const params = new URLSearchParams(location.search);
  // ok: js-jquery-extend-deep-user-input
  return $.extend(true, {}, DEFAULTS, { page: Number(params.get('page')) });
}

function loadLayout() {
  const saved = JSON.parse(decodeURIComponent(location.hash.slice(1)) || '{}');
  // ok: js-jquery-extend-deep-user-input
  return $.extend({}, DEFAULTS, { layout: { columns: Number(saved.columns) } });
}
