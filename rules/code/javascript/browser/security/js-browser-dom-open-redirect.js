export function continueAfterLogin() {
  const params = new URLSearchParams(location.search);
  const next = params.get('next');
  // ruleid: js-browser-dom-open-redirect
  window.location.href = next;
}

export function returnToCaller() {
  const target = new URLSearchParams(window.location.search).get('returnUrl');
  // ruleid: js-browser-dom-open-redirect
  location.assign(target || '/');
}

export function openShared() {
  // ruleid: js-browser-dom-open-redirect
  window.open(decodeURIComponent(location.hash.slice(1)), '_blank');
}

export function search() {
  const params = new URLSearchParams(location.search);
  // ok: js-browser-dom-open-redirect
  location.href = '/search?q=' + encodeURIComponent(params.get('q') ?? '');
}

export function continueSafely() {
  const next = new URLSearchParams(location.search).get('next');
  let destination = '/home';
  if (next === 'billing') destination = '/billing';
  // ok: js-browser-dom-open-redirect
  window.location.href = destination;
}
