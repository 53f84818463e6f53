function trackingPixel() {
  // ruleid: js-browser-document-write-non-literal
  document.write('<img src="/pixel.gif?ref=' + document.referrer + '" alt="">');
}

function legacyWidget(config) {
  // ruleid: js-browser-document-write-non-literal
  document.writeln(`<div id="widget" data-theme="${config.theme}"></div>`);
}

function noscriptNotice() {
  // ok: js-browser-document-write-non-literal
  document.write('<p class="notice">Please enable JavaScript.</p>');
}

function trackingPixelSafely() {
  const img = document.createElement('img');
  img.src = '/pixel.gif?ref=' + encodeURIComponent(document.referrer);
  // ok: js-browser-document-write-non-literal
  document.body.append(img);
}
