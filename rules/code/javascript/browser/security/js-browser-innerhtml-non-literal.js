import DOMPurify from 'dompurify';

export function showResults(list, items) {
  // ruleid: js-browser-innerhtml-non-literal
  list.innerHTML = items.map((item) => `<li>${item.title}</li>`).join('');
}

export function appendComment(container, comment) {
  // ruleid: js-browser-innerhtml-non-literal
  container.innerHTML += '<p class="comment">' + comment.body + '</p>';
}

export function replaceCard(card, html) {
  // ruleid: js-browser-innerhtml-non-literal
  card.outerHTML = html;
}

export function clear(list) {
  // ok: js-browser-innerhtml-non-literal
  list.innerHTML = '';
}

export function showPreview(preview, html) {
  // ok: js-browser-innerhtml-non-literal
  preview.innerHTML = DOMPurify.sanitize(html);
}

export function showTitle(heading, item) {
  // ok: js-browser-innerhtml-non-literal
  heading.textContent = item.title;
}
