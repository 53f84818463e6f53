import DOMPurify from 'dompurify';

export function addNotification(list, notification) {
  // ruleid: js-browser-insertadjacenthtml-non-literal
  list.insertAdjacentHTML('beforeend', `<li class="note">${notification.message}</li>`);
}

export function addRow(table, row) {
  // ruleid: js-browser-insertadjacenthtml-non-literal
  table.insertAdjacentHTML('beforeend', '<tr><td>' + row.name + '</td><td>' + row.email + '</td></tr>');
}

export function addDivider(list) {
  // ok: js-browser-insertadjacenthtml-non-literal
  list.insertAdjacentHTML('beforeend', '<li class="divider" role="separator"></li>');
}

export function addRichNote(list, html) {
  // ok: js-browser-insertadjacenthtml-non-literal
  list.insertAdjacentHTML('beforeend', DOMPurify.sanitize(html));
}

export function addPlainNote(list, text) {
  // ok: js-browser-insertadjacenthtml-non-literal
  list.insertAdjacentText('beforeend', text);
}
