import DOMPurify from 'dompurify';

export function greet() {
  const params = new URLSearchParams(window.location.search);
  // ruleid: js-browser-dom-xss
  document.getElementById('greeting').innerHTML = 'Welcome back, ' + params.get('name');
  // ok: js-browser-dom-xss
  document.getElementById('bio').innerHTML = DOMPurify.sanitize(params.get('bio'));
  // ok: js-browser-dom-xss
  document.getElementById('plain').textContent = params.get('name');
}

export function activateTab() {
  const tab = decodeURIComponent(location.hash.slice(1));
  // ruleid: js-browser-dom-xss
  document.querySelector('#tabs').insertAdjacentHTML('beforeend', `<li class="active">${tab}</li>`);
}

export function trackReferrer() {
  // ruleid: js-browser-dom-xss
  document.write('<img src="/pixel.gif?ref=' + document.referrer + '" alt="">');
  // ok: js-browser-dom-xss
  document.write('<img src="/pixel.gif?ref=' + encodeURIComponent(document.referrer) + '" alt="">');
}
