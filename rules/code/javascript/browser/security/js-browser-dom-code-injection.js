const handlers = {
  refresh() {
    window.location.reload();
  },
  noop() {},
};

export function applyConfig() {
  const config = decodeURIComponent(location.hash.slice(1));
  // ruleid: js-browser-dom-code-injection
  eval('window.appConfig = ' + config);
  // ok: js-browser-dom-code-injection
  window.appSettings = JSON.parse(config);
}

export function runCallback() {
  const callback = new URLSearchParams(location.search).get('callback');
  // ruleid: js-browser-dom-code-injection
  setTimeout(callback + '()', 0);
  // ruleid: js-browser-dom-code-injection
  const render = new Function('data', `return ${callback}(data)`);
  let handler = handlers.noop;
  if (callback === 'refresh') handler = handlers.refresh;
  // ok: js-browser-dom-code-injection
  setTimeout(handler, 0);
  return render;
}
