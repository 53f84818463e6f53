const tls = require('tls');
const https = require('https');
const fs = require('fs');

const key = fs.readFileSync('server.key');
const cert = fs.readFileSync('server.crt');

// ruleid: js-node-tls-weak-protocol-version
const legacyServer = tls.createServer({ key, cert, minVersion: 'TLSv1' });

function callOldGateway(path) {
  // ruleid: js-node-tls-weak-protocol-version
  return https.request({ host: 'gateway.example', path, secureProtocol: 'TLSv1_method' });
}

// ruleid: js-node-tls-weak-protocol-version
const cappedContext = tls.createSecureContext({ maxVersion: 'TLSv1.1' });

// ok: js-node-tls-weak-protocol-version
const modernServer = tls.createServer({ key, cert, minVersion: 'TLSv1.2' });

// ok: js-node-tls-weak-protocol-version
const flexibleContext = tls.createSecureContext({ secureProtocol: 'TLS_method', minVersion: 'TLSv1.3' });

module.exports = { legacyServer, callOldGateway, cappedContext, modernServer, flexibleContext };
