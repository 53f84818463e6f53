const { spawn } = require('child_process');

function allowSelfSignedInDev() {
  if (process.env.NODE_ENV !== 'production') {
    // ruleid: js-node-tls-reject-unauthorized-env
    process.env.NODE_TLS_REJECT_UNAUTHORIZED = '0';
  }
}

function runImporter(file) {
  // ruleid: js-node-tls-reject-unauthorized-env
  return spawn('node', ['importer.js', file], { env: { ...process.env, NODE_TLS_REJECT_UNAUTHORIZED: '0' } });
}

function trustCorporateCa() {
  // ok: js-node-tls-reject-unauthorized-env
  process.env.NODE_EXTRA_CA_CERTS = '/etc/ssl/certs/corp-root.pem';
}

function restoreVerification() {
  // ok: js-node-tls-reject-unauthorized-env
  process.env.NODE_TLS_REJECT_UNAUTHORIZED = '1';
}

module.exports = { allowSelfSignedInDev, runImporter, trustCorporateCa, restoreVerification };
