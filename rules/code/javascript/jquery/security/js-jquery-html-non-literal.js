/* global $, DOMPurify */

$(function () {
  $.getJSON('/api/notifications', (data) => {
    // ruleid: js-jquery-html-non-literal
    $('#notifications').html(data.items.map((n) => '<li>' + n.message + '</li>').join(''));
  });

  $('#search').on('input', function () {
    const query = $(this).val();
    // ruleid: js-jquery-html-non-literal
    $('#echo').html('Results for <b>' + query + '</b>');
    // ok: js-jquery-html-non-literal
    $('#echo-text').text('Results for ' + query);
  });

  // ok: js-jquery-html-non-literal
  $('#status').html('<em>Loading</em>');

  $.getJSON('/api/profile', (profile) => {
    // ok: js-jquery-html-non-literal
    $('#bio').html(DOMPurify.sanitize(profile.bioHtml));
  });
});
