/* global $ */

$(function () {
  const anchor = decodeURIComponent(window.location.hash.slice(1));
  // ruleid: js-jquery-dom-xss
  $(anchor).addClass('highlight');
  // ok: js-jquery-dom-xss
  $('#' + $.escapeSelector(anchor)).addClass('highlight');

  const message = new URLSearchParams(window.location.search).get('msg');
  // ruleid: js-jquery-dom-xss
  $('#flash').append('<div class="alert">' + message + '</div>');
  // ruleid: js-jquery-dom-xss
  $('#title').html(message);
  // ok: js-jquery-dom-xss
  $('#flash-text').text(message);
  // ok: js-jquery-dom-xss
  document.body.append(message);
});
