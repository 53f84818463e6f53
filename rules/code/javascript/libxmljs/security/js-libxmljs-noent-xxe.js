const libxmljs = require('libxmljs2');

function invoiceTotal(xml) {
  // ruleid: js-libxmljs-noent-xxe
  const doc = libxmljs.parseXml(xml, { noent: true, noblanks: true });
  return doc.get('//total').text();
}

function parseFeed(body) {
  // ruleid: js-libxmljs-noent-xxe
  return libxmljs.parseXmlString(body.toString(), { noent: true });
}

function invoiceTotalSafely(xml) {
  // ok: js-libxmljs-noent-xxe
  const doc = libxmljs.parseXml(xml);
  return doc.get('//total').text();
}

function parseFeedSafely(body) {
  // ok: js-libxmljs-noent-xxe
  return libxmljs.parseXmlString(body.toString(), { noent: false, nonet: true });
}

module.exports = { invoiceTotal, parseFeed, invoiceTotalSafely, parseFeedSafely };
