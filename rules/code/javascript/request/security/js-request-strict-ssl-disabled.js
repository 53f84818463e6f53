const request = require('request');
const fs = require('fs');

function fetchInvoices(cb) {
  // ruleid: js-request-strict-ssl-disabled
  request({ url: 'https://billing.internal.example/invoices', json: true, strictSSL: false }, cb);
}

// ruleid: js-request-strict-ssl-disabled
const insecureClient = request.defaults({ strictSSL: false, timeout: 5000 });

function fetchInvoicesWithCa(cb) {
  // ok: js-request-strict-ssl-disabled
  request({ url: 'https://billing.internal.example/invoices', json: true, ca: fs.readFileSync('/etc/ssl/internal-ca.pem') }, cb);
}

// ok: js-request-strict-ssl-disabled
const strictClient = request.defaults({ strictSSL: true, timeout: 5000 });

module.exports = { fetchInvoices, insecureClient, fetchInvoicesWithCa, strictClient };
